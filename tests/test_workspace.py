"""The Workspace: creation, migration, checked loads, the revenue summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import revhub
from revhub import workspace as workspace_module
from revhub.demo.generator import GenerationReport
from revhub.errors import ConstraintViolationError, SchemaVersionError, WorkspaceError
from revhub.model import SCHEMA_VERSION, TABLES
from revhub.model.migrations import MIGRATIONS, Migration
from revhub.summary import last_full_quarter, revenue_summary


def test_init_creates_every_table_empty_at_the_current_version(tmp_path: Path) -> None:
    with revhub.init(tmp_path / "ws") as ws:
        assert ws.schema_version == SCHEMA_VERSION
        assert set(ws.row_counts()) == {t.name for t in TABLES}
        assert sum(ws.row_counts().values()) == 0
    assert (tmp_path / "ws" / "revhub.toml").exists()
    assert (tmp_path / "ws" / "revhub.duckdb").exists()


def test_reopening_keeps_data_and_does_not_rewrite_settings(tmp_path: Path) -> None:
    revhub.init(tmp_path).close()
    (tmp_path / "revhub.toml").write_text("[engine]\nthreads = 1\n")
    with revhub.init(tmp_path) as ws:
        assert ws.settings.engine.threads == 1
        ws.set_meta("note", "kept")
    with revhub.open(tmp_path) as ws:
        assert ws.meta("note") == "kept"


def test_a_newer_workspace_is_refused(tmp_path: Path) -> None:
    with revhub.init(tmp_path) as ws:
        ws.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(SchemaVersionError, match="Upgrade revhub"):
        revhub.open(tmp_path)


def test_opening_a_missing_workspace_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="revhub init"):
        revhub.open(tmp_path / "nowhere")


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(WorkspaceError, match="cannot create a workspace"):
        revhub.init(blocker / "ws")


def test_loading_data_that_breaks_the_model_changes_nothing(
    demo_data: GenerationReport, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in demo_data.out.glob("*.parquet"):
        data = pq.read_table(path)
        if path.stem == "opportunities":  # point the first deal at an account that does not exist
            ids = data.column("account_id").to_pylist()
            ids[0] = "acc_missing"
            data = data.set_column(data.schema.get_field_index("account_id"), "account_id", [ids])
        pq.write_table(data, broken / path.name)
    with revhub.init(tmp_path / "ws") as ws:
        with pytest.raises(ConstraintViolationError, match=r"opportunities\.account_id") as caught:
            ws.load(broken)
        assert caught.value.violations
        assert sum(ws.row_counts().values()) == 0


def test_loading_an_empty_directory_says_what_is_expected(tmp_path: Path) -> None:
    with (
        revhub.init(tmp_path / "ws") as ws,
        pytest.raises(WorkspaceError, match=r"accounts\.parquet"),
    ):
        ws.load(tmp_path)


def test_revenue_summary_reads_the_workspace(demo_workspace: revhub.Workspace) -> None:
    as_of = dt.date.fromisoformat(demo_workspace.meta("as_of") or "")
    summary = revenue_summary(demo_workspace, as_of)
    assert summary.accounts == demo_workspace.table("accounts").count().execute()
    assert 0 < summary.paying_customers < summary.accounts
    assert summary.arr > 0
    assert summary.open_pipeline > 0
    assert summary.bookings_last_quarter > 0
    start, end = summary.quarter
    won = [
        row
        for row in demo_workspace.table("opportunities").to_pyarrow().to_pylist()
        if row["is_won"] and start <= row["closed_date"] < end
    ]
    assert {row["opportunity_type"] for row in won} == {"new_business", "expansion", "renewal"}
    expected = sum(float(r["amount_base"]) for r in won if r["opportunity_type"] != "renewal")
    assert summary.bookings_last_quarter == pytest.approx(expected)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2026, 11, 1), (dt.date(2026, 7, 1), dt.date(2026, 10, 1))),
        (dt.date(2026, 1, 1), (dt.date(2025, 10, 1), dt.date(2026, 1, 1))),
        (dt.date(2026, 4, 1), (dt.date(2026, 1, 1), dt.date(2026, 4, 1))),
    ],
)
def test_last_full_quarter(as_of: dt.date, expected: tuple[dt.date, dt.date]) -> None:
    assert last_full_quarter(as_of) == expected


def _release_with_migration(monkeypatch: pytest.MonkeyPatch, *statements: str) -> Migration:
    """Pretend this revhub release adds one migration made of ``statements``."""
    step = Migration(SCHEMA_VERSION + 1, "A test migration.", statements)
    monkeypatch.setattr(workspace_module, "MIGRATIONS", (*MIGRATIONS, step))
    monkeypatch.setattr(workspace_module, "SCHEMA_VERSION", step.version)
    return step


def test_an_older_workspace_is_migrated_step_by_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    revhub.init(tmp_path).close()
    step = _release_with_migration(
        monkeypatch, "ALTER TABLE accounts ADD COLUMN health_score DOUBLE"
    )
    with revhub.open(tmp_path) as ws:
        assert ws.schema_version == step.version
        assert "health_score" in ws.table("accounts").columns
    with revhub.open(tmp_path) as ws:  # applied once, not again
        assert ws.schema_version == step.version


def test_a_failing_migration_leaves_the_workspace_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    revhub.init(tmp_path).close()
    step = _release_with_migration(
        monkeypatch,
        "ALTER TABLE accounts ADD COLUMN note VARCHAR",
        "ALTER TABLE nowhere ADD COLUMN x INT",
    )
    with pytest.raises(WorkspaceError, match=rf"(?s)migration {step.version} .*left unchanged"):
        revhub.open(tmp_path)
    monkeypatch.undo()
    with revhub.open(tmp_path) as ws:
        assert ws.schema_version == SCHEMA_VERSION
        assert "note" not in ws.table("accounts").columns

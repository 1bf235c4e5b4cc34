"""Targets files: checked row by row, loaded in one transaction, other sources kept."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import revhub
from revhub.errors import DataError
from revhub.metrics.custom import parse_custom_metrics
from revhub.metrics.targets import (
    TARGETS_SOURCE,
    TargetScope,
    load_targets,
    parse_period,
    read_targets,
)
from revhub.model import get_table
from revhub.workspace import Workspace

OLD = dt.datetime(2025, 1, 1)
TEAMS = [
    {"team_id": "t1", "name": "AE Emea smb", "department": "sales"},
    {"team_id": "t2", "name": "Customer Success", "department": "customer_success"},
]
PLANNED = {  # a target another source (a planning tool) loaded earlier
    "target_id": "anaplan:1",
    "metric": "arr",
    "period_grain": "quarter",
    "period_start": dt.date(2026, 7, 1),
    "value": 5_000_000.0,
}
TARGETS_YAML = """\
targets:
  - {metric: arr, period: 2026-Q3, value: 6000000}
  - {metric: new_mrr, period: 2026-07, team: AE Emea smb, value: 30000}
  - {metric: new_mrr, period: 2026-07, team: t1, segment: smb, value: 25000}
  - {metric: logo_churn_rate, period: 2026, region: emea, value: 2.5%}
"""


def put(ws: Workspace, table: str, *rows: dict[str, Any], source: str = "crm") -> None:
    """Insert ``rows`` into ``table`` with lineage filled in."""
    key = get_table(table).primary_key[0]
    lineage = {"source": source, "created_at": OLD, "updated_at": OLD}
    full = [{**lineage, "source_id": str(row[key]), **row} for row in rows]
    columns = {c: [r.get(c) for r in full] for c in full[0]}
    ws.con.insert(table, get_table(table).to_arrow(columns))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the teams and a planning tool's target, made once."""
    root = tmp_path_factory.mktemp("targets") / "ws"
    with revhub.init(root) as ws:
        put(ws, "teams", *TEAMS)
        put(ws, "targets", PLANNED, source="anaplan")
    return root


@pytest.fixture
def workspace(prepared: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A copy of the prepared workspace of this test's own."""
    shutil.copytree(prepared, tmp_path / "ws")
    with revhub.open(tmp_path / "ws") as ws:
        yield ws


def targets_of(ws: Workspace, source: str) -> list[dict[str, Any]]:
    table = ws.table("targets")
    rows = table.filter(table.source == source).order_by("target_id").to_pyarrow()
    keys = ("metric", "period_grain", "team_id", "segment", "region", "value", "period_start")
    return [{k: row[k] for k in keys} for row in rows.to_pylist()]


def test_periods() -> None:
    assert parse_period("2026-Q1") == ("quarter", dt.date(2026, 1, 1))
    assert parse_period("2026-q4") == ("quarter", dt.date(2026, 10, 1))
    assert parse_period("2026-12") == ("month", dt.date(2026, 12, 1))
    for wrong in ("2026-13", "2026-Q5", "2026-07-01", "Q3 2026", "26"):
        assert parse_period(wrong) is None


def test_load_resolves_periods_and_teams_and_keeps_other_sources(workspace: Workspace) -> None:
    path = workspace.root / "targets.yaml"
    path.write_text(TARGETS_YAML)
    report = load_targets(workspace)
    assert (report.path, report.loaded, report.replaced) == (path, 4, 0)
    assert targets_of(workspace, TARGETS_SOURCE) == [
        {"metric": "arr", "period_grain": "quarter", "team_id": None, "segment": None,
         "region": None, "value": 6_000_000.0, "period_start": dt.date(2026, 7, 1)},
        {"metric": "logo_churn_rate", "period_grain": "year", "team_id": None, "segment": None,
         "region": "emea", "value": 0.025, "period_start": dt.date(2026, 1, 1)},
        {"metric": "new_mrr", "period_grain": "month", "team_id": "t1", "segment": None,
         "region": None, "value": 30_000.0, "period_start": dt.date(2026, 7, 1)},
        {"metric": "new_mrr", "period_grain": "month", "team_id": "t1", "segment": "smb",
         "region": None, "value": 25_000.0, "period_start": dt.date(2026, 7, 1)},
    ]  # fmt: skip
    assert len(targets_of(workspace, "anaplan")) == 1
    path.write_text("targets:\n  - {metric: arr, period: 2026-Q4, value: 7000000}\n")
    again = load_targets(workspace)
    assert (again.loaded, again.replaced) == (1, 4)
    assert [t["value"] for t in targets_of(workspace, TARGETS_SOURCE)] == [7_000_000.0]
    assert len(targets_of(workspace, "anaplan")) == 1


def test_csv_file_with_semicolons(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "targets.csv"
    path.write_text(
        "metric;period;team;segment;region;value\n"
        "arr;2026-Q3;;;;6000000\n"
        "new_mrr;2026-07;ae emea SMB;;;30000\n"
    )
    assert load_targets(workspace, path).loaded == 2
    rows = targets_of(workspace, TARGETS_SOURCE)
    assert [(r["metric"], r["team_id"], r["value"]) for r in rows] == [
        ("arr", None, 6_000_000.0),
        ("new_mrr", "t1", 30_000.0),
    ]


def test_every_problem_at_once_with_its_line(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS_YAML)
    load_targets(workspace, path)
    before = targets_of(workspace, TARGETS_SOURCE)
    path.write_text(
        "targets:\n"
        "  - {metric: new_bookins, period: 2026-07, value: 10}\n"  # line 2
        "  - {metric: arr, period: 2026-13, team: AE Emea smbb, value: lots}\n"  # line 3
        "  - {metric: arr, period: 2026-07-01, segmnt: smb, region: europe}\n"  # line 4
        "  - {metric: arr, period: 2026-Q3, value: 1}\n"  # line 5
        "  - {metric: arr, period: 2026-q3, value: 2}\n"  # line 6
        "  - {metric: unscoped, period: 2026-07, team: t1, value: 2}\n"  # line 7
    )
    unscoped = parse_custom_metrics(
        "metrics:\n  unscoped:\n    description: Deals.\n    unit: count\n"
        "    direction: higher\n    department: sales\n    aggregate: count\n"
        "    sql: SELECT created_date AS day, 1 AS value FROM opportunities\n",
        "metrics.yaml",
    )
    with pytest.raises(DataError) as raised:
        load_targets(workspace, path, extra_metrics=unscoped)
    message = str(raised.value)
    for part in (
        f"{path}: 10 problem(s)",
        "line 2: metric `new_bookins`: no such metric. Did you mean `new_bookings`?",
        "line 3: period `2026-13` is not a year (2026), quarter (2026-Q3) or month (2026-07)",
        "line 3: value `lots` is not a number",
        "line 3: unknown team `AE Emea smbb`. Did you mean `AE Emea smb`?",
        "line 4: unknown field `segmnt`. Did you mean `segment`?",
        "line 4: `value` is missing",
        "line 4: period `2026-07-01` is not",
        "line 4: unknown region `europe`. Use north_america, emea, apac, latam",
        "line 6: the same target as line 5",
        "line 7: metric `unscoped` cannot be sliced by team",
        "nothing was changed",
    ):
        assert part in message
    assert targets_of(workspace, TARGETS_SOURCE) == before


def test_missing_file_and_bad_outline(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no targets file at"):
        load_targets(workspace)
    path = tmp_path / "targets.yaml"
    path.write_text("target:\n  - {metric: arr}\n")
    with pytest.raises(DataError, match=r"`targets:` followed by a list.* Did you mean `targets`"):
        load_targets(workspace, path)


def test_read_targets_prefers_the_latest_source(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS_YAML)
    company = read_targets(workspace, metric="arr", grain="quarter", scope=TargetScope())
    assert company.to_pylist()[0]["source"] == "anaplan"
    load_targets(workspace, path)
    company = read_targets(workspace, metric="arr", grain="quarter", scope=TargetScope())
    assert [(r["value"], r["source"]) for r in company.to_pylist()] == [
        (6_000_000.0, TARGETS_SOURCE)
    ]
    team = read_targets(workspace, metric="new_mrr", scope=TargetScope(team_id="t1"))
    assert [(r["team"], r["value"]) for r in team.to_pylist()] == [("AE Emea smb", 30_000.0)]
    july = read_targets(workspace, start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 1))
    assert july.num_rows == 3
    assert july.column_names == [
        "metric", "period_grain", "period_start", "team_id", "team", "segment", "region",
        "value", "source",
    ]  # fmt: skip

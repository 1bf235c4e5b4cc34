"""Schema migrations bring a workspace written by an older revhub to the current model."""

from __future__ import annotations

from pathlib import Path

import duckdb

import revhub
from revhub.model import SCHEMA_VERSION
from revhub.model.migrations import MIGRATIONS

FINANCE_TABLES = ("cost_of_revenue", "forecast_snapshots")


def _as_written_by_version_1(root: Path) -> None:
    """Turn a fresh workspace into one revhub 1 wrote: no finance tables, version 1."""
    revhub.init(root).close()
    with duckdb.connect(str(root / "revhub.duckdb")) as con:
        for name in FINANCE_TABLES:
            con.execute(f"DROP TABLE {name}")
        con.execute("UPDATE revhub_meta SET value = '1' WHERE key = 'schema_version'")


def test_version_2_adds_the_finance_tables_to_a_version_1_workspace(tmp_path: Path) -> None:
    assert [m.version for m in MIGRATIONS][:2] == [1, 2]
    _as_written_by_version_1(tmp_path)
    with duckdb.connect(str(tmp_path / "revhub.duckdb"), read_only=True) as con:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    assert not tables & set(FINANCE_TABLES)
    with revhub.open(tmp_path) as ws:
        assert ws.schema_version == SCHEMA_VERSION
        for name in FINANCE_TABLES:
            assert ws.table(name).count().execute() == 0
        assert "low" in ws.table("forecast_snapshots").columns
        assert "amount_base" in ws.table("cost_of_revenue").columns


def test_the_finance_migration_keeps_the_data_already_there(tmp_path: Path) -> None:
    _as_written_by_version_1(tmp_path)
    with duckdb.connect(str(tmp_path / "revhub.duckdb")) as con:
        con.execute(
            "INSERT INTO teams (team_id, name, department, source, source_id, created_at, "
            "updated_at) VALUES ('t1', 'Sales', 'sales', 'demo', 't1', now(), now())"
        )
    with revhub.open(tmp_path) as ws:
        assert ws.table("teams").count().execute() == 1

"""Ingest runs and the quarantine, from a real ingest of a small file source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import revhub
from revhub.browse import list_ingest_runs, list_quarantine
from revhub.workspace import Workspace

MAPPING = """\
table: fx_rates
files: rates.csv
id: [cur, day]
columns:
  currency: cur
  rate_date: {column: day, format: '%d/%m/%Y'}
  base_currency: {default: USD}
  rate: usd
"""
RATES = "day,cur,usd\n02/01/2024,EUR,1.1\n31/02/2024,GBP,1.3\n03/01/2024,GBP,1.27\n"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A workspace that ingested a file with one bad row, twice."""
    root: Path = tmp_path_factory.mktemp("browse_ingest")
    (root / "rates.csv").write_text(RATES)
    (root / "fx.yaml").write_text(MAPPING)
    (root / "revhub.toml").write_text(
        '[sources.fx]\nkind = "files"\npath = "."\nmapping = "fx.yaml"\n'
    )
    with revhub.init(root) as ws:
        ws.ingest()
        ws.ingest()
        yield ws


def test_runs_newest_first_with_counts_per_table(ingested: Workspace) -> None:
    con = ingested.con.con.cursor()
    page = list_ingest_runs(con)
    assert page.total == 2 and [r.run_id for r in page.items] == [2, 1]
    first, second = page.items[1], page.items[0]
    assert first.sources == ["fx"] and first.status
    [table] = first.tables
    assert (table["source"], table["table"]) == ("fx", "fx_rates")
    assert (table["read"], table["inserted"], table["quarantined"]) == (3, 2, 1)
    assert first.totals["inserted"] == 2 and second.totals["unchanged"] == 2
    older = list_ingest_runs(con, page=2, page_size=1)
    assert [r.run_id for r in older.items] == [1] and older.pages == 2


def test_quarantine_says_where_and_why(ingested: Workspace) -> None:
    con = ingested.con.con.cursor()
    page = list_quarantine(con, source="fx")
    [row] = page.items
    assert page.total == 1 and row.table == "fx_rates" and row.run_id == 2
    assert row.origin == "rates.csv:3" and "31/02/2024" in row.reason
    assert list_quarantine(con, source="crm").total == 0
    assert list_quarantine(con, table="fx_rates").total == 1


def test_nothing_ingested_means_empty_pages(demo_workspace: Workspace) -> None:
    con = demo_workspace.con.con.cursor()
    assert list_ingest_runs(con).total == 0
    assert list_quarantine(con).items == []

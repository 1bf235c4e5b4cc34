"""Ingestion as operators see it: the runs with what each did per source and table, and
the rows in quarantine with why they were refused.

Reads ``revhub.ingest.records``' tables (``ingest.runs``, ``ingest.run_tables``,
``ingest.quarantine``). Before anything was ingested both lists are empty.

>>> import duckdb
>>> list_ingest_runs(duckdb.connect()).total, list_quarantine(duckdb.connect()).total
(0, 0)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from revhub.browse.pages import Page, check_paging, empty_page
from revhub.browse.query import Query, fetch, table_exists
from revhub.ingest.merge import Counts

COUNT_COLUMNS = tuple(Counts.__dataclass_fields__)


@dataclass(frozen=True)
class IngestRun:
    """One ingest run: when, which sources, how it ended, its counts summed over every
    table (``totals``) and per source and table (``tables``: source, table, the counts,
    seconds, notes)."""

    run_id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    sources: list[str]
    status: str
    seconds: float | None
    totals: dict[str, int]
    tables: list[dict[str, Any]]


@dataclass(frozen=True)
class QuarantinedRow:
    """A row the latest run of its source refused: where it came from (``origin``: file
    and line, or record path), why, and the record as read."""

    run_id: int
    source: str
    table: str
    origin: str | None
    reason: str
    record: str | None


def list_ingest_runs(
    con: duckdb.DuckDBPyConnection, *, page: int = 1, page_size: int = 20
) -> Page[IngestRun]:
    """Ingest runs, newest first, each with its counts per source and table."""
    check_paging(page, page_size)
    if not all(table_exists(con, "ingest", t) for t in ("runs", "run_tables")):
        return empty_page(page, page_size)
    total = fetch(con, "SELECT count(*) AS n FROM ingest.runs")[0]["n"]
    runs = fetch(
        con,
        """SELECT run_id, started_at, finished_at, sources, status, seconds FROM ingest.runs
           ORDER BY run_id DESC LIMIT $limit OFFSET $offset""",
        {"limit": page_size, "offset": (page - 1) * page_size},
    )
    counts = ", ".join(COUNT_COLUMNS)
    tables = fetch(
        con,
        f"""SELECT run_id, source, table_name AS "table", {counts}, seconds, notes
            FROM ingest.run_tables WHERE list_contains($runs, run_id)
            ORDER BY run_id, source, table_name""",
        {"runs": [r["run_id"] for r in runs]},
    )
    by_run: dict[int, list[dict[str, Any]]] = {}
    for row in tables:
        by_run.setdefault(row.pop("run_id"), []).append(row)
    items = []
    for run in runs:
        own = by_run.get(run["run_id"], [])
        totals = {c: sum(int(t[c] or 0) for t in own) for c in COUNT_COLUMNS}
        sources = [s for s in (run.pop("sources") or "").split(",") if s]
        items.append(IngestRun(**run, sources=sources, totals=totals, tables=own))
    return Page(items, total, page, page_size)


def list_quarantine(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str | None = None,
    table: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[QuarantinedRow]:
    """Rows in quarantine (of one ``source`` / ``table`` when given), by source, table,
    origin and reason."""
    check_paging(page, page_size)
    if not table_exists(con, "ingest", "quarantine"):
        return empty_page(page, page_size)
    query = Query()
    for column, value in (("source", source), ("table_name", table)):
        if value is not None:
            query.where(f"{column} = {query.bind(value)}")
    base = f"FROM ingest.quarantine{query.where_sql()}"
    total = fetch(con, f"SELECT count(*) AS n {base}", query.params)[0]["n"]
    limit, offset = query.bind(page_size), query.bind((page - 1) * page_size)
    rows = fetch(
        con,
        f"""SELECT run_id, source, table_name AS "table", origin, reason, record {base}
            ORDER BY source, table_name, origin NULLS LAST, reason, record NULLS LAST, run_id
            LIMIT {limit} OFFSET {offset}""",
        query.params,
    )
    return Page([QuarantinedRow(**r) for r in rows], total, page, page_size)

"""What ingestion remembers: run summaries and the quarantine, in the ``ingest`` schema.

``ingest.runs`` has one row per run; ``ingest.run_tables`` the counts per source and
table; ``ingest.quarantine`` the rows refused by the latest run of each source, with
origin (file and line, or record path), reason and the record as read. A run replaces
the quarantine of the sources it read, so fixing a file and running again takes the
fixed rows in and leaves only what is still wrong.

>>> import duckdb
>>> con = duckdb.connect()
>>> ensure_tables(con)
>>> con.execute("SELECT count(*) FROM ingest.quarantine").fetchone()
(0,)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import duckdb

from revhub.ingest.merge import QUARANTINE_BUFFER, Counts, Quarantined

_COUNT_COLUMNS = list(Counts.__dataclass_fields__)

_DDL = (
    "CREATE SCHEMA IF NOT EXISTS ingest",
    """CREATE TABLE IF NOT EXISTS ingest.runs (
        run_id BIGINT PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP,
        sources VARCHAR, status VARCHAR, seconds DOUBLE)""",
    f"""CREATE TABLE IF NOT EXISTS ingest.run_tables (
        run_id BIGINT, source VARCHAR, table_name VARCHAR,
        {", ".join(f"{c} BIGINT" for c in _COUNT_COLUMNS)}, seconds DOUBLE, notes VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS ingest.quarantine (
        run_id BIGINT, source VARCHAR, table_name VARCHAR, origin VARCHAR,
        reason VARCHAR, record VARCHAR)""",
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ingest bookkeeping tables if they are missing."""
    for statement in _DDL:
        con.execute(statement)


def next_run_id(con: duckdb.DuckDBPyConnection) -> int:
    """One more than the highest run id so far."""
    row = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM ingest.runs").fetchone()
    return int(row[0]) if row else 1


def record_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    started_at: dt.datetime,
    sources: list[str],
    status: str,
    tables: dict[tuple[str, str], tuple[Counts, float]],
    notes: dict[str, list[str]],
) -> None:
    """Store the run and its counts per (source, table)."""
    seconds = (dt.datetime.now() - started_at).total_seconds()
    con.execute(
        "INSERT INTO ingest.runs VALUES (?, ?, ?, ?, ?, ?)",
        [run_id, started_at, dt.datetime.now(), ",".join(sources), status, seconds],
    )
    for (source, table), (counts, table_seconds) in sorted(tables.items()):
        values = asdict(counts)
        con.execute(
            f"INSERT INTO ingest.run_tables VALUES (?, ?, ?, {', '.join('?' * len(values))}, ?, ?)",
            [
                run_id,
                source,
                table,
                *values.values(),
                table_seconds,
                "\n".join(notes.get(source, [])),
            ],
        )


def replace_quarantine(
    con: duckdb.DuckDBPyConnection, run_id: int, sources: list[str], rejected: list[Quarantined]
) -> None:
    """Replace the quarantine of ``sources`` with this run's refused rows: the records
    connectors could not read (``rejected``) and the buffer validation filled."""
    if sources:
        marks = ", ".join("?" * len(sources))
        con.execute(f"DELETE FROM ingest.quarantine WHERE source IN ({marks})", sources)
    if rejected:
        con.executemany(
            "INSERT INTO ingest.quarantine VALUES (?, ?, ?, ?, ?, ?)",
            [[run_id, r.source, r.table, r.origin, r.reason, r.record] for r in rejected],
        )
    con.execute(f"INSERT INTO ingest.quarantine SELECT {run_id}, * FROM {QUARANTINE_BUFFER}")

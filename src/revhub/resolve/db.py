"""The DuckDB connection identity resolution works on, and the few things done with it.

Every public function of ``revhub.resolve`` takes either the workspace's Ibis backend
(``ws.con``) or a raw ``duckdb`` connection; ``duck()`` gives the raw one. Work tables are
``TEMP`` tables (they never reach the database file); results land in the ``resolve``
schema inside one transaction.

>>> con = duckdb.connect()
>>> duck(con) is con, table_exists(con, "resolve", "crosswalk")
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from revhub.errors import DataError

SCHEMA = "resolve"


def duck(con: Any) -> duckdb.DuckDBPyConnection:
    """The raw DuckDB connection behind ``con`` (an Ibis DuckDB backend or a connection)."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        return con
    raw = getattr(con, "con", None)
    if isinstance(raw, duckdb.DuckDBPyConnection):
        return raw
    raise DataError(
        f"identity resolution runs on DuckDB, but got {type(con).__name__}. "
        "Pass the workspace's connection (ws.con) or a duckdb connection."
    )


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether ``schema.name`` exists (as a table or view)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? "
        "AND NOT temporary",
        [schema, name],
    ).fetchone()
    return bool(found and found[0])


def arrow(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """The result of ``sql`` as an Arrow table."""
    return con.sql(sql).to_arrow_table()


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The single value ``sql`` returns."""
    row = con.execute(sql).fetchone()
    return row[0] if row else None


@contextmanager
def quiet(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """No progress bar on ``con`` while the block runs (it would write to our output)."""
    before = scalar(con, "SELECT current_setting('enable_progress_bar')")
    con.execute("SET enable_progress_bar = false")
    try:
        yield
    finally:
        con.execute(f"SET enable_progress_bar = {'true' if before else 'false'}")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: commit when the block succeeds, roll back when it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")

"""The analytical engine: the one place where backend differences live.

Everything else works with Ibis expressions. This module opens the backend, creates
tables from the model's definitions, and replaces a table's contents from Parquet
inside a transaction. Only DuckDB is implemented so far; a Spark backend will add its
own branch here and nowhere else.

>>> con = connect(EngineSettings(), database=":memory:")
>>> con.name
'duckdb'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import ibis
from ibis.backends import BaseBackend

from revhub.config import EngineSettings
from revhub.errors import WorkspaceError
from revhub.model.schema import BASE_SCHEMA, Table

Backend = BaseBackend


def connect(settings: EngineSettings, *, database: Path | str) -> Any:
    """Open the engine at ``database`` (a DuckDB file, or ":memory:")."""
    config: dict[str, Any] = {}
    if settings.threads:
        config["threads"] = settings.threads
    if settings.memory_limit:
        config["memory_limit"] = settings.memory_limit
    try:
        backend = ibis.duckdb.connect(str(database), **config)
        # DuckDB's progress bar writes to stdout: it would garble the CLI's own output and
        # can block a process whose output goes to a full pipe
        backend.con.execute("SET enable_progress_bar = false")
        return backend
    except (duckdb.Error, OSError) as error:
        raise WorkspaceError(
            f"cannot open the DuckDB database {database}: {error}. "
            "Is another revhub process using it, or is the path unwritable?"
        ) from error


def qualified(table: Table) -> str:
    """The SQL name of a table: ``name`` in the main schema, ``truth.name`` otherwise."""
    return table.name if table.schema == BASE_SCHEMA else f"{table.schema}.{table.name}"


def ensure_table(con: Any, table: Table) -> None:
    """Create ``table`` empty, with the model's schema, if it does not exist yet."""
    if table.schema != BASE_SCHEMA:
        con.raw_sql(f"CREATE SCHEMA IF NOT EXISTS {table.schema}")
    existing = con.list_tables(database=table.schema)
    if table.name not in existing:
        con.create_table(table.name, schema=table.ibis_schema(), database=table.schema)


def table_expr(con: Any, table: Table) -> ibis.Table:
    """The Ibis expression for a stored table."""
    return con.table(table.name, database=table.schema)


def replace_from_parquet(con: Any, table: Table, path: Path) -> int:
    """Replace the rows of ``table`` with those in the Parquet file; return the row count.

    Columns are selected and cast by the model's names and types, so a file with extra
    or reordered columns loads the same. Call inside ``transaction``.
    """
    columns = ", ".join(
        f'CAST("{c.name}" AS {sql_type(c.type)}) AS "{c.name}"' for c in table.columns
    )
    name = qualified(table)
    con.raw_sql(f"DELETE FROM {name}")
    con.raw_sql(f"INSERT INTO {name} SELECT {columns} FROM read_parquet('{_quote(path)}')")
    return int(table_expr(con, table).count().execute())


@contextmanager
def transaction(con: Any) -> Iterator[None]:
    """All-or-nothing: commit when the block succeeds, roll back when it raises."""
    con.raw_sql("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.raw_sql("ROLLBACK")
        raise
    con.raw_sql("COMMIT")


def sql_type(logical: str) -> str:
    """The engine's SQL type for a logical column type.

    >>> sql_type("date"), sql_type("decimal(18,2)")
    ('DATE', 'DECIMAL(18,2)')
    """
    return {
        "string": "VARCHAR",
        "int64": "BIGINT",
        "float64": "DOUBLE",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
    }.get(logical, logical.upper())


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")

"""Turning a connector's cell text into the model's types, and saying why when it can't.

Staged rows hold text; ``typed_column`` is the SQL that reads one column as its model
type (ISO dates, timestamps with or without an offset — converted to UTC —, booleans,
decimals) and ``problems`` is the SQL that lists, for one row, every column that could
not be read, is missing though required, or holds a value the model does not allow.

>>> from revhub.model import get_table
>>> column = get_table("opportunities").column("close_date")
>>> "TRY_CAST" in typed_column(column)
True
"""

from __future__ import annotations

from revhub.model.schema import (
    BOOL,
    DATE,
    FLOAT,
    INT,
    LINEAGE,
    MONEY,
    RATE,
    STRING,
    TIMESTAMP,
    Column,
    Table,
)

_OFFSET = r"(Z|[+-][0-9]{2}:?[0-9]{2})$"
_SQL_TYPES = {STRING: "VARCHAR", INT: "BIGINT", FLOAT: "DOUBLE", BOOL: "BOOLEAN"}
_LINEAGE_NAMES = {c.name for c in LINEAGE}


def quote(name: str) -> str:
    """A SQL identifier.

    >>> quote("Close Date")
    '"Close Date"'
    """
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal.

    >>> literal("it's")
    "'it''s'"
    """
    return "'" + text.replace("'", "''") + "'"


def typed_column(column: Column, raw: str | None = None) -> str:
    """SQL reading the text column ``raw`` (default: the column's name) as its model type."""
    value = quote(raw or column.name)
    if column.type == TIMESTAMP:
        return (
            f"CASE WHEN regexp_matches({value}, '{_OFFSET}') "
            f"THEN timezone('UTC', TRY_CAST({value} AS TIMESTAMPTZ)) "
            f"ELSE TRY_CAST({value} AS TIMESTAMP) END"
        )
    if column.type == DATE:
        return (
            f"COALESCE(TRY_CAST({value} AS DATE), "
            f"CAST(TRY_CAST(regexp_replace({value}, '{_OFFSET}', '') AS TIMESTAMP) AS DATE))"
        )
    if column.type in (MONEY, RATE):
        return f"TRY_CAST({value} AS {column.type.upper()})"
    return f"TRY_CAST({value} AS {_SQL_TYPES[column.type]})"


def problems(table: Table, present: set[str], filled: set[str]) -> str:
    """SQL for a text that names every problem of a staged row ('' when none).

    ``present`` are the columns the source gave; ``filled`` those ingestion computes
    itself when absent (source, fx_rate, *_base), which are therefore not "missing".
    """
    checks: list[str] = []
    for column in table.columns:
        name = column.name
        if name not in present:
            if not column.nullable and name not in filled:
                checks.append(f"'{name} is required but the source has no such field'")
            continue
        value = quote(name)
        typed = typed_column(column)
        checks.append(
            f"CASE WHEN {value} IS NOT NULL AND ({typed}) IS NULL THEN "
            f"'{name}: cannot read ' || {_shown(value)} || ' as {_type_label(column)}' END"
        )
        if not column.nullable and name not in filled:
            checks.append(f"CASE WHEN {value} IS NULL THEN '{name} is empty but required' END")
        if column.values is not None:
            allowed = ", ".join(literal(v) for v in column.values)
            checks.append(
                f"CASE WHEN {value} IS NOT NULL AND {value} NOT IN ({allowed}) THEN "
                f"'{name}: ' || {_shown(value)} || ' is not one of {_short(column.values)}' END"
            )
        if column.minimum is not None:
            checks.append(
                f"CASE WHEN ({typed}) < {column.minimum} THEN "
                f"'{name}: ' || {_shown(value)} || ' is below the minimum {column.minimum:g}' END"
            )
    if not checks:
        return "''"
    return "concat_ws('; ', " + ", ".join(checks) + ")"


def _shown(value: str) -> str:
    return f"'\"' || left({value}, 60) || '\"'"


def _type_label(column: Column) -> str:
    return {
        TIMESTAMP: "a timestamp",
        DATE: "a date",
        BOOL: "true/false",
        INT: "a whole number",
        FLOAT: "a number",
        MONEY: "an amount",
        RATE: "a rate",
    }.get(column.type, "text")


def _short(values: tuple[str, ...]) -> str:
    shown = ", ".join(values[:8])
    text = shown + (", …" if len(values) > 8 else "")
    return text.replace("'", "''")


def is_lineage(name: str) -> bool:
    """Whether ``name`` is one of the lineage columns every canonical table ends with."""
    return name in _LINEAGE_NAMES

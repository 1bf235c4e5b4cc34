"""The parameterised SQL browse pages are made of, and how their rows come back.

Every value a person typed travels as a named parameter (``$p1``, ``$p2``, ...), never
as SQL text: ``Query.bind`` hands out the placeholder and keeps the value. The SQL text
itself is put together only from fixed fragments written in this package. Rows come back
as dicts of plain Python values: decimals become floats, dates and timestamps stay
``datetime.date`` / ``datetime.datetime`` (naive, UTC), lists stay lists.

>>> import duckdb
>>> query = Query()
>>> query.where(f"name ILIKE {query.bind('%acme%')}")
>>> query.where_sql(), query.params
(' WHERE (name ILIKE $p1)', {'p1': '%acme%'})
>>> fetch(duckdb.connect(), "SELECT 1.50::DECIMAL(18,2) AS amount, [1, 2] AS ids")
[{'amount': 1.5, 'ids': [1, 2]}]
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import duckdb

from revhub.resolve.db import table_exists

__all__ = ["Query", "fetch", "fetch_one", "snapshot_day", "table_exists"]

MAX_INLINE = 32


class Query:
    """Conditions and the named parameters they use, gathered while a query is built."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        """A new placeholder for ``value`` (``$p1``, ``$p2``, ...)."""
        name = f"p{len(self.params) + 1}"
        self.params[name] = value
        return f"${name}"

    def bind_ids(self, values: Any) -> str:
        """A placeholder for a list of strings (typed, so an empty list works too)."""
        return f"CAST({self.bind(sorted(values))} AS VARCHAR[])"

    def bind_in(self, values: Any) -> str:
        """The right side of ``x IN ...`` for a set of strings: a placeholder per value
        when there are few (DuckDB filters big scans fastest that way), else a semi-join
        on a list; an empty set matches nothing.

        >>> query = Query()
        >>> query.bind_in({"b", "a"}), query.bind_in([])
        ('($p1, $p2)', '(SELECT unnest(CAST($p3 AS VARCHAR[])))')
        """
        ordered = sorted(values)
        if 0 < len(ordered) <= MAX_INLINE:
            return "(" + ", ".join(self.bind(v) for v in ordered) + ")"
        return f"(SELECT unnest({self.bind_ids(ordered)}))"

    def where(self, condition: str) -> None:
        """Keep only rows meeting ``condition`` (SQL using placeholders from ``bind``)."""
        self.conditions.append(f"({condition})")

    def where_sql(self) -> str:
        """`` WHERE a AND b`` for the conditions so far, or an empty string."""
        return " WHERE " + " AND ".join(self.conditions) if self.conditions else ""


_PLACEHOLDER = re.compile(r"\$([A-Za-z_]\w*)")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The rows of ``sql`` as dicts of plain Python values. ``params`` may hold more
    values than ``sql`` uses (a count query shares its list query's parameters)."""
    used = set(_PLACEHOLDER.findall(sql))
    cursor = con.execute(sql, {k: v for k, v in (params or {}).items() if k in used})
    names = [d[0] for d in cursor.description or ()]
    return [
        {name: _plain(value) for name, value in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


def fetch_one(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The first row of ``sql`` as a dict, or None when there is none."""
    rows = fetch(con, sql, params)
    return rows[0] if rows else None


def snapshot_day(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The day current figures (MRR, days in stage, CSAT window) are taken on: the last
    complete day before the workspace's as-of date (today when it has none), the day
    ``ws.metrics`` ends on unless told otherwise.

    >>> snapshot_day(duckdb.connect()) == dt.date.today() - dt.timedelta(days=1)
    True
    """
    as_of = dt.date.today()
    if table_exists(con, "main", "revhub_meta"):
        row = con.execute("SELECT value FROM revhub_meta WHERE key = 'as_of'").fetchone()
        if row and row[0]:
            as_of = dt.date.fromisoformat(row[0])
    return as_of - dt.timedelta(days=1)

"""What a quality rule hands to the runner: checks, the context they are built in, messages.

A ``Check`` is one test on the records of one table: ``frame`` holds the table's rows
(one per record, perhaps with columns looked up from related tables), ``bad`` says which
records fail, ``where`` which records are checked at all, and ``message`` tells a person
what is wrong, naming the field and its value. All three are Ibis expressions over
``frame``, so a check runs wherever the data lives.

>>> t = ibis.memtable({"country": ["DE", "Deutschland"]})
>>> check = Check("accounts", "country", t, ~t.country.isin(["DE"]),
...               render("{field} '{value}' is not ISO", field="country", value=t.country))
>>> ibis.duckdb.connect().execute(t.filter(check.bad).select(m=check.message)).m.tolist()
["country 'Deutschland' is not ISO"]
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from revhub import engine
from revhub.model import get_table

# A ``where`` filter: column → value (equality), list of values (any of) or None (is null).
Scalar = str | bool | int | float | dt.date | None
Where = Mapping[str, Scalar | Sequence[Scalar]]


@dataclass(frozen=True)
class Context:
    """What rules may read: the workspace connection and the day the data is judged on."""

    con: Any
    as_of: dt.date
    _tables: dict[str, ibis.Table] = field(default_factory=dict, repr=False, compare=False)

    def table(self, name: str) -> ibis.Table:
        """The canonical table ``name`` as an Ibis expression (looked up once per context)."""
        if name not in self._tables:
            self._tables[name] = engine.table_expr(self.con, get_table(name))
        return self._tables[name]

    def optional_table(self, schema: str, name: str) -> ibis.Table | None:
        """``schema.name`` if it exists (e.g. ``resolve.crosswalk``), else None."""
        if name not in self.con.list_tables(database=schema):
            return None
        table: ibis.Table = self.con.table(name, database=schema)
        return table

    def days_before(self, days: int) -> dt.datetime:
        """Midnight ``days`` days before ``as_of``."""
        day = self.as_of - dt.timedelta(days=days)
        return dt.datetime(day.year, day.month, day.day)


@dataclass(frozen=True)
class Check:
    """One test on one table's records; expressions are over ``frame``."""

    table: str
    field: str | None
    frame: ibis.Table
    bad: ir.BooleanValue
    message: ir.StringValue
    where: ir.BooleanValue | None = None


def render(template: str, **parts: object) -> ir.StringValue:
    """The message ``template`` with ``{name}`` replaced by ``parts`` (text or Ibis values).

    Ibis values are shown as text, a missing value as ``null``.

    >>> con = ibis.duckdb.connect()
    >>> t = ibis.memtable({"v": ["x", None]})
    >>> con.execute(t.select(m=render("v is '{value}'", value=t.v))).m.tolist()
    ["v is 'x'", "v is 'null'"]
    """
    pieces: list[ir.StringValue] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            pieces.append(ibis.literal(literal))
        if name is not None:
            pieces.append(_as_text(parts[name]))
    if not pieces:
        return ibis.literal("")
    message = pieces[0]
    for piece in pieces[1:]:
        message = message.concat(piece)
    return message


def placeholders(template: str) -> list[str]:
    """The ``{names}`` used in ``template``.

    >>> placeholders("{field} '{value}' is bad")
    ['field', 'value']
    """
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def where_expr(table: ibis.Table, where: Where) -> ir.BooleanValue | None:
    """The records a ``where`` filter keeps, or None when it keeps all.

    >>> t = ibis.memtable({"status": ["new"], "is_converted": [True]})
    >>> where_expr(t, {}) is None
    True
    """
    tests: list[ir.BooleanValue] = []
    for column, wanted in where.items():
        value = table[column]
        if wanted is None:
            tests.append(value.isnull())
        elif isinstance(wanted, str | bool | int | float | dt.date):
            tests.append(value == wanted)
        else:
            tests.append(value.isin(list(wanted)))
    if not tests:
        return None
    combined = tests[0]
    for test in tests[1:]:
        combined = combined & test
    return combined


def describe_where(where: Where) -> str:
    """A ``where`` filter as people read it.

    >>> describe_where({"is_converted": True, "status": ["new", "working"]})
    'is_converted = true and status in (new, working)'
    """
    parts = []
    for column, wanted in where.items():
        if wanted is None or isinstance(wanted, str | bool | int | float | dt.date):
            parts.append(f"{column} = {_show(wanted)}")
        else:
            parts.append(f"{column} in ({', '.join(_show(v) for v in wanted)})")
    return " and ".join(parts)


def day_of(value: ir.Value) -> ir.Value:
    """The date of a timestamp; a date as it is.

    >>> day_of(ibis.literal(dt.datetime(2026, 1, 2, 3, 4))).type()
    Date(nullable=True)
    """
    return value.date() if value.type().is_timestamp() else value


def _show(value: Scalar) -> str:
    if value is None:
        return "null"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _as_text(part: object) -> ir.StringValue:
    if isinstance(part, ir.Value):
        text: ir.StringValue = part.cast("string").fill_null("null")
        return text
    return ibis.literal(str(part))

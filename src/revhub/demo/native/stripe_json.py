"""How the demo's Stripe export writes values, and which demo rows are Stripe's.

Amounts are integers in the currency's minor unit, times unix seconds, nested lists
API list objects whose first page is the whole list.

>>> minor(Decimal("12.34"), "EUR"), minor(Decimal("1500"), "JPY")
(1234, 1500)
>>> unix(dt.date(1970, 1, 2))
86400
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pyarrow as pa

from revhub.sources.stripe.amounts import exponent

Record = dict[str, Any]


def api_list(records: list[Record], path: str) -> Record:
    """A nested API list: the first page is the whole list here."""
    return {"object": "list", "data": records, "has_more": False, "url": f"/v1/{path}"}


def rows_of(table: pa.Table) -> list[Record]:
    """The rows of ``table`` as dicts."""
    rows: list[Record] = table.to_pylist()
    return rows


def stripe_rows(rows: list[Record]) -> list[Record]:
    """The rows that live in Stripe."""
    return [r for r in rows if r["source"] == "stripe"]


def salesforce_rows(rows: list[Record]) -> list[Record]:
    """The rows that live in Salesforce."""
    return [r for r in rows if r["source"] == "salesforce"]


def unix(value: dt.datetime | dt.date | None) -> int | None:
    """Unix seconds of a UTC timestamp, or of midnight UTC of a day."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return calendar.timegm(value.timetuple())


def minor(amount: Decimal | None, currency: str) -> int:
    """Stripe's integer for a demo amount (two decimals, or none for zero-decimal
    currencies, where the demo's amounts are whole)."""
    if amount is None:
        return 0
    return int((amount * 10 ** exponent(currency)).to_integral_value(ROUND_HALF_UP))

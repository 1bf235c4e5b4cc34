"""The short revenue summary `revhub summary` prints: headline numbers from the metrics.

Every number is a metric of the catalogue (``revhub.metrics``), so the summary agrees
with the scorecard, the API and the dashboard: companies (resolved, not per-source
copies), paying customers, ARR, open pipeline on the last complete day, and new plus
expansion bookings in the last full quarter (renewals keep revenue, they do not add it).

>>> last_full_quarter(dt.date(2026, 11, 1))
(datetime.date(2026, 7, 1), datetime.date(2026, 10, 1))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from revhub.metrics.core import Grain

if TYPE_CHECKING:
    from revhub.workspace import Workspace


@dataclass(frozen=True)
class RevenueSummary:
    """Headline numbers of a workspace on ``as_of`` (base currency)."""

    as_of: dt.date
    currency: str
    accounts: int
    paying_customers: int
    arr: float
    open_pipeline: float
    open_opportunities: int
    bookings_last_quarter: float
    quarter: tuple[dt.date, dt.date]


def last_full_quarter(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the last calendar quarter that ended on or before ``as_of``."""
    quarter_start = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    previous_month = quarter_start - dt.timedelta(days=1)
    start = dt.date(previous_month.year, 3 * ((previous_month.month - 1) // 3) + 1, 1)
    return start, quarter_start


def revenue_summary(ws: Workspace, as_of: dt.date) -> RevenueSummary:
    """The summary of ``ws`` as it stood at the start of ``as_of`` (snapshots are taken
    on the day before, the last complete day)."""
    day = as_of - dt.timedelta(days=1)
    start, end = last_full_quarter(as_of)

    def value(name: str, grain: Grain = "day", first: dt.date = day, last: dt.date = day) -> float:
        table = ws.metrics.compute(name, grain=grain, start=first, end=last, output="arrow")
        return float(sum(v or 0.0 for v in table["value"].to_pylist()))

    booked = end - dt.timedelta(days=1)
    bookings = value("new_bookings", "quarter", start, booked)
    bookings += value("expansion_bookings", "quarter", start, booked)
    companies = ws.metrics.frame("day", day, day).companies()
    return RevenueSummary(
        as_of=as_of,
        currency=ws.settings.base_currency,
        accounts=int(companies.count().execute()),
        paying_customers=int(value("paying_customers")),
        arr=value("arr"),
        open_pipeline=value("open_pipeline"),
        open_opportunities=int(value("open_opportunities")),
        bookings_last_quarter=bookings,
        quarter=(start, end),
    )

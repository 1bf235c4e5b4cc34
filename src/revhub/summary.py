"""The short revenue summary `revhub demo` prints until the dashboard exists.

Read from the workspace with Ibis: accounts, paying customers, ARR, open pipeline and
new and expansion bookings in the last full quarter (renewals keep revenue, they do not
add it), all in the base currency at each row's recorded rate. These are plain first
cuts; the metrics layer defines the official versions.

>>> last_full_quarter(dt.date(2026, 11, 1))
(datetime.date(2026, 7, 1), datetime.date(2026, 10, 1))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

import ibis


class _Tables(Protocol):
    def table(self, name: str) -> ibis.Table: ...


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


_MONTHS_PER_INTERVAL = {"month": 1, "quarter": 3, "year": 12}


def annual_recurring_revenue(ws: _Tables, as_of: dt.date) -> ibis.Scalar:
    """ARR on ``as_of``: running paid subscription items, monthly-normalised × 12, after
    the subscription discount, in base currency."""
    subs = ws.table("subscriptions")
    items = ws.table("subscription_items")
    day = ibis.literal(as_of)
    running = subs.filter(
        (subs.start_date <= day)
        & (subs.ended_date.isnull() | (subs.ended_date > day))
        & (subs.trial_end_date.isnull() | (subs.trial_end_date < day))
    )
    live_items = items.filter(
        (items.start_date <= day) & (items.end_date.isnull() | (items.end_date > day))
    )
    joined = live_items.join(running, live_items.subscription_id == running.subscription_id)
    months = joined.billing_interval.cases(*_MONTHS_PER_INTERVAL.items(), else_=1)
    monthly = (
        joined.quantity
        * joined.unit_amount_base.cast("float64")
        * (1 - joined.discount_percent.fill_null(0))
        / months
    )
    return (monthly.sum() * 12).fill_null(0)


def revenue_summary(
    ws: _Tables, as_of: dt.date, currency: str = "USD", crosswalk: ibis.Table | None = None
) -> RevenueSummary:
    """Compute the summary for the workspace ``ws`` as it stood on ``as_of``.

    With identity resolution's ``crosswalk`` (record_id → entity_id), accounts and paying
    customers count companies, not the copies each source keeps of them.
    """
    accounts = ws.table("accounts")
    subs = ws.table("subscriptions")
    opps = ws.table("opportunities")
    day = ibis.literal(as_of)
    running = subs.filter(
        (subs.start_date <= day) & (subs.ended_date.isnull() | (subs.ended_date > day))
    )
    if crosswalk is None:
        companies = accounts.count()
        paying = running.account_id.nunique()
    else:
        account_entities = crosswalk.filter(crosswalk.entity == "account")
        companies = account_entities.entity_id.nunique()
        paying = running.join(
            account_entities, running.account_id == account_entities.record_id
        ).entity_id.nunique()
    open_opps = opps.filter(~opps.is_closed)
    start, end = last_full_quarter(as_of)
    won = opps.filter(
        opps.is_won
        & opps.opportunity_type.isin(["new_business", "expansion"])
        & (opps.closed_date >= ibis.literal(start))
        & (opps.closed_date < ibis.literal(end))
    )
    return RevenueSummary(
        as_of=as_of,
        currency=currency,
        accounts=int(companies.execute()),
        paying_customers=int(paying.execute()),
        arr=float(annual_recurring_revenue(ws, as_of).execute()),
        open_pipeline=float(open_opps.amount_base.sum().fill_null(0).execute()),
        open_opportunities=int(open_opps.count().execute()),
        bookings_last_quarter=float(won.amount_base.sum().fill_null(0).execute()),
        quarter=(start, end),
    )

"""Recognised revenue and margin: the shared tables finance metrics are built from.

**Recognised revenue** comes from invoices that were issued (not void, not draft): their
subscription and one-off lines, less their discount lines (tax is never revenue). A line
with a service period (``period_start`` to ``period_end``, exclusive) is earned evenly
by day over it, so an annual invoice is spread over its 12 months; a line without one is
earned on its invoice date. Credit notes reduce revenue on the day they are issued.
Refunds return cash, not revenue, and do not count.

**Margin** months are those with cost of revenue recorded in the general ledger; the
**trailing window** of a period is the ``metrics.ltv_window_months`` months ending with
the month of its closing day.
"""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa

from revhub.metrics.core import Grain
from revhub.metrics.frame import Frame, first_day
from revhub.metrics.periods import add_months, periods

REVENUE_LINE_KINDS = ("subscription", "one_off", "discount")
NOT_ISSUED = ("void", "draft")
_DAY = ibis.interval(days=1)


def revenue_items(frame: Frame) -> ibis.Table:
    """Every amount that becomes revenue and the days it is earned over: ``account_id``
    (company), ``kind`` (subscription, one_off, discount, credit_note), ``amount`` (base
    currency; negative for discounts and credit notes), ``earned_from`` (inclusive) and
    ``earned_to`` (exclusive). Built once per frame."""
    return frame.shared("revenue_items", lambda: _revenue_items(frame))


def _revenue_items(frame: Frame) -> ibis.Table:
    lines = frame.raw("invoice_lines")
    lines = lines.filter(lines.kind.isin(REVENUE_LINE_KINDS))
    invoices = frame.table("invoices")
    invoices = invoices.filter(~invoices.status.isin(NOT_ISSUED)).select(
        _invoice_id="invoice_id", account_id="account_id", invoice_date="invoice_date"
    )
    joined = lines.join(invoices, lines.invoice_id == invoices._invoice_id)
    spread = (
        joined.period_start.notnull()
        & joined.period_end.notnull()
        & (joined.period_end > joined.period_start)
    )
    billed = joined.select(
        account_id=joined.account_id,
        kind=joined.kind,
        amount=joined.amount_base.cast("float64").fill_null(0.0),
        earned_from=ibis.ifelse(spread, joined.period_start, joined.invoice_date).cast("date"),
        earned_to=ibis.ifelse(spread, joined.period_end, joined.invoice_date + _DAY).cast("date"),
    )
    notes = frame.table("credit_notes")
    credited = notes.select(
        account_id=notes.account_id,
        kind=ibis.literal("credit_note"),
        amount=-notes.amount_base.cast("float64").fill_null(0.0),
        earned_from=notes.issued_date.cast("date"),
        earned_to=(notes.issued_date + _DAY).cast("date"),
    )
    return billed.union(credited)


def earned(items: ibis.Table, grain: Grain, first: dt.date, last: dt.date) -> ibis.Table:
    """``items`` (with ``amount``, ``earned_from``, ``earned_to``) spread evenly by day over
    the ``grain`` periods of [first, last]: one row per item and period it earns in, with
    ``period`` and the ``amount`` earned in it (days outside [first, last] earn nothing).

    >>> import ibis
    >>> items = ibis.memtable({"amount": [1200.0], "earned_from": [dt.date(2026, 1, 1)],
    ...                        "earned_to": [dt.date(2027, 1, 1)]})
    >>> rows = earned(items, "quarter", dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    >>> [round(v) for v in rows.order_by("period").amount.to_pyarrow().to_pylist()]
    [296, 299]
    """
    calendar = _calendar(grain, first, last)
    joined = items.join(
        calendar,
        (items.earned_from < calendar._to_day) & (items.earned_to > calendar._from_day),
    )
    start = ibis.greatest(joined.earned_from, joined._from_day)
    end = ibis.least(joined.earned_to, joined._to_day)
    share = end.delta(start, unit="day").cast("float64") / joined.earned_to.delta(
        joined.earned_from, unit="day"
    ).cast("float64")
    return joined.mutate(period=joined._period, amount=joined.amount * share).drop(
        "_period", "_from_day", "_to_day", "earned_from", "earned_to"
    )


def _calendar(grain: Grain, first: dt.date, last: dt.date) -> ibis.Table:
    """The ``grain`` periods of [first, last]: ``_period`` and the days of it in range,
    ``_from_day`` (inclusive) to ``_to_day`` (exclusive)."""
    calendar = periods(grain, first, last)
    return ibis.memtable(
        pa.table(
            {
                "_period": pa.array([p.start for p in calendar], pa.date32()),
                "_from_day": pa.array([max(p.start, first) for p in calendar], pa.date32()),
                "_to_day": pa.array(
                    [p.closing + dt.timedelta(days=1) for p in calendar], pa.date32()
                ),
            }
        )
    )


def monthly_margin(frame: Frame, first: dt.date) -> ibis.Table:
    """Per month from ``first`` to the range's end with cost of revenue recorded: ``month``,
    ``revenue`` (recognised in the month, up to the range's end) and ``cost``."""
    name = f"monthly_margin_{first:%Y%m%d}"
    return frame.shared(name, lambda: _monthly_margin(frame, first))


def _monthly_margin(frame: Frame, first: dt.date) -> ibis.Table:
    costs = frame.raw("cost_of_revenue")
    costs = costs.mutate(_month=first_day(costs.month, "M"))
    costs = costs.filter((costs.month >= first) & (costs.month <= frame.end))
    costs = costs.group_by("_month").aggregate(cost=costs.amount_base.cast("float64").sum())
    revenue = earned(revenue_items(frame), "month", first.replace(day=1), frame.end)
    revenue = revenue.group_by("period").aggregate(revenue=revenue.amount.sum())
    joined = costs.left_join(revenue, costs._month == revenue.period)
    return joined.select(
        month=joined._month, revenue=joined.revenue.fill_null(0.0), cost=joined.cost
    )


def trailing_window_start(frame: Frame) -> dt.date:
    """The first month of the trailing window of the range's first period."""
    closing = frame.calendar[0].closing if frame.calendar else frame.end
    return add_months(closing, -(frame.settings.ltv_window_months - 1))


def in_trailing_window(frame: Frame, monthly: ibis.Table) -> ibis.Table:
    """Each row of ``monthly`` (with a ``month``) once for every period in range whose
    trailing window holds it, with that ``period``."""
    periods_ = frame.periods()
    last = first_day(periods_.closing_day, "M")
    windows = periods_.select(
        _period=periods_.period,
        _last=last,
        _first=(last - ibis.interval(months=frame.settings.ltv_window_months - 1)).cast("date"),
    )
    joined = monthly.join(
        windows, (monthly.month >= windows._first) & (monthly.month <= windows._last)
    )
    return joined.mutate(period=joined._period).drop("_period", "_first", "_last")

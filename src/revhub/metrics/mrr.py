"""Monthly recurring revenue: the shared tables every subscription metric is built from.

**Item MRR.** Each subscription item contributes, while it is in service,
``quantity × unit price × (1 − subscription discount) ÷ months per billing period``:
an annual plan of $2,000 is $166.67 a month, a quarterly one of $300 is $100. Trials
(up to ``trial_end_date``), taxes and one-off charges are not recurring revenue and
never count. An item is in service from the latest of its own start, its
subscription's start and the day after the trial, until the earliest of its own end and
its subscription's end. The subscription's end is ``ended_date`` (the end of the period
the customer paid for) or, with ``churn_recognition = "cancellation"``, the day the
cancellation was requested.

**Currency.** Amounts are in the base currency at a rate that never changes during an
item's life (``fx_policy``): the rate on the day the item started (``item_start``,
what ingest stores as ``unit_amount_base``), or the latest rate in ``fx_rates`` applied
to all history (``latest``). Either way an exchange-rate move alone creates no MRR
movement; only a change to the item (a new item row) does.

**Snapshots.** A company's MRR on a day is the sum over its items in service that day.
A period's MRR is the MRR on its closing day (its last day, or the as-of date while it
runs), so a subscription that starts and ends inside one month never shows in a month's
MRR, and makes no movement.

**Movements**, per company and month, compare the MRR on the month's closing day with
the previous month's: new (from 0, first time ever), reactivation (from 0, paid
before), expansion (up), contraction (down, still paying), churn (to 0). Cancelling one
of two subscriptions is contraction, not churn. The bridge always balances:
opening + new + expansion + reactivation − contraction − churn = closing.
"""

from __future__ import annotations

import ibis

from revhub.metrics.frame import Frame, first_day

FAR_FUTURE = ibis.date(9999, 12, 31)
_MONTHS_PER_INTERVAL = {"month": 1, "quarter": 3, "year": 12}
ITEM_DIMENSIONS = ("billing_interval", "currency", "plan")


def item_mrr(frame: Frame) -> ibis.Table:
    """One row per subscription item: ``account_id`` (company), ``subscription_id``,
    ``in_service_from`` (inclusive), ``in_service_to`` (exclusive; far future while
    running), ``mrr`` (base currency, float) and the item dimensions."""
    return frame.shared("item_mrr", lambda: _item_mrr(frame))


def _item_mrr(frame: Frame) -> ibis.Table:
    items = frame.raw("subscription_items")
    subs = frame.table("subscriptions")
    prices = frame.raw("prices")
    products = frame.raw("products")
    prices = prices.join(products, prices.product_id == products.product_id).select(
        _price_id=prices.price_id,
        interval_count=prices.interval_count,
        is_recurring=prices.billing_interval.notnull() & products.is_recurring,
        plan=ibis.coalesce(products.family, products.name),
    )
    subs = subs.select(
        _subscription_id="subscription_id",
        account_id="account_id",
        billing_interval="billing_interval",
        sub_start="start_date",
        trial_end_date="trial_end_date",
        sub_end=_subscription_end(subs, frame),
        discount=subs.discount_percent.fill_null(0.0),
    )
    joined = items.join(subs, items.subscription_id == subs._subscription_id).join(
        prices, items.price_id == prices._price_id
    )
    joined = _with_unit_amount_base(joined.filter(joined.is_recurring), frame)
    months = joined.billing_interval.cases(*_MONTHS_PER_INTERVAL.items(), else_=1)
    months = months * joined.interval_count.fill_null(1)
    after_trial = joined.trial_end_date + ibis.interval(days=1)
    start = ibis.greatest(joined.start_date, joined.sub_start)
    start = ibis.ifelse(joined.trial_end_date.notnull() & (after_trial > start), after_trial, start)
    end = ibis.least(joined.end_date.fill_null(FAR_FUTURE), joined.sub_end)
    return joined.select(
        account_id=joined.account_id,
        subscription_id=joined.subscription_id,
        in_service_from=start,
        in_service_to=end,
        mrr=joined.quantity.cast("float64") * joined.unit_base * (1 - joined.discount) / months,
        billing_interval=joined.billing_interval,
        currency=joined.currency,
        plan=joined.plan,
    ).filter(lambda t: t.in_service_from < t.in_service_to)


def _subscription_end(subs: ibis.Table, frame: Frame) -> ibis.Value:
    ended = subs.ended_date.fill_null(FAR_FUTURE)
    if frame.settings.churn_recognition == "cancellation":
        cancelled = subs.canceled_at.cast("date")
        return ibis.ifelse(cancelled.notnull() & (cancelled < ended), cancelled, ended)
    return ended


def _with_unit_amount_base(joined: ibis.Table, frame: Frame) -> ibis.Table:
    """``joined`` plus ``unit_base``: the item's unit price in base currency by policy."""
    if frame.settings.fx_policy == "item_start":
        return joined.mutate(unit_base=joined.unit_amount_base.cast("float64"))
    rates = frame.raw("fx_rates")
    known = rates.filter(rates.rate_date <= frame.end)
    known = known.mutate(newest=known.rate_date.max().over(group_by=known.currency))
    latest = known.filter(known.rate_date == known.newest).select(
        _currency="currency", _rate=known.rate.cast("float64")
    )
    looked_up = joined.left_join(latest, joined.currency == latest._currency)
    # a currency without a published rate keeps the rate of the item's start
    at_latest = looked_up.unit_amount.cast("float64") * looked_up._rate
    unit_base = ibis.coalesce(at_latest, looked_up.unit_amount_base.cast("float64"))
    return looked_up.mutate(unit_base=unit_base).drop("_currency", "_rate")


def items_in_service(frame: Frame, days: ibis.Table, day: str) -> ibis.Table:
    """Every (row of ``days``, item) pair where the item is in service on ``days[day]``:
    the columns of ``days`` plus the item's."""
    items = item_mrr(frame)
    on = days[day]
    return days.join(items, (items.in_service_from <= on) & (items.in_service_to > on))


def company_mrr(frame: Frame, days: ibis.Table, day: str, keys: tuple[str, ...]) -> ibis.Table:
    """MRR per company on each day: ``keys`` of ``days``, ``account_id`` and ``mrr``
    (only companies paying something that day)."""
    live = items_in_service(frame, days, day)
    return live.group_by([*keys, "account_id"]).aggregate(mrr=live.mrr.sum())


def first_paid_month(frame: Frame) -> ibis.Table:
    """``account_id`` → ``first_paid_month``: the first month whose closing day found the
    company paying. An item covers its start month's closing day unless it ended first,
    and then it covers no later one, so only each item's start month needs checking."""
    return frame.shared("first_paid_month", lambda: _first_paid_month(frame))


def _first_paid_month(frame: Frame) -> ibis.Table:
    items = item_mrr(frame)
    month = first_day(items.in_service_from, "M")
    month_end = (month + ibis.interval(months=1) - ibis.interval(days=1)).cast("date")
    closing = ibis.least(month_end, ibis.literal(frame.end))
    covering = items.filter(
        (items.in_service_from <= closing) & (items.in_service_to > closing)
    ).mutate(month=month)
    return covering.group_by("account_id").aggregate(first_paid_month=covering.month.min())


def movements(frame: Frame) -> ibis.Table:
    """MRR movements per company and month in range: ``account_id``, ``month``,
    ``opening``, ``closing``, ``new``, ``expansion``, ``reactivation``, ``contraction``,
    ``churn`` (all ≥ 0) and ``first_paid_month``. Only months where the company paid
    something at the start or the end appear."""
    return frame.shared("mrr_movements", lambda: _movements(frame))


def _movements(frame: Frame) -> ibis.Table:
    months = frame.months()
    monthly = company_mrr(frame, months, "closing_day", ("month",))
    previous = monthly.select(
        _account_id="account_id",
        _month=(monthly.month + ibis.interval(months=1)).cast("date"),
        opening="mrr",
    )
    joined = monthly.outer_join(
        previous,
        (monthly.account_id == previous._account_id) & (monthly.month == previous._month),
    )
    grid = joined.select(
        account_id=ibis.coalesce(joined.account_id, joined._account_id),
        month=ibis.coalesce(joined.month, joined._month),
        opening=joined.opening.fill_null(0.0),
        closing=joined.mrr.fill_null(0.0),
    )
    calendar = frame.calendar
    first = calendar[0].start if calendar else frame.start
    grid = grid.filter((grid.month >= first) & (grid.month <= frame.end))
    paid = first_paid_month(frame)
    grid = grid.left_join(paid, grid.account_id == paid.account_id).drop("account_id_right")
    opening, closing = grid.opening, grid.closing
    starting = (opening == 0) & (closing > 0)
    staying = (opening > 0) & (closing > 0)
    is_first = grid.first_paid_month.notnull() & (grid.first_paid_month >= grid.month)
    zero = ibis.literal(0.0)
    return grid.mutate(
        new=ibis.ifelse(starting & is_first, closing, zero),
        reactivation=ibis.ifelse(starting & ~is_first, closing, zero),
        expansion=ibis.ifelse(staying & (closing > opening), closing - opening, zero),
        contraction=ibis.ifelse(staying & (closing < opening), opening - closing, zero),
        churn=ibis.ifelse((opening > 0) & (closing == 0), opening, zero),
    )

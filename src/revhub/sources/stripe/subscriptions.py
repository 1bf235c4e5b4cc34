"""Stripe subscriptions and their items.

A subscription's billing currency and interval are those of its first item's price
(``items.data[0].price``; a sync's ``subscription_item`` row and ``price`` or ``plan``
table), unless the subscription states its ``currency``. Dates:

- ``start_date`` is the first day of paid service: the day the trial ends
  (``trial_end``) for a subscription with a trial, else Stripe's ``start_date``;
- ``trial_end_date`` is the last day of the trial, the day before ``trial_end``
  when the trial ends at midnight;
- ``ended_date`` is the day of ``ended_at``; ``cancel_at_period_end`` and
  ``canceled_at`` are Stripe's. Newer API versions keep the current period on the
  items only; it is read from the first item then.

Statuses: ``unpaid`` and ``incomplete`` (payment owed) are ``past_due``,
``incomplete_expired`` is ``canceled``; others (``paused``) pass through.
``discount_percent`` is the coupon's ``percent_off`` / 100, from the subscription's
``discount`` or a sync's ``discount`` table and ``coupon``; amount-off coupons have
no percent. The deal behind a subscription is a metadata key naming the CRM record:
``salesforce_opportunity_id`` (or ``sfdc_opportunity_id``) -> ``salesforce:<id>``,
``hubspot_deal_id`` -> ``hubspot:<id>``.

Items: Stripe keeps one item per price, changing its quantity in place, and lists
only the items a subscription has now. Each becomes a ``subscription_items`` row from
the day it was created until the subscription ended, at its price's unit amount. An
item replaced in an upgrade or downgrade is gone from the subscription, but the
invoice lines that billed it still name it (``subscription_item``, with its price,
quantity and period): each such past item becomes a row too, from the first day its
lines bill to the last, at the price and quantity of its latest line. The notes say
how many were recovered from invoices.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import source_key
from revhub.sources.stripe import amounts, times
from revhub.sources.stripe.catalog import billing_intervals
from revhub.sources.stripe.customers import lineage
from revhub.sources.stripe.frame import SYNCED, Frame
from revhub.sources.stripe.invoicing import ITEM_DETAILS, PRICE_DETAILS, line_kinds

_STATUSES = {
    "unpaid": "past_due",
    "incomplete": "past_due",
    "incomplete_expired": "canceled",
}
# metadata key -> kind of the system whose record it names
DEAL_KEYS = {
    "salesforce_opportunity_id": "salesforce",
    "sfdc_opportunity_id": "salesforce",
    "hubspot_deal_id": "hubspot",
}


def subscriptions(frame: Frame) -> pa.Table:
    """One ``subscriptions`` row per subscription.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = subscriptions(frame_of("subscription", [{"id": "sub_1", "customer_id": "cus_1",
    ...     "status": "trialing", "trial_end": "1705276800", "currency": "eur",
    ...     "metadata": '{"salesforce_opportunity_id": "006A"}'}]))
    >>> rows["opportunity_id"].to_pylist()
    ['salesforce:006A']
    >>> rows.select(["start_date", "trial_end_date"]).to_pylist()
    [{'start_date': '2024-01-15', 'trial_end_date': '2024-01-14'}]
    """
    ids = frame.text("id")
    item_price = frame.lookup(ids, "subscription_item", "price_id", match="subscription_id")
    item_plan = frame.lookup(ids, "subscription_item", "plan_id", match="subscription_id")
    price = pc.coalesce(item_price, item_plan, frame.text("plan_id", optional=True))
    interval, _ = billing_intervals(
        frame.lookup(price, "price", "recurring_interval"),
        frame.lookup(price, "price", "recurring_interval_count"),
    )
    trial_end = frame.text("trial_end")
    period = {
        name: pc.coalesce(
            frame.text(name, optional=True),
            frame.lookup(ids, "subscription_item", name, match="subscription_id"),
        )
        for name in ("current_period_start", "current_period_end")
    }
    currency = pc.coalesce(
        frame.text("currency", optional=True), frame.lookup(price, "price", "currency")
    )
    return frame.table(
        {
            "subscription_id": frame.key("id"),
            "account_id": frame.key("customer_id"),
            "opportunity_id": _deals(frame),
            "status": statuses(frame.text("status")),
            "currency": amounts.currencies(currency),
            "billing_interval": interval,
            "start_date": pc.coalesce(
                times.dates(trial_end), times.dates(frame.text("start_date", "created"))
            ),
            "trial_end_date": times.dates(trial_end, before=True),
            "current_period_start": times.dates(period["current_period_start"]),
            "current_period_end": times.dates(period["current_period_end"]),
            "cancel_at_period_end": pc.fill_null(frame.text("cancel_at_period_end"), "false"),
            "canceled_at": times.timestamps(frame.text("canceled_at")),
            "ended_date": times.dates(frame.text("ended_at")),
            "discount_percent": _discount(frame, ids),
            **lineage(frame),
        }
    )


def subscription_items(frame: Frame) -> pa.Table:
    """One ``subscription_items`` row per item, and one per past item invoice lines name.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = subscription_items(frame_of("subscription_item", [{"id": "si_1",
    ...     "subscription_id": "sub_1", "price_id": "price_1", "quantity": "3"}],
    ...     {"price": [{"id": "price_1", "currency": "isk", "unit_amount": "350000"}]}))
    >>> rows.select(["price_id", "quantity", "currency", "unit_amount"]).to_pylist()
    [{'price_id': 'stripe:price_1', 'quantity': '3', 'currency': 'ISK', 'unit_amount': '3500.00'}]
    """
    price = frame.text("price_id", "plan_id")
    currency = frame.lookup(price, "price", "currency")
    unit = pc.coalesce(
        frame.lookup(price, "price", "unit_amount"),
        frame.lookup(price, "price", "unit_amount_decimal"),
    )
    ended = frame.lookup(frame.text("subscription_id"), "subscription", "ended_at")
    listed = frame.table(
        {
            "subscription_item_id": frame.key("id"),
            "subscription_id": frame.key("subscription_id"),
            "price_id": frame.key("price_id", "plan_id"),
            "quantity": frame.text("quantity"),
            "start_date": times.dates(frame.text("created")),
            "end_date": times.dates(ended),
            "currency": amounts.currencies(currency),
            "unit_amount": amounts.major(unit, currency),
            **lineage(frame),
        }
    )
    past = past_items(frame)
    if past is None:
        return listed
    count = past.num_rows
    frame.remarks.append(
        f"{frame.origin}: recovered {count} past subscription item{'s' if count > 1 else ''} "
        "from invoice lines (replaced items their subscription no longer lists)"
    )
    return pa.concat_tables([listed, past.select(listed.column_names)])


def past_items(frame: Frame) -> pa.Table | None:
    """``subscription_items`` rows for the items subscription lines bill that no
    subscription (``frame``: subscription_item) lists; None when there are none.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> line = {"invoice_id": "in_1", "type": "subscription", "amount": "900",
    ...         "subscription_id": "sub_1", "price_id": "price_1", "quantity": "3"}
    >>> rows = past_items(frame_of("subscription_item", [{"id": "si_2"}], {"invoice_line_item": [
    ...     line | {"id": "il_1", "subscription_item_id": "si_1", "period_start": "1704067200",
    ...             "period_end": "1706745600"},
    ...     line | {"id": "il_2", "subscription_item_id": "si_1", "period_start": "1706745600",
    ...             "period_end": "1709251200", "quantity": "4"},
    ...     line | {"id": "il_3", "subscription_item_id": "si_2"}]}))
    >>> rows.select(["subscription_item_id", "quantity", "start_date", "end_date"]).to_pylist()
    [{'subscription_item_id': 'stripe:si_1', 'quantity': '4', 'start_date': '2024-01-01', \
'end_date': '2024-03-01'}]
    """
    lines = frame.related("invoice_line_item")
    if lines is None or not lines.num_rows:
        return None
    item = lines.text("subscription_item_id", ITEM_DETAILS, optional=True)
    kind = line_kinds(
        lines.text("type", "parent_type", optional=True), lines.column("amount"), item
    )
    unlisted = pc.invert(pc.is_in(item, value_set=frame.column("id")))
    billed = lines.where(pc.and_(pc.equal(kind, "subscription"), unlisted))
    if not billed.num_rows:
        return None
    item = billed.text("subscription_item_id", ITEM_DETAILS, optional=True)
    start = times.moments(billed.text("period_start", optional=True))
    end = times.moments(billed.text("period_end", optional=True))
    spans = (
        pa.table({"item": item, "start": start, "end": end})
        .group_by("item")
        .aggregate([("start", "min"), ("end", "max")])
    )
    order = pa.table({"item": item, "start": start, "row": pa.array(range(billed.num_rows))})
    order = order.sort_by([("item", "ascending"), ("start", "descending"), ("row", "descending")])
    names = order["item"].to_pylist()
    latest = [i == 0 or names[i] != names[i - 1] for i in range(len(names))]
    keep = pc.is_in(
        pa.array(range(billed.num_rows)), value_set=order["row"].filter(pa.array(latest))
    )
    latest_lines = billed.where(keep)  # each item's latest line, for price and quantity
    return _past_rows(latest_lines, spans)


def _past_rows(lines: Frame, spans: pa.Table) -> pa.Table:
    item = lines.text("subscription_item_id", ITEM_DETAILS, optional=True)
    span = pc.index_in(item, value_set=spans["item"])
    first = pc.take(spans["start_min"], span)
    invoice = lines.text("invoice_id", optional=True)
    subscription = pc.coalesce(
        lines.text(
            "subscription_id", "parent_subscription_item_details_subscription", optional=True
        ),
        lines.lookup(invoice, "invoice", "subscription_id"),
        lines.lookup(invoice, "invoice", "parent_subscription_details_subscription"),
    )
    price = lines.text("price_id", "plan_id", PRICE_DETAILS, optional=True)
    currency = pc.coalesce(
        lines.lookup(price, "price", "currency"),
        lines.text("currency", optional=True),
    )
    unit = pc.coalesce(
        lines.lookup(price, "price", "unit_amount"),
        lines.lookup(price, "price", "unit_amount_decimal"),
    )
    return lines.table(
        {
            "subscription_item_id": source_key(lines.source, item),
            "subscription_id": source_key(lines.source, subscription),
            "price_id": source_key(lines.source, price),
            "quantity": lines.text("quantity", optional=True),
            "start_date": times.dates(first),
            "end_date": times.dates(pc.take(spans["end_max"], span)),
            "currency": amounts.currencies(currency),
            "unit_amount": amounts.major(unit, currency),
            "source_id": item,
            "created_at": times.timestamps(first),
            "updated_at": times.timestamps(lines.text(SYNCED, optional=True)),
        }
    )


def statuses(values: pa.Array) -> pa.Array:
    """Stripe subscription statuses as revhub's; unknown ones unchanged.

    >>> statuses(pa.array(["active", "unpaid", "incomplete_expired", "paused"])).to_pylist()
    ['active', 'past_due', 'canceled', 'paused']
    """
    known = pa.array(list(_STATUSES))
    mapped = pc.take(pa.array(list(_STATUSES.values())), pc.index_in(values, value_set=known))
    return pc.coalesce(mapped, values)


def _deals(frame: Frame) -> pa.Array:
    keys = [source_key(kind, frame.metadata(key)) for key, kind in DEAL_KEYS.items()]
    return pc.coalesce(*keys)


def _discount(frame: Frame, ids: pa.Array) -> pa.Array:
    """The percent-off of the subscription's coupon, as a fraction."""
    listed = frame.lookup(ids, "discount", "coupon_id", match="subscription_id")
    coupon = pc.coalesce(frame.text("discount_coupon_id", optional=True), listed)
    percent = frame.lookup(coupon, "coupon", "percent_off")
    numeric = pc.fill_null(pc.match_substring_regex(percent, r"^[0-9]+(\.[0-9]+)?$"), False)
    number = pc.if_else(numeric, percent, pa.scalar(None, pa.string())).cast(pa.float64())
    fraction = pc.divide(number, 100.0).cast(pa.string())
    return pc.if_else(numeric, fraction, percent)  # text that is no number: quarantined

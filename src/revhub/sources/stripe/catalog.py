"""Stripe's catalog: products, and the prices (or older plans) they are sold at.

Products: Stripe has no notion of plan versus add-on, so ``kind`` and ``family`` come
from product metadata (``{"kind": "addon", "family": "analytics"}``) when it has
them; otherwise a product sold at a recurring price is a ``plan`` and any other a
``service``. ``is_recurring`` says whether the export holds a recurring price for it.

Prices: ``recurring.interval`` and ``interval_count`` give the billing interval;
3 months is a ``quarter`` and 12 months a ``year``, as revhub counts them. Other
intervals (``day``, ``week``) pass through and are quarantined. One-time prices have
no interval. Plans arrive here as prices (see ``export``).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.stripe import amounts
from revhub.sources.stripe.customers import lineage
from revhub.sources.stripe.frame import Frame

# (Stripe interval, count) that revhub names otherwise: (interval, count)
_RENAMED = {("month", "3"): ("quarter", "1"), ("month", "12"): ("year", "1")}


def products(frame: Frame) -> pa.Table:
    """One ``products`` row per product.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = products(frame_of("product", [{"id": "prod_1", "name": "Growth"}],
    ...     {"price": [{"id": "price_1", "product_id": "prod_1", "type": "recurring"}]}))
    >>> rows.select(["product_id", "kind", "is_recurring"]).to_pylist()
    [{'product_id': 'stripe:prod_1', 'kind': 'plan', 'is_recurring': True}]
    """
    recurring = _recurring_products(frame)
    is_recurring = pc.is_in(frame.text("id"), value_set=recurring)
    kind = pc.if_else(is_recurring, "plan", "service")
    return frame.table(
        {
            "product_id": frame.key("id"),
            "name": frame.text("name"),
            "kind": pc.coalesce(frame.metadata("kind"), kind),
            "family": frame.metadata("family"),
            "is_recurring": is_recurring,
            "is_active": frame.text("active"),
            **lineage(frame),
        }
    )


def prices(frame: Frame) -> pa.Table:
    """One ``prices`` row per price (or plan).

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = prices(frame_of("price", [{"id": "price_1", "currency": "jpy", "unit_amount": "5000",
    ...     "recurring_interval": "month", "recurring_interval_count": "3"}]))
    >>> rows.select(["billing_interval", "currency", "unit_amount"]).to_pylist()
    [{'billing_interval': 'quarter', 'currency': 'JPY', 'unit_amount': '5000.00'}]
    """
    one_time = pc.equal(frame.text("type", optional=True), "one_time")
    interval, count = billing_intervals(
        frame.text("recurring_interval"), frame.text("recurring_interval_count")
    )
    no_text = pa.scalar(None, pa.string())
    currency = frame.text("currency")
    return frame.table(
        {
            "price_id": frame.key("id"),
            "product_id": frame.key("product_id"),
            "billing_interval": pc.if_else(pc.fill_null(one_time, False), no_text, interval),
            "interval_count": pc.if_else(pc.fill_null(one_time, False), no_text, count),
            "currency": amounts.currencies(currency),
            "unit_amount": amounts.major(
                frame.text("unit_amount", "unit_amount_decimal"), currency
            ),
            "is_active": frame.text("active"),
            **lineage(frame),
        }
    )


def billing_intervals(interval: pa.Array, count: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Stripe intervals and counts as revhub's (``quarter`` = 3 months); counts as text.

    >>> interval, count = billing_intervals(pa.array(["month", "month", "year", None]),
    ...                                     pa.array(["3", "1", "1", None]))
    >>> interval.to_pylist(), count.to_pylist()
    (['quarter', 'month', 'year', None], ['1', '1', '1', None])
    """
    names = interval.to_pylist()
    counts = pc.fill_null(count.cast(pa.string()), "1").to_pylist()
    pairs = [
        _RENAMED.get((n, c), (n, c)) if n is not None else (None, None)
        for n, c in zip(names, counts, strict=True)
    ]
    return (
        pa.array([p[0] for p in pairs], pa.string()),
        pa.array([p[1] for p in pairs], pa.string()),
    )


def _recurring_products(frame: Frame) -> pa.Array:
    """Ids of the products that have a recurring price (or plan) in the export."""
    prices = frame.related("price")
    if prices is None:
        return pa.array([], pa.string())
    recurring = pc.or_kleene(
        pc.equal(prices.column("type"), "recurring"),
        pc.is_valid(prices.column("recurring_interval")),
    )
    return pc.unique(prices.where(recurring).column("product_id").drop_null())

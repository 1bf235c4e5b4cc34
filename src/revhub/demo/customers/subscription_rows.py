"""The ``subscriptions`` and ``subscription_items`` rows (Stripe) of a simulated book.

>>> INTERVAL_NAMES[12]
'year'
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.customers.book import Book
from revhub.demo.customers.catalog import CURRENCIES, PRODUCT_KEYS, price_ids, price_matrix
from revhub.demo.customers.cohort import Cohort
from revhub.demo.customers.native_ids import native_ids
from revhub.demo.market import rate_on
from revhub.demo.spec import DemoSpec
from revhub.model import get_table

INTERVAL_NAMES = {1: "month", 12: "year"}
_DAY = np.timedelta64(1, "D")


def subscription_tables(
    spec: DemoSpec,
    chunk: int,
    cohort: Cohort,
    book: Book,
    sub_id: np.ndarray,
    item_id: np.ndarray,
    made_by: np.ndarray,
    past_due: np.ndarray,
    rates: dict[str, np.ndarray],
) -> dict[str, pa.Table]:
    """Subscriptions (every slot that started) and their items.

    Example: ``subscription_tables(spec, 0, cohort, book, sub_id, item_id, made_by, past_due,
    rates)["subscriptions"]``.
    """
    rng = spec.rng("subscription_rows", chunk)
    slots = np.flatnonzero(book.state > 0)
    n = len(slots)
    kind = book.kind[slots]
    opportunity = np.where(kind == 0, cohort.deal_id[book.parent[slots]], made_by[slots])
    status = np.where(book.state[slots] == 2, "canceled", "active").astype(object)
    status[np.isin(slots, past_due) & (book.state[slots] == 1)] = "past_due"
    start, created = book.start[slots], book.created[slots]
    trial = created < start
    currency = np.array(CURRENCIES, dtype=object)[book.currency[slots]]
    interval = np.where(book.months[slots] == 12, "year", "month").astype(object)
    created_ts = created.astype("datetime64[s]") + np.timedelta64(8 * 3600, "s")
    canceled_ts = book.canceled[slots].astype("datetime64[s]") + np.timedelta64(15 * 3600, "s")
    last_change = np.maximum(book.period_start[slots].astype("datetime64[s]"), created_ts)
    updated = np.where(np.isnat(canceled_ts), last_change, np.maximum(last_change, canceled_ts))
    updated = np.where(
        book.state[slots] == 2,
        np.maximum(updated, book.end[slots].astype("datetime64[s]")),
        updated,
    )
    subscriptions = get_table("subscriptions").to_arrow(
        {
            "subscription_id": sub_id[slots],
            "account_id": cohort.account_id[book.acc[slots]],
            "opportunity_id": opportunity,
            "status": status,
            "currency": currency,
            "billing_interval": interval,
            "start_date": start,
            "trial_end_date": np.where(trial, start - _DAY, np.datetime64("NaT", "D")),
            "current_period_start": book.period_start[slots],
            "current_period_end": book.period_end[slots],
            "cancel_at_period_end": book.cancel_at_end[slots],
            "canceled_at": canceled_ts,
            "ended_date": book.end[slots],
            "discount_percent": book.discount[slots],
            "source": np.full(n, "stripe", dtype=object),
            "source_id": native_ids("sub_", rng, n),
            "created_at": created_ts,
            "updated_at": updated,
        }
    )
    it = book.items
    slot = it["slot"].astype(int)
    m = len(slot)
    product = it["product"].astype(int)
    year = (book.months[slot] == 12).astype(int)
    item_currency = np.array(CURRENCIES, dtype=object)[book.currency[slot]]
    fx = np.round(rate_on(rates, spec, item_currency, it["start"]), 8)
    unit = price_matrix()[product, book.currency[slot], year]
    stamp = it["start"].astype("datetime64[s]") + np.timedelta64(8 * 3600, "s")
    items = get_table("subscription_items").to_arrow(
        {
            "subscription_item_id": item_id,
            "subscription_id": sub_id[slot],
            "price_id": price_ids(
                np.array(PRODUCT_KEYS, dtype=object)[product],
                np.where(year == 1, "year", "month"),
                item_currency,
            ),
            "quantity": it["quantity"],
            "start_date": it["start"],
            "end_date": it["end"],
            "currency": item_currency,
            "fx_rate": fx,
            "unit_amount": unit,
            "unit_amount_base": np.round(unit * fx, 2),
            "source": np.full(m, "stripe", dtype=object),
            "source_id": native_ids("si_", rng, m, 14),
            "created_at": stamp,
            "updated_at": np.where(np.isnat(it["end"]), stamp, it["end"].astype("datetime64[s]")),
        }
    )
    return {"subscriptions": subscriptions, "subscription_items": items}

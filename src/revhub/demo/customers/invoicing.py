"""Billing: an invoice per billing period, its lines, payments, refunds and credit notes.

Invoices are issued in advance on the first day of each period. Lines: the subscription
charge at list price (quantity × unit amount), the recurring discount as a separate
negative ``discount`` line, an onboarding fee on some first invoices, and VAT for EMEA
countries as a ``tax`` line. ``subtotal`` is the sum of the non-tax lines. Most invoices
are paid (card at once, SEPA in days, bank transfer in weeks); some card charges fail
and are retried; a few become uncollectible; unpaid recent invoices are still open.

>>> ONBOARDING_SHARE.tolist()
[0.1, 0.5, 0.9]
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.customers.book import Book
from revhub.demo.customers.catalog import (
    CURRENCIES,
    PRODUCT_KEYS,
    price_ids,
    price_matrix,
    unit_price,
)
from revhub.demo.customers.cohort import NULL, Cohort, codes
from revhub.demo.customers.native_ids import native_ids
from revhub.demo.customers.payments import adjustments, charges, money_columns
from revhub.demo.market import VAT_RATES, rate_on
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table

ONBOARDING_SHARE = np.array([0.1, 0.5, 0.9])  # first invoices with onboarding, per segment
_S = "timedelta64[s]"


def bill(
    spec: DemoSpec,
    chunk: int,
    cohort: Cohort,
    book: Book,
    sub_id: np.ndarray,
    item_id: np.ndarray,
    rates: dict[str, np.ndarray],
) -> tuple[dict[str, pa.Table], np.ndarray]:
    """Billing tables, and the slots with an overdue open invoice at the end (past due).

    Example: ``tables, past_due = bill(spec, 0, cohort, book, sub_id, item_id, rates)``.
    """
    rng = spec.rng("invoicing", chunk)
    per = book.periods
    slot, item = per["slot"].astype(int), per["item"].astype(int)
    n = len(slot)
    acc = book.acc[slot]
    currency = np.array(CURRENCIES, dtype=object)[book.currency[slot]]
    day = per["start"]
    fx = np.round(rate_on(rates, spec, currency, day), 8)
    product = book.items["product"][item].astype(int)
    quantity = book.items["quantity"][item].astype(int)
    year = (book.months[slot] == 12).astype(int)
    unit = price_matrix()[product, book.currency[slot], year]
    charge = np.round(quantity * unit, 2)
    discount = -np.round(charge * book.discount[slot], 2)
    onboarding = (
        per["first"]
        & (book.kind[slot] == 0)
        & (rng.random(n) < ONBOARDING_SHARE[cohort.segment[acc]])
    )
    fee = np.array([unit_price("onboarding", c, None) for c in CURRENCIES])[book.currency[slot]]
    vat_of = np.append(np.array(list(VAT_RATES.values())), 0.0)
    vat = vat_of[codes(cohort.country, list(VAT_RATES), default=len(VAT_RATES))][acc]
    subtotal = charge + discount + np.where(onboarding, fee, 0.0)
    tax = np.round(subtotal * vat, 2)
    total = subtotal + tax

    ids = chunk_ids("inv", chunk, n)
    interval = np.where(year == 1, "year", "month")
    line_parts = [
        (np.arange(n), "subscription", charge, True),
        (np.flatnonzero(discount < 0), "discount", discount, True),
        (np.flatnonzero(onboarding), "one_off", fee, False),
        (np.flatnonzero(tax > 0), "tax", tax, False),
    ]
    lines = _lines(
        spec,
        chunk,
        rng,
        line_parts,
        ids,
        item_id[item],
        product,
        interval,
        currency,
        quantity,
        per,
        fx,
    )
    method = np.where(
        cohort.segment[acc] == 2,
        2,
        np.where(np.isin(currency, ("EUR",)) & (rng.random(n) < 0.5), 1, 0),
    )
    method = np.where((year == 1) & (rng.random(n) < 0.5), 2, method)
    delay_days = np.select(
        [method == 0, method == 1], [0, rng.integers(2, 6, n)], rng.integers(5, 46, n)
    )
    issued = day.astype("datetime64[s]") + (6 * 3600 + rng.integers(0, 3600, n)).astype(_S)
    first_try = issued + (delay_days * 86400 + rng.integers(600, 8 * 3600, n)).astype(_S)
    fails = (method == 0) & (rng.random(n) < 0.06)
    retry = first_try + (rng.integers(3, 8, n) * 86400).astype(_S)
    gives_up = fails & (rng.random(n) < 0.15)
    paid_at = np.where(fails, retry, first_try)
    end = spec.end.astype("datetime64[s]")
    paid = ~gives_up & (paid_at < end)
    uncollectible = gives_up & (day + 30 < spec.end)
    status = np.select([paid, uncollectible], ["paid", "uncollectible"], "open").astype(object)
    due = day + np.where(method == 2, 30, 14).astype("timedelta64[D]")
    past_due = np.unique(slot[(status == "open") & (due < spec.end)])
    updated = np.where(
        paid, paid_at, np.where(uncollectible, (day + 30).astype("datetime64[s]"), issued)
    )
    invoices = get_table("invoices").to_arrow(
        {
            "invoice_id": ids,
            "account_id": cohort.account_id[acc],
            "subscription_id": sub_id[slot],
            "number": np.char.mod("INV-%09d", chunk * 10_000_000 + np.arange(1, n + 1)).astype(
                object
            ),
            "status": status,
            "invoice_date": day,
            "due_date": due,
            "period_start": day,
            "period_end": per["end"],
            "currency": currency,
            "fx_rate": fx,
            **money_columns("subtotal", subtotal, fx),
            **money_columns("tax", tax, fx),
            **money_columns("total", total, fx),
            "source": np.full(n, "stripe", dtype=object),
            "source_id": native_ids("in_", rng, n),
            "created_at": issued,
            "updated_at": updated,
        }
    )
    tried = np.flatnonzero(fails & (first_try < end))
    retried = np.flatnonzero(gives_up & (retry < end))
    settled = np.flatnonzero(paid)
    pay_rows = np.concatenate([tried, retried, settled])
    pay_at = np.concatenate([first_try[tried], retry[retried], paid_at[settled]])
    payments = charges(
        spec,
        chunk,
        rng,
        pay_rows,
        pay_at,
        ids,
        cohort,
        acc,
        currency,
        total,
        method,
        rates,
        len(tried) + len(retried),
    )
    out = {"invoices": invoices, "invoice_lines": lines, "payments": payments}
    out.update(adjustments(spec, chunk, rng, payments, invoices, rates))
    return out, past_due


def _lines(
    spec: DemoSpec,
    chunk: int,
    rng: np.random.Generator,
    parts: list[tuple[np.ndarray, str, np.ndarray, bool]],
    invoice_id: np.ndarray,
    item_id: np.ndarray,
    product: np.ndarray,
    interval: np.ndarray,
    currency: np.ndarray,
    quantity: np.ndarray,
    per: dict[str, np.ndarray],
    fx: np.ndarray,
) -> pa.Table:
    rows = np.concatenate([p[0] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[1], dtype=object) for p in parts])
    amount = np.concatenate([p[2][p[0]] for p in parts])
    recurring = np.concatenate([np.full(len(p[0]), p[3]) for p in parts])
    order = np.lexsort((np.arange(len(rows)), rows))
    rows, kind, amount, recurring = rows[order], kind[order], amount[order], recurring[order]
    product_key = np.array(PRODUCT_KEYS, dtype=object)[product[rows]]
    price = np.where(
        kind == "one_off",
        price_ids(np.full(len(rows), "onboarding"), np.full(len(rows), "once"), currency[rows]),
        price_ids(product_key, interval[rows], currency[rows]),
    )
    n = len(rows)
    created = per["start"][rows].astype("datetime64[s]") + np.timedelta64(6 * 3600, "s")
    description = np.select(
        [kind == "subscription", kind == "discount", kind == "one_off"],
        [
            np.char.add(product_key.astype(str), " seats").astype(object),
            "Recurring discount",
            "Onboarding package",
        ],
        "VAT",
    ).astype(object)
    return get_table("invoice_lines").to_arrow(
        {
            "invoice_line_id": chunk_ids("il", chunk, n),
            "invoice_id": invoice_id[rows],
            "subscription_item_id": np.where(recurring, item_id[rows], NULL),
            "price_id": np.where(kind == "tax", NULL, price),
            "kind": kind,
            "description": description,
            "quantity": np.where(kind == "subscription", quantity[rows], 1),
            "period_start": per["start"][rows],
            "period_end": per["end"][rows],
            "currency": currency[rows],
            "fx_rate": fx[rows],
            **money_columns("amount", amount, fx[rows]),
            "source": np.full(n, "stripe", dtype=object),
            "source_id": native_ids("il_", rng, n),
            "created_at": created,
            "updated_at": created,
        }
    )

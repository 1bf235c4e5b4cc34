"""Money moving: payment attempts (Stripe charges), refunds and credit notes.

>>> money_columns("amount", np.array([1.005]), np.array([2.0]))["amount_base"].tolist()
[2.0]
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.customers.cohort import Cohort
from revhub.demo.customers.native_ids import native_ids
from revhub.demo.market import rate_on
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table

_METHODS = np.array(["card", "sepa_debit", "bank_transfer"], dtype=object)
_S = "timedelta64[s]"


def money_columns(name: str, amount: np.ndarray, fx: np.ndarray) -> dict[str, np.ndarray]:
    """An amount rounded to cents and its base-currency twin at ``fx``.

    >>> money_columns("x", np.array([2.5]), np.array([2.0]))["x_base"].tolist()
    [5.0]
    """
    amount = np.round(amount, 2)
    return {name: amount, f"{name}_base": np.round(amount * fx, 2)}


def charges(
    spec: DemoSpec,
    chunk: int,
    rng: np.random.Generator,
    rows: np.ndarray,
    at: np.ndarray,
    invoice_id: np.ndarray,
    cohort: Cohort,
    acc: np.ndarray,
    currency: np.ndarray,
    total: np.ndarray,
    method: np.ndarray,
    rates: dict[str, np.ndarray],
    failed: int,
) -> pa.Table:
    """Payment attempts: ``rows`` index the invoices; the first ``failed`` attempts failed.

    Example: ``charges(spec, 0, rng, rows, at, invoice_ids, ...)`` → ``payments``.
    """
    n = len(rows)
    fx = np.round(rate_on(rates, spec, currency[rows], at.astype("datetime64[D]")), 8)
    return get_table("payments").to_arrow(
        {
            "payment_id": chunk_ids("pay", chunk, n),
            "invoice_id": invoice_id[rows],
            "account_id": cohort.account_id[acc[rows]],
            "status": np.where(np.arange(n) < failed, "failed", "succeeded").astype(object),
            "paid_at": at,
            "method": _METHODS[method[rows]],
            "currency": currency[rows],
            "fx_rate": fx,
            **money_columns("amount", total[rows], fx),
            "source": np.full(n, "stripe", dtype=object),
            "source_id": native_ids("ch_", rng, n),
            "created_at": at,
            "updated_at": at,
        }
    )


def adjustments(
    spec: DemoSpec,
    chunk: int,
    rng: np.random.Generator,
    payments: pa.Table,
    invoices: pa.Table,
    rates: dict[str, np.ndarray],
) -> dict[str, pa.Table]:
    """A few refunds of successful payments and credit notes on invoices.

    Example: ``adjustments(spec, 0, rng, payments, invoices, rates)["refunds"]``.
    """
    end = spec.end.astype("datetime64[s]")

    def col(table: pa.Table, name: str) -> np.ndarray:
        return np.asarray(table[name].to_numpy(zero_copy_only=False))

    ok = np.flatnonzero(
        (col(payments, "status") == "succeeded") & (rng.random(payments.num_rows) < 0.008)
    )
    when = col(payments, "paid_at")[ok] + (rng.integers(1, 30, len(ok)) * 86400).astype(_S)
    ok, when = ok[when < end], when[when < end]
    paid = payments["amount"].cast(pa.float64()).to_numpy()[ok]
    amount = np.where(
        rng.random(len(ok)) < 0.4, paid, np.round(paid * rng.uniform(0.1, 0.9, len(ok)), 2)
    )
    cur = col(payments, "currency")[ok]
    fx = np.round(rate_on(rates, spec, cur, when.astype("datetime64[D]")), 8)
    refunds = get_table("refunds").to_arrow(
        {
            "refund_id": chunk_ids("ref", chunk, len(ok)),
            "payment_id": col(payments, "payment_id")[ok],
            "account_id": col(payments, "account_id")[ok],
            "refunded_at": when,
            "reason": np.array(["requested_by_customer", "duplicate", "fraudulent"], dtype=object)[
                rng.choice(3, len(ok), p=[0.8, 0.15, 0.05])
            ],
            "currency": cur,
            "fx_rate": fx,
            **money_columns("amount", amount, fx),
            "source": np.full(len(ok), "stripe", dtype=object),
            "source_id": native_ids("re_", rng, len(ok)),
            "created_at": when,
            "updated_at": when,
        }
    )
    pick = np.flatnonzero(
        (col(invoices, "status") != "uncollectible") & (rng.random(invoices.num_rows) < 0.01)
    )
    issued = col(invoices, "invoice_date")[pick].astype("datetime64[D]") + rng.integers(
        1, 40, len(pick)
    ).astype("timedelta64[D]")
    pick, issued = pick[issued < spec.end], issued[issued < spec.end]
    total = invoices["total"].cast(pa.float64()).to_numpy()[pick]
    cur = col(invoices, "currency")[pick]
    fx = np.round(rate_on(rates, spec, cur, issued), 8)
    stamp = issued.astype("datetime64[s]") + np.timedelta64(10 * 3600, "s")
    notes = get_table("credit_notes").to_arrow(
        {
            "credit_note_id": chunk_ids("cn", chunk, len(pick)),
            "invoice_id": col(invoices, "invoice_id")[pick],
            "account_id": col(invoices, "account_id")[pick],
            "issued_date": issued,
            "reason": np.array(
                ["service_issue", "billing_error", "goodwill", "order_change"], dtype=object
            )[rng.choice(4, len(pick), p=[0.35, 0.3, 0.2, 0.15])],
            "currency": cur,
            "fx_rate": fx,
            **money_columns("amount", np.round(total * rng.uniform(0.1, 1.0, len(pick)), 2), fx),
            "source": np.full(len(pick), "stripe", dtype=object),
            "source_id": native_ids("cn_", rng, len(pick)),
            "created_at": stamp,
            "updated_at": stamp,
        }
    )
    return {"refunds": refunds, "credit_notes": notes}

"""Money moving: charges (payments), refunds and credit notes.

Charges: a ``succeeded`` or ``failed`` charge is a payment attempt against its
invoice, paid (or declined) when it was created; a ``pending`` one is not settled yet
and passes through (quarantined until a later export settles it). The payment method
is the type in ``payment_method_details``: cards (and Link) are ``card``, SEPA debits
``sepa_debit``, bank debits and transfers (ACH, BACS, BECS, customer balance)
``bank_transfer``; a sync without that field has ``card_id`` for card charges.

Refunds: money returned against a charge, on the charge's customer; failed and
canceled refunds returned nothing and are left out. Reasons are Stripe's.

Credit notes: on the invoice's customer, issued when created, for their ``amount``
(tax included). Stripe's reasons map to revhub's: ``product_unsatisfactory`` ->
``service_issue``, ``duplicate`` -> ``billing_error``, ``order_change`` stays; void
credit notes are left out.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import source_key
from revhub.sources.stripe import amounts, times
from revhub.sources.stripe.customers import lineage
from revhub.sources.stripe.frame import Frame

_METHODS = {
    "card": "card",
    "card_present": "card",
    "link": "card",
    "sepa_debit": "sepa_debit",
    "us_bank_account": "bank_transfer",
    "ach_debit": "bank_transfer",
    "ach_credit_transfer": "bank_transfer",
    "bacs_debit": "bank_transfer",
    "au_becs_debit": "bank_transfer",
    "acss_debit": "bank_transfer",
    "customer_balance": "bank_transfer",
}
_CREDIT_REASONS = {
    "product_unsatisfactory": "service_issue",
    "duplicate": "billing_error",
}


def payments(frame: Frame) -> pa.Table:
    """One ``payments`` row per charge.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = payments(frame_of("charge", [{"id": "ch_1", "customer_id": "cus_1",
    ...     "status": "succeeded", "amount": "5000", "currency": "jpy", "card_id": "card_1"}]))
    >>> rows.select(["account_id", "method", "currency", "amount"]).to_pylist()
    [{'account_id': 'stripe:cus_1', 'method': 'card', 'currency': 'JPY', 'amount': '5000.00'}]
    """
    card = pc.if_else(
        pc.is_valid(frame.text("card_id", optional=True)), "card", pa.scalar(None, pa.string())
    )
    currency = frame.text("currency")
    return frame.table(
        {
            "payment_id": frame.key("id"),
            "invoice_id": frame.key("invoice_id"),
            "account_id": frame.key("customer_id"),
            "status": frame.text("status"),
            "paid_at": times.timestamps(frame.text("created")),
            "method": pc.coalesce(
                methods(frame.text("payment_method_details_type", optional=True)), card
            ),
            "currency": amounts.currencies(currency),
            "amount": amounts.major(frame.text("amount"), currency),
            **lineage(frame),
        }
    )


def refunds(frame: Frame) -> pa.Table:
    """One ``refunds`` row per refund that returned (or is returning) money.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = refunds(frame_of("refund", [
    ...     {"id": "re_1", "charge_id": "ch_1", "status": "succeeded"},
    ...     {"id": "re_2", "charge_id": "ch_1", "status": "failed"}],
    ...     {"charge": [{"id": "ch_1", "customer_id": "cus_1"}]}))
    >>> rows.select(["refund_id", "payment_id", "account_id"]).to_pylist()
    [{'refund_id': 'stripe:re_1', 'payment_id': 'stripe:ch_1', 'account_id': 'stripe:cus_1'}]
    """
    status = frame.text("status")
    void = pc.fill_null(pc.is_in(status, pa.array(["failed", "canceled"])), False)
    live = frame.keep(pc.invert(void), "failed or canceled, nothing was returned")
    charge = live.text("charge_id")
    currency = live.text("currency")
    return live.table(
        {
            "refund_id": live.key("id"),
            "payment_id": live.key("charge_id"),
            "account_id": source_key(live.source, live.lookup(charge, "charge", "customer_id")),
            "refunded_at": times.timestamps(live.text("created")),
            "reason": live.text("reason"),
            "currency": amounts.currencies(currency),
            "amount": amounts.major(live.text("amount"), currency),
            **lineage(live),
        }
    )


def credit_notes(frame: Frame) -> pa.Table:
    """One ``credit_notes`` row per credit note that is not void.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = credit_notes(frame_of("credit_note", [{"id": "cn_1", "invoice_id": "in_1",
    ...     "reason": "duplicate", "status": "issued"}],
    ...     {"invoice": [{"id": "in_1", "customer_id": "cus_1"}]}))
    >>> rows.select(["account_id", "reason"]).to_pylist()
    [{'account_id': 'stripe:cus_1', 'reason': 'billing_error'}]
    """
    void = pc.fill_null(pc.equal(frame.text("status"), "void"), False)
    live = frame.keep(pc.invert(void), "void")
    invoice = live.text("invoice_id")
    customer = pc.coalesce(
        live.text("customer_id", optional=True), live.lookup(invoice, "invoice", "customer_id")
    )
    currency = live.text("currency")
    return live.table(
        {
            "credit_note_id": live.key("id"),
            "invoice_id": live.key("invoice_id"),
            "account_id": source_key(live.source, customer),
            "issued_date": times.dates(live.text("created")),
            "reason": _mapped(live.text("reason"), _CREDIT_REASONS),
            "currency": amounts.currencies(currency),
            "amount": amounts.major(live.text("amount"), currency),
            **lineage(live),
        }
    )


def methods(types: pa.Array) -> pa.Array:
    """Stripe payment method types as revhub's methods; unknown ones unchanged.

    >>> methods(pa.array(["card", "link", "us_bank_account", "sepa_debit", "paypal"])).to_pylist()
    ['card', 'card', 'bank_transfer', 'sepa_debit', 'paypal']
    """
    return _mapped(types, _METHODS)


def _mapped(values: pa.Array, mapping: Mapping[str, str]) -> pa.Array:
    known = pc.take(pa.array(list(mapping.values())), pc.index_in(values, pa.array(list(mapping))))
    return pc.coalesce(known, values)

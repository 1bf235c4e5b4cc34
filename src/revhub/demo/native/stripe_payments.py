"""Charges, refunds and credit notes of the demo's Stripe export.

A demo payment is a charge (captured when it succeeded, ``card_declined`` when it
failed, refunded in full when its refunds add up to it); payment methods as Stripe
names them (bank transfers are ``customer_balance``); credit-note reasons in Stripe's
vocabulary, a goodwill credit as a memo.
"""

from __future__ import annotations

from collections import defaultdict

from revhub.demo.native.stripe_billing import Billing
from revhub.demo.native.stripe_json import Record, minor, unix

_METHODS = {"card": "card", "sepa_debit": "sepa_debit", "bank_transfer": "customer_balance"}
_CREDIT_REASONS = {
    "service_issue": "product_unsatisfactory",
    "billing_error": "duplicate",
    "order_change": "order_change",
}


def charges(billing: Billing) -> list[Record]:
    """Every demo Stripe payment as a charge."""
    refunded: dict[str, int] = defaultdict(int)
    for r in billing.rows["refunds"]:
        refunded[r["payment_id"]] += minor(r["amount"], r["currency"])
    records = []
    for p in billing.rows["payments"]:
        amount = minor(p["amount"], p["currency"])
        paid = p["status"] == "succeeded"
        records.append(
            {
                "id": p["source_id"],
                "object": "charge",
                "amount": amount,
                "amount_captured": amount if paid else 0,
                "amount_refunded": refunded[p["payment_id"]],
                "currency": p["currency"].lower(),
                "customer": billing.customer[p["account_id"]],
                "invoice": billing.native["invoices"].get(p["invoice_id"]),
                "created": unix(p["paid_at"]),
                "status": p["status"],
                "paid": paid,
                "captured": paid,
                "refunded": paid and refunded[p["payment_id"]] >= amount,
                "failure_code": None if paid else "card_declined",
                "payment_method_details": {"type": _METHODS.get(p["method"], "card")},
                "livemode": True,
            }
        )
    return records


def refunds(billing: Billing) -> list[Record]:
    """Every demo Stripe refund, on its charge."""
    return [
        {
            "id": r["source_id"],
            "object": "refund",
            "amount": minor(r["amount"], r["currency"]),
            "charge": billing.native["payments"][r["payment_id"]],
            "currency": r["currency"].lower(),
            "created": unix(r["refunded_at"]),
            "reason": r["reason"],
            "status": "succeeded",
        }
        for r in billing.rows["refunds"]
    ]


def credit_notes(billing: Billing) -> list[Record]:
    """Every demo Stripe credit note, on its invoice."""
    return [
        {
            "id": c["source_id"],
            "object": "credit_note",
            "amount": minor(c["amount"], c["currency"]),
            "currency": c["currency"].lower(),
            "customer": billing.customer[c["account_id"]],
            "invoice": billing.native["invoices"][c["invoice_id"]],
            "created": unix(c["created_at"]),
            "reason": _CREDIT_REASONS.get(c["reason"]),
            "memo": "Goodwill credit" if c["reason"] == "goodwill" else None,
            "status": "issued",
            "type": "post_payment",
        }
        for c in billing.rows["credit_notes"]
    ]

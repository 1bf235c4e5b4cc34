"""The invoice objects of the demo's Stripe export, with their lines.

A discount is taken off the line it applies to (``discount_amounts``) and tax is added
on the invoice (``tax``), not written as lines; a discount no line is left for stays a
line of its own (a negative invoice item).
"""

from __future__ import annotations

from collections import defaultdict

from revhub.demo.native.stripe_billing import Billing, discount_id
from revhub.demo.native.stripe_json import Record, api_list, minor, unix


def invoices(billing: Billing) -> list[Record]:
    """Every Stripe invoice of the demo, its lines nested, as the API writes it."""
    lines: dict[str, list[Record]] = defaultdict(list)
    for line in billing.rows["invoice_lines"]:
        lines[line["invoice_id"]].append(line)
    return [_invoice(billing, i, lines[i["invoice_id"]]) for i in billing.rows["invoices"]]


def _invoice(billing: Billing, invoice: Record, rows: list[Record]) -> Record:
    currency = invoice["currency"]
    subscription = billing.native["subscriptions"].get(invoice["subscription_id"])
    taken: dict[str | None, list[Record]] = defaultdict(list)  # discounts by item
    for r in rows:
        if r["kind"] == "discount":
            taken[r["subscription_item_id"]].append(r)
    lines = [
        _line(billing, r, invoice, subscription, taken.pop(r["subscription_item_id"], []))
        for r in rows
        if r["kind"] in ("subscription", "one_off")
    ]  # a discount no line is left for stays a line of its own: a negative invoice item
    lines += [_line(billing, r, invoice, subscription, []) for left in taken.values() for r in left]
    discounted = sum(-minor(r["amount"], currency) for r in rows if r["kind"] == "discount")
    tax = minor(invoice["tax"], currency)
    created = unix(invoice["created_at"])
    return {
        "id": invoice["source_id"],
        "object": "invoice",
        "customer": billing.customer[invoice["account_id"]],
        "subscription": subscription,
        "number": invoice["number"],
        "status": invoice["status"],
        "currency": currency.lower(),
        "created": created,
        "due_date": unix(invoice["due_date"]),
        "period_start": created,  # Stripe's look-back period; the lines hold the service
        "period_end": created,
        "subtotal": sum(line["amount"] for line in lines),
        "total_discount_amounts": [{"amount": discounted, "discount": discount_id(subscription)}]
        if discounted
        else [],
        "total_excluding_tax": minor(invoice["subtotal"], currency),
        "tax": tax,
        "total_tax_amounts": [{"amount": tax, "inclusive": False, "tax_rate": "txr_vat"}]
        if tax
        else [],
        "total": minor(invoice["total"], currency),
        "status_transitions": {"finalized_at": created},
        "lines": api_list(lines, f"invoices/{invoice['source_id']}/lines"),
        "livemode": True,
    }


def _line(
    billing: Billing,
    row: Record,
    invoice: Record,
    subscription: str | None,
    discounts: list[Record],
) -> Record:
    currency = invoice["currency"]
    recurring = row["kind"] == "subscription"
    amount = minor(row["amount"], currency)
    return {
        "id": row["source_id"],
        "object": "line_item",
        "invoice": invoice["source_id"],
        "type": "subscription" if recurring else "invoiceitem",
        "amount": amount,
        "currency": currency.lower(),
        "description": row["description"],
        "quantity": row["quantity"],
        "period": {"start": unix(row["period_start"]), "end": unix(row["period_end"])},
        "price": billing.catalog.price.get(row["price_id"]),
        "subscription": subscription,
        "subscription_item": billing.item.get(row["subscription_item_id"]),
        "invoice_item": None if recurring else f"ii_{row['source_id'][3:]}",
        "discount_amounts": [
            {"amount": -minor(d["amount"], currency), "discount": discount_id(subscription)}
            for d in discounts
        ],
        "proration": False,
    }

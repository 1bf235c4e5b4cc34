"""The subscription objects of the demo's Stripe export.

Trials, billing periods, cancellation at period end, the recurring discount (a coupon
by percent off), the items still listed and the Salesforce deal in metadata
(``salesforce_opportunity_id``).
"""

from __future__ import annotations

from revhub.demo.native.stripe_billing import Billing, discount_id
from revhub.demo.native.stripe_json import Record, api_list, unix


def subscriptions(billing: Billing) -> list[Record]:
    """Every Stripe subscription of the demo, as the API writes it."""
    records = []
    for s in billing.rows["subscriptions"]:
        trial = s["trial_end_date"] is not None
        percent = round(float(s["discount_percent"] or 0) * 100, 2)
        coupon = billing.catalog.coupons.get(percent)
        deal = billing.deal.get(s["opportunity_id"])
        records.append(
            {
                "id": s["source_id"],
                "object": "subscription",
                "customer": billing.customer[s["account_id"]],
                "status": s["status"],
                "currency": s["currency"].lower(),
                "created": unix(s["created_at"]),
                "start_date": unix(s["created_at"]),
                "trial_start": unix(s["created_at"]) if trial else None,
                "trial_end": unix(s["start_date"]) if trial else None,
                "current_period_start": unix(s["current_period_start"]),
                "current_period_end": unix(s["current_period_end"]),
                "cancel_at_period_end": s["cancel_at_period_end"],
                "cancel_at": unix(s["current_period_end"]) if s["cancel_at_period_end"] else None,
                "canceled_at": unix(s["canceled_at"]),
                "ended_at": unix(s["ended_date"]),
                "discount": None if coupon is None else _discount(s, coupon),
                "items": api_list(
                    billing.items.get(s["subscription_id"], []), "subscription_items"
                ),
                "metadata": {"salesforce_opportunity_id": deal} if deal else {},
                "livemode": True,
            }
        )
    return records


def _discount(subscription: Record, coupon: Record) -> Record:
    return {
        "id": discount_id(subscription["source_id"]),
        "object": "discount",
        "coupon": coupon,
        "start": unix(subscription["created_at"]),
        "end": None,
    }

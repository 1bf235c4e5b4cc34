"""The billing rows of the demo's Stripe export and the Stripe ids they are written under.

``Billing`` gathers, once, what the subscription, invoice and payment writers share:
the demo's Stripe rows of each billing table, the customer of each account, the Stripe
id of each subscription, invoice and charge, the Salesforce deal of each subscription,
and the subscription items. An item is one per price, its quantity changed in place:
the demo's versions of an item share the id of the latest, and a subscription lists
only the items it still has (invoice lines keep the history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from revhub.demo.native.stripe_catalog import Catalog
from revhub.demo.native.stripe_customers import Customers
from revhub.demo.native.stripe_json import Record, salesforce_rows, stripe_rows, unix

TABLES = (
    "subscriptions", "subscription_items", "invoices", "invoice_lines", "payments", "refunds",
    "credit_notes",
)  # fmt: skip


class Billing:
    """Subscriptions, invoices, charges, refunds and credit notes, by their Stripe ids."""

    def __init__(
        self, rows: Mapping[str, list[Record]], customers: Customers, catalog: Catalog
    ) -> None:
        self.rows = {name: stripe_rows(rows[name]) for name in TABLES}
        self.customer = customers.id
        self.catalog = catalog
        self.native = {
            name: {r[key]: r["source_id"] for r in self.rows[name]}
            for name, key in (
                ("subscriptions", "subscription_id"),
                ("invoices", "invoice_id"),
                ("payments", "payment_id"),
            )
        }
        self.deal = {
            o["opportunity_id"]: o["source_id"] for o in salesforce_rows(rows["opportunities"])
        }
        self.item, self.items = _items(
            self.rows["subscription_items"], self.rows["subscriptions"], catalog.price
        )


def discount_id(subscription: str | None) -> str | None:
    """The id of a subscription's discount (``di_`` and the subscription's id body).

    >>> discount_id("sub_1Abc")
    'di_1Abc'
    """
    return None if subscription is None else f"di_{subscription.removeprefix('sub_')}"


def _items(
    items: list[Record], subscriptions: list[Record], prices: Mapping[str, Record]
) -> tuple[dict[str, str], dict[str, list[Record]]]:
    """Stripe's items: one per (subscription, price), id of the latest demo version.

    Returns demo item id -> Stripe item id, and per demo subscription the items it
    still lists: those running at its end (all current ones, or those that ended with it).
    """
    ended = {s["subscription_id"]: s["ended_date"] for s in subscriptions}
    native = {s["subscription_id"]: s["source_id"] for s in subscriptions}
    versions: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i["start_date"], i["subscription_item_id"])):
        versions[item["subscription_id"], item["price_id"]].append(item)
    item_id: dict[str, str] = {}
    listed: dict[str, list[Record]] = defaultdict(list)
    for (subscription, _), rows in versions.items():
        latest = rows[-1]
        item_id.update((r["subscription_item_id"], latest["source_id"]) for r in rows)
        end = ended.get(subscription)
        if latest["end_date"] is None or (end is not None and latest["end_date"] >= end):
            listed[subscription].append(
                {
                    "id": latest["source_id"],
                    "object": "subscription_item",
                    "created": unix(rows[0]["created_at"]),
                    "quantity": latest["quantity"],
                    "subscription": native.get(subscription),
                    "price": prices.get(latest["price_id"]),
                }
            )
    return item_id, listed

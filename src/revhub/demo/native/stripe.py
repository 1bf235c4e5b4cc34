"""The demo company's Stripe account, exported the way ``StripeSource`` reads it.

``write_stripe`` writes ``stripe/<objects>.json`` as API list objects
(``{"object": "list", "data": [...]}``) holding the demo's billing: products, prices,
coupons, subscriptions with their items, invoices with their lines, charges, refunds
and credit notes, and one customer per demo account that has a subscription, an
invoice or a Stripe contact. As in a real account:

- amounts are integers in the currency's minor unit (``amounts.to_minor``), times
  unix seconds, currencies lower case;
- a customer (id ``copy_ids("stripe_customer", [account_id])``) carries the company
  name, address country and city, and the billing contact: a demo Stripe contact of
  the account, else its first contact with an email. About 60% of customers name the
  account's Salesforce record in metadata (``salesforce_account_id``); identity
  resolution must find the others. Subscriptions name their deal
  (``salesforce_opportunity_id``);
- an item is one per price, its quantity changed in place: the demo's versions of an
  item share the id of the latest, and a subscription lists only the items it still
  has (invoice lines keep the history);
- a discount is taken off the line it applies to (``discount_amounts``) and tax is
  added on the invoice (``tax``), not written as lines.

Identity truth: each customer copies its demo account; its billing contact
(``cus_…:billing``) copies the demo contact whose email it carries.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from revhub.demo.native.export import NativeExport, identity_rows
from revhub.demo.native.ids import copy_ids
from revhub.sources.stripe.amounts import exponent

Record = dict[str, Any]
SALESFORCE_LINKED = 0.6  # share of customers whose metadata names the Salesforce account
_METHODS = {"card": "card", "sepa_debit": "sepa_debit", "bank_transfer": "customer_balance"}
_CREDIT_REASONS = {
    "service_issue": "product_unsatisfactory",
    "billing_error": "duplicate",
    "order_change": "order_change",
}
_BILLING = (
    "subscriptions", "subscription_items", "invoices", "invoice_lines", "payments", "refunds",
    "credit_notes",
)  # fmt: skip
_TABLES = ("accounts", "contacts", "opportunities", "products", "prices", *_BILLING)


def write_stripe(tables: Mapping[str, pa.Table], out: Path) -> NativeExport:
    """Write the Stripe export of the demo ``tables`` under ``out/stripe``.

    >>> import tempfile
    >>> from revhub.model import get_table
    >>> tables = {t.name: t.arrow_schema().empty_table() for t in map(get_table, _TABLES)}
    >>> export = write_stripe(tables, Path(tempfile.mkdtemp()))
    >>> export.sources["stripe"], export.identity["stripe"].num_rows
    ({'kind': 'stripe', 'path': 'stripe'}, 0)
    """
    root = out / "stripe"
    root.mkdir(parents=True, exist_ok=True)
    rows = {name: _rows(tables[name]) for name in _TABLES}
    account = _Customers(rows)
    catalog = _Catalog(rows)
    billing = _Billing(rows, account, catalog)
    files = {
        "customers": account.records(),
        "products": catalog.products(),
        "prices": list(catalog.price.values()),
        "coupons": list(catalog.coupons.values()),
        "subscriptions": billing.subscriptions(),
        "invoices": billing.invoices(),
        "charges": billing.charges(),
        "refunds": billing.refunds(),
        "credit_notes": billing.credit_notes(),
    }
    for name, records in files.items():
        document = {"object": "list", "url": f"/v1/{name}", "has_more": False, "data": records}
        with (root / f"{name}.json").open("w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
    export = NativeExport()
    export.add("stripe", {"kind": "stripe", "path": "stripe"}, account.identity())
    return export


class _Customers:
    """The Stripe customer of each demo account that Stripe bills or knows a contact of."""

    def __init__(self, rows: Mapping[str, list[Record]]) -> None:
        stripe = {name: _stripe(rows[name]) for name in ("subscriptions", "invoices", "contacts")}
        wanted = {r["account_id"] for part in stripe.values() for r in part}
        for name in ("payments", "refunds", "credit_notes"):
            wanted.update(r["account_id"] for r in _stripe(rows[name]))
        self.accounts = [a for a in rows["accounts"] if a["account_id"] in wanted]
        demo_ids = [a["account_id"] for a in self.accounts]
        self.id = dict(zip(demo_ids, copy_ids("stripe_customer", demo_ids), strict=True))
        self.contact = _billing_contacts(rows["contacts"], wanted)
        self.salesforce = _salesforce_ids(rows, self.accounts)
        self.since: dict[str, Any] = {}
        for r in sorted(
            stripe["subscriptions"] + stripe["contacts"], key=lambda r: r["created_at"]
        ):
            self.since.setdefault(r["account_id"], r["created_at"])

    def records(self) -> list[Record]:
        customers = []
        for a in self.accounts:
            person = self.contact.get(a["account_id"])
            link = self.salesforce.get(a["account_id"])
            address = {"city": a["city"], "country": a["country"], "line1": None, "line2": None}
            customers.append(
                {
                    "id": self.id[a["account_id"]],
                    "object": "customer",
                    "name": a["name"],
                    "email": person["email"] if person else None,
                    "individual_name": _full_name(person) if person else None,
                    "phone": a["phone"],
                    "address": address if a["country"] or a["city"] else None,
                    "created": _unix(self.since.get(a["account_id"], a["created_at"])),
                    "livemode": True,
                    "metadata": {"salesforce_account_id": link} if link else {},
                }
            )
        return customers

    def identity(self) -> pa.Table:
        people = [(self.id[a], c["contact_id"]) for a, c in self.contact.items() if a in self.id]
        return pa.concat_tables(
            [
                identity_rows("account", list(self.id.values()), list(self.id)),
                identity_rows(
                    "person", [f"{cus}:billing" for cus, _ in people], [c for _, c in people]
                ),
            ]
        )


class _Catalog:
    """Products, prices (by demo id, as the API writes them) and coupons (by percent)."""

    def __init__(self, rows: Mapping[str, list[Record]]) -> None:
        self.product_rows = _stripe(rows["products"])
        product = {p["product_id"]: p["source_id"] for p in self.product_rows}
        self.price = {p["price_id"]: _price(p, product) for p in _stripe(rows["prices"])}
        self.coupons: dict[float, Record] = {}
        for s in _stripe(rows["subscriptions"]):
            percent = round(float(s["discount_percent"] or 0) * 100, 2)
            if percent > 0 and percent not in self.coupons:
                self.coupons[percent] = {
                    "id": f"recurring-{percent:g}",
                    "object": "coupon",
                    "name": f"Recurring discount {percent:g}%",
                    "percent_off": percent,
                    "duration": "forever",
                    "valid": True,
                }

    def products(self) -> list[Record]:
        return [
            {
                "id": p["source_id"],
                "object": "product",
                "name": p["name"],
                "active": p["is_active"],
                "type": "service",
                "created": _unix(p["created_at"]),
                "updated": _unix(p["updated_at"]),
                "metadata": {"kind": p["kind"], "family": p["family"]},
            }
            for p in self.product_rows
        ]


class _Billing:
    """Subscriptions, invoices, charges, refunds and credit notes, by their Stripe ids."""

    def __init__(
        self, rows: Mapping[str, list[Record]], customers: _Customers, catalog: _Catalog
    ) -> None:
        self.rows = {name: _stripe(rows[name]) for name in _BILLING}
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
            o["opportunity_id"]: o["source_id"] for o in _salesforce(rows["opportunities"])
        }
        self.item, self.items = _items(
            self.rows["subscription_items"], self.rows["subscriptions"], catalog.price
        )

    def subscriptions(self) -> list[Record]:
        records = []
        for s in self.rows["subscriptions"]:
            trial = s["trial_end_date"] is not None
            percent = round(float(s["discount_percent"] or 0) * 100, 2)
            coupon = self.catalog.coupons.get(percent)
            deal = self.deal.get(s["opportunity_id"])
            records.append(
                {
                    "id": s["source_id"],
                    "object": "subscription",
                    "customer": self.customer[s["account_id"]],
                    "status": s["status"],
                    "currency": s["currency"].lower(),
                    "created": _unix(s["created_at"]),
                    "start_date": _unix(s["created_at"]),
                    "trial_start": _unix(s["created_at"]) if trial else None,
                    "trial_end": _unix(s["start_date"]) if trial else None,
                    "current_period_start": _unix(s["current_period_start"]),
                    "current_period_end": _unix(s["current_period_end"]),
                    "cancel_at_period_end": s["cancel_at_period_end"],
                    "cancel_at": _unix(s["current_period_end"])
                    if s["cancel_at_period_end"]
                    else None,
                    "canceled_at": _unix(s["canceled_at"]),
                    "ended_at": _unix(s["ended_date"]),
                    "discount": None if coupon is None else _discount(s, coupon),
                    "items": _list(self.items.get(s["subscription_id"], []), "subscription_items"),
                    "metadata": {"salesforce_opportunity_id": deal} if deal else {},
                    "livemode": True,
                }
            )
        return records

    def invoices(self) -> list[Record]:
        lines: dict[str, list[Record]] = defaultdict(list)
        for line in self.rows["invoice_lines"]:
            lines[line["invoice_id"]].append(line)
        return [self._invoice(i, lines[i["invoice_id"]]) for i in self.rows["invoices"]]

    def _invoice(self, invoice: Record, rows: list[Record]) -> Record:
        currency = invoice["currency"]
        subscription = self.native["subscriptions"].get(invoice["subscription_id"])
        taken: dict[str | None, list[Record]] = defaultdict(list)  # discounts by item
        for r in rows:
            if r["kind"] == "discount":
                taken[r["subscription_item_id"]].append(r)
        lines = [
            self._line(r, invoice, subscription, taken.pop(r["subscription_item_id"], []))
            for r in rows
            if r["kind"] in ("subscription", "one_off")
        ]  # a discount no line is left for stays a line of its own: a negative invoice item
        lines += [self._line(r, invoice, subscription, []) for left in taken.values() for r in left]
        discounted = sum(-_minor(r["amount"], currency) for r in rows if r["kind"] == "discount")
        tax = _minor(invoice["tax"], currency)
        created = _unix(invoice["created_at"])
        return {
            "id": invoice["source_id"],
            "object": "invoice",
            "customer": self.customer[invoice["account_id"]],
            "subscription": subscription,
            "number": invoice["number"],
            "status": invoice["status"],
            "currency": currency.lower(),
            "created": created,
            "due_date": _unix(invoice["due_date"]),
            "period_start": created,  # Stripe's look-back period; the lines hold the service
            "period_end": created,
            "subtotal": sum(line["amount"] for line in lines),
            "total_discount_amounts": [
                {"amount": discounted, "discount": _discount_id(subscription)}
            ]
            if discounted
            else [],
            "total_excluding_tax": _minor(invoice["subtotal"], currency),
            "tax": tax,
            "total_tax_amounts": [{"amount": tax, "inclusive": False, "tax_rate": "txr_vat"}]
            if tax
            else [],
            "total": _minor(invoice["total"], currency),
            "status_transitions": {"finalized_at": created},
            "lines": _list(lines, f"invoices/{invoice['source_id']}/lines"),
            "livemode": True,
        }

    def _line(
        self, row: Record, invoice: Record, subscription: str | None, discounts: list[Record]
    ) -> Record:
        currency = invoice["currency"]
        recurring = row["kind"] == "subscription"
        amount = _minor(row["amount"], currency)
        return {
            "id": row["source_id"],
            "object": "line_item",
            "invoice": invoice["source_id"],
            "type": "subscription" if recurring else "invoiceitem",
            "amount": amount,
            "currency": currency.lower(),
            "description": row["description"],
            "quantity": row["quantity"],
            "period": {"start": _unix(row["period_start"]), "end": _unix(row["period_end"])},
            "price": self.catalog.price.get(row["price_id"]),
            "subscription": subscription,
            "subscription_item": self.item.get(row["subscription_item_id"]),
            "invoice_item": None if recurring else f"ii_{row['source_id'][3:]}",
            "discount_amounts": [
                {"amount": -_minor(d["amount"], currency), "discount": _discount_id(subscription)}
                for d in discounts
            ],
            "proration": False,
        }

    def charges(self) -> list[Record]:
        refunded: dict[str, int] = defaultdict(int)
        for r in self.rows["refunds"]:
            refunded[r["payment_id"]] += _minor(r["amount"], r["currency"])
        charges = []
        for p in self.rows["payments"]:
            amount = _minor(p["amount"], p["currency"])
            paid = p["status"] == "succeeded"
            charges.append(
                {
                    "id": p["source_id"],
                    "object": "charge",
                    "amount": amount,
                    "amount_captured": amount if paid else 0,
                    "amount_refunded": refunded[p["payment_id"]],
                    "currency": p["currency"].lower(),
                    "customer": self.customer[p["account_id"]],
                    "invoice": self.native["invoices"].get(p["invoice_id"]),
                    "created": _unix(p["paid_at"]),
                    "status": p["status"],
                    "paid": paid,
                    "captured": paid,
                    "refunded": paid and refunded[p["payment_id"]] >= amount,
                    "failure_code": None if paid else "card_declined",
                    "payment_method_details": {"type": _METHODS.get(p["method"], "card")},
                    "livemode": True,
                }
            )
        return charges

    def refunds(self) -> list[Record]:
        return [
            {
                "id": r["source_id"],
                "object": "refund",
                "amount": _minor(r["amount"], r["currency"]),
                "charge": self.native["payments"][r["payment_id"]],
                "currency": r["currency"].lower(),
                "created": _unix(r["refunded_at"]),
                "reason": r["reason"],
                "status": "succeeded",
            }
            for r in self.rows["refunds"]
        ]

    def credit_notes(self) -> list[Record]:
        return [
            {
                "id": c["source_id"],
                "object": "credit_note",
                "amount": _minor(c["amount"], c["currency"]),
                "currency": c["currency"].lower(),
                "customer": self.customer[c["account_id"]],
                "invoice": self.native["invoices"][c["invoice_id"]],
                "created": _unix(c["created_at"]),
                "reason": _CREDIT_REASONS.get(c["reason"]),
                "memo": "Goodwill credit" if c["reason"] == "goodwill" else None,
                "status": "issued",
                "type": "post_payment",
            }
            for c in self.rows["credit_notes"]
        ]


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
                    "created": _unix(rows[0]["created_at"]),
                    "quantity": latest["quantity"],
                    "subscription": native.get(subscription),
                    "price": prices.get(latest["price_id"]),
                }
            )
    return item_id, listed


def _price(price: Record, products: Mapping[str, str]) -> Record:
    """A price as the API writes it; a quarter is 3 months."""
    interval, count = price["billing_interval"], price["interval_count"] or 1
    if interval == "quarter":
        interval, count = "month", 3 * count
    amount = _minor(price["unit_amount"], price["currency"])
    return {
        "id": price["source_id"],
        "object": "price",
        "active": price["is_active"],
        "currency": price["currency"].lower(),
        "product": products.get(price["product_id"]),
        "type": "one_time" if interval is None else "recurring",
        "recurring": None
        if interval is None
        else {"interval": interval, "interval_count": count, "usage_type": "licensed"},
        "unit_amount": amount,
        "unit_amount_decimal": str(amount),
        "billing_scheme": "per_unit",
        "created": _unix(price["created_at"]),
        "livemode": True,
    }


def _discount(subscription: Record, coupon: Record) -> Record:
    return {
        "id": _discount_id(subscription["source_id"]),
        "object": "discount",
        "coupon": coupon,
        "start": _unix(subscription["created_at"]),
        "end": None,
    }


def _discount_id(subscription: str | None) -> str | None:
    """The id of a subscription's discount (``di_`` and the subscription's id body)."""
    return None if subscription is None else f"di_{subscription.removeprefix('sub_')}"


def _billing_contacts(contacts: list[Record], accounts: set[str]) -> dict[str, Record]:
    """Per account, its Stripe contact, else its first contact (by id) with an email."""
    chosen: dict[str, Record] = {}
    for c in sorted(contacts, key=lambda c: (c["source"] != "stripe", c["contact_id"])):
        if c["account_id"] in accounts and c["email"] and c["account_id"] not in chosen:
            chosen[c["account_id"]] = c
    return chosen


def _salesforce_ids(rows: Mapping[str, list[Record]], accounts: list[Record]) -> dict[str, str]:
    """The Salesforce Id of the accounts whose customer names it (about 60%, chosen by a
    hash of the account id): its own for Salesforce accounts, the copy's for accounts
    Salesforce holds because a Salesforce opportunity names them."""
    in_crm = {o["account_id"] for o in _salesforce(rows["opportunities"])}
    own = {a["account_id"]: a["source_id"] for a in _salesforce(accounts)}
    copied = sorted(a["account_id"] for a in accounts if a["account_id"] in in_crm - own.keys())
    ids = {**own, **dict(zip(copied, copy_ids("salesforce_account", copied), strict=True))}
    return {a: sf for a, sf in ids.items() if _share(a) < SALESFORCE_LINKED}


def _share(demo_id: str) -> float:
    """A stable number in [0, 1) for ``demo_id``."""
    digest = hashlib.blake2b(f"stripe_salesforce_link:{demo_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest()) / 2**64


def _full_name(contact: Record) -> str | None:
    name = " ".join(part for part in (contact["first_name"], contact["last_name"]) if part)
    return name or None


def _list(records: list[Record], path: str) -> Record:
    """A nested API list: the first page is the whole list here."""
    return {"object": "list", "data": records, "has_more": False, "url": f"/v1/{path}"}


def _rows(table: pa.Table) -> list[Record]:
    rows: list[Record] = table.to_pylist()
    return rows


def _stripe(rows: list[Record]) -> list[Record]:
    return [r for r in rows if r["source"] == "stripe"]


def _salesforce(rows: list[Record]) -> list[Record]:
    return [r for r in rows if r["source"] == "salesforce"]


def _unix(value: dt.datetime | dt.date | None) -> int | None:
    """Unix seconds of a UTC timestamp, or of midnight UTC of a day."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return calendar.timegm(value.timetuple())


def _minor(amount: Decimal | None, currency: str) -> int:
    """Stripe's integer for a demo amount (two decimals, or none for zero-decimal
    currencies, where the demo's amounts are whole)."""
    if amount is None:
        return 0
    return int((amount * 10 ** exponent(currency)).to_integral_value(ROUND_HALF_UP))

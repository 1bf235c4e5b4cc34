"""The Stripe customers of the demo's export, and the billing contact of each.

One customer per demo account that Stripe bills or knows a contact of (id
``copy_ids("stripe_customer", [account_id])``): the company name, address country and
city, and the billing contact — a demo Stripe contact of the account, else its first
contact with an email. About 60% of customers name the account's Salesforce record in
metadata (``salesforce_account_id``); identity resolution must find the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from revhub.demo.native.export import identity_rows
from revhub.demo.native.ids import copy_ids
from revhub.demo.native.stripe_json import Record, salesforce_rows, stripe_rows, unix

SALESFORCE_LINKED = 0.6  # share of customers whose metadata names the Salesforce account


class Customers:
    """The Stripe customer of each demo account that Stripe bills or knows a contact of."""

    def __init__(self, rows: Mapping[str, list[Record]]) -> None:
        stripe = {
            name: stripe_rows(rows[name]) for name in ("subscriptions", "invoices", "contacts")
        }
        wanted = {r["account_id"] for part in stripe.values() for r in part}
        for name in ("payments", "refunds", "credit_notes"):
            wanted.update(r["account_id"] for r in stripe_rows(rows[name]))
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
        """The customer objects, as the API writes them."""
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
                    "created": unix(self.since.get(a["account_id"], a["created_at"])),
                    "livemode": True,
                    "metadata": {"salesforce_account_id": link} if link else {},
                }
            )
        return customers

    def identity(self) -> pa.Table:
        """Each customer copies its demo account; its billing contact (``cus_…:billing``)
        copies the demo contact whose email it carries."""
        people = [(self.id[a], c["contact_id"]) for a, c in self.contact.items() if a in self.id]
        return pa.concat_tables(
            [
                identity_rows("account", list(self.id.values()), list(self.id)),
                identity_rows(
                    "person", [f"{cus}:billing" for cus, _ in people], [c for _, c in people]
                ),
            ]
        )


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
    in_crm = {o["account_id"] for o in salesforce_rows(rows["opportunities"])}
    own = {a["account_id"]: a["source_id"] for a in salesforce_rows(accounts)}
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

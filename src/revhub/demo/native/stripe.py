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

Modules: ``stripe_customers``, ``stripe_catalog`` (products, prices, coupons),
``stripe_billing`` (the billing rows' Stripe ids and subscription items),
``stripe_subscriptions``, ``stripe_invoices``, ``stripe_payments`` (charges, refunds,
credit notes) and ``stripe_json`` (value formats).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from revhub.demo.native import stripe_billing, stripe_invoices, stripe_payments
from revhub.demo.native.export import NativeExport
from revhub.demo.native.stripe_catalog import Catalog
from revhub.demo.native.stripe_customers import Customers
from revhub.demo.native.stripe_json import rows_of
from revhub.demo.native.stripe_subscriptions import subscriptions

TABLES = ("accounts", "contacts", "opportunities", "products", "prices", *stripe_billing.TABLES)

__all__ = ["TABLES", "write_stripe"]


def write_stripe(tables: Mapping[str, pa.Table], out: Path) -> NativeExport:
    """Write the Stripe export of the demo ``tables`` under ``out/stripe``.

    >>> import tempfile
    >>> from revhub.model import get_table
    >>> tables = {t.name: t.arrow_schema().empty_table() for t in map(get_table, TABLES)}
    >>> export = write_stripe(tables, Path(tempfile.mkdtemp()))
    >>> export.sources["stripe"], export.identity["stripe"].num_rows
    ({'kind': 'stripe', 'path': 'stripe'}, 0)
    """
    root = out / "stripe"
    root.mkdir(parents=True, exist_ok=True)
    rows = {name: rows_of(tables[name]) for name in TABLES}
    customers = Customers(rows)
    catalog = Catalog(rows)
    billing = stripe_billing.Billing(rows, customers, catalog)
    files = {
        "customers": customers.records(),
        "products": catalog.products(),
        "prices": list(catalog.price.values()),
        "coupons": list(catalog.coupons.values()),
        "subscriptions": subscriptions(billing),
        "invoices": stripe_invoices.invoices(billing),
        "charges": stripe_payments.charges(billing),
        "refunds": stripe_payments.refunds(billing),
        "credit_notes": stripe_payments.credit_notes(billing),
    }
    for name, records in files.items():
        document = {"object": "list", "url": f"/v1/{name}", "has_more": False, "data": records}
        with (root / f"{name}.json").open("w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
    export = NativeExport()
    export.add("stripe", {"kind": "stripe", "path": "stripe"}, customers.identity())
    return export

"""The Stripe connector: API list exports or a warehouse sync, mapped to the model.

Point a source of ``kind = "stripe"`` at a directory holding either shape, each file
detected on its own:

- API list JSON as the API returns it: ``customers.json``, ``products.json``,
  ``prices.json`` / ``plans.json``, ``subscriptions.json`` (items in ``items.data``),
  ``invoices.json`` (lines in ``lines.data``, or ``invoice_line_items.json``),
  ``charges.json``, ``refunds.json``, ``credit_notes.json``, ``coupons.json``; several
  files of one object (pages, pulls: ``invoices.2.json``, ``customers.pull-0002.json``)
  are read together;
- the tables a sync tool lands (``customer.csv``, ``invoice_line_item_data.csv``, ...).

What fills which table: customers -> ``accounts`` and their billing ``contacts``;
products, prices and plans -> ``products``, ``prices``; subscriptions and items;
invoices and lines (with discount and tax lines) -> ``invoices``, ``invoice_lines``;
charges -> ``payments``; ``refunds``; ``credit_notes``. Coupons and discounts give
subscription discounts. Keys are ``<source name>:<Stripe id>`` (the billing contact of
customer ``cus_1`` is ``<source name>:cus_1:billing``); a CRM record named in metadata
is keyed by that CRM's kind (``salesforce:006…``). Amounts are decimal major units,
currencies upper case. ``fx_rate`` is left to ingestion: Stripe's own exchange rates
(balance transactions) convert to the account's settlement currency, which need not be
revhub's base currency.

>>> import json, tempfile, pathlib
>>> from revhub.config import SourceSettings
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "customers.json").write_text(json.dumps({"object": "list", "data": [
...     {"id": "cus_1", "object": "customer", "name": "Acme", "created": 1704067200}]}))
>>> source = StripeSource("billing", SourceSettings(kind="stripe", path=str(folder)), folder)
>>> [(b.table, b.rows["account_id"].to_pylist()) for b in source.batches()]
[('accounts', ['billing:cus_1']), ('contacts', [])]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa

from revhub.errors import DataError
from revhub.sources.base import Batch, Source
from revhub.sources.stripe import catalog, customers, invoicing, payments, subscriptions
from revhub.sources.stripe.export import Export
from revhub.sources.stripe.frame import Frame

Mapper = Callable[[Frame], pa.Table]

# Object -> the canonical tables it fills, in load order. Coupons and discounts are
# consulted by subscriptions only.
MAPPINGS: dict[str, tuple[tuple[str, Mapper], ...]] = {
    "customer": (("accounts", customers.accounts), ("contacts", customers.contacts)),
    "product": (("products", catalog.products),),
    "price": (("prices", catalog.prices),),
    "subscription": (("subscriptions", subscriptions.subscriptions),),
    "subscription_item": (("subscription_items", subscriptions.subscription_items),),
    "invoice": (("invoices", invoicing.invoices), ("invoice_lines", invoicing.tax_lines)),
    "invoice_line_item": (("invoice_lines", invoicing.invoice_lines),),
    "charge": (("payments", payments.payments),),
    "refund": (("refunds", payments.refunds),),
    "credit_note": (("credit_notes", payments.credit_notes),),
}


class StripeSource(Source):
    """A Stripe account as a directory of API list exports (or a warehouse sync of it)."""

    kind = "stripe"

    def batches(self) -> Iterator[Batch]:
        """One batch per object and canonical table; an object's notes and unreadable
        records travel with its first batch, notes about the directory with the first."""
        export = Export(self.name, self.path, self.settings.encoding)
        mapped = [name for name in MAPPINGS if name in export.frames]
        if not mapped:
            raise DataError(
                f"stripe source `{self.name}`: {self.path} holds no Stripe object revhub maps; "
                "expected files such as customers.json, subscriptions.json or a sync's "
                "customer.csv."
            )
        consulted = [raw for name, raw in export.raw.items() if name not in MAPPINGS]
        notes = [*export.notes, *(note for raw in consulted for note in raw.notes)]
        rejected = [record for raw in consulted for record in raw.rejected]
        tables = {
            name: [(table, mapping(export.frames[name])) for table, mapping in MAPPINGS[name]]
            for name in mapped
        }  # all mapped before any notes: mappings read fields of other objects too
        for name in mapped:
            frame = export.frames[name]
            notes.extend([*export.raw[name].notes, *frame.notes()])
            rejected.extend(export.raw[name].rejected)
            for table, rows in tables[name]:
                yield Batch(
                    table,
                    rows,
                    origin=frame.origin,
                    snapshot=True,
                    rejected=tuple(rejected),
                    notes=tuple(notes),
                )
                notes, rejected = [], []


__all__ = ["StripeSource"]

"""Which Stripe objects revhub reads, what their files are called, and one object's rows.

Stripe names objects in the singular (``customer``, ``invoice``); list endpoints and
their export files use the plural (``customers.json``), sync tools the singular
(``customer.csv``, ``customer_data.csv``). Invoice lines are ``line_item`` objects in
the API and ``invoice_line_item`` tables in a sync; revhub calls them the latter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from revhub.sources.base import Rejected

# Objects whose records revhub maps or consults, in the order their tables load.
OBJECTS = (
    "customer",
    "product",
    "price",
    "plan",
    "coupon",
    "discount",
    "subscription",
    "subscription_item",
    "invoice",
    "invoice_line_item",
    "charge",
    "refund",
    "credit_note",
)

# Other spellings of those objects: plural list endpoints, API object names, sync tables.
_ALIASES = {
    "line_item": "invoice_line_item",
    "invoice_lines": "invoice_line_item",
    "invoice_line_items": "invoice_line_item",
    "line_items": "invoice_line_item",
    "lines": "invoice_line_item",
    "subscription_discount": "discount",
    "subscription_discounts": "discount",
}

# A sync's history-mode table of subscriptions: it stands in for a missing subscription table.
HISTORY = "subscription_history"


def object_of(name: str) -> str | None:
    """The object a file or table called ``name`` holds, or None when revhub does not read it.

    >>> object_of("customers"), object_of("invoice_line_item"), object_of("lines")
    ('customer', 'invoice_line_item', 'invoice_line_item')
    >>> object_of("payouts") is None
    True
    """
    name = name.lower()
    if name == HISTORY:
        return HISTORY
    if name in _ALIASES:
        return _ALIASES[name]
    if name in OBJECTS:
        return name
    if name.endswith("s") and name[:-1] in OBJECTS:
        return name[:-1]
    return None


@dataclass
class RawObject:
    """One object's records as read from one or more files, before mapping.

    ``rows`` holds text columns named the way a sync tool names fields
    (``address_country``, ``customer_id``) plus ``_origin`` per row.
    """

    name: str
    rows: pa.Table
    files: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: RawObject) -> None:
        """Take in the records of another file of the same object (later records last)."""
        self.rows = pa.concat_tables([self.rows, other.rows], promote_options="permissive")
        self.files.extend(f for f in other.files if f not in self.files)
        self.rejected.extend(other.rejected)
        self.notes.extend(other.notes)

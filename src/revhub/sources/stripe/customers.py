"""Stripe customers: the company that pays (an account) and its billing contact.

A Stripe customer of a B2B business is a company: ``business_name`` (API 2025-09-30
and later) or ``name`` is the company, ``address`` its billing address. Its ``email``
and ``individual_name`` are those of the person who receives the invoices. So each
customer becomes:

- an ``accounts`` row keyed ``<source>:cus_…`` (name, country and city of the
  address, phone, first seen when the customer was created). A customer with no name
  at all takes its email as name, so the company and its invoices are not lost;
- a ``contacts`` row keyed ``<source>:cus_…:billing`` when the customer has an email
  or an individual name: the billing contact of that account. Stripe knows nothing
  of marketing consent, so ``has_opted_out`` is false.

Deleted customers (``"deleted": true``, ``is_deleted``) come with ``_deleted``.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import source_key
from revhub.sources.stripe import times
from revhub.sources.stripe.frame import SYNCED, Frame

BILLING = ":billing"  # contact_id = <source>:<customer id>:billing


def accounts(customers: Frame) -> pa.Table:
    """One ``accounts`` row per customer.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> accounts(frame_of("customer", [{"id": "cus_1", "name": "Acme Ltd",
    ...     "address_country": "gb"}])).select(["account_id", "name", "country"]).to_pylist()
    [{'account_id': 'stripe:cus_1', 'name': 'Acme Ltd', 'country': 'GB'}]
    """
    return customers.table(
        {
            "account_id": customers.key("id"),
            "name": pc.coalesce(
                customers.text("business_name", optional=True),
                customers.text("name"),
                customers.text("email"),
            ),
            "country": pc.utf8_upper(customers.text("address_country")),
            "city": customers.text("address_city"),
            "phone": customers.text("phone"),
            "first_seen_at": times.timestamps(customers.text("created")),
            **lineage(customers),
        }
    )


def contacts(customers: Frame) -> pa.Table:
    """The billing contact of each customer that has an email or an individual name.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = contacts(frame_of("customer", [{"id": "cus_1", "name": "Acme Ltd",
    ...     "individual_name": "Ann Marie Lee", "email": "ann@acme.co"}, {"id": "cus_2"}]))
    >>> rows.select(["contact_id", "first_name", "last_name"]).to_pylist()
    [{'contact_id': 'stripe:cus_1:billing', 'first_name': 'Ann', 'last_name': 'Marie Lee'}]
    """
    person = customers.text("individual_name", optional=True)
    email = customers.text("email")
    billed = customers.where(pc.or_(pc.is_valid(person), pc.is_valid(email)))
    person = billed.text("individual_name", optional=True)
    first, last = _split_name(person)
    ids = pc.binary_join_element_wise(billed.text("id"), BILLING, "")
    return billed.table(
        {
            "contact_id": source_key(billed.source, ids),
            "account_id": billed.key("id"),
            "first_name": first,
            "last_name": last,
            "email": billed.text("email"),
            "country": pc.utf8_upper(billed.text("address_country")),
            "has_opted_out": pa.array([False] * billed.num_rows, pa.bool_()),
            "source_id": ids,
            "created_at": times.timestamps(billed.text("created")),
            "updated_at": times.timestamps(billed.text(SYNCED, optional=True)),
        }
    )


def lineage(frame: Frame) -> dict[str, pa.Array]:
    """``source_id``, ``created_at`` and ``updated_at`` of records keyed by their ``id``.

    Stripe records carry ``created`` only (products also ``updated``); a sync says when
    it last wrote the row. Without either, ingestion takes ``created_at``.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> columns = lineage(frame_of("coupon", [{"id": "TEN", "created": "1704067200"}]))
    >>> columns["source_id"].to_pylist(), columns["created_at"].to_pylist()
    (['TEN'], ['2024-01-01 00:00:00'])
    """
    return {
        "source_id": frame.text("id"),
        "created_at": times.timestamps(frame.text("created")),
        "updated_at": times.timestamps(frame.text("updated", SYNCED, optional=True)),
    }


def _split_name(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """'Ann Marie Lee' -> ('Ann', 'Marie Lee'); a single word is a last name."""
    parts = pc.extract_regex(pc.utf8_trim_whitespace(names), r"^(?P<first>\S+)\s+(?P<last>.+)$")
    first = pc.struct_field(parts, "first")
    alone = pc.and_(pc.is_null(first), pc.is_valid(names))
    last = pc.if_else(alone, pc.utf8_trim_whitespace(names), pc.struct_field(parts, "last"))
    return first, last

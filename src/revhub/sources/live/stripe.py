"""Stripe pulls: new objects from the list endpoints, changed and deleted ones from events.

Every object is listed with ``limit=100`` and ``starting_after`` paging; subscriptions with
``status=all`` (their ``items`` come expanded by default). After the first pull a list asks
only for objects created after the newest ``created`` seen (``created[gt]``). Objects
change after creation (customers, subscriptions, invoices that get paid or voided,
refunded charges, voided credit notes), so each pull also reads ``/v1/events`` since the
last event seen, for the ``*.updated``/``*.deleted`` types in ``OBJECTS``, and adds each
event's ``data.object`` to its object's file: the newest version per id, and none for an
id the list already returned (the list holds the current version). A ``*.deleted`` event
of a customer, product, price, coupon or draft invoice gets ``"deleted": true`` if its
object lacks it; a deleted subscription is a canceled one and stays as sent. Stripe keeps
events for 30 days: pull at least that often, or changes in between are missed (a note
says so).

Files: ``<object>.pull-<NNNN>.json`` as ``{"object": "list", "data": [...]}`` with objects
as the API returned them for the pinned ``Stripe-Version``. Credential: STRIPE_API_KEY (a
secret or restricted key with read access), sent as a Bearer token.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from revhub.errors import ConfigError
from revhub.sources.live.files import Staging
from revhub.sources.live.http import Api
from revhub.sources.live.report import ObjectPull, Pulled

BASE_URL = "https://api.stripe.com"
VERSION = "2024-06-20"  # the Stripe-Version every request pins: the shape of the files
EVENTS_KEPT = 30 * 24 * 3600  # seconds Stripe keeps events
OBJECTS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    # file stem: (list path, extra list parameters, event types that change its objects)
    "customers": ("/v1/customers", {}, ("customer.updated", "customer.deleted")),
    "products": ("/v1/products", {}, ("product.updated", "product.deleted")),
    "prices": ("/v1/prices", {}, ("price.updated", "price.deleted")),
    "subscriptions": (
        "/v1/subscriptions",
        {"status": "all"},
        ("customer.subscription.updated", "customer.subscription.deleted"),
    ),
    "invoices": ("/v1/invoices", {}, ("invoice.updated", "invoice.deleted")),
    "charges": ("/v1/charges", {}, ("charge.updated", "charge.captured", "charge.refunded")),
    "refunds": ("/v1/refunds", {}, ("charge.refund.updated",)),
    "credit_notes": ("/v1/credit_notes", {}, ("credit_note.updated", "credit_note.voided")),
    "coupons": ("/v1/coupons", {}, ("coupon.updated", "coupon.deleted")),
}
STEMS = {
    "customer": "customers",
    "product": "products",
    "price": "prices",
    "subscription": "subscriptions",
    "invoice": "invoices",
    "charge": "charges",
    "refund": "refunds",
    "credit_note": "credit_notes",
    "coupon": "coupons",
}
DELETABLE = frozenset({"customer", "product", "price", "coupon", "invoice"})


def connect(base_url: str | None, env: Mapping[str, str], backoff: float) -> Api:
    """The Stripe API (``base_url`` or api.stripe.com) with STRIPE_API_KEY, version pinned.

    >>> connect(None, {}, 1.0)
    Traceback (most recent call last):
    ...
    revhub.errors.ConfigError: STRIPE_API_KEY is not set; export it to pull from Stripe.
    """
    key = env.get("STRIPE_API_KEY")
    if not key:
        raise ConfigError("STRIPE_API_KEY is not set; export it to pull from Stripe.")
    return Api(
        "Stripe",
        base_url or BASE_URL,
        token=key,
        backoff=backoff,
        headers={"Stripe-Version": VERSION},
        credential=_credential,
    )


def pull(api: Api, staging: Staging, cursors: Mapping[str, Any]) -> Pulled:
    """Pull the events since the last pull, then every object created since its cursor."""
    pulled = Pulled()
    changed, events = _changes(api, cursors.get("events"), pulled)
    for stem, (path, extra, _) in OBJECTS.items():
        since = cursors.get(stem)
        query: dict[str, Any] = {"limit": 100, **extra}
        if since is not None:
            query["created[gt]"] = since
        file = staging.json_list(stem, "data", {"object": "list"})
        listed, pages, newest = set(), 0, since
        for page in api.pages(path, params=query, paginator=paging(), records="data"):
            pages += 1
            for item in page:
                file.write(item)
                listed.add(item["id"])
                newest = max(newest or 0, item["created"])
        for item_id, item in changed.get(stem, {}).items():
            if item_id not in listed:
                file.write(item)
        pulled.objects.append(ObjectPull(stem, file.count, pages, file.written, newest))
        if newest is not None:
            pulled.cursors[stem] = newest
    pulled.objects.append(events)
    pulled.cursors["events"] = events.cursor
    return pulled


def paging() -> JSONResponseCursorPaginator:
    """Stripe list paging: ``starting_after`` the last object's id while ``has_more``.

    >>> paging().cursor_param
    'starting_after'
    """
    return JSONResponseCursorPaginator(
        cursor_path="data[-1].id", cursor_param="starting_after", has_more_path="has_more"
    )


def _changes(
    api: Api, since: int | None, pulled: Pulled
) -> tuple[dict[str, dict[str, Any]], ObjectPull]:
    """Per file stem, id -> newest changed object; and the events' ObjectPull (its cursor)."""
    if since is None:  # first pull: the lists hold everything; start events from the newest
        newest = api.get("/v1/events", {"limit": 1})["data"]
        return {}, ObjectPull("events", 0, 1, None, newest[0]["created"] if newest else 0)
    if time.time() - since > EVENTS_KEPT:
        pulled.notes.append(
            "events: the last pull was more than 30 days ago and Stripe keeps events for 30 "
            "days, so some updates and deletions may be missing; delete "
            ".revhub-pull-state.json to pull everything again."
        )
    types = [kind for _, _, kinds in OBJECTS.values() for kind in kinds]
    query = {"types[]": types, "created[gt]": since, "limit": 100}
    changed: dict[str, dict[str, Any]] = {}
    count, pages, newest = 0, 0, since
    for page in api.pages("/v1/events", params=query, paginator=paging(), records="data"):
        pages += 1
        for event in page:  # newest first
            count += 1
            newest = max(newest, event["created"])
            item = event["data"]["object"]
            stem = STEMS.get(item.get("object", ""))
            if stem is None:
                continue
            if event["type"].endswith(".deleted") and item["object"] in DELETABLE:
                item = {**item, "deleted": item.get("deleted", True)}
            changed.setdefault(stem, {}).setdefault(item["id"], item)
    return changed, ObjectPull("events", count, pages, None, newest)


def _credential(path: str, message: str) -> str:
    return (
        "the key in STRIPE_API_KEY is invalid or revoked, or a restricted key without read "
        "access to this resource; export a secret key or a restricted key with read access"
    )

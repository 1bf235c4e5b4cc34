"""What every HubSpot touchpoint needs, whichever activity it comes from: the person
(and their account) it touched, its channel, and the UTM parameters of its page.

A person is found by HubSpot contact id where the activity has one, else by email
(email events only have the recipient's address). A known person is a lead or a
contact as ``people`` decides and brings their company as the account; an id HubSpot
gave that is not among the contact records read is kept as a contact id.

>>> urls = pa.array(["https://x.io/p?utm_source=google&utm_campaign=q1%20launch", None])
>>> utm(urls)["utm_campaign"].to_pylist()
['q1 launch', None]
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

import pyarrow as pa
import pyarrow.compute as pc

from revhub.model.vocabulary import CHANNELS
from revhub.sources.base import DELETED, ORIGIN, Batch, source_key
from revhub.sources.hubspot.people import People
from revhub.sources.hubspot.records import Loaded
from revhub.sources.hubspot.times import iso

UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


def utm(urls: pa.Array) -> dict[str, pa.Array]:
    """The five UTM parameters of each URL (null where absent)."""
    found: dict[str, list[str | None]] = {name: [] for name in UTM}
    for url in urls.to_pylist():
        query = parse_qs(urlsplit(url).query) if url else {}
        for name in UTM:
            found[name].append(query[name][0] if name in query else None)
    return {name: pa.array(values, pa.string()) for name, values in found.items()}


def persons(
    source: str, people: People, contact_ids: pa.Array, emails: pa.Array
) -> dict[str, pa.Array]:
    """lead_id, contact_id and account_id of each activity (see the module docstring)."""
    lead, contact, account = [], [], []
    for native, email in zip(contact_ids.to_pylist(), emails.to_pylist(), strict=True):
        if native is None and email:
            native = people.by_email.get(email.strip().lower())
        table = people.table.get(native or "")
        lead.append(native if table == "leads" else None)
        contact.append(native if table != "leads" else None)
        account.append(people.company.get(native or ""))
    return {
        "lead_id": source_key(source, pa.array(lead, pa.string())),
        "contact_id": source_key(source, pa.array(contact, pa.string())),
        "account_id": source_key(source, pa.array(account, pa.string())),
    }


def person_channels(people: People, contact_ids: pa.Array, emails: pa.Array) -> pa.Array:
    """Each activity's person's channel where it is a canonical one, else null."""
    result = []
    for native, email in zip(contact_ids.to_pylist(), emails.to_pylist(), strict=True):
        if native is None and email:
            native = people.by_email.get(email.strip().lower())
        channel = people.channel.get(native or "")
        result.append(channel if channel in CHANNELS else None)
    return pa.array(result, pa.string())


def lookup(values: pa.Array, table: Mapping[str, str]) -> pa.Array:
    """``table[value]`` for each value (null where absent).

    >>> lookup(pa.array(["f1", "f2", None]), {"f1": "c1"}).to_pylist()
    ['c1', None, None]
    """
    return pa.array(
        [table.get(v) if v is not None else None for v in values.to_pylist()], pa.string()
    )


def touchpoint_batch(
    source: str,
    loaded: Loaded,
    keep: pa.Array,
    columns: dict[str, pa.Array],
    notes: tuple[str, ...] = (),
) -> Batch:
    """A touchpoints batch of the ``keep`` rows of ``loaded``; ``columns`` must hold
    touchpoint_type, occurred_at (text) and channel; lineage comes from ``occurred_at``."""
    occurred = iso(columns["occurred_at"])
    rows = {
        "touchpoint_id": source_key(source, loaded.column("id")),
        **columns,
        "occurred_at": occurred,
        "source_id": loaded.column("id"),
        "created_at": occurred,
        "updated_at": occurred,
        ORIGIN: loaded.column(ORIGIN),
        DELETED: loaded.deleted,
    }
    return Batch(
        "touchpoints",
        pa.table(rows).filter(keep),
        loaded.origin,
        loaded.snapshot,
        tuple(loaded.rejected),
        (*loaded.notes, *notes),
    )


def skipped(origin: str, kinds: pa.Array, keep: pa.Array, what: str) -> tuple[str, ...]:
    """One note counting the rows not kept, by kind.

    >>> skipped("e.json", pa.array(["OPEN", "BOUNCE"]), pa.array([True, False]), "events")
    ('e.json: 1 events are not touchpoints and were skipped (BOUNCE 1)',)
    """
    dropped = kinds.filter(pc.invert(keep))
    if len(dropped) == 0:
        return ()
    counts = pc.value_counts(dropped.fill_null("(none)")).to_pylist()
    listing = ", ".join(f"{c['values']} {c['counts']}" for c in sorted(counts, key=str))
    return (f"{origin}: {len(dropped)} {what} are not touchpoints and were skipped ({listing})",)

"""HubSpot contacts (people) into canonical ``leads`` or ``contacts``, never both.

HubSpot keeps every person as a "contact"; how far they got is their lifecycle stage.
The rule: **a person associated with a company is a contact of that account; a person
without one is a lead.** The latest version of a record decides (a lead that gains a
company in a later pull moves to contacts, every version with it), so each person
lands in exactly one table. The primary company association comes from
``associations.companies`` (API), "Associated Company IDs" (export) or
``property_associatedcompanyid`` (sync).

Channel: the original source (``hs_analytics_source``) in canonical terms; "Other
campaigns" takes the channel of the first-touch converting campaign. Lead status:
``hs_lead_status`` in canonical terms, "new" when the portal never set one.

>>> import pyarrow as pa
>>> from revhub.sources.hubspot.fields import CONTACTS
>>> from revhub.sources.hubspot.records import combine, assemble
>>> part = assemble(CONTACTS, "contacts.json", {"id": ["1", "2"], "company_ids": [None, "9"]},
...                 ["contacts.json:results[0]", "contacts.json:results[1]"])
>>> people = index_people(combine(CONTACTS, ["contacts.json"], [part], True), {})
>>> people.table, people.company
({'1': 'leads', '2': 'contacts'}, {'1': None, '2': '9'})
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import DELETED, ORIGIN, Batch, source_key
from revhub.sources.hubspot import vocabulary as vocab
from revhub.sources.hubspot.records import Loaded, first_id
from revhub.sources.hubspot.times import iso, moments


@dataclass(frozen=True)
class People:
    """Per HubSpot contact id (latest version): its table, company and channel; and the
    contact id of each email address (the first created, like HubSpot's dedupe)."""

    table: dict[str, str]
    company: dict[str, str | None]
    channel: dict[str, str | None]
    by_email: dict[str, str]


def channels(contacts: Loaded, campaign_channels: Mapping[str, str]) -> pa.Array:
    """Each record's canonical channel (see the module docstring).

    >>> from revhub.sources.hubspot.fields import CONTACTS
    >>> from revhub.sources.hubspot.records import assemble, combine
    >>> part = assemble(CONTACTS, "c.json", {"id": ["1", "2"],
    ...     "hs_analytics_source": ["PAID_SOCIAL", "OTHER_CAMPAIGNS"],
    ...     "hs_analytics_first_touch_converting_campaign": [None, "c9"]}, ["r0", "r1"])
    >>> channels(combine(CONTACTS, [], [part], True), {"c9": "webinar"}).to_pylist()
    ['paid_social', 'webinar']
    """
    raw = contacts.column("hs_analytics_source")
    channel = vocab.translate(raw, vocab.SOURCE_CHANNELS)
    campaign = contacts.column("hs_analytics_first_touch_converting_campaign").to_pylist()
    via_campaign = pa.array([campaign_channels.get(c or "") for c in campaign], pa.string())
    other = pc.fill_null(pc.match_substring_regex(raw, "(?i)^other[ _]?campaigns$"), False)
    use_campaign = pc.and_(other, pc.is_valid(via_campaign))
    return pc.if_else(use_campaign, via_campaign, channel)


def index_people(contacts: Loaded, campaign_channels: Mapping[str, str]) -> People:
    """Who is who, from the latest version of each contact record."""
    latest = contacts.latest
    current = pa.table(
        {
            "id": contacts.column("id"),
            "company": first_id(contacts.column("company_ids")),
            "channel": channels(contacts, campaign_channels),
            "email": pc.utf8_lower(pc.utf8_trim_whitespace(contacts.column("email"))),
            "created": moments(contacts.column("createdate")),
        }
    ).filter(latest)
    ids = current["id"].to_pylist()
    company = dict(zip(ids, current["company"].to_pylist(), strict=True))
    channel = dict(zip(ids, current["channel"].to_pylist(), strict=True))
    by_email: dict[str, str] = {}
    newest_first = current.sort_by([("created", "descending", "at_start"), ("id", "descending")])
    emails = zip(newest_first["email"].to_pylist(), newest_first["id"].to_pylist(), strict=True)
    for email, native in emails:
        if email:
            by_email[email] = native
    table = {native: "contacts" if c else "leads" for native, c in company.items()}
    return People(table, company, channel, by_email)


def person_batches(
    source: str, contacts: Loaded, people: People, campaign_channels: Mapping[str, str]
) -> Iterator[Batch]:
    """The leads batch and the contacts batch of the contact records."""
    rows = contacts.rows
    ids = contacts.column("id")
    common = {
        "first_name": contacts.column("firstname"),
        "last_name": contacts.column("lastname"),
        "email": contacts.column("email"),
        "phone": contacts.column("phone"),
        "title": contacts.column("jobtitle"),
        "country": contacts.column("country"),
        "owner_id": source_key(source, contacts.column("hubspot_owner_id")),
        "lifecycle_stage": vocab.translate(
            contacts.column("lifecyclestage"), vocab.LIFECYCLE_STAGES
        ),
        "source_id": ids,
        "created_at": iso(contacts.column("createdate")),
        "updated_at": iso(contacts.column("lastmodified")),
        ORIGIN: rows.column(ORIGIN),
        DELETED: contacts.deleted,
    }
    given = vocab.translate(contacts.column("hs_lead_status"), vocab.LEAD_STATUSES)
    status = pc.fill_null(given, "new")
    leads = {
        "lead_id": source_key(source, ids),
        **common,
        "company": contacts.column("company"),
        "channel": channels(contacts, campaign_channels),
        "campaign_id": source_key(
            source, contacts.column("hs_analytics_first_touch_converting_campaign")
        ),
        "status": status,
        "score": contacts.column("hubspotscore"),
        "is_converted": pc.equal(status, "converted"),
    }
    people_rows = {
        "contact_id": source_key(source, ids),
        "account_id": source_key(source, first_id(contacts.column("company_ids"))),
        **common,
        "has_opted_out": vocab.translate(contacts.column("hs_email_optout"), vocab.BOOLEANS),
    }
    is_lead = pa.array([people.table.get(i) == "leads" for i in ids.to_pylist()], pa.bool_())
    notes = tuple(contacts.notes)
    unset = pc.sum(pc.cast(pc.and_(is_lead, pc.is_null(given)), pa.int64())).as_py()
    if unset:
        notes += (f"{contacts.origin}: {unset} lead(s) without a lead status, taken as new",)
    rejected = tuple(contacts.rejected)
    yield Batch(
        "leads",
        pa.table(leads).filter(is_lead),
        contacts.origin,
        contacts.snapshot,
        rejected,
        notes,
    )
    yield Batch(
        "contacts",
        pa.table(people_rows).filter(pc.invert(is_lead)),
        contacts.origin,
        contacts.snapshot,
    )

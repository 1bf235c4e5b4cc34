"""HubSpot email events and sales engagements as ``touchpoints``.

* **Email events** (email events API, synced ``email_event``): SENT, OPEN and CLICK
  become email_send, email_open and email_click in the email channel; the other types
  (DELIVERED, BOUNCE, ...) and events HubSpot filtered out (bots) are skipped with a
  note. The recipient's address finds the person; the marketing email that sent it
  (``marketing_emails.json``: ``allEmailCampaignIds`` -> ``campaign``) gives the
  campaign. A click's URL is the page, with its UTM parameters.
* **Engagements** (engagements API v1, synced ``engagement`` + detail and association
  tables): CALL, MEETING and EMAIL/INCOMING_EMAIL become call, meeting and sales_email
  by the engagement's owner (the user); NOTE and TASK are skipped. Their channel is the
  person's first-touch channel, ``outbound`` when unknown.

>>> from revhub.sources.hubspot.activities import MARKETING_EMAILS
>>> from revhub.sources.hubspot.records import assemble, combine
>>> part = assemble(MARKETING_EMAILS, "marketing_emails.json",
...     {"id": ["e1"], "campaign_id": ["c1"], "email_campaign_ids": ["11;12"]}, ["m[0]"])
>>> email_campaigns(combine(MARKETING_EMAILS, [], [part], True))
{'11': 'c1', '12': 'c1'}
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import Batch, source_key
from revhub.sources.hubspot import vocabulary as vocab
from revhub.sources.hubspot.people import People
from revhub.sources.hubspot.records import Loaded, first_id
from revhub.sources.hubspot.touchpoints import (
    lookup,
    person_channels,
    persons,
    skipped,
    touchpoint_batch,
    utm,
)


def email_campaigns(marketing_emails: Loaded) -> dict[str, str]:
    """Email campaign id (as email events name it) -> campaign id."""
    result: dict[str, str] = {}
    rows = zip(
        marketing_emails.column("email_campaign_ids").to_pylist(),
        marketing_emails.column("campaign_id").to_pylist(),
        strict=True,
    )
    for sends, campaign in rows:
        for send in (sends or "").split(";"):
            if send and campaign:
                result[send] = campaign
    return result


def email_event_batch(
    source: str, events: Loaded, people: People, campaigns: Mapping[str, str]
) -> Batch:
    """Email events as touchpoints."""
    kinds = events.column("type")
    touch = vocab.known(kinds, vocab.EMAIL_EVENTS)
    filtered = pc.fill_null(pc.equal(pc.utf8_lower(events.column("filtered_event")), "true"), False)
    keep = pc.and_(pc.is_valid(touch), pc.invert(filtered))
    emails = events.column("recipient")
    nobody = pa.nulls(len(emails), pa.string())
    url = events.column("url")
    campaign = lookup(events.column("email_campaign_id"), campaigns)
    columns = {
        "touchpoint_type": touch,
        "occurred_at": events.column("created"),
        "channel": pa.array(["email"] * len(emails), pa.string()),
        "campaign_id": source_key(source, campaign),
        **persons(source, people, nobody, emails),
        "page_url": url,
        **utm(url),
    }
    kind = pc.if_else(filtered, pa.scalar("filtered"), kinds)
    notes = skipped(events.origin, kind, keep, "email events")
    return touchpoint_batch(source, events, keep, columns, notes)


def engagement_batch(source: str, engagements: Loaded, people: People) -> Batch:
    """Calls, meetings and sales emails as touchpoints."""
    kinds = engagements.column("type")
    touch = vocab.known(kinds, vocab.ENGAGEMENTS)
    keep = pc.is_valid(touch)
    contact = first_id(engagements.column("contact_ids"))
    nobody = pa.nulls(len(contact), pa.string())
    found = persons(source, people, contact, nobody)
    company = source_key(source, first_id(engagements.column("company_ids")))
    channel = pc.fill_null(person_channels(people, contact, nobody), "outbound")
    columns = {
        "touchpoint_type": touch,
        "occurred_at": engagements.column("timestamp"),
        "channel": channel,
        **found,
        "account_id": pc.coalesce(company, found["account_id"]),
        "user_id": source_key(source, engagements.column("owner_id")),
    }
    notes = skipped(engagements.origin, kinds, keep, "engagements")
    return touchpoint_batch(source, engagements, keep, columns, notes)

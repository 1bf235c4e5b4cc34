"""HubSpot form submissions and marketing-event attendance as ``touchpoints``.

* **Form submissions** (``form_submissions.json``: ``conversionId``, ``formId``,
  ``contactId``, ``submittedAt``, ``pageUrl``, ``values``; synced
  ``contact_form_submission``): a form_fill, or a content_download when the form's name
  says "download" (HubSpot has no kind of form for gated content). The form's campaign
  (``forms.json`` ``campaignGuid``) gives the campaign and its channel; without one, the
  person's first-touch channel, else ``direct``. The page's UTM parameters are kept.
* **Marketing events** (``marketing_events.json`` and the participations breakdown
  ``marketing_event_participations.json``): each ATTENDED participation is a
  webinar_attended (event type WEBINAR) or event_attended, in the webinar or events
  channel unless the event's campaign says otherwise. Registrations and cancellations
  are skipped with a note.

>>> form_kinds(pa.array(["Download: pricing guide", "Contact us", None])).to_pylist()
['content_download', 'form_fill', 'form_fill']
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import Batch, source_key
from revhub.sources.hubspot import vocabulary as vocab
from revhub.sources.hubspot.people import People
from revhub.sources.hubspot.records import Loaded
from revhub.sources.hubspot.touchpoints import (
    lookup,
    person_channels,
    persons,
    skipped,
    touchpoint_batch,
    utm,
)


def form_kinds(names: pa.Array) -> pa.Array:
    """content_download for forms named like a download, else form_fill."""
    download = pc.fill_null(pc.match_substring(pc.utf8_lower(names), "download"), False)
    return pc.if_else(download, pa.scalar("content_download"), pa.scalar("form_fill"))


def _by_id(loaded: Loaded, column: str) -> dict[str, str]:
    pairs = zip(loaded.column("id").to_pylist(), loaded.column(column).to_pylist(), strict=True)
    return {k: v for k, v in pairs if k is not None and v is not None}


def submission_batch(
    source: str,
    submissions: Loaded,
    forms: Loaded,
    people: People,
    campaign_channels: Mapping[str, str],
) -> Batch:
    """Form submissions as touchpoints."""
    form = submissions.column("form_id")
    campaign = lookup(form, _by_id(forms, "campaign_id"))
    contact, email = submissions.column("contact_id"), submissions.column("email")
    channel = pc.coalesce(
        lookup(campaign, campaign_channels), person_channels(people, contact, email)
    )
    notes: tuple[str, ...] = ()
    if pc.any(pc.is_null(channel)).as_py():
        count = pc.sum(pc.cast(pc.is_null(channel), pa.int64())).as_py()
        notes = (
            f"{submissions.origin}: {count} submission(s) with neither a campaign nor a known "
            "person's channel: taken as direct",
        )
        channel = pc.fill_null(channel, "direct")
    url = submissions.column("page_url")
    columns = {
        "touchpoint_type": form_kinds(lookup(form, _by_id(forms, "name"))),
        "occurred_at": submissions.column("submitted_at"),
        "channel": channel,
        "campaign_id": source_key(source, campaign),
        **persons(source, people, contact, email),
        "page_url": url,
        **utm(url),
    }
    keep = pa.array([True] * submissions.rows.num_rows, pa.bool_())
    return touchpoint_batch(source, submissions, keep, columns, notes)


def attendance_batch(
    source: str,
    participations: Loaded,
    events: Loaded,
    people: People,
    campaign_channels: Mapping[str, str],
) -> Batch:
    """Attended marketing events as touchpoints."""
    event = participations.column("event_id")
    webinar = pc.equal(
        pc.utf8_lower(lookup(event, _by_id(events, "event_type"))), pa.scalar("webinar")
    )
    webinar = pc.fill_null(webinar, False)
    campaign = lookup(event, _by_id(events, "campaign_id"))
    state = participations.column("state")
    keep = pc.fill_null(pc.equal(vocab.known(state, {"attended": "attended"}), "attended"), False)
    contact, email = participations.column("contact_id"), participations.column("email")
    columns = {
        "touchpoint_type": pc.if_else(
            webinar, pa.scalar("webinar_attended"), pa.scalar("event_attended")
        ),
        "occurred_at": participations.column("occurred_at"),
        "channel": pc.coalesce(
            lookup(campaign, campaign_channels),
            pc.if_else(webinar, pa.scalar("webinar"), pa.scalar("events")),
        ),
        "campaign_id": source_key(source, campaign),
        **persons(source, people, contact, email),
    }
    notes = skipped(participations.origin, state, keep, "participations")
    return touchpoint_batch(source, participations, keep, columns, notes)

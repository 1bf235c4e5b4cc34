"""The HubSpot connector: a portal's CRM and marketing records into the canonical model.

A HubSpot source is a directory holding any mix of API JSON (CRM v3 lists and the
email events, engagements, forms and marketing events APIs), CSV exports from the
HubSpot UI, and warehouse-synced tables (Fivetran's schema); ``portal`` says which file
is what and ``fields``/``activities`` hold the one mapping per object with the spelling
of each shape.

=====================================  ============================================
HubSpot                                canonical table
=====================================  ============================================
companies                              accounts (+ lifecycle_events of accounts)
contacts with a company association    contacts (+ lifecycle_events)
contacts without one                   leads (+ lifecycle_events)
owners                                 none: owner references by email
deals (stages via pipelines)           opportunities
campaigns                              campaigns
email events, engagements, form        touchpoints
submissions, event attendance
=====================================  ============================================

Owners are read but not loaded as ``users``: HubSpot holds no role, team or hire date
for them; owner references name the owner by email so that ingestion can key them to
the company's users (see ``owners``).

Keys are ``<source name>:<HubSpot id>``. Archived records (``archived: true``,
``_fivetran_deleted``, ``is_deleted``) are handed over flagged ``_deleted``.

>>> import tempfile, pathlib
>>> from revhub.config import SourceSettings
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "companies.json").write_text(
...     '{"results": [{"id": "9", "properties": {"name": "Acme", "lifecyclestage": "lead"},'
...     ' "createdAt": "2024-01-02T03:04:05Z", "updatedAt": "2024-01-02T03:04:05Z"}]}')
>>> source = HubSpotSource("hs", SourceSettings(kind="hubspot", path=str(folder)), folder)
>>> batch = next(source.batches())
>>> batch.table, batch.rows.select(["account_id", "name", "lifecycle_stage"]).to_pylist()
('accounts', [{'account_id': 'hs:9', 'name': 'Acme', 'lifecycle_stage': 'lead'}])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from revhub.errors import DataError
from revhub.sources.base import Batch, Source
from revhub.sources.hubspot import activities as act
from revhub.sources.hubspot.deals import opportunity_batch, pipeline_stages
from revhub.sources.hubspot.engagements import (
    email_campaigns,
    email_event_batch,
    engagement_batch,
)
from revhub.sources.hubspot.fields import (
    CAMPAIGNS,
    COMPANIES,
    CONTACTS,
    DEALS,
    OWNERS,
    PIPELINE_STAGES,
)
from revhub.sources.hubspot.forms import attendance_batch, submission_batch
from revhub.sources.hubspot.lifecycle import lifecycle_batch
from revhub.sources.hubspot.objects import (
    account_batch,
    campaign_batch,
    campaign_channels,
)
from revhub.sources.hubspot.owners import owner_emails, owner_note, with_owner_emails
from revhub.sources.hubspot.people import index_people, person_batches
from revhub.sources.hubspot.portal import Portal, read_portal

__all__ = ["HubSpotSource"]


class HubSpotSource(Source):
    """A HubSpot portal as API JSON, UI exports or warehouse-synced tables."""

    kind = "hubspot"

    def batches(self) -> Iterator[Batch]:
        """Every canonical batch the directory holds (see the module docstring)."""
        portal = read_portal(self.path, self.settings.encoding)
        if not portal.objects:
            raise DataError(
                f"{self.path}: no HubSpot files found (companies.json, contacts.csv exports, "
                "contact_data.csv, ...); point the source's `path` at the exported portal."
            )
        emails = owner_emails(portal.get(OWNERS), self.name)
        owners = owner_note(portal.get(OWNERS), emails)
        notes = (*portal.notes, *([owners] if owners else []))
        for batch in self._batches(portal):
            batch = with_owner_emails(batch, emails)
            yield dataclasses.replace(batch, notes=(*notes, *batch.notes))
            notes = ()

    def _batches(self, portal: Portal) -> Iterator[Batch]:
        name, has = self.name, portal.objects.__contains__
        channels = campaign_channels(portal.get(CAMPAIGNS))
        people = index_people(portal.get(CONTACTS), channels)
        if has(COMPANIES.name):
            yield account_batch(name, portal.get(COMPANIES))
            yield lifecycle_batch(name, portal.get(COMPANIES), "company", None)
        if has(CONTACTS.name):
            yield from person_batches(name, portal.get(CONTACTS), people, channels)
            yield lifecycle_batch(name, portal.get(CONTACTS), "contact", people)
        if has(CAMPAIGNS.name):
            yield campaign_batch(name, portal.get(CAMPAIGNS), portal.currency)
        if has(DEALS.name):
            stages = pipeline_stages(portal.get(PIPELINE_STAGES))
            yield opportunity_batch(name, portal.get(DEALS), stages, people, portal.currency)
        if has(act.EMAIL_EVENTS.name):
            sends = email_campaigns(portal.get(act.MARKETING_EMAILS))
            yield email_event_batch(name, portal.get(act.EMAIL_EVENTS), people, sends)
        if has(act.ENGAGEMENTS.name):
            yield engagement_batch(name, portal.get(act.ENGAGEMENTS), people)
        if has(act.FORM_SUBMISSIONS.name):
            submissions, forms = portal.get(act.FORM_SUBMISSIONS), portal.get(act.FORMS)
            yield submission_batch(name, submissions, forms, people, channels)
        if has(act.PARTICIPATIONS.name):
            attended, events = portal.get(act.PARTICIPATIONS), portal.get(act.MARKETING_EVENTS)
            yield attendance_batch(name, attended, events, people, channels)

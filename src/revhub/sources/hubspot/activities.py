"""Where HubSpot keeps marketing and sales activity: email events, engagements, forms and
marketing events, in API JSON and (where the sync has them) warehouse-sync tables.

Same idea as ``fields``: one ``Field`` per value with its spelling in each shape.
API shapes: the email events API (``{"events": [...]}``), marketing emails v3
(``allEmailCampaignIds``, ``campaign``), engagements v1 (``engagement``,
``associations``, ``metadata``), forms v2 (``guid``, ``campaignGuid``), form
submissions (``conversionId``, ``submittedAt``, ``values``), marketing events v3 and
their participation breakdown (``attendanceState``).

>>> EMAIL_EVENTS.field("email_campaign_id").synced
('email_campaign_id',)
"""

from __future__ import annotations

from revhub.sources.hubspot.fields import Field, HubSpotObject


def same(name: str, api: str) -> Field:
    """A field whose synced column is its snake_case name and API key ``api``.

    >>> field = same("email_campaign_id", "emailCampaignId")
    >>> field.api, field.synced
    (('emailCampaignId',), ('email_campaign_id',))
    """
    return Field(name, (api,), (), (name,))


EMAIL_EVENTS = HubSpotObject(
    "email_events",
    same("id", "id"),
    (
        same("type", "type"),
        same("created", "created"),
        same("recipient", "recipient"),
        same("email_campaign_id", "emailCampaignId"),
        Field("filtered_event", ("filteredEvent",), (), ("filtered_event",)),
        Field("url", ("url",)),
    ),
    pointer="events",
    synced_table="email_event",
)

MARKETING_EMAILS = HubSpotObject(
    "marketing_emails",
    Field("id", ("id",)),
    (
        Field("name", ("name",)),
        Field("campaign_id", ("campaign",)),
        Field("email_campaign_ids", ("allEmailCampaignIds", "primaryEmailCampaignId")),
    ),
)

ENGAGEMENTS = HubSpotObject(
    "engagements",
    Field("id", ("engagement.id",), (), ("id",)),
    (
        Field("archived", ("engagement.archived",), (), ("_fivetran_deleted",)),
        Field("type", ("engagement.type",), (), ("type",)),
        Field(
            "timestamp",
            ("engagement.timestamp", "metadata.startTime"),
            (),
            ("property_hs_timestamp", "start_time", "property_hs_createdate"),
        ),
        Field("createdate", ("engagement.createdAt",), (), ("property_hs_createdate",)),
        Field("lastmodified", ("engagement.lastUpdated",), (), ("property_hs_lastmodifieddate",)),
        Field("owner_id", ("engagement.ownerId",), (), ("property_hubspot_owner_id",)),
        Field("contact_ids", ("associations.contactIds",), (), ("contact_ids",)),
        Field("company_ids", ("associations.companyIds",), (), ("company_ids",)),
    ),
    synced_table="engagement",
)

FORMS = HubSpotObject(
    "forms",
    Field("id", ("guid", "id"), (), ("guid",)),
    (
        Field("name", ("name",), (), ("name",)),
        Field("campaign_id", ("campaignGuid",)),
    ),
    synced_table="form",
)

FORM_SUBMISSIONS = HubSpotObject(
    "form_submissions",
    Field("id", ("conversionId", "id"), (), ("conversion_id",)),
    (
        Field("form_id", ("formId",), (), ("form_id",)),
        Field("contact_id", ("contactId",), (), ("contact_id",)),
        Field("submitted_at", ("submittedAt",), (), ("timestamp",)),
        Field("page_url", ("pageUrl",), (), ("page_url",)),
        Field("email", ("values.email",)),
    ),
    synced_table="contact_form_submission",
)

MARKETING_EVENTS = HubSpotObject(
    "marketing_events",
    Field("id", ("objectId", "id")),
    (
        Field("name", ("eventName",)),
        Field("event_type", ("eventType",)),
        Field("campaign_id", ("campaignGuid",)),
    ),
)

PARTICIPATIONS = HubSpotObject(
    "marketing_event_participations",
    Field("id", ("id",)),
    (
        Field("event_id", ("associations.marketingEvent.marketingEventId",)),
        Field("contact_id", ("associations.contact.contactId",)),
        Field("email", ("associations.contact.email",)),
        Field("state", ("properties.attendanceState",)),
        Field("occurred_at", ("properties.occurredAt", "createdAt")),
    ),
)

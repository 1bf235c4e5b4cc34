"""Campaign, CampaignMember, Task, Event and field history: campaigns and touches.

Completed Tasks and Events are sales touchpoints (an open task is a to-do, not a touch):
TaskSubtype or Type "Call" is a call, "Email" (and ListEmail) a sales email, "Meeting" —
and any Event of another type — a meeting.
The person is the WhoId (a lead ``00Q…`` or a contact ``003…``), the campaign a WhatId
``701…``. Activities carry no marketing channel in a standard org: the custom
``Channel__c`` is read when present, otherwise the touch counts as ``outbound``.
A CampaignMember who responded is a touchpoint of the kind its campaign's type implies
(webinar -> webinar_attended, event -> event_attended, ...); members who did not
respond are not touches. A campaign's channel is ``Channel__c``, else follows its type.
Field history rows (AccountHistory, ContactHistory, LeadHistory) of the custom field
``Lifecycle_Stage__c`` are lifecycle events; changes of other fields are not mapped.

>>> sorted(TASKS.fields) == sorted(EVENTS.fields)
True
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.salesforce import picklists as p
from revhub.sources.salesforce import values
from revhub.sources.salesforce.fields import (
    Field,
    TableMap,
    const,
    currency,
    current_rows,
    derived,
    key,
    lineage,
    pick,
    related_value,
    text,
)
from revhub.sources.salesforce.frame import Frame

LIFECYCLE_FIELD = "Lifecycle_Stage__c"


def channel_of(labels: pa.Array, campaign_types: pa.Array) -> pa.Array:
    """Channel__c labels as channels; where empty, the channel the campaign type implies.

    >>> channel_of(pa.array([None, "Paid Social"]), pa.array(["webinar", "event"])).to_pylist()
    ['webinar', 'paid_social']
    """
    by_type = values.lookup(
        campaign_types,
        pa.array(list(p.CHANNEL_OF_CAMPAIGN_TYPE)),
        pa.array(list(p.CHANNEL_OF_CAMPAIGN_TYPE.values())),
    )
    return pc.coalesce(values.picklist(labels, p.CHANNEL), by_type)


def _activity_channel(frame: Frame) -> pa.Array:
    return pc.fill_null(values.picklist(frame.column("Channel__c"), p.CHANNEL), "outbound")


def _who(prefix: str) -> Field:
    """WhoId when it names a record of the object with this key prefix."""
    return Field(
        ("WhoId",),
        lambda ids, frame: frame.keyed(values.keep(ids, values.starts_with(ids, prefix))),
    )


def _task_type(frame: Frame) -> pa.Array:
    subtype, kind = frame.column("TaskSubtype"), frame.column("Type")
    return pc.coalesce(
        values.known(subtype, p.ACTIVITY), values.known(kind, p.ACTIVITY), kind, subtype
    )


def _event_type(frame: Frame) -> pa.Array:
    return pc.fill_null(values.known(frame.column("Type"), p.ACTIVITY), "meeting")


def _done(frame: Frame) -> pa.Array:
    """Tasks that are closed (or say nothing): an open task is a to-do, not a touch."""
    still_open = pc.equal(values.truthy(frame.column("IsClosed")), False)
    return pc.and_(pc.invert(pc.fill_null(still_open, False)), frame.current())


def _activity(kind: Field, occurred: Field, done: bool) -> TableMap:
    return TableMap(
        "touchpoints",
        {
            **lineage("touchpoint_id"),
            "touchpoint_type": kind,
            "occurred_at": occurred,
            "channel": Field(
                (),
                lambda text, frame: _activity_channel(frame),
                ("Channel__c",),
                "channel outbound",
            ),
            "campaign_id": Field(
                ("WhatId",),
                lambda ids, frame: frame.keyed(values.keep(ids, values.starts_with(ids, "701"))),
            ),
            "lead_id": _who("00Q"),
            "contact_id": _who("003"),
            "account_id": key("AccountId"),
            "user_id": key("OwnerId"),
        },
        rows=_done if done else current_rows,
        skipped="open tasks (IsClosed false) are to-dos, not touchpoints" if done else None,
    )


TASKS = _activity(
    derived(_task_type, "TaskSubtype", "Type"), text("CompletedDateTime", "CreatedDate"), True
)
EVENTS = _activity(
    derived(_event_type, "Type"), text("StartDateTime", "ActivityDateTime", "CreatedDate"), False
)

CAMPAIGNS = TableMap(
    "campaigns",
    {
        **lineage("campaign_id"),
        "name": text("Name"),
        "campaign_type": pick(p.CAMPAIGN_TYPE, "Type"),
        "channel": derived(
            lambda frame: channel_of(
                frame.column("Channel__c"), values.picklist(frame.column("Type"), p.CAMPAIGN_TYPE)
            ),
            "Channel__c",
            "Type",
        ),
        "start_date": text("StartDate"),
        "end_date": text("EndDate"),
        "owner_id": key("OwnerId"),
        "utm_campaign": text("UTM_Campaign__c"),
        "currency": currency(),
        "budget": text("BudgetedCost"),
    },
    rows=current_rows,
)


def _campaign_type(frame: Frame) -> pa.Array:
    labels = related_value(frame, "Campaign", "Id", "Type", by="CampaignId")
    return values.picklist(labels, p.CAMPAIGN_TYPE)


def _member_type(frame: Frame) -> pa.Array:
    kind = _campaign_type(frame)
    touches = p.TOUCH_OF_CAMPAIGN_TYPE
    touch = values.lookup(kind, pa.array(list(touches)), pa.array(list(touches.values())))
    return pc.coalesce(touch, kind)


def _member_channel(frame: Frame) -> pa.Array:
    labels = related_value(frame, "Campaign", "Id", "Channel__c", by="CampaignId")
    return channel_of(labels, _campaign_type(frame))


def _responded(frame: Frame) -> pa.Array:
    return pc.and_(
        pc.fill_null(values.truthy(frame.column("HasResponded")), False), frame.current()
    )


CAMPAIGN_MEMBERS = TableMap(
    "touchpoints",
    {
        **lineage("touchpoint_id"),
        "touchpoint_type": derived(_member_type),
        "occurred_at": text("FirstRespondedDate", "CreatedDate"),
        "channel": derived(_member_channel),
        "campaign_id": key("CampaignId"),
        "lead_id": key("LeadId"),
        "contact_id": key("ContactId"),
    },
    rows=_responded,
    skipped="campaign members who did not respond are not touchpoints",
)


def _lifecycle_rows(frame: Frame) -> pa.Array:
    field = values.label_keys(frame.column("Field"))
    return pc.and_(pc.fill_null(pc.equal(field, "lifecycle_stage_c"), False), frame.current())


def _account_of(entity: str) -> Field:
    """The account of the record whose lifecycle stage changed."""
    if entity == "account":
        return key("AccountId")
    if entity == "contact":
        return derived(
            lambda frame: frame.keyed(
                related_value(frame, "Contact", "Id", "AccountId", by="ContactId")
            )
        )
    return derived(
        lambda frame: frame.keyed(
            related_value(frame, "Lead", "Id", "ConvertedAccountId", by="LeadId")
        )
    )


def lifecycle_changes(entity: str, id_field: str) -> TableMap:
    """Lifecycle events from the field history of ``Lifecycle_Stage__c`` on one object.

    >>> lifecycle_changes("contact", "ContactId").fields["entity_id"].reads
    ('ContactId',)
    """
    return TableMap(
        "lifecycle_events",
        {
            **lineage("lifecycle_event_id"),
            "updated_at": text("CreatedDate"),
            "entity_type": const(entity),
            "entity_id": key(id_field),
            "account_id": _account_of(entity),
            "from_stage": pick(p.LIFECYCLE, "OldValue"),
            "to_stage": pick(p.LIFECYCLE, "NewValue"),
            "occurred_at": text("CreatedDate"),
        },
        rows=_lifecycle_rows,
        skipped=f"changes of fields other than {LIFECYCLE_FIELD} are not mapped",
    )


ACCOUNT_LIFECYCLE = lifecycle_changes("account", "AccountId")
CONTACT_LIFECYCLE = lifecycle_changes("contact", "ContactId")
LEAD_LIFECYCLE = lifecycle_changes("lead", "LeadId")

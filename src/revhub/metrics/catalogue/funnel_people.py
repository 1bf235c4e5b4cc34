"""Funnel people: who a person is, and when they first entered each person stage.

``lead``, ``mql`` and ``sql`` are stages of *people* (see ``catalogue.funnel`` for the
definitions). A person is identity resolution's person (``resolve.crosswalk``, entity
``person``); without a crosswalk a converted lead is the contact it became
(``converted_contact_id`` / ``converted_from_lead_id``). A person enters a stage the
first time a ``lifecycle_events`` row (entity_type lead or contact) moves them to it; a
person with no lifecycle event at all enters ``lead`` when their first lead record was
created.
"""

from __future__ import annotations

import ibis

from revhub.metrics.catalogue.deals import stacked
from revhub.metrics.frame import Frame

PERSON_STAGES = ("lead", "mql", "sql")


def person_of_record(frame: Frame) -> ibis.Table:
    """``record_table`` (leads or contacts), ``record_id`` → ``person``: the resolved
    person, else (without a crosswalk, or for records it has not seen) the contact a lead
    became, else the record itself. Built once per frame."""
    return frame.shared("person_of_record", lambda: _person_of_record(frame))


def _person_of_record(frame: Frame) -> ibis.Table:
    leads = frame.raw("leads")
    contacts = frame.raw("contacts")
    converted = contacts.filter(contacts.converted_from_lead_id.notnull())
    converted = converted.group_by(_lead_id=converted.converted_from_lead_id).aggregate(
        _contact_id=converted.contact_id.min()
    )
    leads = leads.left_join(converted, leads.lead_id == converted._lead_id)
    became = ibis.coalesce(leads.converted_contact_id, leads._contact_id)
    records = stacked(
        leads.select(
            record_table=ibis.literal("leads"),
            record_id=leads.lead_id,
            person=ibis.coalesce("contacts:" + became, "leads:" + leads.lead_id),
        ),
        contacts.select(
            record_table=ibis.literal("contacts"),
            record_id=contacts.contact_id,
            person="contacts:" + contacts.contact_id,
        ),
    )
    if not frame.has("resolve.crosswalk"):
        return records
    crosswalk = frame.raw("resolve.crosswalk")
    crosswalk = crosswalk.filter(crosswalk.entity == "person").select(
        _table="record_table", _id="record_id", _person="entity_id"
    )
    joined = records.left_join(
        crosswalk,
        (records.record_table == crosswalk._table) & (records.record_id == crosswalk._id),
    )
    return joined.select(
        "record_table", "record_id", person=ibis.coalesce(joined._person, joined.person)
    )


def funnel_people(frame: Frame) -> ibis.Table:
    """One row per person: ``person``, ``account_id`` (their company, if known), the
    time they first entered each person stage (``lead_at``, ``mql_at``, ``sql_at``), who
    owned them then (``lead_owner_id``...), their first-touch ``channel`` and what their
    lead records say of their ``lead_segment``, ``lead_region`` and ``lead_country``."""
    return frame.shared("funnel_people", lambda: _funnel_people(frame))


def _funnel_people(frame: Frame) -> ibis.Table:
    persons = person_of_record(frame)
    events = frame.raw("lifecycle_events").rename(moved_id="entity_id")
    # renamed first: Frame.to_company's own join columns are called entity_id/record_id
    events = frame.to_company(events, "account_id")
    events = events.filter(events.entity_type.isin(("lead", "contact")))
    record_table = ibis.ifelse(events.entity_type == "lead", "leads", "contacts")
    events = events.mutate(_record_table=record_table)
    events = events.left_join(
        persons,
        (events._record_table == persons.record_table) & (events.moved_id == persons.record_id),
    )
    events = events.mutate(
        person=ibis.coalesce(events.person, events._record_table + ":" + events.moved_id)
    )
    stages = {}
    for stage in PERSON_STAGES:
        reached = events.to_stage == stage
        stages[f"{stage}_at"] = events.occurred_at.min(where=reached)
        stages[f"{stage}_owner_id"] = events.owner_id.argmin(events.occurred_at, where=reached)
    from_events = events.group_by("person").aggregate(
        **stages,
        channel=events.channel.argmin(events.occurred_at, where=events.channel.notnull()),
        event_account_id=events.account_id.argmin(
            events.occurred_at, where=events.account_id.notnull()
        ),
    )
    records = _people_records(frame, persons)
    joined = records.outer_join(from_events, records.person == from_events.person)
    lead_at = ibis.ifelse(joined.person_right.isnull(), joined.lead_created_at, joined.lead_at)
    account = ibis.coalesce(joined.golden_account_id, joined.event_account_id)
    people = joined.select(
        person=ibis.coalesce(joined.person, joined.person_right),
        account_id=ibis.coalesce(account, joined.record_account_id),
        lead_at=lead_at,
        mql_at=joined.mql_at,
        sql_at=joined.sql_at,
        lead_owner_id=joined.lead_owner_id,
        mql_owner_id=joined.mql_owner_id,
        sql_owner_id=joined.sql_owner_id,
        channel=ibis.coalesce(joined.channel, joined.lead_channel),
        lead_segment=joined.lead_segment,
        lead_region=joined.lead_region,
        lead_country=joined.lead_country,
    )
    # a finished table: later joins on the computed account_id cannot reach into the join
    return people.view()


def _people_records(frame: Frame, persons: ibis.Table) -> ibis.Table:
    """Per person, what their lead and contact records say: ``lead_created_at``, the
    lead's channel, segment, region and country, the company of their records and, with
    identity resolution, of their golden person."""
    leads = frame.table("leads", "converted_account_id")
    contacts = frame.table("contacts")
    lead_rows = leads.select(
        record_table=ibis.literal("leads"),
        record_id=leads.lead_id,
        created_at=leads.created_at,
        channel=leads.channel,
        segment=leads.segment,
        region=leads.region,
        country=leads.country,
        company=leads.converted_account_id,
    )
    none = ibis.null("string")
    contact_rows = contacts.select(
        record_table=ibis.literal("contacts"),
        record_id=contacts.contact_id,
        created_at=ibis.null("timestamp"),
        channel=none,
        segment=none,
        region=none,
        country=none,
        company=contacts.account_id,
    )
    rows = stacked(lead_rows, contact_rows)
    rows = rows.join(
        persons,
        (rows.record_table == persons.record_table) & (rows.record_id == persons.record_id),
    )
    first = rows.created_at

    def earliest(column: ibis.Value) -> ibis.Value:
        return column.argmin(first, where=column.notnull() & first.notnull())

    people = rows.group_by("person").aggregate(
        lead_created_at=first.min(),
        lead_channel=earliest(rows.channel),
        lead_segment=earliest(rows.segment),
        lead_region=earliest(rows.region),
        lead_country=earliest(rows.country),
        record_account_id=rows.company.min(),
    )
    return _with_golden_account(frame, people)


def _with_golden_account(frame: Frame, people: ibis.Table) -> ibis.Table:
    """``people`` plus ``golden_account_id``: the company identity resolution gave the
    person (null without resolution)."""
    if frame.has("resolve.crosswalk") and frame.has("resolve.golden_people"):
        golden = frame.raw("resolve.golden_people")
        golden = golden.select(_person="entity_id", golden_account_id="account_entity_id")
        joined = people.left_join(golden, people.person == golden._person)
        return joined.drop("_person")
    return people.mutate(golden_account_id=ibis.null("string"))

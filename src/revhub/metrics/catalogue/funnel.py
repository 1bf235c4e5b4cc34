"""Funnel metrics: people and companies moving lead → MQL → SQL → opportunity → customer.

**Who moves.** ``lead``, ``mql`` and ``sql`` are stages of *people*. A person is identity
resolution's person (``resolve.crosswalk``, entity ``person``), so a lead and the contact
it became, or the same person in HubSpot and Salesforce, count once; without a crosswalk
a converted lead is the contact it became (``converted_contact_id`` /
``converted_from_lead_id``). ``opportunity`` is a stage of *deals*: every new-business
opportunity, on its ``created_date``. ``customer`` is a stage of *companies*: each
company enters it on the close day of its first won deal. (Account lifecycle events are
not used: CRMs record them for some companies only.)

**Entering a stage.** A person enters a stage the first time a ``lifecycle_events`` row
(entity_type lead or contact) moves them to it. ``leads`` come from these lifecycle
``lead`` entries, so a subscriber becomes a lead when promoted, not when first seen; a
person with no lifecycle event at all enters ``lead`` when their first lead record was
created.

**Moving on.** lead → mql: the person's first entry into mql, or straight into sql,
on or after the day they became a lead; mql → sql: their first entry into sql on or
after the day they became an MQL; sql → opportunity: the earliest new-business deal of
the person's company created on or after the day they became an SQL; opportunity →
customer: the deal was won (on its close day). Days between stages are calendar days
between the days of entering them.

**Dimensions** (``FUNNEL_DIMENSIONS``): ``stage``; ``channel`` (a person's first-touch
channel, a deal's source channel); ``segment``, ``region``, ``industry``, ``country`` of
the company (for a person whose company is unknown, what their lead record says);
``owner`` and ``team``: who owns the person or deal on entering the stage (the deal
owner; for ``customer``, the owner of the first won deal).
"""

from __future__ import annotations

import ibis

from revhub.metrics.catalogue.deals import opportunity_facts, stacked
from revhub.metrics.core import Count, FactsFn, Median, Metric, Ratio, Sum
from revhub.metrics.frame import Frame

ANY_GRAIN = ("day", "week", "month", "quarter", "year")
FUNNEL_STAGES = ("lead", "mql", "sql", "opportunity", "customer")
PERSON_STAGES = ("lead", "mql", "sql")
FUNNEL_DIMENSIONS = (
    "stage",
    "channel",
    "segment",
    "region",
    "industry",
    "country",
    "owner",
    "team",
)
STAGE_COUNT_DIMENSIONS = FUNNEL_DIMENSIONS[1:]
_ENTRY_COLUMNS = ("entity_id", "entered_on", "next_on", *FUNNEL_DIMENSIONS)


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


def funnel_entries(frame: Frame) -> ibis.Table:
    """One row per entry into a funnel stage: ``entity_id`` (person, deal or company),
    ``stage``, ``entered_on``, ``next_on`` (the day of moving on; null if not yet) and
    the dimensions. Built once per frame."""
    return frame.shared("funnel_entries", lambda: _funnel_entries(frame))


def _funnel_entries(frame: Frame) -> ibis.Table:
    people = frame.with_company(funnel_people(frame), "segment", "region", "industry", "country")
    people = people.mutate(
        segment=ibis.coalesce(people.segment, people.lead_segment),
        region=ibis.coalesce(people.region, people.lead_region),
        country=ibis.coalesce(people.country, people.lead_country),
        lead_on=people.lead_at.cast("date"),
        mql_on=people.mql_at.cast("date"),
        sql_on=people.sql_at.cast("date"),
    )
    people = _with_next_deal(frame, people)

    def on_or_after(day: ibis.Value, entered: ibis.Value) -> ibis.Value:
        return ibis.ifelse(day >= entered, day, ibis.null("date"))

    next_of = {
        "lead": ibis.least(
            on_or_after(people.mql_on, people.lead_on), on_or_after(people.sql_on, people.lead_on)
        ),
        "mql": on_or_after(people.sql_on, people.mql_on),
        "sql": people.next_deal_on,
    }
    owners = frame.teams_of_users().select(_user_id="user_id", owner="name", team="team")
    parts = []
    for stage in PERSON_STAGES:
        entered = people[f"{stage}_on"]
        rows = people.filter(entered.notnull()).mutate(
            entity_id=people.person,
            stage=ibis.literal(stage),
            entered_on=entered,
            next_on=next_of[stage],
            _owner_id=people[f"{stage}_owner_id"],
        )
        rows = rows.left_join(owners, rows._owner_id == owners._user_id)
        parts.append(rows.select(*_ENTRY_COLUMNS))
    parts += [_deal_entries(frame), _customer_entries(frame)]
    return stacked(*parts)


def _with_next_deal(frame: Frame, people: ibis.Table) -> ibis.Table:
    """``people`` plus ``next_deal_on``: the day the person's company created its first
    new-business deal on or after the day they became an SQL."""
    deals = opportunity_facts(frame)
    deals = deals.filter(deals.opportunity_type == "new_business").select(
        _account_id="account_id", _created="created_date"
    )
    sqls = people.filter(people.sql_on.notnull()).select("person", "account_id", "sql_on")
    matched = sqls.join(
        deals, (sqls.account_id == deals._account_id) & (deals._created >= sqls.sql_on)
    )
    first = matched.group_by(_person=matched.person).aggregate(next_deal_on=matched._created.min())
    joined = people.left_join(first, people.person == first._person)
    return joined.drop("_person")


def _deal_entries(frame: Frame) -> ibis.Table:
    """Every new-business deal enters ``opportunity`` on its created_date and moves on to
    ``customer`` when won."""
    deals = opportunity_facts(frame)
    deals = deals.filter(deals.opportunity_type == "new_business")
    return deals.select(
        entity_id=deals.opportunity_id,
        entered_on=deals.created_date,
        next_on=ibis.ifelse(deals.is_won, deals.closed_on, ibis.null("date")),
        stage=ibis.literal("opportunity"),
        channel=deals.channel,
        segment=deals.segment,
        region=deals.region,
        industry=deals.industry,
        country=deals.country,
        owner=deals.owner,
        team=deals.team,
    ).select(*_ENTRY_COLUMNS)


def _customer_entries(frame: Frame) -> ibis.Table:
    """Every company enters ``customer`` on the close day of its first won deal."""
    deals = opportunity_facts(frame)
    won = deals.filter(deals.is_won & deals.closed_on.notnull())
    in_order = ibis.window(group_by="account_id", order_by=["closed_on", "opportunity_id"])
    won = won.mutate(win_number=ibis.row_number().over(in_order))
    first = won.filter(won.win_number == 0)
    return first.select(
        entity_id=first.account_id,
        entered_on=first.closed_on,
        next_on=ibis.null("date"),
        stage=ibis.literal("customer"),
        channel=first.channel,
        segment=first.segment,
        region=first.region,
        industry=first.industry,
        country=first.country,
        owner=first.owner,
        team=first.team,
    ).select(*_ENTRY_COLUMNS)


def stage_entries(frame: Frame) -> ibis.Table:
    """Entries into every funnel stage in range, each in the period of its day."""
    return frame.events(funnel_entries(frame), "entered_on")


def _entries_into(stage: str) -> FactsFn:
    def facts(frame: Frame) -> ibis.Table:
        entries = stage_entries(frame)
        return entries.filter(entries.stage == stage)

    facts.__name__ = f"{stage}_entries"
    facts.__doc__ = f"Entries into the {stage} stage in range."
    return facts


def _moving_on(frame: Frame) -> ibis.Table:
    """Entries into every stage that has a next one (all but the last, customer)."""
    entries = funnel_entries(frame)
    return entries.filter(entries.stage != FUNNEL_STAGES[-1])


def conversion_flows(frame: Frame) -> ibis.Table:
    """Per stage (but customer), entries in range (``entered`` = 1, in the period they
    entered) and moves on to the next stage in range (``moved`` = 1, in the period they
    moved)."""
    entries = _moving_on(frame)
    entered = frame.events(entries, "entered_on").mutate(
        entered=ibis.literal(1), moved=ibis.literal(0)
    )
    moved = frame.events(entries.filter(entries.next_on.notnull()), "next_on").mutate(
        entered=ibis.literal(0), moved=ibis.literal(1)
    )
    return stacked(entered, moved)


def conversion_cohorts(frame: Frame) -> ibis.Table:
    """Per stage (but customer), entries in range, each in the period it entered, with
    ``reached`` = 1 when it moved on by the end of the range."""
    entries = frame.events(_moving_on(frame), "entered_on")
    reached = entries.next_on.notnull() & (entries.next_on <= frame.end)
    return entries.mutate(reached=reached.cast("int64"))


def stage_moves(frame: Frame) -> ibis.Table:
    """Moves on from a stage in range, each in the period of the move, with ``days``
    since entering the stage."""
    entries = _moving_on(frame)
    moves = frame.events(entries.filter(entries.next_on.notnull()), "next_on")
    return moves.mutate(days=moves.next_on.delta(moves.entered_on, unit="day"))


def _funnel(name: str, **fields: object) -> Metric:
    fields.setdefault("department", "marketing")
    fields.setdefault("indicator", "leading")
    fields.setdefault("grains", ANY_GRAIN)
    fields.setdefault("dimensions", FUNNEL_DIMENSIONS)
    fields.setdefault("default_dimensions", ("stage",))
    return Metric(name=name, **fields)  # type: ignore[arg-type]


_PEOPLE = (
    "One person counted once: records of the same person (identity resolution's people "
    "crosswalk, or a lead and the contact it became) share their first entry.",
)
_BY_STAGE = "Slice by `stage` (the stage moved from: lead, mql, sql or opportunity)."
_CONVERSION_EDGES = (
    _BY_STAGE,
    "Next stage: lead → mql (or straight to sql), mql → sql, sql → the company's next "
    "new-business deal, opportunity → won.",
    "customer is the last stage and has no conversion.",
)

METRICS = (
    _funnel(
        "leads",
        description="People who became leads in the period.",
        formula="Count of people whose first lifecycle entry into lead falls in the period.",
        unit="count",
        direction="higher",
        dimensions=STAGE_COUNT_DIMENSIONS,
        default_dimensions=("channel",),
        measure=Count(),
        facts=_entries_into("lead"),
        edge_cases=(
            *_PEOPLE,
            "From lifecycle events (a subscriber counts when promoted to lead); a person "
            "with no lifecycle event counts when their first lead record was created.",
        ),
    ),
    _funnel(
        "mqls",
        description="People who became marketing-qualified leads in the period.",
        formula="Count of people whose first lifecycle entry into mql falls in the period.",
        unit="count",
        direction="higher",
        dimensions=STAGE_COUNT_DIMENSIONS,
        default_dimensions=("channel",),
        measure=Count(),
        facts=_entries_into("mql"),
        edge_cases=_PEOPLE,
    ),
    _funnel(
        "sqls",
        description="People who became sales-qualified leads in the period.",
        formula="Count of people whose first lifecycle entry into sql falls in the period.",
        unit="count",
        direction="higher",
        department="sales",
        dimensions=STAGE_COUNT_DIMENSIONS,
        default_dimensions=("channel",),
        measure=Count(),
        facts=_entries_into("sql"),
        edge_cases=_PEOPLE,
    ),
    _funnel(
        "funnel_entries",
        description="Entries into each funnel stage in the period.",
        formula="Count of first entries of people into lead, mql and sql, of new-business "
        "deals created (opportunity) and of companies winning their first deal (customer).",
        unit="count",
        direction="higher",
        measure=Count(),
        facts=stage_entries,
        edge_cases=(
            *_PEOPLE,
            "Slice by `stage`; without it the stages add up, which is rarely meaningful.",
            "opportunity counts deals, customer companies, the others people.",
        ),
    ),
    _funnel(
        "funnel_conversion",
        description="Moves from a funnel stage to the next in the period, per entry into "
        "the stage in the period.",
        formula="Moves on from the stage in the period ÷ entries into the stage in the period.",
        unit="ratio",
        direction="higher",
        measure=Ratio(Sum("moved"), Sum("entered")),
        facts=conversion_flows,
        edge_cases=(
            *_CONVERSION_EDGES,
            "A period view: the moves need not come from the same period's entries, so "
            "it can exceed 1; funnel_cohort_conversion follows the entries instead.",
            "Undefined when nobody entered the stage in the period.",
        ),
    ),
    _funnel(
        "funnel_cohort_conversion",
        description="Share of the entries into a funnel stage in the period that moved "
        "on to the next stage by the end of the range.",
        formula="Entries in the period that moved on by the range's end ÷ entries in the period.",
        unit="ratio",
        direction="higher",
        measure=Ratio(Sum("reached"), Count()),
        facts=conversion_cohorts,
        edge_cases=(
            *_CONVERSION_EDGES,
            "Recent periods look worse: their entries have had less time to move on.",
            "Undefined when nobody entered the stage in the period.",
        ),
    ),
    _funnel(
        "funnel_days_to_next_stage",
        description="Median days from entering a funnel stage to entering the next.",
        formula="Median of (day of moving on − day of entering) over moves on from the "
        "stage in the period.",
        unit="days",
        direction="lower",
        measure=Median("days"),
        facts=stage_moves,
        edge_cases=(
            *_CONVERSION_EDGES,
            "Counted in the period of the move (the later entry).",
            "Undefined when nobody moved on from the stage in the period.",
        ),
    ),
)

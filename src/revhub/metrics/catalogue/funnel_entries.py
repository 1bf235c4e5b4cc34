"""Funnel entries: every entry into a funnel stage, with the day it moved on.

People enter ``lead``, ``mql`` and ``sql`` (``catalogue.funnel_people``), new-business
deals enter ``opportunity`` on their ``created_date`` and companies enter ``customer``
on the close day of their first won deal. ``funnel_entries`` stacks them in one table
with the day each entry moved on to the next stage and the funnel dimensions
(``FUNNEL_DIMENSIONS``); ``catalogue.funnel`` states the definitions.
"""

from __future__ import annotations

import ibis

from revhub.metrics.catalogue.deals import opportunity_facts, stacked
from revhub.metrics.catalogue.funnel_people import PERSON_STAGES, funnel_people
from revhub.metrics.frame import Frame

FUNNEL_STAGES = ("lead", "mql", "sql", "opportunity", "customer")
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
_ENTRY_COLUMNS = ("entity_id", "entered_on", "next_on", *FUNNEL_DIMENSIONS)


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

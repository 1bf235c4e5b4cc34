"""Opportunities as facts: every deal with its company, owner and channel, and the deals
closed, won or created in a range.

- ``opportunity_facts``: one row per opportunity, its amount in base currency and the
  dimensions deals are sliced by (``DEAL_DIMENSIONS``): the company's segment, region,
  industry, country and CSM (after identity resolution), the deal owner's name and team,
  the channel that sourced it and the partner that sourced or co-sold it.
- ``closed_deals``, ``closed_new_business``, ``won_new_business`` and
  ``created_new_business``: the deals of a kind closed (won or lost), won or created in
  range, each in the period of its day. They are the facts of bookings, win rates and
  pipeline created, and marketing restricts the same facts to the deals it sourced.
- ``first_won_deals``: each company's first won new-business deal, which gives its
  acquisition channel and starts its onboarding.

A deal's history (its versions, the open pipeline on a day, stretches in a stage, slipped
close dates) is in ``catalogue.deal_history``.

A closed deal's close day is ``closed_date`` (``close_date`` when the CRM left it empty);
a deal counts as won only when it is closed and won.
"""

from __future__ import annotations

import ibis

from revhub.metrics.frame import Frame

DEAL_DIMENSIONS = (
    "segment",
    "region",
    "industry",
    "country",
    "owner",
    "team",
    "channel",
    "partner",
    "csm",
)
_COMPANY_DIMENSIONS = ("segment", "region", "industry", "country", "csm")


def opportunity_facts(frame: Frame) -> ibis.Table:
    """One row per opportunity: ``opportunity_id``, ``account_id`` (company),
    ``opportunity_type``, ``stage``, ``is_closed``, ``is_won``, ``created_date``,
    ``close_date``, ``closed_on`` (the close day of a closed deal, else null),
    ``amount``, ``list_amount`` (base currency, float), ``discount``, ``owner_id``,
    ``sdr_id`` and ``DEAL_DIMENSIONS``. Built once per frame."""
    return frame.shared("opportunity_facts", lambda: _opportunity_facts(frame))


def _opportunity_facts(frame: Frame) -> ibis.Table:
    opps = frame.table("opportunities")
    owners = frame.teams_of_users().select(_owner_id="user_id", owner="name", team="team")
    partners = frame.raw("partners").select(_partner_id="partner_id", partner="name")
    joined = opps.left_join(owners, opps.owner_id == owners._owner_id).left_join(
        partners, opps.partner_id == partners._partner_id
    )
    amount = joined.amount_base.cast("float64")
    list_amount = joined.list_amount_base.cast("float64")
    computed_discount = 1 - amount / list_amount.nullif(0.0)
    is_closed = joined.is_closed.fill_null(False)
    facts = joined.select(
        "opportunity_id",
        "account_id",
        "opportunity_type",
        "stage",
        "created_date",
        "close_date",
        "owner_id",
        "sdr_id",
        "owner",
        "team",
        "partner",
        is_closed=is_closed,
        is_won=is_closed & joined.is_won.fill_null(False),
        closed_on=ibis.ifelse(
            is_closed, ibis.coalesce(joined.closed_date, joined.close_date), ibis.null("date")
        ),
        amount=amount,
        list_amount=list_amount,
        discount=ibis.coalesce(joined.discount.cast("float64"), computed_discount),
        channel=joined.source_channel,
    )
    return frame.with_company(facts, *_COMPANY_DIMENSIONS)


def closed_deals(frame: Frame, kind: str) -> ibis.Table:
    """Deals of ``kind`` (new_business, expansion, renewal) closed in range, each in the
    period of its close day: ``won`` (0/1), ``won_amount`` and ``amount`` (unknown as 0)."""
    deals = opportunity_facts(frame)
    closed = deals.filter(deals.is_closed & (deals.opportunity_type == kind))
    closed = frame.events(closed, "closed_on")
    return closed.mutate(
        won=closed.is_won.cast("int64"),
        won_amount=ibis.ifelse(closed.is_won, closed.amount.fill_null(0.0), 0.0),
        amount=closed.amount.fill_null(0.0),
    )


def closed_new_business(frame: Frame) -> ibis.Table:
    """New-business deals closed (won or lost) in range: ``won`` (0/1), ``won_amount``,
    ``amount`` and the deal dimensions."""
    return closed_deals(frame, "new_business")


def won_new_business(frame: Frame) -> ibis.Table:
    """New-business deals won in range, with ``cycle_days`` (created → closed)."""
    won = closed_new_business(frame)
    won = won.filter(won.won == 1)
    return won.mutate(cycle_days=won.closed_on.delta(won.created_date, unit="day"))


def created_new_business(frame: Frame) -> ibis.Table:
    """New-business deals created in range, each in the period of ``created_date``."""
    deals = opportunity_facts(frame)
    created = frame.events(deals.filter(deals.opportunity_type == "new_business"), "created_date")
    return created.mutate(amount=created.amount.fill_null(0.0))


def first_won_deals(frame: Frame) -> ibis.Table:
    """Each company's first won new-business deal: ``account_id`` (company),
    ``won_date`` and ``acquisition_channel``. Built once per frame."""
    return frame.shared("first_won_deals", lambda: _first_won_deals(frame))


def _first_won_deals(frame: Frame) -> ibis.Table:
    deals = opportunity_facts(frame)
    won = deals.filter((deals.opportunity_type == "new_business") & deals.is_won)
    order = ibis.row_number().over(
        group_by=won.account_id, order_by=[won.closed_on, won.opportunity_id]
    )
    first = won.mutate(_rank=order)
    first = first.filter(first._rank == 0)
    return first.select("account_id", won_date="closed_on", acquisition_channel="channel")


def stacked(first: ibis.Table, *rest: ibis.Table) -> ibis.Table:
    """The rows of all tables, duplicates kept; each is cast to ``first``'s column
    types (made nullable), so a literal 0 stacks under a float column.

    >>> a = ibis.memtable({"x": [1.5]})
    >>> stacked(a, a.select(x=ibis.literal(2))).x.to_list()
    [1.5, 2.0]
    """
    schema = ibis.schema({name: t.copy(nullable=True) for name, t in first.schema().items()})
    tables = [table.select(*schema.names).cast(schema) for table in (first, *rest)]
    result = tables[0]
    for table in tables[1:]:
        result = result.union(table)
    return result

"""Deal history: every version of every deal, and what follows from it.

- ``opportunity_versions``: every version of every deal from ``opportunity_history``
  with the deal dimensions (``catalogue.deals``). A deal without any history row gets
  one made-up history: open from ``created_date`` until it closed, at its current amount
  and close date.
- ``open_pipeline_on``: the open new-business deals on given days, as the version valid
  at the end of each day.
- ``stage_spells``: each stretch a new-business deal spent in one open stage.
- ``slip_facts``: close dates pushed out of the period they were in.
"""

from __future__ import annotations

import ibis

from revhub.metrics.catalogue.deals import DEAL_DIMENSIONS, opportunity_facts, stacked
from revhub.metrics.frame import Frame
from revhub.model.vocabulary import OPPORTUNITY_STAGES

VERSION_DIMENSIONS = (*DEAL_DIMENSIONS, "stage", "forecast_category")
CLOSED_STAGES = ("closed_won", "closed_lost")
OPEN_STAGES = tuple(s for s in OPPORTUNITY_STAGES if s not in CLOSED_STAGES)


def opportunity_versions(frame: Frame) -> ibis.Table:
    """Every version of every opportunity: ``opportunity_id``, ``opportunity_type``,
    ``valid_from``, ``valid_to`` (timestamps; null while current), ``stage``,
    ``forecast_category``, ``is_open``, ``amount`` (base currency), ``close_date``,
    ``is_recorded`` (false for the made-up history of a deal without one) and
    ``DEAL_DIMENSIONS``. Built once per frame."""
    return frame.shared("opportunity_versions", lambda: _opportunity_versions(frame))


def _opportunity_versions(frame: Frame) -> ibis.Table:
    deals = opportunity_facts(frame)
    history = frame.raw("opportunity_history")
    recorded = history.select(
        "opportunity_id",
        "valid_from",
        "valid_to",
        "stage",
        "forecast_category",
        "close_date",
        amount=history.amount_base.cast("float64"),
        is_recorded=ibis.literal(True),
    )
    made_up = _made_up_versions(deals, history)
    versions = stacked(recorded, made_up)
    dims = deals.select(
        "opportunity_type",
        *DEAL_DIMENSIONS,
        _opportunity_id="opportunity_id",
    )
    joined = versions.join(dims, versions.opportunity_id == dims._opportunity_id)
    return joined.mutate(is_open=~joined.stage.isin(CLOSED_STAGES).fill_null(False)).drop(
        "_opportunity_id"
    )


def _made_up_versions(deals: ibis.Table, history: ibis.Table) -> ibis.Table:
    """Open from created_date until the close day, then closed, for deals without history."""
    known = history.select(_known_id="opportunity_id").distinct()
    missing = deals.anti_join(known, deals.opportunity_id == known._known_id)
    created = missing.created_date.cast("timestamp")
    closed_at = missing.closed_on.cast("timestamp")
    open_stage = ibis.ifelse(missing.is_closed, ibis.null("string"), missing.stage)
    opened = missing.select(
        "opportunity_id",
        valid_from=created,
        valid_to=closed_at,
        stage=open_stage,
        forecast_category=ibis.null("string"),
        close_date=ibis.coalesce(missing.closed_on, missing.close_date),
        amount=missing.amount,
        is_recorded=ibis.literal(False),
    )
    ended = missing.filter(missing.is_closed)
    closed = ended.select(
        "opportunity_id",
        valid_from=ended.closed_on.cast("timestamp"),
        valid_to=ibis.null("timestamp"),
        stage=ibis.ifelse(ended.is_won, "closed_won", "closed_lost"),
        forecast_category=ibis.ifelse(ended.is_won, "closed", "omitted"),
        close_date=ended.closed_on,
        amount=ended.amount,
        is_recorded=ibis.literal(False),
    )
    return stacked(opened, closed)


def open_pipeline_on(frame: Frame, days: ibis.Table, day: str) -> ibis.Table:
    """Open new-business deals at the end of each ``days[day]``: the columns of ``days``
    plus the version valid then (one row per day and open deal)."""
    versions = opportunity_versions(frame)
    versions = versions.filter(versions.opportunity_type == "new_business")
    on = days[day]
    valid = (versions.valid_from.cast("date") <= on) & (
        versions.valid_to.isnull() | (versions.valid_to.cast("date") > on)
    )
    live = days.join(versions, valid)
    return live.filter(live.is_open)


def stage_spells(frame: Frame) -> ibis.Table:
    """Each stretch a new-business deal spent in one open stage, from its recorded
    history: ``opportunity_id``, ``stage``, ``entered_at``, ``left_at`` and
    ``next_stage`` (null while it is still there) and ``DEAL_DIMENSIONS``. Versions that
    change only the amount or the close date do not end a stretch."""
    return frame.shared("stage_spells", lambda: _stage_spells(frame))


def _stage_spells(frame: Frame) -> ibis.Table:
    versions = opportunity_versions(frame)
    versions = versions.filter(versions.is_recorded & (versions.opportunity_type == "new_business"))
    in_order = ibis.window(group_by="opportunity_id", order_by="valid_from")
    versions = versions.mutate(previous_stage=versions.stage.lag().over(in_order))
    starts = versions.filter(
        versions.previous_stage.isnull() | (versions.previous_stage != versions.stage)
    )
    spells = starts.mutate(
        next_stage=starts.stage.lead().over(in_order),
        left_at=starts.valid_from.lead().over(in_order),
    )
    spells = spells.filter(spells.stage.isin(OPEN_STAGES))
    return spells.select(
        "opportunity_id",
        "stage",
        "next_stage",
        "left_at",
        *DEAL_DIMENSIONS,
        entered_at=spells.valid_from,
    )


def stage_rank(stage: ibis.Value) -> ibis.Value:
    """The position of a sales stage in the canonical order (closed_lost last)."""
    return stage.cases(*((name, rank) for rank, name in enumerate(OPPORTUNITY_STAGES)))


def slip_facts(frame: Frame) -> ibis.Table:
    """Deals that slipped out of a period: a recorded change that moved an open
    new-business deal's close date from inside the period to after it, counted in that
    period, once per deal and period (its first such change): ``period``,
    ``opportunity_id``, ``amount`` (before the change) and ``DEAL_DIMENSIONS``. The old
    close date is on or after the range's start; the change on or before its end."""
    return frame.shared("slip_facts", lambda: _slip_facts(frame))


def _slip_facts(frame: Frame) -> ibis.Table:
    versions = opportunity_versions(frame)
    versions = versions.filter(versions.is_recorded & (versions.opportunity_type == "new_business"))
    in_order = ibis.window(group_by="opportunity_id", order_by="valid_from")
    versions = versions.mutate(
        previous_close=versions.close_date.lag().over(in_order),
        previous_open=versions.is_open.lag().over(in_order),
        previous_amount=versions.amount.lag().over(in_order),
    )
    moved = versions.filter(
        versions.previous_open.fill_null(False)
        & (frame.period(versions.close_date) > frame.period(versions.previous_close))
        & (versions.previous_close >= frame.start)
        & (versions.valid_from.cast("date") <= frame.end)
    )
    moved = moved.mutate(period=frame.period(moved.previous_close))
    first = ibis.window(group_by=["opportunity_id", "period"], order_by="valid_from")
    moved = moved.mutate(slip_number=ibis.row_number().over(first))
    moved = moved.filter(moved.slip_number == 0)
    return moved.select("period", "opportunity_id", *DEAL_DIMENSIONS, amount=moved.previous_amount)

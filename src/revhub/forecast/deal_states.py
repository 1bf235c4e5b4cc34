"""Deals as they stood at past moments, rebuilt from ``opportunity_history`` alone.

A forecast made *as of* a day may only know what was recorded before that day began.
``deal_states`` therefore reads nothing but rows recorded before ``known_before``: the
opportunity versions that started before it, the sales touches that happened before it,
and the static facts of deals created before it (account, type, source channel). It
never reads the current stage, amount, close date or outcome of ``opportunities``, which
are written after the fact. The version of a deal in force at a cutoff is the last one
that started before the cutoff; the next version's start is recomputed from the rows
kept, so a later edit of ``valid_to`` cannot leak in.

For every cutoff (training moments and the as-of day itself) it returns one row per deal
open at that cutoff, with what the models learn from: stage, forecast category, CRM
probability, amount and its first value, close date and how often it was pushed, when
the stage was entered, sales activity on the account, the owner's record so far, and
segment, region and source channel.

>>> STATE_COLUMNS[:4]
('opportunity_id', 'cutoff', 'stage', 'forecast_category')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import pandas as pd

if TYPE_CHECKING:
    from revhub.workspace import Workspace

OPEN_STAGES = ("prospecting", "discovery", "demo", "proposal", "negotiation")
CLOSED_STAGES = ("closed_won", "closed_lost")
SALES_TOUCHES = ("call", "meeting", "sales_email")
ACTIVITY_WINDOW_DAYS = 180
STATE_COLUMNS = (
    "opportunity_id",
    "cutoff",
    "stage",
    "forecast_category",
    "crm_probability",
    "amount",
    "first_amount",
    "close_date",
    "owner_id",
    "created_at",
    "stage_entered_at",
    "close_date_pushes",
    "amount_changes",
    "last_touch_at",
    "touches_30d",
    "contacts_90d",
    "owner_won",
    "owner_closed",
    "account_id",
    "opportunity_type",
    "source_channel",
    "partner_id",
    "segment",
    "region",
    "team_id",
)


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def known_versions(ws: Workspace, known_before: dt.date) -> ibis.Table:
    """Opportunity versions recorded before ``known_before``, each with ``next_from``,
    the start of the deal's next known version (null for the last one known)."""
    history = ws.table("opportunity_history")
    history = history.filter(history.valid_from < _start(known_before))
    next_from = history.valid_from.lead().over(
        group_by=history.opportunity_id, order_by=history.valid_from
    )
    return history.mutate(next_from=next_from)


def deal_outcomes(ws: Workspace, known_before: dt.date) -> pd.DataFrame:
    """Deals closed before ``known_before``: ``opportunity_id``, ``closed_at``,
    ``closed_day`` (the close date the CRM recorded on closing), ``is_won``, ``amount``
    (base currency, at closing) and ``owner_id``."""
    versions = known_versions(ws, known_before)
    closing = versions.filter(versions.stage.isin(CLOSED_STAGES))
    first = ibis.row_number().over(group_by=closing.opportunity_id, order_by=closing.valid_from)
    closing = closing.mutate(_rank=first).filter(lambda t: t._rank == 0)
    outcomes: pd.DataFrame = (
        closing.select(
            "opportunity_id",
            "owner_id",
            closed_at=closing.valid_from,
            closed_day=closing.close_date,
            is_won=closing.stage == "closed_won",
            amount=closing.amount_base.cast("float64"),
        )
        .order_by("opportunity_id")
        .to_pandas()
    )
    return outcomes


def deal_states(
    ws: Workspace, cutoffs: Sequence[dt.date], *, known_before: dt.date
) -> pd.DataFrame:
    """Every deal open at each cutoff, as it stood then (columns ``STATE_COLUMNS``).

    ``cutoffs`` must not be later than ``known_before``; a cutoff day means the start of
    that day.
    """
    cutoff_times = sorted({_start(day) for day in cutoffs if day <= known_before})
    if not cutoff_times:
        return pd.DataFrame(columns=list(STATE_COLUMNS))
    moments = ibis.memtable({"cutoff": cutoff_times}).cast({"cutoff": "timestamp"})
    versions = known_versions(ws, known_before)
    far = ibis.timestamp("9999-12-31 00:00:00")
    current = versions.join(
        moments,
        (versions.valid_from < moments.cutoff)
        & (versions.next_from.fill_null(far) >= moments.cutoff),
    )
    current = current.filter(current.stage.isin(OPEN_STAGES))
    keys = current.select(_opp="opportunity_id", _cut="cutoff")
    past = versions.join(
        keys, (versions.opportunity_id == keys._opp) & (versions.valid_from < keys._cut)
    )
    is_stage_move = past.change_kind.isin(("created", "stage"))
    earliest = ibis.row_number().over(group_by=[past._opp, past._cut], order_by=past.valid_from)
    first_amounts = (
        past.mutate(_rank=earliest)
        .filter(lambda t: t._rank == 0)
        .select("_opp", "_cut", first_amount=lambda t: t.amount_base.cast("float64"))
    )
    so_far = past.group_by(["_opp", "_cut"]).aggregate(
        created_at=past.valid_from.min(),
        stage_entered_at=past.valid_from.max(where=is_stage_move),
        close_date_pushes=(past.change_kind == "close_date").cast("int64").sum(),
        amount_changes=(past.change_kind == "amount").cast("int64").sum(),
    )
    states = current.select(
        "opportunity_id",
        "cutoff",
        "stage",
        "forecast_category",
        "close_date",
        "owner_id",
        crm_probability=current.probability.cast("float64"),
        amount=current.amount_base.cast("float64"),
    )
    states = _attach(states, so_far, ["_opp", "_cut"])
    states = _attach(states, first_amounts, ["_opp", "_cut"])
    states = _attach(states, _activity(ws, keys, known_before), ["_opp", "_cut"])
    states = _with_owner_record(states, versions, moments)
    states = _with_static_facts(ws, states, known_before)
    found: pd.DataFrame = (
        states.select(*STATE_COLUMNS).order_by(["cutoff", "opportunity_id"]).to_pandas()
    )
    return found


def _attach(states: ibis.Table, extra: ibis.Table, keys: list[str]) -> ibis.Table:
    joined = states.left_join(
        extra,
        (states.opportunity_id == extra[keys[0]]) & (states.cutoff == extra[keys[1]]),
    )
    return joined.drop(*keys)


def _activity(ws: Workspace, keys: ibis.Table, known_before: dt.date) -> ibis.Table:
    """Sales touches on the deal's account in the ``ACTIVITY_WINDOW_DAYS`` before each
    cutoff: the last one, how many in 30 days, how many people in 90 days."""
    deals = ws.table("opportunities").select(_deal="opportunity_id", _account="account_id")
    keyed = keys.join(deals, keys._opp == deals._deal).drop("_deal")
    touches = ws.table("touchpoints")
    touches = touches.filter(
        touches.touchpoint_type.isin(SALES_TOUCHES)
        & (touches.occurred_at < _start(known_before))
        & touches.account_id.notnull()
    ).select("account_id", "contact_id", "occurred_at")
    window = ibis.interval(days=ACTIVITY_WINDOW_DAYS)
    near = keyed.join(
        touches,
        (keyed._account == touches.account_id)
        & (touches.occurred_at < keyed._cut)
        & (touches.occurred_at >= keyed._cut - window),
    )
    recent_30 = near.occurred_at >= near._cut - ibis.interval(days=30)
    recent_90 = near.occurred_at >= near._cut - ibis.interval(days=90)
    return near.group_by(["_opp", "_cut"]).aggregate(
        last_touch_at=near.occurred_at.max(),
        touches_30d=recent_30.cast("int64").sum(),
        contacts_90d=near.contact_id.nunique(where=recent_90),
    )


def _with_owner_record(states: ibis.Table, versions: ibis.Table, moments: ibis.Table) -> ibis.Table:
    """The owner's deals won and closed before each cutoff."""
    closing = versions.filter(versions.stage.isin(CLOSED_STAGES))
    first = ibis.row_number().over(group_by=closing.opportunity_id, order_by=closing.valid_from)
    closing = closing.mutate(_rank=first).filter(lambda t: t._rank == 0)
    before = closing.join(moments, closing.valid_from < moments.cutoff)
    record = before.group_by(_owner="owner_id", _cut="cutoff").aggregate(
        owner_won=(before.stage == "closed_won").cast("int64").sum(),
        owner_closed=before.count(),
    )
    joined = states.left_join(
        record, (states.owner_id == record._owner) & (states.cutoff == record._cut)
    )
    return joined.drop("_owner", "_cut")


def _with_static_facts(ws: Workspace, states: ibis.Table, known_before: dt.date) -> ibis.Table:
    """Facts fixed when the deal was created: account, type, channel, partner; with the
    account's segment and region and the owner's team."""
    deals = ws.table("opportunities")
    deals = deals.filter(deals.created_date < known_before).select(
        _deal="opportunity_id",
        account_id="account_id",
        opportunity_type="opportunity_type",
        source_channel="source_channel",
        partner_id="partner_id",
    )
    accounts = ws.table("accounts").select(_acc="account_id", segment="segment", region="region")
    users = ws.table("users").select(_user="user_id", team_id="team_id")
    joined = states.join(deals, states.opportunity_id == deals._deal).drop("_deal")
    joined = joined.left_join(accounts, joined.account_id == accounts._acc).drop("_acc")
    return joined.left_join(users, joined.owner_id == users._user).drop("_user")

"""New-business opportunities and their version history, built from deal events.

Events are sorted per deal and forward-filled into versions (``valid_from`` strictly
increasing per opportunity, ``valid_to`` the next version's start, null for the last);
the opportunities row is the last version. Open deals abandoned by their rep become the
planted stale deals (ground truth).

>>> sorted(PIPELINE_TABLES)
['_deal_terms', 'opportunities', 'opportunity_history', 'stale_deals']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from revhub.demo.gtm.arrays import NONE, forward_fill, group_starts, lookup, nullable
from revhub.demo.gtm.deals import CATEGORIES, KINDS, PROBABILITY, STAGES, DealEvents, DealFates
from revhub.demo.gtm.names import salesforce_ids
from revhub.demo.gtm.seasons import SECOND
from revhub.demo.market import ANNUAL_MONTHS_CHARGED, SEGMENTS, list_price, rate_on
from revhub.demo.spec import DemoSpec
from revhub.model import get_table

PIPELINE_TABLES = ("opportunities", "opportunity_history", "stale_deals", "_deal_terms")
STALE_DAYS = 60


@dataclass
class Deals:
    """The deals of one chunk: who, what and where (one row per opportunity)."""

    ids: np.ndarray
    numbers: np.ndarray  # global number for native ids
    account_id: np.ndarray
    account_name: np.ndarray
    segment: np.ndarray
    currency: np.ndarray
    created: np.ndarray
    owner: np.ndarray  # user index
    sdr: np.ndarray  # user index or -1
    contact_id: np.ndarray
    channel: np.ndarray
    campaign_id: np.ndarray
    partner_id: np.ndarray


def _versions(events: DealEvents) -> tuple[DealEvents, np.ndarray]:
    order = np.lexsort((events.kind, events.time, events.deal))
    ev = DealEvents(**{k: v[order] for k, v in vars(events).items()})
    first = group_starts(ev.deal)
    # Strictly increasing times within a deal: t'[i] = i + cummax(t[j] - j) per deal.
    seconds = ev.time.astype(np.int64)
    position = np.arange(len(seconds))
    span = 10**11
    keyed = ev.deal.astype(np.int64) * span + (seconds - position)
    seconds = np.maximum.accumulate(keyed) - ev.deal.astype(np.int64) * span + position
    ev.time = seconds.astype("datetime64[s]")
    for name in ("stage", "category", "owner"):
        values = getattr(ev, name)
        setattr(ev, name, values[forward_fill(position, values >= 0)])
    ev.close_day = ev.close_day[forward_fill(position, ~np.isnat(ev.close_day))]
    return ev, first


def build_pipeline(
    spec: DemoSpec,
    chunk: int,
    deals: Deals,
    events: DealEvents,
    fates: DealFates,
    user_ids: np.ndarray,
    rates: dict[str, np.ndarray],
) -> dict[str, pa.Table]:
    """Opportunities, opportunity_history, stale_deals and the won deals' ``_deal_terms``."""
    ev, first = _versions(events)
    d = ev.deal
    plan = np.asarray([SEGMENTS[s].plan for s in SEGMENTS], dtype=object)
    deal_plan = lookup({k: i for i, k in enumerate(SEGMENTS)}, deals.segment).astype(int)
    per_seat = np.array(
        [[list_price(p, c) for c in ("USD", "EUR", "GBP", "ISK", "TRY")] for p in plan]
    )
    cur_index = lookup({"USD": 0, "EUR": 1, "GBP": 2, "ISK": 3, "TRY": 4}, deals.currency).astype(
        int
    )
    # Annual plans charge ANNUAL_MONTHS_CHARGED months a year: first-year ARR follows the plan.
    annual_share = lookup({k: s.annual_share for k, s in SEGMENTS.items()}, deals.segment)
    is_annual = spec.rng("deal_terms", chunk).random(len(deals.ids)) < annual_share
    months_charged = np.where(is_annual, ANNUAL_MONTHS_CHARGED, 12)
    yearly = per_seat[deal_plan, cur_index] * months_charged
    amount = np.round(ev.seats * yearly[d] * (1.0 - ev.discount), 2)
    fx = np.round(rate_on(rates, spec, deals.currency[d], ev.time.astype("datetime64[D]")), 8)
    last = np.append(first[1:], True)[: len(first)]
    valid_to = np.where(last, np.datetime64("NaT"), np.roll(ev.time, -1)).astype("datetime64[s]")
    stage = np.asarray(STAGES, dtype=object)[ev.stage]
    category = np.asarray(CATEGORIES, dtype=object)[ev.category]
    probability = lookup(PROBABILITY, stage)
    n = len(d)
    history = get_table("opportunity_history").to_arrow(
        {
            "opportunity_id": deals.ids[d],
            "valid_from": ev.time,
            "valid_to": valid_to,
            "stage": stage,
            "forecast_category": category,
            "probability": probability,
            "currency": deals.currency[d],
            "fx_rate": fx,
            "amount": amount,
            "amount_base": np.round(amount * fx, 2),
            "close_date": ev.close_day,
            "owner_id": user_ids[ev.owner],
            "change_kind": np.asarray(KINDS, dtype=object)[ev.kind],
            "source": np.full(n, "salesforce"),
            "source_id": salesforce_ids("008", np.arange(n) + chunk * 10**9 + 1),
            "created_at": ev.time,
            "updated_at": ev.time,
        }
    )
    at = np.flatnonzero(last)  # one per deal, in deal order
    m = len(at)
    list_amount = np.round(ev.seats[at] * yearly, 2)
    closed = ~np.isnat(fates.closed_at)
    discount = np.round(1.0 - amount[at] / np.maximum(list_amount, 0.01), 4)
    name = (
        deals.account_name + " - " + plan[deal_plan] + " " + ev.seats[at].astype(str).astype(object)
    )
    activity = np.maximum(fates.last_activity, ev.time[at])
    activity = np.minimum(activity, spec.end.astype("datetime64[s]") - SECOND)
    opportunities = get_table("opportunities").to_arrow(
        {
            "opportunity_id": deals.ids,
            "name": name + " seats",
            "account_id": deals.account_id,
            "primary_contact_id": deals.contact_id,
            "owner_id": user_ids[ev.owner[at]],
            "sdr_id": np.where(deals.sdr >= 0, user_ids[np.maximum(deals.sdr, 0)], NONE),
            "opportunity_type": np.full(m, "new_business"),
            "stage": stage[at],
            "forecast_category": category[at],
            "probability": probability[at],
            "currency": deals.currency,
            "fx_rate": fx[at],
            "amount": amount[at],
            "amount_base": np.round(amount[at] * fx[at], 2),
            "list_amount": list_amount,
            "list_amount_base": np.round(list_amount * fx[at], 2),
            "discount": np.maximum(discount, 0),
            "created_date": deals.created.astype("datetime64[D]"),
            "close_date": ev.close_day[at],
            "closed_date": fates.closed_at.astype("datetime64[D]"),
            "is_closed": closed,
            "is_won": fates.won,
            "lost_reason": fates.lost_reason,
            "source_channel": deals.channel,
            "campaign_id": deals.campaign_id,
            "partner_id": deals.partner_id,
            "last_activity_at": activity,
            "source": np.full(m, "salesforce"),
            "source_id": salesforce_ids("006", deals.numbers),
            "created_at": deals.created,
            "updated_at": np.maximum(ev.time[at], activity),
        }
    )
    stale = np.flatnonzero(
        ~closed
        & fates.abandoned
        & (ev.close_day[at] < spec.end)
        & (activity < (spec.end - STALE_DAYS).astype("datetime64[s]"))
    )
    idle = (spec.end.astype("datetime64[s]") - activity[stale]) // np.timedelta64(86400, "s")
    stale_deals = get_table("stale_deals").to_arrow(
        {
            "opportunity_id": deals.ids[stale],
            "last_activity_at": activity[stale],
            "reason": "no activity for "
            + idle.astype(int).astype(str).astype(object)
            + " days and close date passed",
        }
    )
    won = np.flatnonzero(fates.won)
    terms = pa.table(
        {
            "opportunity_id": deals.ids[won],
            "account_id": deals.account_id[won],
            "plan": plan[deal_plan[won]],
            "seats": ev.seats[at][won],
            "billing_interval": np.where(is_annual[won], "year", "month"),
            "discount": fates.discount[won],
            "currency": deals.currency[won],
            "amount": nullable(amount[at][won]),
            "won_date": fates.closed_at[won].astype("datetime64[D]"),
        }
    )
    return {
        "opportunities": opportunities,
        "opportunity_history": history,
        "stale_deals": stale_deals,
        "_deal_terms": terms,
    }

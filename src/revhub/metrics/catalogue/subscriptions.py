"""Subscription metrics: MRR and ARR, ARPA, and the movements of MRR.

All are built from ``revhub.metrics.mrr`` (item MRR, snapshots, movements), whose
docstring states the definitions: what counts as recurring revenue, the currency policy
and when churn is recognised. Two families of facts:

- **snapshots** on each period's closing day (MRR, ARR, paying customers, ARPA);
- **movements**, month by month, summed over the period (new, expansion, contraction,
  churn, reactivation; quick ratio; expansion rate).

Retention and churn rates, which follow a cohort of companies, are in
``catalogue.retention``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import ibis

from revhub.metrics.core import CountDistinct, Grain, Metric, Ratio, Sum
from revhub.metrics.frame import COMPANY_DIMENSIONS, Frame
from revhub.metrics.mrr import ITEM_DIMENSIONS, items_in_service, movements

ANY_GRAIN: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
MONTHLY: tuple[Grain, ...] = ("month", "quarter", "year")
SNAPSHOT_DIMENSIONS = (*COMPANY_DIMENSIONS, *ITEM_DIMENSIONS)
DEFAULT_DIMENSIONS = ("segment", "region")


def snapshot_facts(frame: Frame) -> ibis.Table:
    """Items in service on each period's closing day, with company and item dimensions
    (built once per frame)."""
    return frame.shared("snapshot_facts", lambda: _snapshot_facts(frame))


def _snapshot_facts(frame: Frame) -> ibis.Table:
    live = items_in_service(frame, frame.periods(), "closing_day")
    live = live.select("period", "account_id", "mrr", *ITEM_DIMENSIONS)
    live = frame.with_company(live, *COMPANY_DIMENSIONS)
    return live.mutate(arr=live.mrr * 12)


def movement_facts(frame: Frame) -> ibis.Table:
    """Monthly movements per company, each month in its period; ``opening_at_start`` is
    the opening MRR of a period's first month only. Built once per frame."""
    return frame.shared("movement_facts", lambda: _movement_facts(frame))


def _movement_facts(frame: Frame) -> ibis.Table:
    moves = movements(frame)
    moves = moves.mutate(period=frame.period(moves.month))
    moves = moves.mutate(
        opening_at_start=ibis.ifelse(moves.month == moves.period, moves.opening, 0.0),
        gains=moves.new + moves.expansion + moves.reactivation,
        losses=moves.contraction + moves.churn,
        is_new=(moves.new > 0).cast("int64"),
        is_churned=(moves.churn > 0).cast("int64"),
        is_reactivated=(moves.reactivation > 0).cast("int64"),
    )
    moves = moves.mutate(net_new=moves.gains - moves.losses)
    return frame.with_company(moves, *COMPANY_DIMENSIONS)


_subscription = partial(
    Metric, department="finance", indicator="lagging", default_dimensions=DEFAULT_DIMENSIONS
)
_SNAPSHOT: dict[str, Any] = {
    "grains": ANY_GRAIN,
    "dimensions": SNAPSHOT_DIMENSIONS,
    "facts": snapshot_facts,
    "snapshot": True,
}
_MOVES: dict[str, Any] = {
    "grains": MONTHLY,
    "dimensions": COMPANY_DIMENSIONS,
    "facts": movement_facts,
}
_MRR_EDGES = (
    "Annual and quarterly plans are divided by 12 and 3; a $2,000-a-year plan is $166.67.",
    "Trials, taxes and one-off charges are excluded; the subscription discount is applied.",
    "A subscription that starts and ends inside one month never appears in a month's MRR.",
)
_MOVE_EDGES = (
    "Cancelling one of several subscriptions is contraction; churn is only going to 0.",
    "A company that pays again after churning is reactivation, not new.",
    "Churn is recognised at the end of the paid period (setting metrics.churn_recognition).",
    "Exchange rates alone never create a movement (setting metrics.fx_policy).",
)

METRICS = (
    _subscription(
        "mrr",
        description="Monthly recurring revenue on the period's closing day.",
        formula="Sum over subscription items in service of quantity × unit price × "
        "(1 − discount) ÷ months per billing period, in base currency.",
        unit="money",
        direction="higher",
        measure=Sum("mrr"),
        edge_cases=_MRR_EDGES,
        **_SNAPSHOT,
    ),
    _subscription(
        "arr",
        description="Annual recurring revenue: MRR on the period's closing day × 12.",
        formula="MRR × 12.",
        unit="money",
        direction="higher",
        department="company",
        measure=Sum("arr"),
        edge_cases=_MRR_EDGES,
        **_SNAPSHOT,
    ),
    _subscription(
        "paying_customers",
        description="Companies paying recurring revenue on the period's closing day.",
        formula="Count of distinct companies (after identity resolution) with MRR > 0.",
        unit="count",
        direction="higher",
        measure=CountDistinct("account_id"),
        **_SNAPSHOT,
    ),
    _subscription(
        "arpa",
        description="Average revenue per account: MRR per paying company on the closing day.",
        formula="MRR ÷ paying customers.",
        unit="money",
        direction="higher",
        measure=Ratio(Sum("mrr"), CountDistinct("account_id")),
        edge_cases=("Undefined when no company pays.",),
        **_SNAPSHOT,
    ),
    _subscription(
        "new_mrr",
        description="MRR from companies paying for the first time.",
        formula="Sum of each company's closing MRR in the month it first paid.",
        unit="money",
        direction="higher",
        department="sales",
        measure=Sum("new"),
        edge_cases=_MOVE_EDGES,
        **_MOVES,
    ),
    _subscription(
        "expansion_mrr",
        description="MRR added by paying companies that pay more than the month before.",
        formula="Sum of (closing − opening) MRR over company-months where both are > 0 "
        "and closing > opening.",
        unit="money",
        direction="higher",
        department="customer_success",
        measure=Sum("expansion"),
        edge_cases=_MOVE_EDGES,
        **_MOVES,
    ),
    _subscription(
        "contraction_mrr",
        description="MRR lost by companies that still pay, but less than the month before.",
        formula="Sum of (opening − closing) MRR over company-months where closing is "
        "> 0 and below opening.",
        unit="money",
        direction="lower",
        department="customer_success",
        measure=Sum("contraction"),
        edge_cases=_MOVE_EDGES,
        **_MOVES,
    ),
    _subscription(
        "churned_mrr",
        description="MRR lost by companies that stopped paying altogether.",
        formula="Sum of opening MRR over company-months whose closing MRR is 0.",
        unit="money",
        direction="lower",
        department="customer_success",
        measure=Sum("churn"),
        edge_cases=_MOVE_EDGES,
        **_MOVES,
    ),
    _subscription(
        "reactivation_mrr",
        description="MRR from former customers who pay again.",
        formula="Sum of closing MRR over company-months going from 0 to > 0 after the "
        "company's first paid month.",
        unit="money",
        direction="higher",
        measure=Sum("reactivation"),
        edge_cases=_MOVE_EDGES,
        **_MOVES,
    ),
    _subscription(
        "net_new_mrr",
        description="The change in MRR over the period.",
        formula="New + expansion + reactivation − contraction − churned MRR.",
        unit="money",
        direction="higher",
        department="company",
        measure=Sum("net_new"),
        edge_cases=("Equals closing MRR − opening MRR: the bridge always balances.",),
        **_MOVES,
    ),
    _subscription(
        "new_customers",
        description="Companies that paid for the first time in the period.",
        formula="Count of company-months with new MRR.",
        unit="count",
        direction="higher",
        department="sales",
        measure=Sum("is_new"),
        **_MOVES,
    ),
    _subscription(
        "churned_customers",
        description="Companies that stopped paying in the period.",
        formula="Count of company-months with churned MRR.",
        unit="count",
        direction="lower",
        department="customer_success",
        measure=Sum("is_churned"),
        edge_cases=("A company that churns twice in a period counts twice.",),
        **_MOVES,
    ),
    _subscription(
        "quick_ratio",
        description="How much MRR is gained for every unit lost (SaaS quick ratio).",
        formula="(New + expansion + reactivation MRR) ÷ (contraction + churned MRR).",
        unit="multiple",
        direction="higher",
        department="company",
        measure=Ratio(Sum("gains"), Sum("losses")),
        edge_cases=("Undefined when nothing was lost in the period.",),
        **_MOVES,
    ),
    _subscription(
        "expansion_rate",
        description="Expansion MRR as a share of the MRR the period started with.",
        formula="Expansion MRR ÷ MRR on the opening day.",
        unit="ratio",
        direction="higher",
        department="customer_success",
        measure=Ratio(Sum("expansion"), Sum("opening_at_start")),
        edge_cases=("Undefined when nobody paid on the opening day.",),
        **_MOVES,
    ),
)

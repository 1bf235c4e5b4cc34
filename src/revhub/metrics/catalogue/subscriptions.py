"""Subscription metrics: MRR and ARR, their movements, churn, retention and ARPA.

All are built from ``revhub.metrics.mrr`` (item MRR, snapshots, movements), whose
docstring states the definitions: what counts as recurring revenue, the currency policy
and when churn is recognised. Three families of facts:

- **snapshots** on each period's closing day (MRR, ARR, paying customers, ARPA);
- **movements**, month by month, summed over the period (new, expansion, contraction,
  churn, reactivation; quick ratio; expansion rate);
- **the opening cohort**: the companies paying on the period's opening day, compared with
  what they pay on its closing day (NRR, GRR, logo churn, MRR churn rates, upsell rate).
  Rates of one period therefore never mix customers who joined during it.
"""

from __future__ import annotations

import ibis

from revhub.metrics.core import Count, CountDistinct, Metric, Ratio, Sum
from revhub.metrics.frame import COMPANY_DIMENSIONS, Frame
from revhub.metrics.mrr import (
    ITEM_DIMENSIONS,
    company_mrr,
    first_paid_month,
    item_mrr,
    items_in_service,
    movements,
)

ANY_GRAIN = ("day", "week", "month", "quarter", "year")
MONTHLY = ("month", "quarter", "year")
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


def opening_cohort_facts(frame: Frame) -> ibis.Table:
    """Per period, every company paying on its opening day: ``opening`` and ``closing``
    MRR, what was ``retained`` (capped at the opening) and whether it was ``lost``
    (built once per frame)."""
    return frame.shared("opening_cohort_facts", lambda: _opening_cohort_facts(frame))


def _opening_cohort_facts(frame: Frame) -> ibis.Table:
    periods = frame.periods()
    opening = company_mrr(frame, periods, "opening_day", ("period",)).rename(opening="mrr")
    closing = company_mrr(frame, periods, "closing_day", ("period",))
    closing = closing.select(_period="period", _account_id="account_id", closing="mrr")
    joined = opening.left_join(
        closing,
        (opening.period == closing._period) & (opening.account_id == closing._account_id),
    )
    closed = joined.closing.fill_null(0.0)
    facts = joined.select(
        "period",
        "account_id",
        "opening",
        closing=closed,
        retained=ibis.least(closed, joined.opening),
        lost_mrr=joined.opening - ibis.least(closed, joined.opening),
        net_lost_mrr=joined.opening - closed,
        lost=(closed == 0).cast("int64"),
        expanded=(closed > joined.opening).cast("int64"),
    )
    return frame.with_company(facts, *COMPANY_DIMENSIONS)


def cohort_facts(frame: Frame) -> ibis.Table:
    """Per period, every company that had first paid by its closing day: its ``cohort``
    (first paid month), whether it pays on the closing day, what it paid at the end of
    its first paid month (``initial_mrr``) and what it pays now (``closing``). Built once
    per frame."""
    return frame.shared("cohort_facts", lambda: _cohort_facts(frame))


def _cohort_facts(frame: Frame) -> ibis.Table:
    paid = first_paid_month(frame)
    month_end = (paid.first_paid_month + ibis.interval(months=1) - ibis.interval(days=1)).cast(
        "date"
    )
    paid = paid.mutate(first_closing=ibis.least(month_end, ibis.literal(frame.end)))
    items = item_mrr(frame)
    initial = paid.join(
        items,
        (paid.account_id == items.account_id)
        & (items.in_service_from <= paid.first_closing)
        & (items.in_service_to > paid.first_closing),
    )
    initial = initial.group_by(["account_id", "first_paid_month"]).aggregate(
        initial_mrr=initial.mrr.sum()
    )
    periods = frame.periods()
    members = initial.cross_join(periods)
    members = members.filter(members.first_paid_month <= members.closing_day)
    closing = company_mrr(frame, periods, "closing_day", ("period",))
    closing = closing.select(_period="period", _account_id="account_id", closing="mrr")
    joined = members.left_join(
        closing,
        (members.period == closing._period) & (members.account_id == closing._account_id),
    )
    facts = joined.select(
        "period",
        "account_id",
        "initial_mrr",
        cohort=joined.first_paid_month,
        closing=joined.closing.fill_null(0.0),
        paying=joined.closing.notnull().cast("int64"),
    )
    return frame.with_company(facts, *COMPANY_DIMENSIONS)


def _subscription(name: str, **fields: object) -> Metric:
    fields.setdefault("department", "finance")
    fields.setdefault("indicator", "lagging")
    fields.setdefault("default_dimensions", DEFAULT_DIMENSIONS)
    return Metric(name=name, **fields)  # type: ignore[arg-type]


_SNAPSHOT = {
    "grains": ANY_GRAIN,
    "dimensions": SNAPSHOT_DIMENSIONS,
    "facts": snapshot_facts,
    "snapshot": True,
}
_MOVES = {"grains": MONTHLY, "dimensions": COMPANY_DIMENSIONS, "facts": movement_facts}
_COHORT = {"grains": ANY_GRAIN, "dimensions": COMPANY_DIMENSIONS, "facts": opening_cohort_facts}
_COHORTS = {
    "grains": ANY_GRAIN,
    "dimensions": ("cohort", *COMPANY_DIMENSIONS),
    "facts": cohort_facts,
    "default_dimensions": ("cohort",),
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
    _subscription(
        "net_revenue_retention",
        description="What the companies paying at the start of the period pay at its end, "
        "as a share of what they paid at the start.",
        formula="Closing MRR of the opening cohort ÷ its opening MRR.",
        unit="ratio",
        direction="higher",
        department="customer_success",
        measure=Ratio(Sum("closing"), Sum("opening")),
        edge_cases=(
            "Companies that joined during the period are not in the cohort.",
            "Use grain=year for the usual annual NRR; grain=month gives monthly NRR.",
            "Undefined when nobody paid on the opening day.",
        ),
        **_COHORT,
    ),
    _subscription(
        "gross_revenue_retention",
        description="The share of opening MRR kept, counting no expansion.",
        formula="Sum over the opening cohort of min(closing, opening) MRR ÷ opening MRR.",
        unit="ratio",
        direction="higher",
        department="customer_success",
        measure=Ratio(Sum("retained"), Sum("opening")),
        edge_cases=("Never above 1: each company's expansion is capped at 0.",),
        **_COHORT,
    ),
    _subscription(
        "gross_mrr_churn_rate",
        description="Share of opening MRR lost to churn and contraction.",
        formula="1 − gross revenue retention: (churned + contracted MRR of the opening "
        "cohort) ÷ its opening MRR.",
        unit="ratio",
        direction="lower",
        department="customer_success",
        measure=Ratio(Sum("lost_mrr"), Sum("opening")),
        edge_cases=("Start $100, $10 churned, $10 contracted, $10 expanded: 20%.",),
        **_COHORT,
    ),
    _subscription(
        "net_mrr_churn_rate",
        description="Share of opening MRR lost after expansion is counted back in.",
        formula="1 − net revenue retention: (opening − closing MRR of the opening cohort) "
        "÷ its opening MRR.",
        unit="ratio",
        direction="lower",
        department="customer_success",
        measure=Ratio(Sum("net_lost_mrr"), Sum("opening")),
        edge_cases=(
            "Start $100, $10 churned, $10 contracted, $10 expanded: 10%.",
            "Negative when expansion outweighs churn and contraction (net negative churn).",
        ),
        **_COHORT,
    ),
    _subscription(
        "logo_churn_rate",
        description="Share of the companies paying at the start of the period who pay "
        "nothing at its end.",
        formula="Companies of the opening cohort with closing MRR 0 ÷ companies in it.",
        unit="ratio",
        direction="lower",
        department="customer_success",
        measure=Ratio(Sum("lost"), Count()),
        edge_cases=(
            "A company that churns and comes back within the period is not churned.",
            "Undefined when nobody paid on the opening day.",
        ),
        **_COHORT,
    ),
    _subscription(
        "upsell_rate",
        description="Share of the companies paying at the start of the period who pay more "
        "at its end.",
        formula="Companies of the opening cohort with closing MRR > opening MRR ÷ companies in it.",
        unit="ratio",
        direction="higher",
        department="customer_success",
        measure=Ratio(Sum("expanded"), Count()),
        **_COHORT,
    ),
    _subscription(
        "logo_retention",
        description="Share of the companies that first paid in a cohort month who still pay "
        "on the period's closing day.",
        formula="Companies of the cohort with MRR > 0 on the closing day ÷ companies in the "
        "cohort.",
        unit="ratio",
        direction="higher",
        department="customer_success",
        measure=Ratio(Sum("paying"), Count()),
        edge_cases=(
            "Slice by `cohort` (the first paid month) for the cohort retention matrix; "
            "`ws.metrics.cohort_matrix` pivots it to cohort × months since.",
            "A company that churned and came back counts as retained while it pays.",
        ),
        **_COHORTS,
    ),
    _subscription(
        "revenue_retention",
        description="What the companies of a cohort pay on the period's closing day, as a "
        "share of what they paid at the end of their first paid month.",
        formula="Closing MRR of the cohort ÷ its MRR at the end of its first paid month.",
        unit="ratio",
        direction="higher",
        department="customer_success",
        measure=Ratio(Sum("closing"), Sum("initial_mrr")),
        edge_cases=("Above 1 when the cohort's expansion outweighs its churn.",),
        **_COHORTS,
    ),
)

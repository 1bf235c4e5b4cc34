"""Retention metrics: what the companies of a cohort still pay, and who of them churned.

All are built from ``revhub.metrics.mrr`` (item MRR, first paid month), whose docstring
states the definitions. Two kinds of cohort:

- **the opening cohort**: the companies paying on the period's opening day, compared with
  what they pay on its closing day (NRR, GRR, logo churn, MRR churn rates, upsell rate).
  Rates of one period therefore never mix customers who joined during it.
- **the first-paid cohort**: the companies that first paid in a month, followed period
  by period (logo and revenue retention; ``ws.metrics.cohort_matrix`` pivots them).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import ibis

from revhub.metrics.core import Count, Grain, Metric, Ratio, Sum
from revhub.metrics.frame import COMPANY_DIMENSIONS, Frame
from revhub.metrics.mrr import company_mrr, first_paid_month, item_mrr

ANY_GRAIN: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
DEFAULT_DIMENSIONS = ("segment", "region")


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


_subscription = partial(
    Metric, department="finance", indicator="lagging", default_dimensions=DEFAULT_DIMENSIONS
)
_COHORT: dict[str, Any] = {
    "grains": ANY_GRAIN,
    "dimensions": COMPANY_DIMENSIONS,
    "facts": opening_cohort_facts,
}
_COHORTS: dict[str, Any] = {
    "grains": ANY_GRAIN,
    "dimensions": ("cohort", *COMPANY_DIMENSIONS),
    "facts": cohort_facts,
    "default_dimensions": ("cohort",),
}
METRICS = (
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

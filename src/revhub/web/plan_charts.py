"""The plan charts of the Forecast & Plan page: the funnel the target needs per period,
needed against actual in the last complete period, the account executives needed, and
the marketing budget by channel — from ``revhub.plan`` (remembered by the hub).

The page plans for the stored targets. Without one for the planned periods it holds the
latest stored company target flat and says so; a target or scenario typed on the page
replaces it.

>>> STAGE_LABELS["won_deals"]
'Won deals'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from revhub.api.plan_queries import cached_plan, latest_target
from revhub.api.problems import InvalidParameterError
from revhub.plan import Plan
from revhub.web.chart_builder import ChartBuilder
from revhub.web.charts import Chart, Series
from revhub.web.filters import member_label
from revhub.web.tables import Column, Table

STAGE_LABELS = {
    "leads": "Leads",
    "mqls": "MQLs",
    "sqls": "SQLs",
    "opportunities": "Opportunities",
    "won_deals": "Won deals",
}


@dataclass
class PagePlan:
    """The plan a page shows (None when it cannot be made) and what to say about it."""

    plan: Plan | None
    notes: list[str] = field(default_factory=list)
    problem: str | None = None


def page_plan(charts: ChartBuilder, target: str | None, scenario: str | None) -> PagePlan:
    """The plan for the page's target and scenario (see the module docstring). A target
    or scenario typed on the page that cannot be used is an error of the page."""
    hub = charts.hub
    if target or scenario:
        return PagePlan(cached_plan(hub, target=target, scenario=scenario))
    try:
        return PagePlan(cached_plan(hub))
    except InvalidParameterError as error:
        latest = latest_target(hub.reader(), "quarter")
        if latest is None:
            return PagePlan(None, problem=f"{error}. Type a target above to plan for it.")
        day, value = latest
        held = f"{value:.0f}"
        note = (
            f"No target is stored for the planned quarters, so this plan holds the latest "
            f"stored one ({charts.fmt.period(day, 'quarter')}: {charts.fmt.money(value)}) "
            "flat. Type a target above, or load targets with `revhub targets load`."
        )
        return PagePlan(cached_plan(hub, target=held), notes=[note])


def _period_label(charts: ChartBuilder, plan: Plan, day: Any) -> str:
    return charts.fmt.period(pd.Timestamp(day).date(), plan.grain)


def funnel_chart(charts: ChartBuilder, plan: Plan) -> Chart:
    """The volume of each stage the target needs, in the period it must happen in."""
    totals = plan.funnel_totals()
    days = sorted(totals.period.unique())
    series = []
    for stage, name in STAGE_LABELS.items():
        rows = totals[totals.stage == stage].set_index("period").required
        series.append(Series(name, [_value(rows.get(d)) for d in days]))
    return charts.add(
        Chart(
            "plan-funnel",
            "bar",
            "Funnel the target needs, by period",
            "count",
            [_period_label(charts, plan, d) for d in days],
            series,
            charts.export_url("plan-funnel"),
            "Leads, MQLs, SQLs, opportunities and won deals needed, in the period each "
            "must happen in for the deals to close in time (from the measured rates).",
        )
    )


def against_actual_chart(charts: ChartBuilder, plan: Plan) -> Chart:
    """Needed against actual in the last period that is over (else the current one)."""
    totals = plan.funnel_totals()
    complete = totals[totals.elapsed >= 1]
    day = complete.period.max() if len(complete) else totals.period.min()
    rows = totals[totals.period == day].set_index("stage")
    stages = [s for s in STAGE_LABELS if s in rows.index]
    label = _period_label(charts, plan, day)
    return charts.add(
        Chart(
            "plan-actual",
            "bar",
            f"Needed against actual, {label}",
            "count",
            [STAGE_LABELS[s] for s in stages],
            [
                Series("Needed", [_value(rows.required.get(s)) for s in stages]),
                Series("Actual", [_value(rows.actual.get(s)) for s in stages]),
            ],
            charts.export_url("plan-actual"),
            "What the plan needed of each stage in the period, and what came in.",
        )
    )


def capacity_chart(charts: ChartBuilder, plan: Plan) -> Chart:
    """The account executives employed, ramped and needed per planned period."""
    per = plan.capacity.groupby("period", as_index=False)[
        ["headcount", "ramped_reps", "required_reps"]
    ].sum()
    return charts.add(
        Chart(
            "plan-capacity",
            "bar",
            "Account executives the target needs",
            "count",
            [_period_label(charts, plan, d) for d in per.period],
            [
                Series("Employed", [_value(v) for v in per.headcount]),
                Series("Ramped", [_value(v) for v in per.ramped_reps]),
                Series("Needed", [_value(v) for v in per.required_reps]),
            ],
            charts.export_url("plan-capacity"),
            "AEs employed and ramped against the AEs the target needs at the measured "
            "bookings per ramped AE.",
        )
    )


def budget_chart(charts: ChartBuilder, plan: Plan) -> Chart:
    """Marketing spend the first planned period needs by channel (priced by leads),
    beside the channel's current spend per period."""
    first = plan.periods[0]
    rows = plan.budget[(plan.budget.basis == "leads") & (plan.budget.period == first)]
    rows = rows[(rows.spend > 0) | (rows.current_spend > 0)].sort_values("spend", ascending=False)
    label = _period_label(charts, plan, first)
    return charts.add(
        Chart(
            "plan-budget",
            "bar",
            f"Marketing budget the target needs, {label}",
            "money",
            [member_label(c) for c in rows.channel],
            [
                Series("Needed", [_value(v) for v in rows.spend]),
                Series("Current", [_value(v) for v in rows.current_spend]),
            ],
            charts.export_url("plan-budget"),
            "Spend each channel needs for its share of the leads, at its cost per lead, "
            "against what it spends per period now.",
            [plan.recommendation] if plan.recommendation else [],
        )
    )


def funnel_table(charts: ChartBuilder, plan: Plan) -> Table:
    """Every period and stage of the plan: needed, actual, share of the period gone."""
    rows = [
        {
            "period": _period_label(charts, plan, r.period),
            "stage": STAGE_LABELS.get(str(r.stage), member_label(r.stage)),
            "required": _value(r.required),
            "actual": _value(r.actual),
            "elapsed": _value(r.elapsed),
        }
        for r in plan.funnel_totals().itertuples(index=False)
    ]
    return Table(
        "plan-table",
        "The plan against the actual funnel",
        [
            Column("period", "Period"),
            Column("stage", "Stage"),
            Column("required", "Needed", "count"),
            Column("actual", "Actual", "count"),
            Column("elapsed", "Period gone", "ratio"),
        ],
        rows,
        description="Volumes are expected values; bookings in base currency.",
    )


def _value(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)

"""The Forecast & Plan page: the stored bookings forecast against target, how it moved
and how accurate it has been, the deals it doubts, the managers' calls — and the plan
worked back from the target against the actual funnel.

The forecast part is for the ``forecast`` area (a sales rep sees their own deals, a
manager their teams'), the plan part for the ``plan`` area; the page opens for either
(``planning``). Everything comes from stored runs and remembered plans: opening the
page fits no model. Without a stored run the page says how to make one.

>>> RISK_ROWS
15
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from revhub.access import may_use
from revhub.api.caller import Caller, guard
from revhub.api.forecast_deals import forecast_deals, reasons_text
from revhub.api.forecast_store import (
    StoredRun,
    check_period,
    find_run,
    run_periods,
    stored_runs,
)
from revhub.api.forecast_totals import arr_totals, forecast_calls, forecast_totals
from revhub.web import forecast_charts, plan_charts
from revhub.web.chart_builder import ChartBuilder
from revhub.web.rendering import page_for, render, router
from revhub.web.scorecard_view import Tile
from revhub.web.tables import Column, Table

Signed = Annotated[Caller, Depends(guard)]
RISK_ROWS = 15
Text = Annotated[str | None, Query(max_length=2000)]


def _label(value: str | None) -> str:
    return (value or "").replace("_", " ").capitalize()


def risk_table(charts: ChartBuilder, caller: Caller, run: StoredRun, period: dt.date) -> Table:
    """The open deals the model doubts most among those the CRM counts on."""
    con = charts.hub.reader()
    found = forecast_deals(
        con, run, period, caller.scope, status="open", called=True, page_size=RISK_ROWS
    )
    linked = may_use(caller.role, "pipeline")
    rows = [
        {
            **vars(d),
            "url": f"/pipeline/deals/{d.opportunity_id}" if linked else None,
            "deal": d.name or d.opportunity_id,
            "stage_label": _label(d.stage),
            "category": _label(d.forecast_category),
            "why": reasons_text(d.reasons),
        }
        for d in found.items
    ]
    query = {"made_on": run.made_on, "period_start": period, "grain": run.period_grain}
    query |= {"status": "open", "called": "true", "sort": "risk"}
    query |= {"page_size": 500, "format": "csv"}
    return Table(
        "at-risk",
        f"Deals at risk ({found.total:,} called commit or best case)",
        [
            Column("deal", "Deal", href="url"),
            Column("owner", "Owner"),
            Column("stage_label", "Stage"),
            Column("category", "CRM category"),
            Column("amount", "Amount", "money"),
            Column("close_date", "Close date", "date"),
            Column("p_period", "Chance in period", "ratio"),
            Column("at_risk", "At risk", "money", title="Amount × (1 − chance in period)"),
            Column("why", "Why", title="What moves its chance most"),
        ],
        rows,
        csv_url="/api/forecast/deals?" + urlencode(query),
        description="Open deals the CRM calls commit or best case, the largest amount "
        "the model doubts first",
        empty="No open deal is called commit or best case in this period.",
    )


def calls_table(charts: ChartBuilder, calls: list[dict[str, Any]], period: dt.date) -> Table:
    """Every manager's roll-up of the CRM categories for one period."""
    money = ("closed", "commit", "best_case", "pipeline", "commit_call", "best_case_call")
    return Table(
        "calls",
        "Managers' calls",
        [
            Column("manager", "Manager"),
            *(Column(key, _label(key), "money") for key in money),
            Column("model", "Model, same deals", "money"),
        ],
        [c for c in calls if c["period_start"] == period],
        description="The CRM forecast categories of the deals closing in the period",
    )


def headline(
    charts: ChartBuilder,
    run: StoredRun,
    totals: list[dict[str, Any]],
    calls: list[dict[str, Any]],
    period: dt.date,
) -> list[Tile]:
    """The selected period's forecast, range, target, closed so far and commit call."""
    fmt = charts.fmt
    row = next(
        (
            r
            for r in totals
            if r["period_start"] == period and r["grouping"] in ("company", "yours")
        ),
        None,
    )
    if row is None:
        return []
    commit = next(
        (c for c in calls if c["period_start"] == period and c["manager_id"] == "all"), None
    )
    when = fmt.period(period, run.period_grain)
    tiles = [Tile("Forecast", fmt.money(row["mean"]), None, "Expected new bookings", when)]
    if row["p10"] is not None:
        spread = f"{fmt.money(row['p10'], compact=True)} – {fmt.money(row['p90'], compact=True)}"
        tiles.append(Tile("P10–P90", spread, None, "80% of outcomes expected inside", when))
    if row["target"] is not None:
        tiles.append(Tile("Target", fmt.money(row["target"]), None, "Stored target", when))
    tiles.append(Tile("Closed so far", fmt.money(row["closed"]), None, "Won before the run", when))
    if commit is not None:
        tiles.append(
            Tile("Commit call", fmt.money(commit["commit_call"]), None, "Closed + commit", when)
        )
    return tiles


@router.get("/forecast")
def forecast_page(
    caller: Signed,
    request: Request,
    made_on: dt.date | None = None,
    period: dt.date | None = None,
    target: Text = None,
    scenario: Text = None,
) -> Response:
    """Forecast & Plan: the forecast against target and its history, accuracy, movement,
    at-risk deals and calls; the plan against the actual funnel."""
    view = page_for(request, caller)
    con = view.hub.reader()
    asked = {"made_on": made_on, "period": period, "target": target, "scenario": scenario}
    charts = view.charts({k: str(v) for k, v in asked.items() if v})
    context: dict[str, Any] = {"title": "Forecast & Plan", "charts": charts, "tables": []}
    context |= {"target": target or "", "scenario": scenario or "", "run": None}
    if may_use(caller.role, "forecast"):
        runs = stored_runs(con, "quarter") or stored_runs(con, "month")
        context["show_forecast"], context["runs"] = True, runs
        if runs:
            run = find_run(con, runs[0].period_grain, made_on)
            chosen = check_period(con, run, period)
            totals = forecast_totals(con, run, caller.scope)
            calls = forecast_calls(con, run, caller.scope)
            context |= {
                "run": run,
                "period": chosen,
                "periods": forecast_charts.period_choices(run, run_periods(con, run)),
                "tiles": headline(charts, run, totals, calls, chosen),
                "forecast_charts": [
                    forecast_charts.target_chart(charts, run, totals),
                    forecast_charts.history_chart(charts, run, chosen),
                    forecast_charts.movement_chart(charts, run),
                    forecast_charts.calls_chart(charts, run, calls, chosen),
                    forecast_charts.accuracy_chart(charts, run, runs[-1].made_on),
                ],
            }
            arr = forecast_charts.arr_chart(charts, run, arr_totals(con, run, caller.scope))
            if arr is not None:
                context["forecast_charts"].insert(1, arr)
            context["risk"] = risk_table(charts, caller, run, chosen)
            context["calls"] = calls_table(charts, calls, chosen)
            context["tables"] += [context["risk"], context["calls"]]
    if may_use(caller.role, "plan"):
        shown = plan_charts.page_plan(charts, target, scenario)
        context |= {"show_plan": True, "plan": shown.plan, "plan_notes": shown.notes}
        context["plan_problem"] = shown.problem
        if shown.plan is not None:
            context["plan_charts"] = [
                plan_charts.funnel_chart(charts, shown.plan),
                plan_charts.against_actual_chart(charts, shown.plan),
                plan_charts.capacity_chart(charts, shown.plan),
                plan_charts.budget_chart(charts, shown.plan),
            ]
            context["plan_table"] = plan_charts.funnel_table(charts, shown.plan)
            context["tables"].append(context["plan_table"])
    return render(request, "forecast.html", context)

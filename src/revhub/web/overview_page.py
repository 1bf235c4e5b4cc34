"""The overview: the caller's home-department scorecard first, then the other departments
their role may see, each with its leading and lagging indicators side by side; under them
a few trends of the home department that follow the filters (scorecards follow targets,
which are set for the company and per team).

>>> sorted(HOME_TRENDS)
['company', 'customer_success', 'finance', 'marketing', 'partners', 'sales']
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from revhub.access import HOME_DEPARTMENT
from revhub.api.caller import Caller, guard
from revhub.api.routes_metrics import caller_scorecard
from revhub.metrics.scorecard import Scorecard
from revhub.web.chart_builder import ChartBuilder
from revhub.web.charts import Chart
from revhub.web.rendering import Page, page_for, render, router
from revhub.web.scorecard_view import DepartmentView, department_view, departments_for

Signed = Annotated[Caller, Depends(guard)]
HOME_TRENDS: dict[str, tuple[str, ...]] = {
    "company": ("arr", "net_new_mrr", "new_bookings", "pipeline_created"),
    "marketing": ("leads", "mqls", "marketing_spend", "marketing_sourced_pipeline"),
    "sales": ("pipeline_created", "new_bookings", "win_rate", "sales_cycle_length"),
    "customer_success": ("net_revenue_retention", "logo_churn_rate", "csat", "tickets_opened"),
    "partners": ("pipeline_created", "new_bookings", "open_pipeline", "win_rate"),
    "finance": ("recognised_revenue", "gross_margin", "arr", "cac_payback_months"),
}
"""The trends the overview shows under the scorecards, by home department: these follow
the filters (scorecards follow the targets)."""
_BARS = {
    "net_new_mrr",
    "new_bookings",
    "pipeline_created",
    "leads",
    "mqls",
    "marketing_spend",
    "marketing_sourced_pipeline",
    "recognised_revenue",
    "tickets_opened",
}


def _trend(charts: ChartBuilder, name: str) -> Chart:
    return charts.trend(name, [name], "bar" if name in _BARS else "line")


def _scorecards(
    request: Request, page: Page, caller: Caller, charts: ChartBuilder
) -> tuple[list[DepartmentView], Scorecard | None, str]:
    home = HOME_DEPARTMENT[caller.role]
    scope = caller.scope
    if scope.kind in ("owner", "team") and not scope.team_names:
        return (
            [],
            None,
            (
                "There is no scorecard for your rows: scorecards are kept for the company and "
                "per team, and no team is linked to your user. The trends below are your own."
            ),
        )
    wanted = [home] if scope.kind == "partner" else departments_for(caller.role, home)
    grain, as_of = page.filters.grain, page.filters.end
    descriptions = {m.name: m.description for m in page.hub.workspace.metrics.list()}
    if len(wanted) > 1 and scope.is_all:
        card = caller_scorecard(request, caller, "all", grain, as_of)
        cards = dict.fromkeys(wanted, card)
    else:
        cards = {d: caller_scorecard(request, caller, d, grain, as_of) for d in wanted}
    views = [department_view(cards[d], d, charts, descriptions) for d in wanted]
    first = cards[wanted[0]]
    return [v for v in views if v.leading or v.lagging], first, ""


@router.get("/")
def overview(caller: Signed, request: Request) -> Response:
    """The caller's home scorecard first, then the other departments they may see."""
    page = page_for(request, caller)
    charts = page.charts()
    views, card, message = _scorecards(request, page, caller, charts)
    home = HOME_DEPARTMENT[caller.role]
    trends = [_trend(charts, name) for name in HOME_TRENDS.get(home, HOME_TRENDS["company"])]
    context = {
        "title": "Overview",
        "departments": views,
        "card": card,
        "message": message,
        "trends": trends,
        "charts": charts,
        "exports": {view.export_id: view for view in views},
    }
    return render(request, "overview.html", context)

"""The dashboard's metric pages: revenue, funnel, pipeline and marketing (the overview is
``overview_page``). Each reads the global filters, builds its charts from scoped metric
values and renders its template; a chart the caller may not see says so instead of
failing. Headline tiles show the latest value of a chart's series and its change.

>>> FUNNEL_BY
('channel', 'segment', 'region')
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from revhub.api.caller import Caller, guard
from revhub.api.metric_queries import find_metric
from revhub.errors import FilterError
from revhub.metrics.scorecard import label
from revhub.model.vocabulary import OPPORTUNITY_STAGES
from revhub.web.chart_builder import ChartBuilder
from revhub.web.charts import Chart
from revhub.web.page_charts import (
    MOVES,
    STAGES,
    cohort_heatmap,
    conversion_by,
    mrr_bridge,
    mrr_movements,
    stage_conversion,
)
from revhub.web.record_pages import deals_table
from revhub.web.rendering import page_for, render, router
from revhub.web.scorecard_view import Tile, tile

Signed = Annotated[Caller, Depends(guard)]
FUNNEL_BY = ("channel", "segment", "region")


def _tiles(charts: ChartBuilder, *pairs: tuple[Chart, str, int]) -> list[Tile]:
    """Headline figures of (chart, metric, series index) triples, where defined."""
    out = []
    for chart, metric, series in pairs:
        direction = find_metric(charts.hub, metric).direction
        found = tile(charts, chart, direction, series, label(metric))
        if found is not None:
            out.append(found)
    return out


# -- revenue -----------------------------------------------------------------------------
@router.get("/revenue")
def revenue(caller: Signed, request: Request, retention: str = "revenue") -> Response:
    """ARR, MRR movements and their bridge, retention rates and cohort retention."""
    if retention not in ("revenue", "logo"):
        raise FilterError(f"retention `{retention}` is not offered; use revenue or logo.")
    page = page_for(request, caller)
    charts = page.charts({"retention": retention} if retention != "revenue" else {})
    arr = charts.trend("arr", ["arr"], title="ARR")
    movements = mrr_movements(charts)
    bridge = mrr_bridge(charts, movements)
    rates = charts.trend(
        "retention-rates",
        ["net_revenue_retention", "gross_revenue_retention"],
        title="Net and gross revenue retention",
        labels=["NRR", "GRR"],
    )
    churn = charts.trend(
        "churn-rates",
        ["logo_churn_rate", "gross_mrr_churn_rate"],
        title="Churn rates",
        labels=["Logo churn", "Gross MRR churn"],
    )
    customers = charts.trend("paying-customers", ["paying_customers"], title="Paying customers")
    cohorts = cohort_heatmap(charts, "logo" if retention == "logo" else "revenue")
    tiles = _tiles(
        charts,
        (arr, "arr", 0),
        (movements, "net_new_mrr", 5),
        (rates, "net_revenue_retention", 0),
        (rates, "gross_revenue_retention", 1),
        (customers, "paying_customers", 0),
    )
    context = {
        "title": "Revenue",
        "tiles": tiles,
        "charts": charts,
        "arr": arr,
        "movements": movements,
        "bridge": bridge,
        "rates": rates,
        "churn": churn,
        "customers": customers,
        "cohorts": cohorts,
        "retention": retention,
    }
    return render(request, "revenue.html", context)


# -- funnel ------------------------------------------------------------------------------
@router.get("/funnel")
def funnel(caller: Signed, request: Request, by: str = "channel") -> Response:
    """Stage flow, conversion between stages, days to the next stage, and conversion per
    channel, segment or region."""
    if by not in FUNNEL_BY:
        raise FilterError(f"the funnel cannot be split by `{by}`; use {', '.join(FUNNEL_BY)}.")
    page = page_for(request, caller)
    charts = page.charts({"by": by} if by != "channel" else {})
    moving = [s for s in STAGES if s in MOVES]
    flow = charts.per_member(
        "funnel-flow",
        "funnel_entries",
        "stage",
        "funnel",
        "Stage flow: entries in the range",
        order=STAGES,
    )
    conversion = stage_conversion(charts)
    conversion_trend = charts.by_member(
        "conversion-trend",
        "funnel_conversion",
        "stage",
        "line",
        "Conversion to the next stage by period",
        order=moving,
    )
    days = charts.by_member(
        "days-to-next",
        "funnel_days_to_next_stage",
        "stage",
        "line",
        "Median days to the next stage",
        order=moving,
    )
    entries = charts.by_member(
        "entries-trend",
        "funnel_entries",
        "stage",
        "bar",
        "Entries by stage and period",
        order=STAGES,
    )
    per_member, table = conversion_by(charts, by)
    context = {
        "title": "Funnel",
        "charts": charts,
        "flow": flow,
        "conversion": conversion,
        "conversion_trend": conversion_trend,
        "days": days,
        "entries": entries,
        "per_member": per_member,
        "table": table,
        "tables": [table],
        "by": by,
        "by_options": FUNNEL_BY,
    }
    return render(request, "funnel.html", context)


# -- pipeline ----------------------------------------------------------------------------
@router.get("/pipeline")
def pipeline(caller: Signed, request: Request) -> Response:
    """Pipeline created, open pipeline and its coverage, velocity, win rate, cycle
    length and slipped deals."""
    page = page_for(request, caller)
    charts = page.charts()
    created = charts.trend("pipeline-created", ["pipeline_created"], "bar")
    created_count = charts.trend("pipeline-created-count", ["pipeline_created_count"], "bar")
    open_pipeline = charts.trend("open-pipeline", ["open_pipeline"])
    by_stage = charts.per_member(
        "open-by-stage",
        "open_pipeline",
        "stage",
        "bar",
        "Open pipeline by stage, end of range",
        how="latest",
        order=OPPORTUNITY_STAGES,
    )
    coverage = charts.trend("coverage", ["pipeline_coverage"])
    velocity = charts.trend("velocity", ["pipeline_velocity"])
    win = charts.trend(
        "win-rate",
        ["win_rate", "win_rate_value"],
        title="Win rate",
        labels=["By count", "By value"],
    )
    cycle = charts.trend("cycle", ["sales_cycle_length"])
    deal_size = charts.trend("deal-size", ["average_deal_size"])
    slipped = charts.trend("slipped-deals", ["slipped_deals"], "bar")
    slipped_value = charts.trend("slipped-pipeline", ["slipped_pipeline"], "bar")
    tiles = _tiles(
        charts,
        (open_pipeline, "open_pipeline", 0),
        (coverage, "pipeline_coverage", 0),
        (win, "win_rate", 0),
        (cycle, "sales_cycle_length", 0),
        (velocity, "pipeline_velocity", 0),
    )
    context = {
        "tables": [deals_table(request, caller), deals_table(request, caller, slipped=True)],
        "title": "Pipeline",
        "charts": charts,
        "tiles": tiles,
        "grid": [
            created,
            created_count,
            open_pipeline,
            by_stage,
            coverage,
            velocity,
            win,
            cycle,
            deal_size,
            slipped,
            slipped_value,
        ],
    }
    return render(request, "pipeline.html", context)


# -- marketing ---------------------------------------------------------------------------
@router.get("/marketing")
def marketing(caller: Signed, request: Request) -> Response:
    """Spend by channel, cost per lead, MQL and SQL, CAC, and marketing-sourced pipeline
    and revenue."""
    page = page_for(request, caller)
    charts = page.charts()
    spend = charts.by_member(
        "spend", "marketing_spend", "channel", "stacked_bar", "Marketing spend by channel"
    )
    volume = charts.trend(
        "volume",
        ["leads", "mqls", "sqls"],
        "bar",
        "Leads, MQLs and SQLs",
        labels=["Leads", "MQLs", "SQLs"],
    )
    costs = charts.trend(
        "cost-per",
        ["cost_per_lead", "cost_per_mql", "cost_per_sql"],
        title="Cost per lead, MQL and SQL",
        labels=["Per lead", "Per MQL", "Per SQL"],
    )
    cac = charts.trend(
        "cac",
        ["cac_blended", "cac_paid"],
        title="CAC: blended and paid",
        labels=["Blended", "Paid"],
    )
    cac_by = charts.by_member(
        "cac-paid-by-channel", "cac_paid", "channel", "line", "Paid CAC by channel"
    )
    sourced = charts.by_member(
        "sourced-pipeline",
        "marketing_sourced_pipeline",
        "channel",
        "stacked_bar",
        "Marketing-sourced pipeline by channel",
    )
    revenue_by = charts.by_member(
        "sourced-revenue",
        "marketing_sourced_revenue",
        "channel",
        "stacked_bar",
        "Marketing-sourced revenue by channel",
    )
    share = charts.trend("cost-share", ["marketing_cost_share_of_new_revenue"])
    tiles = _tiles(
        charts,
        (costs, "cost_per_lead", 0),
        (costs, "cost_per_mql", 1),
        (cac, "cac_blended", 0),
        (share, "marketing_cost_share_of_new_revenue", 0),
    )
    context = {
        "title": "Marketing",
        "charts": charts,
        "tiles": tiles,
        "grid": [spend, volume, costs, cac, cac_by, sourced, revenue_by, share],
    }
    return render(request, "marketing.html", context)

"""Forecasts and plans: the stored runs with their totals, targets and the managers'
calls, one period's forecast over time, the deals behind a run, why it moved, and the
plan worked back from the target. Reads come from what runs stored, scoped to the
caller's deals (see ``forecast_totals``); only ``POST /api/forecast/runs`` runs the model.

>>> router.prefix
'/api'
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from revhub.api.caller import Caller, client_ip, guard, hub_of
from revhub.api.forecast_deals import (
    SORTS,
    ForecastDealRow,
    company_movement,
    forecast_deals,
    movement_view,
    reasons_text,
)
from revhub.api.forecast_models import ForecastOut, HistoryOut, RunIn
from revhub.api.forecast_store import (
    StoredRun,
    check_period,
    common_period,
    find_run,
    movement_runs,
    period_actual,
    period_span,
    run_periods,
    stored_runs,
)
from revhub.api.forecast_totals import (
    arr_totals,
    forecast_calls,
    forecast_history,
    forecast_totals,
)
from revhub.api.plan_queries import cached_plan
from revhub.api.problems import PROBLEM_RESPONSES, InvalidParameterError
from revhub.api.routes_records import (
    CSV,
    Format,
    PageNumber,
    PageOut,
    PageSize,
    listing,
    sort_query,
)
from revhub.appdb import audit
from revhub.browse.pages import Page
from revhub.browse.query import fetch_one
from revhub.errors import ForecastError, NotFoundError

router = APIRouter(prefix="/api", tags=["forecast"], responses=PROBLEM_RESPONSES)
Signed = Annotated[Caller, Depends(guard)]
Grain = Literal["month", "quarter"]
MadeOn = Annotated[
    dt.date | None, Query(description="As-of day of a stored run (default: the latest).")
]
PeriodStart = Annotated[
    dt.date | None, Query(description="First day of a period the run forecast.")
]
DealSort = Annotated[str, sort_query(SORTS)]


@router.get("/forecast", response_model=ForecastOut)
def forecast(
    caller: Signed, request: Request, made_on: MadeOn = None, grain: Grain = "quarter"
) -> Any:
    """A stored run: per period the totals beside their targets, and the managers' calls."""
    con = hub_of(request).reader()
    run = find_run(con, grain, made_on)
    periods = [period_span(p, grain) for p in run_periods(con, run)]
    return {
        "run": run,
        "runs": [r.made_on for r in stored_runs(con, grain)],
        "scope": caller.scope.kind,
        "periods": [{"period_start": a, "period_end": b} for a, b in periods],
        "totals": forecast_totals(con, run, caller.scope),
        "calls": forecast_calls(con, run, caller.scope),
        "arr": arr_totals(con, run, caller.scope),
    }


@router.get("/forecast/history", response_model=HistoryOut)
def history(
    caller: Signed, request: Request, period_start: PeriodStart = None, grain: Grain = "quarter"
) -> Any:
    """Every stored forecast of one period (default: the latest run's first), and its
    actual once it has ended."""
    hub = hub_of(request)
    con = hub.reader()
    start = period_start or check_period(con, find_run(con, grain), None)
    runs = forecast_history(con, grain, start, caller.scope)
    if not runs:
        raise NotFoundError(f"stored {grain} forecast of the period starting", start.isoformat())
    return {
        "period_start": start,
        "period_end": period_span(start, grain)[1],
        "grain": grain,
        "actual": period_actual(hub, caller.scope, grain, start),
        "runs": runs,
    }


@router.get("/forecast/deals", response_model=PageOut[ForecastDealRow], responses=CSV)
def deals(
    caller: Signed,
    request: Request,
    made_on: MadeOn = None,
    period_start: PeriodStart = None,
    grain: Grain = "quarter",
    status: Literal["open", "won"] | None = None,
    forecast_category: Annotated[str | None, Query(max_length=40)] = None,
    owner_id: Annotated[str | None, Query(max_length=200)] = None,
    called: Annotated[
        bool | None, Query(description="Only the deals called commit or best case (or not).")
    ] = None,
    sort: DealSort = "risk",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    format: Format = "json",
) -> Any:
    """The deals behind a stored run: P(win), P(won in the period), expected value and
    the reasons; ``sort=risk`` puts first what the model doubts of the deals the CRM
    counts on (commit and best case)."""
    con = hub_of(request).reader()
    run = find_run(con, grain, made_on)
    start = check_period(con, run, period_start)

    def fetch() -> Page[Any]:
        found = forecast_deals(
            con,
            run,
            start,
            caller.scope,
            status=status,
            forecast_category=forecast_category,
            owner_id=owner_id,
            called=called,
            sort=sort,
            page=page,
            page_size=page_size,
        )
        if format == "json":
            return found
        rows = [{**vars(d), "reasons": reasons_text(d.reasons)} for d in found.items]
        return Page(rows, found.total, found.page, found.page_size)

    return listing(request, caller, "forecast_deals", format, fetch)


@router.get("/forecast/movement", response_model=dict[str, Any])
def movement(
    caller: Signed,
    request: Request,
    earlier: MadeOn = None,
    later: MadeOn = None,
    period_start: PeriodStart = None,
    grain: Grain = "quarter",
) -> Any:
    """Why one period's forecast moved between two stored runs (default: the last two),
    step by step, with the deals that moved it."""
    hub = hub_of(request)
    con = hub.reader()
    first, last = movement_runs(con, grain, earlier, later)
    start = common_period(con, first, last, period_start)
    moved = company_movement(hub, first, last, start)
    return movement_view(con, moved, grain, caller.scope)


@router.get("/plan", response_model=dict[str, Any])
def plan(
    caller: Signed,
    request: Request,
    target: Annotated[
        str | None,
        Query(max_length=2000, description='A number, or JSON: {"2026-Q3": 1000000}.'),
    ] = None,
    scenario: Annotated[
        str | None, Query(max_length=1000, description="e.g. win_rate=+2pt, aes.emea=+1")
    ] = None,
    grain: Grain = "quarter",
    periods: Annotated[int, Query(ge=1, le=12)] = 4,
) -> Any:
    """The plan worked back from the target (default: the stored targets): the funnel,
    the AEs and the marketing budget it needs, and the pricing evidence."""
    found = cached_plan(
        hub_of(request), target=target, scenario=scenario, grain=grain, periods=periods
    )
    return found.to_dict()


@router.post("/forecast/runs", response_model=StoredRun, status_code=201)
def store_run(body: RunIn, caller: Signed, request: Request) -> Any:
    """Run the forecast as of a day and store it (replacing a run of the same day and
    grain); takes seconds."""
    hub = hub_of(request)
    first = fetch_one(hub.reader(), "SELECT min(created_date) AS day FROM opportunities")
    if first is None or first["day"] is None or body.as_of < first["day"]:
        since = f"the deals start on {first['day']}" if first and first["day"] else "no deals"
        problem = ForecastError(f"cannot forecast as of {body.as_of}: {since}.")
        raise InvalidParameterError("as_of", problem, "body")
    with hub.computing() as ws:
        ws.forecast.run(body.as_of, grain=body.grain, periods=body.periods, draws=body.draws)
    audit.record(
        hub.database,
        "forecast_run",
        actor=caller.user,
        target=body.as_of.isoformat(),
        detail={"grain": body.grain, "periods": body.periods, "draws": body.draws},
        ip=client_ip(request),
    )
    return find_run(hub.reader(), body.grain, body.as_of)

"""Metrics and scorecards: the same parameters as ``ws.metrics.compute`` and
``revhub scorecard``, scoped to the caller's rows.

>>> router.prefix
'/api'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from revhub.access import HOME_DEPARTMENT
from revhub.api.caller import Caller, client_ip, guard, hub_of
from revhub.api.hub import Hub
from revhub.api.metric_queries import ValuesRequest, find_metric, metric_values, parse_where
from revhub.api.problems import PROBLEM_RESPONSES
from revhub.appdb import audit
from revhub.metrics.core import Metric
from revhub.metrics.scorecard import Scorecard, scorecard

router = APIRouter(prefix="/api", tags=["metrics"], responses=PROBLEM_RESPONSES)
Signed = Annotated[Caller, Depends(guard)]
GrainName = Literal["day", "week", "month", "quarter", "year"]


class MetricOut(BaseModel):
    name: str
    description: str
    formula: str
    unit: str
    direction: str
    department: str
    indicator: str
    grains: list[str]
    dimensions: list[str]
    edge_cases: list[str]


class ValuesOut(BaseModel):
    metric: str
    unit: str
    grain: str
    by: list[str]
    start: dt.date
    end: dt.date
    source: Literal["stored", "computed"] = Field(
        description="stored: read from the last `revhub compute`; computed: computed now."
    )
    rows: list[dict[str, str | float | None]]


def metric_out(metric: Metric) -> MetricOut:
    return MetricOut(
        name=metric.name,
        description=metric.description,
        formula=metric.formula,
        unit=metric.unit,
        direction=metric.direction,
        department=metric.department,
        indicator=metric.indicator,
        grains=list(metric.grains),
        dimensions=list(metric.dimensions),
        edge_cases=list(metric.edge_cases),
    )


def csv_response(rows: list[dict[str, Any]], filename: str) -> Response:
    """Rows as a CSV download."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/metrics", response_model=list[MetricOut])
def list_metrics(caller: Signed, request: Request) -> list[MetricOut]:
    """Every metric the workspace knows, with its definition."""
    return [metric_out(m) for m in hub_of(request).workspace.metrics.list()]


@router.get("/metrics/{name}", response_model=MetricOut)
def get_metric(name: str, caller: Signed, request: Request) -> MetricOut:
    """One metric's definition; an unknown name is a 404 with the nearest names."""
    return metric_out(find_metric(hub_of(request), name))


@router.get(
    "/metrics/{name}/values",
    response_model=ValuesOut,
    responses={200: {"content": {"text/csv": {}}}},
)
def get_values(
    name: str,
    caller: Signed,
    request: Request,
    by: Annotated[list[str], Query(description="Dimensions to slice by.")] = [],  # noqa: B006
    grain: GrainName = "month",
    start: dt.date | None = None,
    end: dt.date | None = None,
    where: Annotated[list[str], Query(description="Filters, dimension:value[,value].")] = [],  # noqa: B006
    format: Literal["json", "csv"] = "json",
) -> Any:
    """A metric's values per period (and per member of each ``by`` dimension)."""
    hub = hub_of(request)
    asked = ValuesRequest(name, tuple(by), grain, start, end, parse_where(where))
    values = metric_values(hub, caller.scope, asked)
    if format == "csv":
        audit.record(
            hub.database,
            "export",
            actor=caller.user,
            target=f"metric {name}",
            detail={"by": by, "grain": grain},
            ip=client_ip(request),
        )
        return csv_response(values.rows, f"{name}.csv")
    return ValuesOut(
        metric=values.metric.name,
        unit=values.metric.unit,
        grain=grain,
        by=list(by),
        start=values.start,
        end=values.end,
        source=values.source,
        rows=values.rows,
    )


class ScorecardRowOut(BaseModel):
    metric: str
    label: str
    unit: str
    direction: str
    indicator: str
    period: dt.date
    actual: float | None
    target: float | None
    target_to_date: float | None
    attainment: float | None
    status: str
    trend_periods: list[dt.date]
    trend_values: list[float | None]
    trend_direction: str | None
    note: str


class ScorecardOut(BaseModel):
    as_of: dt.date
    grain: str
    period_start: dt.date
    period_end: dt.date
    elapsed: float
    team: str | None
    departments: dict[str, list[ScorecardRowOut]]


def scorecard_out(card: Scorecard) -> ScorecardOut:
    return ScorecardOut(
        as_of=card.as_of,
        grain=card.grain,
        period_start=card.period_start,
        period_end=card.period_end,
        elapsed=card.elapsed,
        team=card.team,
        departments={
            name: [
                ScorecardRowOut(
                    metric=r.metric,
                    label=r.label,
                    unit=r.unit,
                    direction=r.direction,
                    indicator=r.indicator,
                    period=r.period,
                    actual=r.actual,
                    target=r.target,
                    target_to_date=r.target_to_date,
                    attainment=r.attainment,
                    status=r.status,
                    trend_periods=list(r.trend.periods),
                    trend_values=list(r.trend.values),
                    trend_direction=r.trend.direction,
                    note=r.note,
                )
                for r in rows
            ]
            for name, rows in card.departments.items()
        },
    )


def caller_scorecard(
    request: Request, caller: Caller, department: str, grain: str, as_of: dt.date | None
) -> Scorecard:
    """The scorecard a caller may see: sales reps and managers see their own team's."""
    hub = hub_of(request)
    team = own_team(hub, caller) if caller.scope.kind in ("owner", "team") else None
    key = ("scorecard", department, team, grain, as_of)

    def build() -> Scorecard:
        with hub.computing() as ws:
            return scorecard(
                ws,
                department=None if department == "all" else department,
                team=team,
                as_of=as_of,
                grain=grain,  # type: ignore[arg-type]
            )

    card: Scorecard = hub.cached(key, build)
    return card


@router.get("/scorecards/{department}", response_model=ScorecardOut)
def get_scorecard(
    department: Literal[
        "all", "company", "marketing", "sales", "customer_success", "partners", "finance"
    ],
    caller: Signed,
    request: Request,
    grain: Literal["month", "quarter", "year"] = "month",
    as_of: dt.date | None = None,
) -> ScorecardOut:
    """A department's scorecard (``all`` for every department) against its targets."""
    return scorecard_out(caller_scorecard(request, caller, department, grain, as_of))


def own_team(hub: Hub, caller: Caller) -> str | None:
    """The name of the team the caller's CRM user belongs to."""
    if not caller.user.crm_user_id:
        return None
    row = (
        hub.reader()
        .execute(
            "SELECT t.name FROM users u JOIN teams t ON t.team_id = u.team_id WHERE u.user_id = ?",
            [caller.user.crm_user_id],
        )
        .fetchone()
    )
    return str(row[0]) if row else None


def home_department(caller: Caller) -> str:
    """The department a caller's overview opens on."""
    return HOME_DEPARTMENT[caller.role]

"""Scorecards: each department's key metrics for one period, against their targets.

A department's scorecard lists every metric of that department with a target for the
period, plus the key metrics it always watches (``DEPARTMENT_METRICS``), leading
indicators first, then lagging. Each row holds the actual, the target, the attainment,
a status and the trend of the previous periods.

- **Attainment** is actual ÷ target, or target ÷ actual where lower is better; it is
  undefined when the divisor is not positive (then the status compares the two directly).
- **Status**: attainment ≥ ``[metrics] on_track`` (1.0) is ``on_track``; ≥ ``at_risk``
  (0.9) is ``at_risk``; below is ``off_track``. ``no_target`` without a target,
  ``no_data`` when the actual is undefined (a rate without a denominator) or the metric
  cannot be measured for the scope, ``not_rated`` for a neutral metric.
- **The running period** (as-of date before the period's last day): a *flow* (a sum or
  count that adds up day by day: bookings, MQLs) is compared with its target pro-rated
  by elapsed days; a *snapshot* (ARR on the closing day) or a *rate* (win rate, NRR) with
  the full target. ``target`` is always the whole period's; ``target_to_date`` is what
  the actual was compared with.
- **Trend**: the previous ``trend_periods`` periods' actuals (oldest first) and their
  direction — up or down when a least-squares line over them moves more than 5% of their
  mean size across the window, else flat.
- **A team's scorecard** shows that team's targets and computes each actual for the
  team (``where={"team": ...}``, plus a target's segment or region); a targeted metric
  that cannot be sliced by team gets ``no_data`` and a note, a key metric that cannot is
  left out.
- **Partners**: no metric is the partner department's own yet, so its rows are
  pipeline and bookings sourced through the partner channel
  (``where={"channel": "partner"}``), noted on each row.

>>> attainment_status(95.0, 100.0, "higher", on_track=1.0, at_risk=0.9)
(0.95, 'at_risk')
>>> attainment_status(40.0, 50.0, "lower", on_track=1.0, at_risk=0.9)
(1.25, 'on_track')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import ibis

from revhub.errors import MetricError, did_you_mean
from revhub.metrics.compute import metric_values
from revhub.metrics.core import DEPARTMENT_ORDER, Direction, Formula, Grain, Metric
from revhub.metrics.frame import Frame, Materialise
from revhub.metrics.periods import EARLIEST_DAY, Period, add_months, period_start, periods
from revhub.metrics.targets import TargetGrain, read_targets

if TYPE_CHECKING:
    from revhub.workspace import Workspace

Status = Literal["on_track", "at_risk", "off_track", "no_target", "no_data", "not_rated"]
TrendDirection = Literal["up", "down", "flat"]
SCORECARD_GRAINS: tuple[Grain, ...] = ("month", "quarter", "year")
FLAT_WITHIN = 0.05
_ACRONYMS = {
    "arr": "ARR",
    "mrr": "MRR",
    "nps": "NPS",
    "csat": "CSAT",
    "cac": "CAC",
    "ltv": "LTV",
    "mqls": "MQLs",
    "sqls": "SQLs",
    "arpa": "ARPA",
    "mql": "MQL",
    "sql": "SQL",
}
_PARTNER = {"channel": "partner"}
_PARTNER_NOTE = "Partner-sourced: the metric for deals whose channel is `partner`."


@dataclass(frozen=True)
class Line:
    """A metric a department watches, optionally narrowed (``where``) and relabelled."""

    metric: str
    where: Mapping[str, str] = field(default_factory=dict)
    label: str = ""
    note: str = ""


DEPARTMENT_METRICS: dict[str, tuple[Line, ...]] = {
    "company": (
        Line("arr"),
        Line("net_new_mrr"),
        Line("paying_customers"),
        Line("new_bookings"),
        Line("net_revenue_retention"),
        Line("gross_margin"),
    ),
    "marketing": (
        Line("leads"),
        Line("mqls"),
        Line("sqls"),
        Line("marketing_sourced_pipeline"),
        Line("marketing_spend"),
        Line("cost_per_mql"),
        Line("cac_blended"),
    ),
    "sales": (
        Line("pipeline_created"),
        Line("pipeline_coverage"),
        Line("pipeline_velocity"),
        Line("win_rate"),
        Line("sales_cycle_length"),
        Line("new_bookings"),
    ),
    "customer_success": (
        Line("nps"),
        Line("csat"),
        Line("tickets_per_account"),
        Line("renewal_rate"),
        Line("net_revenue_retention"),
        Line("gross_revenue_retention"),
        Line("logo_churn_rate"),
    ),
    "partners": (
        Line("pipeline_created", _PARTNER, "Partner-sourced pipeline", _PARTNER_NOTE),
        Line("new_bookings", _PARTNER, "Partner-sourced bookings", _PARTNER_NOTE),
    ),
    "finance": (
        Line("recognised_revenue"),
        Line("revenue_growth"),
        Line("gross_margin"),
        Line("cac_payback_months"),
        Line("ltv_to_cac"),
    ),
}


@dataclass(frozen=True)
class Trend:
    """The previous periods' actuals (oldest first) and where they head."""

    periods: tuple[dt.date, ...]
    values: tuple[float | None, ...]
    direction: TrendDirection | None


@dataclass(frozen=True)
class ScorecardRow:
    """One metric on a department's scorecard."""

    department: str
    metric: str
    label: str
    unit: str
    direction: Direction
    indicator: str
    period: dt.date
    actual: float | None
    target: float | None
    target_to_date: float | None
    attainment: float | None
    status: Status
    trend: Trend
    where: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Scorecard:
    """Every department's rows for the period [period_start, period_end] holding
    ``as_of``; ``elapsed`` is the share of its days up to ``as_of`` (1.0 once finished)."""

    as_of: dt.date
    grain: Grain
    period_start: dt.date
    period_end: dt.date
    elapsed: float
    team: str | None
    departments: dict[str, list[ScorecardRow]]
    unknown_metrics: tuple[str, ...] = ()  # named by targets, but not metrics revhub knows

    @property
    def rows(self) -> list[ScorecardRow]:
        """All rows, department by department."""
        return [row for rows in self.departments.values() for row in rows]


@dataclass(frozen=True)
class _Run:
    """What every row of one scorecard shares."""

    frame: Frame
    calendar: list[Period]
    elapsed: float
    on_track: float
    at_risk: float


def scorecard(
    ws: Workspace,
    department: str | None = None,
    team: str | None = None,
    as_of: dt.date | None = None,
    grain: Grain = "month",
    *,
    trend_periods: int = 6,
) -> Scorecard:
    """The scorecard of ``department`` (every department when None; a team's own when
    ``team`` is given) for the ``grain`` period holding ``as_of`` (default: the last
    complete day, ``ws.metrics.default_end()``)."""
    if grain not in SCORECARD_GRAINS:
        raise MetricError("*", f"scorecards are by {', '.join(SCORECARD_GRAINS)}, not `{grain}`.")
    as_of = as_of or ws.metrics.default_end()
    if as_of < EARLIEST_DAY.replace(year=EARLIEST_DAY.year + 10):
        raise MetricError("*", f"no scorecard as of {as_of}: pick a day after {EARLIEST_DAY}.")
    chosen = _team(ws, team) if team else None
    departments = _departments(department, chosen)
    first = _shift(period_start(as_of, grain), grain, trend_periods)
    calendar = periods(grain, first, as_of)
    current = calendar[-1]
    elapsed = ((as_of - current.start).days + 1) / (current.next_start - current.start).days
    frame = ws.metrics.frame(grain, first, as_of, materialise=_temporary(ws, grain))
    settings = ws.settings.metrics
    run = _Run(frame, calendar, elapsed, settings.on_track, settings.at_risk)
    scoped = _period_targets(ws, grain, current.start, chosen)
    known = {metric.name for metric in ws.metrics.list()}
    targets = [t for t in scoped if t["metric"] in known]
    unknown = tuple(sorted({t["metric"] for t in scoped} - known))
    team_only = chosen is not None and len(departments) == 1  # all of the team's targets
    out: dict[str, list[ScorecardRow]] = {}
    for name in departments:
        rows = [
            _row(ws.metrics.get(line.metric), line, target, scope, name, run)
            for line, target, scope in _lines(ws, name, targets, chosen, everything=team_only)
        ]
        out[name] = sorted(rows, key=lambda r: r.indicator != "leading")
    last_day = current.next_start - dt.timedelta(days=1)
    team_name = str(chosen["name"]) if chosen else None
    return Scorecard(as_of, grain, current.start, last_day, elapsed, team_name, out, unknown)


def attainment_status(
    actual: float | None,
    target: float | None,
    direction: Direction,
    *,
    on_track: float,
    at_risk: float,
) -> tuple[float | None, Status]:
    """Attainment and status of ``actual`` against ``target`` (see the module docstring)."""
    if target is None:
        return None, "no_target"
    if actual is None:
        return None, "no_data"
    if direction == "neutral":
        return (actual / target if target else None), "not_rated"
    numerator, denominator = (actual, target) if direction == "higher" else (target, actual)
    if denominator <= 0 or numerator < 0:
        met = actual >= target if direction == "higher" else actual <= target
        return None, "on_track" if met else "off_track"
    attainment = numerator / denominator
    if attainment >= on_track:
        return attainment, "on_track"
    return attainment, "at_risk" if attainment >= at_risk else "off_track"


def is_flow(metric: Metric) -> bool:
    """Whether the metric adds up over the days of a period (so a running period's
    target is pro-rated): a sum or count that is not a closing-day snapshot."""
    if isinstance(metric.measure, Formula) or not metric.measure.additive:
        return False
    return not metric.snapshot


def trend_direction(values: Sequence[float | None]) -> TrendDirection | None:
    """Up, down or flat: the least-squares slope over the defined values, times the
    window, against their mean size; None with fewer than two values.

    >>> trend_direction([10, 11, 12, 13]), trend_direction([10, 10.1, 9.9]), trend_direction([5])
    ('up', 'flat', None)
    """
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return None
    mean_x = sum(i for i, _ in points) / len(points)
    mean_y = sum(v for _, v in points) / len(points)
    spread = sum((i - mean_x) ** 2 for i, _ in points)
    slope = sum((i - mean_x) * (v - mean_y) for i, v in points) / spread
    size = sum(abs(v) for _, v in points) / len(points)
    change = slope * (points[-1][0] - points[0][0])
    if size == 0 or abs(change) <= FLAT_WITHIN * size:
        return "flat"
    return "up" if change > 0 else "down"


def label(name: str) -> str:
    """A metric's name as a heading.

    >>> label("net_revenue_retention"), label("cac_payback_months"), label("mqls")
    ('Net revenue retention', 'CAC payback months', 'MQLs')
    """
    words = [_ACRONYMS.get(word, word) for word in name.split("_")]
    first = words[0] if words[0].isupper() or words[0][:-1].isupper() else words[0].capitalize()
    return " ".join([first, *words[1:]])


# -- what goes on a department's scorecard -----------------------------------------------
def _departments(department: str | None, team: Mapping[str, Any] | None) -> list[str]:
    if department is None and team is not None and team["department"] in DEPARTMENT_ORDER:
        return [team["department"]]
    if department is None:
        return list(DEPARTMENT_ORDER)
    if department not in DEPARTMENT_ORDER:
        hint = did_you_mean(department, DEPARTMENT_ORDER)
        raise MetricError(
            "*", f"no `{department}` scorecard.{hint} Use one of {', '.join(DEPARTMENT_ORDER)}."
        )
    return [department]


def _team(ws: Workspace, team: str) -> dict[str, Any]:
    teams = ws.table("teams").select("team_id", "name", "department").to_pyarrow().to_pylist()
    for row in teams:
        if team in (row["team_id"], row["name"]) or team.casefold() == row["name"].casefold():
            return dict(row)
    hint = did_you_mean(team, [row["name"] for row in teams])
    raise MetricError("*", f"no team `{team}` for the scorecard.{hint}")


def _home(ws: Workspace, name: str) -> str:
    """The scorecard a metric's targets appear on: its department's (company's for a
    department without a scorecard)."""
    department = ws.metrics.get(name).department
    return department if department in DEPARTMENT_ORDER else "company"


def _period_targets(
    ws: Workspace, grain: Grain, start: dt.date, team: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """The period's company-wide targets, or the team's (any segment or region)."""
    target_grain = cast(TargetGrain, grain)
    rows = read_targets(ws, grain=target_grain, start=start, end=start).to_pylist()
    if team is None:
        return [r for r in rows if r["team_id"] is None and not r["segment"] and not r["region"]]
    return [r for r in rows if r["team_id"] == team["team_id"]]


def _lines(
    ws: Workspace,
    department: str,
    targets: list[dict[str, Any]],
    team: Mapping[str, Any] | None,
    *,
    everything: bool,
) -> list[tuple[Line, float | None, dict[str, str]]]:
    """The department's lines as (line, target, the scope's filters): its key metrics in
    order (each with its targets, if any), then its other targeted metrics; with
    ``everything``, every target given (a team's own scorecard)."""
    lines: list[tuple[Line, float | None, dict[str, str]]] = []
    team_scope = {"team": str(team["name"])} if team is not None else {}
    for line in DEPARTMENT_METRICS[department]:
        theirs = [t for t in targets if t["metric"] == line.metric and not line.where]
        lines += [(line, t["value"], _scope(t)) for t in theirs]
        if theirs:
            continue
        if team is not None and "team" not in ws.metrics.get(line.metric).dimensions:
            continue  # a team scorecard shows only what can be measured for the team
        lines.append((line, None, team_scope))
    listed = {line.metric for line in DEPARTMENT_METRICS[department]}
    for target in targets:
        mine = everything or _home(ws, target["metric"]) == department
        if mine and target["metric"] not in listed:
            lines.append((Line(target["metric"]), target["value"], _scope(target)))
    return lines


def _scope(target: Mapping[str, Any]) -> dict[str, str]:
    """The filters that compute a target's actual: its team, segment and region."""
    scope = {"team": str(target["team"])} if target["team_id"] else {}
    return scope | {k: str(target[k]) for k in ("segment", "region") if target[k]}


# -- one row -----------------------------------------------------------------------------
def _row(
    metric: Metric,
    line: Line,
    target: float | None,
    scope: Mapping[str, str],
    department: str,
    run: _Run,
) -> ScorecardRow:
    where = {**line.where, **scope}
    missing = [k for k in where if k not in metric.dimensions]
    note = line.note
    values: list[float | None] = [None] * len(run.calendar)
    if missing:
        note = f"Cannot be measured by {', '.join(missing)}: the metric offers no such slice."
    elif run.frame.grain not in metric.grains:
        note = f"Not measured by {run.frame.grain}."
    else:
        values = _values(metric, run.frame, where, run.calendar)
    actual, previous = values[-1], values[:-1]
    prorate = target is not None and run.elapsed < 1.0 and is_flow(metric)
    to_date = target * run.elapsed if prorate and target is not None else target
    attainment, status = attainment_status(
        actual, to_date, metric.direction, on_track=run.on_track, at_risk=run.at_risk
    )
    return ScorecardRow(
        department=department,
        metric=metric.name,
        label=line.label or label(metric.name),
        unit=metric.unit,
        direction=metric.direction,
        indicator=metric.indicator,
        period=run.calendar[-1].start,
        actual=actual,
        target=target,
        target_to_date=to_date,
        attainment=attainment,
        status=status,
        trend=Trend(
            tuple(p.start for p in run.calendar[:-1]), tuple(previous), trend_direction(previous)
        ),
        where=dict(where),
        note=note,
    )


def _values(
    metric: Metric, frame: Frame, where: Mapping[str, str], calendar: list[Period]
) -> list[float | None]:
    table = metric_values(metric, frame, where=where).to_pyarrow().to_pylist()
    by_period = {row["period"]: row["value"] for row in table}
    return [_defined(by_period.get(p.start)) for p in calendar]


def _defined(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)


def _temporary(ws: Workspace, grain: Grain) -> Materialise:
    """Store each shared intermediate (MRR snapshots, deal facts) once, as a temporary
    table, so the rows of one scorecard do not rebuild them."""

    def store(name: str, table: ibis.Table) -> ibis.Table:
        return ws.con.create_table(
            f"_rh_scorecard_{name}_{grain}", table, temp=True, overwrite=True
        )

    return store


def _shift(start: dt.date, grain: Grain, periods_back: int) -> dt.date:
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    return add_months(start, -periods_back * months)

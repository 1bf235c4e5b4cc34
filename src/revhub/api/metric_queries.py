"""Metric values for the API and the dashboard: scoped to the caller's rows, answered from
the stored results of ``revhub compute`` when they hold the answer, computed live otherwise.

A sales rep's numbers are the metric sliced to their own name as owner, a manager's to
their teams, partner ops' to partner-sourced companies; a metric that cannot be sliced
that way is not theirs to see. Stored results are used only for the whole company
(scope ``all``, no filter), monthly, by at most one stored dimension and inside the stored
range — the same numbers ``ws.metrics.compute`` returns, read instead of recomputed.

>>> parse_where(["segment:enterprise,smb", "region=emea"])
{'segment': ['enterprise', 'smb'], 'region': ['emea']}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from revhub.access import RowScope
from revhub.api.hub import Hub
from revhub.api.problems import UnknownMetricError, suggestions
from revhub.errors import MetricError, OutOfScopeError
from revhub.metrics.core import Grain, Metric
from revhub.metrics.periods import default_start
from revhub.resolve.db import table_exists as has_table

Row = dict[str, str | float | None]


@dataclass(frozen=True)
class ValuesRequest:
    """What ``ws.metrics.compute`` takes, as the API receives it."""

    name: str
    by: tuple[str, ...] = ()
    grain: Grain = "month"
    start: dt.date | None = None
    end: dt.date | None = None
    where: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Values:
    """A metric's values: one row per period and member of each ``by`` dimension."""

    metric: Metric
    request: ValuesRequest
    start: dt.date
    end: dt.date
    rows: list[Row]
    source: str  # "stored" or "computed"


def parse_where(items: Sequence[str]) -> dict[str, list[str]]:
    """``dimension:value[,value]`` (or ``=``) filters, one per item."""
    where: dict[str, list[str]] = {}
    for item in items:
        name, sep, values = item.partition(":") if ":" in item else item.partition("=")
        if not sep or not name.strip() or not values.strip():
            raise MetricError(
                "*",
                f"cannot read the filter `{item}`: write dimension:value[,value], "
                "e.g. segment:enterprise,mid_market.",
            )
        where.setdefault(name.strip(), []).extend(v.strip() for v in values.split(","))
    return where


def find_metric(hub: Hub, name: str) -> Metric:
    """The metric, or a 404 with the nearest names."""
    metrics = hub.workspace.metrics
    try:
        return metrics.get(name)
    except MetricError:
        raise UnknownMetricError(
            name, suggestions(name, [m.name for m in metrics.list()])
        ) from None


def _scoped(
    metric: Metric, scope: RowScope, where: dict[str, list[str]], hub: Hub
) -> dict[str, list[str]]:
    """``where`` narrowed to the caller's rows."""
    if scope.is_all:
        return where
    dimension, members = {
        "owner": ("owner", sorted(scope.owner_names)),
        "team": ("team", sorted(scope.team_names)),
        "partner": ("partner", _partner_names(hub)),
    }[scope.kind]
    if dimension not in metric.dimensions:
        raise OutOfScopeError(metric.name, dimension)
    asked = where.get(dimension)
    allowed = [m for m in asked if m in members] if asked else members
    return {**where, dimension: allowed or ["\x00none"]}


def _partner_names(hub: Hub) -> list[str]:
    rows = hub.reader().execute("SELECT DISTINCT name FROM partners ORDER BY 1").fetchall()
    return [str(r[0]) for r in rows]


def metric_values(hub: Hub, scope: RowScope, request: ValuesRequest) -> Values:
    """The values of ``request`` as ``scope`` may see them (remembered until the data
    changes: many people open the same charts)."""
    where = tuple(sorted((k, tuple(v)) for k, v in request.where.items()))
    key = (
        "values",
        scope,
        request.name,
        request.by,
        request.grain,
        request.start,
        request.end,
        where,
    )
    return hub.cached(key, lambda: _metric_values(hub, scope, request))


def _metric_values(hub: Hub, scope: RowScope, request: ValuesRequest) -> Values:
    metric = find_metric(hub, request.name)
    where = _scoped(metric, scope, request.where, hub)
    end = request.end or hub.default_end()
    start = request.start or default_start(request.grain, end)
    stored = None if where else _stored(hub, metric, request, start, end)
    if stored is not None:
        return Values(metric, request, start, end, stored, "stored")
    with hub.computing() as ws:
        table = ws.metrics.compute(
            metric.name,
            by=request.by,
            grain=request.grain,
            start=start,
            end=end,
            where=where or None,
            output="arrow",
        )
    return Values(metric, request, start, end, [_row(r) for r in table.to_pylist()], "computed")


def _row(record: dict[str, Any]) -> Row:
    out: Row = {}
    for key, value in record.items():
        if isinstance(value, dt.date | dt.datetime):
            out[key] = value.isoformat()[:10] if key == "period" else value.isoformat()
        elif value is None or isinstance(value, str | float):
            out[key] = value
        else:
            out[key] = float(value) if isinstance(value, int) and key == "value" else str(value)
    return out


def _stored(
    hub: Hub, metric: Metric, request: ValuesRequest, start: dt.date, end: dt.date
) -> list[Row] | None:
    """The stored rows answering ``request``, or None when they do not hold the answer."""
    stored_dimensions = metric.always_by[:1] or ("", *metric.default_dimensions)
    dimension = request.by[0] if request.by else ""
    if request.grain != "month" or len(request.by) > 1 or dimension not in stored_dimensions:
        return None
    con = hub.reader()
    if not has_table(con, "metrics", "runs"):
        return None
    run = con.execute(
        "SELECT start_date, end_date FROM metrics.runs ORDER BY computed_at DESC LIMIT 1"
    ).fetchone()
    if run is None or start < run[0] or end != run[1]:
        return None
    rows = con.execute(
        "SELECT period, member, value FROM metrics.results WHERE metric = ? AND grain = "
        "'month' AND period BETWEEN ? AND ? AND coalesce(dimension, '') = ? "
        "ORDER BY period, member NULLS FIRST",
        [metric.name, start.replace(day=1), end, dimension],
    ).fetchall()
    if dimension:
        return [{"period": p.isoformat(), dimension: m, "value": v} for p, m, v in rows]
    return [{"period": p.isoformat(), "value": v} for p, _, v in rows]

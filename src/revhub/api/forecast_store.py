"""The stored forecast runs the API and the dashboard read: which runs exist, one run's
periods, and the SQL keeping a caller to the deals of their scope.

Pages and endpoints read what ``revhub forecast run`` (or ``POST /api/forecast/runs``)
stored in ``forecast_runs``, ``forecast_snapshots`` and ``forecast_deal_snapshots``;
nothing is fitted while a request waits. A sales rep or a sales manager sees the deals
whose owner on the run's as-of day is in their scope (``owner_in_scope``).

>>> import duckdb
>>> stored_runs(duckdb.connect(), "quarter")
[]
>>> period_span(dt.date(2026, 7, 1), "quarter")
(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Literal

import duckdb

from revhub.access import RowScope
from revhub.api.hub import Hub
from revhub.api.metric_queries import ValuesRequest, metric_values
from revhub.browse.companies import among
from revhub.browse.query import Query, fetch, table_exists
from revhub.errors import NotFoundError, OutOfScopeError
from revhub.forecast.snapshots import MODEL_METHOD
from revhub.metrics.periods import next_period_start

ForecastGrain = Literal["month", "quarter"]
NO_RUN_HINT = " Store one with `revhub forecast run` (or POST /api/forecast/runs)."


@dataclass(frozen=True)
class StoredRun:
    """One stored forecast run (a row of ``forecast_runs``)."""

    made_on: dt.date
    period_grain: str
    periods: int
    win_method: str
    closed_deals: int
    won_deals: int
    open_deals: int
    draws: int
    shock_sigma: float
    seconds: float
    run_at: dt.datetime


def has_forecasts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the workspace has the forecast tables at all (older workspaces do not)."""
    return all(
        table_exists(con, "main", name)
        for name in ("forecast_runs", "forecast_snapshots", "forecast_deal_snapshots")
    )


def stored_runs(con: duckdb.DuckDBPyConnection, grain: str) -> list[StoredRun]:
    """Every stored run of ``grain``, newest first."""
    if not has_forecasts(con):
        return []
    rows = fetch(
        con,
        """SELECT made_on, period_grain, periods, win_method, closed_deals, won_deals,
                  open_deals, draws, shock_sigma, seconds, run_at
           FROM forecast_runs WHERE period_grain = $grain ORDER BY made_on DESC""",
        {"grain": grain},
    )
    # DuckDB returns the stored UTC timestamp naive; say it is UTC.
    return [StoredRun(**{**row, "run_at": row["run_at"].replace(tzinfo=dt.UTC)}) for row in rows]


def find_run(
    con: duckdb.DuckDBPyConnection, grain: str, made_on: dt.date | None = None
) -> StoredRun:
    """The run of ``grain`` made on ``made_on`` (default: the latest), or NotFoundError
    naming the runs there are."""
    runs = stored_runs(con, grain)
    found = [r for r in runs if made_on is None or r.made_on == made_on]
    if found:
        return found[0]
    days = ", ".join(r.made_on.isoformat() for r in runs[:10])
    hint = f" Stored {grain} runs: {days}." if runs else NO_RUN_HINT
    key = made_on.isoformat() if made_on else "latest"
    raise NotFoundError(f"{grain} forecast run", key, hint)


def period_span(start: dt.date, grain: ForecastGrain | str) -> tuple[dt.date, dt.date]:
    """The first and last day of the period of ``grain`` starting on ``start``."""
    following = next_period_start(start, "month" if grain == "month" else "quarter")
    return start, following - dt.timedelta(days=1)


def run_periods(con: duckdb.DuckDBPyConnection, run: StoredRun) -> list[dt.date]:
    """The first days of the periods ``run`` forecast, in order."""
    rows = fetch(
        con,
        """SELECT DISTINCT period_start FROM forecast_snapshots
           WHERE made_on = $made_on AND period_grain = $grain AND method = $method
           ORDER BY period_start""",
        {"made_on": run.made_on, "grain": run.period_grain, "method": MODEL_METHOD},
    )
    return [row["period_start"] for row in rows]


def check_period(
    con: duckdb.DuckDBPyConnection, run: StoredRun, period_start: dt.date | None
) -> dt.date:
    """``period_start`` if ``run`` forecast it (default: its first period), else
    NotFoundError naming the periods it did."""
    periods = run_periods(con, run)
    if period_start is None and periods:
        return periods[0]
    if period_start in periods:
        return period_start
    listed = ", ".join(p.isoformat() for p in periods) or "none"
    raise NotFoundError(
        f"period of the run made on {run.made_on}",
        str(period_start),
        f" It forecast the periods starting {listed}.",
    )


def owner_in_scope(scope: RowScope, query: Query, alias: str = "d") -> None:
    """Keep the deal snapshots (``alias``) whose owner ``scope`` sees; every row for a
    scope of all rows. A partner scope sees no forecast (the area is not theirs)."""
    if scope.is_all:
        return
    query.where(among(f"{alias}.owner_id", query.bind_ids(scope.user_ids)))


def scope_team_ids(con: duckdb.DuckDBPyConnection, scope: RowScope) -> list[str]:
    """The ids of the teams a manager's scope covers (none for other scopes)."""
    if scope.kind != "team" or not scope.team_names:
        return []
    query = Query()
    names = query.bind_ids(scope.team_names)
    sql = f"SELECT team_id FROM teams WHERE {among('name', names)} ORDER BY team_id"
    return [row["team_id"] for row in fetch(con, sql, query.params)]


def period_actual(hub: Hub, scope: RowScope, grain: str, period_start: dt.date) -> float | None:
    """New bookings of a period once it has ended (the metric ``new_bookings``, as
    ``scope`` may see it); None before, or when the caller may not see it."""
    first, last = period_span(period_start, grain)
    if last > hub.default_end():
        return None
    asked = ValuesRequest("new_bookings", (), "quarter" if grain == "quarter" else "month")
    asked = dataclasses.replace(asked, start=first, end=last)
    try:
        values = metric_values(hub, scope, asked)
    except OutOfScopeError:
        return None
    found = [r["value"] for r in values.rows if str(r["period"])[:10] == first.isoformat()]
    value = found[0] if found else None
    return float(value) if isinstance(value, int | float) and value == value else None


def movement_runs(
    con: duckdb.DuckDBPyConnection,
    grain: str,
    earlier: dt.date | None,
    later: dt.date | None,
) -> tuple[StoredRun, StoredRun]:
    """The two runs to compare: as asked, else the latest and the run before it."""
    late = find_run(con, grain, later)
    if earlier is not None:
        return find_run(con, grain, earlier), late
    before = [r for r in stored_runs(con, grain) if r.made_on < late.made_on]
    if not before:
        raise NotFoundError(
            f"{grain} forecast run before", late.made_on.isoformat(), " A movement needs two."
        )
    return before[0], late


def common_period(
    con: duckdb.DuckDBPyConnection,
    earlier: StoredRun,
    later: StoredRun,
    period_start: dt.date | None,
) -> dt.date:
    """``period_start`` if both runs forecast it (default: the first such period)."""
    both = [p for p in run_periods(con, later) if p in set(run_periods(con, earlier))]
    if period_start is None and both:
        return both[0]
    if period_start in both:
        return period_start
    listed = ", ".join(p.isoformat() for p in both) or "none"
    raise NotFoundError(
        f"period forecast on both {earlier.made_on} and {later.made_on}",
        str(period_start or "any"),
        f" Periods both forecast: {listed}.",
    )

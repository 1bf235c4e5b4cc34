"""One stored run's totals beside their targets, the managers' calls beside the model,
and one period's forecast over the runs — as a caller's scope may see them.

**Totals** (``forecast_totals``), per period: ``closed`` (won in the period before the
run's day), ``open`` (Σ open deal amount × P(won in the period)), ``to_come`` (the rest
of the mean: deals not created yet), ``mean``, ``p10`` and ``p90``, and the stored
``new_bookings`` ``target`` of the same period and group. With every row in scope these
are the model's (``basis`` ``model``) for the company and each team, segment and region.
A sales rep's or manager's totals are their deals' part (``basis`` ``deals``): closed +
open, without the pipeline to come or a P10–P90 range, which are simulated only for the
company and its groups; a manager also gets the model rows of the teams they manage.

**Calls** (``forecast_calls``): the CRM forecast categories rolled up by manager
(``revhub.forecast.calls.roll_up``) from the deals the run stored; ``all`` is every deal
the caller sees; a scoped caller gets only managers inside their scope.

>>> GROUPING_SQL.startswith("CASE")
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from revhub.access import RowScope
from revhub.api.forecast_store import (
    StoredRun,
    owner_in_scope,
    period_span,
    run_periods,
    scope_team_ids,
)
from revhub.browse.query import Query, fetch
from revhub.forecast.calls import roll_up
from revhub.forecast.snapshots import ARR_METHOD, MODEL_METHOD

GROUPING_SQL = (
    "CASE WHEN team_id IS NOT NULL THEN 'team_id' "
    "WHEN segment IS NOT NULL AND region IS NULL THEN 'segment' "
    "WHEN region IS NOT NULL AND segment IS NULL THEN 'region' "
    "WHEN segment IS NULL AND region IS NULL THEN 'company' END"
)
_MEMBER_SQL = "coalesce(team_id, segment, region, 'all')"
_GROUP_ORDER = {"company": 0, "yours": 0, "segment": 1, "region": 2, "team_id": 3}


def _stored(metric: str, method: str) -> str:
    """SQL of one run's stored forecast of ``metric`` by ``method`` per period and group,
    and the stored targets of ``metric`` (CTEs ``s`` and ``t``)."""
    return f"""
s AS (
    SELECT period_start, {GROUPING_SQL} AS grouping, {_MEMBER_SQL} AS member,
           value AS mean, low AS p10, high AS p90
    FROM forecast_snapshots
    WHERE made_on = $made_on AND period_grain = $grain AND method = '{method}'
      AND metric = '{metric}'),
t AS (
    SELECT period_start, {GROUPING_SQL} AS grouping, {_MEMBER_SQL} AS member,
           sum(value) AS target
    FROM targets WHERE metric = '{metric}' AND period_grain = $grain GROUP BY ALL)"""


_MODEL_TOTALS = f"""
WITH {_stored("new_bookings", MODEL_METHOD)},
d AS (
    SELECT period_start, status, expected, team_id, segment, region
    FROM forecast_deal_snapshots WHERE made_on = $made_on AND period_grain = $grain),
parts AS (
    SELECT period_start, 'company' AS grouping, 'all' AS member, status, expected FROM d
    UNION ALL SELECT period_start, 'team_id', team_id, status, expected FROM d
        WHERE team_id IS NOT NULL
    UNION ALL SELECT period_start, 'segment', segment, status, expected FROM d
        WHERE segment IS NOT NULL
    UNION ALL SELECT period_start, 'region', region, status, expected FROM d
        WHERE region IS NOT NULL),
p AS (
    SELECT period_start, grouping, member,
           coalesce(sum(expected) FILTER (WHERE status = 'won'), 0) AS closed,
           coalesce(sum(expected) FILTER (WHERE status = 'open'), 0) AS open
    FROM parts GROUP BY ALL)
SELECT s.period_start, s.grouping, s.member, coalesce(tm.name, s.member) AS name,
       coalesce(p.closed, 0) AS closed, coalesce(p.open, 0) AS open,
       s.mean - coalesce(p.closed, 0) - coalesce(p.open, 0) AS to_come,
       s.mean, s.p10, s.p90, t.target, 'model' AS basis
FROM s
LEFT JOIN p USING (period_start, grouping, member)
LEFT JOIN t USING (period_start, grouping, member)
LEFT JOIN teams AS tm ON s.grouping = 'team_id' AND tm.team_id = s.member
"""


def forecast_totals(
    con: duckdb.DuckDBPyConnection, run: StoredRun, scope: RowScope
) -> list[dict[str, Any]]:
    """The totals of ``run`` the caller sees (see the module docstring), ordered by
    period, then company (or yours), segments, regions and teams."""
    params = {"made_on": run.made_on, "grain": run.period_grain}
    model = fetch(con, _MODEL_TOTALS, params)
    if scope.is_all:
        rows = model
    else:
        teams = set(scope_team_ids(con, scope))
        mine = [r for r in model if r["grouping"] == "team_id" and r["member"] in teams]
        rows = _deal_totals(con, run, scope) + mine
    return sorted(
        rows, key=lambda r: (r["period_start"], _GROUP_ORDER[r["grouping"]], str(r["name"]))
    )


_ARR_TOTALS = f"""
WITH {_stored("arr", ARR_METHOD)}
SELECT s.period_start, s.grouping, s.member, coalesce(tm.name, s.member) AS name,
       s.mean, s.p10, s.p90, t.target
FROM s
LEFT JOIN t USING (period_start, grouping, member)
LEFT JOIN teams AS tm ON s.grouping = 'team_id' AND tm.team_id = s.member
"""


def arr_totals(
    con: duckdb.DuckDBPyConnection, run: StoredRun, scope: RowScope
) -> list[dict[str, Any]]:
    """ARR at each period's end as ``run`` forecast it: ``mean``, ``p10``, ``p90`` and
    the stored ``arr`` target, for the company and each team, segment and region. A
    manager sees the teams they manage; a rep, whose book is a few accounts, none."""
    params = {"made_on": run.made_on, "grain": run.period_grain}
    rows = fetch(con, _ARR_TOTALS, params)
    if not scope.is_all:
        teams = set(scope_team_ids(con, scope))
        rows = [r for r in rows if r["grouping"] == "team_id" and r["member"] in teams]
    return sorted(
        rows, key=lambda r: (r["period_start"], _GROUP_ORDER[r["grouping"]], str(r["name"]))
    )


def _deal_totals(
    con: duckdb.DuckDBPyConnection, run: StoredRun, scope: RowScope
) -> list[dict[str, Any]]:
    query = Query()
    query.where(f"d.made_on = {query.bind(run.made_on)}")
    query.where(f"d.period_grain = {query.bind(run.period_grain)}")
    owner_in_scope(scope, query)
    sums = fetch(
        con,
        f"""SELECT period_start,
                   coalesce(sum(expected) FILTER (WHERE status = 'won'), 0) AS closed,
                   coalesce(sum(expected) FILTER (WHERE status = 'open'), 0) AS open
            FROM forecast_deal_snapshots AS d{query.where_sql()} GROUP BY period_start""",
        query.params,
    )
    found = {row["period_start"]: row for row in sums}
    rows = []
    for start in run_periods(con, run):
        closed = float(found.get(start, {}).get("closed", 0.0))
        open_part = float(found.get(start, {}).get("open", 0.0))
        rows.append(
            {
                "period_start": start,
                "grouping": "yours",
                "member": "all",
                "name": "Your deals",
                "closed": closed,
                "open": open_part,
                "to_come": None,
                "mean": closed + open_part,
                "p10": None,
                "p90": None,
                "target": None,
                "basis": "deals",
            }
        )
    return rows


def _stored_deals(con: duckdb.DuckDBPyConnection, run: StoredRun, scope: RowScope) -> pd.DataFrame:
    query = Query()
    query.where(f"d.made_on = {query.bind(run.made_on)}")
    query.where(f"d.period_grain = {query.bind(run.period_grain)}")
    owner_in_scope(scope, query)
    sql = f"""SELECT d.period_start, d.status, d.forecast_category, d.amount, d.close_date,
                     d.expected, u.manager_id
              FROM forecast_deal_snapshots AS d
              LEFT JOIN users AS u ON u.user_id = d.owner_id{query.where_sql()}"""
    return con.execute(sql, query.params).df()


def forecast_calls(
    con: duckdb.DuckDBPyConnection, run: StoredRun, scope: RowScope
) -> list[dict[str, Any]]:
    """The managers' calls beside the model, per period (see the module docstring)."""
    deals = _stored_deals(con, run, scope)
    names = {r["user_id"]: r["name"] for r in fetch(con, "SELECT user_id, name FROM users")}
    rows: list[dict[str, Any]] = []
    for start in run_periods(con, run):
        first, last = period_span(start, run.period_grain)
        here = deals[deals["period_start"] == pd.Timestamp(start)]
        open_deals = here[here["status"] == "open"]
        won = here[here["status"] == "won"].rename(columns={"close_date": "closed_day"})
        for row in roll_up(open_deals, won, first, last).to_dict("records"):
            manager = str(row["manager_id"])
            if manager != "all" and not (scope.is_all or manager in scope.user_ids):
                continue
            everyone = "Company" if scope.is_all else "Your deals"
            row["manager"] = everyone if manager == "all" else names.get(manager, manager)
            rows.append({str(k): _plain(v) for k, v in row.items()})
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


_COMPANY = (
    "metric = 'new_bookings' AND team_id IS NULL AND segment IS NULL AND region IS NULL "
    "AND period_grain = $grain AND period_start = $start"
)


def forecast_history(
    con: duckdb.DuckDBPyConnection, grain: str, period_start: dt.date, scope: RowScope
) -> list[dict[str, Any]]:
    """Every stored forecast of one period, oldest run first: ``made_on``, ``value``
    (the mean), ``low``/``high`` (P10/P90) and the CRM's ``commit_call`` and
    ``best_case_call``; for a scoped caller ``value`` is their deals' part and the
    others are null."""
    params: dict[str, Any] = {"grain": grain, "start": period_start}
    model = f"method = '{MODEL_METHOD}'"
    rows = fetch(
        con,
        f"""SELECT made_on,
                any_value(value) FILTER (WHERE {model}) AS value,
                any_value(low) FILTER (WHERE {model}) AS low,
                any_value(high) FILTER (WHERE {model}) AS high,
                any_value(value) FILTER (WHERE method = 'commit_call') AS commit_call,
                any_value(value) FILTER (WHERE method = 'best_case_call') AS best_case_call
            FROM forecast_snapshots WHERE {_COMPANY}
            GROUP BY made_on HAVING count(*) FILTER (WHERE {model}) > 0 ORDER BY made_on""",
        params,
    )
    if scope.is_all:
        return rows
    query = Query()
    query.where(f"d.period_grain = {query.bind(grain)}")
    query.where(f"d.period_start = {query.bind(period_start)}")
    owner_in_scope(scope, query)
    sql = f"""SELECT made_on, sum(expected) AS value FROM forecast_deal_snapshots AS d
              {query.where_sql()} GROUP BY made_on"""
    mine = {r["made_on"]: r["value"] for r in fetch(con, sql, query.params)}
    return [
        {
            "made_on": r["made_on"],
            "value": float(mine.get(r["made_on"], 0.0)),
            "low": None,
            "high": None,
            "commit_call": None,
            "best_case_call": None,
        }
        for r in rows
    ]

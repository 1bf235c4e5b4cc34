"""Plans for the API and the dashboard: the target and scenario as a request gives them,
and plans remembered while the data stays the same.

Measuring what a plan is made of (``revhub.plan.Planner.measure``) takes seconds, so the
hub keeps one measurement; working a plan out from it for a target and a scenario takes
a fraction of one, and each plan asked for is kept too. A target or scenario that cannot
be read or served is an ``InvalidParameterError`` naming the parameter (a 422 problem).

>>> parse_target("2,500,000"), parse_target(None)
(2500000.0, None)
>>> parse_target('{"2026-Q3": 1000000}')
{'2026-Q3': 1000000}
>>> parse_target("lots")
Traceback (most recent call last):
...
revhub.api.problems.InvalidParameterError: target: `lots` is neither a number nor a JSON object of periods; write 2500000 or {"2026-Q3": 1000000}.
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

import duckdb

from revhub.api.hub import Hub
from revhub.api.problems import InvalidParameterError
from revhub.browse.query import fetch_one, table_exists
from revhub.errors import PlanError, ScenarioError
from revhub.plan import Plan, Planner, Scenario, parse_scenario
from revhub.plan.targets import TargetInput

PlanGrain = Literal["month", "quarter"]
_EXAMPLE = 'write 2500000 or {"2026-Q3": 1000000}'


def parse_target(text: str | None) -> TargetInput | None:
    """A target as a request gives it: a number (every planned period's company target),
    a JSON object of period → amount (or → segment → amount), or None (the stored
    targets)."""
    if text is None or not text.strip():
        return None
    try:
        return float(text.replace(",", "").replace("_", "").strip())
    except ValueError:
        pass
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        message = f"`{text}` is neither a number nor a JSON object of periods; {_EXAMPLE}."
        raise InvalidParameterError("target", PlanError(message))
    target: TargetInput = value
    return target


def read_scenario(text: str | None) -> Scenario | None:
    """The scenario a request names (``win_rate=+2pt, aes.emea=+1``), or None."""
    if text is None or not text.strip():
        return None
    try:
        return parse_scenario(text)
    except ScenarioError as error:
        raise InvalidParameterError("scenario", error) from error


def planner(hub: Hub) -> Planner:
    """The plan's measurements as of the data's as-of day (measured once per data)."""

    def measure() -> Planner:
        with hub.computing() as ws:
            return Planner.measure(ws)

    return hub.cached(("planner",), measure)


def cached_plan(
    hub: Hub,
    *,
    target: str | None = None,
    scenario: str | None = None,
    grain: PlanGrain = "quarter",
    periods: int = 4,
) -> Plan:
    """The plan for ``target`` under ``scenario`` (texts as a request gives them)."""
    goal, change = parse_target(target), read_scenario(scenario)
    key = ("plan", json.dumps(goal, sort_keys=True), scenario or "", grain, periods)
    measured = planner(hub)

    def build() -> Plan:
        with hub.computing():
            try:
                return measured.plan(goal, grain=grain, periods=periods, scenario=change)
            except ScenarioError as error:
                raise InvalidParameterError("scenario", error) from error
            except PlanError as error:
                raise InvalidParameterError("target", error) from error

    return hub.cached(key, build)


def latest_target(con: duckdb.DuckDBPyConnection, grain: str) -> tuple[dt.date, float] | None:
    """The company's latest stored ``new_bookings`` target of ``grain``: its first day and
    amount (the company row, else the sum of the segment rows); None without any."""
    if not table_exists(con, "main", "targets"):
        return None
    row = fetch_one(
        con,
        """SELECT period_start,
                  coalesce(sum(value) FILTER (WHERE segment IS NULL), sum(value)) AS value
           FROM targets
           WHERE metric = 'new_bookings' AND period_grain = $grain AND team_id IS NULL
             AND region IS NULL
           GROUP BY period_start ORDER BY period_start DESC LIMIT 1""",
        {"grain": grain},
    )
    return (row["period_start"], float(row["value"])) if row else None

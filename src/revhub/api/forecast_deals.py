"""The deals of a stored forecast run, and why a period's forecast moved between two runs,
as a caller's scope may see them.

Each deal row is what the run stored for it in one period: its stage, CRM forecast
category, amount, close date, P(win), P(won in the period), ``expected`` (amount ×
P(won in the period), or the amount once won) and the reasons behind its probability.
``at_risk`` is what the model doubts of a deal the CRM counts on: amount × (1 − P(won
in the period)) for an open deal called commit or best case, 0 otherwise; sorting by
``risk`` puts the largest first.

The movement (``revhub.forecast.movement``) is the company's; a sales rep or manager
gets the same steps over the deals they see (owned by someone in their scope in either
run), from those deals' part of each run, without the pipeline still to come.

>>> SORTS["risk"]
'(-at_risk)'
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import duckdb

from revhub.access import RowScope
from revhub.api.forecast_store import StoredRun, owner_in_scope
from revhub.api.hub import Hub
from revhub.browse.pages import Page, check_choice, check_paging, order_by
from revhub.browse.query import Query, fetch
from revhub.forecast.movement import STEPS, Movement

STATUSES = ("open", "won")
CALLED = ("commit", "best_case")
SORTS = {
    "risk": "(-at_risk)",
    "expected": "expected",
    "amount": "amount",
    "p_period": "p_period",
    "p_win": "p_win",
    "close_date": "close_date",
    "name": "lower(name)",
}
_AT_RISK = (
    f"CASE WHEN d.status = 'open' AND d.forecast_category IN {CALLED} "
    "THEN d.amount * (1 - coalesce(d.p_period, 0)) ELSE 0 END"
)


@dataclass(frozen=True)
class ForecastDealRow:
    """One deal's part of a stored forecast (see the module docstring)."""

    opportunity_id: str
    name: str | None
    owner_id: str | None
    owner: str | None
    team: str | None
    segment: str | None
    region: str | None
    status: str
    stage: str | None
    forecast_category: str | None
    amount: float
    close_date: dt.date | None
    p_win: float | None
    p_period: float | None
    expected: float
    at_risk: float
    reasons: list[dict[str, Any]]


def forecast_deals(
    con: duckdb.DuckDBPyConnection,
    run: StoredRun,
    period_start: dt.date,
    scope: RowScope,
    *,
    status: str | None = None,
    forecast_category: str | None = None,
    owner_id: str | None = None,
    called: bool | None = None,
    sort: str = "risk",
    page: int = 1,
    page_size: int = 50,
) -> Page[ForecastDealRow]:
    """One page of the deals ``run`` stored for the period starting ``period_start``;
    ``called`` keeps the deals the CRM calls commit or best case (or the others)."""
    check_paging(page, page_size)
    check_choice("status", status, STATUSES)
    query = Query()
    query.where(f"d.made_on = {query.bind(run.made_on)}")
    query.where(f"d.period_grain = {query.bind(run.period_grain)}")
    query.where(f"d.period_start = {query.bind(period_start)}")
    for column, value in (
        ("status", status),
        ("forecast_category", forecast_category),
        ("owner_id", owner_id),
    ):
        if value is not None:
            query.where(f"d.{column} = {query.bind(value)}")
    if called is not None:
        query.where(f"{'' if called else 'NOT '}coalesce(d.forecast_category IN {CALLED}, false)")
    owner_in_scope(scope, query)
    ordering = order_by(sort, SORTS, key="opportunity_id", what="forecast deals")
    rows_sql = f"""
        SELECT d.opportunity_id, o.name, d.owner_id, u.name AS owner, t.name AS team,
               d.segment, d.region, d.status, d.stage, d.forecast_category, d.amount,
               d.close_date, d.p_win, d.p_period, d.expected, {_AT_RISK} AS at_risk,
               d.reasons
        FROM forecast_deal_snapshots AS d
        LEFT JOIN opportunities AS o ON o.opportunity_id = d.opportunity_id
        LEFT JOIN users AS u ON u.user_id = d.owner_id
        LEFT JOIN teams AS t ON t.team_id = d.team_id{query.where_sql()}"""
    total = fetch(con, f"SELECT count(*) AS n FROM ({rows_sql})", query.params)[0]["n"]
    limit, offset = query.bind(page_size), query.bind((page - 1) * page_size)
    sql = f"SELECT * FROM ({rows_sql}) ORDER BY {ordering} LIMIT {limit} OFFSET {offset}"
    items = [
        ForecastDealRow(**{**row, "reasons": json.loads(row["reasons"] or "[]")})
        for row in fetch(con, sql, query.params)
    ]
    return Page(items, total, page, page_size)


def reasons_text(reasons: list[dict[str, Any]]) -> str:
    """The reasons of a deal's probability as one line.

    >>> reasons_text([{"group": "stage", "text": "in negotiation", "effect": 0.12}])
    'in negotiation (+12%)'
    """
    return "; ".join(f"{r['text']} ({float(r['effect']):+.0%})" for r in reasons)


def company_movement(
    hub: Hub, earlier: StoredRun, later: StoredRun, period_start: dt.date
) -> Movement:
    """The company's waterfall of one period from ``earlier`` to ``later`` (remembered
    until either run is stored again)."""
    runs = (earlier.made_on, later.made_on, later.period_grain, earlier.run_at, later.run_at)
    key = ("forecast_movement", period_start, *runs)

    def build() -> Movement:
        with hub.computing() as ws:
            return ws.forecast.movement(
                earlier.made_on,
                later.made_on,
                period_start,
                grain="month" if later.period_grain == "month" else "quarter",
            )

    return hub.cached(key, build)


def movement_view(
    con: duckdb.DuckDBPyConnection, movement: Movement, grain: str, scope: RowScope
) -> dict[str, Any]:
    """The waterfall as the caller sees it: ``earlier_total``, ``steps`` (step, change,
    deals), ``later_total`` and the deals that moved, largest change first."""
    deals = movement.deals.to_dict("records")
    head = {
        "period_start": movement.period_start,
        "grain": grain,
        "earlier": movement.earlier,
        "later": movement.later,
        "basis": "model" if scope.is_all else "deals",
    }
    if scope.is_all:
        steps = movement.steps.to_dict("records")
        totals = (movement.earlier_total, movement.later_total)
    else:
        seen, totals = _scoped_deals(con, movement, grain, scope)
        deals = [d for d in deals if d["opportunity_id"] in seen]
        steps = [
            {
                "step": step,
                "change": sum(d["change"] for d in deals if d["step"] == step),
                "deals": sum(1 for d in deals if d["step"] == step),
            }
            for step in STEPS
            if step != "pipeline to come"
        ]
    names = _deal_names(con, [d["opportunity_id"] for d in deals])
    return {
        **head,
        "earlier_total": float(totals[0]),
        "later_total": float(totals[1]),
        "steps": [{**s, "change": float(s["change"]), "deals": int(s["deals"])} for s in steps],
        "deals": [
            {
                "opportunity_id": d["opportunity_id"],
                "name": names.get(d["opportunity_id"]),
                "step": d["step"],
                "change": float(d["change"]),
                "expected_earlier": _number(d["expected_earlier"]),
                "expected_later": _number(d["expected_later"]),
            }
            for d in deals
        ],
    }


def _both_runs(movement: Movement, grain: str) -> Query:
    query = Query()
    query.where(f"d.made_on IN ({query.bind(movement.earlier)}, {query.bind(movement.later)})")
    query.where(f"d.period_grain = {query.bind(grain)}")
    query.where(f"d.period_start = {query.bind(movement.period_start)}")
    return query


def _scoped_deals(
    con: duckdb.DuckDBPyConnection, movement: Movement, grain: str, scope: RowScope
) -> tuple[set[str], tuple[float, float]]:
    """The deals ``scope`` sees in either run, and their part of each run."""
    query = _both_runs(movement, grain)
    owner_in_scope(scope, query)
    sql = f"SELECT DISTINCT opportunity_id FROM forecast_deal_snapshots AS d{query.where_sql()}"
    seen = {r["opportunity_id"] for r in fetch(con, sql, query.params)}
    query = _both_runs(movement, grain)
    query.where(f"d.opportunity_id IN {query.bind_in(seen)}")
    sql = f"""SELECT made_on, sum(expected) AS value FROM forecast_deal_snapshots AS d
              {query.where_sql()} GROUP BY made_on"""
    found = {r["made_on"]: float(r["value"]) for r in fetch(con, sql, query.params)}
    return seen, (found.get(movement.earlier, 0.0), found.get(movement.later, 0.0))


def _deal_names(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str | None]:
    if not ids:
        return {}
    query = Query()
    picked = query.bind_in(ids)
    sql = f"SELECT opportunity_id, name FROM opportunities WHERE opportunity_id IN {picked}"
    return {r["opportunity_id"]: r["name"] for r in fetch(con, sql, query.params)}


def _number(value: Any) -> float | None:
    return None if value is None or value != value else float(value)

"""Keep every forecast exactly as it was made.

A run stores, under its as-of day (``made_on``) and grain: the totals per period and
group in ``forecast_snapshots`` (new bookings, ``value`` the mean, ``low``/``high`` P10
and P90, method ``deal_monte_carlo``; the CRM's commit and best-case calls beside them
for the company), each deal's share in ``forecast_deal_snapshots``, the time-series
cross-checks, and one row in ``forecast_runs``. Storing a run again for the same day and
grain replaces it, so re-running changes nothing and duplicates nothing.

>>> snapshot_key(dt.date(2026, 7, 1), "new_bookings", "quarter", dt.date(2026, 7, 1),
...     None, "emea", None, "deal_monte_carlo")
'2026-07-01|new_bookings|quarter|2026-07-01|-|emea|-|deal_monte_carlo'
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pandas as pd

from revhub import engine
from revhub.model import get_table

if TYPE_CHECKING:
    from revhub.forecast.arr import ArrForecast
    from revhub.forecast.bookings import BookingsForecast
    from revhub.workspace import Workspace

MODEL_METHOD = "deal_monte_carlo"
ARR_METHOD = "renewal_monte_carlo"
RUN_METHODS = (MODEL_METHOD, "commit_call", "best_case_call", ARR_METHOD)
GROUP_COLUMN = {"team_id": "team_id", "segment": "segment", "region": "region"}


def snapshot_key(
    made_on: dt.date,
    metric: str,
    grain: str,
    period_start: dt.date,
    team_id: str | None,
    segment: str | None,
    region: str | None,
    method: str,
) -> str:
    """The stable key of one stored forecast value."""
    parts = [made_on.isoformat(), metric, grain, period_start.isoformat()]
    parts += [team_id or "-", segment or "-", region or "-", method]
    return "|".join(parts)


def total_rows(forecast: BookingsForecast, calls: pd.DataFrame) -> pd.DataFrame:
    """``forecast_snapshots`` rows of the model's totals and the company's CRM calls."""
    rows = []
    for total in forecast.totals.to_dict("records"):
        place: dict[str, str | None] = dict.fromkeys(GROUP_COLUMN)
        if total["grouping"] in GROUP_COLUMN:
            place[str(total["grouping"])] = str(total["member"])
        rows.append(
            _row(
                forecast,
                "new_bookings",
                total["period_start"],
                place,
                MODEL_METHOD,
                total["mean"],
                total["p10"],
                total["p90"],
            )
        )
    company = calls[calls["manager_id"] == "all"] if len(calls) else calls
    for call in company.to_dict("records"):
        place = dict.fromkeys(GROUP_COLUMN)
        for method in ("commit_call", "best_case_call"):
            rows.append(
                _row(forecast, "new_bookings", call["period_start"], place, method, call[method])
            )
    return pd.DataFrame(rows)


def arr_rows(arr: ArrForecast, grain: str) -> pd.DataFrame:
    """``forecast_snapshots`` rows of ARR at each period's end: the mean, P10 and P90 for
    the company, each team, segment and region (method ``renewal_monte_carlo``)."""
    rows = []
    for total in arr.totals.to_dict("records"):
        place: dict[str, str | None] = dict.fromkeys(GROUP_COLUMN)
        if total["grouping"] in GROUP_COLUMN:
            place[str(total["grouping"])] = str(total["member"])
        key = snapshot_key(
            arr.as_of,
            "arr",
            grain,
            total["period_start"],
            place["team_id"],
            place["segment"],
            place["region"],
            ARR_METHOD,
        )
        rows.append(
            {
                "snapshot_id": key,
                "made_on": arr.as_of,
                "metric": "arr",
                "period_grain": grain,
                "period_start": total["period_start"],
                **place,
                "value": float(total["mean"]),
                "low": float(total["p10"]),
                "high": float(total["p90"]),
                "method": ARR_METHOD,
            }
        )
    return pd.DataFrame(rows)


def _row(
    forecast: BookingsForecast,
    metric: str,
    period_start: dt.date,
    place: dict[str, str | None],
    method: str,
    value: float,
    low: float | None = None,
    high: float | None = None,
) -> dict[str, object]:
    key = snapshot_key(
        forecast.as_of,
        metric,
        forecast.grain,
        period_start,
        place["team_id"],
        place["segment"],
        place["region"],
        method,
    )
    return {
        "snapshot_id": key,
        "made_on": forecast.as_of,
        "metric": metric,
        "period_grain": forecast.grain,
        "period_start": period_start,
        **place,
        "value": float(value),
        "low": None if low is None else float(low),
        "high": None if high is None else float(high),
        "method": method,
    }


def deal_rows(forecast: BookingsForecast, won: pd.DataFrame) -> pd.DataFrame:
    """``forecast_deal_snapshots`` rows: each open deal per period, and the deals won
    inside each period before the as-of day."""
    parts = []
    deals = forecast.deals
    for first, last in forecast.periods:
        p_period = deals[f"p_{first.isoformat()}"]
        parts.append(
            pd.DataFrame(
                {
                    "made_on": forecast.as_of,
                    "period_grain": forecast.grain,
                    "period_start": first,
                    "opportunity_id": deals["opportunity_id"],
                    "status": "open",
                    "stage": deals["stage"],
                    "forecast_category": deals["forecast_category"],
                    "amount": deals["amount"],
                    "close_date": pd.to_datetime(deals["close_date"]).dt.date,
                    "p_win": deals["p_win"],
                    "p_period": p_period,
                    "expected": deals["amount"] * p_period,
                    "owner_id": deals["owner_id"],
                    "team_id": deals["team_id"],
                    "segment": deals["segment"],
                    "region": deals["region"],
                    "reasons": [json.dumps(r) for r in deals["reasons"]],
                }
            )
        )
        day = pd.to_datetime(won["closed_day"])
        inside = won[(day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))]
        parts.append(
            pd.DataFrame(
                {
                    "made_on": forecast.as_of,
                    "period_grain": forecast.grain,
                    "period_start": first,
                    "opportunity_id": inside["opportunity_id"],
                    "status": "won",
                    "stage": "closed_won",
                    "forecast_category": "closed",
                    "amount": inside["amount"],
                    "close_date": pd.to_datetime(inside["closed_day"]).dt.date,
                    "p_win": 1.0,
                    "p_period": 1.0,
                    "expected": inside["amount"],
                    "owner_id": inside["owner_id"],
                    "team_id": inside["team_id"],
                    "segment": inside["segment"],
                    "region": inside["region"],
                    "reasons": None,
                }
            )
        )
    return pd.concat([p for p in parts if len(p)], ignore_index=True) if parts else pd.DataFrame()


def run_filter(made_on: dt.date, grain: str) -> str:
    """The SQL condition selecting one run's rows (its as-of day and grain)."""
    return f"made_on = DATE '{made_on.isoformat()}' AND period_grain = '{grain}'"


def replace_rows(ws: Workspace, table_name: str, rows: pd.DataFrame, where: str) -> int:
    """Delete the rows matching ``where`` and insert ``rows``, in one transaction; revhub
    is their source and the time of storing their lineage."""
    table = get_table(table_name)
    name = engine.qualified(table)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    keys = list(table.primary_key)
    with engine.transaction(ws.con):
        ws.con.raw_sql(f"DELETE FROM {name} WHERE {where}")
        if len(rows):
            columns = {
                c.name: rows[c.name].astype(object).where(rows[c.name].notna(), None).tolist()
                for c in table.columns
                if c.name in rows
            }
            columns["source"] = ["revhub"] * len(rows)
            columns["source_id"] = (
                rows[keys].astype(str).agg("|".join, axis=1).tolist()
                if "source_id" not in rows
                else rows["source_id"].tolist()
            )
            columns["created_at"] = columns["updated_at"] = [now] * len(rows)
            ws.con.insert(table.name, table.to_arrow(columns))
    return len(rows)

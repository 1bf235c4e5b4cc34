"""The sellers' own call, rolled up by manager, beside the model's number.

Each open deal carries the CRM forecast category its owner set (Salesforce's meaning:
pipeline, best case, commit, closed, omitted). Per period and per manager (the owner's
manager; ``all`` for the company), the roll-up sums the deals whose close date falls in
the period by category, and forms the usual calls: **commit call** = closed + commit,
**best-case call** = commit call + best case. The **model** column is what the deal
model expects from the same deals (closed + Σ amount × P(won in the period)), so a
manager's call can be read against it; the pipeline still to come is not in either.

>>> deals = pd.DataFrame({"manager_id": ["m1", "m1"], "forecast_category": ["commit",
...     "best_case"], "amount": [100.0, 50.0], "close_date": [dt.date(2026, 7, 9)] * 2,
...     "expected": [70.0, 10.0]})
>>> won = pd.DataFrame({"manager_id": ["m1"], "amount": [30.0],
...     "closed_day": [dt.date(2026, 7, 2)]})
>>> roll = roll_up(deals, won, dt.date(2026, 7, 1), dt.date(2026, 9, 30))
>>> columns = ["closed", "commit_call", "best_case_call", "model"]
>>> roll.loc[roll.manager_id == "m1", columns].iloc[0].tolist()
[30.0, 130.0, 180.0, 110.0]
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from revhub.forecast.bookings import BookingsForecast
    from revhub.workspace import Workspace

CATEGORIES = ("commit", "best_case", "pipeline", "omitted")


def roll_up(deals: pd.DataFrame, won: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Per manager (and ``all``): closed, each category, the two calls and the model.

    ``deals``: open deals with ``manager_id``, ``forecast_category``, ``amount``,
    ``close_date`` and ``expected`` (the model's value in this period); ``won``: won
    deals with ``manager_id``, ``amount`` and ``closed_day``.
    """
    close = pd.to_datetime(deals["close_date"])
    inside = deals[(close >= pd.Timestamp(first)) & (close <= pd.Timestamp(last))]
    day = pd.to_datetime(won["closed_day"])
    closed = won[(day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))]
    rows = []
    managers = sorted(set(inside["manager_id"].dropna()) | set(closed["manager_id"].dropna()))
    for manager in ["all", *managers]:
        mine = inside if manager == "all" else inside[inside["manager_id"] == manager]
        booked = closed if manager == "all" else closed[closed["manager_id"] == manager]
        theirs = deals if manager == "all" else deals[deals["manager_id"] == manager]
        by_category = mine.groupby("forecast_category")["amount"].sum()
        row = {
            "period_start": first,
            "manager_id": manager,
            "closed": float(booked["amount"].sum()),
        }
        for category in CATEGORIES:
            row[category] = float(by_category.get(category, 0.0))
        row["commit_call"] = row["closed"] + row["commit"]
        row["best_case_call"] = row["commit_call"] + row["best_case"]
        row["model"] = row["closed"] + float(theirs["expected"].sum())
        rows.append(row)
    return pd.DataFrame(rows)


def forecast_calls(ws: Workspace, forecast: BookingsForecast, won: pd.DataFrame) -> pd.DataFrame:
    """The roll-up of every period of ``forecast``, with managers' names."""
    users = ws.table("users").select("user_id", "name", "manager_id").to_pandas()
    manager_of = users.set_index("user_id")["manager_id"]
    parts = []
    for first, last in forecast.periods:
        deals = forecast.deals.assign(
            manager_id=forecast.deals["owner_id"].map(manager_of),
            expected=forecast.deals["amount"] * forecast.deals[f"p_{first.isoformat()}"],
        )
        booked = won.assign(manager_id=won["owner_id"].map(manager_of))
        parts.append(roll_up(deals, booked, first, last))
    calls = pd.concat(parts, ignore_index=True)
    names = users.set_index("user_id")["name"]
    calls["manager"] = calls["manager_id"].map(names).fillna("Company")
    return calls

"""What the forecast endpoints take and return (their OpenAPI shapes).

>>> RunIn(as_of="2026-06-01").draws
10000
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from revhub.api.forecast_store import StoredRun

Grain = Literal["month", "quarter"]


class RunOut(BaseModel):
    """A stored forecast run: what it knew and how it was made."""

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


def run_out(run: StoredRun) -> RunOut:
    return RunOut(**{**vars(run), "run_at": run.run_at.replace(tzinfo=dt.UTC)})


class PeriodOut(BaseModel):
    period_start: dt.date
    period_end: dt.date


class ForecastOut(BaseModel):
    run: RunOut
    runs: list[dt.date] = Field(description="As-of days of every stored run of the grain.")
    scope: str = Field(description="all, owner (a rep's deals) or team (a manager's).")
    periods: list[PeriodOut]
    totals: list[dict[str, Any]] = Field(
        description="Per period and group: closed, open, to_come, mean, p10, p90, target, "
        "basis (model: the Monte Carlo; deals: the part of the deals you see)."
    )
    calls: list[dict[str, Any]] = Field(description="CRM forecast categories by manager.")


class HistoryOut(BaseModel):
    period_start: dt.date
    period_end: dt.date
    grain: str
    actual: float | None = Field(description="New bookings of the period once it has ended.")
    runs: list[dict[str, Any]]


class RunIn(BaseModel):
    as_of: dt.date = Field(description="Forecast as of this day (on or before the data's).")
    grain: Grain = "quarter"
    periods: int = Field(2, ge=1, le=8)
    draws: int = Field(10_000, ge=100, le=100_000)

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


class PeriodOut(BaseModel):
    period_start: dt.date
    period_end: dt.date


class ForecastOut(BaseModel):
    run: StoredRun
    runs: list[dt.date] = Field(description="As-of days of every stored run of the grain.")
    scope: str = Field(description="all, owner (a rep's deals) or team (a manager's).")
    periods: list[PeriodOut]
    totals: list[dict[str, Any]] = Field(
        description="Per period and group: closed, open, to_come, mean, p10, p90, target, "
        "basis (model: the Monte Carlo; deals: the part of the deals you see)."
    )
    calls: list[dict[str, Any]] = Field(description="CRM forecast categories by manager.")
    arr: list[dict[str, Any]] = Field(
        description="ARR at each period's end: mean, p10, p90 and the stored arr target, "
        "for the company and each team (the account owner's), segment and region."
    )


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

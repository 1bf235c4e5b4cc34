"""The choices a company can make about its metrics: ``[metrics]`` in revhub.toml.

Vendors disagree on a few definitions; revhub picks one default for each and lets a
workspace change it here. docs/metrics.md states every default.

>>> MetricSettings().churn_recognition
'period_end'
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class MetricSettings(BaseModel):
    """``[metrics]``: definitions with more than one accepted answer."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    churn_recognition: Literal["period_end", "cancellation"] = Field(
        "period_end",
        description="When a cancelled subscription stops counting: at the end of the period "
        "the customer paid for (period_end), or on the day they cancelled (cancellation).",
    )
    fx_policy: Literal["item_start", "latest"] = Field(
        "item_start",
        description="Rate that converts recurring revenue to the base currency: the rate on "
        "the day each subscription item started (item_start), or today's rate for all "
        "history (latest). Neither lets exchange rates alone create MRR movements.",
    )
    ltv_window_months: int = Field(
        12,
        ge=1,
        le=36,
        description="Trailing months over which LTV and CAC payback average churn and margin.",
    )
    on_track: float = Field(
        1.0,
        gt=0,
        description="Scorecards: actual ÷ target at or above this is on track "
        "(target ÷ actual for metrics where lower is better).",
    )
    at_risk: float = Field(
        0.9,
        gt=0,
        description="Scorecards: at or above this (and below on_track) is at risk; "
        "below it, off track.",
    )
    custom: str = Field(
        "metrics.yaml",
        description="YAML file of the company's own SQL metrics, relative to the workspace; "
        "used when it exists.",
    )
    targets: str = Field(
        "targets.yaml",
        description="YAML or CSV file of targets, relative to the workspace; loaded into the "
        "targets table by `revhub targets load`.",
    )

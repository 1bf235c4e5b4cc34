"""A plan: the tables that answer "what does the target need?", and their JSON form.

Every table is a tidy pandas DataFrame (one row per observation, one column per
variable); the columns are listed on ``Plan``. Money is in the base currency; volumes
are expected values, fractional.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from revhub.plan.reverse_funnel import STAGES
from revhub.plan.scenarios import Scenario

TABLES = (
    "targets",
    "rates",
    "funnel",
    "capacity",
    "budget",
    "channels",
    "discounts",
    "price_points",
    "realisation",
)


@dataclass(frozen=True, eq=False)
class Plan:
    """A plan as of ``as_of`` for ``periods`` (first days) of ``grain``.

    - ``targets``: period, segment, bookings (target), source.
    - ``rates``: segment (``all`` = company), measure, value (used, after the scenario),
      own_value, company_value, sample, unit, metric (``plan.rates``).
    - ``funnel``: period, segment, stage (leads, mqls, sqls, opportunities, won_deals,
      bookings), required, actual (up to ``as_of``; null for later periods), elapsed
      (share of the period's days up to ``as_of``) (``plan.reverse_funnel``).
    - ``capacity``: period, segment, region, headcount, ramped_reps, required_reps, gap,
      bookings_target, bookings_per_ramped_rep, attainment (``plan.capacity``).
    - ``budget``: period, channel, basis (leads, mqls, sqls, won_deals), volume,
      cost_per_unit, spend, current_spend (``plan.budget``).
    - ``channels``: channel, rank, marginal_pipeline, current_spend (a month),
      pipeline_at_current, a, b, r_squared, p_value, months, status, note
      (``plan.response``).
    - ``discounts`` and ``price_points``: segment, band, closed_deals, won_deals,
      win_rate, median_cycle_days, average_discount, bookings; ``realisation``:
      quarter, segment, won_deals, list_amount, amount, realisation, average_discount
      (``plan.pricing``).
    """

    as_of: dt.date
    grain: str
    periods: tuple[dt.date, ...]
    scenario: Scenario
    targets: pd.DataFrame
    rates: pd.DataFrame
    funnel: pd.DataFrame
    capacity: pd.DataFrame
    budget: pd.DataFrame
    channels: pd.DataFrame
    discounts: pd.DataFrame
    price_points: pd.DataFrame
    realisation: pd.DataFrame
    recommendation: str
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-safe data: dates as ISO strings, undefined numbers as None,
        each table as a list of row objects.

        >>> json_safe({"x": float("nan"), "d": dt.date(2026, 7, 1), "n": np.int64(3)})
        {'x': None, 'd': '2026-07-01', 'n': 3}
        """
        head = {
            "as_of": self.as_of,
            "grain": self.grain,
            "periods": list(self.periods),
            "scenario": self.scenario.to_dict(),
            "recommendation": self.recommendation,
            "notes": list(self.notes),
        }
        tables = {name: getattr(self, name).to_dict("records") for name in TABLES}
        result: dict[str, Any] = json_safe({**head, **tables})
        return result

    def funnel_totals(self) -> pd.DataFrame:
        """The funnel summed over segments: period, stage, required, actual, elapsed."""
        summed = self.funnel.groupby(["period", "stage"], as_index=False).agg(
            required=("required", "sum"),
            actual=("actual", lambda a: a.sum(min_count=1)),
            elapsed=("elapsed", "first"),
        )
        order = summed.stage.map({stage: i for i, stage in enumerate(STAGES)})
        return (
            summed.assign(_order=order)
            .sort_values(["period", "_order"])
            .drop(columns="_order")
            .reset_index(drop=True)
        )


def json_safe(value: Any) -> Any:
    """``value`` with dates, numpy scalars, NaN and infinities made JSON-safe."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def compare(base: Plan, other: Plan) -> pd.DataFrame:
    """What ``other`` (a scenario) changes against ``base``, per period: the funnel's
    required volumes summed over segments and ``rep_shortfall``, the reps missing where
    reps are short (a surplus in one region does not cover another's shortfall):
    period, measure, base, scenario, change."""
    rows = []
    for plan, column in ((base, "base"), (other, "scenario")):
        funnel = plan.funnel.groupby(["period", "stage"]).required.sum().reset_index()
        funnel = funnel.rename(columns={"stage": "measure", "required": column})
        short = plan.capacity.assign(gap=plan.capacity.gap.clip(lower=0))
        gap = short.groupby("period").gap.sum().reset_index()
        gap = gap.assign(measure="rep_shortfall").rename(columns={"gap": column})
        rows.append(pd.concat([funnel, gap], ignore_index=True))
    both = rows[0].merge(rows[1], on=["period", "measure"], how="outer")
    both[["base", "scenario"]] = both[["base", "scenario"]].fillna(0.0)
    both["change"] = both.scenario - both.base
    result: pd.DataFrame = both.sort_values(["period", "measure"]).reset_index(drop=True)
    return result

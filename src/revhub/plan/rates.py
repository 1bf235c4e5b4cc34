"""Funnel rates as of a date, per segment and company-wide, from the metrics revhub
reports.

Measured over the trailing window (``window_months`` whole months before the month of
``as_of``, so only data recorded before ``as_of`` counts), each with the metric it
comes from:

==========================  ============================  ===========================
measure                     metric                        sample
==========================  ============================  ===========================
lead_to_mql                 funnel_conversion, lead       people entering lead
mql_to_sql                  funnel_conversion, mql        people entering mql
sql_to_opportunity          funnel_conversion, sql        people entering sql
win_rate                    win_rate (count-based)        new-business deals closed
deal_size                   average_deal_size             new-business deals won
days_lead_to_mql            funnel_days_to_next_stage     moves on from lead
days_mql_to_sql             funnel_days_to_next_stage     moves on from mql
days_sql_to_opportunity     funnel_days_to_next_stage     moves on from sql
days_opportunity_to_won     sales_cycle_length (median)   new-business deals won
==========================  ============================  ===========================

**Smoothing.** A segment with little data borrows from the company; ``k`` is
``prior_strength`` (default 5):

- a rate (conversion, win rate; successes ÷ trials) becomes (successes + k · company) ÷
  (trials + k): the company rate counts as ``k`` pseudo-observations, the posterior mean
  of a beta-binomial model;
- an amount or a number of days (deal size, median lags) differs by segment by design
  (enterprise deals are larger and slower), so it is not pulled toward the company's
  unless its sample is below ``k``: then it becomes Z · own + (1 − Z) · company with
  the partial credibility Z = √(n ÷ k), the square-root rule of limited-fluctuation
  credibility (Longley-Cook, 1962, "An introduction to credibility theory", PCAS 49).

A segment without data gets the company value. A conversion above 1 (more moves than
entries in the window) is capped at 1. ``sample`` is always reported.

>>> observed = pd.DataFrame([
...     {"measure": "win_rate", "segment": "all", "numerator": 20.0, "denominator": 80.0,
...      "value": 0.25, "sample": 80},
...     {"measure": "win_rate", "segment": "smb", "numerator": 1.0, "denominator": 5.0,
...      "value": 0.2, "sample": 5}])
>>> rates = smoothed_rates(observed, prior_strength=5.0)
>>> rates[rates.measure == "win_rate"].set_index("segment").value.round(3).to_dict()
{'all': 0.25, 'smb': 0.225, 'mid_market': 0.25, 'enterprise': 0.25}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from revhub.errors import PlanError
from revhub.model.vocabulary import SEGMENTS
from revhub.plan.window import Frames, measure_over, whole_months

if TYPE_CHECKING:
    from revhub.workspace import Workspace

COMPANY = "all"
RATE_COLUMNS = (
    "segment",
    "measure",
    "value",
    "own_value",
    "company_value",
    "sample",
    "unit",
    "metric",
)


@dataclass(frozen=True)
class RateSource:
    """One measure of the funnel and the metric (and funnel stage) it is read from."""

    measure: str
    metric: str
    stage: str | None
    kind: Literal["ratio", "median"]
    unit: str


SOURCES = (
    RateSource("lead_to_mql", "funnel_conversion", "lead", "ratio", "ratio"),
    RateSource("mql_to_sql", "funnel_conversion", "mql", "ratio", "ratio"),
    RateSource("sql_to_opportunity", "funnel_conversion", "sql", "ratio", "ratio"),
    RateSource("win_rate", "win_rate", None, "ratio", "ratio"),
    RateSource("deal_size", "average_deal_size", None, "ratio", "money"),
    RateSource("days_lead_to_mql", "funnel_days_to_next_stage", "lead", "median", "days"),
    RateSource("days_mql_to_sql", "funnel_days_to_next_stage", "mql", "median", "days"),
    RateSource("days_sql_to_opportunity", "funnel_days_to_next_stage", "sql", "median", "days"),
    RateSource("days_opportunity_to_won", "sales_cycle_length", None, "median", "days"),
)
_BY_MEASURE = {s.measure: s for s in SOURCES}


def measure_rates(
    ws: Workspace,
    as_of: dt.date,
    *,
    window_months: int = 12,
    prior_strength: float = 5.0,
    frames: Frames | None = None,
) -> pd.DataFrame:
    """The funnel rates as of ``as_of`` (see the module docstring): one row per segment
    (and ``all``) and measure, columns ``RATE_COLUMNS``. Raises PlanError naming every
    measure the company-wide history cannot give."""
    start, end = whole_months(as_of, window_months)
    frame = (frames or Frames(ws, store=False)).get("month", start, end)
    rows = []
    for metric in dict.fromkeys(s.metric for s in SOURCES):
        staged = metric.startswith("funnel_")
        for by in ([], ["segment"]):
            values = measure_over(
                ws,
                metric,
                start=start,
                end=end,
                by=[*(["stage"] if staged else []), *by],
                frame=frame,
            )
            for row in values.to_dict("records"):
                for source in SOURCES:
                    if source.metric == metric and source.stage == row.get("stage"):
                        rows.append(_observed(source, row, row.get("segment", COMPANY)))
    rates = smoothed_rates(pd.DataFrame(rows), prior_strength=prior_strength)
    company = rates[rates.segment == COMPANY]
    missing = company[company.value.isna()].measure.tolist()
    if missing:
        raise PlanError(
            f"cannot measure {', '.join(missing)} from {start} to {end} (no history in "
            f"the {window_months} months before {as_of}); plan from a later date, use a "
            "longer window, or load the deals and lifecycle events of that time."
        )
    return rates


def _observed(source: RateSource, row: Mapping[Any, Any], segment: object) -> dict[str, object]:
    sample = int(row.get("denominator", row["facts"]) or 0)
    return {
        "measure": source.measure,
        "segment": segment,
        "numerator": row.get("numerator"),
        "denominator": row.get("denominator"),
        "value": row["value"],
        "sample": sample,
    }


def smoothed_rates(observed: pd.DataFrame, *, prior_strength: float) -> pd.DataFrame:
    """Every measure for the company (``all``) and each segment, smoothed toward the
    company as the module docstring says. ``observed`` has ``measure``, ``segment``
    (``all`` for the company), ``value``, ``sample`` and, for ratios, ``numerator`` and
    ``denominator``; rows for unknown segments are left out."""
    k = float(prior_strength)
    if k <= 0:
        raise PlanError(f"prior_strength must be above 0, not {prior_strength}.")
    by_key = {(r["measure"], r["segment"]): r for r in observed.to_dict("records")}
    rows = []
    for source in SOURCES:
        company = by_key.get((source.measure, COMPANY))
        company_value = _value_of(company)
        rows.append(_row(source, COMPANY, company_value, company_value, _sample(company)))
        for segment in SEGMENTS:
            own = by_key.get((source.measure, segment))
            sample = _sample(own)
            value = company_value
            if own is not None and sample > 0 and company_value == company_value:
                if source.unit == "ratio":
                    value = (float(own["numerator"]) + k * company_value) / (sample + k)
                else:
                    weight = min(1.0, (sample / k) ** 0.5)
                    value = weight * float(own["value"]) + (1 - weight) * company_value
            rows.append(_row(source, segment, value, _value_of(own), sample, company_value))
    return pd.DataFrame(rows, columns=list(RATE_COLUMNS))


def _value_of(row: Mapping[Any, Any] | None) -> float:
    if row is None or _sample(row) == 0 or row["value"] is None:
        return float("nan")
    return float(row["value"])


def _sample(row: Mapping[Any, Any] | None) -> int:
    if row is None or row["sample"] is None or row["sample"] != row["sample"]:
        return 0
    return int(row["sample"])


def _row(
    source: RateSource,
    segment: str,
    value: float,
    own: float,
    sample: int,
    company: float | None = None,
) -> dict[str, object]:
    if source.unit == "ratio":
        value = min(value, 1.0)
    return {
        "segment": segment,
        "measure": source.measure,
        "value": value,
        "own_value": own,
        "company_value": value if company is None else company,
        "sample": sample,
        "unit": source.unit,
        "metric": source.metric,
    }


def rate_of(rates: pd.DataFrame, segment: str, measure: str) -> float:
    """The (smoothed) value of ``measure`` for ``segment`` (``all`` for the company),
    the company's when the segment has no row."""
    if measure not in _BY_MEASURE:
        raise PlanError(f"unknown rate `{measure}`; known: {', '.join(_BY_MEASURE)}.")
    found = rates[(rates.segment == segment) & (rates.measure == measure)]
    if found.empty:
        found = rates[(rates.segment == COMPANY) & (rates.measure == measure)]
    return float(found.value.iloc[0])

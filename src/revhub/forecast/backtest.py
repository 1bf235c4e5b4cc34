"""Replay history: forecast as of each past week knowing only what was known then, and
score it against what happened.

For every as-of day from ``start`` to ``end`` (every ``step_days``), ``backtest`` makes
the bookings forecast for the period holding that day (horizon 0) and the next ones
(horizon 1, ...), and the two naive baselines for the same periods. Once a period has
ended in the data, its actual bookings (won new business by close day) are known, and
per horizon the backtest reports:

- **MAPE**: mean of |forecast − actual| ÷ actual (Hyndman & Koehler, "Another look at
  measures of forecast accuracy", 2006), for the model's mean and each baseline;
- **bias**: mean of (forecast − actual) ÷ actual (positive: forecasts ran high);
- **coverage**: share of actuals inside the model's P10–P90 interval (80% if honest);
- **calibration**: for the deals open at each as-of day, predicted P(won in the period)
  against what happened, in ten bins (reliability diagram), with the Brier score and the
  expected calibration error (Naeini et al., AAAI 2015).

>>> summary = accuracy_by_horizon(pd.DataFrame({"horizon": [1, 1], "actual": [100.0, 200.0],
...     "model": [110.0, 180.0], "p10": [90.0, 150.0], "p90": [120.0, 190.0],
...     "run_rate": [50.0, 200.0], "crm_weighted": [100.0, 100.0]}))
>>> summary.loc[0, ["model_mape", "run_rate_mape", "crm_weighted_mape", "coverage"]].tolist()
[0.1, 0.25, 0.25, 0.5]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from revhub.errors import ForecastError
from revhub.forecast.baselines import crm_weighted, run_rate
from revhub.forecast.bookings import forecast_bookings
from revhub.forecast.deal_states import deal_outcomes
from revhub.metrics.core import Grain

if TYPE_CHECKING:
    from revhub.workspace import Workspace

METHODS = ("model", "run_rate", "crm_weighted")
BINS = 10


@dataclass(frozen=True)
class Backtest:
    """Per as-of day and period: forecasts and actual; per horizon: accuracy; and the
    reliability of the deal probabilities."""

    forecasts: pd.DataFrame
    accuracy: pd.DataFrame
    reliability: pd.DataFrame
    brier: float
    calibration_error: float


def backtest(
    ws: Workspace,
    start: dt.date,
    end: dt.date,
    *,
    grain: Grain = "quarter",
    horizons: int = 2,
    step_days: int = 7,
    draws: int = 2_000,
) -> Backtest:
    """Replay forecasts as of every ``step_days`` from ``start`` to ``end``."""
    data_end = ws.as_of()
    if start > end or end > data_end:
        raise ForecastError(
            f"cannot backtest from {start} to {end}: the range must run forward and end by "
            f"the workspace's as-of day {data_end}. Pick dates inside the data's history."
        )
    outcomes = deal_outcomes(ws, data_end)
    new_business = _new_business_ids(ws)
    won = outcomes[outcomes["is_won"] & outcomes["opportunity_id"].isin(new_business)]
    won_day = pd.to_datetime(won["closed_day"])
    rows, scored_deals = [], []
    day = start
    while day <= end:
        forecast = forecast_bookings(ws, day, grain=grain, periods=horizons, draws=draws)
        trailing = _won_between(won, won_day, trailing_start(day, grain), day)
        company = forecast.totals[forecast.totals["grouping"] == "company"]
        for horizon, (first, last) in enumerate(forecast.periods):
            if last >= data_end:
                continue
            total = company[company["period_start"] == first].iloc[0]
            closed = float(total["closed"])
            rows.append(
                {
                    "as_of": day,
                    "period_start": first,
                    "horizon": horizon,
                    "actual": _won_between(won, won_day, first, last + dt.timedelta(days=1)),
                    "model": float(total["mean"]),
                    "p10": float(total["p10"]),
                    "p50": float(total["p50"]),
                    "p90": float(total["p90"]),
                    "run_rate": run_rate(
                        trailing,
                        (day - trailing_start(day, grain)).days,
                        day,
                        first,
                        last,
                        closed=closed,
                    ),
                    "crm_weighted": crm_weighted(forecast.deals, first, last, closed=closed),
                }
            )
            scored_deals.append(_deal_outcomes_in(forecast.deals, won, first, last))
        day += dt.timedelta(days=step_days)
    if not rows:
        raise ForecastError(
            f"no forecast period between {start} and {end} has ended by {data_end}; "
            "start the backtest earlier."
        )
    forecasts = pd.DataFrame(rows)
    deals = pd.concat(scored_deals, ignore_index=True)
    reliability, brier, error = reliability_table(deals["predicted"], deals["happened"])
    return Backtest(forecasts, accuracy_by_horizon(forecasts), reliability, brier, error)


def trailing_start(day: dt.date, grain: Grain) -> dt.date:
    """The start of the trailing window the run-rate uses: one period-length back."""
    days = {"month": 30, "quarter": 91, "year": 365}.get(grain, 91)
    return day - dt.timedelta(days=days)


def _new_business_ids(ws: Workspace) -> set[str]:
    deals = ws.table("opportunities")
    ids = deals.filter(deals.opportunity_type == "new_business").opportunity_id
    return set(ids.to_pyarrow().to_pylist())


def _won_between(won: pd.DataFrame, day: pd.Series, first: dt.date, stop: dt.date) -> float:
    inside = (day >= pd.Timestamp(first)) & (day < pd.Timestamp(stop))
    return float(won.loc[inside, "amount"].sum())


def _deal_outcomes_in(
    deals: pd.DataFrame, won: pd.DataFrame, first: dt.date, last: dt.date
) -> pd.DataFrame:
    """Each open deal's predicted P(won in the period) and whether it was."""
    day = pd.to_datetime(won.set_index("opportunity_id")["closed_day"])
    closed_on = deals["opportunity_id"].map(day)
    happened = (closed_on >= pd.Timestamp(first)) & (closed_on <= pd.Timestamp(last))
    return pd.DataFrame(
        {"predicted": deals[f"p_{first.isoformat()}"].to_numpy(), "happened": happened.to_numpy()}
    )


def accuracy_by_horizon(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Per horizon: MAPE and bias of each method, and the P10–P90 coverage."""
    rows = []
    for horizon in sorted(forecasts["horizon"].unique()):
        group = forecasts[forecasts["horizon"] == horizon]
        actual = group["actual"].to_numpy(dtype="float64")
        usable = actual > 0
        row: dict[str, float] = {"horizon": float(horizon), "periods": float(usable.sum())}
        for method in METHODS:
            error = (group[method].to_numpy(dtype="float64") - actual)[usable] / actual[usable]
            row[f"{method}_mape"] = float(np.abs(error).mean()) if usable.any() else np.nan
            row[f"{method}_bias"] = float(error.mean()) if usable.any() else np.nan
        inside = (group["p10"] <= group["actual"]) & (group["actual"] <= group["p90"])
        row["coverage"] = float(inside.mean())
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["horizon"] = frame["horizon"].astype(int)
    frame["periods"] = frame["periods"].astype(int)
    return frame


def reliability_table(
    predicted: pd.Series, happened: pd.Series
) -> tuple[pd.DataFrame, float, float]:
    """Ten equal-width bins of predicted probability: deals, mean predicted, share that
    happened; with the Brier score and the expected calibration error."""
    p = predicted.to_numpy(dtype="float64")
    y = happened.to_numpy(dtype="float64")
    if not len(p):
        return pd.DataFrame(columns=["bin", "deals", "predicted", "observed"]), np.nan, np.nan
    bins = np.minimum((p * BINS).astype(int), BINS - 1)
    frame = pd.DataFrame({"bin": bins, "p": p, "y": y})
    table = frame.groupby("bin").agg(
        deals=("p", "size"), predicted=("p", "mean"), observed=("y", "mean")
    )
    table = table.reset_index()
    error = float((table["deals"] * (table["predicted"] - table["observed"]).abs()).sum() / len(p))
    return table, float(np.mean((p - y) ** 2)), error

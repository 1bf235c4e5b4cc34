"""Monthly forecasts rolled up to quarters and years.

A period is rolled up when its last month is forecast. A snapshot metric (MRR) is the
state on the period's closing day, so a period takes its last month's forecast as it
is. A flow (bookings, pipeline created) is the sum of its months: months that already
ended count at their actual value, forecast months at their forecast. The interval of a
sum is not the sum of the months' intervals (errors partly cancel, and months of one
path are correlated), so it is read from simulated paths: the ``level``% central range
of each path's total. It is widened, if need be, to hold the point forecast.

>>> monthly = pd.DataFrame({
...     "period_start": [dt.date(2026, m, 1) for m in (8, 9)],
...     "value": [10.0, 20.0], "low": [8.0, 15.0], "high": [12.0, 25.0],
...     "method": "ets"})
>>> history = pd.DataFrame({"period_start": [dt.date(2026, 7, 1)], "value": [5.0]})
>>> paths = np.array([[9.0, 18.0], [10.0, 20.0], [11.0, 22.0]])
>>> roll_up(monthly, history, "quarter", snapshot=False, paths=paths, level=50)
  period_start  value   low  high method
0   2026-07-01   35.0  33.5  36.5    ets
>>> roll_up(monthly, history, "quarter", snapshot=True)[["value", "low", "high"]]
   value   low  high
0   20.0  15.0  25.0
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from revhub.metrics.core import Grain
from revhub.metrics.periods import next_period_start, period_start

COLUMNS = ("period_start", "value", "low", "high", "method")


def roll_up(
    monthly: pd.DataFrame,
    history: pd.DataFrame,
    grain: Grain,
    *,
    snapshot: bool,
    paths: np.ndarray | None = None,
    level: int = 80,
) -> pd.DataFrame:
    """The ``grain`` periods (quarter or year) whose last month is in ``monthly`` (a
    forecast: ``period_start``, ``value``, ``low``, ``high``, ``method``), as rows of the
    same columns. ``history`` (``period_start``, ``value``) holds the actual months
    before the forecast; ``paths`` (shape: paths × forecast months) the simulated
    futures a flow's interval is read from."""
    if grain not in ("quarter", "year"):
        raise ValueError(f"roll_up makes quarters and years, not {grain}s")
    if not snapshot and paths is None:
        raise ValueError("a flow's roll-up needs the simulated paths of its months")
    months = list(monthly["period_start"])
    rows = []
    for start in _whole_periods(months, grain):
        end = next_period_start(start, grain)
        inside = np.array([start <= month < end for month in months])
        if snapshot:
            last = monthly.loc[inside].iloc[-1]
            rows.append((start, last["value"], last["low"], last["high"]))
            continue
        assert paths is not None  # checked above
        known = history.loc[
            (history["period_start"] >= start) & (history["period_start"] < months[0]), "value"
        ].sum()
        value = known + monthly.loc[inside, "value"].sum()
        totals = known + paths[:, inside].sum(axis=1)
        tail = (100 - level) / 200
        low, high = np.quantile(totals, [tail, 1 - tail])
        rows.append((start, value, min(low, value), max(high, value)))
    method = monthly["method"].iloc[0] if len(monthly) else None
    return pd.DataFrame(
        {
            "period_start": [row[0] for row in rows],
            "value": np.array([row[1] for row in rows], dtype="float64"),
            "low": np.array([row[2] for row in rows], dtype="float64"),
            "high": np.array([row[3] for row in rows], dtype="float64"),
            "method": method,
        },
        columns=list(COLUMNS),
    )


def _whole_periods(months: list[dt.date], grain: Grain) -> list[dt.date]:
    """Starts of the ``grain`` periods that overlap ``months`` and end by its last."""
    if not months:
        return []
    starts = []
    start = period_start(months[0], grain)
    while next_period_start(start, grain) <= next_period_start(months[-1], "month"):
        starts.append(start)
        start = next_period_start(start, grain)
    return starts

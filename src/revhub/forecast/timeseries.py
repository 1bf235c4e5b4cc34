"""Time-series forecasts of a metric's monthly history: a cross-check on the deal-level
forecast, and a forecast for horizons beyond the open pipeline.

``series_as_of`` reads a metric's complete months before the as-of day's month from
``ws.metrics.compute`` (a flow's running month is never taken for a whole one).
``fit_series`` picks a statsforecast model by the history's length (Hyndman &
Khandakar 2008, "Automatic time series forecasting: the forecast package for R"):

==========================  ===========================================================
months of history           model
==========================  ===========================================================
fewer than 4                none: a ``ForecastError``
the same value throughout   naive (the value, with no spread)
4 to 7                      random walk with drift (``drift``)
8 to 23                     AutoETS, AutoTheta or drift, without seasonality
24 or more (two seasons)    AutoETS, AutoARIMA or AutoTheta with a 12-month season
==========================  ===========================================================

Where there is more than one candidate and enough history to hold the last 6 months
out (and still fit on what is left), the candidate with the smallest mean absolute
error on those 6 months is chosen; otherwise the first. Leading zeros (the months
before the metric began) are dropped before fitting. ``timeseries_forecasts`` forecasts
each metric and rolls the months up to quarters and years (``revhub.forecast.rollup``),
as rows for the ``forecast_snapshots`` table.

The history is read from the workspace as it is now: a backtest on a workspace whose
past rows were edited later (restated amounts, back-dated subscriptions) sees the
edits.

>>> history = pd.DataFrame({"period_start": [dt.date(2026, m, 1) for m in range(1, 9)],
...                         "value": [10.0, 12, 14, 16, 18, 20, 22, 24]})
>>> forecast = forecast_series(history, 2)
>>> forecast.period_start.tolist()
[datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)]
>>> forecast.value.round(1).tolist(), forecast.method.iloc[0]
([26.0, 28.0], 'ets')
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, Naive, RandomWalkWithDrift

from revhub.errors import ForecastError
from revhub.forecast.rollup import roll_up
from revhub.metrics.core import Grain
from revhub.metrics.materialise import history_start
from revhub.metrics.periods import add_months, period_start

if TYPE_CHECKING:
    from revhub.workspace import Workspace

MIN_MONTHS = 4
MIN_SMOOTHING_MONTHS = 8  # AutoETS fits nothing on fewer ("tiny datasets")
HOLDOUT_MONTHS = 6
SIMULATED_PATHS = 2_000
FORECAST_COLUMNS = ("period_start", "value", "low", "high", "method")
SNAPSHOT_COLUMNS = ("metric", "period_grain", *FORECAST_COLUMNS)
DEFAULT_METRICS = ("mrr", "new_bookings", "pipeline_created")


def series_as_of(
    ws: Workspace,
    metric: str,
    as_of: dt.date,
    *,
    grain: Grain = "month",
    months: int | None = None,
) -> pd.DataFrame:
    """``period_start`` and ``value`` of ``metric`` for every complete ``grain`` period
    before the one ``as_of`` falls in, from the workspace's first month of history (or
    the last ``months`` months of them).

    >>> import tempfile, revhub
    >>> with revhub.init(tempfile.mkdtemp()) as ws:
    ...     series = series_as_of(ws, "mrr", dt.date(2026, 7, 15), months=2)
    >>> series.period_start.tolist(), series.value.tolist()
    ([datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)], [0.0, 0.0])
    """
    end = period_start(as_of, grain) - dt.timedelta(days=1)
    data_end = ws.metrics.default_end()
    if end > data_end:
        raise ForecastError(
            f"`{metric}` as of {as_of}: the workspace's data runs to {data_end}, so the "
            f"{grain} ending {end} is not complete in it. Use an as-of day on or before "
            f"{ws.as_of()}, or load newer data."
        )
    start = history_start(ws, end)
    if months is not None:
        start = max(start, add_months(end, -(months - 1)))
    if start > end:
        return pd.DataFrame({"period_start": pd.Series([], dtype=object), "value": []})
    values = ws.metrics.compute(metric, grain=grain, start=start, end=end)
    return pd.DataFrame(
        {
            "period_start": [pd.Timestamp(p).date() for p in values["period"]],
            "value": values["value"].astype("float64").to_numpy(),
        }
    )


@dataclass(frozen=True)
class SeriesModel:
    """A statsforecast model fitted to one monthly series; ``method`` names it as
    ``forecast_snapshots`` does (``ets``, ``arima``, ``theta``, ``drift``, ``naive``)."""

    method: str
    model: Any
    last_month: dt.date
    nonnegative: bool

    def forecast(self, horizon: int, *, level: int = 80) -> pd.DataFrame:
        """The next ``horizon`` months: ``period_start``, ``value`` and the ``level``%
        interval ``low``–``high`` (never below 0 for a non-negative metric, and always
        holding ``value``), with ``method``."""
        if not 0 < level < 100:
            raise ValueError(f"level must be between 0 and 100, not {level}")
        predicted = self.model.predict(h=horizon, level=[level])
        value = self._floor(np.asarray(predicted["mean"], dtype="float64"))
        low = self._floor(np.asarray(predicted[f"lo-{level}"], dtype="float64"))
        high = self._floor(np.asarray(predicted[f"hi-{level}"], dtype="float64"))
        return pd.DataFrame(
            {
                "period_start": [add_months(self.last_month, k) for k in range(1, horizon + 1)],
                "value": value,
                "low": np.minimum(low, value),
                "high": np.maximum(high, value),
                "method": self.method,
            }
        )

    def sample_paths(self, horizon: int, *, paths: int = SIMULATED_PATHS) -> np.ndarray:
        """``paths`` simulated futures of the next ``horizon`` months, shape (paths,
        horizon). Reproducible (seed 0); numpy's global random state is left as it was."""
        state = np.random.get_state()  # statsforecast seeds the global generator too
        try:
            simulated = _with_trend_kept(self.model).simulate(h=horizon, n_paths=paths, seed=0)
        finally:
            np.random.set_state(state)
        return self._floor(np.asarray(simulated, dtype="float64"))

    def _floor(self, values: np.ndarray) -> np.ndarray:
        return np.maximum(values, 0.0) if self.nonnegative else values


def fit_series(
    history: pd.DataFrame,
    *,
    season_length: int = 12,
    nonnegative: bool = True,
    name: str = "the series",
) -> SeriesModel:
    """The model chosen for a monthly ``history`` (``period_start``, ``value``; see the
    module's table), fitted. ``name`` says what the series is in error messages.

    >>> history = pd.DataFrame({"period_start": [dt.date(2026, m, 1) for m in range(1, 6)],
    ...                         "value": [1.0, 3.0, 2.0, 4.0, 5.0]})
    >>> fit_series(history, name="mrr").method
    'drift'
    """
    ordered = history.sort_values("period_start")
    y = ordered["value"].to_numpy(dtype="float64")
    if np.isnan(y).any():
        missing = ordered.loc[np.isnan(y), "period_start"].iloc[0]
        raise ForecastError(
            f"{name} has no value for {missing}: a forecast needs a value in every month. "
            "Forecast a metric that is defined every month (a sum, not a rate)."
        )
    started = np.flatnonzero(y != 0.0)
    if started.size:
        y = y[started[0] :]  # the months before the metric began are not its history
    last = ordered["period_start"].iloc[-1] if len(ordered) else None
    if y.size < MIN_MONTHS:
        raise ForecastError(
            f"{name} has {y.size} month(s) of history to {last}; a forecast needs at least "
            f"{MIN_MONTHS}. Forecast from a later as-of day, or load more history."
        )
    method, model = _choose(y, season_length)
    return SeriesModel(method, model.fit(y=y), ordered["period_start"].iloc[-1], nonnegative)


def forecast_series(
    history: pd.DataFrame,
    horizon: int,
    *,
    season_length: int = 12,
    level: int = 80,
    nonnegative: bool = True,
) -> pd.DataFrame:
    """The next ``horizon`` months of a monthly ``history``: ``period_start``, ``value``,
    ``low``, ``high`` (the ``level``% interval) and ``method``; see ``fit_series``."""
    model = fit_series(history, season_length=season_length, nonnegative=nonnegative)
    return model.forecast(horizon, level=level)


def timeseries_forecasts(
    ws: Workspace,
    as_of: dt.date,
    *,
    horizon_months: int = 12,
    metrics: Sequence[str] = DEFAULT_METRICS,
    grains: Sequence[Grain] = ("month", "quarter", "year"),
    level: int = 80,
) -> pd.DataFrame:
    """Forecasts of each metric made as of ``as_of``, one row per metric and period:
    ``metric``, ``period_grain``, ``period_start``, ``value``, ``low``, ``high`` and
    ``method``, ready for ``forecast_snapshots`` (company-wide; made on ``as_of``).

    The months run from ``as_of``'s month for ``horizon_months``. A quarter or year is
    given when its last month is among them; a flow's months before ``as_of`` count at
    their actual value, a snapshot metric (``mrr``) takes its last month's forecast.
    """
    parts = []
    for metric in metrics:
        history = series_as_of(ws, metric, as_of)
        nonnegative = bool((history["value"].dropna() >= 0).all())
        model = fit_series(history, nonnegative=nonnegative, name=f"`{metric}` as of {as_of}")
        monthly = model.forecast(horizon_months, level=level)
        paths = None
        for grain in grains:
            if grain == "month":
                rows = monthly
            else:
                snapshot = ws.metrics.get(metric).snapshot
                if paths is None and not snapshot:
                    paths = model.sample_paths(horizon_months)
                rows = roll_up(monthly, history, grain, snapshot=snapshot, paths=paths, level=level)
            parts.append(rows.assign(metric=metric, period_grain=grain))
    if not parts:
        return pd.DataFrame({column: [] for column in SNAPSHOT_COLUMNS})
    return pd.concat(parts, ignore_index=True)[list(SNAPSHOT_COLUMNS)]


def _with_trend_kept(model: Any) -> Any:
    """``model``, or for an undamped-trend ETS model a copy that simulates its trend.

    statsforecast 2.1.1's ``simulate_ets`` reads the unset damping ``phi`` of an
    undamped trend as 0 (its forecasts read it as 1), so simulated paths lose the trend;
    the copy states ``phi`` = 1.
    """
    if not isinstance(model, AutoETS):
        return model
    trend, damped = model.model_["components"][1], model.model_["components"][3]
    if trend == "N" or damped != "N":
        return model
    par = np.array(model.model_["par"], dtype="float64")
    par[3] = 1.0
    kept = copy.copy(model)
    kept.model_ = {**model.model_, "par": par}
    return kept


def _choose(y: np.ndarray, season_length: int) -> tuple[str, Any]:
    """The method and (unfitted) model for ``y``: the candidates its length allows, the
    best on a holdout of the last months when there is room for one."""
    if np.ptp(y) == 0.0:
        return "naive", Naive()
    seasonal = season_length > 1 and y.size >= 2 * season_length
    if seasonal:
        candidates = {
            "ets": AutoETS(season_length=season_length),
            "arima": AutoARIMA(season_length=season_length),
            "theta": AutoTheta(season_length=season_length),
        }
        needed = 2 * season_length
    elif y.size >= MIN_SMOOTHING_MONTHS:
        candidates = {"ets": AutoETS(), "theta": AutoTheta(), "drift": RandomWalkWithDrift()}
        needed = MIN_SMOOTHING_MONTHS
    else:
        return "drift", RandomWalkWithDrift()
    train, held_out = y[:-HOLDOUT_MONTHS], y[-HOLDOUT_MONTHS:]
    if train.size < needed or np.ptp(train) == 0.0:
        return next(iter(candidates.items()))
    errors = {
        method: _holdout_error(model, train, held_out) for method, model in candidates.items()
    }
    best = min(errors, key=errors.__getitem__)  # the first of equals wins
    return best, candidates[best]


def _holdout_error(model: Any, train: np.ndarray, held_out: np.ndarray) -> float:
    """Mean absolute error of ``model`` fitted on ``train`` over the ``held_out`` months
    (infinite when it forecasts no number)."""
    predicted = np.asarray(model.forecast(y=train, h=held_out.size)["mean"], dtype="float64")
    if not np.isfinite(predicted).all():
        return float("inf")
    return float(np.mean(np.abs(predicted - held_out)))

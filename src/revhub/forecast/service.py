"""``ws.forecast``: run, store, replay and compare forecasts; plan from the target.

The CLI, the API and the dashboard call these methods and nothing deeper.

>>> import tempfile, revhub
>>> with revhub.init(tempfile.mkdtemp()) as ws:
...     ws.forecast.history().empty
True
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from revhub.errors import ForecastError
from revhub.forecast.arr import ArrForecast, forecast_arr
from revhub.forecast.backtest import Backtest, backtest
from revhub.forecast.bookings import BookingsForecast, forecast_bookings, won_before
from revhub.forecast.calls import forecast_calls
from revhub.forecast.movement import Movement, explain_movement
from revhub.forecast.snapshots import (
    RUN_METHODS,
    arr_rows,
    deal_rows,
    replace_rows,
    run_filter,
    total_rows,
)
from revhub.metrics.core import Grain

if TYPE_CHECKING:
    from revhub.workspace import Workspace

GRAINS: tuple[Grain, ...] = ("month", "quarter")


@dataclass(frozen=True)
class ForecastRun:
    """One forecast run: the bookings forecast, the managers' calls beside it, the
    time-series cross-checks and how long it took."""

    bookings: BookingsForecast
    arr: ArrForecast | None
    calls: pd.DataFrame
    timeseries: pd.DataFrame
    seconds: float


class Forecasts:
    """Forecasts of one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def run(
        self,
        as_of: dt.date | None = None,
        *,
        grain: Grain = "quarter",
        periods: int = 2,
        draws: int = 10_000,
        store: bool = True,
        timeseries: bool = True,
        arr: bool = True,
    ) -> ForecastRun:
        """Forecast as of ``as_of`` (default: the data's as-of day) and keep it."""
        day = self._check_day(as_of or self.ws.as_of(), grain)
        if periods < 1:
            raise ForecastError(f"--periods must be at least 1, not {periods}.")
        started = time.perf_counter()
        bookings = forecast_bookings(self.ws, day, grain=grain, periods=periods, draws=draws)
        won = won_before(self.ws, day)
        calls = forecast_calls(self.ws, bookings, won)
        recurring = forecast_arr(self.ws, day, bookings) if arr else None
        series = self._timeseries(day) if timeseries else pd.DataFrame()
        seconds = time.perf_counter() - started
        result = ForecastRun(bookings, recurring, calls, series, seconds)
        if store:
            self._store(result, won)
        return result

    def _timeseries(self, day: dt.date) -> pd.DataFrame:
        from revhub.forecast.timeseries import timeseries_forecasts

        return timeseries_forecasts(self.ws, day)

    def _check_day(self, day: dt.date, grain: str) -> dt.date:
        if grain not in GRAINS:
            raise ForecastError(f"unknown grain `{grain}`; use month or quarter.")
        data_end = self.ws.as_of()
        if day > data_end:
            raise ForecastError(
                f"cannot forecast as of {day}: the data runs to {data_end}. Pick a day on "
                "or before it (or load newer data)."
            )
        history = self.ws.table("opportunity_history")
        first = history.valid_from.min().to_pyarrow().as_py()
        if first is None or day <= first.date():
            since = (
                "there are no deals"
                if first is None
                else f"the first deal is from {first:%Y-%m-%d}"
            )
            raise ForecastError(
                f"cannot forecast as of {day}: {since}. Pick a day after it, with history "
                "to learn from."
            )
        return day

    def _store(self, result: ForecastRun, won: pd.DataFrame) -> None:
        bookings = result.bookings
        day, grain = bookings.as_of, bookings.grain
        totals = total_rows(bookings, result.calls)
        if result.arr is not None:
            totals = pd.concat([totals, arr_rows(result.arr, grain)], ignore_index=True)
        if len(result.timeseries):
            extra = result.timeseries.assign(made_on=day, snapshot_id=None)
            extra["snapshot_id"] = [
                f"{day}|{r.metric}|{r.period_grain}|{r.period_start}|-|-|-|{r.method}"
                for r in extra.itertuples()
            ]
            totals = pd.concat([totals, extra], ignore_index=True)
        this_run = run_filter(day, grain)
        methods = ", ".join(f"'{m}'" for m in RUN_METHODS)
        replace_rows(
            self.ws,
            "forecast_snapshots",
            totals,
            f"({this_run} AND method IN ({methods})) OR (made_on = DATE '{day}' "
            f"AND method NOT IN ({methods}))",
        )
        replace_rows(self.ws, "forecast_deal_snapshots", deal_rows(bookings, won), this_run)
        model = bookings.models.win
        replace_rows(
            self.ws,
            "forecast_runs",
            pd.DataFrame(
                [
                    {
                        "made_on": day,
                        "period_grain": grain,
                        "periods": len(bookings.periods),
                        "win_method": model.method,
                        "closed_deals": model.training.closed_deals,
                        "won_deals": model.training.won_deals,
                        "open_deals": len(bookings.deals),
                        "draws": bookings.draws,
                        "shock_sigma": bookings.shock_sigma,
                        "seconds": result.seconds,
                        "run_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    }
                ]
            ),
            this_run,
        )

    def history(self, *, grain: Grain = "quarter") -> pd.DataFrame:
        """Stored company-wide model forecasts: made_on, period_start, value, low, high."""
        snapshots = self.ws.table("forecast_snapshots")
        found = snapshots.filter(
            (snapshots.period_grain == grain)
            & (snapshots.method == "deal_monte_carlo")
            & snapshots.team_id.isnull()
            & snapshots.segment.isnull()
            & snapshots.region.isnull()
        )
        history: pd.DataFrame = (
            found.select("made_on", "period_start", "value", "low", "high")
            .order_by(["made_on", "period_start"])
            .to_pandas()
        )
        return history

    def backtest(self, start: dt.date, end: dt.date, **options: Any) -> Backtest:
        """Replay forecasts from ``start`` to ``end``; see ``revhub.forecast.backtest``."""
        return backtest(self.ws, start, end, **options)

    def movement(
        self, earlier: dt.date, later: dt.date, period_start: dt.date, *, grain: Grain = "quarter"
    ) -> Movement:
        """Why the forecast of one period moved between two stored runs."""
        return explain_movement(self.ws, earlier, later, period_start, grain=grain)

"""Time-series forecasts: golden series, interval invariants, the as-of cut, roll-ups."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsforecast.models import AutoETS

import revhub
from revhub.errors import ForecastError
from revhub.forecast.rollup import roll_up
from revhub.forecast.timeseries import (
    SeriesModel,
    fit_series,
    forecast_series,
    series_as_of,
    timeseries_forecasts,
)
from revhub.metrics.periods import add_months

AS_OF = dt.date(2026, 7, 1)
METHODS = {"ets", "arima", "theta", "drift", "naive"}


def monthly(values: list[float], first: dt.date = dt.date(2024, 1, 1)) -> pd.DataFrame:
    index = first.year * 12 + first.month - 1
    starts = [dt.date((index + k) // 12, (index + k) % 12 + 1, 1) for k in range(len(values))]
    return pd.DataFrame({"period_start": starts, "value": [float(v) for v in values]})


def assert_ordered(forecast: pd.DataFrame) -> None:
    assert (forecast.low <= forecast.value).all()
    assert (forecast.value <= forecast.high).all()


# --- golden series -----------------------------------------------------------------


def test_a_straight_line_goes_on_along_its_slope() -> None:
    history = monthly([100 + 10 * t for t in range(20)])
    forecast = forecast_series(history, 6)
    expected = [100 + 10 * t for t in range(20, 26)]
    assert forecast.value.to_numpy() == pytest.approx(expected, rel=0.01)
    assert forecast.period_start.iloc[0] == dt.date(2025, 9, 1)
    assert_ordered(forecast)


def test_a_seasonal_series_peaks_in_its_peak_month() -> None:
    rng = np.random.default_rng(11)
    # three years of a November peak on a slow rise
    values = [1_000 + 5 * t + (600 if t % 12 == 10 else 0) + rng.normal(0, 20) for t in range(36)]
    forecast = forecast_series(monthly(values), 12)
    peak = forecast.loc[forecast.value.idxmax(), "period_start"]
    assert peak == dt.date(2027, 11, 1)
    assert forecast.method.iloc[0] in {"ets", "arima", "theta"}
    assert_ordered(forecast)


def test_a_constant_series_stays_flat_inside_its_interval() -> None:
    forecast = forecast_series(monthly([500.0] * 12), 4)
    assert forecast.value.tolist() == [500.0] * 4
    assert (forecast.low <= 500.0).all() and (forecast.high >= 500.0).all()
    assert set(forecast.method) == {"naive"}


def test_months_before_the_metric_began_are_not_its_history() -> None:
    # drift over 10..50 is 10 a month; counting the leading zeros would make it 50/6
    forecast = forecast_series(monthly([0, 0, 10, 20, 30, 40, 50]), 2)
    assert forecast.value.tolist() == pytest.approx([60.0, 70.0])
    assert set(forecast.method) == {"drift"}


def test_a_falling_flow_is_not_forecast_below_zero() -> None:
    history = monthly([90 - 10 * t + (3 if t % 2 else -3) for t in range(9)])
    floored = forecast_series(history, 6)
    assert (floored[["value", "low", "high"]] >= 0).all().all()
    assert floored.value.iloc[-1] == 0.0
    free = forecast_series(history, 6, nonnegative=False)
    assert free.value.iloc[-1] < 0


def test_too_little_history_is_a_clear_error() -> None:
    with pytest.raises(ForecastError, match=r"3 month\(s\) of history .* at least 4"):
        forecast_series(monthly([1.0, 2.0, 3.0]), 3)


def test_a_month_without_a_value_is_a_clear_error() -> None:
    with pytest.raises(ForecastError, match="no value for 2024-02-01"):
        forecast_series(monthly([1.0, float("nan"), 3.0, 4.0, 5.0]), 3)


def test_simulated_paths_keep_an_undamped_trend() -> None:
    # statsforecast 2.1.1 simulates an undamped ETS trend as flat; the paths must follow it
    y = np.array([100 + 5 * t + (2 if t % 3 else -2) for t in range(30)], dtype="float64")
    model = SeriesModel(
        "ets", AutoETS(model="AAN", damped=False).fit(y=y), dt.date(2026, 6, 1), True
    )
    forecast = model.forecast(6)
    paths = model.sample_paths(6)
    assert paths.shape == (2_000, 6)
    assert paths.mean(axis=0) == pytest.approx(forecast.value.to_numpy(), rel=0.01)


def test_sampling_leaves_numpy_global_random_state_alone() -> None:
    model = fit_series(monthly([10 + t + (t % 4) for t in range(12)]))
    np.random.seed(5)
    expected = np.random.random()
    np.random.seed(5)
    model.sample_paths(3, paths=10)
    assert np.random.random() == expected


# --- invariants --------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(
    values=st.lists(st.floats(1.0, 1e6), min_size=4, max_size=30),
    horizon=st.integers(1, 12),
)
def test_intervals_hold_their_point_and_stay_non_negative(
    values: list[float], horizon: int
) -> None:
    history = monthly(values)
    forecast = forecast_series(history, horizon)
    assert len(forecast) == horizon
    assert forecast.period_start.iloc[0] == add_months(dt.date(2024, 1, 1), len(values))
    assert (forecast.low >= 0).all()
    assert forecast.method.iloc[0] in METHODS
    assert_ordered(forecast)


@settings(max_examples=15, deadline=None)
@given(
    values=st.lists(st.floats(0.0, 1e4), min_size=1, max_size=6),
    paths=st.lists(st.lists(st.floats(0.0, 1e4), min_size=6, max_size=6), min_size=1, max_size=20),
    snapshot=st.booleans(),
)
def test_rolled_up_intervals_hold_their_point(
    values: list[float], paths: list[list[float]], snapshot: bool
) -> None:
    months = monthly(values, first=dt.date(2026, 7, 1))
    forecast = months.assign(low=months.value * 0.5, high=months.value * 2.0, method="ets")
    sampled = np.array(paths)[:, : len(values)]
    rolled = roll_up(forecast, monthly([7.0]), "quarter", snapshot=snapshot, paths=sampled)
    assert len(rolled) == len(values) // 3
    assert_ordered(rolled)


# --- roll-ups ----------------------------------------------------------------------


def test_a_flow_quarter_adds_its_actual_months_to_its_forecast_months() -> None:
    history = monthly([100.0, 40.0, 60.0], first=dt.date(2026, 4, 1))
    forecast = monthly([10.0, 20.0, 30.0, 40.0], first=dt.date(2026, 7, 1))
    forecast = forecast.assign(low=forecast.value - 5, high=forecast.value + 5, method="ets")
    paths = np.array([forecast.value - 1, forecast.value, forecast.value + 1])
    quarters = roll_up(forecast, history, "quarter", snapshot=False, paths=paths)
    assert quarters.period_start.tolist() == [dt.date(2026, 7, 1)]
    assert quarters.value.tolist() == [60.0]
    years = roll_up(forecast, history, "year", snapshot=False, paths=paths)
    assert years.empty  # December is not forecast
    longer = monthly([10.0] * 6, first=dt.date(2026, 7, 1)).assign(low=9.0, high=11.0, method="ets")
    year = roll_up(longer, history, "year", snapshot=False, paths=np.full((3, 6), 10.0))
    assert year.value.tolist() == [100 + 40 + 60 + 60.0]  # April to June actual, then 6 × 10


# --- workspace ---------------------------------------------------------------------


def test_the_series_ends_with_the_last_complete_month(demo_workspace: revhub.Workspace) -> None:
    for metric in ("mrr", "new_bookings", "pipeline_created"):
        series = series_as_of(demo_workspace, metric, AS_OF)
        assert series.period_start.iloc[-1] == dt.date(2026, 6, 1)
        computed = demo_workspace.metrics.compute(
            metric, start=series.period_start.iloc[0], end=dt.date(2026, 6, 30)
        )
        assert series.value.to_numpy() == pytest.approx(computed.value.to_numpy())
    # mid-June: June is still running, so it is left out
    running = series_as_of(demo_workspace, "new_bookings", dt.date(2026, 6, 15), months=3)
    assert running.period_start.tolist() == [dt.date(2026, m, 1) for m in (3, 4, 5)]


def test_an_as_of_day_after_the_data_is_refused(demo_workspace: revhub.Workspace) -> None:
    with pytest.raises(ForecastError, match="runs to 2026-06-30"):
        series_as_of(demo_workspace, "mrr", dt.date(2026, 9, 1))


def test_forecasts_of_the_demo_company(demo_workspace: revhub.Workspace) -> None:
    rows = timeseries_forecasts(demo_workspace, AS_OF)
    assert list(rows.columns) == [
        "metric", "period_grain", "period_start", "value", "low", "high", "method",
    ]  # fmt: skip
    counts = rows.groupby(["metric", "period_grain"]).size().to_dict()
    for metric in ("mrr", "new_bookings", "pipeline_created"):
        assert counts[(metric, "month")] == 12
        assert counts[(metric, "quarter")] == 4
        assert counts[(metric, "year")] == 1
    months = rows[(rows.metric == "mrr") & (rows.period_grain == "month")]
    assert months.period_start.iloc[0] == dt.date(2026, 7, 1)
    assert months.period_start.iloc[-1] == dt.date(2027, 6, 1)
    assert_ordered(rows)
    assert (rows.low >= 0).all()
    assert set(rows.method) <= METHODS
    # MRR (a state) takes a quarter's last month; bookings (a flow) add 2026's actual
    # January to June to the forecast July to December
    quarter = rows[(rows.metric == "mrr") & (rows.period_grain == "quarter")].iloc[0]
    september = months[months.period_start == dt.date(2026, 9, 1)].iloc[0]
    assert (quarter.value, quarter.low, quarter.high) == (
        september.value,
        september.low,
        september.high,
    )
    bookings = rows[rows.metric == "new_bookings"]
    actual = series_as_of(demo_workspace, "new_bookings", AS_OF, months=6).value.sum()
    forecast = bookings[bookings.period_grain == "month"].value.iloc[:6].sum()
    year = bookings[bookings.period_grain == "year"].iloc[0]
    assert year.period_start == dt.date(2026, 1, 1)
    assert year.value == pytest.approx(actual + forecast)
    # a flow's mean monthly forecast lies in the range it has been in
    pipeline = rows[(rows.metric == "pipeline_created") & (rows.period_grain == "month")]
    history = series_as_of(demo_workspace, "pipeline_created", AS_OF)
    assert history.value.min() <= pipeline.value.iloc[0] <= 2 * history.value.max()

"""ws.forecast on the demo company: runs are stored once per day and grain, the history
reads them back, the movement between two runs balances, and the calls roll up."""

from __future__ import annotations

import datetime as dt

import pytest

import revhub
from revhub.errors import ForecastError
from revhub.forecast.movement import STEPS

EARLIER, LATER = dt.date(2026, 5, 4), dt.date(2026, 6, 1)
NEXT_QUARTER = dt.date(2026, 7, 1)


def stored(ws: revhub.Workspace) -> dict[str, int]:
    tables = ("forecast_snapshots", "forecast_deal_snapshots", "forecast_runs")
    return {name: ws.table(name).count().execute() for name in tables}


def test_a_run_is_stored_once_and_read_back(writable_demo: revhub.Workspace) -> None:
    ws = writable_demo
    run = ws.forecast.run(LATER, draws=500)
    first = stored(ws)
    assert first["forecast_runs"] == 1
    assert first["forecast_deal_snapshots"] >= len(run.bookings.deals)
    ws.forecast.run(LATER, draws=500)
    assert stored(ws) == first  # the same day again replaces, never duplicates
    history = ws.forecast.history()
    company = run.bookings.totals.query("grouping == 'company'")
    assert history["value"].tolist() == pytest.approx(company["mean"].tolist())
    assert (history["low"] <= history["value"]).all()
    assert (history["value"] <= history["high"]).all()
    methods = set(ws.table("forecast_snapshots").method.to_pyarrow().to_pylist())
    assert {"deal_monte_carlo", "commit_call", "best_case_call"} <= methods
    assert methods & {"ets", "arima", "theta", "drift", "naive"}  # the time-series cross-checks


def test_the_groups_add_up_to_the_company(writable_demo: revhub.Workspace) -> None:
    totals = writable_demo.forecast.run(LATER, draws=500, store=False, timeseries=False, arr=False)
    frame = totals.bookings.totals
    for _, rows in frame.groupby("period_start"):
        company = rows[rows["grouping"] == "company"]
        for grouping in ("segment", "region"):
            part = rows[rows["grouping"] == grouping]
            for column in ("closed", "open", "to_come", "mean"):
                assert part[column].sum() == pytest.approx(float(company[column].iloc[0]), rel=1e-6)


def test_the_movement_between_two_runs_balances(writable_demo: revhub.Workspace) -> None:
    ws = writable_demo
    for day in (EARLIER, LATER):
        ws.forecast.run(day, draws=500, timeseries=False, arr=False)
    movement = ws.forecast.movement(EARLIER, LATER, NEXT_QUARTER)
    assert movement.steps["step"].tolist() == list(STEPS)
    change = movement.later_total - movement.earlier_total
    assert movement.steps["change"].sum() == pytest.approx(change, abs=0.01)
    assert movement.steps.set_index("step").loc["new deals", "deals"] > 0
    assert movement.deals["step"].isin(STEPS).all()


def test_calls_roll_up_to_the_company(writable_demo: revhub.Workspace) -> None:
    calls = writable_demo.forecast.run(
        LATER, draws=200, store=False, timeseries=False, arr=False
    ).calls
    for _, rows in calls.groupby("period_start"):
        company = rows[rows["manager_id"] == "all"].iloc[0]
        managers = rows[rows["manager_id"] != "all"]
        for column in ("closed", "commit", "best_case", "pipeline"):
            assert managers[column].sum() <= company[column] + 0.01
        assert company["commit_call"] == pytest.approx(company["closed"] + company["commit"])
        assert company["best_case_call"] >= company["commit_call"]


def test_clear_errors(writable_demo: revhub.Workspace) -> None:
    with pytest.raises(ForecastError, match="data runs to 2026-07-01"):
        writable_demo.forecast.run(dt.date(2027, 1, 1))
    with pytest.raises(ForecastError, match="the first deal is from"):
        writable_demo.forecast.run(dt.date(2001, 1, 1))
    with pytest.raises(ForecastError, match="unknown grain `week`"):
        writable_demo.forecast.run(LATER, grain="week")  # type: ignore[arg-type]
    with pytest.raises(ForecastError, match="no stored quarter forecast made on"):
        writable_demo.forecast.movement(EARLIER, LATER, NEXT_QUARTER)
    with pytest.raises(ForecastError, match="must run forward"):
        writable_demo.forecast.backtest(LATER, EARLIER)

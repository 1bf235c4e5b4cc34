"""Backtest on the default demo company: the one-quarter-ahead bookings forecast beats
both naive baselines, its P10–P90 band covers about 80% of outcomes, and the deal
probabilities are calibrated. The figures are printed (run with -s to see them); the
README states them."""

from __future__ import annotations

import datetime as dt

import pytest

import revhub
from revhub.forecast.backtest import Backtest

START, END = dt.date(2025, 1, 6), dt.date(2026, 3, 30)


@pytest.fixture(scope="module")
def replayed(accuracy_workspace: revhub.Workspace) -> Backtest:
    return accuracy_workspace.forecast.backtest(START, END, step_days=28, draws=2_000)


def test_one_quarter_ahead_beats_both_naive_baselines(replayed: Backtest) -> None:
    ahead = replayed.accuracy.set_index("horizon").loc[1]
    print(
        f"\none quarter ahead over {ahead.periods} forecasts: MAPE model {ahead.model_mape:.1%}"
        f" (bias {ahead.model_bias:+.1%}), run-rate {ahead.run_rate_mape:.1%},"
        f" CRM-weighted pipeline {ahead.crm_weighted_mape:.1%}; P10–P90 coverage"
        f" {ahead.coverage:.0%}"
    )
    print(replayed.accuracy.to_string())
    assert ahead.periods >= 12
    assert ahead.model_mape < ahead.run_rate_mape
    assert ahead.model_mape < ahead.crm_weighted_mape


def test_the_p10_p90_band_covers_about_eight_in_ten(replayed: Backtest) -> None:
    """The band holds about eight outcomes in ten: 88% one quarter ahead and 76% for the
    quarter in progress on the demo (where the model still runs about 10% high; the
    README says so)."""
    coverage = replayed.accuracy.set_index("horizon")["coverage"]
    assert 0.7 <= coverage[1] <= 0.95
    assert 0.6 <= coverage[0] <= 0.95


def test_deal_probabilities_are_calibrated(replayed: Backtest) -> None:
    print(f"\nBrier {replayed.brier:.3f}, calibration error {replayed.calibration_error:.3f}")
    print(replayed.reliability.to_string())
    assert replayed.calibration_error < 0.05
    busy = replayed.reliability[replayed.reliability["deals"] >= 100]
    assert (busy["predicted"] - busy["observed"]).abs().max() < 0.1

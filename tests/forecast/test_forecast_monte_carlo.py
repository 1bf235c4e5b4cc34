"""The Monte Carlo: golden cases that can be worked out by hand, and invariants."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from revhub.forecast.monte_carlo import FutureArrivals, quantiles, simulate
from revhub.forecast.shared_shock import shock_sigma, total_cv

ONE_GROUP = np.ones((3, 1), dtype=np.float32)


def test_certain_deals_add_up_exactly() -> None:
    totals = simulate(
        np.array([100.0, 50.0, 25.0]),
        np.array([1.0, 1.0, 0.0]),
        ONE_GROUP,
        FutureArrivals.none(1),
        draws=300,
        shock_sigma=0.3,
    )
    assert set(totals[:, 0]) == {150.0}


def test_the_mean_of_the_draws_is_the_expected_value() -> None:
    amount = np.array([1000.0, 400.0, 250.0])
    probability = np.array([0.5, 0.25, 0.8])
    totals = simulate(amount, probability, ONE_GROUP, FutureArrivals.none(1), draws=40_000)
    expected = amount @ probability  # 500 + 100 + 200 = 800
    assert abs(totals.mean() - expected) < 0.02 * expected
    # one 1,000 deal at a coin flip: P10 and P90 straddle it
    spread = quantiles(totals)
    assert spread["p10"][0] < expected < spread["p90"][0]


def test_deals_to_come_arrive_as_a_compound_poisson_count() -> None:
    future = FutureArrivals(
        expected_wins=np.array([4.0]),
        amount_pools=[np.array([10.0, 30.0])],
        groups=np.ones((1, 1), dtype=np.float32),
    )
    totals = simulate(np.zeros(0), np.zeros(0), np.zeros((0, 1), np.float32), future, draws=40_000)
    assert abs(totals.mean() - 4 * 20.0) < 1.5  # E = μ·E[A] = 80
    assert abs(totals.var() - 4 * 500.0) < 150  # Var = μ·E[A²] = 4·(100+900)/2


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 1e6),
            st.floats(0, 1),
            st.integers(0, 2),
        ),
        min_size=1,
        max_size=25,
    ),
    st.floats(0, 0.6),
)
def test_segments_add_up_to_the_company_in_every_draw(
    deals: list[tuple[float, float, int]], sigma: float
) -> None:
    amount = np.array([a for a, _, _ in deals])
    probability = np.array([p for _, p, _ in deals])
    groups = np.zeros((len(deals), 4), dtype=np.float32)
    groups[:, 0] = 1.0
    for row, (_, _, segment) in enumerate(deals):
        groups[row, 1 + segment] = 1.0
    totals = simulate(
        amount, probability, groups, FutureArrivals.none(4), draws=200, shock_sigma=sigma
    )
    assert np.allclose(totals[:, 0], totals[:, 1:].sum(axis=1), rtol=1e-4, atol=1e-2)
    assert (totals >= 0).all()
    assert (totals[:, 0] <= amount.sum() * (1 + 1e-5) + 1e-2).all()
    spread = quantiles(totals)
    assert (spread["p10"] <= spread["p50"]).all() and (spread["p50"] <= spread["p90"]).all()


def test_the_shared_spread_is_what_chance_does_not_explain() -> None:
    steady = np.array([100.0, 102, 101, 103, 102, 104])
    assert shock_sigma(steady, cv=0.0) < 0.05 + 1e-9  # floor
    swinging = np.array([100.0, 160, 90, 170, 95, 150])
    assert shock_sigma(swinging, cv=0.0) > shock_sigma(swinging, cv=0.3)
    assert shock_sigma(np.array([100.0, 120]), cv=0.0) == 0.2  # too little history


def test_the_chance_spread_is_exact_for_bernoulli_deals() -> None:
    # one deal of 100 at p = 0.5: mean 50, sd 50 → cv 1
    assert total_cv(np.array([100.0]), np.array([0.5]), np.zeros(0), []) == 1.0

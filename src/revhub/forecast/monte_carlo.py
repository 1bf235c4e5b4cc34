"""The forecast as a distribution: many simulated outcomes of the open pipeline and of the
pipeline still to come, summed per group (company, team, segment, region).

In each draw every open deal closes won within the period with its probability, and
the deals not yet created arrive as a compound Poisson count per cell with amounts drawn
from the segment's recent wins. Outcomes are not independent in life — a good quarter
lifts many deals at once — so each draw also shares one factor ``s = exp(z)``,
``z ~ N(0, shock_sigma)`` (measured from how much past bookings varied beyond chance):
it multiplies every open deal's odds of winning, so a certain deal stays certain and a
dead one dead, and the arrival rate of deals to come (there as ``exp(z − σ²/2)``, mean 1).
Quantiles of the draws give P10/P50/P90.

Draws are made in chunks so that 10,000 draws over 100,000 deals stay within a few
hundred megabytes. A deal wins when ``u < q'`` for a uniform ``u``, where ``q'`` has the
odds ``s·q/(1−q)``; this is compared as ``u/(1−u)/s < q/(1−q)``, two divisions a cell.

>>> groups = np.ones((2, 1), dtype=np.float32)
>>> totals = simulate(np.array([100.0, 50.0]), np.array([1.0, 0.0]), groups,
...     FutureArrivals.none(1), draws=200, shock_sigma=0.0, seed=1)
>>> float(totals.min()), float(totals.max())
(100.0, 100.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHUNK_CELLS = 20_000_000  # draws × deals simulated at once


@dataclass(frozen=True)
class FutureArrivals:
    """Deals not created yet: per cell, the expected wins in the period, the amounts to
    draw from, and the cell's membership of each group (cells × groups)."""

    expected_wins: np.ndarray
    amount_pools: list[np.ndarray]
    groups: np.ndarray

    @classmethod
    def none(cls, group_count: int) -> FutureArrivals:
        """No pipeline to come."""
        return cls(np.zeros(0), [], np.zeros((0, group_count), dtype=np.float32))


def shock_draws(draws: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """One normal shock ``z`` per draw (zeros when ``sigma`` is 0)."""
    if sigma <= 0:
        return np.zeros(draws)
    return rng.normal(0.0, sigma, draws)


def simulate(
    amount: np.ndarray,
    probability: np.ndarray,
    groups: np.ndarray,
    future: FutureArrivals,
    *,
    draws: int = 10_000,
    shock_sigma: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """Simulated totals, ``draws × groups``: open deals (``amount``, ``probability`` of
    winning within the period, membership ``groups``: deals × groups) plus ``future``."""
    rng = np.random.default_rng(seed)
    shocks = shock_draws(draws, shock_sigma, rng)
    odds_factor = np.exp(shocks).astype(np.float32)
    weights = (groups * amount[:, None]).astype(np.float32)
    with np.errstate(divide="ignore"):
        odds = (probability / (1.0 - probability)).astype(np.float32)  # 1 → inf
    totals = np.zeros((draws, groups.shape[1]), dtype=np.float64)
    step = max(1, CHUNK_CELLS // max(1, len(amount)))
    for first in range(0, draws, step):
        rows = slice(first, min(draws, first + step))
        uniform = rng.random((rows.stop - rows.start, len(amount)), dtype=np.float32)
        uniform /= 1.0 - uniform
        uniform /= odds_factor[rows, None]
        totals[rows] += (uniform < odds).astype(np.float32) @ weights
    totals += _future_totals(future, np.exp(shocks - shock_sigma**2 / 2), rng)
    return totals


def _future_totals(
    future: FutureArrivals, factors: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    draws = len(factors)
    per_cell = np.zeros((draws, len(future.expected_wins)))
    for j, (mean, pool) in enumerate(zip(future.expected_wins, future.amount_pools, strict=True)):
        if mean <= 0 or not len(pool):
            continue
        counts = rng.poisson(mean * factors.astype(np.float64))
        amounts = pool[rng.integers(0, len(pool), counts.sum())]
        per_cell[:, j] = np.bincount(
            np.repeat(np.arange(draws), counts), weights=amounts, minlength=draws
        )
    return per_cell @ future.groups.astype(np.float64)


def quantiles(totals: np.ndarray) -> dict[str, np.ndarray]:
    """P10, P50, P90 and the mean of each group's totals."""
    p10, p50, p90 = np.quantile(totals, [0.1, 0.5, 0.9], axis=0)
    return {"p10": p10, "p50": p50, "p90": p90, "mean": totals.mean(axis=0)}

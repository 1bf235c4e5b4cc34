"""How far a whole period can run above or below plan, beyond deal-by-deal chance.

Deal outcomes are not independent: a strong quarter lifts many deals at once. The
Monte Carlo scales every probability in a draw by one shared lognormal factor; its
spread ``sigma`` is the part of the company's period-to-period variation in bookings that
deal-level chance does not already explain:

    sigma² = max(MIN², s² / 2 − CV²)

where ``s`` is the spread of log(B_t / B_{t-1}), measured robustly (1.4826 × the median
absolute deviation, so that a company's first, ramping periods do not dominate), ``B_t``
are the bookings of the last ``PERIODS`` complete periods before the as-of day (a
difference of two periods carries the variance twice, hence the halving) and
``CV`` is the coefficient of variation of the simulated total without the shared factor
(computed exactly: Σ a²q(1−q) for open deals, μ·E[A²] for compound Poisson arrivals).
With fewer than ``MIN_PERIODS`` periods of history the spread is ``DEFAULT``.

>>> round(shock_sigma(np.array([100.0, 120, 90, 130, 110]), cv=0.1), 3)
0.225
"""

from __future__ import annotations

import numpy as np

PERIODS = 8
MIN_PERIODS = 4
MIN, MAX, DEFAULT = 0.05, 0.6, 0.2
MAD_TO_SD = 1.4826  # median absolute deviation → standard deviation under normality


def shock_sigma(bookings: np.ndarray, *, cv: float) -> float:
    """The shared factor's spread from past period bookings (oldest first)."""
    recent = np.asarray(bookings, dtype="float64")[-PERIODS:]
    recent = recent[recent > 0]
    if len(recent) < MIN_PERIODS:
        return DEFAULT
    changes = np.diff(np.log(recent))
    spread = MAD_TO_SD * float(np.median(np.abs(changes - np.median(changes))))
    variance = spread**2 / 2.0 - cv**2
    return float(np.clip(np.sqrt(max(variance, MIN**2)), MIN, MAX))


def total_cv(
    amount: np.ndarray,
    probability: np.ndarray,
    expected_arrivals: np.ndarray,
    arrival_amounts: list[np.ndarray],
) -> float:
    """Coefficient of variation of open deals plus arrivals, without a shared factor."""
    mean = float(amount @ probability)
    variance = float((amount**2) @ (probability * (1 - probability)))
    for mu, pool in zip(expected_arrivals, arrival_amounts, strict=True):
        if len(pool):
            mean += float(mu * pool.mean())
            variance += float(mu * np.mean(pool**2))
    return float(np.sqrt(variance) / mean) if mean > 0 else 0.0

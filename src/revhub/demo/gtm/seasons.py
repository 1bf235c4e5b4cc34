"""When demand arrives: monthly seasonality, company growth and business hours.

Leads (and the companies behind them) arrive with a January lull, a summer dip and a Q4
push, on a curve that grows year over year. Budgets, spend and arrivals all read the
same curve, so marketing spend follows the leads it bought.

>>> import datetime as dt
>>> spec = DemoSpec(accounts=10, months=12, as_of=dt.date(2026, 1, 1))
>>> w = demand_weights(spec)
>>> len(w), round(float(w.sum()), 6)
(12, 1.0)
"""

from __future__ import annotations

import numpy as np

from revhub.demo.spec import DemoSpec

# Relative lead volume by calendar month (Jan..Dec).
SEASONALITY = np.array([0.80, 0.95, 1.05, 1.02, 1.00, 0.92, 0.78, 0.75, 1.05, 1.12, 1.18, 1.05])
YEARLY_GROWTH = 0.45  # demand grows 45% a year
SECOND = np.timedelta64(1, "s")
DAY_SECONDS = 86_400


def month_starts(spec: DemoSpec) -> np.ndarray:
    """First day of every month of the history (datetime64[D]), oldest first."""
    first = np.datetime64(spec.start_date, "M")
    return (first + np.arange(spec.months)).astype("datetime64[D]")


def demand_weights(spec: DemoSpec) -> np.ndarray:
    """Share of all arrivals that falls in each month of the history (sums to 1)."""
    months = np.datetime64(spec.start_date, "M") + np.arange(spec.months)
    calendar_month = months.astype(int) % 12
    growth = (1.0 + YEARLY_GROWTH) ** (np.arange(spec.months) / 12.0)
    weights = SEASONALITY[calendar_month] * growth
    return np.asarray(weights / weights.sum())


def arrival_days(spec: DemoSpec, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` arrival days drawn from the demand curve, mostly on weekdays."""
    starts = month_starts(spec)
    month = rng.choice(spec.months, size=n, p=demand_weights(spec))
    ends = np.append(starts[1:], spec.end)
    length = (ends - starts).astype(int)[month]
    day = starts[month] + (rng.random(n) * length).astype(int)
    weekend = ((day.astype(int) + 3) % 7) >= 5  # 1970-01-01 was a Thursday
    shift = np.where(weekend & (rng.random(n) < 0.7), 2, 0)
    return np.asarray(np.minimum(day + shift, spec.end - 1))


def office_time(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """A timestamp (datetime64[s]) in business hours (08:00–19:00) on each day."""
    seconds = rng.integers(8 * 3600, 19 * 3600, len(days))
    return days.astype("datetime64[s]") + seconds * SECOND


def add_days(times: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Timestamps (datetime64[s]) moved by fractional ``days``."""
    return times + np.round(days * DAY_SECONDS).astype(np.int64) * SECOND


def quarter_start(day: np.datetime64) -> np.datetime64:
    """First day of the calendar quarter containing ``day``."""
    month = int(day.astype("datetime64[M]").astype(np.int64))
    first: np.datetime64 = np.datetime64(month - month % 3, "M").astype("datetime64[D]")
    return first

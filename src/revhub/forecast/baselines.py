"""The two naive forecasts a bookings forecast must beat.

- **Run-rate**: bookings won in the last period-length of days before the as-of day,
  spread evenly over the days of the period still to come (plus what the period has
  already closed).
- **CRM-weighted pipeline**: every open deal whose close date falls in the period,
  weighted by the CRM's default probability for its stage (``probability`` in
  ``opportunity_history``), plus what the period has already closed.

Both know only what was recorded before the as-of day.

>>> run_rate(300.0, 30, dt.date(2026, 4, 11), dt.date(2026, 4, 1), dt.date(2026, 4, 30),
...     closed=50.0)
250.0
"""

from __future__ import annotations

import datetime as dt

import pandas as pd


def run_rate(
    won_before: float,
    days: int,
    as_of: dt.date,
    first: dt.date,
    last: dt.date,
    *,
    closed: float,
) -> float:
    """``closed`` plus ``won_before`` (won over the ``days`` before ``as_of``) per day,
    times the days of [first, last] from ``as_of`` on."""
    remaining = (last - max(first, as_of)).days + 1
    return closed + won_before / days * max(remaining, 0)


def crm_weighted(
    open_deals: pd.DataFrame, first: dt.date, last: dt.date, *, closed: float
) -> float:
    """``closed`` plus Σ amount × CRM probability of open deals closing in [first, last]
    (``open_deals`` as ``deal_states`` returns them)."""
    close = pd.to_datetime(open_deals["close_date"])
    inside = (close >= pd.Timestamp(first)) & (close <= pd.Timestamp(last))
    weighted = open_deals["amount"] * open_deals["crm_probability"]
    return closed + float(weighted[inside].sum())

"""Calendar periods: where a date's period starts, and the periods between two dates.

Weeks start on Monday (ISO 8601); quarters and years are calendar ones. A period's
*closing day* is its last day, or the range's end when the period is still running, so a
snapshot of the current month is taken on the as-of date, not in the future. Its
*opening day* is the day before it starts: the state a period inherits.

>>> period_start(dt.date(2026, 5, 17), "quarter")
datetime.date(2026, 4, 1)
>>> [p.start.isoformat() for p in periods("month", dt.date(2026, 1, 31), dt.date(2026, 3, 2))]
['2026-01-01', '2026-02-01', '2026-03-01']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from revhub.metrics.core import Grain

_MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "year": 12}


# The first day a metric may cover: a period's opening and the trend lines behind it
# reach back from there, and dates before year 1 do not exist.
EARLIEST_DAY = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Period:
    """One period of a grain: [start, next_start), seen up to ``closing``."""

    start: dt.date
    next_start: dt.date
    closing: dt.date

    @property
    def opening(self) -> dt.date:
        """The day before the period starts."""
        return self.start - dt.timedelta(days=1)


def period_start(day: dt.date, grain: Grain) -> dt.date:
    """The first day of the ``grain`` period that holds ``day``."""
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    months = _MONTHS_PER_PERIOD[grain]
    month = (day.month - 1) // months * months + 1
    return dt.date(day.year, month, 1)


def next_period_start(start: dt.date, grain: Grain) -> dt.date:
    """The first day of the period after the one starting on ``start``.

    >>> next_period_start(dt.date(2026, 12, 1), "month")
    datetime.date(2027, 1, 1)
    """
    if grain == "day":
        return start + dt.timedelta(days=1)
    if grain == "week":
        return start + dt.timedelta(days=7)
    return add_months(start, _MONTHS_PER_PERIOD[grain])


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month.

    >>> add_months(dt.date(2026, 11, 15), -11)
    datetime.date(2025, 12, 1)
    """
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def periods(grain: Grain, start: dt.date, end: dt.date) -> list[Period]:
    """Every ``grain`` period that overlaps [start, end] (both inclusive), in order."""
    if end < start:
        return []
    out = []
    current = period_start(start, grain)
    while current <= end:
        following = next_period_start(current, grain)
        out.append(Period(current, following, min(following - dt.timedelta(days=1), end)))
        current = following
    return out


def default_start(grain: Grain, end: dt.date) -> dt.date:
    """Where a query starts when no start is given: the trailing 30 days, 13 weeks,
    12 months, 8 quarters or 3 years that end on ``end``.

    >>> default_start("month", dt.date(2026, 11, 30))
    datetime.date(2025, 12, 1)
    """
    if grain == "day":
        return end - dt.timedelta(days=29)
    if grain == "week":
        return period_start(end, "week") - dt.timedelta(weeks=12)
    count = {"month": 12, "quarter": 8, "year": 3}[grain]
    return add_months(period_start(end, grain), -(count - 1) * _MONTHS_PER_PERIOD[grain])

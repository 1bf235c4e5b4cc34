"""Timestamps in the app database: timezone-aware UTC in Python, portable in storage.

PostgreSQL stores ``timestamp with time zone``; SQLite has no time zone type, so the same
column stores the UTC wall time there. Either way Python code reads and writes aware UTC
datetimes, and a naive datetime is refused rather than guessed at.

>>> import datetime as dt
>>> as_utc(dt.datetime(2026, 7, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))
datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utc_now() -> dt.datetime:
    """The current time, aware, in UTC (microseconds kept, as both databases store them)."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` converted to UTC; a naive datetime is a programming error."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: app database timestamps must be aware")
    return value.astimezone(dt.UTC)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A ``DateTime(timezone=True)`` column that always hands back aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        utc = as_utc(value)
        # SQLite keeps text without an offset: store the UTC wall time
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]
        return value.astimezone(dt.UTC)  # type: ignore[no-any-return]

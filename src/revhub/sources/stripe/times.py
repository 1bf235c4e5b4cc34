"""Stripe's ways of writing a moment, as timestamps and dates ingestion reads.

The API writes unix seconds (``1704164645``); warehouse syncs write text such as
"2021-02-18 14:16:37" or "2024-05-19 12:34:06.327000" (UTC). ``moments`` reads both as
naive UTC timestamps; ``timestamps`` and ``dates`` write them as ISO text and leave a
value they cannot read as it is, so ingestion quarantines the row and names it.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.moments import parse_utc

_UNIX = r"^-?[0-9]{1,12}$"  # seconds: Stripe never writes milliseconds


def moments(values: pa.Array) -> pa.Array:
    """Unix seconds or ISO text as naive UTC ``timestamp[s]``; unreadable values -> null.
    Timestamps stay as they are.

    >>> moments(pa.array(["0", "2024-01-02T03:04:05+02:00", "x"])).to_pylist()
    [datetime.datetime(1970, 1, 1, 0, 0), datetime.datetime(2024, 1, 2, 1, 4, 5), None]
    """
    if pa.types.is_timestamp(values.type):
        return values.cast(pa.timestamp("s"), safe=False)
    text = _text(values)
    unix = pc.fill_null(pc.match_substring_regex(text, _UNIX), False)
    seconds = pc.if_else(unix, text, pa.scalar(None, pa.string())).cast(pa.int64())
    from_unix = seconds.cast(pa.timestamp("s"))
    if pc.all(pc.or_(unix, pc.is_null(text))).as_py():
        return from_unix
    return pc.coalesce(from_unix, _parse_text(pc.if_else(unix, None, text)))


def timestamps(values: pa.Array) -> pa.Array:
    """Moments as "YYYY-MM-DD HH:MM:SS" text (UTC); unreadable text unchanged.

    >>> timestamps(pa.array(["1704164645", "2021-02-18 14:16:37", "soon", None])).to_pylist()
    ['2024-01-02 03:04:05', '2021-02-18 14:16:37', 'soon', None]
    """
    text = _text(values)
    written = pc.strftime(moments(text), format="%Y-%m-%d %H:%M:%S")
    return pc.coalesce(written, text)


def dates(values: pa.Array, *, before: bool = False) -> pa.Array:
    """The UTC day of each moment as "YYYY-MM-DD"; unreadable text unchanged.

    ``before`` gives the day of the last second before the moment: the last day of a
    period that ends (exclusive) at that moment, e.g. a trial ending at midnight.

    >>> midnight = pa.array(["1704067200"])
    >>> dates(midnight).to_pylist(), dates(midnight, before=True).to_pylist()
    (['2024-01-01'], ['2023-12-31'])
    """
    parsed = moments(values)
    text = parsed.cast(pa.string()) if pa.types.is_timestamp(values.type) else _text(values)
    if before:
        parsed = pc.subtract(parsed, pa.scalar(dt.timedelta(seconds=1), pa.duration("s")))
    written = pc.strftime(parsed.cast(pa.date32()), format="%Y-%m-%d")
    return pc.coalesce(written, text)


def _parse_text(text: pa.Array) -> pa.Array:
    """ISO-like text (with or without an offset) as naive UTC, the way ingestion reads it."""
    return parse_utc(text).cast(pa.timestamp("s"), safe=False)


def _text(values: pa.Array) -> pa.Array:
    return values if pa.types.is_string(values.type) else values.cast(pa.string())

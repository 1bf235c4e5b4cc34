"""HubSpot's ways of writing a moment, made readable by ingestion and comparable here.

The CRM v3 API writes ISO 8601 strings ("2024-01-02T03:04:05.123Z"); property history
in older APIs, the email events API, form submissions and engagements write epoch
milliseconds ("1704164645123"); UI exports write "2024-01-02 03:04"; warehouse syncs
write "2020-12-30 3:15:52". ``iso`` turns epoch milliseconds into ISO text and leaves
every other spelling as it is (ingestion reads them, and quarantines what it cannot).
``moments`` reads all of them as UTC timestamps where the connector itself must order
or compare times (lifecycle stage order); what it cannot read becomes null.

>>> import pyarrow as pa
>>> iso(pa.array(["1704164645123", "2024-01-02 03:04", None])).to_pylist()
['2024-01-02T03:04:05.123Z', '2024-01-02 03:04', None]
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.moments import parse_utc

_EPOCH_MS = r"^-?[0-9]{11,14}$"  # 1973..5138 in milliseconds; shorter digit runs are not times


def iso(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Epoch-millisecond strings (or integers) as ISO 8601 UTC text; other values unchanged.

    >>> iso(pa.array([0, 86_400_000 * 365])).to_pylist()
    ['0', '1971-01-01T00:00:00.000Z']
    """
    text = _text(values)
    epoch = pc.fill_null(pc.match_substring_regex(text, _EPOCH_MS), False)
    if not pc.any(epoch).as_py():
        return text
    millis = pc.if_else(epoch, text, pa.scalar(None, pa.string())).cast(pa.int64())
    moments = millis.cast(pa.timestamp("ms", "UTC"))
    written = pc.strftime(moments, "%Y-%m-%dT%H:%M:%SZ")
    # %S of a millisecond timestamp carries the fraction: "05.123"
    return pc.if_else(epoch, written, text)


def moments(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Any HubSpot spelling of a moment as a naive UTC timestamp[us]; unreadable -> null.

    >>> moments(pa.array(["2024-01-02T03:04:05+02:00", "1704164645123", "soon"])).to_pylist()
    [datetime.datetime(2024, 1, 2, 1, 4, 5), datetime.datetime(2024, 1, 2, 3, 4, 5, 123000), None]
    """
    return parse_utc(iso(values))


def _text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return array if pa.types.is_string(array.type) else array.cast(pa.string())

"""Moments written as text by SaaS exports, read as naive UTC the way ingestion stores them.

Text with an offset (``Z``, ``+02:00``, ``+0200``, `` UTC``) is converted to UTC; text
without one is taken as UTC already; what cannot be read becomes null.

>>> parse_utc(pa.array(["2024-01-02T03:04:05+02:00", "2024-01-02 03:04:05", "soon"])).to_pylist()
[datetime.datetime(2024, 1, 2, 1, 4, 5), datetime.datetime(2024, 1, 2, 3, 4, 5), None]
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

OFFSET = r"(Z|[+-][0-9]{2}:?[0-9]{2}| UTC)$"


def parse_utc(text: pa.Array) -> pa.Array:
    """ISO-like ``text`` as a naive UTC ``timestamp[us]`` array (nulls where unreadable)."""
    if len(text) == 0:
        return pa.array([], pa.timestamp("us"))
    con = duckdb.connect()
    try:
        con.register("_moments", pa.table({"v": text}))
        result = con.execute(
            f"SELECT CASE WHEN regexp_matches(v, '{OFFSET}') "
            "THEN timezone('UTC', TRY_CAST(v AS TIMESTAMPTZ)) "
            "ELSE TRY_CAST(v AS TIMESTAMP) END AS t FROM _moments"
        ).fetch_arrow_table()
    finally:
        con.close()
    return result.column("t").combine_chunks().cast(pa.timestamp("us"))

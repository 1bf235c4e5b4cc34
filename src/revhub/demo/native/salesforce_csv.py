"""How the demo's Salesforce export writes values: the formats of a Data Loader CSV.

Datetimes as "2024-01-02T03:04:05.000+0000", dates ISO, checkboxes "true"/"false",
percent fields 0–100 and picklist labels ("Closed Won", "Mid-Market") for the demo's
canonical values. Every column of a written table is text.

>>> csv_table(Id=pa.array(["001A"]), IsDeleted="false").to_pylist()
[{'Id': '001A', 'IsDeleted': 'false'}]
>>> label(pa.array(["closed_won", "emea", None])).to_pylist()
['Closed Won', 'EMEA', None]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SF_TIME = "%Y-%m-%dT%H:%M:%S.000+0000"
LABELS = {
    "smb": "SMB",
    "mid_market": "Mid-Market",
    "emea": "EMEA",
    "apac": "APAC",
    "latam": "LATAM",
    "mql": "MQL",
    "sql": "SQL",
    "revops": "Revenue Operations",
}


def csv_table(**columns: pa.Array | pa.ChunkedArray | str) -> pa.Table:
    """A table of text columns in Salesforce's export formats; str values fill a column."""
    n = next(len(v) for v in columns.values() if not isinstance(v, str))
    return pa.table({name: _text(value, n) for name, value in columns.items()})


def _text(value: pa.Array | pa.ChunkedArray | str, n: int) -> pa.Array:
    """Datetimes as 2024-01-02T03:04:05.000+0000, dates ISO, checkboxes true/false."""
    if isinstance(value, str):
        return pa.nulls(n, pa.string()).fill_null(value)
    values = array(value)
    if pa.types.is_timestamp(values.type):
        seconds = values.cast(pa.timestamp("s"), safe=False)
        return pc.strftime(seconds, format=SF_TIME)
    if pa.types.is_boolean(values.type):
        return pc.if_else(values, "true", "false")
    return values.cast(pa.string())


def stamps(rows: pa.Table) -> dict[str, pa.ChunkedArray | str]:
    """CreatedDate, LastModifiedDate, SystemModstamp and IsDeleted of live records."""
    return {
        "CreatedDate": rows["created_at"],
        "LastModifiedDate": rows["updated_at"],
        "SystemModstamp": rows["updated_at"],
        "IsDeleted": "false",
    }


def label(values: pa.ChunkedArray | pa.Array, labels: Mapping[str, str] = LABELS) -> pa.Array:
    """Canonical values as picklist labels: "closed_won" -> "Closed Won", "emea" -> "EMEA"."""
    values = array(values)
    known = pc.take(pa.array(list(labels.values())), pc.index_in(values, pa.array(list(labels))))
    spaced = pc.replace_substring(values, "_", " ")
    return pc.coalesce(known, pc.utf8_title(spaced))


def percent(fractions: pa.ChunkedArray) -> pa.Array:
    """Fractions (0–1) as Salesforce percent values (0–100)."""
    return pc.round(pc.multiply(fractions, 100.0), 4)


def numbered(prefix: str, n: int) -> pa.Array:
    """``n`` Salesforce-style ids: prefix and a zero-padded sequence number.

    >>> numbered("0R05e", 2).to_pylist()
    ['0R05e0000000001', '0R05e0000000002']
    """
    numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, 10, "0"), "")


def array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array of ``values``."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values

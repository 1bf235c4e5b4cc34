"""GA4 BigQuery export events, as one flat table of the fields touchpoints need.

The export (one ``events_YYYYMMDD`` table per day) comes as Parquet or as JSON: JSON
Lines (BigQuery's ``NEWLINE_DELIMITED_JSON``, whatever the extension) or a JSON array.
Each event becomes one row of ``FLAT``: ``event_timestamp`` (microseconds, as text —
BigQuery writes INT64 as a JSON string), ``event_name``, ``user_pseudo_id``,
``user_id``, the ``ga_session_id`` and ``page_location`` event parameters, and the
traffic source at three levels: ``cts_*`` from ``collected_traffic_source`` (the
event's own UTM and gclid), ``p_*`` from the ``source``/``medium``/``campaign``/
``term``/``content``/``gclid`` event parameters, and ``ts_*`` from ``traffic_source``
(the user's first-touch acquisition) — only for exports without
``collected_traffic_source`` (before mid-2023): where the export has it, an event
without one was a direct visit, not a repeat of the user's first touch.

>>> record = {"event_timestamp": "1704164645000001", "event_name": "page_view",
...     "user_pseudo_id": "1.2", "event_params": [{"key": "ga_session_id",
...     "value": {"int_value": "77"}}], "traffic_source": {"source": "google"}}
>>> row = flat_record(record)
>>> row["event_timestamp"], row["ga_session_id"], row["ts_source"], row["cts_source"]
('1704164645000001', '77', 'google', None)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from revhub.errors import DataError
from revhub.sources.base import ORIGIN, Rejected
from revhub.sources.files_read import numbered
from revhub.sources.readers import read_json_records

_UTM = ("source", "medium", "campaign", "term", "content", "gclid")
_CTS = {
    "manual_source": "source",
    "manual_medium": "medium",
    "manual_campaign_name": "campaign",
    "manual_term": "term",
    "manual_content": "content",
    "gclid": "gclid",
}
_VALUE_KINDS = ("string_value", "int_value", "double_value", "float_value")
_TS = {"source": "source", "medium": "medium", "name": "campaign"}
_PARAMS = {"ga_session_id": "ga_session_id", "page_location": "page_location"} | {
    u: f"p_{u}" for u in _UTM
}
_EVENT = ("event_timestamp", "event_name", "user_pseudo_id", "user_id")
FLAT = pa.schema(
    [(name, pa.string()) for name in (*_EVENT, *_PARAMS.values())]
    + [(f"cts_{u}", pa.string()) for u in _UTM]
    + [(f"ts_{u}", pa.string()) for u in ("source", "medium", "campaign")]
    + [(ORIGIN, pa.string())]
)


def read_events(path: Path) -> tuple[pa.Table, list[Rejected]]:
    """The events of one export file as a ``FLAT`` table, and the records it could not read.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events_20240102.json"
    >>> _ = path.write_text('{"event_name": "page_view"}\\n[broken\\n')
    >>> events, rejected = read_events(path)
    >>> events["event_name"].to_pylist(), [r.origin for r in rejected]
    (['page_view'], ['events_20240102.json:2'])
    """
    if path.suffix.lower() == ".parquet":
        return _flat_parquet(path), []
    data = _read_bytes(path)
    if data.lstrip()[:1] == b"[":
        raw = read_json_records(path)
        return _from_records(raw.records, raw.origins), raw.rejected
    records, origins, rejected = [], [], []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{path.name}:{number}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            rejected.append(Rejected(origin, f"line {number} is not valid JSON: {error}", ""))
            continue
        if not isinstance(record, dict):
            rejected.append(Rejected(origin, "the line is not a JSON object (an event)", ""))
            continue
        records.append(record)
        origins.append(origin)
    return _from_records(records, origins), rejected


def flat_record(record: Mapping[str, Any]) -> dict[str, str | None]:
    """One JSON event as a ``FLAT`` row (without ``_origin``).

    >>> flat_record({"event_params": [{"key": "page_location",
    ...     "value": {"string_value": "https://x.com/"}}]})["page_location"]
    'https://x.com/'
    """
    params = {
        p.get("key"): _param(p.get("value"))
        for p in record.get("event_params") or []
        if isinstance(p, dict)
    }
    cts = record.get("collected_traffic_source") or {}
    ts = record.get("traffic_source") or {}
    row = {name: _text(record.get(name)) for name in _EVENT}
    row |= {flat: params.get(key) for key, flat in _PARAMS.items()}
    row |= {f"cts_{flat}": _text(cts.get(key)) for key, flat in _CTS.items()}
    row |= {f"ts_{flat}": _text(ts.get(key)) for key, flat in _TS.items()}
    return row


def _flat_parquet(path: Path) -> pa.Table:
    """A Parquet export as a ``FLAT`` table, vectorised (nested fields via Arrow)."""
    try:
        events = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as error:
        raise DataError(f"{path}: cannot read as Parquet: {error}. Re-export the file.") from error
    n = events.num_rows
    columns: dict[str, pa.Array] = {}
    for name in _EVENT:
        columns[name] = _field(events, [name], n)
    params = (
        events["event_params"].combine_chunks() if "event_params" in events.schema.names else None
    )
    for key, flat in _PARAMS.items():
        columns[flat] = _param_column(params, key, n)
    for key, flat in _CTS.items():
        columns[f"cts_{flat}"] = _field(events, ["collected_traffic_source", key], n)
    for key, flat in _TS.items():
        columns[f"ts_{flat}"] = _field(events, ["traffic_source", key], n)
    columns[ORIGIN] = numbered(f"{path.name}:row ", 1, n)
    table = pa.table(columns, schema=FLAT)
    collected = "collected_traffic_source" in events.schema.names
    return _without_first_touch(table) if collected else table


def _field(events: pa.Table, path: list[str], n: int) -> pa.Array:
    """The (nested) field at ``path`` as text; nulls when the export has no such field."""
    if path[0] not in events.schema.names:
        return pa.nulls(n, pa.string())
    values = events[path[0]].combine_chunks()
    for part in path[1:]:
        if not pa.types.is_struct(values.type) or values.type.get_field_index(part) < 0:
            return pa.nulls(n, pa.string())
        values = pc.struct_field(values, part)
    return values.cast(pa.string())


def _param_column(params: pa.Array | None, key: str, n: int) -> pa.Array:
    """The value of event parameter ``key`` of each event (text; the last one wins)."""
    if params is None:
        return pa.nulls(n, pa.string())
    items = pc.list_flatten(params)
    parents = pc.list_parent_indices(params)
    chosen = pc.equal(pc.struct_field(items, "key"), key)
    value = pc.struct_field(items, "value")
    kinds = [k for k in _VALUE_KINDS if value.type.get_field_index(k) >= 0]
    texts = pc.coalesce(*[pc.struct_field(value, k).cast(pa.string()) for k in kinds])
    rows = parents.filter(chosen).to_numpy(zero_copy_only=False)
    position = np.full(n, -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    take = pa.array(position, mask=position < 0)
    return pc.take(texts.filter(chosen), take)


def _from_records(records: list[dict[str, Any]], origins: list[str]) -> pa.Table:
    rows = [flat_record(r) for r in records]
    columns = {name: [row[name] for row in rows] for name in FLAT.names[:-1]}
    table = pa.table({**columns, ORIGIN: origins}, schema=FLAT)
    collected = any("collected_traffic_source" in r for r in records)
    return _without_first_touch(table) if collected else table


def _without_first_touch(table: pa.Table) -> pa.Table:
    """The table with ``ts_*`` emptied (the export has the events' own traffic source)."""
    for name in [n for n in table.column_names if n.startswith("ts_")]:
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pa.nulls(table.num_rows, pa.string()))
    return table


def _param(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    for kind in _VALUE_KINDS:
        if value.get(kind) is not None:
            return _text(value[kind])
    return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read the file: {error.strerror}.") from error

"""The demo's web analytics as a GA4 BigQuery export (Parquet, one file per month).

Every demo touchpoint whose source is ``ga4`` (a web visit) becomes one session of
two events at the visit's time, ``session_start`` and ``page_view``, with the
BigQuery export's fields: ``event_date``, ``event_timestamp`` (microseconds),
``user_pseudo_id`` (one per person), ``user_id`` (the person's CRM id: a bare HubSpot
id, or ``salesforce:<id>`` for people living in Salesforce), ``event_params``
(``ga_session_id``, ``page_location``), ``collected_traffic_source`` (the visit's
source, medium, campaign and gclid; null for direct visits) and ``traffic_source``
(the person's first visit). Built column-wise with Arrow: no per-event Python.

>>> TRAFFIC["paid_search"]
('google', 'cpc')
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

SITE = "https://www.revhub-demo.com"
STREAM_ID = "4829301112"
# channel -> (source, medium) as the visit's UTM or GA4 would record it; direct has none
TRAFFIC = {
    "organic_search": ("google", "organic"),
    "paid_search": ("google", "cpc"),
    "paid_social": ("linkedin", "paid_social"),
    "referral": ("g2.com", "referral"),
    "email": ("hubspot", "email"),
    "content": ("blog", "content"),
    "events": ("eventbrite", "events"),
    "webinar": ("zoom", "webinar"),
    "partner": ("partner-portal", "partner"),
    "outbound": ("outreach", "outbound"),
}


def write_ga4(tables: Mapping[str, pa.Table], root: Path) -> int:
    """Write ``root/events_YYYYMM.parquet`` for the demo's GA4 visits; how many visits."""
    root.mkdir(parents=True, exist_ok=True)
    touchpoints = tables["touchpoints"]
    visits = touchpoints.filter(pc.equal(touchpoints["source"], "ga4")).sort_by("occurred_at")
    person = pc.coalesce(visits["contact_id"], visits["lead_id"])
    pseudo = _pseudo_ids(person, visits["touchpoint_id"])
    channel = visits["channel"]
    source = _lookup(channel, {c: s for c, (s, _) in TRAFFIC.items()})
    medium = _lookup(channel, {c: m for c, (_, m) in TRAFFIC.items()})
    campaigns = tables["campaigns"]
    campaign = _lookup(visits["campaign_id"], _pairs(campaigns, "campaign_id", "utm_campaign"))
    gclid = pc.if_else(
        pc.equal(channel, "paid_search"),
        pc.binary_join_element_wise("Cj0KCQjw", visits["touchpoint_id"], ""),
        None,
    )
    micros = visits["occurred_at"].cast(pa.timestamp("us")).cast(pa.int64())
    session_id = pc.divide(micros, 1_000_000)
    events = pa.table(
        {
            "event_date": pc.strftime(visits["occurred_at"], format="%Y%m%d"),
            "event_timestamp": micros,
            "user_pseudo_id": pseudo,
            "user_id": _lookup(person, _user_ids(tables)),
            "event_params": _params(session_id, visits["page_url"]),
            "collected_traffic_source": pa.StructArray.from_arrays(
                [_chunk(source), _chunk(medium), _chunk(campaign), _chunk(gclid)],
                names=["manual_source", "manual_medium", "manual_campaign_name", "gclid"],
                mask=_chunk(pc.is_null(source)),
            ),
            "traffic_source": _first_touch(pseudo, source, medium),
            "stream_id": pa.repeat(pa.scalar(STREAM_ID), visits.num_rows),
            "platform": pa.repeat(pa.scalar("WEB"), visits.num_rows),
        }
    )
    both = pa.concat_tables(
        [
            events.append_column("event_name", pa.repeat(pa.scalar(name), events.num_rows))
            for name in ("session_start", "page_view")
        ]
    ).sort_by([("event_timestamp", "ascending"), ("event_name", "descending")])
    months = pc.utf8_slice_codeunits(both["event_date"], 0, 6)
    for month in sorted(set(months.to_pylist())):
        pq.write_table(both.filter(pc.equal(months, month)), root / f"events_{month}.parquet")
    return int(visits.num_rows)


def _params(session_id: pa.ChunkedArray, page: pa.ChunkedArray) -> pa.ListArray:
    """``event_params`` of each event: ga_session_id (int) and page_location (text)."""
    n = len(session_id)
    location = pc.binary_join_element_wise(SITE, pc.fill_null(page, "/"), "")
    keys = np.tile(np.array(["ga_session_id", "page_location"], dtype=object), n)
    strings = np.empty(2 * n, dtype=object)
    strings[1::2] = np.asarray(location.to_numpy(zero_copy_only=False), dtype=object)
    ints = np.zeros(2 * n, dtype=np.int64)
    ints[0::2] = session_id.to_numpy()
    int_mask = np.tile(np.array([False, True]), n)
    value = pa.StructArray.from_arrays(
        [
            pa.array(strings, pa.string()),
            pa.array(ints, pa.int64(), mask=int_mask),
            pa.nulls(2 * n, pa.float64()),
        ],
        names=["string_value", "int_value", "double_value"],
    )
    items = pa.StructArray.from_arrays([pa.array(keys, pa.string()), value], ["key", "value"])
    return pa.ListArray.from_arrays(pa.array(np.arange(0, 2 * n + 1, 2, dtype=np.int32)), items)


def _first_touch(pseudo: pa.Array, source: pa.Array, medium: pa.Array) -> pa.StructArray:
    """``traffic_source`` of each event: the source and medium of the user's first visit."""
    order = pa.table({"user": pseudo, "row": pa.array(np.arange(len(pseudo)))})
    first = order.group_by("user").aggregate([("row", "min")])
    index = pc.take(first["row_min"], pc.index_in(pseudo, value_set=first["user"]))
    first_source = pc.fill_null(pc.take(source, index), "(direct)")
    first_medium = pc.fill_null(pc.take(medium, index), "(none)")
    name = pc.if_else(pc.equal(first_medium, "(none)"), "(direct)", "(not set)")
    return pa.StructArray.from_arrays(
        [_chunk(first_source), _chunk(first_medium), _chunk(name)],
        names=["source", "medium", "name"],
    )


def _pseudo_ids(person: pa.ChunkedArray, touchpoint: pa.ChunkedArray) -> pa.Array:
    """A GA4 client id ("<random>.<first-seen seconds>") per person (else per visit)."""
    who = pc.coalesce(person, touchpoint)
    ids = {}
    for name in pc.unique(who).to_pylist():
        random, seen = hash_int(name) % 900_000_000, hash_int(f"{name}:seen") % 60_000_000
        ids[name] = f"{1_000_000_000 + random}.{1_700_000_000 + seen}"
    return _lookup(who, ids)


def hash_int(text: str) -> int:
    """A stable non-negative integer from ``text``.

    >>> hash_int("lead_1") == hash_int("lead_1")
    True
    """
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest)


def _user_ids(tables: Mapping[str, pa.Table]) -> dict[str, str]:
    """GA4 user_id of each demo lead and contact: its CRM id (see the module doc)."""
    ids: dict[str, str] = {}
    for table, key in (("leads", "lead_id"), ("contacts", "contact_id")):
        rows = tables[table].select([key, "source", "source_id"]).to_pylist()
        for row in rows:
            native = row["source_id"]
            ids[row[key]] = native if row["source"] == "hubspot" else f"{row['source']}:{native}"
    return ids


def _pairs(table: pa.Table, key: str, value: str) -> dict[str, str]:
    return dict(zip(table[key].to_pylist(), table[value].to_pylist(), strict=True))


def _lookup(values: pa.ChunkedArray | pa.Array, mapping: Mapping[str, str]) -> pa.Array:
    """``mapping[value]`` for each value (null when absent), vectorised."""
    keys = pa.array(list(mapping), pa.string())
    index = pc.index_in(values, value_set=keys)
    return _chunk(pc.take(pa.array(list(mapping.values()), pa.string()), index))


def _chunk(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values

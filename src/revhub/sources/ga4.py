"""The GA4 connector: web visits from a Google Analytics 4 BigQuery export.

A GA4 source is a directory of export files (``events_YYYYMMDD.jsonl`` or
``.parquet``, any depth; see ``ga4_events``). Every session becomes one
``web_visit`` touchpoint: its first ``session_start`` or ``page_view`` event (a
session is ``user_pseudo_id`` + the ``ga_session_id`` parameter; an event without
one is its own session). So a session split over two daily files is still one visit.

- ``touchpoint_id``: ``<source>:<hash>`` of user_pseudo_id, event_timestamp and
  event_name of that event — GA4 has no event id, and the hash is stable across runs;
- ``occurred_at``: ``event_timestamp`` (microseconds since 1970, UTC);
- ``utm_*``: the event's ``collected_traffic_source`` (manual_source, manual_medium,
  manual_campaign_name, manual_term, manual_content); else its source/medium/campaign
  event parameters; else ``traffic_source`` (the user's first touch, all older
  exports have). GA4's placeholders such as ``(direct)`` and ``(none)`` are not UTM;
- ``page_url``: the ``page_location`` parameter (the landing page);
- ``channel``: from source, medium and gclid (``ga4_channels``);
- ``contact_id``: ``user_id`` when the site sets it, read as a HubSpot contact id
  (``hubspot:<user_id>``) — or as it is when it already reads ``<source>:<id>``
  (``salesforce:00Q…``), for sites that know people from several systems.

The visit has no campaign key (GA4 holds only the campaign's UTM name).

>>> import json, tempfile, pathlib
>>> from revhub.config import SourceSettings
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> event = {"event_timestamp": "1704164645000000", "event_name": "page_view",
...     "user_pseudo_id": "9.1", "user_id": "501", "event_params": [
...     {"key": "page_location", "value": {"string_value": "https://x.com/pricing"}}],
...     "collected_traffic_source": {"manual_source": "google", "manual_medium": "cpc"}}
>>> _ = (folder / "events_20240102.jsonl").write_text(json.dumps(event) + "\\n")
>>> batch = next(GA4Source("ga4", SourceSettings(kind="ga4", path="."), folder).batches())
>>> row = batch.rows.to_pylist()[0]
>>> row["occurred_at"], row["channel"], row["contact_id"], row["page_url"]
('2024-01-02 03:04:05', 'paid_search', 'hubspot:501', 'https://x.com/pricing')
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import ORIGIN, Batch, Source, source_key
from revhub.sources.ga4_channels import channels, traffic
from revhub.sources.ga4_events import FLAT, read_events

VISIT_EVENTS = ("session_start", "page_view")
UTM = ("source", "medium", "campaign", "term", "content")
PERSON_SOURCE = "hubspot"  # whose id a bare user_id is
_PATTERNS = ("*.jsonl", "*.ndjson", "*.json", "*.parquet")


class GA4Source(Source):
    """A GA4 BigQuery export (see the module docstring)."""

    kind = "ga4"

    def batches(self) -> Iterator[Batch]:
        """One ``touchpoints`` batch of every visit in every export file."""
        files = self._files()
        tables, rejected = [], []
        for path in files:
            events, bad = read_events(path)
            tables.append(events)
            rejected.extend(bad)
        events = pa.concat_tables(tables) if tables else FLAT.empty_table()
        origin = files[0].name if len(files) == 1 else f"{len(files)} GA4 export files"
        yield Batch("touchpoints", _visit_rows(self.name, events), origin, rejected=tuple(rejected))

    def _files(self) -> list[Path]:
        return self.find_files(
            _PATTERNS,
            "GA4 export files (events_*.jsonl, events_*.parquet of the BigQuery export)",
            deep=True,
        )


def _visit_rows(name: str, events: pa.Table) -> pa.Table:
    """One ``touchpoints`` row per session of ``events`` (a ``FLAT`` table)."""
    visits = _first_of_sessions(
        events.filter(pc.is_in(events["event_name"], pa.array(VISIT_EVENTS)))
    )
    stamp = visits["event_timestamp"]
    readable = pc.fill_null(pc.match_substring_regex(stamp, r"^\d+$"), False)
    micros = pc.if_else(readable, stamp, None).cast(pa.int64()).cast(pa.timestamp("us"))
    seconds = micros.cast(pa.timestamp("s"), safe=False)  # touchpoints keep whole seconds
    occurred = pc.coalesce(seconds.cast(pa.string()), stamp)
    utm = traffic(visits)
    parts = zip(
        visits["user_pseudo_id"].to_pylist(),
        stamp.to_pylist(),
        visits["event_name"].to_pylist(),
        strict=True,
    )
    ids = pa.array([_hash(*event) for event in parts], pa.string())
    return pa.table(
        {
            "touchpoint_id": source_key(name, ids),
            "touchpoint_type": pa.repeat(pa.scalar("web_visit"), visits.num_rows),
            "occurred_at": occurred,
            "channel": channels(utm),
            "contact_id": person_keys(visits["user_id"]),
            **{f"utm_{part}": utm[part] for part in UTM},
            "page_url": visits["page_location"],
            "source_id": ids,
            "created_at": occurred,
            "updated_at": occurred,
            ORIGIN: visits[ORIGIN],
        }
    )


def _first_of_sessions(events: pa.Table) -> pa.Table:
    """The first event of each session in ``events`` (``session_start`` before a
    ``page_view`` of the same time), with the session's ``user_id`` (sites often set it
    only after the first page)."""
    pseudo = pc.fill_null(events["user_pseudo_id"], "")
    stamp = events["event_timestamp"]
    own = pc.binary_join_element_wise(pseudo, stamp, events["event_name"], "|")
    in_session = pc.binary_join_element_wise(pseudo, events["ga_session_id"], "|")
    readable = pc.fill_null(pc.match_substring_regex(stamp, r"^\d+$"), False)
    order = pa.table(
        {
            "session": pc.coalesce(in_session, own),
            "at": pc.if_else(readable, stamp, None).cast(pa.int64()),
            "name": events["event_name"],
            "user_id": events["user_id"],
            "row": pa.array(np.arange(events.num_rows, dtype=np.int64)),
        }
    ).sort_by([("session", "ascending"), ("at", "ascending"), ("name", "descending")])
    ranked = order.append_column("rank", pa.array(np.arange(order.num_rows, dtype=np.int64)))
    first = ranked.group_by("session").aggregate([("rank", "min"), ("user_id", "max")])
    first = first.sort_by("rank_min")
    chosen = events.take(pc.take(ranked["row"], first["rank_min"]))
    return chosen.set_column(
        chosen.schema.get_field_index("user_id"), "user_id", first["user_id_max"]
    )


def person_keys(user_ids: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Contact keys of GA4 user ids: ``hubspot:<id>``, or ``<source>:<id>`` as written.

    >>> person_keys(pa.array(["501", "salesforce:00Q1", None])).to_pylist()
    ['hubspot:501', 'salesforce:00Q1', None]
    """
    keyed = pc.fill_null(pc.match_substring_regex(user_ids, r"^[a-z][a-z0-9_]*:."), False)
    return pc.if_else(keyed, user_ids, source_key(PERSON_SOURCE, user_ids))


def _hash(pseudo: str | None, stamp: str | None, event: str | None) -> str:
    text = f"{pseudo or ''}|{stamp or ''}|{event or ''}"
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

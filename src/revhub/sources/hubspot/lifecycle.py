"""Lifecycle-stage moves of HubSpot contacts and companies as ``lifecycle_events``.

Two ways HubSpot tells when a record entered a stage:

* **property history** of ``lifecyclestage`` (API ``propertiesWithHistory``, synced
  ``*_property_history``): every change, backwards moves and re-entries included. A
  record with history gets its events from it alone.
* **date properties**, one per stage: the newer ``hs_v2_date_entered_<stage>`` and the
  legacy ``hs_lifecyclestage_<stage>_date``; the newer wins where both are set. Moves
  are the stages in date order (ties in funnel order), each from the one before.

An event's key is ``<source>:<company|contact>:<id>:<stage>:<n>`` — the n-th entry of
the record into that stage — so both ways give the same key to the same move. Events
are read from the latest version of each record and share its archived flag; a
person's events are lead or contact events following ``people``.

>>> rows = moves([("1", "lead", "2024-01-01", None), ("1", "mql", "2024-02-01", None)])
>>> [(r["from_stage"], r["to_stage"], r["n"]) for r in rows]
[(None, 'lead', 1), ('lead', 'mql', 1)]
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from revhub.model.vocabulary import CHANNELS, LIFECYCLE_STAGES
from revhub.sources.base import DELETED, ORIGIN, Batch, source_key
from revhub.sources.hubspot import vocabulary as vocab
from revhub.sources.hubspot.people import People
from revhub.sources.hubspot.records import Loaded, first_id
from revhub.sources.hubspot.times import iso, moments

_NEW = re.compile(r"^hs_v2_date_entered_(.+)$")
_LEGACY = re.compile(r"^hs_lifecyclestage_(.+)_date$")
_ORDER = {stage: index for index, stage in enumerate(LIFECYCLE_STAGES)}


def stage_dates(loaded: Loaded) -> dict[str, pa.Array]:
    """Stage (canonical where known) -> when each row entered it, newer property first.

    >>> from revhub.sources.hubspot.fields import CONTACTS
    >>> from revhub.sources.hubspot.records import assemble, combine
    >>> part = assemble(CONTACTS, "c.json", {"id": ["1"],
    ...     "hs_lifecyclestage_marketingqualifiedlead_date": ["2024-01-01"],
    ...     "hs_v2_date_entered_marketingqualifiedlead": ["2024-03-01"]}, ["c.json:results[0]"])
    >>> stage_dates(combine(CONTACTS, [], [part], True))["mql"].to_pylist()
    ['2024-03-01']
    """
    newer: dict[str, pa.Array] = {}
    legacy: dict[str, pa.Array] = {}
    for name in loaded.rows.column_names:
        for pattern, found in ((_NEW, newer), (_LEGACY, legacy)):
            match = pattern.match(name)
            if match:
                stage = vocab.LIFECYCLE_STAGES.get(vocab.fold(match.group(1)), match.group(1))
                found[stage] = iso(loaded.column(name))
    dates = dict(legacy)
    for stage, values in newer.items():
        dates[stage] = pc.coalesce(values, legacy[stage]) if stage in legacy else values
    return dates


def moves(entries: list[tuple[str, str, str, str | None]]) -> list[dict[str, Any]]:
    """Moves from (id, stage, when, origin) entries: ordered per record by time then
    funnel order, repeated stages dropped, each from the stage before."""
    when = moments(pa.array([e[2] for e in entries], pa.string())).to_pylist()
    keyed = sorted(
        zip(entries, when, strict=True),
        key=lambda item: (item[0][0], _late(item[1]), _ORDER.get(item[0][1], len(_ORDER))),
    )
    result: list[dict[str, Any]] = []
    previous: dict[str, str] = {}
    entered: dict[tuple[str, str], int] = {}
    for (native, stage, text, origin), _ in keyed:
        before = previous.get(native)
        if stage == before:
            continue
        n = entered.get((native, stage), 0) + 1
        entered[native, stage] = n
        previous[native] = stage
        result.append(
            {
                "id": native,
                "from_stage": before,
                "to_stage": stage,
                "at": text,
                "n": n,
                "origin": origin,
            }
        )
    return result


def _late(moment: dt.datetime | None) -> tuple[bool, dt.datetime]:
    return (moment is None, moment or dt.datetime.min)


def lifecycle_batch(source: str, loaded: Loaded, kind: str, people: People | None) -> Batch:
    """The lifecycle events of ``loaded`` (companies: kind "company"; contacts: "contact");
    ``people`` says whether each contact is a lead or a contact."""
    current = loaded.where(loaded.latest)
    ids = current.column("id").to_pylist()
    deleted = dict(zip(ids, current.deleted.to_pylist(), strict=True))
    events = moves(_entries(current, ids))
    rows = _rows(source, kind, events, _details(current, kind, people), deleted)
    return Batch("lifecycle_events", rows, loaded.origin, loaded.snapshot)


def _entries(current: Loaded, ids: list[str]) -> list[tuple[str, str, str, str | None]]:
    """(id, stage, when, origin): from history for records that have it, else from dates."""
    with_history = set(current.history.column("id").to_pylist()) & set(ids)
    entries: list[tuple[str, str, str, str | None]] = []
    origins = current.column(ORIGIN).to_pylist()
    for stage, values in stage_dates(current).items():
        for native, text, origin in zip(ids, values.to_pylist(), origins, strict=True):
            if text is not None and native not in with_history:
                entries.append((native, stage, text, f"{origin} ({stage} date)"))
    history = current.history
    history = history.filter(pc.is_in(history["id"], pa.array(sorted(with_history), pa.string())))
    versions = zip(
        history.column("id").to_pylist(),
        vocab.translate(history.column("value"), vocab.LIFECYCLE_STAGES).to_pylist(),
        iso(history.column("timestamp")).to_pylist(),
        history.column(ORIGIN).to_pylist(),
        strict=True,
    )
    for native, stage, text, origin in versions:
        if stage is not None and text is not None:
            entries.append((native, stage, text, origin))
    return entries


def _details(current: Loaded, kind: str, people: People | None) -> dict[str, dict[str, Any]]:
    """Per record: entity type, account, owner and channel of its events."""
    ids = current.column("id").to_pylist()
    channel = vocab.translate(
        current.column("hs_analytics_source"), vocab.SOURCE_CHANNELS
    ).to_pylist()
    owners = current.column("hubspot_owner_id").to_pylist()
    companies = first_id(current.column("company_ids")).to_pylist() if kind == "contact" else ids
    result = {}
    for index, native in enumerate(ids):
        entity = "account"
        if people is not None:
            entity = "lead" if people.table.get(native) == "leads" else "contact"
        result[native] = {
            "entity_type": entity,
            "account_id": companies[index],
            "owner_id": owners[index],
            "channel": people.channel.get(native) if people else channel[index],
        }
    return result


def _rows(
    source: str,
    kind: str,
    events: list[dict[str, Any]],
    details: dict[str, dict[str, Any]],
    deleted: dict[str, bool],
) -> pa.Table:
    native_ids = [f"{kind}:{e['id']}:{e['to_stage']}:{e['n']}" for e in events]
    about = [details[e["id"]] for e in events]
    at = pa.array([e["at"] for e in events], pa.string())
    channel = [a["channel"] if a["channel"] in CHANNELS else None for a in about]
    return pa.table(
        {
            "lifecycle_event_id": source_key(source, pa.array(native_ids, pa.string())),
            "entity_type": pa.array([a["entity_type"] for a in about], pa.string()),
            "entity_id": source_key(source, pa.array([e["id"] for e in events], pa.string())),
            "account_id": source_key(
                source, pa.array([a["account_id"] for a in about], pa.string())
            ),
            "from_stage": pa.array([e["from_stage"] for e in events], pa.string()),
            "to_stage": pa.array([e["to_stage"] for e in events], pa.string()),
            "occurred_at": at,
            "owner_id": source_key(source, pa.array([a["owner_id"] for a in about], pa.string())),
            "channel": pa.array(channel, pa.string()),
            "source_id": pa.array(native_ids, pa.string()),
            "created_at": at,
            "updated_at": at,
            ORIGIN: pa.array([e["origin"] for e in events], pa.string()),
            DELETED: pa.array([deleted.get(e["id"], False) for e in events], pa.bool_()),
        }
    )

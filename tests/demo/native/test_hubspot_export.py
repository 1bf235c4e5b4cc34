"""The demo's HubSpot portal round trip: write_hubspot, then HubSpotSource reads it back."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from demo_tables import demo_tables as read_demo_tables

import revhub
from revhub.config import SourceSettings
from revhub.demo.generator import GenerationReport
from revhub.demo.native.export import NativeExport
from revhub.demo.native.hubspot import write_hubspot
from revhub.sources.base import Batch
from revhub.sources.hubspot import HubSpotSource


@pytest.fixture(scope="module")
def demo_tables(demo_data: GenerationReport) -> dict[str, pa.Table]:
    return read_demo_tables(demo_data.out)


@pytest.fixture(scope="module")
def exported(
    demo_tables: dict[str, pa.Table], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, NativeExport, list[Batch]]:
    out = tmp_path_factory.mktemp("native")
    export = write_hubspot(demo_tables, out)
    source = HubSpotSource("hubspot", SourceSettings(**export.sources["hubspot"]), out)
    return out, export, list(source.batches())


def hubspot(tables: Mapping[str, pa.Table], name: str) -> pa.Table:
    table = tables[name]
    return table.filter(pc.equal(table["source"], "hubspot"))


def rows(batches: list[Batch], table: str) -> pa.Table:
    return pa.concat_tables(
        [b.rows for b in batches if b.table == table], promote_options="default"
    )


def test_every_hubspot_person_is_read_back_once_as_lead_or_contact(
    demo_tables: dict[str, pa.Table], exported: tuple[Path, NativeExport, list[Batch]]
) -> None:
    _, _, batches = exported
    leads, contacts = rows(batches, "leads"), rows(batches, "contacts")
    assert leads.num_rows == hubspot(demo_tables, "leads").num_rows
    assert contacts.num_rows == hubspot(demo_tables, "contacts").num_rows
    people = leads["source_id"].to_pylist() + contacts["source_id"].to_pylist()
    assert len(set(people)) == len(people)
    assert not [b for b in batches if b.rejected]


def test_lifecycle_events_have_unique_keys_and_match_the_demo(
    demo_tables: dict[str, pa.Table], exported: tuple[Path, NativeExport, list[Batch]]
) -> None:
    _, _, batches = exported
    events = rows(batches, "lifecycle_events")
    keys = events["lifecycle_event_id"].to_pylist()
    assert len(keys) == len(set(keys)) > 0
    native_of = dict(
        zip(
            hubspot(demo_tables, "leads")["lead_id"].to_pylist(),
            hubspot(demo_tables, "leads")["source_id"].to_pylist(),
            strict=True,
        )
    )
    demo = demo_tables["lifecycle_events"].to_pylist()
    expected = Counter(
        (f"hubspot:{native_of[e['entity_id']]}", e["from_stage"], e["to_stage"], e["occurred_at"])
        for e in demo
        if e["entity_id"] in native_of
    )
    lead_events = events.filter(pc.equal(events["entity_type"], "lead")).to_pylist()
    got = Counter(
        (e["entity_id"], e["from_stage"], e["to_stage"], _moment(e["occurred_at"]))
        for e in lead_events
    )
    assert got == expected


def test_touchpoints_cover_the_demo_hubspot_touchpoints(
    demo_tables: dict[str, pa.Table], exported: tuple[Path, NativeExport, list[Batch]]
) -> None:
    _, _, batches = exported
    touchpoints = rows(batches, "touchpoints")
    demo = hubspot(demo_tables, "touchpoints")
    assert Counter(touchpoints["touchpoint_type"].to_pylist()) == Counter(
        demo["touchpoint_type"].to_pylist()
    )
    assert touchpoints["touchpoint_id"].null_count == 0


def test_identity_rows_cover_every_record_written(
    demo_tables: dict[str, pa.Table], exported: tuple[Path, NativeExport, list[Batch]]
) -> None:
    out, export, _ = exported
    identity = export.identity["hubspot"]
    written = {
        "account": _ids(out / "hubspot" / "companies.json"),
        "person": _ids(out / "hubspot" / "contacts.json"),
    }
    for entity, native_ids in written.items():
        mine = identity.filter(pc.equal(identity["entity"], entity))
        assert sorted(mine["native_id"].to_pylist()) == sorted(native_ids)
    demo_ids = {
        *demo_tables["accounts"]["account_id"].to_pylist(),
        *demo_tables["leads"]["lead_id"].to_pylist(),
        *demo_tables["contacts"]["contact_id"].to_pylist(),
    }
    assert set(identity["demo_id"].to_pylist()) <= demo_ids
    copies = set(written["account"]) - set(
        hubspot(demo_tables, "accounts")["source_id"].to_pylist()
    )
    assert copies, "contacts of accounts living in Salesforce bring a company copy"


def test_ingestion_takes_the_portal_in(
    exported: tuple[Path, NativeExport, list[Batch]], tmp_path: Path
) -> None:
    out, _, _ = exported
    with revhub.init(tmp_path):
        pass
    (tmp_path / "revhub.toml").write_text(
        f'[sources.hubspot]\nkind = "hubspot"\npath = "{out / "hubspot"}"\n'
    )
    with revhub.open(tmp_path) as ws:
        report = ws.ingest()
    assert not report.failed
    quarantined = {table: c.quarantined for (_, table), c in report.tables.items() if c.quarantined}
    assert quarantined == {}
    # owners are the demo's Salesforce users: HubSpot has no role, team or hire date for
    # them, so they are references by email instead of users (keyed once users are loaded)
    assert ("hubspot", "users") not in report.tables
    owners = {
        f"email:{owner['email'].lower()}" for owner in _records(out / "hubspot" / "owners.json")
    }
    with revhub.open(tmp_path) as ws:
        assert ws.table("users").count().execute() == 0
        referenced = set(ws.table("accounts").owner_id.execute().dropna())
    assert referenced and referenced <= owners


def _ids(path: Path) -> list[str]:
    return [record["id"] for record in _records(path)]


def _records(path: Path) -> list[dict[str, str]]:
    records: list[dict[str, str]] = json.loads(path.read_text())["results"]
    return records


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)

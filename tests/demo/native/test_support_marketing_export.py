"""Round trips of the demo's support desk, web analytics, ad accounts and spreadsheets:
each writer's export, read back by its connector, holds the demo's rows of that system."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from demo_tables import demo_tables as read_demo_tables

from revhub.config import SourceSettings
from revhub.demo.generator import GenerationReport
from revhub.demo.native.export import NativeExport
from revhub.demo.native.ids import copy_ids
from revhub.demo.native.marketing import write_marketing
from revhub.demo.native.spreadsheets import write_spreadsheets
from revhub.demo.native.support import write_zendesk
from revhub.sources.base import Batch
from revhub.sources.registry import connector_class


@pytest.fixture(scope="module")
def demo_tables(demo_data: GenerationReport) -> dict[str, pa.Table]:
    return read_demo_tables(demo_data.out)


@pytest.fixture(scope="module")
def exported(
    demo_tables: dict[str, pa.Table], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, NativeExport, dict[str, list[Batch]]]:
    out = tmp_path_factory.mktemp("native")
    export = NativeExport()
    for writer in (write_zendesk, write_marketing, write_spreadsheets):
        export.merge(writer(demo_tables, out))
    batches = {}
    for name, settings in export.sources.items():
        source = connector_class(settings["kind"])(name, SourceSettings(**settings), out)
        batches[name] = list(source.batches())
    return out, export, batches


def of(tables: Mapping[str, pa.Table], name: str, *systems: str) -> pa.Table:
    """The demo rows of table ``name`` that live in ``systems``."""
    table = tables[name]
    return table.filter(pc.is_in(table["source"], pa.array(systems)))


def rows(batches: list[Batch], table: str) -> pa.Table:
    found = [b.rows for b in batches if b.table == table]
    return pa.concat_tables(found, promote_options="default")


def test_every_source_reads_back_without_a_rejected_record(
    exported: tuple[Path, NativeExport, dict[str, list[Batch]]],
) -> None:
    _, export, batches = exported
    assert set(batches) == {"zendesk", "ga4", "ads", "product_usage", "fx_rates", "targets",
                            "tech_stack", "netsuite_spend", "netsuite_costs", "nps"}  # fmt: skip
    for name, found in batches.items():
        assert not [r for b in found for r in b.rejected], name
    assert export.sources["nps"] == {
        "kind": "files", "path": "delighted", "mapping": "delighted/nps.yaml"
    }  # fmt: skip


def test_zendesk_holds_every_ticket_with_its_organization_and_requester(
    demo_tables: dict[str, pa.Table], exported: tuple[Path, NativeExport, dict[str, list[Batch]]]
) -> None:
    _, _, batches = exported
    demo = of(demo_tables, "support_tickets", "zendesk")
    tickets = rows(batches["zendesk"], "support_tickets")
    assert tickets.num_rows == demo.num_rows
    assert rows(batches["zendesk"], "accounts").num_rows == len(pc.unique(demo["account_id"]))
    assert rows(batches["zendesk"], "contacts").num_rows == len(pc.unique(demo["contact_id"]))
    for column in ("status", "priority", "channel", "category"):
        assert Counter(tickets[column].to_pylist()) == Counter(demo[column].to_pylist()), column
    assert tickets["csat_score"].null_count == demo["csat_score"].null_count
    assert tickets["solved_at"].null_count == demo["solved_at"].null_count


def test_identity_rows_cover_every_organization_and_end_user(
    demo_tables: dict[str, pa.Table], exported: tuple[Path, NativeExport, dict[str, list[Batch]]]
) -> None:
    out, export, _ = exported
    identity = export.identity["zendesk"]
    organizations = json.loads((out / "zendesk" / "organizations.json").read_text())
    users = json.loads((out / "zendesk" / "users.json").read_text())["users"]
    written = {
        "account": [str(o["id"]) for o in organizations["organizations"]],
        "person": [str(u["id"]) for u in users if u["role"] == "end-user"],
    }
    for entity, native_ids in written.items():
        mine = identity.filter(pc.equal(identity["entity"], entity))
        assert sorted(mine["native_id"].to_pylist()) == sorted(native_ids)
    demo_ids = {*demo_tables["accounts"]["account_id"].to_pylist(),
                *demo_tables["contacts"]["contact_id"].to_pylist()}  # fmt: skip
    assert set(identity["demo_id"].to_pylist()) <= demo_ids


def test_ga4_visits_come_back_one_each_with_their_channel(
    demo_tables: dict[str, pa.Table], exported: tuple[Path, NativeExport, dict[str, list[Batch]]]
) -> None:
    _, _, batches = exported
    demo = of(demo_tables, "touchpoints", "ga4")
    visits = rows(batches["ga4"], "touchpoints")
    assert visits.num_rows == demo.num_rows
    assert Counter(visits["channel"].to_pylist()) == Counter(demo["channel"].to_pylist())
    assert len(pc.unique(visits["touchpoint_id"])) == visits.num_rows
    people = demo_tables["leads"].num_rows + demo_tables["contacts"].num_rows
    assert 0 < len(pc.unique(visits["contact_id"])) <= people


def test_ad_spend_months_and_amounts_match_the_demo(
    demo_tables: dict[str, pa.Table], exported: tuple[Path, NativeExport, dict[str, list[Batch]]]
) -> None:
    _, _, batches = exported
    demo = of(demo_tables, "marketing_spend", "google_ads", "linkedin_ads")
    spend = rows(batches["ads"], "marketing_spend")
    assert spend.num_rows == demo.num_rows
    assert sum(Decimal(a) for a in spend["amount"].to_pylist()) == sum(demo["amount"].to_pylist())
    assert Counter(spend["channel"].to_pylist()) == Counter(demo["channel"].to_pylist())
    clicks = rows(batches["ads"], "touchpoints")
    google = of(demo_tables, "touchpoints", "google_ads")
    paid_search = google.filter(pc.equal(google["channel"], "paid_search"))
    assert clicks.num_rows == paid_search.num_rows


@pytest.mark.parametrize(
    ("source", "table", "system"),
    [
        ("fx_rates", "fx_rates", "openexchangerates"),
        ("targets", "targets", "anaplan"),
        ("tech_stack", "tech_stack_tools", "netsuite"),
        ("netsuite_spend", "marketing_spend", "netsuite"),
        ("netsuite_costs", "cost_of_revenue", "netsuite"),
        ("nps", "nps_responses", "delighted"),
    ],
)
def test_spreadsheet_sources_hold_the_demo_rows_of_their_system(
    demo_tables: dict[str, pa.Table],
    exported: tuple[Path, NativeExport, dict[str, list[Batch]]],
    source: str,
    table: str,
    system: str,
) -> None:
    _, _, batches = exported
    found = rows(batches[source], table)
    demo = of(demo_tables, table, system)
    assert found.num_rows == demo.num_rows
    assert sorted(found["source_id"].to_pylist()) == sorted(demo["source_id"].to_pylist())


def test_product_usage_is_keyed_by_the_stripe_customer_of_each_account(
    demo_tables: dict[str, pa.Table], exported: tuple[Path, NativeExport, dict[str, list[Batch]]]
) -> None:
    _, _, batches = exported
    usage = rows(batches["product_usage"], "product_usage")
    demo = of(demo_tables, "product_usage", "product")
    assert usage.num_rows == demo.num_rows
    accounts = pc.unique(demo["account_id"]).to_pylist()
    expected = {f"stripe:{c}" for c in copy_ids("stripe_customer", accounts)}
    assert set(usage["account_id"].to_pylist()) == expected

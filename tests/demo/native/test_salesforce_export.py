"""The demo company written as a Salesforce org and read back by the Salesforce connector."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from demo_tables import demo_tables

import revhub
from revhub.config import SourceSettings
from revhub.demo.generator import GenerationReport
from revhub.demo.native.export import NativeExport
from revhub.demo.native.salesforce import write_salesforce
from revhub.sources.base import Batch
from revhub.sources.salesforce import SalesforceSource


@dataclass
class RoundTrip:
    demo: dict[str, pa.Table]
    export: NativeExport
    out: Path
    batches: list[Batch]

    def rows(self, table: str) -> pa.Table:
        return pa.concat_tables([b.rows for b in self.batches if b.table == table])

    def salesforce(self, table: str) -> pa.Table:
        rows = self.demo[table]
        return rows.filter(pc.equal(rows["source"], "salesforce"))


@pytest.fixture(scope="module")
def trip(demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory) -> RoundTrip:
    demo = demo_tables(demo_data.out)
    out = tmp_path_factory.mktemp("native")
    export = write_salesforce(demo, out)
    settings = SourceSettings(**export.sources["salesforce"])
    batches = list(SalesforceSource("salesforce", settings, out).batches())
    return RoundTrip(demo, export, out, batches)


def _by_source_id(rows: pa.Table, *columns: str) -> dict[str, tuple[object, ...]]:
    data = rows.select(["source_id", *columns]).to_pylist()
    return {
        r["source_id"]: tuple(str(r[c]) if r[c] is not None else None for c in columns)
        for r in data
    }


def test_declares_the_source(trip: RoundTrip) -> None:
    assert trip.export.sources == {"salesforce": {"kind": "salesforce", "path": "salesforce"}}
    assert (trip.out / "salesforce" / "Opportunity.csv").exists()


def test_files_are_in_the_salesforce_export_format(trip: RoundTrip) -> None:
    lines = (trip.out / "salesforce" / "Opportunity.csv").read_text().splitlines()
    header = lines[0].replace('"', "").split(",")
    record = dict(zip(header, next(csv.reader([lines[1]])), strict=True))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000", record["CreatedDate"])
    assert record["IsClosed"] in ("true", "false")
    assert record["StageName"] in {
        "Prospecting", "Discovery", "Demo", "Proposal", "Negotiation", "Closed Won", "Closed Lost",
    }  # fmt: skip
    assert record["ForecastCategoryName"] in {
        "Pipeline",
        "Best Case",
        "Commit",
        "Closed",
        "Omitted",
    }


def test_opportunities_come_back_with_the_same_amounts_and_stages(trip: RoundTrip) -> None:
    demo = trip.salesforce("opportunities")
    read = trip.rows("opportunities")
    assert read.num_rows == demo.num_rows == trip.demo["opportunities"].num_rows
    columns = ("amount", "stage", "forecast_category", "currency", "close_date")
    assert _by_source_id(read, *columns) == _by_source_id(demo, *columns)


def test_history_versions_come_back(trip: RoundTrip) -> None:
    demo = trip.salesforce("opportunity_history")
    read = trip.rows("opportunity_history")
    assert read.num_rows == demo.num_rows
    wanted = _by_source_id(demo, "stage", "amount")
    assert _by_source_id(read, "stage", "amount") == wanted
    open_versions = pc.sum(pc.is_null(read["valid_to"])).as_py()
    assert open_versions == trip.demo["opportunities"].num_rows  # one current version per deal


def test_every_reference_points_at_a_written_record(trip: RoundTrip) -> None:
    keys = {table: set(trip.rows(table).column(0).to_pylist()) for table in (
        "accounts", "contacts", "leads", "users", "campaigns", "partners", "teams", "territories",
        "opportunities",
    )}  # fmt: skip
    references = [
        ("contacts", "account_id", "accounts"),
        ("opportunities", "account_id", "accounts"),
        ("opportunities", "primary_contact_id", "contacts"),
        ("opportunities", "owner_id", "users"),
        ("opportunities", "campaign_id", "campaigns"),
        ("opportunities", "partner_id", "partners"),
        ("leads", "converted_contact_id", "contacts"),
        ("leads", "converted_account_id", "accounts"),
        ("touchpoints", "lead_id", "leads"),
        ("touchpoints", "contact_id", "contacts"),
        ("touchpoints", "campaign_id", "campaigns"),
        ("accounts", "parent_account_id", "accounts"),
        ("accounts", "territory_id", "territories"),
        ("users", "team_id", "teams"),
        ("lifecycle_events", "account_id", "accounts"),
    ]
    for table, column, target in references:
        values = set(trip.rows(table)[column].drop_null().to_pylist())
        assert values, (table, column)
        assert values <= keys[target], (table, column, sorted(values - keys[target])[:3])


def test_tables_hold_every_salesforce_row(trip: RoundTrip) -> None:
    for table in ("teams", "users", "territories", "partners", "contacts", "touchpoints",
                  "lifecycle_events"):  # fmt: skip
        written = set(trip.rows(table)["source_id"].to_pylist())
        assert set(trip.salesforce(table)["source_id"].to_pylist()) <= written, table
    accounts = set(trip.rows("accounts")["source_id"].to_pylist())
    assert set(trip.salesforce("accounts")["source_id"].to_pylist()) < accounts  # plus copies


def test_identity_rows_cover_every_account_and_person(trip: RoundTrip) -> None:
    identity = trip.export.identity["salesforce"].to_pylist()
    by_entity: dict[str, dict[str, str]] = {"account": {}, "person": {}}
    for row in identity:
        by_entity[row["entity"]][row["native_id"]] = row["demo_id"]
    people = [
        *trip.rows("contacts")["source_id"].to_pylist(),
        *trip.rows("leads")["source_id"].to_pylist(),
    ]
    assert set(by_entity["account"]) == set(trip.rows("accounts")["source_id"].to_pylist())
    assert set(by_entity["person"]) == set(people)
    assert len(identity) == len(by_entity["account"]) + len(by_entity["person"])
    # a copy carries the data of the demo record it stands for
    names = {r["account_id"]: r["name"] for r in trip.demo["accounts"].to_pylist()}
    read = {r["source_id"]: r["name"] for r in trip.rows("accounts").to_pylist()}
    assert all(read[native] == names[demo] for native, demo in by_entity["account"].items())


def test_ingests_without_a_quarantined_row(trip: RoundTrip, tmp_path: Path) -> None:
    (tmp_path / "revhub.toml").write_text(
        f'[sources.salesforce]\nkind = "salesforce"\npath = "{trip.out / "salesforce"}"\n'
    )
    rates = tmp_path / "rates"
    rates.mkdir()
    pq.write_table(trip.demo["fx_rates"], rates / "fx_rates.parquet")
    with revhub.init(tmp_path) as ws:
        ws.load(rates)
        report = ws.ingest()
        assert not report.failed
        quarantined = {key: c.quarantined for key, c in report.tables.items() if c.quarantined}
        assert quarantined == {}
        assert ws.table("opportunities").count().execute() == trip.demo["opportunities"].num_rows

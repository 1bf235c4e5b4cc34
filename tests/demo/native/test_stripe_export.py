"""The demo company written as a Stripe account and read back by the Stripe connector."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from demo_tables import demo_tables

import revhub
from revhub.config import SourceSettings
from revhub.demo.generator import GenerationReport
from revhub.demo.native.export import NativeExport
from revhub.demo.native.ids import copy_ids
from revhub.demo.native.stripe import write_stripe
from revhub.sources.base import Batch
from revhub.sources.stripe import StripeSource


@dataclass
class RoundTrip:
    demo: dict[str, pa.Table]
    export: NativeExport
    out: Path
    batches: list[Batch]

    def rows(self, table: str) -> list[dict[str, Any]]:
        return pa.concat_tables([b.rows for b in self.batches if b.table == table]).to_pylist()

    def stripe(self, table: str) -> list[dict[str, Any]]:
        rows = self.demo[table]
        return rows.filter(pc.equal(rows["source"], "stripe")).to_pylist()

    def written(self, name: str) -> list[dict[str, Any]]:
        document = json.loads((self.out / "stripe" / f"{name}.json").read_text())
        assert document["object"] == "list"
        records: list[dict[str, Any]] = document["data"]
        return records


@pytest.fixture(scope="module")
def trip(demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory) -> RoundTrip:
    demo = demo_tables(demo_data.out)
    out = tmp_path_factory.mktemp("native")
    export = write_stripe(demo, out)
    settings = SourceSettings(**export.sources["stripe"])
    batches = list(StripeSource("stripe", settings, out).batches())
    return RoundTrip(demo, export, out, batches)


def test_declares_the_source_and_reads_back_cleanly(trip: RoundTrip) -> None:
    assert trip.export.sources == {"stripe": {"kind": "stripe", "path": "stripe"}}
    assert not [r for b in trip.batches for r in b.rejected]
    assert not [n for b in trip.batches for n in b.notes if "no field" in n]


def test_files_are_in_the_api_list_format(trip: RoundTrip) -> None:
    invoice = trip.written("invoices")[0]
    assert invoice["id"].startswith("in_") and invoice["object"] == "invoice"
    assert isinstance(invoice["total"], int) and isinstance(invoice["created"], int)
    assert invoice["currency"] == invoice["currency"].lower()
    assert invoice["lines"]["object"] == "list" and invoice["lines"]["data"]
    isk = [i["total"] for i in trip.written("invoices") if i["currency"] == "isk"]
    assert isk and all(total % 100 == 0 for total in isk)  # whole krónur, two-decimal units


def test_subscriptions_and_invoices_are_the_demos(trip: RoundTrip) -> None:
    for table in ("subscriptions", "invoices", "payments", "refunds", "credit_notes"):
        read = sorted(r["source_id"] for r in trip.rows(table))
        assert read == sorted(r["source_id"] for r in trip.stripe(table)), table
    # discount and tax lines come back derived from the lines and invoices they belong to
    assert len(trip.rows("invoice_lines")) == len(trip.stripe("invoice_lines"))


def test_invoice_totals_per_currency_are_the_demos(trip: RoundTrip) -> None:
    for table, column in (("invoices", "total"), ("invoices", "tax"), ("invoice_lines", "amount")):
        assert _sums(trip.rows(table), column) == _sums(trip.stripe(table), column), table
    assert _sums(trip.rows("payments"), "amount") == _sums(trip.stripe("payments"), "amount")


def test_subscription_dates_and_states_round_trip(trip: RoundTrip) -> None:
    demo = {r["source_id"]: r for r in trip.stripe("subscriptions")}
    columns = ("status", "currency", "billing_interval", "start_date", "trial_end_date",
               "current_period_end", "ended_date")  # fmt: skip
    for row in trip.rows("subscriptions"):
        expected = demo[row["source_id"]]
        assert [row[c] for c in columns] == [_text(expected[c]) for c in columns]
        assert row["cancel_at_period_end"] == str(expected["cancel_at_period_end"]).lower()


def test_every_subscription_account_is_a_customer(trip: RoundTrip) -> None:
    customers = {r["account_id"] for r in trip.rows("accounts")}
    assert {r["account_id"] for r in trip.rows("subscriptions")} <= customers
    assert {r["account_id"] for r in trip.rows("invoices")} <= customers
    expected = copy_ids(
        "stripe_customer", sorted({r["account_id"] for r in trip.stripe("subscriptions")})
    )
    assert {f"stripe:{c}" for c in expected} <= customers


def test_identity_rows_cover_every_customer_and_billing_contact(trip: RoundTrip) -> None:
    identity = trip.export.identity["stripe"].to_pylist()
    accounts = {r["native_id"]: r["demo_id"] for r in identity if r["entity"] == "account"}
    people = {r["native_id"]: r["demo_id"] for r in identity if r["entity"] == "person"}
    assert set(accounts) == {r["source_id"] for r in trip.rows("accounts")}
    assert all(copy_ids("stripe_customer", [demo])[0] == cus for cus, demo in accounts.items())
    assert set(people) == {r["source_id"] for r in trip.rows("contacts")}
    emails = {r["contact_id"]: r["email"] for r in trip.demo["contacts"].to_pylist()}
    contact_emails = {r["source_id"]: r["email"] for r in trip.rows("contacts")}
    assert all(emails[demo] == contact_emails[native] for native, demo in people.items())


def test_stripe_contacts_are_the_billing_contacts_of_their_account(trip: RoundTrip) -> None:
    people = {r["demo_id"] for r in trip.export.identity["stripe"].to_pylist()}
    assert {r["contact_id"] for r in trip.stripe("contacts")} <= people


def test_some_customers_name_their_salesforce_account(trip: RoundTrip) -> None:
    customers = trip.written("customers")
    linked = [c for c in customers if c["metadata"].get("salesforce_account_id")]
    assert 0.45 < len(linked) / len(customers) < 0.75
    salesforce = {
        r["account_id"]: r["source_id"]
        for r in trip.demo["accounts"].to_pylist()
        if r["source"] == "salesforce"
    }
    identity = {r["native_id"]: r["demo_id"] for r in trip.export.identity["stripe"].to_pylist()}
    own = [c for c in linked if identity[c["id"]] in salesforce]
    assert own and all(
        c["metadata"]["salesforce_account_id"] == salesforce[identity[c["id"]]] for c in own
    )


def test_subscriptions_name_their_salesforce_opportunity(trip: RoundTrip) -> None:
    opportunity = {
        r["opportunity_id"]: r["source_id"] for r in trip.demo["opportunities"].to_pylist()
    }
    demo = {r["source_id"]: r["opportunity_id"] for r in trip.stripe("subscriptions")}
    for row in trip.rows("subscriptions"):
        expected = demo[row["source_id"]]
        assert row["opportunity_id"] == (
            f"salesforce:{opportunity[expected]}" if expected else None
        )


def test_ingests_without_a_quarantined_row_in_every_currency(
    trip: RoundTrip, tmp_path: Path
) -> None:
    (tmp_path / "revhub.toml").write_text(
        f'[sources.stripe]\nkind = "stripe"\npath = "{trip.out / "stripe"}"\n'
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
        prices = ws.table("prices").to_pyarrow().to_pylist()
    # the price book predates the history; its prices convert at the rate of their day,
    # the demo's own rate
    demo = {r["source_id"]: r for r in trip.stripe("prices")}
    assert {p["currency"] for p in prices} >= {"EUR", "GBP", "ISK", "TRY"}
    assert len(prices) == len(demo)
    for price in prices:
        expected = demo[price["source_id"]]
        assert float(price["fx_rate"]) == pytest.approx(float(expected["fx_rate"])), price
        assert price["unit_amount_base"] == expected["unit_amount_base"], price


def _sums(rows: list[dict[str, Any]], column: str) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row[column] is not None:
            sums[row["currency"]] += Decimal(str(row[column]))
    return dict(sums)


def _text(value: object) -> str | None:
    return None if value is None else str(value)

"""The generated company: deterministic, valid against the model, truthful about its plants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import revhub
from revhub.demo.generator import GenerationReport, generate, read_manifest
from revhub.demo.spec import BASE_CURRENCY, DemoSpec
from revhub.errors import GenerationError
from revhub.model import TABLES, TRUTH_TABLES, get_table
from revhub.model.constraints import check_all
from revhub.model.schema import MONEY


def _tables(folder: Path) -> dict[str, object]:
    return {str(p.relative_to(folder)): pq.read_table(p) for p in sorted(folder.rglob("*.parquet"))}


def test_every_table_is_written_with_the_model_schema(
    demo_data: GenerationReport, demo_spec: DemoSpec
) -> None:
    for table in (*TABLES, *TRUTH_TABLES):
        folder = demo_data.out if table.schema == "main" else demo_data.out / table.schema
        data = pq.read_table(folder / f"{table.name}.parquet")
        assert data.schema.names == table.column_names, table.name
    assert read_manifest(demo_data.out) == demo_spec


def test_the_company_has_every_part_of_the_business(demo_data: GenerationReport) -> None:
    rows = demo_data.rows
    for name in ("accounts", "contacts", "leads", "touchpoints", "lifecycle_events",
                 "opportunities", "opportunity_history", "subscriptions", "invoices",
                 "payments", "product_usage", "support_tickets", "nps_responses",
                 "marketing_spend", "targets", "tech_stack_tools", "fx_rates", "cost_of_revenue",
                 "duplicate_records", "invalid_values", "stale_deals", "funnel_bottlenecks",
                 "churn_reasons"):  # fmt: skip
        assert rows[name] > 0, name


def test_same_seed_same_company_other_seed_other_company(tmp_path: Path) -> None:
    spec = DemoSpec(accounts=300, months=12, seed=11, as_of=dt.date(2026, 1, 1))
    first = _tables(generate(spec, tmp_path / "a").out)
    second = _tables(generate(spec, tmp_path / "b").out)
    assert first.keys() == second.keys()
    for name in first:
        assert first[name].equals(second[name]), name
    other = _tables(generate(DemoSpec(300, 12, 12, dt.date(2026, 1, 1)), tmp_path / "c").out)
    assert not other["accounts.parquet"].equals(first["accounts.parquet"])


def test_generated_data_satisfies_every_model_constraint(demo_workspace: revhub.Workspace) -> None:
    assert check_all(demo_workspace.table) == []


def test_every_planted_duplicate_exists_in_both_places(demo_workspace: revhub.Workspace) -> None:
    truth = demo_workspace.table("duplicate_records").to_pyarrow().to_pylist()
    assert {row["entity_table"] for row in truth} == {"accounts", "contacts", "leads"}
    ids = {
        name: set(
            demo_workspace.table(name)[get_table(name).primary_key[0]].to_pyarrow().to_pylist()
        )
        for name in ("accounts", "contacts", "leads")
    }
    for row in truth:
        assert row["original_id"] in ids[row["original_table"]], row
        assert row["duplicate_id"] in ids[row["entity_table"]], row


def test_every_invalid_value_is_in_the_data(demo_workspace: revhub.Workspace) -> None:
    truth = demo_workspace.table("invalid_values").to_pyarrow().to_pylist()
    assert truth
    for entity in {row["entity_table"] for row in truth}:
        table = demo_workspace.table(entity)
        key = get_table(entity).primary_key[0]
        data = {r[key]: r for r in table.to_pyarrow().to_pylist()}
        for row in (r for r in truth if r["entity_table"] == entity):
            assert data[row["row_id"]][row["column_name"]] == row["bad_value"], row


def test_stale_deals_are_open_and_quiet(
    demo_workspace: revhub.Workspace, demo_spec: DemoSpec
) -> None:
    stale = demo_workspace.table("stale_deals")
    opps = demo_workspace.table("opportunities")
    joined = stale.join(opps, "opportunity_id")
    assert joined.count().execute() == stale.count().execute() > 0
    assert joined.filter(joined.is_closed).count().execute() == 0
    as_of = ibis.literal(demo_spec.as_of)
    assert joined.filter(joined.close_date >= as_of).count().execute() == 0


def test_churned_accounts_in_truth_stopped_paying(demo_workspace: revhub.Workspace) -> None:
    churn = demo_workspace.table("churn_reasons")
    subs = demo_workspace.table("subscriptions")
    accounts_with_subs = set(subs.account_id.to_pyarrow().to_pylist())
    assert set(churn.account_id.to_pyarrow().to_pylist()) <= accounts_with_subs


def test_an_unusable_output_directory_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    occupied = tmp_path / "mine"
    occupied.mkdir()
    (occupied / "thesis.docx").write_text("precious")
    spec = DemoSpec(accounts=50, months=6, as_of=dt.date(2026, 1, 1))
    with pytest.raises(GenerationError, match="not empty"):
        generate(spec, occupied)
    assert [p.name for p in occupied.iterdir()] == ["thesis.docx"]
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(GenerationError, match="is a file"):
        generate(spec, blocker)


def test_bad_sizes_are_refused_all_at_once() -> None:
    with pytest.raises(GenerationError, match=r"accounts.*months"):
        DemoSpec(accounts=0, months=1)


# -- invariants over many small companies ------------------------------------------------

small_specs = st.builds(
    DemoSpec,
    accounts=st.integers(50, 400),
    months=st.integers(3, 18),
    seed=st.integers(0, 10_000),
    as_of=st.sampled_from([dt.date(2025, 1, 1), dt.date(2026, 6, 1)]),
)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spec=small_specs)
def test_invariants_hold_for_any_company(spec: DemoSpec, tmp_path_factory) -> None:
    out = tmp_path_factory.mktemp("prop") / "data"
    generate(spec, out)
    con = ibis.duckdb.connect()
    for table in (*TABLES, *TRUTH_TABLES):
        folder = out if table.schema == "main" else out / table.schema
        con.read_parquet(folder / f"{table.name}.parquet", table_name=table.name)

    # no invoice before its subscription starts
    inv, subs = con.table("invoices"), con.table("subscriptions")
    joined = inv.join(subs, inv.subscription_id == subs.subscription_id)
    assert joined.filter(joined.invoice_date < joined.start_date).count().execute() == 0

    # stage-history intervals of one opportunity never overlap, and only the last is open
    history = con.sql(
        "SELECT opportunity_id, valid_from, valid_to, "
        "lead(valid_from) OVER (PARTITION BY opportunity_id ORDER BY valid_from) AS next_from "
        "FROM opportunity_history"
    )
    overlapping = history.filter(
        (
            history.next_from.notnull()
            & (history.valid_to.isnull() | (history.valid_to > history.next_from))
        )
        | (history.valid_to.notnull() & (history.valid_to <= history.valid_from))
    )
    assert overlapping.count().execute() == 0

    # amounts are non-negative, except discount lines on invoices
    for table in TABLES:
        data = con.table(table.name)
        if table.name == "invoice_lines":
            data = data.filter(data.kind != "discount")
        for column in table.columns:
            if column.type == MONEY:
                assert data.filter(data[column.name] < 0).count().execute() == 0, (
                    f"{table.name}.{column.name}"
                )

    # every model constraint holds
    assert check_all(con.table) == []


def test_won_new_business_opens_a_subscription_worth_the_deal(
    demo_workspace: revhub.Workspace,
) -> None:
    subs = demo_workspace.table("subscriptions")
    items = demo_workspace.table("subscription_items")
    opps = demo_workspace.table("opportunities")
    first = items.join(
        subs,
        (items.subscription_id == subs.subscription_id) & (items.start_date == subs.start_date),
    )
    per_year = first.billing_interval.cases(("month", 12), ("quarter", 4), else_=1)
    value = (
        first.quantity
        * first.unit_amount.cast("float64")
        * (1 - first.discount_percent.fill_null(0))
        * per_year
    )
    arr = first.group_by("opportunity_id").aggregate(arr=value.sum())
    won = opps.filter(
        opps.is_won
        & (opps.opportunity_type == "new_business")
        & ~opps.opportunity_id.startswith("opp_cs")  # pipeline deals, not win-backs
    )
    joined = (
        won.join(arr, "opportunity_id")
        .select("opportunity_id", "arr", amount=won.amount.cast("float64"))
        .to_pyarrow()
        .to_pylist()
    )
    assert len(joined) > 50
    for row in joined:
        assert row["arr"] == pytest.approx(row["amount"], rel=0.01, abs=1.0), row


def test_every_money_record_has_an_exchange_rate_on_its_day(demo_data: GenerationReport) -> None:
    # ingestion converts a record without its own rate at the rate on or before its
    # created date: the rates must reach back to the oldest record in a foreign currency
    # (the price book); base-currency records need no rate
    rates = pq.read_table(demo_data.out / "fx_rates.parquet").to_pandas()
    rates["rate_date"] = rates["rate_date"].astype("datetime64[s]")
    first = rates.groupby("currency")["rate_date"].min()
    for table in TABLES:
        if "fx_rate" not in table.column_names or table.name == "fx_rates":
            continue
        data = pq.read_table(demo_data.out / f"{table.name}.parquet").to_pandas()
        data = data[data["currency"] != BASE_CURRENCY]
        days = data["created_at"].astype("datetime64[s]").dt.normalize()
        assert (days >= data["currency"].map(first)).all(), table.name
    prices = pq.read_table(demo_data.out / "prices.parquet").to_pandas()
    on_day = rates.set_index(["currency", "rate_date"])["rate"]
    keys = zip(prices["currency"], prices["created_at"].astype("datetime64[s]"), strict=True)
    assert (on_day.loc[list(keys)].to_numpy() == prices["fx_rate"].to_numpy()).all()

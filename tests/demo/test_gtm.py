"""The go-to-market simulation: keys resolve, history is consistent, the funnel narrows,
the planted bottleneck is real, and a seed reproduces the same company."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from revhub.demo.gtm.org import build_org
from revhub.demo.gtm.simulate import funnel_bottlenecks, simulate_gtm
from revhub.demo.gtm.spend import marketing_spend
from revhub.demo.spec import DemoSpec
from revhub.model import get_table

SPEC = DemoSpec(accounts=2000, months=24, seed=7, as_of=dt.date(2026, 1, 1))


@cache
def company(spec: DemoSpec = SPEC) -> dict[str, pa.Table]:
    org = build_org(spec)
    return {**org, **simulate_gtm(spec, org, 0, range(0, spec.accounts))}


def values(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False))


def test_every_foreign_key_resolves() -> None:
    tables = company()
    for name, data in tables.items():
        if name.startswith("_"):
            continue
        definition = get_table(name)
        assert data.schema.equals(definition.arrow_schema(), check_metadata=False), name
        assert len(np.unique(values(data, definition.primary_key[0]))) == data.num_rows or (
            len(definition.primary_key) > 1
        )
        for fk in definition.foreign_keys:
            if fk.ref_table not in tables:
                continue
            keys = set(values(tables[fk.ref_table], fk.ref_column))
            refs = {v for v in values(data, fk.column) if v is not None}
            assert refs <= keys, f"{name}.{fk.column}: {sorted(refs - keys)[:3]}"


def test_values_respect_the_model() -> None:
    for name, data in company().items():
        if name.startswith("_"):
            continue
        for col in get_table(name).columns:
            if col.values is not None:
                present = {v for v in values(data, col.name) if v is not None}
                assert present <= set(col.values), (name, col.name, present - set(col.values))
            if col.minimum is not None and data.num_rows:
                low = pc.min(data.column(col.name)).as_py()
                assert low is None or float(low) >= col.minimum, (name, col.name, low)


def test_nothing_is_dated_after_the_end() -> None:
    end = np.datetime64(SPEC.end_date, "us")
    for name, data in company().items():
        if name.startswith("_") or "created_at" not in data.column_names:
            continue
        for column in ("created_at", "updated_at", "occurred_at", "valid_from"):
            if column in data.column_names:
                assert (values(data, column) < end).all(), (name, column)


def test_history_versions_never_overlap_and_end_in_the_opportunity() -> None:
    tables = company()
    history = tables["opportunity_history"].sort_by(
        [("opportunity_id", "ascending"), ("valid_from", "ascending")]
    )
    opp = values(history, "opportunity_id")
    start, stop = values(history, "valid_from"), values(history, "valid_to")
    same = opp[1:] == opp[:-1]
    assert (start[1:][same] > start[:-1][same]).all()
    assert (stop[:-1][same] == start[1:][same]).all()
    last = np.append(~same, True)
    assert np.isnat(stop[last]).all() and not np.isnat(stop[~last]).any()
    latest = history.filter(pa.array(last))
    opportunities = tables["opportunities"].sort_by("opportunity_id")
    for column in (
        "stage",
        "forecast_category",
        "amount",
        "amount_base",
        "close_date",
        "owner_id",
        "fx_rate",
    ):
        assert values(latest, column).tolist() == values(opportunities, column).tolist(), column


def test_funnel_narrows_stage_by_stage() -> None:
    tables = company()
    events = tables["lifecycle_events"].filter(
        pc.equal(tables["lifecycle_events"].column("entity_type"), "lead")
    )
    reached = {
        s: int(pc.sum(pc.equal(events.column("to_stage"), s)).as_py() or 0)
        for s in ("lead", "mql", "sql")
    }
    opps = tables["opportunities"]
    won = int(pc.sum(opps.column("is_won")).as_py())
    assert reached["lead"] >= reached["mql"] >= reached["sql"] >= opps.num_rows >= won > 0
    assert tables["_deal_terms"].num_rows == won


def test_planted_bottleneck_is_slower_in_the_data() -> None:
    tables = company()
    truth = funnel_bottlenecks(SPEC).to_pylist()[0]
    leads = tables["leads"]
    events = tables["lifecycle_events"].to_pandas()
    times = events[events.entity_type == "lead"].pivot_table(
        index="entity_id", columns="to_stage", values="occurred_at", aggfunc="first"
    )
    region = dict(zip(values(leads, "lead_id"), values(leads, "region"), strict=True))
    times = times[times["mql"].notna()]
    days = (times["sql"] - times["mql"]).dt.total_seconds() / 86400
    q0 = np.datetime64(truth["quarter_start"])
    in_quarter = (times["mql"].values >= q0) & (times["mql"].values < q0 + np.timedelta64(91, "D"))
    hit = in_quarter & (times.index.map(region) == truth["region"])
    assert days[hit].median() > 2 * days[~hit].median()
    assert days[hit].notna().mean() < days[~hit].notna().mean()


def test_stale_deals_are_open_idle_and_overdue() -> None:
    tables = company()
    stale = set(values(tables["stale_deals"], "opportunity_id"))
    assert stale
    opps = tables["opportunities"].to_pandas().set_index("opportunity_id").loc[sorted(stale)]
    assert not opps.is_closed.any()
    assert (opps.close_date < SPEC.end_date).all()
    assert (opps.last_activity_at < np.datetime64(SPEC.end_date) - np.timedelta64(60, "D")).all()
    open_fresh = (
        tables["opportunities"].to_pandas().query("not is_closed").drop(index=[], errors="ignore")
    )
    fresh = open_fresh[~open_fresh.opportunity_id.isin(stale)]
    assert (
        (fresh.close_date >= SPEC.end_date)
        | (fresh.last_activity_at < np.datetime64(SPEC.end_date) - np.timedelta64(60, "D"))
    ).all()


def test_marketing_spend_follows_leads_and_is_deterministic() -> None:
    tables = company()
    org = build_org(SPEC)
    spend = marketing_spend(SPEC, org, tables["leads"])
    assert spend.equals(marketing_spend(SPEC, org, tables["leads"]))
    channels = set(values(spend, "channel"))
    assert "paid_search" in channels and "referral" not in channels


def test_same_seed_same_company() -> None:
    spec = DemoSpec(accounts=300, months=12, seed=3, as_of=dt.date(2026, 1, 1))
    one = simulate_gtm(spec, build_org(spec), 1, range(50_000, 50_300))
    two = simulate_gtm(spec, build_org(spec), 1, range(50_000, 50_300))
    assert all(one[k].equals(two[k]) for k in one)


@settings(max_examples=5, deadline=None)
@given(accounts=st.integers(50, 400), months=st.integers(3, 18), seed=st.integers(0, 10_000))
def test_won_deals_price_at_list_less_discount(accounts: int, months: int, seed: int) -> None:
    spec = DemoSpec(accounts=accounts, months=months, seed=seed, as_of=dt.date(2026, 1, 1))
    out = simulate_gtm(spec, build_org(spec), 0, range(0, accounts))
    opps = out["opportunities"].to_pandas()
    amount = opps.amount.astype(float)
    listed = opps.list_amount.astype(float)
    assert (amount <= listed + 0.01).all() and (amount >= 0).all()
    assert (opps.close_date[opps.is_closed] == opps.closed_date[opps.is_closed]).all()
    assert (opps.created_date <= opps.close_date).all()


@settings(max_examples=8, deadline=None)
@given(accounts=st.integers(5_000, 100_000), seed=st.integers(0, 10_000))
def test_every_user_has_their_own_email(accounts: int, seed: int) -> None:
    """Namesakes get numbered addresses (``james.oliveira2@``), as at a real company."""
    spec = DemoSpec(accounts=accounts, months=12, seed=seed, as_of=dt.date(2026, 1, 1))
    emails = [e.lower() for e in build_org(spec)["users"].column("email").to_pylist()]
    assert len(set(emails)) == len(emails)


def test_namesakes_at_the_full_size_demo_get_numbered_emails() -> None:
    spec = DemoSpec(accounts=20_000, as_of=dt.date(2026, 1, 1))
    users = build_org(spec)["users"].to_pandas()
    assert users.email.str.lower().is_unique
    namesakes = users[users.name.duplicated(keep=False)]
    assert len(namesakes) and namesakes.email.str.contains(r"\d@").any()

"""The customer side of the demo company: catalogue, subscriptions, billing, usage,
support, NPS, churn, expansion, renewals and targets.

A small fabricated go-to-market side (accounts, contacts, won deals with terms, an org
with CSMs, AEs and support agents) drives ``simulate_customers`` so these tests do not
depend on the go-to-market simulation.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revhub.demo.customers.catalog import CURRENCIES, build_catalog
from revhub.demo.customers.simulate import simulate_customers
from revhub.demo.customers.targets import targets
from revhub.demo.market import ANNUAL_MONTHS_CHARGED, PLANS, REGIONS, SEGMENTS, list_price
from revhub.demo.spec import DemoSpec, make_ids
from revhub.model import get_table
from revhub.model.constraints import check_foreign_keys, check_table

AS_OF = dt.date(2026, 1, 1)
ALLOWED_FUTURE = {
    ("subscriptions", "current_period_end"),
    ("invoices", "period_end"),
    ("invoices", "due_date"),
    ("invoice_lines", "period_end"),
    ("opportunities", "close_date"),
    ("opportunity_history", "close_date"),
}


def fake_org(spec: DemoSpec) -> dict[str, pa.Table]:
    """Teams and users: CSMs per region, AEs, support agents."""
    teams = get_table("teams").to_arrow(
        {
            "team_id": ["team_cs", "team_sales", "team_support"],
            "name": ["Customer Success", "Sales", "Support"],
            "department": ["customer_success", "sales", "support"],
            "source": ["demo"] * 3,
            "source_id": ["1", "2", "3"],
            "created_at": np.full(3, spec.start).astype("datetime64[us]"),
            "updated_at": np.full(3, spec.start).astype("datetime64[us]"),
        }
    )
    regions = list(REGIONS)
    role = ["csm"] * 4 + ["ae"] * 3 + ["support_agent"] * 3
    n = len(role)
    users = get_table("users").to_arrow(
        {
            "user_id": make_ids("usr", 0, n),
            "name": [f"Person {i}" for i in range(n)],
            "team_id": ["team_cs"] * 4 + ["team_sales"] * 3 + ["team_support"] * 3,
            "role": role,
            "region": regions + [None] * 6,
            "hire_date": np.full(n, spec.start - 400),
            "is_active": np.ones(n, bool),
            "currency": ["USD"] * n,
            "fx_rate": np.ones(n),
            "source": ["demo"] * n,
            "source_id": make_ids("usr", 0, n),
            "created_at": np.full(n, spec.start - 400).astype("datetime64[us]"),
            "updated_at": np.full(n, spec.start - 400).astype("datetime64[us]"),
        }
    )
    return {"teams": teams, "users": users}


def fake_gtm(
    spec: DemoSpec, org: dict[str, pa.Table], chunk: int, accounts: range
) -> dict[str, pa.Table]:
    """Accounts, contacts and opportunities (a quarter won) with their deal terms."""
    rng = np.random.default_rng([spec.seed, chunk, 7])
    n = len(accounts)
    ids = make_ids("acc", accounts.start, n)
    seg_names = list(SEGMENTS)
    segment = rng.choice(seg_names, n, p=[s.account_share for s in SEGMENTS.values()])
    region = rng.choice(list(REGIONS), n, p=[r.account_share for r in REGIONS.values()])
    country = np.empty(n, dtype=object)
    currency = np.empty(n, dtype=object)
    for name, r in REGIONS.items():
        rows = np.flatnonzero(region == name)
        weights = np.array([c[1] for c in r.countries])
        pick = rng.choice(len(r.countries), len(rows), p=weights / weights.sum())
        country[rows] = np.array([c[0] for c in r.countries])[pick]
        currency[rows] = np.array([c[2] for c in r.countries])[pick]
    users = org["users"]
    aes = np.asarray(users["user_id"].to_numpy(zero_copy_only=False))[
        np.asarray(users["role"].to_numpy(zero_copy_only=False)) == "ae"
    ]
    seen = (spec.start - 30).astype("datetime64[us]")
    accounts_t = get_table("accounts").to_arrow(
        {
            "account_id": ids,
            "name": np.char.add("Company ", ids.astype(str)).astype(object),
            "segment": segment.astype(object),
            "region": region.astype(object),
            "country": country,
            "owner_id": aes[rng.integers(0, len(aes), n)],
            "lifecycle_stage": np.full(n, "lead", dtype=object),
            "source": ["salesforce"] * n,
            "source_id": ids,
            "created_at": np.full(n, seen),
            "updated_at": np.full(n, seen),
        }
    )
    per = 3
    contact_acc = np.repeat(np.arange(n), per)
    contacts = get_table("contacts").to_arrow(
        {
            "contact_id": make_ids("con", accounts.start * per, n * per),
            "account_id": ids[contact_acc],
            "has_opted_out": np.zeros(n * per, bool),
            "source": ["salesforce"] * (n * per),
            "source_id": make_ids("con", 0, n * per),
            "created_at": np.full(n * per, seen),
            "updated_at": np.full(n * per, seen),
        }
    )
    deal = rng.random(n) < 0.5
    won = deal & (rng.random(n) < 0.6)
    rows = np.flatnonzero(deal)
    k = len(rows)
    closed = spec.start + rng.integers(0, spec.days, k).astype("timedelta64[D]")
    plan = np.array([SEGMENTS[s].plan for s in segment[rows]])
    lo = np.array([SEGMENTS[s].seats[0] for s in segment[rows]])
    hi = np.array([SEGMENTS[s].seats[1] for s in segment[rows]])
    seats = np.exp(rng.uniform(np.log(lo), np.log(hi))).round().astype(int)
    annual = rng.random(k) < np.array([SEGMENTS[s].annual_share for s in segment[rows]])
    discount = np.where(rng.random(k) < 0.5, 0.0, rng.uniform(0.05, 0.25, k).round(3))
    cur = currency[rows]
    monthly = np.array([list_price(p, c) for p, c in zip(plan, cur, strict=True)])
    list_amount = seats * monthly * np.where(annual, ANNUAL_MONTHS_CHARGED, 12)
    amount = np.round(list_amount * (1 - discount), 2)
    is_won = won[rows]
    opp_ids = make_ids("opp", accounts.start, k)
    stamp = closed.astype("datetime64[us]")
    opps = get_table("opportunities").to_arrow(
        {
            "opportunity_id": opp_ids,
            "account_id": ids[rows],
            "owner_id": aes[:1].repeat(k),
            "opportunity_type": np.full(k, "new_business", dtype=object),
            "stage": np.where(is_won, "closed_won", "closed_lost").astype(object),
            "forecast_category": np.where(is_won, "closed", "omitted").astype(object),
            "currency": cur,
            "fx_rate": np.ones(k),
            "amount": amount,
            "amount_base": amount,
            "list_amount": list_amount,
            "list_amount_base": list_amount,
            "discount": discount,
            "created_date": closed - 30,
            "close_date": closed,
            "closed_date": closed,
            "is_closed": np.ones(k, bool),
            "is_won": is_won,
            "source": ["salesforce"] * k,
            "source_id": opp_ids,
            "created_at": stamp,
            "updated_at": stamp,
        }
    )
    terms = pa.table(
        {
            "opportunity_id": opp_ids[is_won],
            "plan": plan[is_won],
            "seats": seats[is_won],
            "billing_interval": np.where(annual, "year", "month")[is_won],
            "discount": discount[is_won],
        }
    )
    return {
        "accounts": accounts_t,
        "contacts": contacts,
        "opportunities": opps,
        "_deal_terms": terms,
    }


@cache
def world(
    accounts: int = 600, months: int = 24, seed: int = 5
) -> tuple[DemoSpec, dict, dict, dict, dict]:
    spec = DemoSpec(accounts=accounts, months=months, seed=seed, as_of=AS_OF)
    org = fake_org(spec)
    catalog = build_catalog(spec)
    gtm = fake_gtm(spec, org, 0, range(accounts))
    return spec, org, catalog, gtm, simulate_customers(spec, org, catalog, gtm, 0)


def col(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table[name].to_numpy(zero_copy_only=False))


def combined(name: str) -> pa.Table:
    """A table as the orchestrator would hold it: fixture, catalogue and customer rows."""
    _spec, org, catalog, gtm, out = world()
    parts = [t[name] for t in (org, catalog, gtm, out) if name in t]
    if name in ("opportunities", "opportunity_history", "lifecycle_events") and name in gtm:
        parts = [gtm[name], out[name]]
    elif name in out:
        parts = [out[name]]
    return pa.concat_tables(parts)


def test_every_table_satisfies_the_model() -> None:
    _spec, _org, catalog, _gtm, out = world()
    problems = []
    for name, data in {**catalog, **out}.items():
        problems += [str(v) for v in check_table(get_table(name), ibis.memtable(data))]
    assert problems == []


def test_foreign_keys_point_to_existing_rows() -> None:
    _spec, _org, catalog, _gtm, out = world()
    defs = [get_table(name) for name in {**catalog, **out} if get_table(name).schema == "main"]
    known = {
        "teams",
        "users",
        "accounts",
        "contacts",
        "opportunities",
        "products",
        "prices",
        "subscriptions",
        "subscription_items",
        "invoices",
        "payments",
        "fx_rates",
        "opportunity_history",
        "lifecycle_events",
        "invoice_lines",
        "refunds",
        "credit_notes",
        "product_usage",
        "support_tickets",
        "nps_responses",
        "tech_stack_tools",
    }

    def get_expr(name: str) -> ibis.Table:
        if name in known:
            return ibis.memtable(combined(name))
        return ibis.memtable(get_table(name).arrow_schema().empty_table())

    fks = [d for d in defs if all(fk.ref_table in known for fk in d.foreign_keys)]
    violations = check_foreign_keys(fks, get_expr)
    # leads, campaigns, partners and territories are not in the fixture: only null references
    assert [str(v) for v in violations if v.table in {d.name for d in fks}] == []


def test_no_invoice_before_its_subscription_starts() -> None:
    out = world()[4]
    subs = out["subscriptions"]
    start = dict(zip(col(subs, "subscription_id"), col(subs, "start_date"), strict=True))
    inv = out["invoices"]
    first = np.array([start[s] for s in col(inv, "subscription_id")])
    assert (col(inv, "invoice_date") >= first).all()
    assert (col(inv, "period_start") >= first).all()
    ended = col(subs, "ended_date")
    assert (col(subs, "start_date")[~pd_isnat(ended)] <= ended[~pd_isnat(ended)]).all()


def pd_isnat(values: np.ndarray) -> np.ndarray:
    return np.isnat(values.astype("datetime64[D]"))


def test_subscription_arr_matches_the_deal_amount() -> None:
    _spec, _org, _catalog, gtm, out = world()
    opps = gtm["opportunities"]
    amount = dict(zip(col(opps, "opportunity_id"), col(opps, "amount").astype(float), strict=True))
    subs = out["subscriptions"].to_pandas().set_index("subscription_id")
    items = out["subscription_items"].to_pandas().sort_values("start_date")
    first = items.groupby("subscription_id").first()
    checked = 0
    for sub_id, row in subs.iterrows():
        if row["opportunity_id"] not in amount:
            continue
        item = first.loc[sub_id]
        per_year = 1 if row["billing_interval"] == "year" else 12
        arr = (
            item["quantity"] * float(item["unit_amount"]) * per_year * (1 - row["discount_percent"])
        )
        assert arr == pytest.approx(amount[row["opportunity_id"]], abs=0.02)
        checked += 1
    assert checked == int(gtm["_deal_terms"].num_rows)


def test_amounts_are_non_negative_except_discount_lines() -> None:
    out = world()[4]
    for name, data in out.items():
        for c in get_table(name).columns:
            if c.type != "decimal(18,2)":
                continue
            values = data[c.name].cast(pa.float64()).to_numpy(zero_copy_only=False)
            if name == "invoice_lines":
                kind = col(data, "kind")
                assert (values[kind == "discount"] < 0).all()
                values = values[kind != "discount"]
            assert (np.nan_to_num(values) >= 0).all(), (name, c.name)


def test_invoice_totals_equal_the_sum_of_their_lines() -> None:
    out = world()[4]
    lines = out["invoice_lines"].to_pandas()
    lines["amount"] = lines["amount"].astype(float)
    lines["is_tax"] = lines["kind"] == "tax"
    sums = lines.groupby(["invoice_id", "is_tax"])["amount"].sum().unstack(fill_value=0.0)
    inv = out["invoices"].to_pandas().set_index("invoice_id")
    sums = sums.reindex(inv.index, fill_value=0.0)
    assert np.allclose(sums[False], inv["subtotal"].astype(float), atol=0.005)
    assert np.allclose(sums.get(True, 0.0), inv["tax"].astype(float), atol=0.005)
    assert np.allclose(
        inv["subtotal"].astype(float) + inv["tax"].astype(float),
        inv["total"].astype(float),
        atol=0.005,
    )


def test_nothing_is_dated_at_or_after_the_end() -> None:
    spec, _org, catalog, _gtm, out = world()
    end = np.datetime64(spec.end_date, "D")
    for name, data in {**catalog, **out}.items():
        for c in get_table(name).columns:
            if c.type not in ("date", "timestamp") or (name, c.name) in ALLOWED_FUTURE:
                continue
            if (name, c.name) == ("tech_stack_tools", "contract_end_date"):
                continue
            values = col(data, c.name).astype("datetime64[D]")
            assert not (values[~np.isnat(values)] >= end).any(), (name, c.name)
    opps = out["opportunities"]
    late = col(opps, "close_date").astype("datetime64[D]") >= end
    assert not col(opps, "is_closed")[late].any()


def test_fx_rates_come_from_the_catalogue() -> None:
    _spec, _org, catalog, _gtm, out = world()
    fx = catalog["fx_rates"].to_pandas()
    fx["rate_date"] = fx["rate_date"].astype("datetime64[s]")
    rate = fx.set_index(["currency", "rate_date"])["rate"]
    inv = out["invoices"].to_pandas()
    keys = list(zip(inv["currency"], inv["invoice_date"].astype("datetime64[s]"), strict=True))
    assert (rate.loc[keys].to_numpy() == inv["fx_rate"].to_numpy()).all()


def test_customer_lifecycle_is_consistent() -> None:
    out = world()[4]
    accounts = out["accounts"].to_pandas().set_index("account_id")
    truth = out["churn_reasons"].to_pandas()
    subs = out["subscriptions"].to_pandas()
    running = set(subs.loc[subs["status"] != "canceled", "account_id"])
    customers = accounts[accounts["became_customer_date"].notna()]
    assert len(customers) > 50
    churned = customers[customers["lifecycle_stage"] == "churned"]
    assert len(churned) > 0
    assert not (set(churned.index) & running)
    assert set(churned.index) <= set(truth["account_id"])
    assert set(truth["reason"]) <= {
        "low_usage",
        "support_pain",
        "detractor",
        "budget",
        "competitor",
    }
    assert customers["csm_id"].notna().all()
    types = set(out["opportunities"].to_pandas()["opportunity_type"])
    assert {"expansion", "renewal"} <= types
    assert truth["reactivated_date"].notna().any()


def test_usage_stays_within_seats() -> None:
    usage = world()[4]["product_usage"]
    assert pc.all(pc.less_equal(usage["active_users"], usage["seats_licensed"])).as_py()
    assert pc.min(usage["active_users"]).as_py() >= 1


def test_the_simulation_is_deterministic() -> None:
    spec, org, catalog, gtm, out = world()
    again = simulate_customers(spec, org, catalog, gtm, 0)
    assert set(again) == set(out)
    for name in out:
        assert again[name].equals(out[name]), name


def test_catalogue_prices_every_plan_currency_and_interval() -> None:
    catalog = world()[2]
    prices = catalog["prices"].to_pandas()
    plans = prices[prices["product_id"].isin([f"prod_{p}" for p in PLANS])]
    assert len(plans) == len(PLANS) * len(CURRENCIES) * 2
    tools = catalog["tech_stack_tools"].to_pandas()
    assert tools.groupby("category")["is_system_of_record"].sum().eq(1).all()
    assert (tools["active_users"] <= tools["seats"]).all()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    accounts=st.integers(min_value=50, max_value=400),
    months=st.integers(min_value=3, max_value=18),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_billing_invariants_hold_for_any_company(accounts: int, months: int, seed: int) -> None:
    spec = DemoSpec(accounts=accounts, months=months, seed=seed, as_of=AS_OF)
    org = fake_org(spec)
    catalog = build_catalog(spec)
    gtm = fake_gtm(spec, org, 1, range(accounts))
    out = simulate_customers(spec, org, catalog, gtm, 1)
    subs = out["subscriptions"].to_pandas().set_index("subscription_id")
    inv = out["invoices"].to_pandas()
    assert (
        inv["invoice_date"].to_numpy() >= subs.loc[inv["subscription_id"], "start_date"].to_numpy()
    ).all()
    assert (inv["total"].astype(float) >= 0).all()
    lines = out["invoice_lines"].to_pandas()
    negative = lines["amount"].astype(float) < 0
    assert (lines.loc[negative, "kind"] == "discount").all()
    for name, data in out.items():
        assert check_table(get_table(name), ibis.memtable(data)) == [], name


def test_targets_cover_company_and_teams() -> None:
    spec, org, _catalog, gtm, out = world()
    opportunities = pa.concat_tables([gtm["opportunities"], out["opportunities"]])
    result = targets(spec, org, opportunities)
    assert check_table(get_table("targets"), ibis.memtable(result)) == []
    frame = result.to_pandas()
    assert {"new_bookings", "arr", "pipeline_created", "win_rate", "mqls"} <= set(frame["metric"])
    assert {"month", "quarter"} <= set(frame["period_grain"])
    assert frame["team_id"].isna().any()


def test_a_chunk_without_customers_still_gives_every_table() -> None:
    spec = DemoSpec(accounts=40, months=3, seed=0, as_of=AS_OF)
    org = fake_org(spec)
    gtm = fake_gtm(spec, org, 0, range(40))
    gtm["_deal_terms"] = gtm["_deal_terms"].slice(0, 0)
    out = simulate_customers(spec, org, build_catalog(spec), gtm, 0)
    assert out["subscriptions"].num_rows == 0
    assert out["accounts"].equals(gtm["accounts"])
    for name, data in out.items():
        assert data.schema.equals(get_table(name).arrow_schema()), name

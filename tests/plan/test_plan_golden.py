"""Plans of a company small enough to work out by hand (see plan_world for its history).

Rates: lead→MQL, MQL→SQL, SQL→opportunity 0.5, win rate 0.25, deal size 50,000, person
stages 0 days apart, sales cycle 30 days. So 100,000 of bookings needs 2 won deals, 8
opportunities, 16 SQLs, 32 MQLs, 64 leads, all 30 days before the wins.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from plan_world import AS_OF, build, deal

import revhub
from revhub.errors import PlanError
from revhub.plan import Plan, Planner, build_plan, compare
from revhub.plan.window import measure_over
from revhub.workspace import Workspace

SEPTEMBER = {"2026-09": 100_000}
AUG, SEP = dt.date(2026, 8, 1), dt.date(2026, 9, 1)
Q2, Q3 = dt.date(2026, 4, 1), dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = build(tmp_path_factory.mktemp("plan_world") / "ws")
    with revhub.open(root) as ws:
        yield ws


@pytest.fixture(scope="module")
def planner(world: Workspace) -> Planner:
    return Planner.measure(world, AS_OF)


@pytest.fixture(scope="module")
def monthly(planner: Planner) -> Plan:
    return planner.plan(SEPTEMBER, grain="month")


def funnel_of(plan: Plan) -> dict[tuple[dt.date, str], float]:
    rows = plan.funnel[plan.funnel.segment == "smb"]
    return {(r.period, r.stage): round(r.required, 4) for r in rows.itertuples()}


def test_rates_are_the_hand_counted_ones(planner: Planner) -> None:
    smb = planner.rates[planner.rates.segment == "smb"].set_index("measure")
    assert smb.value.to_dict() == {
        "lead_to_mql": 0.5,
        "mql_to_sql": 0.5,
        "sql_to_opportunity": 0.5,
        "win_rate": 0.25,
        "deal_size": 50_000.0,
        "days_lead_to_mql": 0.0,
        "days_mql_to_sql": 0.0,
        "days_sql_to_opportunity": 0.0,
        "days_opportunity_to_won": 30.0,
    }
    assert smb["sample"].to_dict() == {
        "lead_to_mql": 40,
        "mql_to_sql": 20,
        "sql_to_opportunity": 10,
        "win_rate": 8,
        "deal_size": 2,
        "days_lead_to_mql": 20,
        "days_mql_to_sql": 10,
        "days_sql_to_opportunity": 5,
        "days_opportunity_to_won": 2,
    }
    empty = planner.rates[planner.rates.segment == "enterprise"]
    assert (empty["sample"] == 0).all() and empty.own_value.isna().all()
    assert (empty.value.to_numpy() == empty.company_value.to_numpy()).all()


def test_a_monthly_target_is_worked_back_thirty_days(monthly: Plan) -> None:
    assert funnel_of(monthly) == {
        (AUG, "leads"): 64.0,
        (AUG, "mqls"): 32.0,
        (AUG, "sqls"): 16.0,
        (AUG, "opportunities"): 8.0,
        (SEP, "won_deals"): 2.0,
        (SEP, "bookings"): 100_000.0,
    }
    assert monthly.funnel.actual.isna().all()  # August and September are after as_of
    assert monthly.targets.to_dict("records") == [
        {
            "period": SEP,
            "segment": "smb",
            "bookings": 100_000.0,
            "source": "given (company, split by bookings)",
        }
    ]


def test_a_quarter_spreads_the_shifted_days_over_two_quarters(planner: Planner) -> None:
    plan = planner.plan({"2026-Q3": 100_000})
    # Q3 has 92 days; 30 days earlier, June's 30 of them fall in Q2.
    got = funnel_of(plan)
    assert got[(Q2, "opportunities")] == round(8 * 30 / 92, 4)
    assert got[(Q3, "opportunities")] == round(8 * 62 / 92, 4)
    assert got[(Q2, "leads")] + got[(Q3, "leads")] == pytest.approx(64)
    q2 = plan.funnel[plan.funnel.period == Q2]
    assert (q2.actual == 0).all() and (q2.elapsed == 1).all()  # the people came in Q1
    assert set(plan.funnel[plan.funnel.period == Q3].elapsed) == {1 / 92}


def test_capacity_needs_24_reps_for_100k_a_month(monthly: Plan) -> None:
    # attainment 100,000 ÷ 800,000 = 0.125; a ramped rep books 0.125 × 400,000 ÷ 12
    assert monthly.capacity.to_dict("records") == [
        {
            "period": SEP,
            "segment": "smb",
            "region": "emea",
            "headcount": 2.0,
            "ramped_reps": 2.0,
            "required_reps": pytest.approx(24.0),
            "gap": pytest.approx(22.0),
            "bookings_target": 100_000.0,
            "bookings_per_ramped_rep": pytest.approx(100_000 * 0.125 / 24 * 8),
            "attainment": pytest.approx(0.125),
        }
    ]


def test_budget_prices_each_stage_at_its_cost(monthly: Plan) -> None:
    budget = monthly.budget.set_index("basis")
    assert budget.loc[["leads", "mqls", "sqls"], ["volume", "cost_per_unit", "spend"]].to_dict(
        "index"
    ) == {
        "leads": {"volume": 64.0, "cost_per_unit": 300.0, "spend": 19_200.0},
        "mqls": {"volume": 32.0, "cost_per_unit": 600.0, "spend": 19_200.0},
        "sqls": {"volume": 16.0, "cost_per_unit": 1_200.0, "spend": 19_200.0},
    }
    assert set(monthly.budget.current_spend) == {1_000.0}
    # no subscriptions, so no new customers: CAC is undefined, not 0
    assert pd.isna(budget.loc["won_deals", "spend"])


def test_constant_spend_cannot_show_a_response(monthly: Plan) -> None:
    assert monthly.channels.status.tolist() == ["too_thin"]
    assert monthly.channels["rank"].isna().all()
    assert monthly.recommendation.startswith("No channel")


def test_scenarios_change_what_they_say(planner: Planner, monthly: Plan) -> None:
    better = planner.plan(SEPTEMBER, grain="month", scenario="win_rate=+25pt, aes.emea=+1")
    assert funnel_of(better)[(AUG, "opportunities")] == 4.0
    assert funnel_of(better)[(AUG, "leads")] == 32.0
    # hired on as_of with a 3-month ramp: 76 days in by mid-September
    hired = 76 / (3 * 365.25 / 12)
    assert better.capacity.ramped_reps.tolist() == [pytest.approx(2 + hired)]
    assert better.capacity.headcount.tolist() == [3.0]
    changes = compare(monthly, better).set_index(["period", "measure"]).change
    assert changes[(AUG, "opportunities")] == -4.0
    assert changes[(SEP, "rep_shortfall")] == pytest.approx(-hired)
    assert better.scenario.changes() == ["win rate +25.0 points", "+1 AE in emea"]


def test_stored_targets_are_used(planner: Planner) -> None:
    quarter = planner.plan(periods=1)
    assert quarter.targets.bookings.tolist() == [240_000.0]
    assert quarter.targets.source.tolist() == ["targets (sum of months)"]
    months = planner.plan(grain="month", periods=3)
    assert months.targets.bookings.tolist() == [70_000.0, 80_000.0, 90_000.0]
    assert set(months.targets.source) == {"targets (month)"}


def test_no_stored_target_says_what_to_do(planner: Planner) -> None:
    with pytest.raises(PlanError, match=r"no new_bookings target for 2026-10-01 \(by quarter"):
        planner.plan(periods=2)


def test_what_happens_after_as_of_changes_nothing(
    world: Workspace, monthly: Plan, tmp_path: Path
) -> None:
    later = dt.date(2026, 7, 2)
    extra = {
        "lifecycle_events": [
            {
                "lifecycle_event_id": "late",
                "entity_id": "lead99",
                "account_id": "acc41",
                "to_stage": "lead",
                "occurred_at": dt.datetime(2026, 7, 2, 9),
            },
        ],
        "opportunities": [deal(90, "acc42", later, won=True)],
        "marketing_spend": [{"spend_id": "late", "month": Q3, "amount": 9e5, "amount_base": 9e5}],
        "users": [{"user_id": "ae3", "name": "Cy", "hire_date": later}],
    }
    with revhub.open(build(tmp_path / "ws", extra=extra)) as ws:
        again = build_plan(ws, as_of=AS_OF, target=SEPTEMBER, grain="month")
    assert_same(monthly, again)


def test_row_order_does_not_matter(monthly: Plan, tmp_path: Path) -> None:
    with revhub.open(build(tmp_path / "ws", shuffle_seed=11)) as ws:
        again = build_plan(ws, as_of=AS_OF, target=SEPTEMBER, grain="month")
    assert_same(monthly, again)


def assert_same(plan: Plan, other: Plan) -> None:
    for name in ("rates", "funnel", "capacity", "budget", "channels", "discounts"):
        pd.testing.assert_frame_equal(getattr(plan, name), getattr(other, name), obj=name)


def test_the_plan_is_json(monthly: Plan) -> None:
    data = json.loads(json.dumps(monthly.to_dict(), allow_nan=False))
    assert data["funnel"][0] == {
        "period": "2026-08-01",
        "segment": "smb",
        "stage": "leads",
        "required": 64.0,
        "actual": None,
        "elapsed": 0.0,
    }
    assert data["scenario"]["name"] == "baseline" and data["as_of"] == "2026-07-01"


def test_a_window_measure_equals_the_metric_over_that_year(world: Workspace) -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    for name in ("win_rate", "funnel_conversion"):
        by = ["stage"] if name.startswith("funnel") else []
        ours = measure_over(world, name, start=start, end=end, by=by)
        theirs = world.metrics.compute(name, grain="year", start=start, end=end, by=by)
        assert ours.value.tolist() == theirs.value.tolist(), name

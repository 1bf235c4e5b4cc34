"""The plan of the demo company: every part present and sensible (read-only)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from revhub.metrics.targets import read_targets
from revhub.plan import Plan, Planner, compare
from revhub.plan.reverse_funnel import STAGES
from revhub.workspace import Workspace

TARGET = 3_000_000.0


@pytest.fixture(scope="module")
def planner(demo_workspace: Workspace) -> Planner:
    return Planner.measure(demo_workspace)


@pytest.fixture(scope="module")
def plan(planner: Planner) -> Plan:
    return planner.plan(TARGET)


def test_rates_are_measured_for_the_company_and_every_segment(plan: Plan) -> None:
    rates = plan.rates
    assert set(rates.segment) == {"all", "smb", "mid_market", "enterprise"}
    company = rates[rates.segment == "all"]
    assert (company["sample"] > 0).all()
    shares = rates[rates.unit == "ratio"].value
    assert ((shares > 0) & (shares <= 1)).all()
    assert (rates[rates.unit == "days"].value >= 0).all()


def test_the_funnel_works_back_from_the_target(plan: Plan, demo_workspace: Workspace) -> None:
    assert plan.periods == tuple(
        dt.date(y, m, 1) for y, m in ((2026, 7), (2026, 10), (2027, 1), (2027, 4))
    )
    totals = plan.funnel_totals()
    bookings = totals[totals.stage == "bookings"].set_index("period").required
    assert bookings.to_dict() == {p: pytest.approx(TARGET) for p in plan.periods}
    overall = plan.funnel.groupby("stage").required.sum()
    upstream = [overall[s] for s in ("leads", "mqls", "sqls", "opportunities", "won_deals")]
    assert upstream == sorted(upstream, reverse=True)
    past = plan.funnel[plan.funnel.period < plan.as_of]
    assert len(past) and past.actual.notna().all() and past.actual.sum() > 0
    assert plan.funnel[plan.funnel.period > plan.as_of].actual.isna().all()
    assert set(plan.funnel.stage) == set(STAGES)


def test_capacity_counts_the_aes_employed(plan: Plan, demo_workspace: Workspace) -> None:
    users = demo_workspace.table("users")
    aes = (
        users.filter(
            (users.role == "ae")
            & (users.hire_date <= plan.as_of)
            & (users.termination_date.isnull() | (users.termination_date > plan.as_of))
        )
        .count()
        .execute()
    )
    first = plan.capacity[plan.capacity.period == plan.periods[0]]
    assert first.headcount.sum() == aes > 0
    assert (first.ramped_reps <= first.headcount).all()
    assert first.required_reps.sum() > 0
    assert first.bookings_target.sum() == pytest.approx(TARGET)


def test_budget_and_channels_are_there(plan: Plan) -> None:
    assert set(plan.budget.basis) == {"leads", "mqls", "sqls", "won_deals"}
    assert plan.budget[plan.budget.basis == "leads"].spend.sum() > 0
    assert set(plan.channels.status) <= {"fitted", "capped", "no_response", "weak", "too_thin"}
    assert len(plan.channels) >= 3 and plan.recommendation


def test_pricing_evidence_is_there(plan: Plan) -> None:
    assert {"all", "smb"} <= set(plan.discounts.segment)
    assert (plan.discounts.closed_deals > 0).all()
    assert plan.price_points.closed_deals.sum() == plan.discounts.closed_deals.sum()
    assert plan.realisation.realisation.between(0.3, 1.2).all()


def test_the_plan_is_json(plan: Plan) -> None:
    text = json.dumps(plan.to_dict(), allow_nan=False)
    assert json.loads(text)["grain"] == "quarter"


def test_a_better_win_rate_needs_fewer_opportunities(planner: Planner, plan: Plan) -> None:
    better = planner.plan(TARGET, scenario="win_rate=+2pt")
    changes = compare(plan, better)
    opportunities = changes[changes.measure == "opportunities"]
    assert (opportunities.change < 0).all()
    assert (changes[changes.measure == "bookings"].change == 0).all()


def test_stored_targets_are_planned(demo_workspace: Workspace) -> None:
    as_of = dt.date(2026, 1, 15)
    plan = Planner.measure(demo_workspace, as_of).plan(periods=2)
    stored = read_targets(demo_workspace, metric="new_bookings", grain="quarter").to_pandas()
    stored = stored[stored.segment.notna() & stored.region.isna() & stored.team_id.isna()]
    for period in (dt.date(2026, 1, 1), dt.date(2026, 4, 1)):
        want = stored[stored.period_start == period].value.sum()
        got = plan.targets[plan.targets.period == period].bookings.sum()
        assert math.isclose(got, want)
    mid_quarter = plan.funnel[plan.funnel.period == dt.date(2026, 1, 1)]
    assert set(mid_quarter.elapsed) == {15 / 90}

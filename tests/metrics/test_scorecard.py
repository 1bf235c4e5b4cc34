"""Scorecards on a tiny company with known deals and targets, and on the demo company."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import revhub
from revhub.errors import MetricError
from revhub.metrics.core import DEPARTMENT_ORDER
from revhub.metrics.registry import get_metric, shipped_metrics
from revhub.metrics.scorecard import (
    DEPARTMENT_METRICS,
    Scorecard,
    ScorecardRow,
    attainment_status,
    is_flow,
    scorecard,
)
from revhub.metrics.targets import load_targets
from revhub.model import get_table
from revhub.workspace import Workspace

STAMP = dt.datetime(2025, 1, 1)
JUNE_END = dt.date(2026, 6, 30)
# (id, owner, created, closed, amount, channel): new business, all won
DEALS = [
    ("o1", "u1", dt.date(2026, 5, 1), dt.date(2026, 6, 5), 600.0, "partner"),  # 35 days
    ("o2", "u1", dt.date(2026, 5, 20), dt.date(2026, 6, 10), 300.0, "content"),  # 21 days
    ("o3", "u2", dt.date(2026, 3, 1), dt.date(2026, 5, 12), 1000.0, "content"),
    ("o4", "u1", dt.date(2026, 3, 1), dt.date(2026, 5, 10), 500.0, "content"),
    ("o5", "u2", dt.date(2026, 3, 1), dt.date(2026, 4, 20), 200.0, "content"),
]
TARGETS = """\
targets:
  - {metric: new_bookings, period: 2026-06, value: 1000}
  - {metric: sales_cycle_length, period: 2026-06, value: 24}
  - {metric: new_bookings, period: 2026-06, team: AE North, value: 800}
"""


def put(ws: Workspace, table: str, *rows: dict[str, Any]) -> None:
    """Insert ``rows`` into ``table`` with lineage filled in."""
    key = get_table(table).primary_key[0]
    lineage = {"source": "crm", "created_at": STAMP, "updated_at": STAMP}
    full = [{**lineage, "source_id": str(row[key]), **row} for row in rows]
    columns = {c: [r.get(c) for r in full] for c in full[0]}
    ws.con.insert(table, get_table(table).to_arrow(columns))


def deal(spec: tuple[str, str, dt.date, dt.date, float, str]) -> dict[str, Any]:
    """An opportunity row from a line of DEALS."""
    deal_id, owner, created, closed, amount, channel = spec
    return {
        "opportunity_id": deal_id,
        "account_id": "a1" if owner == "u1" else "a2",
        "owner_id": owner,
        "opportunity_type": "new_business",
        "stage": "closed_won",
        "forecast_category": "closed",
        "currency": "USD",
        "fx_rate": 1.0,
        "amount": amount,
        "amount_base": amount,
        "created_date": created,
        "close_date": closed,
        "closed_date": closed,
        "is_closed": True,
        "is_won": True,
        "source_channel": channel,
    }


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two AE teams, their deals and targets (made once; tests open copies)."""
    root = tmp_path_factory.mktemp("scorecard") / "ws"
    with revhub.init(root) as ws:
        put(
            ws,
            "teams",
            {"team_id": "t1", "name": "AE North", "department": "sales"},
            {"team_id": "t2", "name": "AE South", "department": "sales"},
        )
        person = {
            "role": "ae",
            "hire_date": dt.date(2024, 1, 1),
            "currency": "USD",
            "fx_rate": 1.0,
            "is_active": True,
        }
        put(
            ws,
            "users",
            {"user_id": "u1", "name": "Ann", "team_id": "t1", **person},
            {"user_id": "u2", "name": "Bob", "team_id": "t2", **person},
        )
        put(
            ws,
            "accounts",
            {"account_id": "a1", "name": "North Co", "owner_id": "u1", "segment": "smb"},
            {"account_id": "a2", "name": "South Co", "owner_id": "u2", "segment": "smb"},
        )
        put(ws, "opportunities", *(deal(d) for d in DEALS))
        (root / "targets.yaml").write_text(TARGETS)
        load_targets(ws)
    return root


@pytest.fixture
def open_company(company: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the company of this test's own."""
    shutil.copytree(company, tmp_path / "ws")
    return tmp_path / "ws"


def row(card: Scorecard, metric: str, department: str = "sales") -> ScorecardRow:
    (found,) = [r for r in card.departments[department] if r.metric == metric and not r.where]
    return found


def test_finished_month_against_targets(open_company: Path) -> None:
    with revhub.open(open_company) as ws:
        card = scorecard(ws, "sales", as_of=JUNE_END, grain="month")
    assert (card.period_start, card.period_end, card.elapsed) == (
        dt.date(2026, 6, 1),
        JUNE_END,
        1.0,
    )
    bookings = row(card, "new_bookings")
    assert (bookings.actual, bookings.target, bookings.target_to_date) == (900.0, 1000.0, 1000.0)
    assert bookings.attainment == pytest.approx(0.9)
    assert bookings.status == "at_risk"
    assert bookings.trend.values == (0.0, 0.0, 0.0, 0.0, 200.0, 1500.0)
    assert bookings.trend.periods[-1] == dt.date(2026, 5, 1)
    assert bookings.trend.direction == "up"
    cycle = row(card, "sales_cycle_length")  # lower is better: target ÷ actual
    assert (cycle.actual, cycle.target, cycle.direction) == (28.0, 24.0, "lower")
    assert cycle.attainment == pytest.approx(24 / 28)
    assert cycle.status == "off_track"
    win_rate = row(card, "win_rate")
    assert (win_rate.actual, win_rate.target, win_rate.status) == (1.0, None, "no_target")
    indicators = [r.indicator for r in card.departments["sales"]]
    assert indicators == sorted(indicators, key=lambda i: i != "leading")
    assert list(card.departments) == ["sales"]


def test_targets_of_unknown_metrics_are_listed_not_scored(open_company: Path) -> None:
    with revhub.open(open_company) as ws:
        put(
            ws,
            "targets",
            {"target_id": "plan:1", "metric": "quota", "period_grain": "month",
             "period_start": dt.date(2026, 6, 1), "value": 5.0},
        )  # fmt: skip
        card = scorecard(ws, as_of=JUNE_END)
    assert card.unknown_metrics == ("quota",)
    assert "quota" not in {r.metric for r in card.rows}


def test_thresholds_come_from_settings(open_company: Path) -> None:
    with revhub.open(open_company, metrics={"at_risk": 0.95}) as ws:
        assert row(scorecard(ws, "sales", as_of=JUNE_END), "new_bookings").status == "off_track"
    with revhub.open(open_company, metrics={"on_track": 0.85, "at_risk": 0.8}) as ws:
        card = scorecard(ws, "sales", as_of=JUNE_END)
    assert row(card, "new_bookings").status == "on_track"
    assert row(card, "sales_cycle_length").status == "on_track"


def test_running_month_prorates_flows_only(open_company: Path) -> None:
    with revhub.open(open_company) as ws:
        card = scorecard(ws, "sales", as_of=dt.date(2026, 6, 6))
    assert card.elapsed == pytest.approx(6 / 30)
    bookings = row(card, "new_bookings")  # o1 only, against 6/30 of the target
    assert (bookings.actual, bookings.target) == (600.0, 1000.0)
    assert bookings.target_to_date == pytest.approx(200.0)
    assert bookings.attainment == pytest.approx(3.0)
    assert bookings.status == "on_track"
    cycle = row(card, "sales_cycle_length")  # a median: the full target
    assert (cycle.actual, cycle.target_to_date) == (35.0, 24.0)
    assert cycle.status == "off_track"


def test_team_scorecard_uses_the_teams_targets_and_deals(open_company: Path) -> None:
    with revhub.open(open_company) as ws:
        card = scorecard(ws, team="AE North", as_of=JUNE_END)
    assert card.team == "AE North"
    assert list(card.departments) == ["sales"]
    rows = card.departments["sales"]
    assert all(r.where.get("team") == "AE North" for r in rows)
    (bookings,) = [r for r in rows if r.metric == "new_bookings"]
    assert (bookings.actual, bookings.target, bookings.status) == (900.0, 800.0, "on_track")
    assert bookings.trend.values[-2:] == (0.0, 500.0)  # April: South's deal; May: North's
    (cycle,) = [r for r in rows if r.metric == "sales_cycle_length"]
    assert (cycle.target, cycle.status) == (None, "no_target")  # the target is company-wide


def test_partner_department_is_partner_sourced_deals(open_company: Path) -> None:
    with revhub.open(open_company) as ws:
        card = scorecard(ws, "partners", as_of=JUNE_END)
    rows = {r.metric: r for r in card.departments["partners"]}
    assert set(rows) == {"pipeline_created", "new_bookings"}
    assert rows["new_bookings"].where == {"channel": "partner"}
    assert rows["new_bookings"].actual == 600.0
    assert rows["new_bookings"].label == "Partner-sourced bookings"
    assert "channel is `partner`" in rows["new_bookings"].note


def test_bad_requests_are_refused(open_company: Path) -> None:
    with revhub.open(open_company) as ws:
        with pytest.raises(MetricError, match=r"no `salse` scorecard\. Did you mean `sales`\?"):
            scorecard(ws, "salse")
        with pytest.raises(MetricError, match=r"no team `AE Nort`.*Did you mean `AE North`\?"):
            scorecard(ws, team="AE Nort")
        with pytest.raises(MetricError, match="scorecards are by month, quarter, year"):
            scorecard(ws, grain="week")


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (110.0, 100.0, "higher", (1.1, "on_track")),
        (90.0, 100.0, "higher", (0.9, "at_risk")),
        (50.0, 100.0, "higher", (0.5, "off_track")),
        (20.0, 25.0, "lower", (1.25, "on_track")),
        (30.0, 25.0, "lower", (25 / 30, "off_track")),
        (0.0, 25.0, "lower", (None, "on_track")),  # nothing to divide by: compared directly
        (-5.0, 0.0, "higher", (None, "off_track")),
        (5.0, 0.0, "higher", (None, "on_track")),
        (None, 10.0, "higher", (None, "no_data")),
        (10.0, None, "higher", (None, "no_target")),
        (10.0, 20.0, "neutral", (0.5, "not_rated")),
    ],
)
def test_attainment_and_status(
    actual: float | None, target: float | None, direction: Any, expected: tuple[Any, str]
) -> None:
    attainment, status = attainment_status(actual, target, direction, on_track=1.0, at_risk=0.9)
    assert status == expected[1]
    assert attainment == (None if expected[0] is None else pytest.approx(expected[0]))


def test_flows_and_snapshots() -> None:
    assert is_flow(get_metric("new_bookings"))
    assert not is_flow(get_metric("arr"))  # a closing-day snapshot
    assert not is_flow(get_metric("win_rate"))  # a rate


def test_department_metrics_exist() -> None:
    assert set(DEPARTMENT_METRICS) == set(DEPARTMENT_ORDER)
    for lines in DEPARTMENT_METRICS.values():
        for line in lines:
            assert line.metric in shipped_metrics()
            assert set(line.where) <= set(get_metric(line.metric).dimensions)


@pytest.mark.slow
def test_every_department_of_the_demo_has_rows(demo_workspace: Workspace) -> None:
    card = scorecard(demo_workspace, grain="quarter", as_of=dt.date(2026, 6, 30))
    assert list(card.departments) == list(DEPARTMENT_ORDER)
    for department, rows in card.departments.items():
        assert rows, department
        assert all(r.department == department for r in rows)
    statuses = {r.status for r in card.rows}
    assert statuses & {"on_track", "at_risk", "off_track"}  # the demo plans some targets
    arr = row(card, "arr", "company")
    assert arr.target is not None and arr.actual is not None and arr.actual > 0

"""The target a plan works back from: given as numbers, or stored in ``targets``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from plan_world import put

import revhub
from revhub.errors import PlanError
from revhub.plan.rates import COMPANY
from revhub.plan.reverse_funnel import reverse_funnel
from revhub.plan.targets import given_targets, planned_periods, stored_targets
from revhub.workspace import Workspace

AS_OF = dt.date(2026, 8, 20)
SHARES = {"smb": 1.0, "mid_market": 3.0, "enterprise": 0.0}
Q3, Q4 = dt.date(2026, 7, 1), dt.date(2026, 10, 1)


def rows(table: pd.DataFrame) -> list[tuple[Any, ...]]:
    return list(table[["period", "segment", "bookings"]].itertuples(index=False, name=None))


def test_planned_periods_start_with_the_one_holding_as_of() -> None:
    assert [p.start for p in planned_periods(AS_OF, "month", 3)] == [
        dt.date(2026, 8, 1),
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
    ]
    with pytest.raises(PlanError, match="by month or quarter, not `year`"):
        planned_periods(AS_OF, "year", 1)  # type: ignore[arg-type]


def test_a_number_is_every_periods_company_target_split_by_bookings() -> None:
    assert rows(given_targets(400.0, AS_OF, "quarter", 2, SHARES)) == [
        (Q3, "mid_market", 300.0),
        (Q3, "smb", 100.0),
        (Q4, "mid_market", 300.0),
        (Q4, "smb", 100.0),
    ]


def test_a_mapping_names_its_periods_and_segments() -> None:
    target = {"2026-Q4": {"enterprise": 50.0}, Q3: 8.0}
    assert rows(given_targets(target, AS_OF, "quarter", 9, SHARES)) == [
        (Q3, "mid_market", 6.0),
        (Q3, "smb", 2.0),
        (Q4, "enterprise", 50.0),
    ]


def test_nothing_booked_splits_evenly() -> None:
    even = given_targets(300.0, AS_OF, "month", 1, dict.fromkeys(SHARES, 0.0))
    assert even.bookings.tolist() == [100.0, 100.0, 100.0]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"2026-07": 1.0}, "`2026-07` is not a quarter (write e.g. 2026-Q3)"),
        ({"2026-Q2": 1.0}, "2026-Q2 ends before 2026-08-20: a plan looks forward"),
        ({"2026-Q3": {"smbb": 1.0}}, "unknown segment `smbb` in 2026-07-01. Did you mean `smb`?"),
        ({"2026-Q3": -5.0}, "is not a number ≥ 0"),
        ({}, "the target names no period"),
    ],
)
def test_a_target_that_cannot_be_planned_says_why(target: Any, message: str) -> None:
    with pytest.raises(PlanError) as caught:
        given_targets(target, AS_OF, "quarter", 1, SHARES)
    assert message in str(caught.value)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Targets: Q3 company-wide 900 with an smb row of 100; the year 2026 at 4,000
    company-wide; nothing for 2027."""
    targets = [
        ("quarter", Q3, None, 900.0),
        ("quarter", Q3, "smb", 100.0),
        ("year", dt.date(2026, 1, 1), None, 4_000.0),
    ]
    with revhub.init(tmp_path_factory.mktemp("targets") / "ws") as ws:
        put(
            ws,
            "targets",
            [
                {
                    "target_id": f"t{i}",
                    "metric": "new_bookings",
                    "period_grain": grain,
                    "period_start": start,
                    "segment": segment,
                    "value": value,
                }
                for i, (grain, start, segment, value) in enumerate(targets)
            ],
        )
        yield ws


def test_a_company_row_fills_the_segments_without_one(stored: Workspace) -> None:
    table = stored_targets(stored, AS_OF, "quarter", 2, SHARES)
    assert rows(table) == [
        (Q3, "mid_market", 800.0),  # 900 − 100 left for the others, by their bookings
        (Q3, "smb", 100.0),
        (Q4, "mid_market", 750.0),  # the year's 4,000 ÷ 4
        (Q4, "smb", 250.0),
    ]
    assert table.source.tolist() == ["targets (quarter)"] * 2 + ["targets (year ÷ 4)"] * 2


def test_a_month_takes_its_quarters_third(stored: Workspace) -> None:
    table = stored_targets(stored, AS_OF, "month", 1, SHARES)
    assert rows(table) == [
        (dt.date(2026, 8, 1), "mid_market", 800 / 3),
        (dt.date(2026, 8, 1), "smb", 100 / 3),
    ]
    assert set(table.source) == {"targets (quarter ÷ 3)"}


def test_periods_without_targets_are_named(stored: Workspace) -> None:
    with pytest.raises(PlanError, match=r"no new_bookings target for 2027-01-01, 2027-04-01"):
        stored_targets(stored, AS_OF, "quarter", 4, SHARES)


def test_a_rate_of_zero_cannot_be_planned_through() -> None:
    targets = pd.DataFrame({"period": [Q3], "segment": ["smb"], "bookings": [100.0]})
    rates = pd.DataFrame(
        [
            {"segment": COMPANY, "measure": m, "value": v}
            for m, v in (
                ("deal_size", 10.0),
                ("win_rate", 0.0),
                ("sql_to_opportunity", 0.5),
                ("mql_to_sql", 0.5),
                ("lead_to_mql", 0.5),
                ("days_opportunity_to_won", 1.0),
                ("days_sql_to_opportunity", 0.0),
                ("days_mql_to_sql", 0.0),
                ("days_lead_to_mql", 0.0),
            )
        ]
    )
    with pytest.raises(PlanError, match="win_rate of smb is 0 or unknown"):
        reverse_funnel(targets, rates, "quarter")

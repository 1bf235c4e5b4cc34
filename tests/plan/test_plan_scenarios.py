"""Scenarios read from short strings, with clear errors for what cannot be read, and
applied to rates and targets."""

from __future__ import annotations

import pandas as pd
import pytest

from revhub.errors import RevhubError
from revhub.plan import Scenario, ScenarioError, parse_scenario
from revhub.plan.scenarios import place_hires

RATES = pd.DataFrame(
    [
        {"segment": "all", "measure": "win_rate", "value": 0.25},
        {"segment": "smb", "measure": "win_rate", "value": 0.2},
        {"segment": "all", "measure": "lead_to_mql", "value": 0.5},
        {"segment": "all", "measure": "deal_size", "value": 50_000.0},
        {"segment": "all", "measure": "days_opportunity_to_won", "value": 60.0},
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("win_rate=+0.02", Scenario("win_rate=+0.02", win_rate_delta=0.02)),
        ("win_rate=+2pt", Scenario("win_rate=+2pt", win_rate_delta=0.02)),
        ("lead_to_mql=-1.5 points", Scenario("lead_to_mql=-1.5 points", lead_to_mql_delta=-0.015)),
        ("deal_size=+5%", Scenario("deal_size=+5%", deal_size_pct=0.05)),
        ("target=-10%", Scenario("target=-10%", target_pct=-0.1)),
        ("cycle=-10d", Scenario("cycle=-10d", cycle_days_delta=-10)),
        ("cycle=+20%", Scenario("cycle=+20%", cycle_pct=0.2)),
        ("aes.emea=+1", Scenario("aes.emea=+1", extra_reps={"emea": 1})),
        ("AES.EMEA.SMB=-1", Scenario("AES.EMEA.SMB=-1", extra_reps={"emea.smb": -1})),
        ("aes=+2", Scenario("aes=+2", extra_reps={"": 2})),
    ],
)
def test_one_change_reads(text: str, expected: Scenario) -> None:
    assert parse_scenario(text) == expected


def test_changes_combine_and_the_name_is_kept() -> None:
    scenario = parse_scenario(["win_rate=+2pt", "aes.emea=+1; aes.emea=+1"], name="push")
    assert scenario.name == "push"
    assert (scenario.win_rate_delta, dict(scenario.extra_reps)) == (0.02, {"emea": 2})
    assert scenario.changes() == ["win rate +2.0 points", "+2 AE in emea"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "scenario ``: is empty; write changes such as win_rate=+2pt"),
        (
            "win_rate=+2%",
            "scenario `win_rate=+2%`: is ambiguous: write points as +2pt or as +0.02.",
        ),
        ("wn_rate=+1pt", "write key=change, with a known key. Did you mean `win_rate`?"),
        ("win_rate", "write key=change, with a known key."),
        ("deal_size=+5", "scenario `deal_size=+5`: takes a percentage, e.g. deal_size=+5%."),
        ("deal_size=5%", "write the change with its sign, e.g. +0.02, -5%, +1."),
        ("target=-100%", "cannot take away 100% or more."),
        ("cycle=+3weeks", "takes days (cycle=-10d) or a percentage (cycle=-10%)."),
        ("aes.emia=+1", "unknown region or segment `emia`. Did you mean `emea`?"),
        ("aes.emea=+0.5", "takes a whole number of reps, e.g. aes.emea=+1."),
        ("win_rate.smb=+1pt", "`win_rate` has no parts; write win_rate=<change>."),
        ("win_rate=+1pt, win_rate=+2pt", "scenario `win_rate=+2pt`: changes the same thing twice."),
        (
            "aes.emea=+0.5, win_rate=3",
            "`aes.emea=+0.5`: takes a whole number of reps, e.g. aes.emea=+1; `win_rate=3`: "
            "write the change with its sign",
        ),
    ],
)
def test_what_cannot_be_read_says_why(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    assert message in str(caught.value)
    assert isinstance(caught.value, RevhubError)


def test_rates_change_by_points_and_percent() -> None:
    scenario = Scenario(win_rate_delta=0.05, deal_size_pct=0.1, cycle_pct=-0.5, cycle_days_delta=5)
    changed = scenario.apply_to_rates(RATES).set_index(["segment", "measure"]).value
    assert changed[("all", "win_rate")] == pytest.approx(0.30)
    assert changed[("smb", "win_rate")] == pytest.approx(0.25)
    assert changed[("all", "lead_to_mql")] == 0.5
    assert changed[("all", "deal_size")] == pytest.approx(55_000.0)
    assert changed[("all", "days_opportunity_to_won")] == pytest.approx(35.0)
    assert RATES.value.tolist()[0] == 0.25  # the measured rates are left alone


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (Scenario(win_rate_delta=-0.21), "win_rate of smb would be -0.010, outside (0, 1]."),
        (Scenario(lead_to_mql_delta=0.6), "lead_to_mql of all would be 1.100"),
        (Scenario(cycle_days_delta=-61), "the sales cycle would be below 0 days."),
    ],
)
def test_a_rate_pushed_out_of_bounds_is_refused(scenario: Scenario, message: str) -> None:
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scenario.apply_to_rates(RATES)


def test_a_scenario_with_an_unknown_place_is_refused() -> None:
    with pytest.raises(ScenarioError, match="unknown region or segment `mars`"):
        Scenario(extra_reps={"mars": 1})


def test_the_target_changes_by_percent() -> None:
    targets = pd.DataFrame({"period": [1], "segment": ["smb"], "bookings": [100.0]})
    assert Scenario(target_pct=0.25).apply_to_targets(targets).bookings.tolist() == [125.0]


def test_hires_go_where_the_gap_is_largest() -> None:
    baseline = pd.DataFrame(
        {
            "period": [1, 1, 1, 1, 2],
            "segment": ["smb", "enterprise", "smb", "mid_market", "smb"],
            "region": ["emea", "emea", "apac", "apac", "apac"],
            "gap": [0.5, 2.0, 3.0, 1.0, 9.0],
        }
    )
    assert place_hires({"emea": 1, "smb": 1, "": 2, "apac.mid_market": 1}, baseline) == {
        ("enterprise", "emea"): 1,
        ("smb", "apac"): 3,
        ("mid_market", "apac"): 1,
    }

"""Invariants of the plan's arithmetic, for any rates and targets.

More target never needs less of anything; a better rate never needs more of what comes
before it; spreading volumes over periods neither makes nor loses any; the order of
input rows does not matter; smoothed rates stay between the segment's and the
company's; a fitted response curve stays concave and recovers an exact power law.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from revhub.metrics.periods import next_period_start, period_start
from revhub.plan.budget import budget_plan
from revhub.plan.rates import COMPANY, smoothed_rates
from revhub.plan.response import fit_power_curve
from revhub.plan.reverse_funnel import required_volumes, reverse_funnel, spread
from revhub.plan.scenarios import parse_scenario

share = st.floats(min_value=0.01, max_value=1.0)
days = st.floats(min_value=0.0, max_value=200.0)
money = st.floats(min_value=0.0, max_value=1e8)
STAGES = ("won_deals", "opportunities", "sqls", "mqls", "leads")


@st.composite
def rate_sets(draw: st.DrawFn) -> dict[str, float]:
    return {
        "deal_size": draw(st.floats(min_value=100.0, max_value=1e6)),
        "win_rate": draw(share),
        "sql_to_opportunity": draw(share),
        "mql_to_sql": draw(share),
        "lead_to_mql": draw(share),
        "days_opportunity_to_won": draw(days),
        "days_sql_to_opportunity": draw(days),
        "days_mql_to_sql": draw(days),
        "days_lead_to_mql": draw(days),
    }


def rates_frame(rates: dict[str, float], segments: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"segment": s, "measure": m, "value": v} for s in segments for m, v in rates.items()]
    )


@settings(max_examples=60, deadline=None)
@given(rate_sets(), money, money)
def test_more_target_never_needs_less(rates: dict[str, float], a: float, b: float) -> None:
    low, high = sorted((a, b))
    less, more = required_volumes(low, rates), required_volumes(high, rates)
    for stage in STAGES:
        assert less[stage][0] <= more[stage][0] * (1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(rate_sets(), money, share, share)
def test_a_better_win_rate_never_needs_more(
    rates: dict[str, float], bookings: float, a: float, b: float
) -> None:
    worse = required_volumes(bookings, {**rates, "win_rate": min(a, b)})
    better = required_volumes(bookings, {**rates, "win_rate": max(a, b)})
    for stage in ("opportunities", "sqls", "mqls", "leads"):
        assert better[stage][0] <= worse[stage][0] * (1 + 1e-12)
    assert better["won_deals"] == worse["won_deals"]


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.floats(min_value=0.0, max_value=900.0),
    st.sampled_from(["month", "quarter"]),
)
def test_spreading_keeps_every_day(start: dt.date, lag: float, grain: str) -> None:
    begin = period_start(start, grain)  # type: ignore[arg-type]
    end = next_period_start(begin, grain)  # type: ignore[arg-type]
    shares = spread(begin, end, lag, grain)  # type: ignore[arg-type]
    assert math.isclose(sum(s for _, s in shares), 1.0)
    assert all(0 < s <= 1 for _, s in shares)
    assert all(p <= begin for p, _ in shares)


targets_rows = st.lists(
    st.tuples(
        st.sampled_from([dt.date(2026, 7, 1), dt.date(2026, 10, 1), dt.date(2027, 1, 1)]),
        st.sampled_from(["smb", "mid_market", "enterprise"]),
        st.floats(min_value=0.0, max_value=1e7),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda row: (row[0], row[1]),
)


@settings(max_examples=40, deadline=None)
@given(rate_sets(), targets_rows, st.randoms(use_true_random=False))
def test_the_funnel_keeps_volumes_and_ignores_row_order(
    rates: dict[str, float], rows: list[tuple[dt.date, str, float]], rng: random.Random
) -> None:
    targets = pd.DataFrame(rows, columns=["period", "segment", "bookings"])
    table = rates_frame(rates, ("smb", "mid_market", "enterprise", COMPANY))
    funnel = reverse_funnel(targets, table, "quarter")
    totals = funnel.groupby("stage").required.sum()
    for stage in STAGES:
        expected = sum(required_volumes(b, rates)[stage][0] for _, _, b in rows)
        assert math.isclose(totals[stage], expected, rel_tol=1e-9, abs_tol=1e-6)
    shuffled = reverse_funnel(
        targets.sample(frac=1, random_state=rng.randint(0, 999)),
        table.sample(frac=1, random_state=rng.randint(0, 999)),
        "quarter",
    )
    pd.testing.assert_frame_equal(funnel, shuffled)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=1, max_value=5000),
    share,
    st.floats(min_value=0.1, max_value=50.0),
)
def test_a_smoothed_rate_lies_between_the_segment_and_the_company(
    trials: int, successes: int, company_trials: int, company_rate: float, strength: float
) -> None:
    successes = min(successes, trials)
    observed = pd.DataFrame(
        [
            {
                "measure": "win_rate",
                "segment": COMPANY,
                "numerator": company_rate * company_trials,
                "denominator": company_trials,
                "value": company_rate,
                "sample": company_trials,
            },
            {
                "measure": "win_rate",
                "segment": "smb",
                "numerator": successes,
                "denominator": trials,
                "value": successes / trials if trials else None,
                "sample": trials,
            },
        ]
    )
    rates = smoothed_rates(observed, prior_strength=strength)
    smb = rates[(rates.segment == "smb") & (rates.measure == "win_rate")].iloc[0]
    own = successes / trials if trials else company_rate
    assert min(own, company_rate) - 1e-12 <= smb.value <= max(own, company_rate) + 1e-12
    assert smb["sample"] == trials


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=0.5, max_value=1e4),
    st.floats(min_value=0.1, max_value=1.0),
    st.lists(st.floats(min_value=10.0, max_value=1e6), min_size=8, max_size=24, unique=True),
)
def test_an_exact_power_law_is_recovered(a: float, b: float, spend: list[float]) -> None:
    if max(spend) / min(spend) < 1.5:
        return  # spend that barely varies cannot show a curve (too_thin, tested elsewhere)
    pipeline = [a * s**b for s in spend]
    fit = fit_power_curve(spend, pipeline)
    assert fit.status in ("fitted", "capped")
    assert math.isclose(fit.b, b, rel_tol=1e-6, abs_tol=1e-9)
    assert math.isclose(fit.a, a, rel_tol=1e-5)
    low, high = sorted(spend)[0], sorted(spend)[-1]
    assert fit.marginal(high) <= fit.marginal(low) * (1 + 1e-9)  # diminishing returns


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=1e5), min_size=3, max_size=24),
    st.lists(st.floats(min_value=0.0, max_value=1e6), min_size=3, max_size=24),
)
def test_a_fitted_elasticity_stays_in_zero_to_one(
    spend: list[float], pipeline: list[float]
) -> None:
    size = min(len(spend), len(pipeline))
    fit = fit_power_curve(spend[:size], pipeline[:size], min_months=3)
    assert 0.0 <= fit.b <= 1.0
    assert fit.a >= 0


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["paid_search", "content", "referral"]),
        st.floats(min_value=0.0, max_value=100.0),
        min_size=1,
    ),
    st.floats(min_value=0.0, max_value=1e4),
)
@example({"paid_search": 5e-324}, 1.5)  # a subnormal share once rounded 1.5 leads to 2
def test_the_budget_shares_out_every_required_lead(
    mix_by_channel: dict[str, float], required: float
) -> None:
    mix = pd.DataFrame(
        [
            {"segment": "smb", "stage": "leads", "channel": c, "volume": v}
            for c, v in mix_by_channel.items()
        ]
    )
    costs = pd.DataFrame(
        [
            {"channel": c, "stage": "leads", "cost_per_unit": 10.0, "monthly_spend": 1.0}
            for c in mix_by_channel
        ]
    )
    funnel = pd.DataFrame([{"period": 1, "segment": "smb", "stage": "leads", "required": required}])
    plan = budget_plan(funnel, mix, costs)
    if sum(mix_by_channel.values()) > 0:
        assert math.isclose(plan.volume.sum(), required, rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(plan.spend.sum(), 10 * required, rel_tol=1e-9, abs_tol=1e-9)
    else:
        assert plan.empty


@given(st.integers(min_value=-99, max_value=99), st.integers(min_value=-5, max_value=5))
def test_scenario_strings_read_back(points: int, reps: int) -> None:
    scenario = parse_scenario(f"win_rate={points:+d}pt, deal_size={points:+d}%, aes.emea={reps:+d}")
    assert math.isclose(scenario.win_rate_delta, points / 100)
    assert math.isclose(scenario.deal_size_pct, points / 100)
    assert scenario.extra_reps == {"emea": reps}

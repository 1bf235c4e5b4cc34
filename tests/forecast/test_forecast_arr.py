"""The ARR forecast and the renewal model behind it.

- golden: a two-subscription company worked out by hand (one cannot end before its
  renewal next March, so its churn is 0; the other renews monthly at a learned rate);
- the demo company: the forecast adds up (mean = start − churn + expansion + new, the
  segments sum to the company, the start is the ``arr`` metric), P10 ≤ P50 ≤ P90;
- the renewal model is calibrated on periods it never saw (reliability by decile);
- leakage: what was recorded after the as-of day does not change the forecast;
- renewal days: the next term end and the count of term ends match counting by hand.
"""

from __future__ import annotations

import calendar
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import revhub
from revhub.errors import ForecastError
from revhub.forecast.arr import ArrForecast, forecast_arr
from revhub.forecast.bookings import BookingsForecast, forecast_bookings
from revhub.forecast.renewals import (
    HORIZONS,
    fit_renewal_model,
    renewal_history,
    training_cutoffs,
)
from revhub.forecast.subscription_health import HORIZON, renewals_ahead, subscription_states
from revhub.model import get_table

AS_OF = dt.date(2026, 7, 1)
DAYS_PER_MONTH = 365.25 / 12
STAMP = dt.datetime(2025, 1, 1)
D = dt.date


# -- the two-subscription company ---------------------------------------------------------
def _subscription(sid: str, account: str, interval: str, start: D, ended: D | None = None) -> Any:
    return {
        "subscription_id": sid,
        "account_id": account,
        "status": "canceled" if ended else "active",
        "currency": "USD",
        "billing_interval": interval,
        "start_date": start,
        "cancel_at_period_end": False,
        "ended_date": ended,
    }


def _item(sid: str, n: int, price: str, qty: int, start: D, end: D | None) -> Any:
    unit = 100.0 if price == "m" else 12_000.0
    return {
        "subscription_item_id": f"{sid}.{n}",
        "subscription_id": sid,
        "price_id": price,
        "quantity": qty,
        "start_date": start,
        "end_date": end,
        "currency": "USD",
        "fx_rate": 1.0,
        "unit_amount": unit,
        "unit_amount_base": unit,
    }


def _price(price_id: str, interval: str, amount: float) -> Any:
    money = {"currency": "USD", "fx_rate": 1.0, "unit_amount": amount, "unit_amount_base": amount}
    return {"price_id": price_id, "product_id": "pro", "billing_interval": interval,
            "interval_count": 1, "is_active": True, **money}  # fmt: skip


# A: 12,000 a year, renews every 10 March: nothing comes up for renewal before 2027.
# B: 100 a month a seat, renews on the 15th; went from 1 seat to 2 on 2026-05-15 (the
#    only expansion of the three months before the as-of day: 100 MRR).
# C1–C3: monthly, each ended once (the churn history the rates are learned from).
TINY = {
    "accounts": [
        {"account_id": "a1", "name": "Annual", "segment": "enterprise", "region": "north_america"},
        *(
            {"account_id": f"a{n}", "name": f"Monthly {n}", "segment": "smb", "region": "emea"}
            for n in range(2, 6)
        ),
    ],
    "products": [
        {
            "product_id": "pro",
            "name": "Pro",
            "kind": "plan",
            "is_recurring": True,
            "is_active": True,
        }
    ],
    "prices": [_price("m", "month", 100.0), _price("y", "year", 12_000.0)],
    "subscriptions": [
        _subscription("A", "a1", "year", D(2025, 3, 10)),
        _subscription("B", "a2", "month", D(2025, 1, 15)),
        _subscription("C1", "a3", "month", D(2025, 2, 5), D(2025, 8, 5)),
        _subscription("C2", "a4", "month", D(2025, 3, 5), D(2026, 1, 5)),
        _subscription("C3", "a5", "month", D(2025, 6, 5), D(2026, 4, 5)),
    ],
    "subscription_items": [
        _item("A", 1, "y", 1, D(2025, 3, 10), None),
        _item("B", 1, "m", 1, D(2025, 1, 15), D(2026, 5, 15)),
        _item("B", 2, "m", 2, D(2026, 5, 15), None),
        _item("C1", 1, "m", 1, D(2025, 2, 5), D(2025, 8, 5)),
        _item("C2", 1, "m", 1, D(2025, 3, 5), D(2026, 1, 5)),
        _item("C3", 1, "m", 1, D(2025, 6, 5), D(2026, 4, 5)),
    ],
}

# The one-month training rows (cutoffs 2025-01-01 … 2026-06-01; paying the day before):
#   A  2025-04-01 … 2026-06-01  15 rows          B  2025-02-01 … 2026-06-01  17 rows
#   C1 2025-03-01 … 2025-08-01   6 rows, 1 end   C2 2025-04-01 … 2026-01-01  10 rows, 1 end
#   C3 2025-07-01 … 2026-04-01  10 rows, 1 end
# so 3 ends in 58 rows of 30 days, 43 of them smb monthly; the company's monthly hazard
# and smb-monthly's, shrunk toward it with 60 subscription-months:
MONTH = 30 / DAYS_PER_MONTH
COMPANY_HAZARD = 3 / (58 * MONTH)
SMB_MONTHLY_HAZARD = (3 + 60 * COMPANY_HAZARD) / (43 * MONTH + 60)
# B renews on 15 July, August and September (and 3 more times by 31 December)
B_GONE_BY_Q3 = 1 - (1 - SMB_MONTHLY_HAZARD) ** 3
B_GONE_BY_Q4 = 1 - (1 - SMB_MONTHLY_HAZARD) ** 6
# expansion: 100 MRR in three months, a year's worth per month, for the days left
GROWN_BY_Q3 = 12 * 100 / 3 * 92 / DAYS_PER_MONTH
GROWN_BY_Q4 = 12 * 100 / 3 * 184 / DAYS_PER_MONTH


def _put(ws: revhub.Workspace, table: str, rows: list[dict[str, Any]]) -> None:
    definition = get_table(table)
    key = definition.primary_key[0]
    lineage = {"source": "test", "created_at": STAMP, "updated_at": STAMP}
    full = [{"source_id": str(r[key]), **lineage, **r} for r in rows]
    columns = {c: [r.get(c) for r in full] for c in sorted(set().union(*full))}
    ws.con.insert(table, definition.to_arrow(columns))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[revhub.Workspace]:
    with revhub.init(tmp_path_factory.mktemp("arr-tiny") / "ws") as ws:
        for name, rows in TINY.items():
            _put(ws, name, rows)
        ws.set_meta("as_of", AS_OF.isoformat())
        yield ws


@pytest.fixture(scope="module")
def tiny_bookings(tiny: revhub.Workspace) -> BookingsForecast:
    """No deals at all: nothing to book."""
    return forecast_bookings(tiny, AS_OF, periods=2, draws=1_000)


def test_two_subscriptions_worked_out_by_hand(
    tiny: revhub.Workspace, tiny_bookings: BookingsForecast
) -> None:
    assert (tiny_bookings.totals["p90"] == 0).all()
    forecast = forecast_arr(tiny, AS_OF, tiny_bookings, draws=4_000, seed=1)
    assert forecast.renewals.method == "churn_rates"
    assert forecast.renewals.rates.company == pytest.approx(COMPANY_HAZARD)
    columns = ["period_end", "grouping", "member", "arr_start", "churn_expected"]
    columns += ["expansion_expected", "new_expected", "mean", "p10", "p50", "p90"]
    q3, q4 = D(2026, 9, 30), D(2026, 12, 31)
    churn3, churn4 = 2_400 * B_GONE_BY_Q3, 2_400 * B_GONE_BY_Q4
    b_stays3, b_stays4 = 14_400 + GROWN_BY_Q3, 14_400 + GROWN_BY_Q4
    expected = pd.DataFrame(
        [
            (q3, "company", "all", 14_400.0, churn3, GROWN_BY_Q3, 0.0,
             14_400 - churn3 + GROWN_BY_Q3, 12_000 + GROWN_BY_Q3, b_stays3, b_stays3),
            (q3, "segment", "enterprise", 12_000.0, 0.0, 0.0, 0.0, 12_000, 12_000, 12_000, 12_000),
            (q3, "segment", "smb", 2_400.0, churn3, GROWN_BY_Q3, 0.0,
             2_400 - churn3 + GROWN_BY_Q3, GROWN_BY_Q3, b_stays3 - 12_000, b_stays3 - 12_000),
            (q4, "company", "all", 14_400.0, churn4, GROWN_BY_Q4, 0.0,
             14_400 - churn4 + GROWN_BY_Q4, 12_000 + GROWN_BY_Q4, b_stays4, b_stays4),
            (q4, "segment", "enterprise", 12_000.0, 0.0, 0.0, 0.0, 12_000, 12_000, 12_000, 12_000),
        ],
        columns=columns,
    )  # fmt: skip
    totals = forecast.totals.set_index(["period_end", "grouping", "member"])
    found = totals.loc[list(expected.set_index(columns[:3]).index)].reset_index()[columns]
    assert_frame_equal(found, expected, check_dtype=False, rtol=1e-9)
    subs = forecast.subscriptions.set_index("subscription_id")
    assert subs.loc["A", "next_renewal"] == D(2027, 3, 10)
    assert subs.loc["B", "next_renewal"] == D(2026, 7, 15)
    assert subs.loc["A", ["p_churn_by_2026-09-30", "p_churn_by_2026-12-31"]].tolist() == [0, 0]
    assert subs.loc["B", "p_churn_by_2026-12-31"] == pytest.approx(B_GONE_BY_Q4)
    arr = tiny.metrics.compute("arr", grain="day", start=D(2026, 6, 30), end=D(2026, 6, 30))
    assert arr["value"].tolist() == [14_400.0]


def test_bookings_of_another_day_are_refused(
    tiny: revhub.Workspace, tiny_bookings: BookingsForecast
) -> None:
    with pytest.raises(ForecastError, match="as of the same day"):
        forecast_arr(tiny, D(2026, 6, 1), tiny_bookings)


def test_paying_subscriptions_without_history_are_an_error(tiny: revhub.Workspace) -> None:
    """B pays from 2025-01-15: as of 2025-02-01 no month of paying has been seen yet."""
    with pytest.raises(ForecastError, match="no history to learn churn from"):
        fit_renewal_model(tiny, D(2025, 2, 1))


# -- renewal days ---------------------------------------------------------------------------
def _term_end(start: D, months: int) -> D:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return D(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(D(2023, 1, 1), D(2026, 6, 30)),
    interval=st.sampled_from(["month", "quarter", "year"]),
    gap=st.integers(1, 900),
    days=st.integers(1, 400),
)
def test_renewal_days_match_counting_term_ends(
    start: D, interval: str, gap: int, days: int
) -> None:
    cutoff = start + dt.timedelta(days=gap)
    term = {"month": 1, "quarter": 3, "year": 12}[interval]
    ends = [_term_end(start, term * k) for k in range(1, 80)]
    following = next(e for e in ends if e >= cutoff)
    within = sum(cutoff <= e < cutoff + dt.timedelta(days=days) for e in ends)
    states = pd.DataFrame(
        {"start_date": [pd.Timestamp(start)], "billing_interval": [interval], "cutoff": [cutoff]}
    )
    to_next, count = renewals_ahead(states, np.array([days]))
    assert (int(to_next[0]), int(count[0])) == ((following - cutoff).days, within)


# -- the demo company -----------------------------------------------------------------------
EARLIER = D(2026, 2, 15)  # mid-quarter: some of Q1 is won and paid already
LATER = f"DATE '{EARLIER}'"


@pytest.fixture(scope="module")
def demo(
    loaded_demo_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[revhub.Workspace]:
    """A copy of the demo company that these tests only read."""
    target = tmp_path_factory.mktemp("arr-demo") / "ws"
    shutil.copytree(loaded_demo_dir, target)
    with revhub.open(target) as ws:
        yield ws


@pytest.fixture(scope="module")
def demo_forecasts(demo: revhub.Workspace) -> tuple[BookingsForecast, ArrForecast, float]:
    """Bookings and ARR forecast as of ``EARLIER``, and the ``arr`` metric the day before."""
    bookings = forecast_bookings(demo, EARLIER, periods=2, draws=2_000, seed=3)
    forecast = forecast_arr(demo, EARLIER, bookings, seed=3)
    day = EARLIER - dt.timedelta(days=1)
    metric = float(demo.metrics.compute("arr", grain="day", start=day, end=day)["value"].sum())
    return bookings, forecast, metric


def test_the_demo_forecast_adds_up(
    demo_forecasts: tuple[BookingsForecast, ArrForecast, float],
) -> None:
    bookings, forecast, metric = demo_forecasts
    totals = forecast.totals
    assert len(forecast.subscriptions) > 30
    parts = totals.arr_start - totals.churn_expected + totals.expansion_expected
    assert np.allclose(totals["mean"], parts + totals.new_expected)
    assert (totals.p10 <= totals.p50).all() and (totals.p50 <= totals.p90).all()
    company = totals[totals.grouping == "company"].set_index("period_start")
    assert np.allclose(company.arr_start, metric)
    for grouping in ("team_id", "segment", "region"):
        summed = totals[totals.grouping == grouping].groupby("period_start").sum(numeric_only=True)
        for column in ("arr_start", "churn_expected", "expansion_expected", "new_expected"):
            assert np.allclose(summed[column], company[column]), (grouping, column)
    # new business: the bookings expected from the as-of day on, period after period
    won_later = (bookings.totals["mean"] - bookings.totals["closed"]).to_numpy()
    expected = bookings.totals.assign(won_later=won_later)
    expected = expected[expected.grouping == "company"].set_index("period_start")["won_later"]
    assert np.allclose(company.new_expected, expected.cumsum())
    assert company.churn_expected.is_monotonic_increasing
    chances = forecast.subscriptions.filter(like="p_churn_by_").to_numpy()
    assert ((chances >= 0) & (chances <= 1)).all() and (np.diff(chances, axis=1) >= 0).all()
    first = forecast.periods[0][1].isoformat()
    at_risk = forecast.subscriptions.arr @ forecast.subscriptions[f"p_churn_by_{first}"]
    assert company.churn_expected.iloc[0] == pytest.approx(at_risk)


def rewrite_the_future(ws: revhub.Workspace) -> None:
    """Change or delete what was recorded on or after ``EARLIER``."""
    sql = ws.con.raw_sql
    sql(f"DELETE FROM product_usage WHERE usage_date >= {LATER}")
    sql(f"DELETE FROM support_tickets WHERE opened_at >= CAST({LATER} AS TIMESTAMP)")
    sql(f"DELETE FROM nps_responses WHERE responded_at >= CAST({LATER} AS TIMESTAMP)")
    # subscriptions and items begun later: gone; later item ends: not known yet
    later_subs = f"SELECT subscription_id FROM subscriptions WHERE start_date >= {LATER}"
    sql(f"DELETE FROM subscription_items WHERE subscription_id IN ({later_subs})")
    sql(f"DELETE FROM subscriptions WHERE start_date >= {LATER}")
    sql(f"DELETE FROM subscription_items WHERE start_date >= {LATER}")
    sql(f"UPDATE subscription_items SET end_date = NULL WHERE end_date >= {LATER}")
    # subscriptions still paying then: their outcome and today's status, scrambled
    sql(
        "UPDATE subscriptions SET "
        f"ended_date = CASE WHEN ended_date IS NULL THEN {LATER} + 40 ELSE NULL END, "
        f"canceled_at = CASE WHEN canceled_at IS NULL THEN CAST({LATER} + 3 AS TIMESTAMP) "
        "ELSE NULL END, "
        "status = CASE WHEN status = 'canceled' THEN 'active' ELSE 'canceled' END, "
        "cancel_at_period_end = NOT cancel_at_period_end, "
        "current_period_start = DATE '2030-01-01', current_period_end = DATE '2030-02-01' "
        f"WHERE ended_date IS NULL OR ended_date >= {LATER}"
    )


def test_what_came_after_the_as_of_day_changes_nothing(
    demo_forecasts: tuple[BookingsForecast, ArrForecast, float],
    writable_demo: revhub.Workspace,
) -> None:
    bookings, before, _ = demo_forecasts
    subscriptions = writable_demo.table("subscriptions").to_pandas()
    assert (subscriptions.ended_date >= pd.Timestamp(EARLIER)).sum() > 5  # real ends later
    rewrite_the_future(writable_demo)
    after = forecast_arr(writable_demo, EARLIER, bookings, seed=3)
    assert_frame_equal(before.totals, after.totals)
    assert_frame_equal(before.subscriptions, after.subscriptions)
    assert_frame_equal(before.expansion, after.expansion)


def test_the_same_edits_do_change_a_later_renewal_model(writable_demo: revhub.Workspace) -> None:
    """The rewrite touches what the model reads: the test above can fail."""
    later = D(2026, 6, 1)
    before, _ = fit_renewal_model(writable_demo, later)
    rewrite_the_future(writable_demo)
    after, _ = fit_renewal_model(writable_demo, later)
    assert before.history.ended.sum() != after.history.ended.sum()


def test_renewal_model_is_calibrated_on_months_it_never_saw(demo: revhub.Workspace) -> None:
    """Fitted as of 2025-10-01, scored on every subscription and horizon after it whose
    outcome is known by 2026-07-01: the observed share ending is within 0.1 of the
    predicted chance in every populated decile of predictions."""
    fitted_on = D(2025, 10, 1)
    model, _ = fit_renewal_model(demo, fitted_on)
    cutoffs = [c for c in training_cutoffs(AS_OF) if c >= fitted_on]
    later = renewal_history(demo, AS_OF, subscription_states(demo, cutoffs, known_before=AS_OF))
    chance, ended = model.predict(later.features), later.ended
    assert later.churn_events >= 10
    deciles = pd.qcut(chance, 10, duplicates="drop")
    table = pd.DataFrame({"chance": chance, "ended": ended}).groupby(deciles, observed=True)
    reliability = table.agg(
        rows=("ended", "size"), chance=("chance", "mean"), rate=("ended", "mean")
    )
    populated = reliability[reliability.rows >= 50]
    assert len(populated) >= 3
    assert ((populated.chance - populated.rate).abs() <= 0.1).all(), reliability
    assert populated.rate.iloc[-1] > populated.rate.iloc[0]  # it tells risk apart


def test_gradient_boosting_is_monotone_in_the_horizon(demo: revhub.Workspace) -> None:
    model, current = fit_renewal_model(demo, AS_OF, min_churn_events=10)
    assert model.method == "gradient_boosting"
    assert model.history.features[HORIZON].isin(HORIZONS).all()
    chances = np.array([model.ended_by(current, days) for days in (30, 91, 182, 365, 500)])
    assert ((chances >= 0) & (chances <= 1)).all()
    assert (np.diff(chances, axis=0) >= -1e-12).all()

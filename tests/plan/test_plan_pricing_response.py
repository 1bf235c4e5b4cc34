"""Pricing evidence and spend response curves, on hand-made deals and spend histories."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import linregress

from revhub.plan.pricing import by_discount, by_price_point, discount_band, realisation
from revhub.plan.response import fit_power_curve, rank_channels, recommendation

D = dt.date
# segment, won, amount, list amount, discount, cycle days, closed on
DEALS = pd.DataFrame(
    [
        ("smb", True, 1_000.0, 1_000.0, 0.0, 10, D(2026, 1, 10)),
        ("smb", False, 1_000.0, 1_000.0, 0.0, 5, D(2026, 1, 20)),
        ("smb", False, 1_000.0, 1_000.0, 0.0, 7, D(2026, 2, 1)),
        ("smb", True, 950.0, 1_000.0, 0.05, 20, D(2026, 2, 10)),
        ("smb", True, 900.0, 1_000.0, 0.10, 30, D(2026, 4, 10)),
        ("smb", False, 900.0, 1_000.0, 0.10, 40, D(2026, 4, 20)),
        ("enterprise", True, 75_000.0, 100_000.0, 0.25, 90, D(2026, 2, 20)),
        ("enterprise", True, 85_000.0, 100_000.0, 0.15, 70, D(2026, 5, 1)),
        ("enterprise", False, 100_000.0, 100_000.0, None, 60, D(2026, 5, 2)),
    ],
    columns=["segment", "is_won", "amount", "list_amount", "discount", "cycle_days", "closed_on"],
)


def test_discount_bands_have_inclusive_upper_edges() -> None:
    assert [discount_band(d) for d in (-0.1, 0.0, 0.03, 0.05, 0.1, 0.2, 0.21, float("nan"))] == [
        "none",
        "none",
        "0-5%",
        "0-5%",
        "5-10%",
        "10-20%",
        "20%+",
        "unknown",
    ]


def test_win_rate_and_cycle_by_discount_band() -> None:
    table = by_discount(DEALS)
    company = table[table.segment == "all"].set_index("band")
    assert company.index.tolist() == ["none", "0-5%", "5-10%", "10-20%", "20%+", "unknown"]
    assert company.closed_deals.tolist() == [3, 1, 2, 1, 1, 1]
    assert company.win_rate.tolist() == [1 / 3, 1.0, 0.5, 1.0, 1.0, 0.0]
    assert company.median_cycle_days.tolist()[:5] == [10.0, 20.0, 30.0, 70.0, 90.0]
    assert math.isnan(company.median_cycle_days["unknown"])
    assert company.bookings["20%+"] == 75_000.0
    smb = table[table.segment == "smb"]
    assert smb.band.tolist() == ["none", "0-5%", "5-10%"]


def test_price_points_by_given_edges() -> None:
    table = by_price_point(DEALS, edges=[5_000.0])
    company = table[table.segment == "all"].set_index("band")
    assert company.index.tolist() == ["≤ 5,000", "> 5,000"]
    assert company.closed_deals.tolist() == [6, 3]
    assert company.win_rate.tolist() == [0.5, 2 / 3]


def test_price_points_default_to_quartiles() -> None:
    table = by_price_point(DEALS)
    assert set(table[table.segment == "all"].band) == {"≤ 1,000", "1,000–100,000"}


def test_price_realisation_by_quarter_and_segment() -> None:
    table = realisation(DEALS).set_index(["quarter", "segment"])
    q1 = table.loc[(D(2026, 1, 1), "all")]
    assert (q1.won_deals, q1.list_amount, q1.amount) == (3, 102_000.0, 76_950.0)
    assert q1.realisation == pytest.approx(76_950 / 102_000)
    q2 = table.loc[(D(2026, 4, 1), "enterprise")]
    assert (q2.realisation, q2.average_discount) == (pytest.approx(0.85), pytest.approx(0.15))


def test_the_curve_is_the_least_squares_line_on_logs() -> None:
    rng = np.random.default_rng(3)
    spend = rng.uniform(1_000, 20_000, 18)
    pipeline = 40 * spend**0.6 * np.exp(rng.normal(0, 0.1, 18))
    fit = fit_power_curve(spend.tolist(), pipeline.tolist())
    reference = linregress(np.log(spend), np.log(pipeline))  # the reference implementation
    assert fit.b == pytest.approx(reference.slope)
    assert fit.a == pytest.approx(math.exp(reference.intercept))
    assert fit.r_squared == pytest.approx(reference.rvalue**2)
    assert fit.status == "fitted" and fit.months == 18
    assert fit.marginal(5_000) == pytest.approx(fit.a * fit.b * 5_000 ** (fit.b - 1))


@pytest.mark.parametrize(
    ("spend", "pipeline", "status", "b"),
    [
        ([0.0] * 8, [5.0] * 8, "no_spend", 0.0),
        ([100, 200, 300, 0, 0], [10, 20, 30, 5, 5], "too_thin", 1.0),
        ([100.0] * 8, [float(p) for p in range(1, 9)], "too_thin", 1.0),
        ([2.0**k for k in range(8)], [4.0**k for k in range(8)], "capped", 1.0),
        ([2.0**k for k in range(8)], [2.0**-k for k in range(8)], "no_response", 0.0),
    ],
)
def test_what_cannot_be_fitted_is_said(
    spend: list[float], pipeline: list[float], status: str, b: float
) -> None:
    fit = fit_power_curve(spend, pipeline)
    assert (fit.status, fit.b) == (status, b)


def test_channels_rank_by_the_next_unit_of_spend() -> None:
    months = pd.date_range("2024-07-01", periods=12, freq="MS").date
    spend = np.array([1_000, 2_000, 4_000, 8_000] * 3, dtype=float)
    rows = []
    for channel, a, b in (("paid_search", 50.0, 0.5), ("events", 2.0, 0.9)):
        for month, s in zip(months, spend, strict=True):
            rows.append({"period": month, "channel": channel, "spend": s, "pipeline": a * s**b})
    for month in months:
        rows.append({"period": month, "channel": "email", "spend": 100.0, "pipeline": 900.0})
    ranked = rank_channels(pd.DataFrame(rows))
    # at the last three months' 4,667 a month: events 2·0.9·s^-0.1 = 0.77 a unit beats
    # paid_search 50·0.5·s^-0.5 = 0.37, though paid_search brings more pipeline in all
    level = (2_000 + 4_000 + 8_000) / 3
    expected = {"paid_search": 50 * 0.5 * level**-0.5, "events": 2 * 0.9 * level**-0.1}
    assert ranked.channel.tolist()[:2] == sorted(expected, key=expected.get, reverse=True)
    assert ranked.marginal_pipeline.tolist()[:2] == pytest.approx(
        sorted(expected.values(), reverse=True)
    )
    assert ranked["rank"].tolist()[:2] == [1.0, 2.0]
    email = ranked.set_index("channel").loc["email"]
    assert email.status == "too_thin" and pd.isna(email["rank"])
    assert recommendation(ranked).startswith(
        "The next unit of budget buys the most pipeline in events"
    )

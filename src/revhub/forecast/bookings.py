"""The new-business bookings forecast for the periods ahead, as a distribution.

For each period (the one holding the as-of day and the next ones) the forecast is:
**closed** (won before the as-of day, inside the period) + **open pipeline** (each open
deal's amount × P(win) × P(closes inside the period | win)) + **pipeline to come** (deals
not created yet, ``revhub.forecast.new_pipeline``). ``forecast_bookings`` simulates the
last two (``revhub.forecast.monte_carlo``) and reports P10/P50/P90 and the mean for the
company and by team, segment and region.

>>> [(a.isoformat(), b.isoformat()) for a, b in periods_ahead(dt.date(2026, 5, 17), "quarter", 2)]
[('2026-04-01', '2026-06-30'), ('2026-07-01', '2026-09-30')]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from revhub.forecast.deal_models import (
    DealModels,
    fit_deal_models,
    score_open_deals,
    win_between,
)
from revhub.forecast.deal_states import deal_outcomes
from revhub.forecast.groups import group_members, membership
from revhub.forecast.monte_carlo import FutureArrivals, quantiles, simulate
from revhub.forecast.new_pipeline import FuturePipeline, fit_future_pipeline
from revhub.forecast.shared_shock import shock_sigma, total_cv
from revhub.metrics.core import Grain
from revhub.metrics.periods import next_period_start, period_start

if TYPE_CHECKING:
    from revhub.workspace import Workspace

GROUPINGS = ("company", "team_id", "segment", "region")
DRAWS = 10_000


def periods_ahead(as_of: dt.date, grain: Grain, count: int) -> list[tuple[dt.date, dt.date]]:
    """``count`` periods from the one holding ``as_of``: (first day, last day)."""
    start = period_start(as_of, grain)
    found = []
    for _ in range(count):
        following = next_period_start(start, grain)
        found.append((start, following - dt.timedelta(days=1)))
        start = following
    return found


@dataclass(frozen=True)
class BookingsForecast:
    """A bookings forecast: per-deal scores and per-period, per-group distributions."""

    as_of: dt.date
    grain: Grain
    periods: list[tuple[dt.date, dt.date]]
    deals: pd.DataFrame  # open new-business deals, with p_win and p_<period start>
    totals: pd.DataFrame  # period_start, grouping, member, closed, open, to_come, mean, p10..
    models: DealModels
    future: FuturePipeline
    draws: int
    shock_sigma: float
    company_draws: dict[dt.date, np.ndarray]  # per period start: the company total of each draw


def forecast_bookings(
    ws: Workspace,
    as_of: dt.date,
    *,
    grain: Grain = "quarter",
    periods: int = 2,
    draws: int = DRAWS,
    seed: int = 0,
) -> BookingsForecast:
    """Forecast new-business bookings from ``as_of`` (knowing only what came before it)."""
    models, open_states = fit_deal_models(ws, as_of, seed=seed)
    deals = score_open_deals(models, open_states)
    deals = deals[deals["opportunity_type"] == "new_business"].reset_index(drop=True)
    future = fit_future_pipeline(ws, as_of)
    closed = won_before(ws, as_of)
    spans = periods_ahead(as_of, grain, periods)
    for first, last in spans:
        deals[f"p_{first.isoformat()}"] = win_between(models, deals, first, last)
    sigma = _shared_spread(deals, closed, future, as_of, grain, spans)
    parts, company_draws = [], {}
    for first, last in spans:
        frame, drawn = _period_totals(deals, closed, future, as_of, first, last, draws, seed, sigma)
        parts.append(frame)
        company_draws[first] = drawn
    totals = pd.concat(parts, ignore_index=True)
    return BookingsForecast(
        as_of, grain, spans, deals, totals, models, future, draws, sigma, company_draws
    )


def won_before(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """New-business deals won before ``as_of`` with their day, amount and groups."""
    outcomes = deal_outcomes(ws, as_of)
    won = outcomes[outcomes["is_won"]]
    deals = ws.table("opportunities").select("opportunity_id", "opportunity_type", "account_id")
    accounts = ws.table("accounts").select("account_id", "segment", "region")
    users = ws.table("users").select(owner_id="user_id", team_id="team_id")
    facts = deals.left_join(accounts, "account_id").to_pandas()
    won = won.merge(facts[["opportunity_id", "opportunity_type", "segment", "region"]])
    won = won.merge(users.to_pandas(), on="owner_id", how="left")
    return won[won["opportunity_type"] == "new_business"]


def _shared_spread(
    deals: pd.DataFrame,
    won: pd.DataFrame,
    future: FuturePipeline,
    as_of: dt.date,
    grain: Grain,
    spans: list[tuple[dt.date, dt.date]],
) -> float:
    """The shared factor's spread, from past periods' bookings and the chance spread of
    the last period forecast (the one with the most still to happen)."""
    first, last = spans[-1]
    arrivals = future.expected(as_of, first, last)
    cv = total_cv(
        deals["amount"].to_numpy(dtype="float64"),
        deals[f"p_{first.isoformat()}"].to_numpy(dtype="float64"),
        arrivals["wins"].to_numpy(),
        [future.cohorts[str(s)].amounts for s in arrivals["segment"]],
    )
    current = period_start(as_of, grain)
    starts = pd.to_datetime(won["closed_day"]).dt.date.map(lambda d: period_start(d, grain))
    history = won["amount"].groupby(starts).sum().sort_index()
    return shock_sigma(history[history.index < current].to_numpy(), cv=cv)


def _period_totals(
    deals: pd.DataFrame,
    won: pd.DataFrame,
    future: FuturePipeline,
    as_of: dt.date,
    first: dt.date,
    last: dt.date,
    draws: int,
    seed: int,
    sigma: float,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The period's totals per group, and the company total of every draw."""
    closed_day = pd.to_datetime(won["closed_day"])
    inside = won[(closed_day >= pd.Timestamp(first)) & (closed_day <= pd.Timestamp(last))]
    arrivals = future.expected(as_of, first, last)
    members = group_members([deals, inside, arrivals], GROUPINGS)
    probability = deals[f"p_{first.isoformat()}"].to_numpy()
    cohorts = [future.cohorts[str(s)] for s in arrivals["segment"]]
    to_come = FutureArrivals(
        expected_wins=arrivals["wins"].to_numpy(),
        amount_pools=[c.amounts for c in cohorts],
        groups=membership(arrivals, members, np.float32),
    )
    deal_groups = membership(deals, members, np.float32)
    totals = simulate(
        deals["amount"].to_numpy(dtype="float64"),
        probability,
        deal_groups,
        to_come,
        draws=draws,
        shock_sigma=sigma,
        seed=seed,
    )
    closed = inside["amount"].to_numpy() @ membership(inside, members, np.float32)
    spread = quantiles(totals)
    open_expected = (deals["amount"].to_numpy() * probability) @ deal_groups
    coming = arrivals["amount"].to_numpy() @ to_come.groups
    frame = pd.DataFrame(
        {
            "period_start": first,
            "grouping": [g for g, _ in members],
            "member": [m for _, m in members],
            "closed": closed,
            "open": open_expected,
            "to_come": coming,
            "mean": closed + spread["mean"],
            "p10": closed + spread["p10"],
            "p50": closed + spread["p50"],
            "p90": closed + spread["p90"],
        }
    )
    company = members.index(("company", "all"))
    return frame, closed[company] + totals[:, company]

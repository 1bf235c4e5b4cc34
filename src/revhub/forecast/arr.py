"""The ARR forecast: recurring revenue at the end of each forecast period, as a distribution.

For each period end, ARR =

- **ARR at the start**: the ``arr`` metric on the day before the as-of day (the last
  day wholly known; a deal won on the as-of day is still open pipeline), i.e. the MRR × 12
  of every subscription paying then;
- **− churn**: each such subscription ends by the period's last day with its renewal
  model probability (``revhub.forecast.renewals``), simulated as one Bernoulli draw per
  subscription and draw (one uniform per pair, so a subscription gone by one period end
  stays gone at the next);
- **+ expansion**: the trailing run-rate, ``(expansion_mrr − contraction_mrr + MRR of
  subscriptions that ended inside companies that kept paying) ÷ 3`` over the three
  complete months before the as-of day, × 12 × the months from the as-of day to the
  period's end. The add-back keeps subscriptions that end (already churn above) out of
  the run-rate; it is a rate, with no spread of its own;
- **+ new business**: the bookings forecast's draws (first-year ARR of new deals, taken
  as the ARR they add), summed over the periods up to this one, less what was won before
  the as-of day (already in the starting ARR). Bookings keeps draws for the company only,
  so a team's (the account owner's), segment's or region's draws are the company's
  scaled by the group's share of the expected new bookings: its mean is exact, its
  spread is the company's in proportion.

``mean`` is ``arr_start − churn_expected + expansion_expected + new_expected`` exactly;
P10/P50/P90 are read from the draws (bookings' draws paired draw by draw with churn
draws, which are independent of them).

>>> round(months_to(dt.date(2026, 7, 1), dt.date(2026, 9, 30)), 4)
3.0226
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from revhub.errors import ForecastError
from revhub.forecast.groups import group_members
from revhub.forecast.groups import membership as group_matrix
from revhub.forecast.monte_carlo import CHUNK_CELLS, quantiles
from revhub.forecast.renewals import DAYS_PER_MONTH, RenewalModel, fit_renewal_model
from revhub.forecast.subscription_health import (
    health_signals,
    metric_frame,
    paying,
    renewal_features,
)
from revhub.metrics.periods import add_months

if TYPE_CHECKING:
    from revhub.forecast.bookings import BookingsForecast
    from revhub.workspace import Workspace

GROUPINGS = ("company", "team_id", "segment", "region")  # team: the account owner's
RUN_RATE_MONTHS = 3


@dataclass(frozen=True)
class ArrForecast:
    """ARR at each period end per group, the subscriptions behind it, and the model."""

    as_of: dt.date
    periods: list[tuple[dt.date, dt.date]]
    totals: pd.DataFrame  # period_start, period_end, grouping, member, arr_start, ...
    subscriptions: pd.DataFrame  # paying on the as-of day, with p_churn_by_<period end>
    expansion: pd.DataFrame  # grouping, member, monthly (net MRR added a month)
    renewals: RenewalModel
    draws: int
    company_draws: dict[dt.date, np.ndarray]  # per period start: company ARR at its end


def months_to(as_of: dt.date, last: dt.date) -> float:
    """Months (of 365.25 / 12 days) from the start of ``as_of`` to the end of ``last``."""
    return ((last - as_of).days + 1) / DAYS_PER_MONTH


def forecast_arr(
    ws: Workspace,
    as_of: dt.date,
    bookings: BookingsForecast,
    *,
    draws: int | None = None,
    seed: int = 0,
) -> ArrForecast:
    """Forecast ARR at the end of each of ``bookings``' periods (knowing only what was
    recorded before ``as_of``)."""
    if bookings.as_of != as_of:
        raise ForecastError(
            f"the bookings forecast was made as of {bookings.as_of}, not {as_of}; forecast "
            "bookings and ARR as of the same day."
        )
    model, current = fit_renewal_model(ws, as_of, seed=seed)
    subscriptions = _scored(model, current, _team_ids(ws), as_of, bookings.periods)
    expansion = expansion_run_rate(ws, as_of)
    members = group_members([subscriptions, bookings.totals, expansion], GROUPINGS)
    membership = group_matrix(subscriptions, members)
    arr = subscriptions["arr"].to_numpy(dtype="float64")
    chances = [subscriptions[_churn_column(last)].to_numpy() for _, last in bookings.periods]
    count = draws or len(next(iter(bookings.company_draws.values())))
    rng = np.random.default_rng(seed)
    churned = _churn_draws(arr, np.array(chances, ndmin=2), membership, count, rng)
    new_draws = _new_business_draws(bookings, members, count, rng)
    rate = expansion.set_index(["grouping", "member"])["monthly"]
    monthly = np.array([rate.get(m, 0.0) for m in members])
    arr_start = arr @ membership
    parts, company_draws = [], {}
    for k, (first, last) in enumerate(bookings.periods):
        churn_expected = (arr * chances[k]) @ membership
        grown = 12.0 * monthly * months_to(as_of, last)
        new_expected, new_sample = new_draws[k]
        sample = arr_start - churned[k] + grown + new_sample
        spread = quantiles(sample)
        parts.append(
            pd.DataFrame(
                {
                    "period_start": first,
                    "period_end": last,
                    "grouping": [g for g, _ in members],
                    "member": [m for _, m in members],
                    "arr_start": arr_start,
                    "churn_expected": churn_expected,
                    "expansion_expected": grown,
                    "new_expected": new_expected,
                    "mean": arr_start - churn_expected + grown + new_expected,
                    "p10": spread["p10"],
                    "p50": spread["p50"],
                    "p90": spread["p90"],
                }
            )
        )
        company_draws[first] = sample[:, members.index(("company", "all"))]
    totals = pd.concat(parts, ignore_index=True)
    return ArrForecast(
        as_of, bookings.periods, totals, subscriptions, expansion, model, count, company_draws
    )


def _churn_column(last: dt.date) -> str:
    return f"p_churn_by_{last.isoformat()}"


def _scored(
    model: RenewalModel,
    current: pd.DataFrame,
    team_ids: dict[str, str],
    as_of: dt.date,
    periods: list[tuple[dt.date, dt.date]],
) -> pd.DataFrame:
    """The subscriptions paying on the as-of day, their ARR, chance of ending by each
    period's end (never lower for a later end) and warning signs."""
    scored = current[["subscription_id", "account_id", "segment", "region"]].copy()
    scored.insert(2, "team_id", current["team"].map(team_ids))
    scored["billing_interval"] = current["billing_interval"].astype("string")
    scored["arr"] = current["mrr"].astype("float64") * 12.0
    features = renewal_features(current, 1)
    scored["next_renewal"] = [
        as_of + dt.timedelta(days=int(d)) for d in features["days_to_renewal"]
    ]
    chance = np.zeros(len(current))
    for _, last in periods:
        chance = np.maximum(chance, model.ended_by(current, (last - as_of).days + 1))
        scored[_churn_column(last)] = np.clip(chance, 0.0, 1.0)
    scored["signals"] = health_signals(features)
    at_risk = scored["arr"] * scored[_churn_column(periods[-1][1])]
    order = np.lexsort((scored["subscription_id"].to_numpy(), -at_risk.to_numpy()))
    return scored.iloc[order].reset_index(drop=True)


def expansion_run_rate(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Net MRR added a month by subscriptions that keep paying, over the
    ``RUN_RATE_MONTHS`` complete months before ``as_of``: ``grouping``, ``member``,
    ``monthly``.

    It is ``expansion_mrr − contraction_mrr`` of the metrics layer plus the MRR of
    subscriptions that ended in companies that kept paying (the metrics call that
    contraction; here it is the renewal model's churn), divided by the months.
    """
    first = add_months(as_of, -RUN_RATE_MONTHS)
    end = add_months(as_of, 0) - dt.timedelta(days=1)
    gained = _summed(ws, "expansion_mrr", first, end)
    lost = _summed(ws, "contraction_mrr", first, end)
    net_moves = gained.merge(lost, on=["grouping", "member"], how="outer").fillna(0.0)
    net_moves["net"] = net_moves.pop("expansion_mrr") - net_moves.pop("contraction_mrr")
    ended = _ended_in_continuing(ws, as_of, first)
    joined = net_moves.merge(ended, on=["grouping", "member"], how="outer").fillna(0.0)
    joined["monthly"] = (joined["net"] + joined["ended"]) / RUN_RATE_MONTHS
    return joined[["grouping", "member", "monthly"]].sort_values(["grouping", "member"])


def _team_ids(ws: Workspace) -> dict[str, str]:
    """Team name → ``team_id`` (the metrics layer names a company's team by its name)."""
    teams = ws.table("teams").select("team_id", "name").to_pandas()
    return dict(zip(teams["name"], teams["team_id"], strict=True))


def _summed(ws: Workspace, metric: str, first: dt.date, end: dt.date) -> pd.DataFrame:
    """A monthly metric summed over [first, end] for the company and per member of each
    grouping: ``grouping``, ``member``, ``<metric>``. Two queries: the company's, and one
    by team, segment and region together, summed per grouping (the metric adds up)."""
    whole = ws.metrics.compute(metric, grain="month", start=first, end=end)
    parts = [
        pd.DataFrame(
            {
                "grouping": ["company"],
                "member": ["all"],
                metric: [whole["value"].astype("float64").sum()],
            }
        )
    ]
    dimensions = {"team_id": "team", "segment": "segment", "region": "region"}
    found = ws.metrics.compute(
        metric, by=list(dimensions.values()), grain="month", start=first, end=end
    )
    found["team"] = found["team"].astype("string").map(_team_ids(ws))
    for grouping in GROUPINGS[1:]:
        summed = (
            found["value"]
            .astype("float64")
            .groupby(found[dimensions[grouping]].astype("string").to_numpy())
            .sum()
        )
        parts.append(
            pd.DataFrame({"grouping": grouping, "member": summed.index, metric: summed.values})
        )
    return pd.concat(parts, ignore_index=True)


def _ended_in_continuing(ws: Workspace, as_of: dt.date, first: dt.date) -> pd.DataFrame:
    """MRR of subscriptions that ended in a month from ``first`` to ``as_of`` while their
    company still paid at the month's close: ``grouping``, ``member``, ``ended``."""
    closes = [add_months(first, k) - dt.timedelta(days=1) for k in range(RUN_RATE_MONTHS + 1)]
    frame = metric_frame(ws, as_of)
    live = paying(frame, closes)
    rows = []
    for before, after in itertools.pairwise(closes):
        then, now = live[live["day"] == before], live[live["day"] == after]
        gone = then[~then["subscription_id"].isin(now["subscription_id"])]
        rows.append(gone[gone["account_id"].isin(now["account_id"])])
    ended = pd.concat(rows, ignore_index=True)
    companies = frame.companies().select("account_id", "segment", "region", "team").to_pandas()
    companies["team_id"] = companies["team"].map(_team_ids(ws))
    ended = ended.merge(companies, on="account_id", how="left")
    parts = [
        pd.DataFrame({"grouping": ["company"], "member": ["all"], "ended": [ended["mrr"].sum()]})
    ]
    for grouping in GROUPINGS[1:]:
        summed = ended.groupby(ended[grouping].astype("string"))["mrr"].sum()
        parts.append(
            pd.DataFrame({"grouping": grouping, "member": summed.index, "ended": summed.values})
        )
    return pd.concat(parts, ignore_index=True)


def _churn_draws(
    arr: np.ndarray,
    chances: np.ndarray,
    membership: np.ndarray,
    draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """ARR churned by each period's end (``chances``: periods × subscriptions) per draw
    and group: periods × draws × groups. One uniform per subscription and draw serves
    every period, so the chances' order is kept."""
    weights = membership * arr[:, None]
    churned = np.zeros((len(chances), draws, membership.shape[1]))
    step = max(1, CHUNK_CELLS // 2 // max(1, len(arr)))
    for start in range(0, draws, step):
        rows = slice(start, min(draws, start + step))
        uniform = rng.random((rows.stop - rows.start, len(arr)), dtype=np.float32)
        for k, chance in enumerate(chances):
            churned[k, rows] = (uniform < chance).astype(np.float64) @ weights
    return churned


def _new_business_draws(
    bookings: BookingsForecast,
    members: list[tuple[str, str]],
    draws: int,
    rng: np.random.Generator,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per period: new-business ARR expected by its end per group, and its draws
    (draws × groups), counting only what is won from the as-of day on."""
    totals = bookings.totals.set_index(["period_start", "grouping", "member"])
    company = members.index(("company", "all"))
    available = len(next(iter(bookings.company_draws.values())))
    picked = np.arange(draws) if draws == available else rng.integers(0, available, draws)
    so_far, expected, found = np.zeros(draws), np.zeros(len(members)), []
    for first, _ in bookings.periods:
        rows = totals.xs(first, level="period_start")
        won_later = (rows["mean"] - rows["closed"]).clip(lower=0.0)
        expected = expected + np.array([won_later.get(m, 0.0) for m in members])
        closed = float(rows["closed"].get(("company", "all"), 0.0))
        so_far = so_far + bookings.company_draws[first][picked] - closed
        if expected[company] > 0:
            sample = so_far[:, None] * (expected / expected[company])[None, :]
        else:
            sample = np.broadcast_to(expected, (draws, len(members))).copy()
        found.append((expected.copy(), sample))
    return found

"""Bookings from deals not created yet: the pipeline still to come, and how much of it
will have closed won by the end of a period.

Per cell of segment, region and team, new-business deals are assumed to keep being
created at the daily rate of the last ``RATE_DAYS``. Per segment, a deal created on day
``c`` is won with the probability measured on a mature cohort (deals created between
``COHORT_DAYS + MATURITY_DAYS`` and ``MATURITY_DAYS`` before the as-of day, counted won
if won by then), after a lag drawn from that cohort's created-to-won lags, for an amount
drawn from the segment's deals won in the last year. A segment with fewer than
``MIN_COHORT`` deals borrows every segment's figures; a company too young for a mature
cohort uses every deal created at least ``YOUNG_DAYS`` before (an underestimate of its
win rate, since some of those deals are still open). This is the expected value of a
compound Poisson process (Ross, *Introduction to Probability Models*, §5.4.2), which is
also how the Monte Carlo draws it.

>>> cohort = SegmentCohort(win_rate=0.5, lags=np.array([10, 30]), amounts=np.array([100.0]))
>>> cohort.expected_wins(2.0, np.datetime64("2026-04-01"),
...     np.datetime64("2026-04-01"), np.datetime64("2026-04-30"))
10.0
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pandas as pd

from revhub.forecast.deal_states import deal_outcomes, known_versions

if TYPE_CHECKING:
    from revhub.workspace import Workspace

RATE_DAYS = 91
COHORT_DAYS = 365
MATURITY_DAYS = 180
MIN_COHORT = 30
YOUNG_DAYS = 30
CELL = ("segment", "region", "team_id")


@dataclass(frozen=True)
class SegmentCohort:
    """What a newly created deal of one segment does: win rate, lags, won amounts."""

    win_rate: float
    lags: np.ndarray  # sorted days from creation to winning
    amounts: np.ndarray  # won amounts to draw from

    def expected_wins(
        self, daily_rate: float, as_of: np.datetime64, first: np.datetime64, last: np.datetime64
    ) -> float:
        """Expected deals created from ``as_of`` on and won within [first, last]."""
        if last < as_of or not len(self.lags):
            return 0.0
        created = np.arange(as_of, last + 1, dtype="datetime64[D]")
        high = np.searchsorted(self.lags, (last - created).astype(np.int64), side="right")
        low = np.searchsorted(self.lags, (first - created).astype(np.int64), side="left")
        share = (high - low).sum() / len(self.lags)
        return float(daily_rate * self.win_rate * share)

    @property
    def mean_amount(self) -> float:
        """The average won amount."""
        return float(self.amounts.mean()) if len(self.amounts) else 0.0


@dataclass(frozen=True)
class FuturePipeline:
    """Daily creation rate per cell and the cohort figures per segment."""

    rates: pd.DataFrame  # CELL columns + daily_rate
    cohorts: dict[str, SegmentCohort]

    def expected(self, as_of: dt.date, first: dt.date, last: dt.date) -> pd.DataFrame:
        """Per cell: ``wins`` and ``amount`` expected from deals not yet created."""
        day = np.datetime64(as_of, "D")
        start, end = np.datetime64(first, "D"), np.datetime64(last, "D")
        rows = []
        for cell in self.rates.itertuples(index=False):
            cohort = self.cohorts[str(cell.segment)]
            rate = float(cell.daily_rate)  # type: ignore[arg-type]
            wins = cohort.expected_wins(rate, day, start, end)
            rows.append((*(getattr(cell, c) for c in CELL), wins, wins * cohort.mean_amount))
        return pd.DataFrame(rows, columns=[*CELL, "wins", "amount"])


def created_deals(ws: Workspace, known_before: dt.date) -> pd.DataFrame:
    """New-business deals created before ``known_before``: ``opportunity_id``,
    ``created_day``, ``segment``, ``region`` and the first owner's ``team_id``."""
    versions = known_versions(ws, known_before)
    first = _first_versions(versions)
    deals = ws.table("opportunities")
    deals = deals.filter(deals.opportunity_type == "new_business").select(
        _deal="opportunity_id", _account="account_id"
    )
    accounts = ws.table("accounts").select(_acc="account_id", segment="segment", region="region")
    users = ws.table("users").select(_user="user_id", team_id="team_id")
    joined = first.join(deals, first.opportunity_id == deals._deal)
    joined = joined.left_join(accounts, joined._account == accounts._acc)
    joined = joined.left_join(users, joined.owner_id == users._user)
    found: pd.DataFrame = (
        joined.select(
            "opportunity_id",
            "segment",
            "region",
            "team_id",
            created_day=joined.valid_from.date(),
        )
        .order_by("opportunity_id")
        .to_pandas()
    )
    return found


def _first_versions(versions: ibis.Table) -> ibis.Table:
    """The first known version of each deal."""
    rank = ibis.row_number().over(group_by=versions.opportunity_id, order_by=versions.valid_from)
    return versions.mutate(_rank=rank).filter(lambda t: t._rank == 0)


def fit_future_pipeline(ws: Workspace, as_of: dt.date) -> FuturePipeline:
    """Measure creation rates and cohorts from what was known before ``as_of``."""
    created = created_deals(ws, as_of)
    created["segment"] = created["segment"].fillna("unknown")
    created["created_day"] = pd.to_datetime(created["created_day"])
    as_of_ts = pd.Timestamp(as_of)
    recent = created[created["created_day"] >= as_of_ts - pd.Timedelta(days=RATE_DAYS)]
    rates = (
        recent.groupby(list(CELL), dropna=False)
        .size()
        .rename("daily_rate")
        .div(RATE_DAYS)
        .reset_index()
    )
    outcomes = deal_outcomes(ws, as_of)
    won = outcomes[outcomes["is_won"]].set_index("opportunity_id")
    oldest = as_of_ts - pd.Timedelta(days=COHORT_DAYS + MATURITY_DAYS)
    mature = as_of_ts - pd.Timedelta(days=MATURITY_DAYS)
    cohort = created[(created["created_day"] >= oldest) & (created["created_day"] < mature)]
    if len(cohort) < MIN_COHORT:  # a young company: every deal old enough to have moved
        cohort = created[created["created_day"] < as_of_ts - pd.Timedelta(days=YOUNG_DAYS)]
    cohort = cohort.join(won[["closed_day"]], on="opportunity_id")
    year_ago = as_of - dt.timedelta(days=365)
    recent_won = won[pd.to_datetime(won["closed_day"]) >= pd.Timestamp(year_ago)]
    recent_won = recent_won.join(created.set_index("opportunity_id")["segment"], how="inner")
    pooled = _cohort(cohort, recent_won)
    cohorts = {}
    for segment in set(created["segment"]) | set(rates["segment"].fillna("unknown")):
        mine = cohort[cohort["segment"] == segment]
        if len(mine) < MIN_COHORT:
            cohorts[str(segment)] = pooled
        else:
            cohorts[str(segment)] = _cohort(mine, recent_won[recent_won["segment"] == segment])
    return FuturePipeline(rates, cohorts)


def _cohort(cohort: pd.DataFrame, won: pd.DataFrame) -> SegmentCohort:
    is_won = cohort["closed_day"].notna()
    lags = (
        pd.to_datetime(cohort.loc[is_won, "closed_day"]) - cohort.loc[is_won, "created_day"]
    ).dt.days.clip(lower=0)
    rate = float(is_won.mean()) if len(cohort) else 0.0
    return SegmentCohort(rate, np.sort(lags.to_numpy()), won["amount"].to_numpy(dtype="float64"))

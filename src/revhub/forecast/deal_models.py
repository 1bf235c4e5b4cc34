"""Fit the deal models as of a day and score the deals open on it.

Training moments are every ``STEP_DAYS`` over the ``HISTORY_DAYS`` before the as-of day.
Each deal open at one is a training row for every horizon in ``HORIZONS`` that had ended
by the as-of day (won within it or not); the won ones also teach the close timing.
``score_open_deals`` gives every deal open on the as-of day its probability of winning,
its anchor day for timing, and its top reasons.

>>> [d.isoformat() for d in training_cutoffs(dt.date(2026, 7, 1), history_days=28)]
['2026-06-03', '2026-06-17']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from revhub.forecast.deal_states import deal_outcomes, deal_states
from revhub.forecast.features import deal_features
from revhub.forecast.reasons import top_reasons
from revhub.forecast.timing import CloseTiming, anchors
from revhub.forecast.win_model import TrainingSet, WinModel, fit_win_model

if TYPE_CHECKING:
    from revhub.workspace import Workspace

HISTORY_DAYS = 546
STEP_DAYS = 14
FIRST_CUTOFF_GAP_DAYS = 14  # the newest training moment is two weeks before the as-of day
HORIZONS = (2, 7, 14, 30, 61, 91, 137, 182, 273, 365)  # days ahead the win model learns to see
# Past the point where more deals sharpen the model, they only cost time: a larger company
# trains on this many of its deals, picked by a hash of the deal id (the same deals every run).
MAX_TRAINING_DEALS = 60_000


def training_cutoffs(as_of: dt.date, *, history_days: int = HISTORY_DAYS) -> list[dt.date]:
    """The training moments, oldest first."""
    days = range(FIRST_CUTOFF_GAP_DAYS, history_days + 1, STEP_DAYS)
    return sorted(as_of - dt.timedelta(days=d) for d in days)


@dataclass(frozen=True)
class DealModels:
    """The win model, the close timing and the company's win rate, as of one day."""

    as_of: dt.date
    win: WinModel
    timing: CloseTiming
    company_win_rate: float


def fit_deal_models(
    ws: Workspace, as_of: dt.date, *, seed: int = 0
) -> tuple[DealModels, pd.DataFrame]:
    """The models as of ``as_of`` and the states of the deals open then."""
    cutoffs = training_cutoffs(as_of)
    states = deal_states(ws, [*cutoffs, as_of], known_before=as_of)
    outcomes = deal_outcomes(ws, as_of).set_index("opportunity_id")
    as_of_time = pd.Timestamp(as_of)
    is_past = pd.to_datetime(states["cutoff"]) < as_of_time
    past = states[is_past].join(outcomes[["is_won", "closed_day"]], on="opportunity_id")
    past = past.reset_index(drop=True)
    won = past["is_won"].eq(True).to_numpy(dtype=bool)
    lost = past["is_won"].eq(False).to_numpy(dtype=bool)
    resolved = won | lost
    company_rate = float(won[resolved].mean()) if resolved.any() else 0.0
    winners = past[won]
    timing = CloseTiming.fit(
        winners["stage"],
        anchors(winners["close_date"], winners["cutoff"]),
        pd.to_datetime(winners["closed_day"]).to_numpy().astype("datetime64[D]"),
    )
    sample = training_sample(past["opportunity_id"])
    training = _training_set(
        past[sample].reset_index(drop=True), won[sample], lost[sample], as_of_time, company_rate
    )
    win = fit_win_model(training, timing, seed=seed)
    models = DealModels(as_of, win, timing, company_rate)
    return models, states[~is_past].reset_index(drop=True)


def training_sample(deal_ids: pd.Series, *, limit: int = MAX_TRAINING_DEALS) -> np.ndarray:
    """Which rows the win model learns from: every row of at most ``limit`` deals, the
    deals picked by a hash of their id, so a run (and the next) picks the same ones.

    >>> ids = pd.Series(["a", "b", "c", "a"])
    >>> training_sample(ids).tolist(), int(training_sample(ids, limit=2).sum()) in (2, 3)
    ([True, True, True, True], True)
    """
    unique = pd.Series(deal_ids.unique())
    if len(unique) <= limit:
        return np.ones(len(deal_ids), dtype=bool)
    hashed = pd.util.hash_pandas_object(unique, index=False).to_numpy()
    kept = set(unique.iloc[np.argsort(hashed, kind="stable")[:limit]])
    return deal_ids.isin(kept).to_numpy()


def _training_set(
    past: pd.DataFrame,
    won: np.ndarray,
    lost: np.ndarray,
    as_of_time: pd.Timestamp,
    company_rate: float,
) -> TrainingSet:
    """One row per past state and horizon that had ended by the as-of day, labelled won
    if the deal closed won within the horizon."""
    features = deal_features(past, company_rate)
    cutoff = pd.to_datetime(past["cutoff"])
    closed_day = pd.to_datetime(past["closed_day"])
    room = (as_of_time - cutoff).dt.days.to_numpy()
    parts = []
    for horizon in HORIZONS:
        rows = np.flatnonzero(room >= horizon)
        within = (closed_day <= cutoff + pd.Timedelta(days=horizon)).to_numpy()[rows]
        parts.append((rows, np.full(len(rows), horizon), won[rows] & within))
    rows = np.concatenate([r for r, _, _ in parts])
    return TrainingSet(
        features=features.iloc[rows].reset_index(drop=True),
        horizon=np.concatenate([h for _, h, _ in parts]),
        age=room[rows],
        won=np.concatenate([w for _, _, w in parts]),
        lost=lost[rows],
        deal=past["opportunity_id"].to_numpy()[rows],
        stage=past["stage"].iloc[rows].reset_index(drop=True),
    )


def score_open_deals(models: DealModels, open_deals: pd.DataFrame) -> pd.DataFrame:
    """``open_deals`` (states on the as-of day) with ``p_win``, ``anchor`` and ``reasons``."""
    scored = open_deals.copy()
    if scored.empty:
        return scored.assign(p_win=[], anchor=[], reasons=[])
    features = deal_features(scored, models.company_win_rate)
    scored["p_win"] = np.clip(models.win.win_probability(features, scored), 0.0, 1.0)
    scored["anchor"] = anchors(scored["close_date"], scored["cutoff"])
    scored["reasons"] = pd.Series(top_reasons(models.win, features, scored), index=scored.index)
    return scored


def win_between(
    models: DealModels, scored: pd.DataFrame, first: dt.date, last: dt.date
) -> np.ndarray:
    """P(won with a close day in [first, last]) of each scored deal."""
    if scored.empty:
        return np.zeros(0)
    features = deal_features(scored, models.company_win_rate)
    return models.win.win_between(features, scored, models.as_of, first, last)

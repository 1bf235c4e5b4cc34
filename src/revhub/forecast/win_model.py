"""The probability that an open deal closes won within a given number of days.

Training rows are deals as they stood at past cutoffs (``deal_states``), once per
**horizon** (days ahead, a feature) that had ended by the as-of day, labelled by whether
the deal was won within it. Deals still open on the as-of day are kept, labelled not won
within the horizon: their label is exactly known, so nothing is censored and deals that
rot in the pipeline teach the model what rot looks like. P(won within the
days to a period's end) minus P(won within the days to its start) is the chance of
winning inside that period (a discrete-time view of the time to win; Singer & Willett,
*Applied Longitudinal Data Analysis*, ch. 10). Two models:

- **Stage baseline** (transparent, works with little history): the share of deals seen
  in a stage that were won within ``BASELINE_HORIZON`` days,
  smoothed toward the company-wide rate, and per segment toward the stage's rate
  (``PRIOR_DEALS`` pseudo-deals each; Bayesian shrinkage of a binomial rate, Gelman et
  al., *Bayesian Data Analysis*, §2.4); the period share comes from the close timing.
- **Gradient boosting** (scikit-learn's ``HistGradientBoostingClassifier`` over the
  features of ``revhub.forecast.features`` and the horizon, non-decreasing in it), its
  probabilities calibrated out of fold (``CalibratedClassifierCV``, folds grouped by
  deal so a deal never calibrates itself; isotonic with enough rows, Platt's sigmoid
  otherwise). Recent moments weigh more (half-life ``HALF_LIFE_DAYS``), so a win rate
  that drifts is followed. Used once the history holds ``MIN_CLOSED_DEALS`` closed deals
  and ``MIN_WON_DEALS`` won ones.

>>> baseline = StageBaseline.fit(
...     pd.Series(["demo", "demo", "proposal"]), pd.Series(["smb"] * 3),
...     np.array([True, False, True]))
>>> round(float(baseline.predict(pd.Series(["demo"]), pd.Series(["smb"]))[0]), 3)
0.616
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from revhub.forecast.features import FEATURES
from revhub.forecast.timing import CloseTiming, anchors

HORIZON = "horizon_days"

PRIOR_DEALS = 10.0
HALF_LIFE_DAYS = 180.0  # a training moment half a year older counts half as much
BASELINE_HORIZON = 365
MIN_CLOSED_DEALS = 200
MIN_WON_DEALS = 40
MAX_TRAINING_ROWS = 200_000
ISOTONIC_FROM_ROWS = 2_000
FOLDS = 3


@dataclass(frozen=True)
class StageBaseline:
    """Smoothed share won per stage, and per stage and segment."""

    company_rate: float
    by_stage: dict[str, float]
    by_stage_segment: dict[tuple[str, str], float]

    @classmethod
    def fit(cls, stage: pd.Series, segment: pd.Series, won: np.ndarray) -> StageBaseline:
        """Learn the rates from one row per (deal, stage) seen and its outcome."""
        frame = pd.DataFrame({"stage": stage.to_numpy(), "segment": segment.to_numpy()})
        frame["won"] = np.asarray(won, dtype="float64")
        company = float(frame["won"].mean()) if len(frame) else 0.0
        stages = frame.groupby("stage")["won"].agg(["sum", "count"])
        by_stage = {
            str(s): float((row["sum"] + PRIOR_DEALS * company) / (row["count"] + PRIOR_DEALS))
            for s, row in stages.iterrows()
        }
        cells = frame.groupby(["stage", "segment"])["won"].agg(["sum", "count"])
        by_cell = {}
        for key, row in cells.iterrows():
            stage_name, segment_name = (str(part) for part in key)  # type: ignore[attr-defined]
            prior = by_stage[stage_name]
            by_cell[(stage_name, segment_name)] = float(
                (row["sum"] + PRIOR_DEALS * prior) / (row["count"] + PRIOR_DEALS)
            )
        return cls(company, by_stage, by_cell)

    def predict(self, stage: pd.Series, segment: pd.Series) -> np.ndarray:
        """The smoothed rate of each deal's stage and segment."""
        return np.array(
            [
                self.by_stage_segment.get(
                    (str(s), str(g)), self.by_stage.get(str(s), self.company_rate)
                )
                for s, g in zip(stage, segment, strict=True)
            ],
            dtype="float64",
        )


@dataclass(frozen=True)
class TrainingSet:
    """Deals as they stood at past cutoffs: features, horizon, whether won by the as-of
    day, deal and stage."""

    features: pd.DataFrame
    horizon: np.ndarray  # days ahead of the cutoff
    age: np.ndarray  # days from the cutoff to the as-of day
    won: np.ndarray  # won within the horizon
    lost: np.ndarray  # lost by the as-of day
    deal: np.ndarray
    stage: pd.Series

    @property
    def closed_deals(self) -> int:
        """Distinct deals in the set that closed by the as-of day, won or lost."""
        return len(np.unique(self.deal[self.won | self.lost]))

    @property
    def won_deals(self) -> int:
        """Distinct deals in the set that were won by the as-of day."""
        return len(np.unique(self.deal[self.won]))


@dataclass(frozen=True)
class WinModel:
    """A fitted win model; ``method`` is ``gradient_boosting`` or ``stage_baseline``."""

    method: str
    baseline: StageBaseline
    classifier: CalibratedClassifierCV | None
    training: TrainingSet
    timing: CloseTiming

    def won_within(self, features: pd.DataFrame, days: np.ndarray | float) -> np.ndarray:
        """P(won within ``days`` of the as-of day) of each row (gradient boosting only).

        The model learnt a few horizons; between two of them the chance is interpolated
        linearly in days (from 0 at day 0; held flat past the longest). Read at the
        nearest learnt horizon instead, a quarter's last 23 days would be scored as 30.
        """
        if self.classifier is None:
            raise ValueError("the stage baseline has no horizon; use win_between")
        wanted = np.broadcast_to(np.asarray(days, dtype="float64"), len(features))
        grid = np.unique(self.training.horizon).astype("float64")
        spot = np.clip(np.searchsorted(grid, wanted), 1, len(grid) - 1)
        early = wanted <= grid[0]
        learnt = np.isin(wanted, grid)
        low = np.where(learnt, wanted, np.where(early, 0.0, grid[spot - 1]))
        high = np.where(learnt, wanted, np.where(early, grid[0], grid[spot]))
        levels = np.unique(np.concatenate([low, high]))
        frame = features[list(FEATURES)].copy()
        chance = np.zeros((len(levels), len(frame)))
        for k, horizon in enumerate(levels):
            if horizon > 0:
                frame[HORIZON] = horizon
                chance[k] = self.classifier.predict_proba(frame)[:, 1]
        rows = np.arange(len(frame))
        p_low = chance[np.searchsorted(levels, low), rows]
        p_high = chance[np.searchsorted(levels, high), rows]
        share = np.clip((wanted - low) / np.maximum(high - low, 1.0), 0.0, 1.0)
        return np.asarray(p_low + (p_high - p_low) * share, dtype="float64")

    def win_between(
        self,
        features: pd.DataFrame,
        states: pd.DataFrame,
        as_of: dt.date,
        first: dt.date,
        last: dt.date,
    ) -> np.ndarray:
        """P(won with a close day in [first, last]) of each deal open on ``as_of``."""
        if last < as_of:
            return np.zeros(len(features))
        if self.classifier is None:
            share = self.timing.share_within(
                states["stage"],
                anchors(states["close_date"], states["cutoff"]),
                np.datetime64(as_of, "D"),
                np.datetime64(first, "D"),
                np.datetime64(last, "D"),
            )
            chance: np.ndarray = self.baseline.predict(states["stage"], features["segment"]) * share
            return chance
        by_end = self.won_within(features, (last - as_of).days + 1)
        if first <= as_of:
            return by_end
        by_start = self.won_within(features, (first - as_of).days)
        inside: np.ndarray = np.clip(by_end - by_start, 0.0, 1.0)
        return inside

    def win_probability(self, features: pd.DataFrame, states: pd.DataFrame) -> np.ndarray:
        """P(won within a year): the deal's headline win probability."""
        if self.classifier is None:
            return self.baseline.predict(states["stage"], features["segment"])
        return self.won_within(features, 365.0)


def fit_win_model(training: TrainingSet, timing: CloseTiming, *, seed: int = 0) -> WinModel:
    """The gradient-boosting model when history allows, else the stage baseline."""
    baseline = _fit_baseline(training)
    enough = training.closed_deals >= MIN_CLOSED_DEALS and training.won_deals >= MIN_WON_DEALS
    if not enough or len(np.unique(training.won)) < 2:
        return WinModel("stage_baseline", baseline, None, training, timing)
    rows = np.arange(len(training.won))
    if len(rows) > MAX_TRAINING_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(rows, MAX_TRAINING_ROWS, replace=False))
    features = training.features.iloc[rows][list(FEATURES)].copy()
    features[HORIZON] = training.horizon[rows].astype("float64")
    won = training.won[rows]
    weight = 0.5 ** (training.age[rows] / HALF_LIFE_DAYS)
    folds = list(GroupKFold(n_splits=FOLDS).split(features, won, groups=training.deal[rows]))
    booster = HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=100,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        categorical_features="from_dtype",
        monotonic_cst={HORIZON: 1},
        random_state=seed,
    )
    method = "isotonic" if len(rows) >= ISOTONIC_FROM_ROWS else "sigmoid"
    classifier = CalibratedClassifierCV(booster, method=method, cv=folds)
    classifier.fit(features, won, sample_weight=weight)
    return WinModel("gradient_boosting", baseline, classifier, training, timing)


def _fit_baseline(training: TrainingSet) -> StageBaseline:
    """One row per (deal, stage) seen at least a year before the as-of day, won within
    that year or not; long-lived deals count once per stage."""
    mature = training.horizon == BASELINE_HORIZON
    frame = pd.DataFrame(
        {
            "deal": training.deal[mature],
            "stage": training.stage.to_numpy()[mature],
            "segment": training.features["segment"].astype("string").to_numpy()[mature],
            "won": training.won[mature],
        }
    ).drop_duplicates(["deal", "stage"])
    return StageBaseline.fit(frame["stage"], frame["segment"], frame["won"].to_numpy())

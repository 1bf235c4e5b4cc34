"""The probability that a paying subscription still pays on a later day, from its health.

**Rows.** A subscription *pays at* a cutoff when it is in service (``revhub.metrics.mrr``:
an item in service, trial over) on the day before the cutoff, the last day wholly known
then. Training moments are the ``HISTORY_MONTHS`` monthly cutoffs before the as-of day;
each subscription paying at one is a row for every horizon ``h`` in ``HORIZONS`` with
``cutoff + h ≤ as-of``, labelled **ended** when it is out of service on day
``cutoff − 1 + h`` (the horizon is a feature, as in ``revhub.forecast.win_model``).

What a row knows, and its features: ``revhub.forecast.subscription_health``.

**Models.** Gradient boosting (scikit-learn's ``HistGradientBoostingClassifier``,
non-decreasing in the horizon and in the renewals inside it), calibrated out of fold
(``CalibratedClassifierCV``, folds grouped by subscription). With fewer than
``MIN_CHURN_EVENTS`` subscriptions ending in the history it falls back to **churn
rates**: the monthly hazard of each segment × billing interval, ``(ends +
PRIOR_MONTHS·λ_company) / (months paid + PRIOR_MONTHS)`` (a Poisson rate shrunk toward
the company's; Gelman et al., *Bayesian Data Analysis*, §2.6), and ``P(ended) = 1 −
(1 − λ)^(term months × renewals inside the horizon)``: a term ends only at a renewal.

>>> rates = ChurnRates(0.02, {("smb", "month"): 0.05})
>>> [round(float(p), 4) for p in rates.ended(pd.DataFrame({"segment": ["smb", "smb"],
...     "billing_interval": ["month", "year"], "term_months_due": [2, 12]}))]
[0.0975, 0.2153]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from revhub.errors import ForecastError
from revhub.forecast.subscription_health import (
    FEATURES,
    HORIZON,
    metric_frame,
    paying,
    renewal_features,
    subscription_states,
)

if TYPE_CHECKING:
    from revhub.workspace import Workspace

HISTORY_MONTHS = 18
HORIZONS = (30, 91, 182, 365)
MIN_CHURN_EVENTS = 30
PRIOR_MONTHS = 60.0  # subscription-months of the company's hazard given to every cell
DAYS_PER_MONTH = 365.25 / 12
MAX_TRAINING_ROWS = 200_000
ISOTONIC_FROM_ROWS = 2_000
FOLDS = 3


def training_cutoffs(as_of: dt.date, months: int = HISTORY_MONTHS) -> list[dt.date]:
    """The monthly training moments before ``as_of``, oldest first.

    >>> [d.isoformat() for d in training_cutoffs(dt.date(2026, 3, 31), months=2)]
    ['2026-01-31', '2026-02-28']
    """
    return sorted(_shift_months(as_of, -k) for k in range(1, months + 1))


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


@dataclass(frozen=True)
class RenewalHistory:
    """Past states once per horizon that had ended by the as-of day: features, whether
    the subscription had ended within the horizon, and which subscription it is."""

    features: pd.DataFrame
    ended: np.ndarray
    subscription: np.ndarray

    @property
    def churn_events(self) -> int:
        """Distinct subscriptions seen ending."""
        return len(np.unique(self.subscription[self.ended]))


def renewal_history(ws: Workspace, as_of: dt.date, states: pd.DataFrame) -> RenewalHistory:
    """Label the ``states`` of past cutoffs for every horizon that had ended by ``as_of``."""
    cutoff = pd.to_datetime(states["cutoff"])
    room = (pd.Timestamp(as_of) - cutoff).dt.days.to_numpy()
    parts = [(np.flatnonzero(room >= h), h) for h in HORIZONS]
    rows = np.concatenate([r for r, _ in parts]).astype("int64")
    horizon = np.concatenate([np.full(len(r), h) for r, h in parts]).astype("int64")
    picked = states.iloc[rows].reset_index(drop=True)
    label_day = pd.to_datetime(picked["cutoff"]) + pd.to_timedelta(horizon - 1, unit="D")
    days = sorted(set(label_day.dt.date))
    still = paying(metric_frame(ws, as_of), days) if days else pd.DataFrame(columns=["day"])
    keys = set(zip(still.get("subscription_id", []), still["day"], strict=True))
    pairs = zip(picked["subscription_id"], label_day.dt.date, strict=True)
    ended = np.array([pair not in keys for pair in pairs], dtype=bool)
    return RenewalHistory(
        features=renewal_features(picked, horizon),
        ended=ended,
        subscription=picked["subscription_id"].to_numpy(),
    )


@dataclass(frozen=True)
class ChurnRates:
    """Monthly churn hazard of the company and of each (segment, billing interval)."""

    company: float
    by_cell: dict[tuple[str, str], float]

    @classmethod
    def fit(cls, history: RenewalHistory) -> ChurnRates:
        """Learn from the one-month rows (``HORIZONS[0]`` days, one row ≈ a month paid)."""
        first = history.features[HORIZON].to_numpy() == HORIZONS[0]
        frame = history.features.loc[first, ["segment", "billing_interval"]].astype("string")
        frame["ended"] = history.ended[first]
        months = HORIZONS[0] / DAYS_PER_MONTH
        company = float(frame["ended"].sum() / (len(frame) * months)) if len(frame) else 0.0
        cells = frame.groupby(["segment", "billing_interval"])["ended"].agg(["sum", "count"])
        by_cell = {
            (str(seg), str(interval)): float(
                (row["sum"] + PRIOR_MONTHS * company) / (row["count"] * months + PRIOR_MONTHS)
            )
            for (seg, interval), row in cells.iterrows()
        }
        return cls(company, by_cell)

    def ended(self, features: pd.DataFrame) -> np.ndarray:
        """P(ended within the horizon) of each row of ``features``."""
        segment, interval = features["segment"].astype(str), features["billing_interval"]
        cells = zip(segment, interval.astype(str), strict=True)
        hazard = np.array([self.by_cell.get(cell, self.company) for cell in cells])
        exposure = features["term_months_due"].to_numpy(dtype="float64")
        chance: np.ndarray = 1.0 - (1.0 - np.clip(hazard, 0.0, 1.0)) ** exposure
        return chance


@dataclass(frozen=True)
class RenewalModel:
    """A fitted renewal model; ``method`` is ``gradient_boosting`` or ``churn_rates``."""

    as_of: dt.date
    method: str
    rates: ChurnRates
    classifier: CalibratedClassifierCV | None
    history: RenewalHistory

    def ended_by(self, states: pd.DataFrame, days: int) -> np.ndarray:
        """P(out of service on day ``cutoff − 1 + days``) of each state."""
        if states.empty:
            return np.zeros(0)
        return self.predict(renewal_features(states, days))

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """P(ended within the horizon) of rows of ``renewal_features``."""
        if self.classifier is None:
            return self.rates.ended(features)
        chance = self.classifier.predict_proba(features[list(FEATURES)])[:, 1]
        return np.asarray(chance, dtype="float64")


def fit_renewal_model(
    ws: Workspace, as_of: dt.date, *, seed: int = 0, min_churn_events: int = MIN_CHURN_EVENTS
) -> tuple[RenewalModel, pd.DataFrame]:
    """The renewal model as of ``as_of`` and the subscriptions paying then (cutoff
    ``as_of``: in service on the day before)."""
    states = subscription_states(ws, [*training_cutoffs(as_of), as_of], known_before=as_of)
    now = pd.to_datetime(states["cutoff"]).dt.date == as_of
    current = states[now.to_numpy()].reset_index(drop=True)
    past = states[~now.to_numpy()].reset_index(drop=True)
    history = renewal_history(ws, as_of, past)
    if len(current) and not len(history.ended):
        raise ForecastError(
            f"cannot forecast renewals as of {as_of}: no subscription was paying a month or "
            "more before it, so there is no history to learn churn from. Forecast from a "
            "later day, or load older billing data."
        )
    rates = ChurnRates.fit(history)
    enough = history.churn_events >= min_churn_events and not history.ended.all()
    if not enough:
        return RenewalModel(as_of, "churn_rates", rates, None, history), current
    classifier = _fit_boosting(history, seed)
    return RenewalModel(as_of, "gradient_boosting", rates, classifier, history), current


def _fit_boosting(history: RenewalHistory, seed: int) -> CalibratedClassifierCV:
    rows = np.arange(len(history.ended))
    if len(rows) > MAX_TRAINING_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(rows, MAX_TRAINING_ROWS, replace=False))
    features = history.features.iloc[rows]
    ended = history.ended[rows]
    groups = history.subscription[rows]
    folds = list(GroupKFold(n_splits=FOLDS).split(features, ended, groups=groups))
    booster = HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=100,
        max_leaf_nodes=5,
        min_samples_leaf=100,
        l2_regularization=1.0,
        categorical_features="from_dtype",
        monotonic_cst={HORIZON: 1, "renewals_in_horizon": 1, "term_months_due": 1},
        random_state=seed,
    )
    method = "isotonic" if len(rows) >= ISOTONIC_FROM_ROWS else "sigmoid"
    classifier = CalibratedClassifierCV(booster, method=method, cv=folds)
    classifier.fit(features, ended)
    return classifier

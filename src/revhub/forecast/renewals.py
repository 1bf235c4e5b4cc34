"""The probability that a paying subscription still pays on a later day, from its health.

**Rows.** A subscription *pays at* a cutoff when it is in service (``revhub.metrics.mrr``:
an item in service, trial over) on the day before the cutoff, the last day wholly known
then. Training moments are the ``HISTORY_MONTHS`` monthly cutoffs before the as-of day;
each subscription paying at one is a row for every horizon ``h`` in ``HORIZONS`` with
``cutoff + h ≤ as-of``, labelled **ended** when it is out of service on day
``cutoff − 1 + h`` (the horizon is a feature, as in ``revhub.forecast.win_model``).

**Leakage rules.** Everything is read as it stood before the cutoff, so a row means
the same a year ago as on the as-of day:

- a subscription's ``ended_date``, ``canceled_at`` and ``status`` are outcomes. They are
  never features, and reach the labels only through "in service on day d" for days
  before the as-of day, which an end on or after the as-of day (or its deletion) cannot
  change. A cancellation requested before the as-of day for a later end is not used
  either (unless ``churn_recognition = "cancellation"`` makes it the end, as in the
  metrics): the table keeps only today's version of a subscription, not its history;
- usage, tickets and NPS answers count only when they happened before the cutoff;
- MRR is the item MRR on the day before the cutoff; renewal days come from the start
  day and billing interval (never the snapshot columns ``current_period_*``);
- a company's segment and region, and a subscription's discount, are today's values
  (no history is kept of them), as everywhere in the metrics and the bookings forecast.

**Features** (``FEATURES``): billing interval, segment, days to the next renewal, the
renewals falling inside the horizon and the term months they put up for renewal,
tenure, log MRR, usage (days active and average active users in the last 30 days,
users and events in the last 30 days against the 60 before, key-feature days, seat
utilisation), support tickets in 90 days (and urgent ones), the last NPS score, and the
horizon.

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

import ibis
import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from revhub.errors import ForecastError
from revhub.metrics.mrr import items_in_service
from revhub.model.vocabulary import BILLING_INTERVALS, SEGMENTS

if TYPE_CHECKING:
    from revhub.metrics.frame import Frame
    from revhub.workspace import Workspace

HISTORY_MONTHS = 18
HORIZONS = (30, 91, 182, 365)
HORIZON = "horizon_days"
MIN_CHURN_EVENTS = 30
PRIOR_MONTHS = 60.0  # subscription-months of the company's hazard given to every cell
DAYS_PER_MONTH = 365.25 / 12
MAX_TRAINING_ROWS = 200_000
ISOTONIC_FROM_ROWS = 2_000
FOLDS = 3
TERM_MONTHS = {"month": 1, "quarter": 3, "year": 12}
FEATURES = (
    "billing_interval",
    "segment",
    "days_to_renewal",
    "renewals_in_horizon",
    "term_months_due",
    "tenure_days",
    "log_mrr",
    "usage_days_30",
    "users_30",
    "users_trend",
    "events_trend",
    "key_feature_days_30",
    "seat_utilisation",
    "tickets_90",
    "urgent_tickets_90",
    "last_nps",
    HORIZON,
)
CATEGORIES = {"billing_interval": BILLING_INTERVALS, "segment": (*SEGMENTS, "unknown")}


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


def paying(frame: Frame, days: list[dt.date]) -> pd.DataFrame:
    """Subscriptions in service on each of ``days``: ``day``, ``subscription_id``,
    ``account_id`` (the company) and ``mrr``."""
    table = ibis.memtable({"day": sorted(set(days))}).cast({"day": "date"})
    live = items_in_service(frame, table, "day")
    found: pd.DataFrame = (
        live.group_by(["day", "subscription_id", "account_id"])
        .aggregate(mrr=live.mrr.sum())
        .to_pandas()
    )
    found["day"] = _dates(found["day"])
    return found


def subscription_states(
    ws: Workspace, cutoffs: list[dt.date], *, known_before: dt.date
) -> pd.DataFrame:
    """Every subscription paying at each cutoff (not later than ``known_before``), with
    what was known of it then; the cutoff day means its start."""
    cutoffs = sorted({c for c in cutoffs if c <= known_before})
    frame = metric_frame(ws, known_before)
    states = paying(frame, [c - dt.timedelta(days=1) for c in cutoffs])
    next_days = [day + dt.timedelta(days=1) for day in states.pop("day")]
    states["cutoff"] = pd.Series(next_days, index=states.index, dtype=object)
    subs = frame.table("subscriptions").select("subscription_id", "billing_interval", "start_date")
    states = states.merge(subs.to_pandas(), on="subscription_id", how="left")
    companies = frame.companies().select("account_id", "segment", "region", "team")
    companies = companies.to_pandas()
    states = states.merge(companies, on="account_id", how="left")
    moments = ibis.memtable({"cutoff": cutoffs}).cast({"cutoff": "date"})
    for found in (_usage(frame, moments), _tickets(frame, moments), _nps(frame, moments)):
        found_frame = found.to_pandas()
        found_frame["cutoff"] = _dates(found_frame["cutoff"])
        states = states.merge(found_frame, on=["cutoff", "account_id"], how="left")
    order = ["cutoff", "subscription_id"]
    return states.sort_values(order, ignore_index=True)


def _dates(values: pd.Series) -> pd.Series:
    """``values`` as ``datetime.date`` objects (also when there are none)."""
    days = [stamp.date() for stamp in pd.to_datetime(values)]
    return pd.Series(days, index=values.index, dtype=object)


def metric_frame(ws: Workspace, known_before: dt.date) -> Frame:
    """The metrics frame ending the day before ``known_before`` (its exchange rates too)."""
    last = known_before - dt.timedelta(days=1)
    return ws.metrics.frame("day", last, last)


def _usage(frame: Frame, moments: ibis.Table) -> ibis.Table:
    usage = frame.table("product_usage")
    day = usage.usage_date
    near = moments.join(
        usage, (day < moments.cutoff) & (day >= moments.cutoff - ibis.interval(days=90))
    )
    recent = near.usage_date >= near.cutoff - ibis.interval(days=30)
    return near.group_by(["cutoff", "account_id"]).aggregate(
        usage_days_30=recent.cast("int64").sum(),
        user_days_30=near.active_users.sum(where=recent),
        user_days_60=near.active_users.sum(where=~recent),
        events_30=near.events.sum(where=recent),
        events_60=near.events.sum(where=~recent),
        key_feature_days_30=(recent & near.key_feature_used.fill_null(False)).cast("int64").sum(),
        seats=near.seats_licensed.argmax(near.usage_date),
    )


def _tickets(frame: Frame, moments: ibis.Table) -> ibis.Table:
    tickets = frame.table("support_tickets")
    start = moments.cutoff.cast("timestamp")
    near = moments.join(
        tickets,
        (tickets.opened_at < start) & (tickets.opened_at >= start - ibis.interval(days=90)),
    )
    return near.group_by(["cutoff", "account_id"]).aggregate(
        tickets_90=near.count(),
        urgent_tickets_90=(near.priority == "urgent").cast("int64").sum(),
    )


def _nps(frame: Frame, moments: ibis.Table) -> ibis.Table:
    answers = frame.table("nps_responses")
    near = moments.join(answers, answers.responded_at < moments.cutoff.cast("timestamp"))
    return near.group_by(["cutoff", "account_id"]).aggregate(
        last_nps=near.score.argmax(near.responded_at).cast("float64")
    )


def renewal_features(states: pd.DataFrame, horizon: float | np.ndarray) -> pd.DataFrame:
    """One row of ``FEATURES`` per state row (same index), ``horizon`` days ahead."""
    days = np.broadcast_to(np.asarray(horizon, dtype="int64"), len(states))
    to_next, within = renewals_ahead(states, days)
    cutoff = pd.to_datetime(states["cutoff"])
    number = states.reindex(columns=_COUNTS).astype("float64").fillna(0.0)
    users_30, users_60 = number["user_days_30"] / 30.0, number["user_days_60"] / 60.0
    seats = states["seats"].astype("float64") if "seats" in states else np.nan
    features = pd.DataFrame(
        {
            "billing_interval": states["billing_interval"],
            "segment": states["segment"].fillna("unknown"),
            "days_to_renewal": to_next.astype("float64"),
            "renewals_in_horizon": within.astype("float64"),
            "term_months_due": within * term_months(states["billing_interval"]),
            "tenure_days": (cutoff - pd.to_datetime(states["start_date"])).dt.days,
            "log_mrr": np.log1p(states["mrr"].astype("float64").clip(lower=0.0)),
            "usage_days_30": number["usage_days_30"],
            "users_30": users_30,
            "users_trend": np.log((users_30 + 0.5) / (users_60 + 0.5)),
            "events_trend": np.log(
                (number["events_30"] / 30.0 + 1.0) / (number["events_60"] / 60.0 + 1.0)
            ),
            "key_feature_days_30": number["key_feature_days_30"],
            "seat_utilisation": users_30
            / pd.Series(seats, index=states.index).where(lambda s: s > 0),
            "tickets_90": number["tickets_90"],
            "urgent_tickets_90": number["urgent_tickets_90"],
            "last_nps": states["last_nps"].astype("float64"),
            HORIZON: days.astype("float64"),
        },
        index=states.index,
    )
    for name, values in CATEGORIES.items():
        features[name] = features[name].astype(pd.CategoricalDtype(list(values)))
    return features[list(FEATURES)]


_COUNTS = [
    "usage_days_30",
    "user_days_30",
    "user_days_60",
    "events_30",
    "events_60",
    "key_feature_days_30",
    "tickets_90",
    "urgent_tickets_90",
]


def term_months(interval: pd.Series) -> np.ndarray:
    """Months per billing term of each interval (a month when unknown)."""
    months: np.ndarray = interval.astype(str).map(TERM_MONTHS).fillna(1).to_numpy(dtype="int64")
    return months


def renewals_ahead(states: pd.DataFrame, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per state: days from the cutoff to the next renewal (a term end, on or after the
    cutoff, counted from the start day every billing interval) and how many renewals
    fall in the ``days`` from the cutoff."""
    start = pd.to_datetime(states["start_date"])
    year, month, day = (start.dt.year.to_numpy(), start.dt.month.to_numpy() - 1, start.dt.day)
    day_of_month = day.to_numpy()
    term = term_months(states["billing_interval"])
    cutoff = pd.to_datetime(states["cutoff"]).to_numpy().astype("datetime64[D]")
    cutoff_month = cutoff.astype("datetime64[M]").astype("int64")
    elapsed = cutoff_month - ((year - 1970) * 12 + month)
    k = np.maximum(elapsed // term, 1)

    def renewal(number: np.ndarray) -> np.ndarray:
        first = ((year - 1970) * 12 + month + number * term).astype("datetime64[M]")
        length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int)
        found: np.ndarray = first.astype("datetime64[D]") + (np.minimum(day_of_month, length) - 1)
        return found

    k = np.where(renewal(k) < cutoff, k + 1, k)
    following = renewal(k)
    last = cutoff + days.astype("timedelta64[D]") - np.timedelta64(1, "D")
    count = np.zeros(len(states), dtype="int64")
    inside = following <= last
    while inside.any():
        count += inside
        k = k + 1
        inside = renewal(k) <= last
    return (following - cutoff).astype("int64"), count


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


def health_signals(features: pd.DataFrame, top: int = 3) -> list[list[str]]:
    """Per row of ``renewal_features``, up to ``top`` warning signs in words, the most
    telling first (detractor, usage falling or gone, idle seats, support pain, key
    feature unused, renewal near).

    >>> row = pd.DataFrame({"last_nps": [4.0], "usage_days_30": [20.0], "users_trend": [-0.7],
    ...     "seat_utilisation": [0.9], "urgent_tickets_90": [0.0], "tickets_90": [1.0],
    ...     "key_feature_days_30": [3.0], "days_to_renewal": [40.0],
    ...     "billing_interval": ["year"]})
    >>> for sign in health_signals(row)[0]:
    ...     print(sign)
    NPS 4 (detractor)
    active users -50% (30 days against the 60 before)
    renews in 40 days
    """
    value = {name: features[name].to_numpy(dtype="float64") for name in _SIGNAL_INPUTS}
    monthly = features["billing_interval"].astype(str).to_numpy() == "month"
    found = []
    for i in range(len(features)):
        nps, used, trend, seats = (value[n][i] for n in _SIGNAL_INPUTS[:4])
        urgent, tickets, key_days, renews_in = (value[n][i] for n in _SIGNAL_INPUTS[4:])
        signs = []
        if nps <= 6:
            signs.append(f"NPS {nps:.0f} (detractor)")
        if used == 0 and trend < 0:
            signs.append("no product use in 30 days (used before)")
        elif trend <= np.log(0.75):
            signs.append(f"active users {np.exp(trend) - 1:+.0%} (30 days against the 60 before)")
        if seats < 0.3:
            signs.append(f"{seats:.0%} of seats in use")
        if urgent > 0:
            signs.append(f"{urgent:.0f} urgent ticket{'s' if urgent > 1 else ''} in 90 days")
        elif tickets >= 3:
            signs.append(f"{tickets:.0f} support tickets in 90 days")
        if key_days == 0 and used > 0:
            signs.append("key feature unused in 30 days")
        if renews_in <= 90 and not monthly[i]:
            signs.append(f"renews in {renews_in:.0f} days")
        found.append(signs[:top])
    return found


_SIGNAL_INPUTS = (
    "last_nps",
    "usage_days_30",
    "users_trend",
    "seat_utilisation",
    "urgent_tickets_90",
    "tickets_90",
    "key_feature_days_30",
    "days_to_renewal",
)

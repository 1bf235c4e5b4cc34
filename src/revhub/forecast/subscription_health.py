"""Subscriptions as they stood at a cutoff: who paid, the renewals ahead of them, their
health (usage, tickets, NPS) as features of ``revhub.forecast.renewals``, and warning
signs in words.

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
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pandas as pd

from revhub.metrics.mrr import items_in_service
from revhub.model.vocabulary import BILLING_INTERVALS, SEGMENTS

if TYPE_CHECKING:
    from revhub.metrics.frame import Frame
    from revhub.workspace import Workspace

HORIZON = "horizon_days"
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

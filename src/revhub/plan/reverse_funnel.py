"""The reverse funnel: from bookings per period and segment back to the leads needed,
each volume placed in the period it must happen in, beside what actually happened.

For a segment's bookings target B in period P, with its rates (``plan.rates``)::

    won deals      W = B ÷ deal size
    opportunities  O = W ÷ win rate
    SQLs           S = O ÷ SQL→opportunity conversion
    MQLs           M = S ÷ MQL→SQL conversion
    leads          L = M ÷ lead→MQL conversion

Deals are won evenly over P. A stage's volume happens the measured median lags earlier
(opportunities the sales cycle before the win, SQLs the SQL→opportunity days before
that, and so on), so P's days shifted back by that many days; the volume is spread over
the periods those shifted days fall in, in proportion to the days in each. Volumes stay
fractional (expected values); round up when staffing.

>>> spread(dt.date(2026, 7, 1), dt.date(2026, 10, 1), 46.0, "quarter")
[(datetime.date(2026, 4, 1), 0.5), (datetime.date(2026, 7, 1), 0.5)]
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from revhub.errors import PlanError
from revhub.metrics.core import Grain
from revhub.metrics.periods import next_period_start, period_start
from revhub.plan.rates import rate_of
from revhub.plan.window import Frames, measure_over

if TYPE_CHECKING:
    from revhub.workspace import Workspace

STAGES = ("leads", "mqls", "sqls", "opportunities", "won_deals", "bookings")
FUNNEL_COLUMNS = ("period", "segment", "stage", "required", "actual", "elapsed")
# stage → (rate dividing the next stage's volume, lag from it back to this stage)
_STEPS = (
    ("opportunities", "win_rate", "days_opportunity_to_won"),
    ("sqls", "sql_to_opportunity", "days_sql_to_opportunity"),
    ("mqls", "mql_to_sql", "days_mql_to_sql"),
    ("leads", "lead_to_mql", "days_lead_to_mql"),
)
_ENTRY_STAGES = {"lead": "leads", "mql": "mqls", "sql": "sqls", "opportunity": "opportunities"}


def required_volumes(bookings: float, rates: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """Each stage's volume for ``bookings`` and its lag in days before the win.

    >>> rates = {"deal_size": 50_000, "win_rate": 0.25, "sql_to_opportunity": 0.5,
    ...          "mql_to_sql": 0.5, "lead_to_mql": 0.5, "days_opportunity_to_won": 60,
    ...          "days_sql_to_opportunity": 5, "days_mql_to_sql": 3, "days_lead_to_mql": 2}
    >>> {k: v[0] for k, v in required_volumes(1_000_000, rates).items()}
    {'bookings': 1000000.0, 'won_deals': 20.0, 'opportunities': 80.0, 'sqls': 160.0, \
'mqls': 320.0, 'leads': 640.0}
    """
    won = bookings / rates["deal_size"]
    volumes = {"bookings": (float(bookings), 0.0), "won_deals": (won, 0.0)}
    volume, lag = won, 0.0
    for stage, rate, days in _STEPS:
        volume, lag = volume / rates[rate], lag + max(float(rates[days]), 0.0)
        volumes[stage] = (volume, lag)
    return volumes


def spread(start: dt.date, end: dt.date, lag: float, grain: Grain) -> list[tuple[dt.date, float]]:
    """The periods of ``grain`` that [start, end) shifted ``lag`` days earlier falls in,
    each with its share of the days."""
    low, high = start.toordinal() - lag, end.toordinal() - lag
    shares = []
    current = period_start(dt.date.fromordinal(math.floor(low)), grain)
    while current.toordinal() < high:
        following = next_period_start(current, grain)
        overlap = min(high, following.toordinal()) - max(low, current.toordinal())
        if overlap > 0:
            shares.append((current, overlap / (high - low)))
        current = following
    return shares


def reverse_funnel(targets: pd.DataFrame, rates: pd.DataFrame, grain: Grain) -> pd.DataFrame:
    """The ``required`` volume of every stage per period and segment for ``targets``
    (``period``, ``segment``, ``bookings``) at ``rates`` (``plan.rates``)."""
    _check_rates(rates, sorted(set(targets.segment)))
    needed: dict[tuple[dt.date, str, str], float] = {}
    for row in targets.to_dict("records"):
        segment, start = str(row["segment"]), row["period"]
        measures = {m: rate_of(rates, segment, m) for m in _measures()}
        end = next_period_start(start, grain)
        for stage, (volume, lag) in required_volumes(float(row["bookings"]), measures).items():
            for period, share in spread(start, end, lag, grain):
                key = (period, segment, stage)
                needed[key] = needed.get(key, 0.0) + volume * share
    rows = [(p, s, stage, v) for (p, s, stage), v in needed.items()]
    funnel = pd.DataFrame(rows, columns=["period", "segment", "stage", "required"])
    return _ordered(funnel)


def _measures() -> tuple[str, ...]:
    return ("deal_size", *(m for _, rate, days in _STEPS for m in (rate, days)))


def _check_rates(rates: pd.DataFrame, segments: list[str]) -> None:
    zero = [
        f"{measure} of {segment}"
        for segment in segments
        for measure in ("deal_size", *(rate for _, rate, _ in _STEPS))
        if not rate_of(rates, segment, measure) > 0
    ]
    if zero:
        raise PlanError(
            f"{', '.join(zero)} is 0 or unknown: no volume of the stage before it reaches "
            "the target. Measure over a longer window or plan with a scenario that sets it."
        )


def _ordered(funnel: pd.DataFrame) -> pd.DataFrame:
    order = {stage: i for i, stage in enumerate(STAGES)}
    funnel = funnel.assign(_order=funnel.stage.map(order))
    funnel = funnel.sort_values(["period", "segment", "_order"]).drop(columns="_order")
    return funnel.reset_index(drop=True)


def measure_actuals(
    ws: Workspace, start: dt.date, as_of: dt.date, *, frames: Frames | None = None
) -> pd.DataFrame:
    """What happened per month and segment from ``start`` up to ``as_of`` (inclusive):
    entries into lead, mql, sql and opportunity (``funnel_entries``), won deals and
    bookings (``new_bookings``): ``period`` (the month), ``segment``, ``stage``,
    ``actual``. All are counts or sums, so months add up to any grain."""
    frame = (frames or Frames(ws, store=False)).get("month", start, as_of)
    entries = measure_over(
        ws,
        "funnel_entries",
        start=start,
        end=as_of,
        by=["stage", "segment"],
        grain="month",
        frame=frame,
    )
    entries = entries[entries.stage.isin(list(_ENTRY_STAGES))]
    entries = entries.assign(stage=entries.stage.map(_ENTRY_STAGES), actual=entries.value)
    won = measure_over(
        ws, "new_bookings", start=start, end=as_of, by=["segment"], grain="month", frame=frame
    )
    parts = [
        entries[["period", "segment", "stage", "actual"]],
        won.assign(stage="won_deals", actual=won.facts.astype(float)),
        won.assign(stage="bookings", actual=won.value),
    ]
    actuals = pd.concat([p[["period", "segment", "stage", "actual"]] for p in parts])
    return actuals[actuals.segment.notna()].reset_index(drop=True)


def with_actuals(
    funnel: pd.DataFrame,
    actuals: pd.DataFrame,
    *,
    as_of: dt.date,
    grain: Grain,
    measured_from: dt.date,
) -> pd.DataFrame:
    """``funnel`` with ``actual`` (monthly ``actuals`` summed to ``grain``; 0 when
    nothing happened; null for periods after ``as_of`` or starting before
    ``measured_from``) and ``elapsed``, the share of the period's days up to ``as_of``."""
    summed = actuals.assign(period=actuals.period.map(lambda d: period_start(d, grain)))
    summed = summed.groupby(["period", "segment", "stage"]).actual.sum().reset_index()
    joined = funnel.merge(summed, on=["period", "segment", "stage"], how="left")
    known = joined.period.map(lambda p: measured_from <= p <= as_of)
    joined["actual"] = joined.actual.where(~known | joined.actual.notna(), 0.0)
    joined["actual"] = joined.actual.where(known)
    joined["elapsed"] = joined.period.map(lambda p: _elapsed(p, as_of, grain))
    result: pd.DataFrame = joined[list(FUNNEL_COLUMNS)]
    return result


def _elapsed(start: dt.date, as_of: dt.date, grain: Grain) -> float:
    end = next_period_start(start, grain)
    days = (min(as_of + dt.timedelta(days=1), end) - start).days
    return min(max(days / (end - start).days, 0.0), 1.0)

"""Forecasting metrics: how close stored forecasts came to what happened.

A forecast is a row of ``forecast_snapshots``, kept as it was made: a metric's expected
value for one period of a grain. Its **actual** is the metric itself, computed by the
registry over the same frame (``metric_values``), so a forecast of ARR is scored against
exactly the ARR revhub reports. Only forecasts of ``FORECASTABLE`` metrics, made for the
whole company (no team, segment or region) at the grain asked for, for a period that has
ended, are scored. The **horizon** of a forecast is the number of periods from the one it
was made in to the one it forecast: 0 for a forecast made during the period itself, 1
for one made the period before, and so on; forecasts made after their period ended are
not forecasts and are ignored.
"""

from __future__ import annotations

import datetime as dt

import ibis

from revhub.metrics.compute import metric_values
from revhub.metrics.core import Count, Grain, Mean, Metric, Ratio, Sum
from revhub.metrics.frame import Frame

MONTHLY: tuple[Grain, ...] = ("month", "quarter", "year")
# Metrics whose forecasts are scored; each is computed once per frame for its actuals.
FORECASTABLE = ("new_bookings", "arr", "mrr", "recognised_revenue")
PREDICTABLE_WITHIN = 0.10
_MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "year": 12}


def actuals(frame: Frame) -> ibis.Table:
    """``period``, ``metric`` and ``actual`` of every forecastable metric in range, for
    the whole company. Built once per frame."""
    return frame.shared("forecast_actuals", lambda: _actuals(frame))


def _actuals(frame: Frame) -> ibis.Table:
    from revhub.metrics.registry import get_metric

    parts = []
    for name in FORECASTABLE:
        values = metric_values(get_metric(name), frame)
        parts.append(values.select("period", metric=ibis.literal(name), actual="value"))
    return ibis.union(*parts)


def scored_forecasts(frame: Frame) -> ibis.Table:
    """Every scorable forecast with its actual: ``period``, ``metric``, ``method``,
    ``horizon``, ``made_on``, ``forecast`` and ``actual``. Built once per frame."""
    return frame.shared("scored_forecasts", lambda: _scored_forecasts(frame))


def _scored_forecasts(frame: Frame) -> ibis.Table:
    snapshots = frame.raw("forecast_snapshots")
    snapshots = snapshots.filter(
        (snapshots.period_grain == frame.grain)
        & snapshots.metric.isin(FORECASTABLE)
        & snapshots.team_id.isnull()
        & snapshots.segment.isnull()
        & snapshots.region.isnull()
    )
    snapshots = frame.events(snapshots, "period_start")
    snapshots = snapshots.filter(snapshots.period.isin(_ended_periods(frame)))
    made_in = frame.period(snapshots.made_on)
    months = (snapshots.period.year() - made_in.year()) * 12 + (
        snapshots.period.month() - made_in.month()
    )
    snapshots = snapshots.mutate(horizon=months // _MONTHS_PER_PERIOD[frame.grain])
    snapshots = snapshots.filter(snapshots.horizon >= 0)
    found = actuals(frame).rename(_period="period", _metric="metric")
    joined = snapshots.join(
        found, (snapshots.period == found._period) & (snapshots.metric == found._metric)
    )
    return joined.select(
        "period",
        "metric",
        "method",
        "horizon",
        "made_on",
        forecast=joined.value.cast("float64"),
        actual=joined.actual,
    )


def _ended_periods(frame: Frame) -> list[dt.date]:
    """Periods in range that ended by the range's end (their closing day is their last)."""
    return [p.start for p in frame.calendar if p.closing == p.next_start - dt.timedelta(days=1)]


def accuracy_facts(frame: Frame) -> ibis.Table:
    """Per scored forecast: ``accuracy`` = 1 − |actual − forecast| ÷ |actual| (null when
    the actual is 0), with its ``metric``, ``method`` and ``horizon``."""
    scored = scored_forecasts(frame)
    error = (scored.actual - scored.forecast).abs() / scored.actual.abs().nullif(0.0)
    return scored.select("period", "metric", "method", "horizon", accuracy=1 - error)


def predictability_facts(frame: Frame) -> ibis.Table:
    """Per forecast period and metric, the last forecast made on or before the period's
    first day: ``within`` = 1 when the actual is within ±10% of it."""
    scored = scored_forecasts(frame)
    scored = scored.filter(scored.made_on <= scored.period)
    latest = ibis.row_number().over(
        group_by=[scored.period, scored.metric],
        order_by=[scored.made_on.desc(), scored.method, scored.forecast],
    )
    last = scored.mutate(_rank=latest).filter(lambda t: t._rank == 0)
    band = last.forecast.abs() * PREDICTABLE_WITHIN
    within = ((last.actual - last.forecast).abs() <= band).cast("int64")
    return last.select("period", "metric", "method", within=within)


METRICS = (
    Metric(
        name="forecast_accuracy",
        description="How close forecasts came to the actual value of the metric they forecast.",
        formula="Mean over forecasts of 1 − |actual − forecast| ÷ actual.",
        unit="ratio",
        direction="higher",
        department="finance",
        indicator="lagging",
        grains=MONTHLY,
        dimensions=("metric", "horizon", "method"),
        measure=Mean("accuracy"),
        facts=accuracy_facts,
        edge_cases=(
            "Forecasts of new_bookings, arr, mrr and recognised_revenue, made for the whole "
            "company at the grain asked for, are scored once their period has ended.",
            "`horizon` counts periods from the one the forecast was made in (0: made "
            "during the period forecast).",
            "A forecast off by more than the actual scores below 0.",
            "A forecast whose actual is 0 is left out; undefined when no forecast is scored.",
        ),
        default_dimensions=("metric",),
    ),
    Metric(
        name="revenue_predictability",
        description="Share of forecast periods whose actual came within ±10% of the forecast.",
        formula="Periods (per metric) whose actual is within ±10% of the last forecast made "
        "on or before the period's first day ÷ periods with such a forecast.",
        unit="ratio",
        direction="higher",
        department="finance",
        indicator="lagging",
        grains=MONTHLY,
        dimensions=("metric", "method"),
        measure=Ratio(Sum("within"), Count()),
        facts=predictability_facts,
        edge_cases=(
            "Within ±10%: |actual − forecast| ≤ 10% of the forecast.",
            "Forecasts made during the period they forecast do not count here.",
            "Undefined when no period in range has a forecast made before it started.",
        ),
        default_dimensions=("metric",),
    ),
)

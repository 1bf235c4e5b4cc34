"""The forecast charts of the Forecast & Plan page, from stored runs: the forecast of each
period against its target with the P10–P90 range, one period's forecast over the runs
(and its actual once known), forecast accuracy by method, the movement between the last
two runs, and the managers' calls beside the model.

>>> STEP_LABELS["pipeline to come"]
'Pipeline to come'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from revhub.api.forecast_deals import company_movement, movement_view
from revhub.api.forecast_store import (
    ForecastGrain,
    StoredRun,
    common_period,
    movement_runs,
    period_actual,
    period_span,
)
from revhub.api.forecast_totals import forecast_history
from revhub.api.metric_queries import ValuesRequest, metric_values
from revhub.errors import NotFoundError
from revhub.forecast.movement import STEPS
from revhub.metrics.periods import period_start, periods
from revhub.web.chart_builder import ChartBuilder
from revhub.web.charts import Chart, Series, api_csv_url, unavailable
from revhub.web.filters import Filters

STEP_LABELS = {step: step[:1].upper() + step[1:] for step in STEPS}
METHOD_LABELS = {
    "deal_monte_carlo": "Model",
    "commit_call": "Commit call",
    "best_case_call": "Best-case call",
    "ets": "ETS",
    "arima": "ARIMA",
    "theta": "Theta",
    "drift": "Drift",
    "naive": "Naive",
}


def _grain(run: StoredRun) -> ForecastGrain:
    return "month" if run.period_grain == "month" else "quarter"


def _method_order(method: str) -> tuple[int, str]:
    known = list(METHOD_LABELS)
    return (known.index(method) if method in known else len(known), method)


def target_chart(charts: ChartBuilder, run: StoredRun, totals: list[dict[str, Any]]) -> Chart:
    """Per period: closed, open pipeline and pipeline to come (stacked), the target, and
    the P10–P90 range of the company's (or the caller's deals') forecast."""
    rows = [r for r in totals if r["grouping"] in ("company", "yours")]
    model = all(r["basis"] == "model" for r in rows)
    labels = [charts.fmt.period(r["period_start"], _grain(run)) for r in rows]

    def column(key: str) -> list[float | None]:
        return [None if r[key] is None else float(r[key]) for r in rows]

    series = [
        Series("Closed", column("closed"), "forecast", "bar"),
        Series("Open pipeline", column("open"), "forecast", "bar"),
    ]
    if model:
        series.append(Series("Pipeline to come", column("to_come"), "forecast", "bar"))
    notes = []
    if any(v is not None for v in column("target")):
        series.append(Series("Target", column("target"), kind="line", color="#111827"))
    elif model:
        notes.append("No new-bookings target is stored for these periods.")
    if model:
        series += [
            Series("P10", column("p10"), band="low"),
            Series("P90", column("p90"), band="high"),
        ]
    else:
        notes.append(
            "Your deals' part: won, plus each open deal's amount × its chance to close "
            "in the period. The range and the pipeline still to come are the company's."
        )
    return charts.add(
        Chart(
            "forecast-target",
            "band",
            "New bookings forecast against target",
            "money",
            labels,
            series,
            charts.export_url("forecast-target"),
            "Closed so far, the open pipeline's expected value and the pipeline still to "
            "come, with the range the forecast expects 80% of outcomes in (P10–P90)."
            if model
            else "Won so far and the open deals' expected value, per period.",
            notes,
        )
    )


def arr_chart(charts: ChartBuilder, run: StoredRun, arr: list[dict[str, Any]]) -> Chart | None:
    """ARR at each period's end: the forecast's mean, its P10–P90 range and the target
    (the company's; a manager's teams' summed). None when the run stored no ARR."""
    grouping = "company" if any(r["grouping"] == "company" for r in arr) else "team_id"
    shown = [r for r in arr if r["grouping"] == grouping]
    periods = sorted({r["period_start"] for r in shown})
    if not periods:
        return None

    def column(key: str) -> list[float | None]:
        values = []
        for first in periods:
            found = [r[key] for r in shown if r["period_start"] == first]
            known = [float(v) for v in found if v is not None]
            values.append(sum(known) if known and len(known) == len(found) else None)
        return values

    series = [Series("ARR forecast", column("mean"), "forecast", "line")]
    notes = []
    if any(v is not None for v in column("target")):
        series.append(Series("Target", column("target"), kind="line", color="#111827"))
    else:
        notes.append("No ARR target is stored for these periods.")
    if grouping == "company":
        series += [
            Series("P10", column("p10"), band="low"),
            Series("P90", column("p90"), band="high"),
        ]
    else:
        notes.append("Your teams' accounts (the mean; ranges do not add up across teams).")
    return charts.add(
        Chart(
            "forecast-arr",
            "band",
            "ARR at the end of each period",
            "money",
            [charts.fmt.period(p, _grain(run)) for p in periods],
            series,
            charts.export_url("forecast-arr"),
            "ARR now, less the renewals the model expects to lose, plus the expansion "
            "run-rate and the new bookings forecast, with its P10–P90 range.",
            notes,
        )
    )


def history_chart(charts: ChartBuilder, run: StoredRun, period: dt.date) -> Chart:
    """One period's forecast by the day each run was made, with its range, the CRM's
    calls and (once the period has ended) the actual."""
    grain = _grain(run)
    rows = forecast_history(charts.hub.reader(), grain, period, charts.scope)
    actual = period_actual(charts.hub, charts.scope, grain, period)
    name = "Forecast" if charts.scope.is_all else "Your deals' part"
    series = [Series(name, [r["value"] for r in rows], kind="line")]
    if charts.scope.is_all:
        for key, label in (("commit_call", "Commit call"), ("best_case_call", "Best-case call")):
            series.append(Series(label, [r[key] for r in rows], kind="line"))
        series += [
            Series("P10", [r["low"] for r in rows], band="low"),
            Series("P90", [r["high"] for r in rows], band="high"),
        ]
    notes = ["The actual is not known until the period ends."]
    if actual is not None:
        series.append(Series("Actual", [actual] * len(rows), kind="line", color="#111827"))
        notes = []
    label = charts.fmt.period(period, grain)
    return charts.add(
        Chart(
            "forecast-history",
            "band",
            f"Forecast of {label}, run by run",
            "money",
            [charts.fmt.date(r["made_on"]) for r in rows],
            series,
            charts.export_url("forecast-history"),
            "Each stored run's forecast of the period, with its P10–P90 range."
            if charts.scope.is_all
            else "Each stored run's expected value of your deals in the period.",
            notes,
        )
    )


def accuracy_chart(charts: ChartBuilder, run: StoredRun, first_run: dt.date) -> Chart:
    """Forecast accuracy of new bookings by method, per period since the first run."""
    grain = _grain(run)
    end = charts.hub.default_end()
    start = min(period_start(first_run, grain), period_start(end, grain))
    title = "Forecast accuracy of new bookings by method"
    where = {"metric": ["new_bookings"]}

    def build() -> Chart:
        asked = ValuesRequest("forecast_accuracy", ("method",), grain, start, end, where)
        values = metric_values(charts.hub, charts.scope, asked)
        days = [p.start for p in periods(grain, start, end)]
        index = {d.isoformat(): i for i, d in enumerate(days)}
        found: dict[str, list[float | None]] = {}
        for row in values.rows:
            slot, value = index.get(str(row["period"])[:10]), row["value"]
            if slot is not None and isinstance(value, float) and value == value:
                found.setdefault(str(row["method"]), [None] * len(days))[slot] = value
        order = sorted(found, key=_method_order)
        series = [Series(METHOD_LABELS.get(m, m), found[m]) for m in order]
        filters = Filters(start, end, grain)
        return Chart(
            "forecast-accuracy",
            "bar",
            title,
            "ratio",
            [charts.fmt.period(d, grain) for d in days],
            series,
            api_csv_url("forecast_accuracy", filters, ("method",), where),
            "1 − |actual − forecast| ÷ actual of the forecasts made for each ended period.",
        )

    return charts.safely("forecast-accuracy", title, "ratio", build)


def movement_chart(charts: ChartBuilder, run: StoredRun) -> Chart:
    """Why the forecast moved between the last two runs, step by step."""
    chart_id, title = "forecast-movement", "What moved the forecast"
    con = charts.hub.reader()
    try:
        earlier, later = movement_runs(con, run.period_grain, None, run.made_on)
        period = common_period(con, earlier, later, None)
    except NotFoundError:
        reason = "A movement needs two stored runs forecasting the same period."
        return charts.add(unavailable(chart_id, title, "money", reason))
    moved = company_movement(charts.hub, earlier, later, period)
    view = movement_view(con, moved, run.period_grain, charts.scope)
    steps = [s for s in view["steps"] if s["change"] or s["deals"]]
    fmt = charts.fmt
    categories = [fmt.date(earlier.made_on), *(STEP_LABELS[s["step"]] for s in steps)]
    categories.append(fmt.date(later.made_on))
    values = [view["earlier_total"], *(s["change"] for s in steps), view["later_total"]]
    label = fmt.period(period, _grain(run))
    chart = Chart(
        chart_id,
        "waterfall",
        f"{title}: {label}, {fmt.date(earlier.made_on)} to {fmt.date(later.made_on)}",
        "money",
        categories,
        [Series("Change", values)],
        charts.export_url(chart_id),
        "From the earlier run's forecast to the later one's: each deal's change in one "
        "step (new, pulled in, slipped, amount or probability changes, won, lost), then "
        "the pipeline still to come.",
        [] if charts.scope.is_all else ["Over the deals you see."],
        opening_total=True,
    )
    return charts.add(chart)


def calls_chart(
    charts: ChartBuilder, run: StoredRun, calls: list[dict[str, Any]], period: dt.date
) -> Chart:
    """The commit and best-case calls of each manager beside the model's number on the
    same deals (the company row stays in the table: it dwarfs the managers)."""
    rows = [c for c in calls if c["period_start"] == period]
    managers = [c for c in rows if c["manager_id"] != "all"] or rows
    label = charts.fmt.period(period, _grain(run))
    series = [
        Series(name, [float(c[key]) for c in managers])
        for key, name in (
            ("commit_call", "Commit call"),
            ("best_case_call", "Best-case call"),
            ("model", "Model, same deals"),
        )
    ]
    return charts.add(
        Chart(
            "forecast-calls",
            "bar",
            f"Managers' calls beside the model, {label}",
            "money",
            [str(c["manager"]) for c in managers],
            series,
            charts.export_url("forecast-calls"),
            "Commit call = closed + commit; best-case call = commit call + best case; the "
            "model = closed + each open deal's expected value (pipeline to come left out).",
        )
    )


def period_choices(run: StoredRun, periods: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Each period of ``run`` with its last day."""
    return [period_span(p, run.period_grain) for p in periods]

"""The overview's scorecards as the page shows them: each department's leading and
lagging indicators with actual, target, attainment, status, a sparkline of the trend and
what changed since the previous period.

A change is good when it moves the way the metric wants (up for higher-is-better, down
for lower-is-better); a neutral metric's change is neither.

>>> fmt = Formatter("en_US", "USD")
>>> change_since(110.0, 100.0, "higher", fmt, "May 2026")
Change(arrow='▲', text='+10.0%', tone='good', title='May 2026: 100.0')
>>> change_since(110.0, 100.0, "lower", fmt, "May 2026").tone
'bad'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from revhub.access import Role, may_use
from revhub.metrics.scorecard import Scorecard, ScorecardRow
from revhub.web.chart_builder import ChartBuilder
from revhub.web.charts import Chart, Series, api_csv_url
from revhub.web.filters import Filters
from revhub.web.locale import Formatter

DEPARTMENT_TITLES = {
    "company": "Company",
    "marketing": "Marketing",
    "sales": "Sales",
    "customer_success": "Customer success",
    "partners": "Partners",
    "finance": "Finance",
}
DEPARTMENT_AREA = {
    "company": "overview",
    "marketing": "marketing",
    "sales": "pipeline",
    "customer_success": "revenue",
    "partners": "pipeline",
    "finance": "revenue",
}
"""The area whose roles may see a department's scorecard."""
STATUS_LABELS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_target": "No target",
    "no_data": "No data",
    "not_rated": "Not rated",
}


@dataclass(frozen=True)
class Change:
    """The move since the previous period: an arrow, a signed percentage, good or bad."""

    arrow: str
    text: str
    tone: str
    title: str


@dataclass
class RowView:
    """One scorecard row, formatted."""

    metric: str
    label: str
    description: str
    actual: str
    target: str
    attainment: str
    status: str
    status_label: str
    change: Change | None
    sparkline: Chart | None
    note: str
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class DepartmentView:
    """One department's card: its leading and lagging indicators side by side."""

    key: str
    title: str
    leading: list[RowView]
    lagging: list[RowView]
    export_id: str

    def csv_rows(self) -> list[dict[str, Any]]:
        return [row.raw for row in [*self.leading, *self.lagging]]


def departments_for(role: Role, home: str) -> list[str]:
    """The caller's home department first, then the others their role may see."""
    others = [d for d in DEPARTMENT_TITLES if d != home and may_use(role, DEPARTMENT_AREA[d])]
    return [home, *others]


def change_since(
    actual: float | None,
    previous: float | None,
    direction: str,
    fmt: Formatter,
    when: str,
    unit: str = "",
) -> Change | None:
    """How ``actual`` moved from ``previous`` (the period called ``when``, in ``unit``)."""
    if actual is None or previous is None:
        return None
    title = f"{when}: {fmt.value(previous, unit)}"
    if previous == 0:
        return None if actual == 0 else Change("▲" if actual > 0 else "▼", "new", "neutral", title)
    ratio = (actual - previous) / abs(previous)
    arrow = "▲" if ratio > 0.0005 else "▼" if ratio < -0.0005 else "▶"
    if arrow == "▶" or direction == "neutral":
        tone = "neutral"
    else:
        tone = "good" if (ratio > 0) == (direction == "higher") else "bad"
    return Change(arrow, fmt.percent(ratio, signed=True), tone, title)


def department_view(
    card: Scorecard, key: str, charts: ChartBuilder, descriptions: dict[str, str]
) -> DepartmentView:
    """A department's rows of ``card``, formatted, with sparklines registered."""
    rows = [
        _row_view(row, card, key, i, charts, descriptions)
        for i, row in enumerate(card.departments.get(key, []))
    ]
    view = DepartmentView(
        key,
        DEPARTMENT_TITLES.get(key, key),
        [r for r in rows if r.raw["indicator"] == "leading"],
        [r for r in rows if r.raw["indicator"] != "leading"],
        f"scorecard-{key}",
    )
    return view


def _row_view(
    row: ScorecardRow,
    card: Scorecard,
    key: str,
    index: int,
    charts: ChartBuilder,
    descriptions: dict[str, str],
) -> RowView:
    fmt = charts.fmt
    previous = next((v for v in reversed(row.trend.values) if v is not None), None)
    when = fmt.period(row.trend.periods[-1], card.grain) if row.trend.periods else ""
    change = change_since(row.actual, previous, row.direction, fmt, when, row.unit)
    return RowView(
        metric=row.metric,
        label=row.label,
        description=descriptions.get(row.metric, ""),
        actual=fmt.value(row.actual, row.unit),
        target=fmt.value(row.target, row.unit),
        attainment=fmt.percent(row.attainment, 0),
        status=row.status,
        status_label=STATUS_LABELS.get(row.status, row.status),
        change=change,
        sparkline=_sparkline(row, card, key, index, charts),
        note=row.note,
        raw={
            "department": key,
            "metric": row.metric,
            "label": row.label,
            "unit": row.unit,
            "indicator": row.indicator,
            "period": row.period.isoformat(),
            "actual": row.actual,
            "target": row.target,
            "target_to_date": row.target_to_date,
            "attainment": row.attainment,
            "status": row.status,
            "previous": previous,
            "note": row.note,
        },
    )


def _sparkline(
    row: ScorecardRow, card: Scorecard, key: str, index: int, charts: ChartBuilder
) -> Chart | None:
    values = [*row.trend.values, row.actual]
    if all(v is None for v in values):
        return None
    starts = [*row.trend.periods, row.period]
    labels = [charts.fmt.period(p, card.grain) for p in starts]
    span = Filters(starts[0], card.as_of, "quarter" if card.grain == "quarter" else "month")
    where = {k: [v] for k, v in row.where.items()}
    chart = Chart(
        f"spark-{key}-{index}",
        "line",
        row.label,
        row.unit,
        labels,
        [Series(row.label, values)],
        api_csv_url(row.metric, span, (), where),
        compact=True,
    )
    return charts.add(chart)


@dataclass(frozen=True)
class Tile:
    """A headline figure: a chart series' latest value and its change."""

    label: str
    value: str
    change: Change | None
    description: str
    period: str


def tile(
    charts: ChartBuilder, chart: Chart, direction: str, series: int = 0, name: str = ""
) -> Tile | None:
    """The latest value of ``chart``'s ``series`` as a headline called ``name`` (default:
    the chart's title); None when the series has no value."""
    if chart.unavailable is not None or len(chart.series) <= series:
        return None
    points = [(i, v) for i, v in enumerate(chart.series[series].values) if v is not None]
    if not points:
        return None
    (index, value), previous = points[-1], points[-2] if len(points) > 1 else None
    when = chart.categories[previous[0]] if previous else ""
    change = change_since(
        value, previous[1] if previous else None, direction, charts.fmt, when, chart.unit
    )
    return Tile(
        name or chart.title,
        charts.fmt.value(value, chart.unit),
        change,
        chart.description,
        chart.categories[index],
    )

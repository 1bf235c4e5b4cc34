"""``ChartBuilder``: a page's charts from ``metric_values`` — scoped to the caller, filtered
by the page's filters, remembered while the data stays the same — with a metric the
caller may not see turned into a chart that says so instead of failing the page.

Three shapes cover most charts: ``trend`` (one series per metric over the periods),
``by_member`` (one series per member of a dimension over the periods) and ``per_member``
(one value per member: summed over the range, or the last period's).

>>> ChartBuilder.__name__
'ChartBuilder'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Literal

from revhub.access import RowScope
from revhub.api.hub import Hub
from revhub.api.metric_queries import Values, ValuesRequest, find_metric, metric_values
from revhub.errors import MetricError, PermissionDeniedError
from revhub.metrics.periods import periods
from revhub.metrics.scorecard import label
from revhub.web.charts import Chart, ChartKind, Series, api_csv_url, not_for_role, unavailable
from revhub.web.filters import Filters, member_label
from revhub.web.locale import Formatter


class ChartBuilder:
    """Builds a page's charts for one caller and set of filters; remembers each chart
    so the page can offer its data as CSV (``?export=<chart id>``)."""

    def __init__(
        self,
        hub: Hub,
        scope: RowScope,
        filters: Filters,
        fmt: Formatter,
        page: str,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.hub, self.scope, self.filters, self.fmt = hub, scope, filters, fmt
        self.page, self.extra = page, extra or {}
        self.calendar: list[dt.date] = [
            p.start for p in periods(filters.grain, filters.start, filters.end)
        ]
        self.labels = [fmt.period(p, filters.grain) for p in self.calendar]
        self.charts: dict[str, Chart] = {}

    def export_url(self, id: str) -> str:
        """This page's CSV of one of its charts or tables."""
        return self.filters.href(self.page, **self.extra, export=id)

    def values(self, name: str, by: Sequence[str] = ()) -> tuple[Values, list[str]]:
        """A metric's values by ``by`` under the filters (remembered while the data stays
        the same), and the filters the metric cannot take."""
        metric = find_metric(self.hub, name)
        where, skipped = self.filters.where_for(metric.dimensions)
        f = self.filters
        asked = ValuesRequest(name, tuple(by), f.grain, f.start, f.end, where)
        values = metric_values(self.hub, self.scope, asked)  # remembered by the hub
        return values, skipped

    def add(self, chart: Chart) -> Chart:
        """Keep ``chart`` among the page's charts."""
        self.charts[chart.id] = chart
        return chart

    def safely(self, id: str, title: str, unit: str, build: Callable[[], Chart]) -> Chart:
        """``build()``, or a chart explaining why the caller cannot see it."""
        try:
            return self.add(build())
        except PermissionDeniedError as error:
            return self.add(unavailable(id, title, unit, not_for_role(error)))
        except MetricError as error:
            return self.add(unavailable(id, title, unit, str(error)))

    def filter_notes(self, skipped: Sequence[str], name: str) -> list[str]:
        """What a chart says about the filters metric ``name`` cannot take."""
        return [
            f"The {s} filter does not apply: {label(name)} has no {s} breakdown."
            for s in dict.fromkeys(skipped)
        ]

    def _by_period(
        self, rows: Sequence[dict[str, Any]], key: str | None = None
    ) -> dict[Any, list[float | None]]:
        index = {p.isoformat(): i for i, p in enumerate(self.calendar)}
        out: dict[Any, list[float | None]] = {}
        for row in rows:
            member = row.get(key) if key else None
            slot = index.get(str(row["period"])[:10])
            if slot is not None:
                value = row["value"]
                series = out.setdefault(member, [None] * len(self.calendar))
                series[slot] = None if value is None or value != value else float(value)
        return out

    def trend(
        self,
        id: str,
        names: Sequence[str],
        kind: ChartKind = "line",
        title: str = "",
        *,
        labels: Sequence[str] = (),
        signs: Sequence[int] = (),
        stack: str | None = None,
    ) -> Chart:
        """One series per metric over the periods (the metrics share a unit)."""
        first = find_metric(self.hub, names[0])
        title = title or label(first.name)

        def build() -> Chart:
            series, notes = [], []
            for i, name in enumerate(names):
                values, skipped = self.values(name)
                sign = signs[i] if signs else 1
                points = self._by_period(values.rows).get(None, [None] * len(self.calendar))
                points = [None if v is None else sign * v for v in points]
                series.append(Series(labels[i] if labels else label(name), points, stack))
                notes += self.filter_notes(skipped, name)
            if len(names) == 1:
                where = self.filters.where_for(first.dimensions)[0]
                csv = api_csv_url(first.name, self.filters, (), where)
            else:
                csv = self.export_url(id)
            return Chart(
                id,
                kind,
                title,
                first.unit,
                self.labels,
                series,
                csv,
                first.description,
                list(dict.fromkeys(notes)),
            )

        return self.safely(id, title, first.unit, build)

    def by_member(
        self,
        id: str,
        name: str,
        by: str,
        kind: ChartKind = "line",
        title: str = "",
        *,
        top: int = 10,
        order: Sequence[str] = (),
    ) -> Chart:
        """One series per member of ``by`` over the periods (the largest ``top``)."""
        metric = find_metric(self.hub, name)
        title = title or f"{label(name)} by {by}"

        def build() -> Chart:
            values, skipped = self.values(name, (by,))
            lines = self._by_period(values.rows, by)
            size = {m: sum(abs(v) for v in vs if v is not None) for m, vs in lines.items()}
            members = sorted(lines, key=lambda m: -size[m])[:top]
            if order:
                members = [m for m in order if m in lines]
            stack = "total" if kind == "stacked_bar" else None
            series = [Series(member_label(m), lines[m], stack) for m in members]
            notes = self.filter_notes(skipped, name)
            if len(lines) > len(members) and not order:
                notes.append(f"The {top} largest of {len(lines)} {by} values are shown.")
            where = self.filters.where_for(metric.dimensions)[0]
            return Chart(
                id,
                kind,
                title,
                metric.unit,
                self.labels,
                series,
                api_csv_url(name, self.filters, (by,), where),
                metric.description,
                notes,
            )

        return self.safely(id, title, metric.unit, build)

    def per_member(
        self,
        id: str,
        name: str,
        by: str,
        kind: ChartKind = "bar",
        title: str = "",
        *,
        how: Literal["total", "latest"] = "total",
        order: Sequence[str] = (),
    ) -> Chart:
        """One value per member of ``by``: summed over the range (a flow) or the last
        period's (a snapshot)."""
        metric = find_metric(self.hub, name)
        title = title or f"{label(name)} by {by}"

        def build() -> Chart:
            values, skipped = self.values(name, (by,))
            lines = self._by_period(values.rows, by)
            members = [m for m in order if m in lines] if order else sorted(lines, key=str)

            def one(points: list[float | None]) -> float | None:
                defined = [v for v in points if v is not None]
                if how == "latest":
                    return points[-1] if points else None
                return sum(defined) if defined else None

            series = [Series(label(name), [one(lines[m]) for m in members])]
            where = self.filters.where_for(metric.dimensions)[0]
            return Chart(
                id,
                kind,
                title,
                metric.unit,
                [member_label(m) for m in members],
                series,
                api_csv_url(name, self.filters, (by,), where),
                metric.description,
                self.filter_notes(skipped, name),
            )

        return self.safely(id, title, metric.unit, build)

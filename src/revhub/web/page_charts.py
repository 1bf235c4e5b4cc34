"""Charts made of several metrics: the MRR movements and their bridge, the cohort
retention heatmap, and funnel conversion per stage and per member of a dimension.

Conversion over a range is the moves out of a stage ÷ the entries into it over the
range; ``funnel_conversion`` is that ratio per period, so the range's figure is its
periods' values weighted by their entries (Σ conversion × entries ÷ Σ entries).

>>> weighted([0.5, None, 0.25], [10.0, 0.0, 4.0]) == (0.5 * 10 + 0.25 * 4) / 14
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal

from revhub.api.metric_queries import find_metric
from revhub.metrics.scorecard import label
from revhub.web.chart_builder import ChartBuilder
from revhub.web.charts import NOT_FOR_YOUR_ROLE, Chart, Series, unavailable
from revhub.web.filters import member_label
from revhub.web.tables import Column, Table

MOVEMENTS = (
    ("new_mrr", "New", 1, "#2563eb"),
    ("expansion_mrr", "Expansion", 1, "#059669"),
    ("reactivation_mrr", "Reactivation", 1, "#0891b2"),
    ("contraction_mrr", "Contraction", -1, "#d97706"),
    ("churned_mrr", "Churn", -1, "#dc2626"),
)
STAGES = ("lead", "mql", "sql", "opportunity", "customer")
MOVES = {
    "lead": "Lead → MQL",
    "mql": "MQL → SQL",
    "sql": "SQL → Opportunity",
    "opportunity": "Opportunity → Won",
}
Retention = Literal["revenue", "logo"]


def weighted(rates: Sequence[float | None], weights: Sequence[float | None]) -> float | None:
    """The mean of ``rates`` weighted by ``weights`` (undefined rates left out)."""
    pairs = [(r, w) for r, w in zip(rates, weights, strict=True) if r is not None and w]
    total = sum(w for _, w in pairs)
    return sum(r * w for r, w in pairs) / total if total else None


def mrr_movements(charts: ChartBuilder) -> Chart:
    """New, expansion and reactivation up, contraction and churn down, per period, with
    net new MRR as a line."""
    chart = charts.trend(
        "mrr-movements",
        [m[0] for m in MOVEMENTS],
        "stacked_bar",
        "MRR movements",
        labels=[m[1] for m in MOVEMENTS],
        signs=[m[2] for m in MOVEMENTS],
        stack="mrr",
    )
    if chart.unavailable is None:
        for series, movement in zip(chart.series, MOVEMENTS, strict=True):
            series.color = movement[3]
        net = [_sum(column) for column in zip(*(s.values for s in chart.series), strict=True)]
        chart.series.append(Series("Net new MRR", net, kind="line", color="#111827"))
        chart.description = find_metric(charts.hub, "net_new_mrr").description
    return chart


def mrr_bridge(charts: ChartBuilder, movements: Chart) -> Chart:
    """The last period's movements as a waterfall ending on net new MRR."""
    title = "MRR bridge"
    if movements.unavailable is not None or not movements.categories:
        return charts.add(unavailable("mrr-bridge", title, "money", movements.unavailable or ""))
    last = [s.values[-1] for s in movements.series]
    steps = [*last[:-1], _sum(last[:-1])]
    names = [s.name for s in movements.series[:-1]] + ["Net new MRR"]
    chart = Chart(
        "mrr-bridge",
        "waterfall",
        f"{title}, {movements.categories[-1]}",
        "money",
        names,
        [Series("MRR movement", steps)],
        charts.export_url("mrr-bridge"),
        "How MRR moved in the last period: each movement, then the net change.",
        movements.notes,
    )
    return charts.add(chart)


def _sum(values: Sequence[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) if defined else None


def cohort_heatmap(charts: ChartBuilder, retention: Retention) -> Chart:
    """Retention of each monthly cohort (rows) by months since it first paid (columns)."""
    name = f"{retention}_retention"
    metric = find_metric(charts.hub, name)
    chart_id, title = "cohort-retention", f"{label(name)} by cohort"
    if not charts.scope.is_all:
        reason = f"{NOT_FOR_YOUR_ROLE}: cohorts are shown for all rows only."
        return charts.add(unavailable(chart_id, title, "ratio", reason))
    where, skipped = charts.filters.where_for(metric.dimensions)
    end = charts.filters.end
    key = ("cohort_matrix", name, end, tuple(sorted((k, tuple(v)) for k, v in where.items())))

    def matrix() -> Any:
        with charts.hub.computing() as ws:
            return ws.metrics.cohort_matrix(name, end=end, where=where or None)  # type: ignore[arg-type]

    def build() -> Chart:
        found = charts.hub.cached(key, matrix)
        series, top = [], 1.0
        for cohort, row in found.iterrows():
            values = [None if v != v else float(v) for v in row.tolist()]
            top = max([top, *(v for v in values if v is not None)])
            series.append(Series(charts.fmt.period(cohort, "month"), values))
        return Chart(
            chart_id,
            "heatmap",
            title,
            "ratio",
            [str(c) for c in found.columns],
            series,
            charts.export_url(chart_id),
            metric.description + " Columns: months since the cohort first paid.",
            charts.filter_notes(skipped, name),
            scale=(0.0, min(top, 2.0)),
        )

    return charts.safely(chart_id, title, "ratio", build)


def stage_conversion(charts: ChartBuilder) -> Chart:
    """Each stage's conversion to the next over the whole range."""
    chart_id, title = "stage-conversion", "Conversion to the next stage"

    def build() -> Chart:
        rates, skipped = charts.values("funnel_conversion", ("stage",))
        entries, _ = charts.values("funnel_entries", ("stage",))
        by_rate, by_entries = _series(rates.rows, "stage"), _series(entries.rows, "stage")
        stages = [s for s in STAGES if s in MOVES]
        values = [_range_rate(by_rate.get(s, {}), by_entries.get(s, {})) for s in stages]
        return Chart(
            chart_id,
            "bar",
            title,
            "ratio",
            [MOVES[s] for s in stages],
            [Series("Conversion", values)],
            charts.export_url(chart_id),
            rates.metric.description,
            charts.filter_notes(skipped, "funnel_conversion"),
        )

    return charts.safely(chart_id, title, "ratio", build)


def conversion_by(charts: ChartBuilder, by: str) -> tuple[Chart, Table]:
    """Conversion of each stage per member of ``by`` (a chart), and the funnel per member
    (a table: entries into each stage and each stage's conversion)."""
    chart_id, title = "conversion-by", f"Conversion by {by}"
    table = Table("funnel-by", f"Funnel by {by}", [], [])

    def build() -> Chart:
        rates, skipped = charts.values("funnel_conversion", ("stage", by))
        entries, _ = charts.values("funnel_entries", ("stage", by))
        rate = _nested(rates.rows, by)
        count = _nested(entries.rows, by)
        members = sorted(count, key=lambda m: -sum(sum(p.values()) for p in count[m].values()))
        stages = [s for s in STAGES if s in MOVES]
        table.columns = [
            Column("member", member_label(by)),
            *(Column(f"{s}_entries", f"{member_label(s)} entries", "count") for s in STAGES),
            *(Column(f"{s}_conversion", MOVES[s], "ratio") for s in stages),
        ]
        series = []
        for member in members:
            rates_of = {
                s: _range_rate(rate.get(member, {}).get(s, {}), count[member].get(s, {}))
                for s in stages
            }
            series.append(Series(member_label(member), [rates_of[s] for s in stages]))
            row: dict[str, Any] = {"member": member_label(member)}
            row |= {f"{s}_entries": sum(count[member].get(s, {}).values()) for s in STAGES}
            row |= {f"{s}_conversion": rates_of[s] for s in stages}
            table.rows.append(row)
        table.csv_url = charts.export_url("funnel-by")
        return Chart(
            chart_id,
            "bar",
            title,
            "ratio",
            [MOVES[s] for s in stages],
            series,
            charts.export_url(chart_id),
            rates.metric.description,
            charts.filter_notes(skipped, "funnel_conversion"),
        )

    return charts.safely(chart_id, title, "ratio", build), table


def _series(rows: Sequence[dict[str, Any]], key: str) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        if row["value"] is not None and row["value"] == row["value"]:
            out[str(row[key])][str(row["period"])] = float(row["value"])
    return out


def _nested(rows: Sequence[dict[str, Any]], by: str) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        if row.get(by) is not None and row["value"] is not None and row["value"] == row["value"]:
            out[str(row[by])][str(row["stage"])][str(row["period"])] = float(row["value"])
    return out


def _range_rate(rates: dict[str, float], entries: dict[str, float]) -> float | None:
    periods = sorted(entries)
    return weighted([rates.get(p) for p in periods], [entries[p] for p in periods])

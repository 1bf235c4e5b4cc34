"""Chart specs built in Python from metric values; ``static/app.js`` draws them.

A ``Chart`` is what a page shows: a kind (line, bar, stacked_bar, waterfall, heatmap,
funnel, band), category labels, named series of values, the unit they are in, and where its
data can be downloaded (``csv_url``). ``chart_builder.ChartBuilder`` makes the usual ones
from metric values; a chart the caller may not see carries the reason (``unavailable``).

>>> chart = Chart("arr", "line", "ARR", "money", ["Jan 2026"], [Series("ARR", [1.0])])
>>> chart.spec()["series"], chart.has_data
([{'name': 'ARR', 'values': [1.0]}], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, urlencode

from revhub.errors import PermissionDeniedError
from revhub.web.filters import Filters

ChartKind = Literal["line", "bar", "stacked_bar", "waterfall", "heatmap", "funnel", "band"]
NOT_FOR_YOUR_ROLE = "Not available for your role"


@dataclass
class Series:
    """One named row of values; ``stack`` groups stacked bars, ``kind`` draws a line in
    a bar chart, ``color`` fixes its colour; in a ``band`` chart, ``band`` marks the
    ``low`` and ``high`` edges of the shaded range (P10–P90)."""

    name: str
    values: list[float | None]
    stack: str | None = None
    kind: str | None = None
    color: str | None = None
    band: Literal["low", "high"] | None = None

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "values": self.values}
        extra = (
            ("stack", self.stack),
            ("kind", self.kind),
            ("color", self.color),
            ("band", self.band),
        )
        return out | {k: v for k, v in extra if v}


@dataclass
class Chart:
    """What one chart shows (a heatmap: ``categories`` across, one series per row; a
    waterfall: steps ending on a total, and starting on one with ``opening_total``)."""

    id: str
    kind: ChartKind
    title: str
    unit: str
    categories: list[str]
    series: list[Series]
    csv_url: str = ""
    description: str = ""
    notes: list[str] = field(default_factory=list)
    unavailable: str | None = None
    compact: bool = False
    scale: tuple[float, float] | None = None
    opening_total: bool = False

    @property
    def has_data(self) -> bool:
        return any(v is not None for s in self.series for v in s.values)

    def spec(self) -> dict[str, Any]:
        """The JSON ``app.js`` draws."""
        out = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "unit": self.unit,
            "categories": self.categories,
            "series": [s.spec() for s in self.series],
            "csv_url": self.csv_url,
            "compact": self.compact,
        }
        if self.scale:
            out["scale"] = list(self.scale)
        if self.opening_total:
            out["opening_total"] = True
        return out

    def csv_rows(self) -> list[dict[str, Any]]:
        """The chart's data as rows: one per category (a heatmap: one per series)."""
        if self.kind == "heatmap":
            return [
                {"row": s.name, **dict(zip(self.categories, s.values, strict=True))}
                for s in self.series
            ]
        return [
            {"category": c, **{s.name: s.values[i] for s in self.series}}
            for i, c in enumerate(self.categories)
        ]


def not_for_role(error: PermissionDeniedError) -> str:
    """Why a chart is not shown to the caller, in their words.

    >>> not_for_role(PermissionDeniedError("your", "`arr`: it cannot be narrowed to your rows"))
    'Not available for your role: it cannot be narrowed to your rows.'
    """
    reason = error.what.split(": ", 1)[1] if ": " in error.what else f"it shows {error.what}"
    return f"{NOT_FOR_YOUR_ROLE}: {reason.rstrip('.')}."


def unavailable(id: str, title: str, unit: str, reason: str) -> Chart:
    """A chart that shows ``reason`` instead of data."""
    return Chart(id, "line", title, unit, [], [], unavailable=reason)


def api_csv_url(name: str, filters: Filters, by: Sequence[str], where: dict[str, list[str]]) -> str:
    """The API's CSV download of a metric's values with the chart's parameters.

    >>> import datetime as dt
    >>> f = Filters(dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    >>> api_csv_url("arr", f, ["region"], {"segment": ["smb"]})
    '/api/metrics/arr/values?grain=month&start=2025-07-01&end=2026-06-30&by=region&where=segment%3Asmb&format=csv'
    """
    params = [
        ("grain", filters.grain),
        ("start", filters.start.isoformat()),
        ("end", filters.end.isoformat()),
    ]
    params += [("by", b) for b in by]
    params += [("where", f"{k}:{','.join(v)}") for k, v in where.items()]
    return f"/api/metrics/{quote(name)}/values?" + urlencode([*params, ("format", "csv")])

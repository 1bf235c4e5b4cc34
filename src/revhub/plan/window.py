"""A metric measured over a whole window: one value per group for the window, with the
parts it is made of, so the plan uses exactly the numbers revhub reports.

``ws.metrics.compute`` gives one value per calendar period. A plan needs a rate over a
trailing window that need not line up with calendar years (the 12 whole months before
the as-of month), and it needs the sample behind each rate to smooth thin segments.
``measure_over`` builds the metric's own facts (``Metric.facts``) for the window and
applies the metric's own measure (``Metric.measure``) grouped by the dimensions asked,
without the period; for a ratio it also returns the numerator and the denominator.
Over a window that is exactly one calendar year it equals ``compute(grain="year")``.

``Frames`` hands out one frame per grain and range. Kept open, it stores each frame's
shared intermediates (funnel entries, deal facts) as temporary tables the first time
they are used, so the many measures of a plan build them once; closing it drops them.

>>> import datetime as dt
>>> whole_months(dt.date(2026, 7, 15), 12)
(datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from revhub.errors import MetricError
from revhub.metrics.core import Formula, Grain, Ratio
from revhub.metrics.periods import add_months

if TYPE_CHECKING:
    from revhub.metrics.frame import Frame
    from revhub.workspace import Workspace


def whole_months(as_of: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the ``months`` whole months before the month of
    ``as_of``: the trailing window rates are measured over (it ends before ``as_of``)."""
    start = add_months(as_of, -months)
    end = as_of.replace(day=1) - dt.timedelta(days=1)
    return start, end


class Frames:
    """Frames of one workspace, one per (grain, start, end); with ``store`` their shared
    intermediates become temporary tables until ``close`` (a context manager)."""

    def __init__(self, ws: Workspace, *, store: bool = True) -> None:
        self._ws = ws
        self._store = store
        self._frames: dict[tuple[str, dt.date, dt.date], Frame] = {}
        self._tables: list[str] = []

    def get(self, grain: Grain, start: dt.date, end: dt.date) -> Frame:
        """The frame of ``grain`` over [start, end]."""
        key = (grain, start, end)
        if key not in self._frames:
            hook = self._stored if self._store else None
            self._frames[key] = self._ws.metrics.frame(grain, start, end, materialise=hook)
        return self._frames[key]

    def _stored(self, name: str, table: ibis.Table) -> ibis.Table:
        temporary = f"_rh_plan_{name}_{uuid.uuid4().hex[:10]}"
        self._tables.append(temporary)
        stored: ibis.Table = self._ws.con.create_table(temporary, table, temp=True)
        return stored

    def close(self) -> None:
        """Drop the temporary tables; the frames cannot be used after."""
        for name in self._tables:
            self._ws.con.drop_table(name, force=True)
        self._tables.clear()
        self._frames.clear()

    def __enter__(self) -> Frames:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def measure_over(
    ws: Workspace,
    name: str,
    *,
    start: dt.date,
    end: dt.date,
    by: Sequence[str] = (),
    grain: Grain | None = None,
    frame: Frame | None = None,
) -> pd.DataFrame:
    """Metric ``name`` over [start, end] by ``by``: columns ``by``, ``value``, ``facts``
    (rows behind the value) and, for a ratio, ``numerator`` and ``denominator``.

    With ``grain`` the values are per period of that grain (a ``period`` column first),
    otherwise one value for the whole window. ``frame`` reuses a frame built for the
    same range (its shared intermediates are built once). Formula metrics (built from
    other metrics) are refused: measure their inputs instead.
    """
    metric = ws.metrics.get(name)
    if isinstance(metric.measure, Formula) or metric.facts is None:
        raise MetricError(name, "is a formula of other metrics; measure its inputs instead.")
    frame = frame or ws.metrics.frame(grain or "month", start, end)
    facts = metric.facts(frame)
    first, last = frame.calendar[0].start, frame.calendar[-1].start
    facts = facts.filter((facts.period >= first) & (facts.period <= last))
    keys = [*(["period"] if grain else []), *by]
    measure = metric.measure
    parts: dict[str, ibis.Value] = {
        "value": measure.value(facts).cast("float64"),
        "facts": facts.count().cast("int64"),
    }
    if isinstance(measure, Ratio):
        parts["numerator"] = measure.numerator.value(facts).cast("float64")
        parts["denominator"] = measure.denominator.value(facts).cast("float64")
    values = facts.group_by(keys).aggregate(**parts) if keys else facts.aggregate(**parts)
    result: pd.DataFrame = values.to_pandas()
    if "period" in result.columns:
        result["period"] = pd.to_datetime(result["period"]).dt.date
    return result.sort_values(keys).reset_index(drop=True) if keys else result

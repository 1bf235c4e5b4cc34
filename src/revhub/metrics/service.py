"""``ws.metrics``: list, describe and compute metrics on a workspace.

>>> import tempfile, revhub
>>> with revhub.init(tempfile.mkdtemp()) as ws:
...     table = ws.metrics.compute("mrr", grain="month", start=dt.date(2026, 1, 1),
...                                end=dt.date(2026, 3, 31))
>>> table.value.tolist()
[0.0, 0.0, 0.0]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import ibis

from revhub.errors import MetricError
from revhub.metrics.compute import WhereValue, metric_values
from revhub.metrics.core import GRAINS, Grain, Metric
from revhub.metrics.custom import workspace_custom_metrics
from revhub.metrics.frame import Frame, Materialise
from revhub.metrics.periods import EARLIEST_DAY, default_start
from revhub.metrics.registry import get_metric, shipped_metrics

if TYPE_CHECKING:
    from revhub.workspace import Workspace

Output = Literal["pandas", "arrow", "polars", "ibis"]


class Metrics:
    """The metrics of one workspace; reach it as ``ws.metrics``."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._custom: tuple[float | None, tuple[Metric, ...]] = (None, ())

    def list(self) -> list[Metric]:
        """Every metric this workspace knows: the shipped catalogue, then its own."""
        return [*shipped_metrics().values(), *self.custom()]

    def get(self, name: str) -> Metric:
        """The metric called ``name``, or a MetricError with the nearest name."""
        return get_metric(name, extra=self.custom())

    def default_end(self) -> dt.date:
        """Where metrics end unless told: the last complete day, the day before the
        workspace's as-of date (the demo's history ends the day before it; a live
        workspace's today is still running)."""
        return self._ws.as_of() - dt.timedelta(days=1)

    def custom(self) -> tuple[Metric, ...]:
        """The workspace's own SQL metrics (``[metrics] custom``), read again whenever
        the file changes; see ``revhub.metrics.custom``."""
        path = self._ws.root / self._ws.settings.metrics.custom
        stamp = path.stat().st_mtime if path.exists() else None
        if stamp != self._custom[0]:
            self._custom = (stamp, workspace_custom_metrics(self._ws))
        return self._custom[1]

    def frame(
        self,
        grain: Grain = "month",
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        materialise: Materialise | None = None,
    ) -> Frame:
        """The frame metrics are built in: this workspace's tables over [start, end]
        (default: the trailing year, 8 quarters... ending on ``default_end()``)."""
        if grain not in GRAINS:
            raise MetricError("*", f"unknown grain `{grain}`; use one of {', '.join(GRAINS)}.")
        end = end or self.default_end()
        start = start or default_start(grain, end)
        if start < EARLIEST_DAY:
            raise MetricError(
                "*", f"cannot compute from {start}: metrics start on or after {EARLIEST_DAY}."
            )
        tables, sql = self._table, self._ws.con.sql
        if self._ws.settings.engine.kind == "spark":
            from revhub.metrics.spark import spark_tables

            spark = spark_tables(self._ws.settings)
            tables, sql, materialise = spark.table, spark.sql, spark.materialise
        return Frame(
            tables,
            grain=grain,
            start=start,
            end=end,
            settings=self._ws.settings.metrics,
            materialise=materialise,
            sql=sql,
        )

    def _table(self, name: str) -> ibis.Table | None:
        if name.startswith("resolve."):
            table = name.removeprefix("resolve.")
            con = self._ws.con
            return con.table(table, database="resolve") if _has(con, "resolve", table) else None
        return self._ws.table(name)

    def expression(
        self,
        name: str,
        *,
        by: Sequence[str] = (),
        grain: Grain = "month",
        start: dt.date | None = None,
        end: dt.date | None = None,
        where: Mapping[str, WhereValue] | None = None,
    ) -> ibis.Table:
        """The Ibis expression of ``compute`` (not run)."""
        frame = self.frame(grain, start, end)
        return metric_values(self.get(name), frame, by=by, where=where)

    def compute(
        self,
        name: str,
        *,
        by: Sequence[str] = (),
        grain: Grain = "month",
        start: dt.date | None = None,
        end: dt.date | None = None,
        where: Mapping[str, WhereValue] | None = None,
        output: Output = "pandas",
    ) -> Any:
        """The values of metric ``name``: one row per period (its first day) and value of
        each dimension in ``by``, with a ``value`` column.

        ``where`` keeps facts whose dimensions match (``{"segment": "enterprise"}`` or a
        list of values). ``output`` is ``pandas`` (default), ``arrow``, ``polars`` or
        ``ibis`` (the expression, not run).
        """
        expression = self.expression(name, by=by, grain=grain, start=start, end=end, where=where)
        if output == "ibis":
            return expression
        if output == "arrow":
            return expression.to_pyarrow()
        if output == "polars":
            return expression.to_polars()
        if output == "pandas":
            return expression.to_pandas()
        raise MetricError(name, f"unknown output `{output}`; use pandas, arrow, polars or ibis.")

    def cohort_matrix(
        self,
        name: Literal["logo_retention", "revenue_retention"] = "logo_retention",
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        where: Mapping[str, WhereValue] | None = None,
    ) -> Any:
        """The cohort retention matrix: one row per cohort (first paid month), one column
        per month since it first paid (0, 1, 2, ...), as a pandas DataFrame.

        ``start`` defaults to the workspace's first month of history.
        """
        from revhub.metrics.materialise import history_start

        end = end or self.default_end()
        start = start or history_start(self._ws, end)
        values = self.compute(name, by=["cohort"], start=start, end=end, where=where)
        values = values[values.cohort.notna()]
        months = [
            (p.year - c.year) * 12 + p.month - c.month
            for p, c in zip(values.period, values.cohort, strict=True)
        ]
        values = values.assign(months_since=months)
        return values.pivot(index="cohort", columns="months_since", values="value")


def _has(con: Any, database: str, table: str) -> bool:
    return table in con.list_tables(database=database)

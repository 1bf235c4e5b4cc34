"""``revhub compute``: every metric's default tables, computed in one run and stored.

Dashboards read stored results instead of computing on every page view. For each grain
asked (monthly by default), each metric is computed for the whole company and by each
of its default dimensions, over the workspace's whole history, into one long table
``metrics.results``::

    metric | grain | period | dimension | member | value
    mrr    | month | 2026-10-01 | NULL     | NULL       | 687261.61   (the company)
    mrr    | month | 2026-10-01 | segment  | enterprise | 440422.70

``dimension`` is null for the company-wide row; ``member`` is null when the dimension's
value is unknown. A metric that is always sliced (funnel conversion, by stage) is stored
by that dimension only. Intermediate tables that several metrics share (item MRR, monthly
movements, snapshots) are stored once per grain as temporary tables, so they are built
once. The new results replace the old in one transaction; ``metrics.runs`` records each
run.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis

from revhub import engine
from revhub.metrics.compute import metric_values
from revhub.metrics.core import Grain, Metric
from revhub.metrics.periods import add_months

if TYPE_CHECKING:
    from revhub.workspace import Workspace

SCHEMA = "metrics"
RESULTS_SCHEMA = ibis.schema(
    {
        "metric": "string",
        "grain": "string",
        "period": "date",
        "dimension": "string",
        "member": "string",
        "value": "float64",
    }
)
RUNS_SCHEMA = ibis.schema(
    {
        "run_id": "string",
        "computed_at": "timestamp",
        "grains": "string",
        "start_date": "date",
        "end_date": "date",
        "metrics": "int64",
        "rows": "int64",
        "seconds": "float64",
    }
)
# Where history starts: the earliest of these dates in the workspace.
_HISTORY_STARTS = (
    ("subscriptions", "start_date"),
    ("opportunities", "created_date"),
    ("leads", "created_at"),
    ("invoices", "invoice_date"),
    ("marketing_spend", "month"),
)


@dataclass(frozen=True)
class ComputeReport:
    """What ``compute_all`` stored."""

    run_id: str
    grains: tuple[Grain, ...]
    start: dt.date
    end: dt.date
    metrics: int
    rows: int
    seconds: float


def history_start(ws: Workspace, end: dt.date) -> dt.date:
    """The first day of the month the workspace's history starts in (a year before
    ``end`` when the workspace is empty)."""
    earliest = [
        ws.table(name)[column].cast("date").min().to_pyarrow().as_py()
        for name, column in _HISTORY_STARTS
    ]
    days = [d for d in earliest if d is not None]
    first = min(days) if days else add_months(end, -11)
    return first.replace(day=1)


def compute_all(
    ws: Workspace,
    *,
    grains: Sequence[Grain] = ("month",),
    start: dt.date | None = None,
    end: dt.date | None = None,
    metrics: Sequence[Metric] | None = None,
    on_metric: Callable[[Metric], None] | None = None,
) -> ComputeReport:
    """Compute every metric (or ``metrics``) at each of ``grains`` for the company and
    by each default dimension, and store them in ``metrics.results``."""
    began = time.perf_counter()
    end = end or ws.metrics.default_end()
    start = start or history_start(ws, end)
    chosen = list(metrics or ws.metrics.list())
    con = ws.con
    run_id = f"metrics_{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}_{uuid.uuid4().hex[:6]}"
    staging = f"_rh_results_{uuid.uuid4().hex[:8]}"
    con.create_table(staging, schema=RESULTS_SCHEMA, temp=True)
    for grain in grains:
        frame = ws.metrics.frame(grain, start, end, materialise=_temporary(con, grain))
        for metric in chosen:
            if grain not in metric.grains:
                continue
            if on_metric:
                on_metric(metric)
            # computed on the frame's engine (DuckDB or Spark), stored in the workspace
            con.insert(staging, _long(metric, grain, frame).to_pyarrow())
    rows = int(con.table(staging).count().execute())
    seconds = time.perf_counter() - began
    report = ComputeReport(run_id, tuple(grains), start, end, len(chosen), rows, seconds)
    _store(con, staging, report)
    return report


def _long(metric: Metric, grain: Grain, frame: Any) -> ibis.Table:
    """The metric's company-wide and per-dimension values in the long shape."""
    parts = []
    # a metric always sliced by a dimension (funnel stage) is stored by it alone
    dimensions: tuple[str | None, ...] = metric.always_by[:1] or (
        None,
        *metric.default_dimensions,
    )
    for dimension in dimensions:
        by = [dimension] if dimension else []
        values = metric_values(metric, frame, by=by)
        parts.append(
            values.select(
                metric=ibis.literal(metric.name),
                grain=ibis.literal(grain),
                period=values.period.cast("date"),
                dimension=ibis.literal(dimension, type="string"),
                member=values[dimension].cast("string") if dimension else ibis.null("string"),
                value=values.value.cast("float64"),
            )
        )
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def _temporary(con: Any, grain: Grain) -> Callable[[str, ibis.Table], ibis.Table]:
    """The frame's hook that stores a shared intermediate once, as a temporary table."""

    def store(name: str, table: ibis.Table) -> ibis.Table:
        return con.create_table(f"_rh_{name}_{grain}", table, temp=True, overwrite=True)

    return store


def _store(con: Any, staging: str, report: ComputeReport) -> None:
    con.raw_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    for name, schema in (("results", RESULTS_SCHEMA), ("runs", RUNS_SCHEMA)):
        if name not in con.list_tables(database=SCHEMA):
            con.create_table(name, schema=schema, database=SCHEMA)
    run = ibis.memtable(
        {
            "run_id": [report.run_id],
            "computed_at": [dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            "grains": [",".join(report.grains)],
            "start_date": [report.start],
            "end_date": [report.end],
            "metrics": [report.metrics],
            "rows": [report.rows],
            "seconds": [round(report.seconds, 3)],
        },
        schema=RUNS_SCHEMA,
    )
    grains = ", ".join(f"'{g}'" for g in report.grains)
    with engine.transaction(con):
        con.raw_sql(f"DELETE FROM {SCHEMA}.results WHERE grain IN ({grains})")
        con.raw_sql(f"INSERT INTO {SCHEMA}.results SELECT * FROM {staging}")
        con.insert("runs", run, database=SCHEMA)
    con.drop_table(staging)

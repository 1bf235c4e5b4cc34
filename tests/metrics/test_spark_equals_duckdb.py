"""Every shipped metric gives the same values on Spark as on DuckDB, from the same definitions.

The demo company is loaded and resolved (so the crosswalk and golden accounts are read),
exported with `revhub export` and opened in a local Spark session through the
workspace's own ``[engine] kind = "spark"`` path. Every metric in the registry is
computed monthly over the last 12 months on both engines; every third one also
quarterly by its first default dimension. The golden cases run on Spark too.

Spark's fixed cost per query (parsing and planning the SQL, starting its jobs) is what
takes the time at this size, so the session is tuned for tiny queries, and the Spark
side runs in two background threads, submitted in test order: while Spark works on one
query, Python compiles the next one and DuckDB computes its own side.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import ibis.expr.operations as ops
import pytest
from golden_cases import Case, all_cases, assert_rows, case_expression

import revhub
from revhub.demo.generator import GenerationReport
from revhub.demo.spec import DemoSpec
from revhub.export import export_workspace
from revhub.metrics.compute import metric_values
from revhub.metrics.core import Grain, Metric
from revhub.metrics.frame import Frame
from revhub.metrics.materialise import compute_all
from revhub.metrics.periods import add_months
from revhub.metrics.registry import get_metric, shipped_metrics
from revhub.metrics.spark import SparkTables, close_spark, spark_tables

pytestmark = [
    pytest.mark.slow,
    # PySpark 4.0's collect() leaves closing its result socket to the garbage collector
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
]

# Tuned for many tiny queries: a JIT that stops at its quick first tier, no generated
# code, one shuffle partition, no re-planning (together they halve the module's time).
SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.driver.memory": "1g",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}
Request = tuple[Metric, Grain, tuple[str, ...]]
Rows = list[dict[str, Any]]

METRICS = list(shipped_metrics().values())
REQUESTS: list[Request] = [(m, "month", ()) for m in METRICS if "month" in m.grains]
REQUESTS += [
    (m, "quarter", m.default_dimensions[:1])
    for m in METRICS[::3]
    if m.default_dimensions and "quarter" in m.grains
]
CASES = all_cases()
# A custom metric in DuckDB's SQL (``::`` casts, ILIKE), reading resolution outputs.
CUSTOM_METRICS = """
metrics:
  enterprise_pipeline:
    description: Pipeline created in enterprise companies.
    unit: money
    direction: higher
    department: sales
    aggregate: sum
    sql: |
      SELECT o.created_date AS day, o.amount_base::DOUBLE AS value,
             coalesce(o.source_channel, 'unknown') AS channel
      FROM opportunities AS o
      JOIN resolve.crosswalk AS c ON c.record_id = o.account_id AND c.entity = 'account'
      JOIN resolve.golden_accounts AS g ON g.entity_id = c.entity_id
      WHERE g.segment ILIKE 'enter%'
"""


def _request_id(request: Request) -> str:
    metric, grain, by = request
    return "-".join((metric.name, grain, *by))


@pytest.fixture(scope="module")
def workspaces(
    demo_data: GenerationReport, demo_spec: DemoSpec, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[revhub.Workspace, revhub.Workspace]]:
    """The resolved demo company on DuckDB, and the same workspace computing on Spark."""
    root = tmp_path_factory.mktemp("spark-ws")
    with revhub.init(root) as duck:
        duck.load(demo_data.out)
        duck.set_meta("as_of", demo_spec.as_of.isoformat())
        duck.resolve()
        (root / "metrics.yaml").write_text(CUSTOM_METRICS)
        export_workspace(duck, root / "lake")
        engine = {"kind": "spark", "spark_master": "local[2]", "spark_tables": "lake/"}
        with revhub.open(root, engine={**engine, "spark_conf": SPARK_CONF}) as spark:
            yield duck, spark
    close_spark()


@pytest.fixture(scope="module")
def on_spark(
    workspaces: tuple[revhub.Workspace, revhub.Workspace], request: pytest.FixtureRequest
) -> Iterator[dict[str, Future[Rows]]]:
    """The Spark side of every selected test of the module, started in the background
    in test order: metric requests by request id, golden cases by case name."""
    spark = workspaces[1]
    frames = {grain: _frame(spark, grain) for grain in ("month", "quarter")}
    tables = spark_tables(spark.settings)
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="spark")
    futures: dict[str, Future[Rows]] = {}
    for item in request.session.items:
        params = getattr(item, "callspec", None)
        if item.path != request.path or params is None:
            continue
        if "request_" in params.params:
            metric, grain, by = params.params["request_"]
            futures[params.id] = pool.submit(_values, metric, frames[grain], by)
        else:
            case = params.params["case"]
            futures[case.name] = pool.submit(_golden_rows, tables, case)
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


def _frame(ws: revhub.Workspace, grain: Grain) -> Frame:
    """The last 12 whole months (4 quarters) before the workspace's as-of date."""
    end = ws.as_of() - dt.timedelta(days=1)
    return ws.metrics.frame(grain, add_months(end.replace(day=1), -11), end)


def _values(metric: Metric, frame: Frame, by: tuple[str, ...]) -> Rows:
    rows: Rows = metric_values(metric, frame, by=by).to_pyarrow().to_pylist()
    return rows


def _golden_rows(tables: SparkTables, case: Case) -> Rows:
    """A golden case computed by Spark. Its in-memory tables are handed to Spark as
    Arrow: ibis 12 hands them over through pandas, which fails on a null decimal."""
    con = tables.con
    expression = case_expression(case)
    for table in expression.op().find(ops.InMemoryTable):
        if table not in con._memtables:
            arrow = table.data.to_pyarrow(table.schema)
            con._session.createDataFrame(arrow).createOrReplaceTempView(table.name)
            con._memtables.add(table)
    rows: Rows = con.to_pyarrow(expression).to_pylist()
    return rows


@pytest.fixture(scope="module")
def duck_frames(workspaces: tuple[revhub.Workspace, revhub.Workspace]) -> dict[Grain, Frame]:
    return {grain: _frame(workspaces[0], grain) for grain in ("month", "quarter")}


@pytest.mark.parametrize("request_", REQUESTS, ids=[_request_id(r) for r in REQUESTS])
def test_metric_is_equal_on_spark(
    request_: Request, duck_frames: dict[Grain, Frame], on_spark: dict[str, Future[Rows]]
) -> None:
    metric, grain, by = request_
    duck = _values(metric, duck_frames[grain], by)
    spark = on_spark[_request_id(request_)].result()
    _assert_same(_request_id(request_), duck, spark)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case_on_spark(case: Case, on_spark: dict[str, Future[Rows]]) -> None:
    assert_rows(case, on_spark[case.name].result())


def test_spark_reads_what_export_wrote(
    workspaces: tuple[revhub.Workspace, revhub.Workspace],
) -> None:
    duck, spark = workspaces
    tables = spark_tables(spark.settings)
    assert tables.table("resolve.golden_accounts") is not None
    assert tables.table("resolve.match_explanations") is None
    query = (
        "SELECT count(*) AS n FROM accounts AS a "
        "JOIN resolve.crosswalk c ON a.account_id = c.record_id AND c.entity = 'account'"
    )
    counted = tables.sql(query).to_pyarrow()["n"][0].as_py()
    assert counted == duck.table("accounts").count().execute()


def test_custom_sql_metric_is_equal_on_spark(
    workspaces: tuple[revhub.Workspace, revhub.Workspace],
) -> None:
    duck, spark = workspaces
    frame = _frame(duck, "quarter")
    request = {"grain": "quarter", "start": frame.start, "end": frame.end, "by": ["channel"]}
    want = duck.metrics.compute("enterprise_pipeline", **request, output="arrow")
    got = spark.metrics.compute("enterprise_pipeline", **request, output="arrow")
    assert want.num_rows > 4, "the custom metric should find enterprise pipeline"
    _assert_same("enterprise_pipeline", want.to_pylist(), got.to_pylist())


def test_compute_stores_the_same_results_from_spark(
    workspaces: tuple[revhub.Workspace, revhub.Workspace],
) -> None:
    duck, spark = workspaces
    chosen = [get_metric(name) for name in ("mrr", "win_rate", "funnel_conversion")]
    stored = []
    for ws in (spark, duck):
        end = ws.metrics.default_end()
        compute_all(ws, start=add_months(end, -5), end=end, metrics=chosen)
        results = ws.con.table("results", database="metrics").to_pyarrow().to_pylist()
        stored.append([{k: v for k, v in r.items() if k != "grain"} for r in results])
    from_spark, from_duck = stored
    assert len(from_duck) > 12
    _assert_same("revhub compute", _keyed_rows(from_duck), _keyed_rows(from_spark))


def _keyed_rows(rows: Rows) -> Rows:
    return [
        {"key": (r["metric"], r["period"], r["dimension"], r["member"]), "value": r["value"]}
        for r in rows
    ]


def _assert_same(where: str, duck: Rows, spark: Rows) -> None:
    """Same rows (period and members), values within 1e-6 relative, nulls alike."""

    def keyed(rows: Rows) -> dict[tuple[Any, ...], Any]:
        return {tuple(v for k, v in sorted(r.items()) if k != "value"): r["value"] for r in rows}

    want, got = keyed(duck), keyed(spark)
    assert len(want) == len(duck) and len(got) == len(spark), f"{where}: duplicate rows"
    assert sorted(got, key=str) == sorted(want, key=str), f"{where}: periods/members differ"
    for key, w in want.items():
        g = got[key]
        if _null(w) or _null(g):
            assert _null(w) and _null(g), f"{where} at {key}: DuckDB {w}, Spark {g}"
        else:
            assert math.isclose(g, w, rel_tol=1e-6, abs_tol=1e-9), (
                f"{where} at {key}: DuckDB {w}, Spark {g}"
            )


def _null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))

"""Custom metrics: a company's own metrics, written as SQL over the canonical tables.

``[metrics] custom`` names a YAML file (``metrics.yaml``) in the workspace::

    metrics:
      enterprise_pipeline:
        description: Pipeline created in enterprise accounts.
        unit: money              # money, count, ratio, days, months, ... (core.Unit)
        direction: higher        # higher | lower | neutral
        department: sales        # company, marketing, sales, customer_success, ...
        indicator: leading       # leading | lagging (default lagging)
        aggregate: sum           # sum | count | count_distinct | mean | median of `value`
        sql: |
          SELECT o.created_date AS day, o.amount_base AS value, o.source_channel AS channel
          FROM opportunities AS o JOIN accounts AS a ON a.account_id = o.account_id
          WHERE a.segment = 'enterprise'

The query returns one row per fact: ``day`` (a date or timestamp placing the row in a
period), ``value`` (what ``aggregate`` reduces) and any other columns, which become the
metric's dimensions. Rows whose day falls outside the range asked for are dropped, so a
custom metric offers every grain. The SQL reads tables as stored: ``account_id`` is the
source record's id (join ``resolve.crosswalk`` to count companies once).

Every file is checked before any metric runs, and all problems are reported at once:
its keys and values here, its SQL by ``revhub.metrics.custom_sql``: one statement, a
SELECT (or a UNION of them) over canonical tables and ``resolve.<table>`` only, no table
functions, no file or system access, every column known, ``day`` and ``value`` returned,
``value`` numeric when the aggregate needs it.

>>> metrics = parse_custom_metrics(
...     "metrics:\\n  won_amount:\\n    description: Amount won.\\n    unit: money\\n"
...     "    direction: higher\\n    department: sales\\n    aggregate: sum\\n"
...     "    sql: SELECT closed_date AS day, amount_base AS value, source_channel AS channel"
...     " FROM opportunities WHERE is_won", "metrics.yaml")
>>> metrics[0].dimensions, metrics[0].measure
(('channel',), Sum(column='value', additive=True))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import ibis

from revhub.errors import ConfigError, MetricError, did_you_mean
from revhub.metrics.core import (
    DEPARTMENT_ORDER,
    GRAINS,
    Count,
    CountDistinct,
    Direction,
    Indicator,
    Mean,
    Measure,
    Median,
    Metric,
    Sum,
    Unit,
)
from revhub.metrics.custom_sql import ResolveTables, check_sql, resolve_tables_of
from revhub.metrics.registry import shipped_metrics
from revhub.yaml_text import parse_yaml

if TYPE_CHECKING:
    from revhub.metrics.frame import Frame
    from revhub.workspace import Workspace

CUSTOM_TAG = "custom"
AGGREGATES: dict[str, Callable[[], Measure]] = {
    "sum": lambda: Sum("value"),
    "count": Count,
    "count_distinct": lambda: CountDistinct("value"),
    "mean": lambda: Mean("value"),
    "median": lambda: Median("value"),
}
NUMERIC_AGGREGATES = ("sum", "mean", "median")
_REQUIRED = ("description", "unit", "direction", "department", "aggregate", "sql")
_KEYS = (*_REQUIRED, "indicator", "formula", "edge_cases")
_CHOICES: dict[str, tuple[str, ...]] = {
    "unit": get_args(Unit),
    "direction": get_args(Direction),
    "indicator": get_args(Indicator),
    "department": DEPARTMENT_ORDER,
    "aggregate": tuple(AGGREGATES),
}


def workspace_custom_metrics(ws: Workspace) -> tuple[Metric, ...]:
    """The custom metrics of ``ws`` (its ``[metrics] custom`` file; none when absent)."""
    path = ws.root / ws.settings.metrics.custom
    return load_custom_metrics(path, resolve_tables=resolve_tables_of(ws.con))


def load_custom_metrics(
    path: Path, *, resolve_tables: ResolveTables | None = None
) -> tuple[Metric, ...]:
    """The metrics defined in the YAML file ``path``; none when the file does not exist.

    ``resolve_tables`` maps each ``resolve.<table>`` the SQL may read to its columns and
    SQL types (``resolve_tables_of(con)``); without it only canonical tables are known.
    """
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read it: {error.strerror}.", source=str(path)) from error
    return parse_custom_metrics(text, str(path), resolve_tables=resolve_tables)


def parse_custom_metrics(
    text: str, label: str, *, resolve_tables: ResolveTables | None = None
) -> tuple[Metric, ...]:
    """The metrics in the YAML ``text`` (read from ``label``), after checking all of them;
    a MetricError lists every problem of every metric at once."""
    bodies = _outline(text, label)
    metrics: list[Metric] = []
    problems: dict[str, list[str]] = {}
    for name, body in bodies.items():
        found, metric = _metric(name, body, resolve_tables)
        if found:
            problems[name] = found
        elif metric is not None:
            metrics.append(metric)
    if problems:
        first, *others = problems
        message = f"{label}: " + "; ".join(problems[first])
        for other in others:
            message += f". Also metric `{other}`: " + "; ".join(problems[other])
        ending = "" if message.endswith(("?", ".")) else "."
        raise MetricError(first, f"{message}{ending} Nothing was loaded.")
    return tuple(metrics)


def _outline(text: str, label: str) -> dict[str, Any]:
    data = parse_yaml(text, label)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("a metrics file is a mapping with one key, `metrics`.", source=label)
    for key in data:
        if key != "metrics":
            hint = did_you_mean(str(key), ["metrics"]) or " The file has one key, `metrics`."
            raise ConfigError(f"unknown top-level key `{key}`.{hint}", source=label)
    metrics = data.get("metrics") or {}
    if not isinstance(metrics, dict):
        raise ConfigError("`metrics` maps metric names to their definitions.", source=label)
    return {str(name): body for name, body in metrics.items()}


def _metric(
    name: str, body: Any, resolve_tables: ResolveTables | None
) -> tuple[list[str], Metric | None]:
    """The problems of one definition, or its Metric when there are none."""
    if not isinstance(body, dict):
        return [f"a definition is a mapping of keys ({', '.join(_KEYS)})"], None
    problems = _key_problems(name, body)
    sql = body.get("sql")
    columns: tuple[str, ...] = ()
    query = ""
    if isinstance(sql, str) and sql.strip():
        aggregate = body.get("aggregate")
        shape, sql_problems = check_sql(
            sql,
            resolve_tables=resolve_tables,
            numeric_value=aggregate in NUMERIC_AGGREGATES,
        )
        problems += [f"`sql`: {p}" for p in sql_problems]
        query, columns = shape.query, shape.dimensions
    elif "sql" in body:
        problems.append("`sql` must be a SELECT statement (text)")
    if problems:
        return problems, None
    return [], _build(name, body, query, columns)


def _key_problems(name: str, body: Mapping[str, Any]) -> list[str]:
    problems = []
    if not name.isidentifier() or name != name.lower():
        problems.append("a metric name is lower_snake_case (letters, digits, _)")
    if name in shipped_metrics():
        problems.append(f"`{name}` is a shipped metric; give yours another name")
    for key in body:
        if key not in _KEYS:
            hint = did_you_mean(str(key), _KEYS) or f" Keys: {', '.join(_KEYS)}."
            problems.append(f"unknown key `{key}`.{hint}")
    for key in _REQUIRED:
        if key not in body:
            problems.append(f"`{key}` is missing")
    for key, allowed in _CHOICES.items():
        if key in body and body[key] not in allowed:
            problems.append(f"`{key}` is `{body[key]}`; use one of {', '.join(allowed)}")
    for key in ("description", "formula"):
        if key in body and not (isinstance(body[key], str) and body[key].strip()):
            problems.append(f"`{key}` must be text")
    edges = body.get("edge_cases", [])
    if not (isinstance(edges, list) and all(isinstance(e, str) for e in edges)):
        problems.append("`edge_cases` must be a list of sentences")
    return problems


def _build(name: str, body: Mapping[str, Any], query: str, dimensions: tuple[str, ...]) -> Metric:
    aggregate = str(body["aggregate"])
    formula = body.get("formula") or (
        f"The {aggregate.replace('_', ' ')} of `value` over the rows its SQL returns."
    )

    def facts(frame: Frame) -> ibis.Table:
        return frame.events(frame.sql(query), "day")

    return Metric(
        name=name,
        description=str(body["description"]).strip(),
        formula=str(formula).strip(),
        unit=body["unit"],
        direction=body["direction"],
        department=str(body["department"]),
        indicator=body.get("indicator", "lagging"),
        grains=GRAINS,
        dimensions=dimensions,
        measure=AGGREGATES[aggregate](),
        facts=facts,
        edge_cases=tuple(body.get("edge_cases", ())),
        tags=(CUSTOM_TAG,),
    )

"""Targets: the value a metric should reach in a period, company-wide or for a scope.

``[metrics] targets`` names the workspace's targets file (``targets.yaml``), YAML::

    targets:
      - {metric: new_bookings, period: 2026-Q3, value: 1200000}
      - {metric: new_bookings, period: 2026-07, team: AE Emea smb, value: 300000}
      - {metric: win_rate, period: 2026, segment: enterprise, value: 25%}

or CSV with the header ``metric,period,team,segment,region,value`` (``,`` or ``;``).
``period`` is a year (``2026``), a quarter (``2026-Q3``) or a month (``2026-07``);
``team`` is a team's name or id; ``segment`` and ``region`` narrow the scope; a target
without them is company-wide. ``value`` is in the metric's unit (money in the base
currency; a ratio as 0.25 or 25%).

``load_targets`` checks every row (known metric offering that grain and scope, known
team, valid period, no two targets for the same metric, period and scope) and reports
all problems at once with their line; then, in one transaction, it replaces the targets
it loaded before (``source = 'targets_file'``) and keeps every other source's (e.g.
planning-tool targets ingested as files). When two sources set a target for the same
metric, period and scope, ``read_targets`` uses the most recently updated one.

>>> parse_period("2026-Q3"), parse_period("2026-07"), parse_period("2026")
(('quarter', datetime.date(2026, 7, 1)), ('month', datetime.date(2026, 7, 1)), \
('year', datetime.date(2026, 1, 1)))
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ibis
import pyarrow as pa
import yaml

from revhub import engine
from revhub.errors import ConstraintViolationError, DataError, MetricError, did_you_mean
from revhub.metrics.core import Metric
from revhub.metrics.registry import get_metric
from revhub.model import get_table
from revhub.model.constraints import check_foreign_keys, check_table
from revhub.model.vocabulary import REGIONS, SEGMENTS

if TYPE_CHECKING:
    from revhub.workspace import Workspace

TARGETS_SOURCE = "targets_file"
TargetGrain = Literal["month", "quarter", "year"]
FIELDS = ("metric", "period", "team", "segment", "region", "value")
_PERIOD = re.compile(r"^(\d{4})(?:-(?:[Qq]([1-4])|(\d{1,2})))?$")
TARGET_KEY = ("metric", "period_grain", "period_start", "team_id", "segment", "region")
_SCOPE_DIMENSIONS = (("team_id", "team"), ("segment", "segment"), ("region", "region"))


@dataclass(frozen=True)
class TargetScope:
    """Who a target is for; all None is the whole company."""

    team_id: str | None = None
    segment: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Target:
    """One checked target row of a targets file."""

    metric: str
    grain: TargetGrain
    period_start: dt.date
    scope: TargetScope
    value: float
    line: int


@dataclass(frozen=True)
class TargetsLoad:
    """What ``load_targets`` did: rows loaded from ``path``, rows of the previous load
    replaced."""

    path: Path
    loaded: int
    replaced: int
    source: str = TARGETS_SOURCE


def parse_period(text: str) -> tuple[TargetGrain, dt.date] | None:
    """The grain and first day of a period written ``2026``, ``2026-Q3`` or ``2026-07``;
    None when ``text`` is none of these."""
    match = _PERIOD.match(text.strip())
    if not match:
        return None
    year, quarter, month = match.groups()
    if quarter:
        return "quarter", dt.date(int(year), 3 * int(quarter) - 2, 1)
    if month:
        return ("month", dt.date(int(year), int(month), 1)) if 1 <= int(month) <= 12 else None
    return "year", dt.date(int(year), 1, 1)


def load_targets(
    ws: Workspace, path: Path | None = None, *, extra_metrics: Iterable[Metric] = ()
) -> TargetsLoad:
    """Check the targets file (default: ``[metrics] targets`` in the workspace) and
    replace the targets it loaded before with its rows, in one transaction.

    ``extra_metrics`` are metrics beyond the shipped ones (the workspace's custom
    metrics) that targets may name.
    """
    path = path or ws.root / ws.settings.metrics.targets
    teams = _teams(ws)
    targets = read_target_file(path, teams=teams, extra_metrics=extra_metrics)
    rows = _as_arrow(targets)
    con = ws.con
    quoted = f"'{TARGETS_SOURCE}'"
    with engine.transaction(con):
        table = ws.table("targets")
        replaced = int(table.filter(table.source == TARGETS_SOURCE).count().execute())
        con.raw_sql(f"DELETE FROM targets WHERE source = {quoted}")
        if rows.num_rows:
            con.insert("targets", rows)
        definition = get_table("targets")
        violations = check_table(definition, ws.table("targets"))
        violations += check_foreign_keys([definition], ws.table)
        if violations:
            raise ConstraintViolationError(violations, where=str(path))
    return TargetsLoad(path, len(targets), replaced)


def read_target_file(
    path: Path, *, teams: Mapping[str, str], extra_metrics: Iterable[Metric] = ()
) -> list[Target]:
    """The checked rows of a YAML or CSV targets file; a DataError lists every problem.

    ``teams`` maps each team's name to its id (a row may name a team by either; names
    also match ignoring case).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            f"no targets file at {path}. Write one (see `revhub targets load --help`) or "
            "set [metrics] targets in revhub.toml."
        ) from None
    except OSError as error:
        raise DataError(f"cannot read the targets file {path}: {error.strerror}.") from error
    raw = _csv_rows(text) if path.suffix.lower() == ".csv" else _yaml_rows(text, path)
    problems: list[str] = []
    targets: list[Target] = []
    seen: dict[tuple[object, ...], int] = {}
    extra = tuple(extra_metrics)
    for line, row in raw:
        found, target = _check_row(row, line, teams, extra)
        problems += [f"line {line}: {p.rstrip('.')}" for p in found]
        if target is None:
            continue
        key = (target.metric, target.grain, target.period_start, target.scope)
        if key in seen:
            problems.append(
                f"line {line}: the same target as line {seen[key]} (same metric, "
                "period and scope); keep one"
            )
        else:
            seen[key] = line
            targets.append(target)
    if problems:
        shown = "; ".join(problems[:20])
        more = f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DataError(
            f"{path}: {len(problems)} problem(s): {shown}{more}. Fix the file and load again; "
            "nothing was changed."
        )
    return targets


# -- reading the file --------------------------------------------------------------------
class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line each mapping starts on (as ``__line__``)."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _yaml_rows(text: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise DataError(f"{path}: not valid YAML{where}: {error}.") from error
    if data is None:
        return []
    unknown = (
        [k for k in data if k not in ("targets", "__line__")] if isinstance(data, dict) else []
    )
    if not isinstance(data, dict) or unknown or not isinstance(data.get("targets", []), list):
        hint = did_you_mean(str(unknown[0]), ["targets"]) if unknown else ""
        raise DataError(
            f"{path}: a targets file is `targets:` followed by a list of rows "
            f"({', '.join(FIELDS)}).{hint}"
        )
    rows = []
    for item in data.get("targets") or []:
        if not isinstance(item, dict):
            raise DataError(
                f"{path}: each target is a mapping ({', '.join(FIELDS)}), not {item!r}."
            )
        line = int(item.pop("__line__"))
        rows.append((line, {str(k): v for k, v in item.items()}))
    return rows


def _csv_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = []
    for row in reader:
        cleaned = {str(k).strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        rows.append((reader.line_num, {k: v for k, v in cleaned.items() if v not in ("", None)}))
    return rows


def _check_row(
    row: Mapping[str, Any], line: int, teams: Mapping[str, str], extra: tuple[Metric, ...]
) -> tuple[list[str], Target | None]:
    problems = []
    for key in row:
        if key not in FIELDS:
            hint = did_you_mean(key, FIELDS) or f" Use {', '.join(FIELDS)}."
            problems.append(f"unknown field `{key}`.{hint}")
    for key in ("metric", "period", "value"):
        if row.get(key) is None:
            problems.append(f"`{key}` is missing")
    metric = None
    if row.get("metric") is not None:
        try:
            metric = get_metric(str(row["metric"]), extra)
        except MetricError as error:
            problems.append(str(error))
    period = parse_period(str(row["period"])) if row.get("period") is not None else None
    if row.get("period") is not None and period is None:
        problems.append(
            f"period `{row['period']}` is not a year (2026), quarter (2026-Q3) or month (2026-07)"
        )
    value = _number(row.get("value"))
    if row.get("value") is not None and value is None:
        problems.append(f"value `{row['value']}` is not a number")
    scope, scope_problems = _scope(row, teams)
    problems += scope_problems
    if metric is not None and period is not None and period[0] not in metric.grains:
        problems.append(f"metric `{metric.name}` has no `{period[0]}` grain")
    if metric is not None:
        for field, dimension in _SCOPE_DIMENSIONS:
            if getattr(scope, field) is not None and dimension not in metric.dimensions:
                problems.append(
                    f"metric `{metric.name}` cannot be sliced by {dimension}, so a "
                    f"{dimension} target for it could never be compared"
                )
    if problems or metric is None or period is None or value is None:
        return problems, None
    return [], Target(metric.name, period[0], period[1], scope, value, line)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("_", "")
        scale = 100.0 if text.endswith("%") else 1.0
        try:
            number = float(text.rstrip("%")) / scale
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def _scope(row: Mapping[str, Any], teams: Mapping[str, str]) -> tuple[TargetScope, list[str]]:
    problems = []
    team_id = None
    if row.get("team") is not None:
        name = str(row["team"]).strip()
        folded = {k.casefold(): v for k, v in teams.items()}
        team_id = teams.get(name) or folded.get(name.casefold())
        team_id = team_id or (name if name in teams.values() else None)
        if team_id is None:
            problems.append(f"unknown team `{name}`.{did_you_mean(name, teams)}")
    values: dict[str, str | None] = {}
    for field, allowed in (("segment", SEGMENTS), ("region", REGIONS)):
        given = row.get(field)
        values[field] = None if given is None else str(given).strip()
        if values[field] is not None and values[field] not in allowed:
            hint = did_you_mean(str(values[field]), allowed) or f" Use {', '.join(allowed)}."
            problems.append(f"unknown {field} `{values[field]}`.{hint}")
    return TargetScope(team_id, values["segment"], values["region"]), problems


def _teams(ws: Workspace) -> dict[str, str]:
    """Each team's name → its id."""
    teams = ws.table("teams").select("team_id", "name").to_pyarrow().to_pylist()
    return {team["name"]: team["team_id"] for team in teams}


def _as_arrow(targets: list[Target]) -> pa.Table:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ids = [
        "/".join(
            str(part or "*")
            for part in (
                t.metric,
                t.grain,
                t.period_start.isoformat(),
                t.scope.team_id,
                t.scope.segment,
                t.scope.region,
            )
        )
        for t in targets
    ]
    return get_table("targets").to_arrow(
        {
            "target_id": [f"{TARGETS_SOURCE}:{i}" for i in ids],
            "metric": [t.metric for t in targets],
            "period_grain": [t.grain for t in targets],
            "period_start": [t.period_start for t in targets],
            "team_id": [t.scope.team_id for t in targets],
            "segment": [t.scope.segment for t in targets],
            "region": [t.scope.region for t in targets],
            "value": [t.value for t in targets],
            "source": [TARGETS_SOURCE] * len(targets),
            "source_id": ids,
            "created_at": [now] * len(targets),
            "updated_at": [now] * len(targets),
        }
    )


# -- reading targets back ----------------------------------------------------------------
def read_targets(
    ws: Workspace,
    *,
    metric: str | None = None,
    grain: TargetGrain | None = None,
    scope: TargetScope | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pa.Table:
    """The targets in force, one per metric, period and scope: ``metric``,
    ``period_grain``, ``period_start``, ``team_id``, ``team`` (its name), ``segment``,
    ``region``, ``value``, ``source``.

    ``scope`` keeps one scope (``TargetScope()`` is company-wide; None keeps all);
    ``start``/``end`` keep periods starting in that range. Where several sources set the
    same target, the most recently updated wins.

    >>> import tempfile, revhub
    >>> with revhub.init(tempfile.mkdtemp()) as ws:
    ...     read_targets(ws, metric="arr", grain="quarter").num_rows
    0
    """
    table = ws.table("targets")
    if metric is not None:
        table = table.filter(table.metric == metric)
    if grain is not None:
        table = table.filter(table.period_grain == grain)
    if start is not None:
        table = table.filter(table.period_start.cast("date") >= start)
    if end is not None:
        table = table.filter(table.period_start.cast("date") <= end)
    if scope is not None:
        for field in ("team_id", "segment", "region"):
            wanted = getattr(scope, field)
            column = table[field]
            table = table.filter(column.isnull() if wanted is None else column == wanted)
    table = in_force(table)
    teams = ws.table("teams").select(_team_id="team_id", team="name")
    joined = table.left_join(teams, table.team_id == teams._team_id)
    result = joined.select(
        "metric",
        "period_grain",
        period_start=joined.period_start.cast("date"),
        team_id=joined.team_id,
        team=joined.team,
        segment=joined.segment,
        region=joined.region,
        value=joined.value.cast("float64"),
        source=joined.source,
    )
    return result.order_by(list(TARGET_KEY)).to_pyarrow()


def in_force(targets: ibis.Table) -> ibis.Table:
    """The rows of the ``targets`` table that are in force: where several sources set a
    target for the same metric, period and scope, the most recently updated (an Ibis
    expression, for metrics that read targets, e.g. pipeline coverage)."""
    newest = ibis.row_number().over(
        group_by=list(TARGET_KEY), order_by=[ibis.desc("updated_at"), ibis.desc("source")]
    )
    ranked = targets.mutate(_rank=newest)
    return ranked.filter(ranked._rank == 0).drop("_rank")

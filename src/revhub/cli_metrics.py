"""`revhub metric` and `revhub compute`: the metric catalogue from the command line.

>>> parse_where(["segment=enterprise", "region=emea,apac"])
{'segment': 'enterprise', 'region': ['emea', 'apac']}
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import pyarrow.csv as pacsv
import typer
from rich.markup import escape
from rich.table import Table as RichTable

from revhub.cli_output import WorkspaceOption, console, open_workspace
from revhub.errors import MetricError
from revhub.metrics.core import GRAINS, Grain, Metric
from revhub.metrics.formatting import format_value
from revhub.metrics.materialise import compute_all


class MetricFormat(StrEnum):
    """How `revhub metric` prints values."""

    table = "table"
    csv = "csv"
    json = "json"


DateOption = Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"])]


def parse_where(conditions: list[str]) -> dict[str, Any]:
    """``dimension=value`` (or ``dimension=a,b``) conditions as a mapping."""
    where: dict[str, Any] = {}
    for condition in conditions:
        name, sep, value = condition.partition("=")
        if not sep or not name or not value:
            raise MetricError(
                "*", f"cannot read --where `{condition}`: write it as dimension=value."
            )
        values = value.split(",")
        where[name.strip()] = values[0] if len(values) == 1 else values
    return where


def metric(
    name: Annotated[str, typer.Argument(help="Metric name, or `list` for the catalogue.")],
    by: Annotated[list[str] | None, typer.Option("--by", help="Dimension to slice by.")] = None,
    grain: Annotated[str, typer.Option(help=f"Period length: {', '.join(GRAINS)}.")] = "month",
    from_: Annotated[
        dt.datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day (default: a year back)."),
    ] = None,
    to: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Last day (default: the as-of date)."),
    ] = None,
    where: Annotated[
        list[str] | None, typer.Option(help="Keep facts where dimension=value[,value].")
    ] = None,
    department: Annotated[
        str | None, typer.Option(help="With `list`: only this department's metrics.")
    ] = None,
    format_: Annotated[
        MetricFormat, typer.Option("--format", help="table, csv or json.")
    ] = MetricFormat.table,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Compute a metric: one row per period and dimension value (`revhub metric list`
    shows every metric)."""
    with open_workspace(workspace) as ws:
        if name == "list":
            metrics = [m for m in ws.metrics.list() if department in (None, m.department)]
            _print_catalogue(metrics, format_)
            return
        definition = ws.metrics.get(name)
        if grain not in GRAINS:
            raise MetricError(name, f"unknown grain `{grain}`; use one of {', '.join(GRAINS)}.")
        table = ws.metrics.compute(
            name,
            by=by or [],
            grain=_grain(grain),
            start=from_.date() if from_ else None,
            end=to.date() if to else None,
            where=parse_where(where or []),
            output="arrow",
        )
        _print_values(definition, table, format_, ws.settings.base_currency)


def _grain(value: str) -> Grain:
    for grain in GRAINS:
        if grain == value:
            return grain
    raise MetricError("*", f"unknown grain `{value}`")


def _print_catalogue(metrics: list[Metric], format_: MetricFormat) -> None:
    rows = [
        {
            "name": m.name,
            "department": m.department,
            "unit": m.unit,
            "indicator": m.indicator,
            "direction": m.direction,
            "description": m.description,
        }
        for m in metrics
    ]
    if format_ is not MetricFormat.table:
        _print_machine(pa.Table.from_pylist(rows), format_)
        return
    table = RichTable(title=f"{len(rows)} metrics")
    columns = ("name", "department", "unit", "indicator", "description")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(escape(str(row[c])) for c in columns))
    console.print(table)


def _print_values(
    definition: Metric, values: pa.Table, format_: MetricFormat, currency: str
) -> None:
    if format_ is not MetricFormat.table:
        _print_machine(values, format_)
        return
    console.print(f"[bold]{definition.name}[/]: {escape(definition.description)}")
    console.print(f"[dim]{escape(definition.formula)}[/]")
    table = RichTable()
    for column in values.column_names:
        table.add_column(column, justify="right" if column == "value" else "left")
    for row in values.to_pylist():
        cells = [
            format_value(row[c], definition.unit, currency) if c == "value" else _cell(row[c])
            for c in values.column_names
        ]
        table.add_row(*(escape(c) for c in cells))
    console.print(table)


def _cell(value: object) -> str:
    if value is None:
        return "(unknown)"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _print_machine(table: pa.Table, format_: MetricFormat) -> None:
    if format_ is MetricFormat.csv:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table, sink)
        print(sink.getvalue().to_pybytes().decode(), end="")
    else:
        rows = [{k: _json_value(v) for k, v in row.items()} for row in table.to_pylist()]
        print(json.dumps(rows, indent=2))


def _json_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def compute(
    grain: Annotated[
        list[str] | None, typer.Option("--grain", help="Grain(s) to store (default: month).")
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Compute every metric's default tables over the whole history and store them
    (metrics.results) for dashboards to read."""
    grains = [_grain(g) for g in (grain or ["month"])]
    with open_workspace(workspace) as ws, console.status("Computing metrics") as status:
        report = compute_all(
            ws, grains=grains, on_metric=lambda m: status.update(f"Computing {m.name}")
        )
    console.print(
        f"Stored {report.rows:,} values of {report.metrics} metrics "
        f"({', '.join(report.grains)}, {report.start} to {report.end}) "
        f"in {report.seconds:.1f}s: metrics.results."
    )

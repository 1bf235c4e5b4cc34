"""`revhub scorecard` and `revhub targets`: where each department stands against plan.

>>> sparkline([1.0, 2.0, None, 4.0])
'▁▃ █'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from revhub.cli_output import WorkspaceOption, console, open_workspace
from revhub.metrics.formatting import UNDEFINED, format_value
from revhub.metrics.scorecard import Scorecard, ScorecardRow, scorecard
from revhub.metrics.targets import load_targets

_BARS = "▁▂▃▄▅▆▇█"
_STATUS = {
    "on_track": "[green]on track[/]",
    "at_risk": "[yellow]at risk[/]",
    "off_track": "[red]off track[/]",
    "no_target": "[dim]no target[/]",
    "no_data": "[dim]no data[/]",
    "not_rated": "[dim]not rated[/]",
}
_ARROWS = {"up": "↑", "down": "↓", "flat": "→", None: ""}


class ScorecardFormat(StrEnum):
    """How `revhub scorecard` prints."""

    table = "table"
    json = "json"


class ScorecardGrain(StrEnum):
    """The period a scorecard judges."""

    month = "month"
    quarter = "quarter"
    year = "year"


def sparkline(values: list[float | None]) -> str:
    """The values as a row of bars, lowest ▁ to highest █ (gaps for undefined ones)."""
    defined = [v for v in values if v is not None]
    if not defined:
        return ""
    low, high = min(defined), max(defined)
    span = (high - low) or 1.0
    return "".join(
        " " if v is None else _BARS[round((v - low) / span * (len(_BARS) - 1))] for v in values
    )


def scorecard_command(
    department: Annotated[
        str | None,
        typer.Option(help="company, marketing, sales, customer_success, partners or finance."),
    ] = None,
    team: Annotated[str | None, typer.Option(help="A team's own scorecard (name or id).")] = None,
    grain: Annotated[
        ScorecardGrain, typer.Option(help="The period judged: month, quarter or year.")
    ] = ScorecardGrain.month,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Judge the period holding this day."),
    ] = None,
    format_: Annotated[
        ScorecardFormat, typer.Option("--format", help="table, or json for machines.")
    ] = ScorecardFormat.table,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Show each department's key metrics against target: status, trend, leading and
    lagging indicators side by side."""
    with open_workspace(workspace) as ws, console.status("Scoring"):
        card = scorecard(
            ws,
            department=department,
            team=team,
            as_of=as_of.date() if as_of else None,
            grain=grain.value,
        )
        currency = ws.settings.base_currency
    if format_ is ScorecardFormat.json:
        print(json.dumps(dataclasses.asdict(card), default=_json_default, indent=2))
        return
    print_scorecard(card, currency)


def print_scorecard(card: Scorecard, currency: str) -> None:
    """Each department's table: indicator, actual, target, attainment, status, trend."""
    span = f"{card.period_start} to {card.period_end}"
    running = f", {card.elapsed:.0%} elapsed" if card.elapsed < 1 else ""
    who = f" — {escape(card.team)}" if card.team else ""
    console.print(f"[bold]Scorecard {span}[/] ({card.grain}{running}){who}")
    for name, rows in card.departments.items():
        table = RichTable(title=name.replace("_", " ").capitalize(), title_justify="left")
        for column in ("indicator", "metric", "actual", "target", "attained", "status", "trend"):
            right = column in ("actual", "target", "attained")
            table.add_column(column, justify="right" if right else "left")
        for row in rows:
            table.add_row(*_cells(row, currency))
        console.print(table)
    if card.unknown_metrics:
        names = ", ".join(card.unknown_metrics)
        console.print(f"[yellow]Targets name metrics revhub does not know: {escape(names)}[/]")


def _cells(row: ScorecardRow, currency: str) -> list[str]:
    target = row.target_to_date if row.target_to_date is not None else row.target
    trend = [*list(row.trend.values), row.actual]
    attained = UNDEFINED if row.attainment is None else f"{row.attainment:.0%}"
    return [
        row.indicator,
        escape(row.label) + (" [dim]*[/]" if row.note else ""),
        escape(format_value(row.actual, row.unit, currency)),
        escape(format_value(target, row.unit, currency)),
        attained,
        _STATUS[row.status],
        f"{sparkline(trend)} {_ARROWS[row.trend.direction]}",
    ]


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


targets_app = typer.Typer(help="Targets per metric, period and team or segment.")


@targets_app.command("load")
def targets_load(
    path: Annotated[
        Path | None,
        typer.Argument(help="YAML or CSV of targets (default: the [metrics] targets file)."),
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Load targets from a file, replacing that file's previous load (all or nothing)."""
    with open_workspace(workspace) as ws:
        report = load_targets(ws, path, extra_metrics=ws.metrics.custom())
    console.print(
        f"Loaded {report.loaded:,} targets from {escape(str(report.path))} "
        f"(replacing {report.replaced:,} from its previous load)."
    )

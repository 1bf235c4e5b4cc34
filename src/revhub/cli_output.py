"""Shared pieces of the command line: consoles, global state, the workspace option and the
tables several commands print.

>>> isinstance(WORKSPACE_HELP, str)
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable

from revhub import workspace as workspace_module
from revhub.summary import RevenueSummary

console = Console()
errors = Console(stderr=True)
state: dict[str, Any] = {"debug": False, "overrides": {}}

WORKSPACE_HELP = "Workspace directory."
WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help=WORKSPACE_HELP, show_default=True)
]


def open_workspace(path: Path) -> workspace_module.Workspace:
    """Open the workspace at ``path`` with the global flags applied."""
    return workspace_module.open(path, **state["overrides"])


def print_rows(title: str, rows: Mapping[str, int], seconds: float | None) -> None:
    """A two-column table of row counts by name."""
    table = RichTable(title=title + (f" in {seconds:.1f}s" if seconds is not None else ""))
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in rows.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


def print_summary(result: RevenueSummary) -> None:
    """The revenue summary: accounts, customers, ARR, pipeline, bookings."""
    start, end = result.quarter
    table = RichTable(title=f"Revenue summary as of {result.as_of} ({result.currency})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("Accounts", f"{result.accounts:,}")
    table.add_row("Paying customers", f"{result.paying_customers:,}")
    table.add_row("ARR", _money(result.arr))
    table.add_row(
        f"Open pipeline ({result.open_opportunities:,} deals)", _money(result.open_pipeline)
    )
    table.add_row(
        f"New + expansion bookings {start} to {end - dt.timedelta(days=1)}",
        _money(result.bookings_last_quarter),
    )
    console.print(table)


def _money(value: float) -> str:
    return f"{value:,.0f}"

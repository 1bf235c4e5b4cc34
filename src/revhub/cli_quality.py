"""`revhub quality`: run the data-quality rules and show scores, owners and top issues.

>>> quality.__name__
'quality'
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from revhub.cli_output import WorkspaceOption, console, open_workspace
from revhub.quality import print_report


class ReportFormat(StrEnum):
    """How `revhub quality` prints its report."""

    table = "table"
    json = "json"


def quality(
    rules: Annotated[
        Path | None,
        typer.Option(
            help="YAML rules merged over the shipped ones (default: the workspace's "
            "quality.yaml when it exists)."
        ),
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Judge timeliness as of this date."),
    ] = None,
    format_: Annotated[
        ReportFormat, typer.Option("--format", help="table, or json for machines.")
    ] = ReportFormat.table,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Check the canonical tables against the quality rules; the run is stored for trends."""
    with open_workspace(workspace) as ws, console.status("Checking data quality"):
        report = ws.quality(as_of=as_of.date() if as_of else None, rules=rules)
    if format_ is ReportFormat.json:
        console.print_json(report.to_json())
    else:
        print_report(report, console)

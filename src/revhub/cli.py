"""The `revhub` command line: parse, call the Workspace, render.

Errors are translated here exactly once: a RevhubError prints one line and exits 1
(the traceback only with ``--debug``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from revhub import (
    cli_demo,
    cli_export,
    cli_forecast,
    cli_identity,
    cli_ingest,
    cli_metrics,
    cli_quality,
    cli_scorecard,
    cli_serve,
    cli_users,
)
from revhub import workspace as workspace_module
from revhub.cli_demo import AsOfOption
from revhub.cli_output import (
    WorkspaceOption,
    console,
    errors,
    open_workspace,
    print_rows,
    print_summary,
    state,
)
from revhub.demo.generator import MANIFEST, read_manifest
from revhub.errors import RevhubError
from revhub.summary import revenue_summary

app = typer.Typer(
    name="revhub",
    help="revhub: one revenue data model and one set of numbers for every revenue team.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
_state = state


@app.callback()
def _global_options(
    debug: Annotated[bool, typer.Option(help="Show tracebacks on errors.")] = False,
    threads: Annotated[int | None, typer.Option(help="Engine threads.", min=1)] = None,
    memory_limit: Annotated[str | None, typer.Option(help="Engine memory limit, e.g. 8GB.")] = None,
) -> None:
    _state["debug"] = debug
    _state["overrides"] = {"engine": {"threads": threads, "memory_limit": memory_limit}}


_open = open_workspace


@app.command()
def init(path: Annotated[Path, typer.Argument(help="Directory to create.")] = Path(".")) -> None:
    """Create a workspace: revhub.toml and an empty database with the canonical model."""
    with workspace_module.init(path, **_state["overrides"]) as ws:
        console.print(
            f"Workspace ready at [bold]{ws.root}[/] (schema version {ws.schema_version}, "
            f"database {ws.settings.database_path})."
        )


@app.command()
def load(
    directory: Annotated[Path, typer.Argument(help="Directory of canonical Parquet files.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Load canonical Parquet files into the workspace (all or nothing, checked first)."""
    with _open(workspace) as ws:
        report = ws.load(directory)
        if (directory / MANIFEST).exists():
            ws.set_meta("as_of", read_manifest(directory).as_of.isoformat())
    print_rows("Loaded", report.rows, report.seconds)


@app.command()
def status(workspace: WorkspaceOption = Path(".")) -> None:
    """Show the workspace's schema version and rows per table."""
    with _open(workspace) as ws:
        console.print(f"Workspace {ws.root}, schema version {ws.schema_version}.")
        print_rows("Tables", ws.row_counts(), None)


@app.command()
def summary(
    workspace: WorkspaceOption = Path("."),
    as_of: AsOfOption = None,
) -> None:
    """Print the revenue summary: accounts, customers, ARR, pipeline, bookings."""
    with _open(workspace) as ws:
        day = as_of.date() if as_of else ws.as_of()
        print_summary(revenue_summary(ws, day))


app.command("generate")(cli_demo.generate_command)
app.command()(cli_demo.demo)
app.command()(cli_ingest.ingest)
app.command()(cli_identity.resolve)
app.command()(cli_quality.quality)
app.command()(cli_metrics.metric)
app.command()(cli_metrics.compute)
app.command("scorecard")(cli_scorecard.scorecard_command)
app.command()(cli_export.export)
app.command("serve")(cli_serve.serve_command)
app.add_typer(cli_ingest.quarantine_app, name="quarantine")
app.add_typer(cli_identity.override_app, name="override")
app.add_typer(cli_scorecard.targets_app, name="targets")
app.add_typer(cli_users.users_app, name="user")
app.add_typer(cli_forecast.forecast_app, name="forecast")


def main() -> None:
    """Console-script entry point: run the app, translating errors once."""
    try:
        app()
    except RevhubError as error:
        if _state["debug"]:
            raise
        errors.print(f"[red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()

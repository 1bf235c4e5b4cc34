"""The `revhub` command line: parse, call the Workspace, render.

Errors are translated here exactly once: a RevhubError prints one line and exits 1
(the traceback only with ``--debug``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from revhub import cli_ingest
from revhub import workspace as workspace_module
from revhub.cli_output import WorkspaceOption, console, errors, open_workspace, state
from revhub.config import Settings, load_settings
from revhub.demo.generator import MANIFEST, GenerationReport, generate, read_manifest
from revhub.demo.native.write import SOURCES_FILE, write_native
from revhub.demo.spec import DemoSpec, first_of_month
from revhub.errors import RevhubError
from revhub.summary import RevenueSummary, revenue_summary

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


def _money(value: float) -> str:
    return f"{value:,.0f}"


@app.command()
def init(path: Annotated[Path, typer.Argument(help="Directory to create.")] = Path(".")) -> None:
    """Create a workspace: revhub.toml and an empty database with the canonical model."""
    with workspace_module.init(path, **_state["overrides"]) as ws:
        console.print(
            f"Workspace ready at [bold]{ws.root}[/] (schema version {ws.schema_version}, "
            f"database {ws.settings.database_path})."
        )


def _spec(
    settings: Settings,
    accounts: int | None,
    months: int | None,
    seed: int | None,
    as_of: dt.datetime | None,
) -> DemoSpec:
    """The demo spec: flags where given, else the workspace's [demo] settings."""
    demo = settings.demo
    return DemoSpec(
        accounts=demo.accounts if accounts is None else accounts,
        months=demo.months if months is None else months,
        seed=demo.seed if seed is None else seed,
        as_of=as_of.date() if as_of else first_of_month(dt.date.today()),
    )


def _run_generator(spec: DemoSpec, out: Path) -> GenerationReport:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(
            f"Simulating {spec.accounts:,} accounts over {spec.months} months", total=None
        )

        def step(_: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return generate(spec, out, progress=step)


AccountsOption = Annotated[
    int | None,
    typer.Option(
        help="Companies in the simulated market (default: demo.accounts setting, 20000).", min=1
    ),
]
MonthsOption = Annotated[
    int | None,
    typer.Option(help="Months of history (default: demo.months setting, 36).", min=3, max=120),
]
SeedOption = Annotated[
    int | None,
    typer.Option(
        help="Random seed: same seed, same company (default: demo.seed setting, 42).", min=0
    ),
]
AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"], help="End of history (first of a month); default: this month."
    ),
]


class OutputFormat(StrEnum):
    """What `revhub generate` writes."""

    parquet = "parquet"
    native = "native"


@app.command("generate")
def generate_command(
    out: Annotated[Path, typer.Option(help="Directory to write to.")],
    accounts: AccountsOption = None,
    months: MonthsOption = None,
    seed: SeedOption = None,
    as_of: AsOfOption = None,
    format_: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="parquet: one canonical Parquet file per table. native: the exports of the "
            "company's systems (Salesforce, HubSpot, Stripe, Zendesk, ads, files) with "
            "sources.toml to declare them.",
        ),
    ] = OutputFormat.parquet,
) -> None:
    """Write the demo company, as canonical tables or as its systems' native exports."""
    settings = load_settings(Path("."), overrides=_state["overrides"])
    spec = _spec(settings, accounts, months, seed, as_of)
    if format_ is OutputFormat.parquet:
        report = _run_generator(spec, out)
        _print_rows("Generated", report.rows, report.seconds)
        console.print(f"Written to [bold]{report.out}[/].")
        return
    canonical = out.parent / f".{out.name}.canonical"
    report = _run_generator(spec, canonical)
    try:
        with console.status("Writing the native exports"):
            native = write_native(canonical, out)
    finally:
        shutil.rmtree(canonical, ignore_errors=True)
    _print_rows("Records per source", native.records, None)
    console.print(
        f"Written to [bold]{native.out}[/]; declare the sources with the tables in "
        f"{native.out / SOURCES_FILE}."
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
    _print_rows("Loaded", report.rows, report.seconds)


@app.command()
def status(workspace: WorkspaceOption = Path(".")) -> None:
    """Show the workspace's schema version and rows per table."""
    with _open(workspace) as ws:
        console.print(f"Workspace {ws.root}, schema version {ws.schema_version}.")
        _print_rows("Tables", ws.row_counts(), None)


@app.command()
def summary(
    workspace: WorkspaceOption = Path("."),
    as_of: AsOfOption = None,
) -> None:
    """Print the revenue summary: accounts, customers, ARR, pipeline, bookings."""
    with _open(workspace) as ws:
        day = as_of.date() if as_of else _workspace_as_of(ws)
        _print_summary(revenue_summary(ws, day, ws.settings.base_currency))


@app.command()
def demo(
    accounts: AccountsOption = None,
    months: MonthsOption = None,
    seed: SeedOption = None,
    workspace: WorkspaceOption = Path("revhub-demo"),
    serve: Annotated[
        bool,
        typer.Option(
            help="Serve the dashboard afterwards (arrives with the dashboard; "
            "until then the demo ends with the terminal summary)."
        ),
    ] = True,
) -> None:
    """Build the demo company, load it into a workspace and summarise it."""
    with workspace_module.init(workspace, **_state["overrides"]) as ws:
        spec = _spec(ws.settings, accounts, months, seed, None)
        report = _run_generator(spec, ws.root / "demo-data")
        with console.status("Loading into the workspace and checking the model's constraints"):
            loaded = ws.load(report.out)
        ws.set_meta("as_of", spec.as_of.isoformat())
        _print_rows("Demo company", loaded.rows, report.seconds + loaded.seconds)
        _print_summary(revenue_summary(ws, spec.as_of, ws.settings.base_currency))
    console.print(f"Workspace: [bold]{workspace}[/]  (try: revhub summary -w {workspace})")
    if serve:
        console.print("[dim]The dashboard is not part of this release yet; nothing to serve.[/]")


def _workspace_as_of(ws: workspace_module.Workspace) -> dt.date:
    stored = ws.meta("as_of")
    return dt.date.fromisoformat(stored) if stored else dt.date.today()


def _print_rows(title: str, rows: Mapping[str, int], seconds: float | None) -> None:
    table = RichTable(title=title + (f" in {seconds:.1f}s" if seconds is not None else ""))
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in rows.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


def _print_summary(result: RevenueSummary) -> None:
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


for _command in cli_ingest.COMMANDS:
    app.command()(_command)
app.add_typer(cli_ingest.quarantine_app, name="quarantine")


def main() -> None:
    """Console-script entry point: run the app, translating errors once."""
    try:
        app()
    except RevhubError as error:
        if _state["debug"]:
            raise
        errors.print(f"[red]error:[/] {error}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()

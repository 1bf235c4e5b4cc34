"""`revhub generate` and `revhub demo`: the simulated company, from its systems' exports to
one resolved, quality-checked workspace.

``revhub demo`` runs the whole path a real company takes: the company's systems export
their data (native Salesforce, HubSpot, Stripe, Zendesk, ad and spreadsheet files), the
workspace declares them as sources, ``ingest`` merges them into the canonical model,
``resolve`` finds who is who (scored against the generator's truth) and ``quality``
checks the result.

>>> generate_command.__name__, demo.__name__
('generate_command', 'demo')
"""

from __future__ import annotations

import datetime as dt
import shutil
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from revhub import workspace as workspace_module
from revhub.cli_identity import TRUTH_META, print_resolve_report, print_scores
from revhub.cli_ingest import print_ingest_report
from revhub.cli_output import WorkspaceOption, console, print_rows, state
from revhub.cli_scorecard import print_scorecard
from revhub.config import Settings, load_settings
from revhub.demo.generator import GenerationReport, generate
from revhub.demo.native.declare import declare_sources
from revhub.demo.native.write import IDENTITY_TRUTH, SOURCES_FILE, NativeReport, write_native
from revhub.demo.spec import DemoSpec, first_of_month
from revhub.metrics.materialise import compute_all
from revhub.metrics.scorecard import scorecard
from revhub.model import TRUTH_TABLES
from revhub.quality import QualityReport

DEMO_DATA = Path("demo-data") / "native"


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


def _canonical_dir(out: Path) -> Path:
    """Where the simulated company's canonical tables wait to be exported (then removed)."""
    return out.parent / f".{out.name}.canonical"


def _write_native(spec: DemoSpec, out: Path) -> NativeReport:
    """Simulate the company and export it as its systems' native files to ``out``."""
    _run_generator(spec, _canonical_dir(out))
    with console.status("Writing the native exports of each system"):
        return write_native(_canonical_dir(out), out)


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
            "sources.toml to declare them and truth/identity.parquet for resolve --evaluate.",
        ),
    ] = OutputFormat.parquet,
) -> None:
    """Write the demo company, as canonical tables or as its systems' native exports."""
    settings = load_settings(Path("."), overrides=state["overrides"])
    spec = _spec(settings, accounts, months, seed, as_of)
    if format_ is OutputFormat.parquet:
        report = _run_generator(spec, out)
        print_rows("Generated", report.rows, report.seconds)
        console.print(f"Written to [bold]{report.out}[/].")
        return
    try:
        native = _write_native(spec, out)
    finally:
        shutil.rmtree(_canonical_dir(out), ignore_errors=True)
    print_rows("Records per source", native.records, None)
    console.print(
        f"Written to [bold]{native.out}[/]; declare the sources with the tables in "
        f"{native.out / SOURCES_FILE}."
    )


def demo(
    accounts: AccountsOption = None,
    months: MonthsOption = None,
    seed: SeedOption = None,
    workspace: WorkspaceOption = Path("revhub-demo"),
    serve: Annotated[
        bool,
        typer.Option(
            help="Serve the dashboard afterwards, with a user per role (their password "
            "is printed); --no-serve ends with the terminal summary."
        ),
    ] = True,
    port: Annotated[
        int | None, typer.Option(help="Port to serve on (default: server.port, 8000).")
    ] = None,
) -> None:
    """Build the demo company from its systems' exports: ingest, resolve, check quality."""
    with workspace_module.init(workspace, **state["overrides"]) as ws:
        spec = _spec(ws.settings, accounts, months, seed, None)
        out = ws.root / DEMO_DATA
        try:
            native = _write_native(spec, out)
        finally:
            shutil.rmtree(_canonical_dir(out), ignore_errors=True)
        if declare_sources(ws.root, native.sources, f"{DEMO_DATA.as_posix()}/"):
            console.print(f"Declared {len(native.sources)} sources in {ws.root / 'revhub.toml'}.")
    with workspace_module.open(workspace, **state["overrides"]) as ws:
        ws.set_meta("as_of", spec.as_of.isoformat())
        ws.set_meta(TRUTH_META, str((out / IDENTITY_TRUTH).resolve()))
        with console.status("Ingesting the sources") as status:
            ingested = ws.ingest(on_source=lambda n: status.update(f"Ingesting {n}"))
        print_ingest_report(ingested)
        ws.load(out, tables=TRUTH_TABLES)
        with console.status("Resolving who is who across the systems"):
            resolved = ws.resolve()
        print_resolve_report(resolved)
        print_scores(ws.evaluate_resolution(out / IDENTITY_TRUTH))
        with console.status("Checking data quality"):
            _print_quality(ws.quality(as_of=spec.as_of))
        with console.status("Computing every metric") as status:
            computed = compute_all(ws, on_metric=lambda m: status.update(f"Computing {m.name}"))
        console.print(
            f"Metrics: {computed.metrics} metrics computed month by month from "
            f"{computed.start} to {computed.end} in {computed.seconds:.1f}s."
        )
        with console.status("Scoring the company against its targets"):
            card = scorecard(ws, department="company")
        print_scorecard(card, ws.settings.base_currency)
        _forecast_demo(ws, spec.as_of)
    console.print(
        f"Workspace: [bold]{workspace}[/]  (try: revhub scorecard -w {workspace}; "
        f"revhub metric list -w {workspace}; revhub quality -w {workspace})"
    )
    if serve:
        _serve_demo(workspace, port)


def _forecast_demo(ws: workspace_module.Workspace, as_of: dt.date) -> None:
    """Store a forecast every two weeks over the last month, so its history and movement
    show, and print the latest."""
    days = [as_of - dt.timedelta(days=d) for d in (28, 14, 0)]
    with console.status("Forecasting bookings") as status:
        for day in days:
            status.update(f"Forecasting bookings as of {day}")
            latest = day == as_of  # the cross-checks and ARR for the latest run only
            run = ws.forecast.run(day, timeseries=latest, arr=latest)
    company = run.bookings.totals[run.bookings.totals["grouping"] == "company"]
    for row in company.to_dict("records"):
        console.print(
            f"Bookings forecast for the {run.bookings.grain} of {row['period_start']}: "
            f"P10 {row['p10']:,.0f}, P50 {row['p50']:,.0f}, P90 {row['p90']:,.0f} "
            f"(stored runs as of {', '.join(str(d) for d in days)}; see `revhub forecast`)."
        )


def _serve_demo(workspace: Path, port: int | None) -> None:
    """Serve the demo workspace with a user per role, and say how to sign in."""
    from revhub.api.serve import Started, serve
    from revhub.appdb import AppDatabase
    from revhub.demo.users import demo_users

    with workspace_module.open(workspace, **state["overrides"]) as ws:
        database = AppDatabase.for_settings(ws.settings)
        database.upgrade()
        made = demo_users(database, ws)
        database.dispose()

        def announce(started: Started) -> None:
            console.print(
                f"\nDashboard: [bold]{started.url}[/]   API: {started.url}api/docs   "
                "(Ctrl+C to stop)"
            )
            console.print(f"Sign in as [bold]admin[/] with password [bold]{made.password}[/]")
            roles = ", ".join(
                f"{u.username}"
                + (f" ({made.crm_names[u.username]})" if u.username in made.crm_names else "")
                for u in made.users
                if u.username != "admin"
            )
            console.print(f"[dim]Same password for every role: {roles}.[/]")

        serve(ws, port=port, on_start=announce)


def _print_quality(report: QualityReport) -> None:
    dimensions = ", ".join(
        f"{name} {score.score:.1%}" for name, score in report.by_dimension().items()
    )
    console.print(
        f"Data quality: [bold]{report.overall.score:.1%}[/] overall ({dimensions}); "
        f"{report.issue_count:,} issues; details: revhub quality."
    )

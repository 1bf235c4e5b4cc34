"""`revhub ingest` and `revhub quarantine`: bring the sources in, and see what was refused.

>>> ingest.__name__
'ingest'
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

from revhub.cli_output import WorkspaceOption, console, errors, open_workspace
from revhub.ingest.merge import Counts
from revhub.ingest.run import IngestReport

quarantine_app = typer.Typer(help="Rows refused by the last ingest of each source.")

_COLUMNS = ("read", "inserted", "updated", "unchanged", "quarantined")
_WHEN_ANY = ("deleted", "superseded", "removed")  # shown only when some source has them


def ingest(
    sources: Annotated[
        list[str] | None, typer.Argument(help="Sources to ingest (default: all declared).")
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Read the sources declared in revhub.toml and merge them into the canonical tables."""
    with open_workspace(workspace) as ws, console.status("Reading sources") as status:
        report = ws.ingest(sources, on_source=lambda n: status.update(f"Reading {n}"))
    print_ingest_report(report)
    if report.failed:
        raise typer.Exit(1)


def print_ingest_report(report: IngestReport) -> None:
    """The run summary: one row per source, notes and failures below it."""
    table = RichTable(title=f"Ingest run {report.run_id} in {report.seconds:.1f}s")
    shown = [*_COLUMNS] + [
        name for name in _WHEN_ANY if any(getattr(s.counts, name) for s in report.sources)
    ]
    table.add_column("source", no_wrap=True)
    for name in shown:
        table.add_column(name, justify="right")
    table.add_column("s", justify="right")
    for summary in report.sources:
        counts: Counts = summary.counts
        cells = [f"{getattr(counts, name):,}" for name in shown]
        status = "[red]failed[/]" if summary.error else f"{summary.seconds:.1f}"
        table.add_row(summary.name, *cells, status)
    console.print(table)
    if len(shown) > len(_COLUMNS):
        console.print(
            "[dim]deleted: flagged deleted in the source; superseded: older versions of a "
            "record in the same run; removed: stored rows dropped (deleted or gone from a "
            "full snapshot).[/]"
        )
    for summary in report.sources:
        for note in summary.notes[:10]:
            console.print(f"[dim]{summary.name}: {escape(note)}[/]", highlight=False)
        if len(summary.notes) > 10:
            console.print(f"[dim]{summary.name}: … {len(summary.notes) - 10} more notes[/]")
        if summary.error:
            errors.print(f"[red]{summary.name} failed:[/] {escape(summary.error)}", highlight=False)
    quarantined = sum(s.counts.quarantined for s in report.sources)
    if quarantined:
        console.print(f"{quarantined:,} rows quarantined: see `revhub quarantine list`.")


@quarantine_app.command("list")
def quarantine_list(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.", min=1)] = 50,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Show quarantined rows: source, table, where they came from and why."""
    with open_workspace(workspace) as ws:
        rows, total = ws.quarantine(source=source, limit=limit)
    table = RichTable(title=f"Quarantine: {total:,} rows" + (f" from {source}" if source else ""))
    for name in ("source", "table", "origin", "reason"):
        table.add_column(name, overflow="fold")
    for row in rows:
        cells = (row["source"], row["table_name"], row["origin"], row["reason"])
        table.add_row(*(Text(str(cell)) for cell in cells))  # values, not markup
    console.print(table)
    if total > len(rows):
        console.print(f"[dim]… {total - len(rows):,} more; use --limit or --source.[/]")

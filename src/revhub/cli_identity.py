"""`revhub resolve` and `revhub override`: who is who across the sources, and the manual
decisions that correct it.

>>> resolve.__name__
'resolve'
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from revhub.cli_output import WorkspaceOption, console, open_workspace
from revhub.resolve import ResolveReport, Scores

TRUTH_META = "identity_truth"
override_app = typer.Typer(help="Manual identity decisions that every resolve run respects.")


def resolve(
    evaluate: Annotated[
        bool,
        typer.Option(help="Score the result against ground truth: pairwise precision, recall, F1."),
    ] = False,
    truth: Annotated[
        Path | None,
        typer.Option(
            help="Ground truth (entity, record_id, true_entity_id) as Parquet; default: the "
            "demo's truth/identity.parquet when the workspace was built by `revhub demo`."
        ),
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Link the records of every source into one company and one person each."""
    with open_workspace(workspace) as ws:
        path = (truth or _demo_truth(ws.meta(TRUTH_META))) if evaluate else None
        with console.status("Resolving accounts and people"):
            report = ws.resolve()
        print_resolve_report(report)
        if path is not None:
            print_scores(ws.evaluate_resolution(path))


def _demo_truth(stored: str | None) -> Path:
    if stored is None:
        raise typer.BadParameter(
            "this workspace has no stored ground truth; pass --truth PATH "
            "(truth/identity.parquet of `revhub generate --format native`).",
            param_hint="--truth",
        )
    return Path(stored)


def print_resolve_report(report: ResolveReport) -> None:
    """Records in, entities out and how records were matched, per entity kind."""
    table = RichTable(title=f"Resolve run in {report.seconds:.1f}s")
    for name in ("entity", "records", "entities", "matched by"):
        table.add_column(name, justify="left" if name in ("entity", "matched by") else "right")
    for entity, records in report.records.items():
        how = ", ".join(f"{k} {v:,}" for k, v in report.matched_by.get(entity, {}).items())
        table.add_row(entity, f"{records:,}", f"{report.entities[entity]:,}", how)
    console.print(table)
    if report.retired_ids:
        console.print(f"{report.retired_ids:,} entity ids retired (merged into others).")


def print_scores(scores: dict[str, Scores]) -> None:
    """Pairwise precision, recall and F1 per entity kind."""
    table = RichTable(title="Resolution against ground truth (pairwise)")
    for name in ("entity", "precision", "recall", "F1", "true pairs", "found pairs"):
        table.add_column(name, justify="left" if name == "entity" else "right")
    for entity, s in scores.items():
        table.add_row(
            entity,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            f"{s.true_pairs:,}",
            f"{s.predicted_pairs:,}",
        )
    console.print(table)


EntityArgument = Annotated[str, typer.Argument(help="account or person.")]
LeftArgument = Annotated[str, typer.Argument(help="One record id, e.g. salesforce:001A…")]
RightArgument = Annotated[str, typer.Argument(help="The other record id.")]
NoteOption = Annotated[str, typer.Option(help="Why; kept with the decision.")]


@override_app.command("merge")
def override_merge(
    entity: EntityArgument,
    left: LeftArgument,
    right: RightArgument,
    note: NoteOption = "",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Force two records to be the same entity in every later resolve run."""
    _override(workspace, entity, "merge", left, right, note)


@override_app.command("split")
def override_split(
    entity: EntityArgument,
    left: LeftArgument,
    right: RightArgument,
    note: NoteOption = "",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Force two records apart in every later resolve run."""
    _override(workspace, entity, "split", left, right, note)


def _override(workspace: Path, entity: str, kind: str, left: str, right: str, note: str) -> None:
    with open_workspace(workspace) as ws:
        made = ws.add_override(entity, kind, left, right, note)
    verdict = "are one" if kind == "merge" else "are never one"
    console.print(f"Override {made.override_id}: {left} and {right} {verdict} {entity}.")


@override_app.command("list")
def override_list(workspace: WorkspaceOption = Path(".")) -> None:
    """Show every override, oldest first."""
    with open_workspace(workspace) as ws:
        found = ws.overrides()
    table = RichTable(title=f"Overrides: {len(found)}")
    for name in ("id", "entity", "kind", "left", "right", "note", "added"):
        table.add_column(name, overflow="fold")
    for o in found:
        table.add_row(
            str(o.override_id),
            o.entity,
            o.kind,
            o.left_record_id,
            o.right_record_id,
            o.note,
            f"{o.created_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)

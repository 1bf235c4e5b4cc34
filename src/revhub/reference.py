"""Reference pages generated from code: the model (docs/model.md), the CLI (docs/cli.md),
the metric catalogue (docs/metrics.md) and who may see what (docs/access.md).

``python -m revhub.reference`` (or ``make docs``) rewrites them; a test fails when the
committed pages differ from what the code says.

>>> "| account_id |" in model_reference()
True
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from typer.cli import get_docs_for_click

from revhub.model import SCHEMA_VERSION, TABLES, TRUTH_TABLES
from revhub.model.schema import Table

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _table_section(table: Table) -> list[str]:
    keys = ", ".join(f"`{k}`" for k in table.primary_key)
    lines = [f"### `{table.name}`", "", table.description, "", f"Primary key: {keys}.", ""]
    lines += ["| column | type | null | description |", "|---|---|---|---|"]
    for column in table.columns:
        notes = []
        if column.references:
            notes.append(f"→ `{column.references}`")
        if column.values:
            notes.append("one of " + ", ".join(f"`{v}`" for v in column.values))
        if column.minimum is not None:
            notes.append(f"≥ {column.minimum:g}")
        extra = f" ({'; '.join(notes)})" if notes else ""
        nullable = "yes" if column.nullable else "no"
        lines.append(
            f"| {column.name} | {column.type} | {nullable} | {column.description}{extra} |"
        )
    return [*lines, ""]


def model_reference() -> str:
    """Markdown reference of every canonical and truth table."""
    lines = [
        "# Canonical model reference",
        "",
        f"Schema version {SCHEMA_VERSION}. Generated from `revhub.model` by "
        "`make docs`; do not edit by hand.",
        "",
        "Every canonical table ends with the lineage columns `source`, `source_id`, "
        "`created_at`, `updated_at`. Money is `amount` + `currency` + `amount_base` at the "
        "row's recorded `fx_rate` (base-currency units per unit of `currency`).",
        "",
    ]
    groups: dict[str, list[Table]] = {}
    for table in TABLES:
        groups.setdefault(table.group, []).append(table)
    for group, tables in groups.items():
        lines += [f"## {group.capitalize()}", ""]
        for table in tables:
            lines += _table_section(table)
    lines += ["## Ground truth (schema `truth`, demo company only)", ""]
    for table in TRUTH_TABLES:
        lines += _table_section(table)
    return "\n".join(lines).rstrip() + "\n"


def cli_reference(app: typer.Typer) -> str:
    """Markdown reference of every command of ``app``, by Typer's own docs generator."""
    command = typer.main.get_command(app)
    docs = get_docs_for_click(
        obj=command, ctx=typer.Context(command), name="revhub", title="CLI reference"
    )
    note = "Generated from the Typer app by `make docs`; do not edit by hand.\n\n"
    head, _, rest = docs.partition("\n\n")
    return f"{head}\n\n{note}{rest.strip()}\n"


def write_references(folder: Path = DOCS) -> list[Path]:
    """Write docs/model.md, docs/cli.md, docs/metrics.md and docs/access.md; return the
    paths written."""
    from revhub.api.access_reference import access_reference
    from revhub.cli import app
    from revhub.metrics.reference import metrics_reference

    folder.mkdir(exist_ok=True)
    pages = {
        "model.md": model_reference(),
        "cli.md": cli_reference(app),
        "metrics.md": metrics_reference(),
        "access.md": access_reference(),
    }
    for name, text in pages.items():
        (folder / name).write_text(text)
    return [folder / name for name in pages]


if __name__ == "__main__":
    for path in write_references():
        sys.stdout.write(f"wrote {path}\n")

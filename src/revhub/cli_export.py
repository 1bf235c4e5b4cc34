"""`revhub export`: write the workspace's tables as Parquet, to move them to a lake or a
Spark cluster (docs/spark.md).

>>> export.__name__
'export'
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from revhub.cli_output import WorkspaceOption, console, open_workspace, print_rows
from revhub.export import export_workspace


def export(
    directory: Annotated[
        Path,
        typer.Argument(help="Directory to write (new, empty, or an earlier export's)."),
    ],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Write every canonical, truth and identity-resolution table as Parquet into DIRECTORY.

    Point engine.spark_tables at DIRECTORY (or a copy of it on HDFS or S3) to compute
    metrics on Spark; `revhub load DIRECTORY` reads it back.
    """
    with open_workspace(workspace) as ws, console.status("Exporting") as status:
        report = export_workspace(
            ws, directory, on_table=lambda name, rows: status.update(f"Exported {name}")
        )
    print_rows(f"Exported to {report.directory}", report.rows, report.seconds)

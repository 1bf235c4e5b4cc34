"""Shared pieces of the command line: consoles, global state and the workspace option.

>>> isinstance(WORKSPACE_HELP, str)
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from revhub import workspace as workspace_module

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

"""`revhub serve`: the REST API and the dashboard on a workspace.

>>> serve_command.__name__
'serve_command'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from revhub.cli_output import WorkspaceOption, console, open_workspace

if TYPE_CHECKING:  # the server's libraries load only when serving
    from revhub.api.serve import Started


def announce(started: Started) -> None:
    """Tell the operator where to go and, on first run, the admin's password (once)."""
    console.print(
        f"Serving the dashboard at [bold]{started.url}[/] and the API at "
        f"{started.url}api/docs  (Ctrl+C to stop)"
    )
    if started.new_admin:
        user, password = started.new_admin
        console.print(
            f"Created the first admin: user [bold]{user.username}[/], password "
            f"[bold]{password}[/] — shown this once; add more users with "
            "`revhub user add NAME --role ROLE`."
        )


def serve_command(
    workspace: WorkspaceOption = Path("."),
    host: Annotated[str | None, typer.Option(help="Address (default: server.host).")] = None,
    port: Annotated[
        int | None, typer.Option(help="Port (default: server.port).", min=1, max=65535)
    ] = None,
) -> None:
    """Serve the REST API (under /api) and the dashboard on the workspace."""
    from revhub.api.serve import serve

    with open_workspace(workspace) as ws:
        serve(ws, host=host, port=port, on_start=announce)

"""Start the server on a workspace: bring the app database up to date, make sure an admin
exists (its password printed once, on first run only), and run uvicorn.

>>> url_of("127.0.0.1", 8000)
'http://127.0.0.1:8000/'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import uvicorn

from revhub.api.app import create_app
from revhub.api.hub import Hub
from revhub.appdb import AppDatabase, UserRecord, ensure_first_admin
from revhub.workspace import Workspace


@dataclass(frozen=True)
class Started:
    """What the operator must be told when the server starts."""

    url: str
    new_admin: tuple[UserRecord, str] | None  # the admin created now and its password


def url_of(host: str, port: int) -> str:
    """The address people open."""
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    return f"http://{shown}:{port}/"


def open_hub(ws: Workspace) -> tuple[Hub, tuple[UserRecord, str] | None]:
    """A Hub on ``ws``: the app database migrated, an admin created if there is none."""
    database = AppDatabase.for_settings(ws.settings)
    database.upgrade()
    created = ensure_first_admin(database)
    return Hub(ws, database), created


def serve(
    ws: Workspace,
    *,
    host: str | None = None,
    port: int | None = None,
    on_start: Callable[[Started], None] | None = None,
    log_level: str = "warning",
) -> None:
    """Serve the API and the dashboard on ``ws`` until interrupted."""
    server = ws.settings.server
    host, port = host or server.host, port or server.port
    hub, created = open_hub(ws)
    if on_start:
        on_start(Started(url_of(host, port), created))
    try:
        uvicorn.run(create_app(hub), host=host, port=port, log_level=log_level, access_log=False)
    finally:
        hub.close()

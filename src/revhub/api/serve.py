"""Start the server on a workspace: bring the app database up to date, make sure an admin
exists (its password printed once, on first run only), and run uvicorn.

>>> url_of("127.0.0.1", 8000)
'http://127.0.0.1:8000/'
"""

from __future__ import annotations

import threading
import time
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
    settings = ws.settings.server
    host, port = host or settings.host, port or settings.port
    hub, created = open_hub(ws)
    config = uvicorn.Config(
        create_app(hub), host=host, port=port, log_level=log_level, access_log=False
    )
    server = uvicorn.Server(config)
    if on_start:
        started = Started(url_of(host, port), created)
        threading.Thread(
            target=_when_started, args=(server, on_start, started), daemon=True
        ).start()
    try:
        server.run()
    finally:
        hub.close()


def _when_started(
    server: uvicorn.Server, on_start: Callable[[Started], None], started: Started
) -> None:
    """Tell ``on_start`` once the server accepts connections (not before: people click)."""
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    if server.started:
        on_start(started)

"""The demo company served by a real app with one user and API token per role (the API
tests' world; the fixture is in conftest.py)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

import revhub
from hub_people import crm_manager, crm_rep
from revhub.access import Role
from revhub.api.app import create_app
from revhub.api.hub import Hub
from revhub.appdb import AppDatabase, create_token, create_user
from revhub.workspace import Workspace

PASSWORD = "correct horse battery staple"


@dataclass
class Served:
    """The app under test, its workspace and a token and CRM user per role."""

    app: object
    hub: Hub
    ws: Workspace
    tokens: dict[Role, str]
    crm_users: dict[Role, str | None]

    def client(self, role: Role | None = None) -> TestClient:
        """A client signed in with ``role``'s API token (anonymous without one)."""
        client = TestClient(self.app, base_url="https://testserver", raise_server_exceptions=False)
        if role is not None:
            client.headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return client


def serve_copy(template: Path, root: Path) -> Served:
    """The demo company of ``template`` copied to ``root`` and served, with a user and an
    API token for every role (close with ``served.hub.close()`` and ``served.ws.close()``)."""
    shutil.copytree(template, root / "ws")
    ws = revhub.open(root / "ws")
    database = AppDatabase(f"sqlite:///{root / 'app.db'}")
    database.upgrade()
    crm_users: dict[Role, str | None] = dict.fromkeys(Role)
    crm_users[Role.sales_rep] = crm_rep(ws)
    crm_users[Role.sales_manager] = crm_manager(ws)
    tokens = {}
    for role in Role:
        user = create_user(database, role.value, role, PASSWORD, crm_user_id=crm_users[role])
        tokens[role] = create_token(database, user.id, "tests")[1]
    hub = Hub(ws, database)
    return Served(create_app(hub), hub, ws, tokens, crm_users)

"""The dashboard tests' site: the demo company served by a real app, a user per role
signed in through the login form. (A module of its own rather than a conftest.py: test
modules import from it, and conftest modules of different folders share one name.)"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

import revhub
from hub_people import crm_manager, crm_rep
from revhub.access import Role
from revhub.api.app import create_app
from revhub.api.hub import Hub
from revhub.appdb import AppDatabase, create_user
from revhub.workspace import Workspace

PASSWORD = "correct horse battery staple"
LOGIN_TOKEN = re.compile(r'name="login_csrf" value="([^"]+)"')


def login_token(client: TestClient) -> str:
    """The login form's CSRF token (its cookie is now in ``client``)."""
    found = LOGIN_TOKEN.search(client.get("/login").text)
    assert found, "the login form has no login_csrf field"
    return found.group(1)


@dataclass
class Site:
    """The dashboard under test: its app, hub and workspace, and signed-in clients."""

    app: FastAPI
    hub: Hub
    ws: Workspace
    crm_users: dict[Role, str | None]
    _signed: dict[Role, TestClient] = field(default_factory=dict)

    def anonymous(self) -> TestClient:
        """A client that has not signed in."""
        return TestClient(self.app, base_url="https://testserver", raise_server_exceptions=False)

    def sign_in(self, role: Role, password: str = PASSWORD, next_page: str = "/") -> TestClient:
        """A new client that went through the login form as ``role``'s user."""
        client = self.anonymous()
        client.post(
            "/login",
            data={"username": role.value, "password": password, "next": next_page,
                  "login_csrf": login_token(client)},
            follow_redirects=False,
        )  # fmt: skip
        return client

    def client(self, role: Role) -> TestClient:
        """A signed-in client of ``role``, shared by the module's tests."""
        if role not in self._signed:
            self._signed[role] = self.sign_in(role)
        return self._signed[role]


def serve_site(hub_workspace_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo company served by ``create_app`` on a copy of the hub workspace, with a
    user for every role (named after the role); for a module-scoped fixture."""
    root = tmp_path_factory.mktemp("web")
    shutil.copytree(hub_workspace_dir, root / "ws")
    with revhub.open(root / "ws") as ws:
        hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        database = AppDatabase(f"sqlite:///{root / 'app.db'}", hasher=hasher)
        database.upgrade()
        crm_users: dict[Role, str | None] = dict.fromkeys(Role)
        crm_users[Role.sales_rep] = crm_rep(ws)
        crm_users[Role.sales_manager] = crm_manager(ws)
        for role in Role:
            create_user(database, role.value, role, PASSWORD, crm_user_id=crm_users[role])
        hub = Hub(ws, database)
        yield Site(create_app(hub), hub, ws, crm_users)
        hub.close()

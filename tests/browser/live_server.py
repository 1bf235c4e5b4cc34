"""The dashboard served for real: uvicorn in a background thread on 127.0.0.1, on a copy of
the hub workspace, with a user per role (named after the role) and the deals a sales rep
may and may not open. (A module of its own rather than the conftest: test modules import
from it, and conftest modules of different folders share one name.)

A ``Tab`` is one page in a fresh browser context, signed in as a role, recording every
console error, uncaught exception and content-security-policy violation it sees.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from argon2 import PasswordHasher
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, StorageState

import revhub
from hub_people import crm_manager, crm_rep
from revhub.access import Role
from revhub.api.app import create_app
from revhub.api.hub import Hub
from revhub.appdb import AppDatabase, create_user
from revhub.workspace import Workspace

PASSWORD = "correct horse battery staple"
DASHBOARD_PAGES = {
    "/": "overview",
    "/revenue": "revenue",
    "/funnel": "funnel",
    "/pipeline": "pipeline",
    "/marketing": "marketing",
    "/customers": "customers",
    "/quality": "quality",
    "/forecast": "planning",
}
"""The pages in the dashboard's navigation and the area of each."""
HOST = "127.0.0.1"
_START_SECONDS = 30.0
_NAVIGATION_MS = 60_000  # a page computing a scope's metrics cold, on a busy machine
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""
"""An init script making every content-security-policy violation a console error (Chromium
logs most of them itself; this catches the rest)."""


@dataclass(frozen=True)
class LiveServer:
    """The running dashboard: where it listens, its hub, and who is who in its CRM."""

    base_url: str
    hub: Hub
    crm_users: dict[Role, str | None]
    own_deal: str  # a deal the sales rep owns
    other_deal: str  # a deal another rep owns
    rep_deals: frozenset[str]  # every deal the sales rep owns

    def url(self, path: str) -> str:
        """The full address of ``path``."""
        return self.base_url + path


def deal_owned(ws: Workspace, rep: str, *, by_rep: bool) -> str:
    """A deal owned by ``rep`` (``by_rep``) or by another account executive."""
    row = ws.con.con.execute(
        "SELECT o.opportunity_id FROM opportunities o JOIN users u ON u.user_id = o.owner_id "
        "WHERE u.role = 'ae' AND (o.owner_id = ?) = ? ORDER BY o.opportunity_id LIMIT 1",
        [rep, by_rep],
    ).fetchone()
    assert row, f"the demo company has no deal {'of' if by_rep else 'outside'} rep {rep}"
    return str(row[0])


def deals_of(ws: Workspace, owner: str) -> frozenset[str]:
    """Every deal ``owner`` owns."""
    rows = ws.con.con.execute(
        "SELECT opportunity_id FROM opportunities WHERE owner_id = ?", [owner]
    ).fetchall()
    return frozenset(str(row[0]) for row in rows)


def free_socket() -> socket.socket:
    """A listening-ready socket on a free port of ``HOST`` (handed to uvicorn, so no
    other process can take the port between choosing and serving)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    return sock


def _run_in_thread(server: uvicorn.Server, sock: socket.socket) -> threading.Thread:
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="revhub-live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + _START_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the live server stopped while starting; see its log above")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the live server did not start within {_START_SECONDS:.0f} s")
        time.sleep(0.05)
    return thread


def serve_live(hub_workspace_dir: Path, root: Path) -> Iterator[LiveServer]:
    """The dashboard on a copy of ``hub_workspace_dir`` under ``root``, served until the
    generator is closed; for a session-scoped fixture."""
    shutil.copytree(hub_workspace_dir, root / "ws")
    with revhub.open(root / "ws") as ws:
        hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        database = AppDatabase(f"sqlite:///{root / 'app.db'}", hasher=hasher)
        database.upgrade()
        crm_users: dict[Role, str | None] = dict.fromkeys(Role)
        rep = crm_users[Role.sales_rep] = crm_rep(ws)
        crm_users[Role.sales_manager] = crm_manager(ws)
        for role in Role:
            create_user(database, role.value, role, PASSWORD, crm_user_id=crm_users[role])
        own, other = deal_owned(ws, rep, by_rep=True), deal_owned(ws, rep, by_rep=False)
        hub = Hub(ws, database)
        sock = free_socket()
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(hub), host=HOST, port=port, log_level="warning", access_log=False
        )
        server = uvicorn.Server(config)
        thread = _run_in_thread(server, sock)
        try:
            url = f"http://{HOST}:{port}"
            yield LiveServer(url, hub, crm_users, own, other, deals_of(ws, rep))
        finally:
            server.should_exit = True
            thread.join(timeout=_START_SECONDS)
            hub.close()
            sock.close()


@dataclass
class Tab:
    """One page in its own browser context, and the problems the browser reported on it."""

    page: Page
    live: LiveServer
    shots: Path
    role: Role | None = None
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.problems.append(f"console error on {self.page.url}: {message.text} ({where})")

    def open(self, path: str) -> int:
        """Go to ``path`` and wait for it to load; the status of the page finally shown."""
        response = self.page.goto(self.live.url(path))
        assert response is not None, f"no response for {path}"
        return response.status

    def sign_in(self, role: Role, password: str = PASSWORD) -> None:
        """Sign in as ``role``'s user through the login form."""
        self.open("/login")
        self.page.fill("#username", role.value)
        self.page.fill("#password", password)
        with self.page.expect_navigation():
            self.page.click("form[action='/login'] button[type=submit]")
        assert "/login" not in self.page.url, f"signing in as {role} failed: {self.page.url}"
        self.role = role

    def path(self) -> str:
        """The path and query of the page shown."""
        url = urlsplit(self.page.url)
        return url.path + (f"?{url.query}" if url.query else "")

    def nav_paths(self) -> set[str]:
        """The paths the main navigation links to (without their queries)."""
        hrefs = self.page.eval_on_selector_all(
            "nav[aria-label='Main'] a", "links => links.map(a => a.getAttribute('href'))"
        )
        return {urlsplit(str(href)).path for href in hrefs}

    def links(self, prefix: str) -> list[str]:
        """The distinct hrefs on the page starting with ``prefix``, in page order."""
        hrefs = self.page.eval_on_selector_all(
            f"main a[href^='{prefix}']", "links => links.map(a => a.getAttribute('href'))"
        )
        return list(dict.fromkeys(str(href) for href in hrefs))

    def screenshot(self, label: str) -> Path:
        """A full-page screenshot kept as a test artifact."""
        who = self.role.value if self.role else "anonymous"
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{who}-{label}").strip("-")
        path = self.shots / f"{name}.jpg"
        self.page.screenshot(path=path, full_page=True, type="jpeg", quality=80)
        return path

    def expect_no_problems(self, allowed: tuple[str, ...] = ()) -> None:
        """Fail on any console error, uncaught exception or CSP violation so far
        (except messages containing one of ``allowed``)."""
        seen = [p for p in self.problems if not any(a in p for a in allowed)]
        assert not seen, "the browser reported:\n" + "\n".join(seen)


@dataclass
class Tabs:
    """Opens tabs for one test, each in a fresh context; signs in through the login form
    once per role per session and reuses that session's cookies afterwards."""

    browser: Browser
    live: LiveServer
    shots: Path
    signed: dict[Role, StorageState]
    contexts: list[BrowserContext] = field(default_factory=list)

    def new(self, role: Role | None = None, *, fresh_sign_in: bool = False, **options: Any) -> Tab:
        """A tab signed in as ``role`` (anonymous for None); ``fresh_sign_in`` goes through
        the login form now instead of reusing the role's session."""
        reuse = role is not None and not fresh_sign_in and role in self.signed
        state = self.signed[role] if reuse and role is not None else None
        context = self.browser.new_context(
            base_url=self.live.base_url, storage_state=state, **options
        )
        context.set_default_navigation_timeout(_NAVIGATION_MS)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        self.contexts.append(context)
        tab = Tab(context.new_page(), self.live, self.shots, role)
        if role is not None and not reuse:
            tab.sign_in(role)
            if not fresh_sign_in:
                self.signed[role] = context.storage_state()
        return tab

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()

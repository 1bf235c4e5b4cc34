"""Fixtures of the app database tests: every test that takes ``app_db`` runs on SQLite and
on a real PostgreSQL server (started once per test session, a new database per test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from appdb_helpers import CHEAP_HASHER, ManualClock

import revhub
from postgres_server import PostgresServer, start_postgres
from revhub.appdb import AppDatabase
from revhub.demo.generator import GenerationReport
from revhub.model import get_table

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole test session (installed if missing)."""
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def app_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty app database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def clock() -> ManualClock:
    """The app database's clock, moved by hand."""
    return ManualClock()


@pytest.fixture
def app_db(app_db_url: str, clock: ManualClock) -> Iterator[AppDatabase]:
    """A migrated, empty app database with cheap password hashing and a manual clock."""
    db = AppDatabase(app_db_url, hasher=CHEAP_HASHER, clock=clock)
    db.upgrade()
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def crm_template(demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding only the demo company's teams, territories and CRM users."""
    root = tmp_path_factory.mktemp("crm-ws")
    with revhub.init(root) as ws:
        ws.load(demo_data.out, tables=[get_table(n) for n in ("teams", "territories", "users")])
    return root

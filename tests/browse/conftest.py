"""Fixtures of the browse tests: the demo company resolved and quality-checked in a
workspace of our own, with one company planted across both of its records
(``browse_world``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from browse_world import AS_OF, Planted, plant

import revhub
from revhub.demo.generator import GenerationReport
from revhub.workspace import Workspace


@pytest.fixture(scope="session")
def browsed(
    demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Workspace, Planted]]:
    """The demo company in a workspace of our own: resolved, planted, quality-checked."""
    root: Path = tmp_path_factory.mktemp("browse") / "ws"
    with revhub.init(root) as ws:
        ws.load(demo_data.out)
        ws.set_meta("as_of", AS_OF.isoformat())
        ws.resolve()
        planted = plant(ws.con.con)
        ws.quality(as_of=AS_OF)
        yield ws, planted


@pytest.fixture(scope="session")
def ws(browsed: tuple[Workspace, Planted]) -> Workspace:
    """The browse workspace (read-only for tests)."""
    return browsed[0]


@pytest.fixture(scope="session")
def planted(browsed: tuple[Workspace, Planted]) -> Planted:
    """Who and what was planted in the browse workspace."""
    return browsed[1]


@pytest.fixture
def con(ws: Workspace) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the browse workspace, as the server gives each thread."""
    cursor = ws.con.con.cursor()
    yield cursor
    cursor.close()

"""Fixtures of the data-quality tests: a tiny hand-made workspace per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from quality_world import World

import revhub


@pytest.fixture(scope="session")
def empty_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty workspace made once (copying it is faster than creating one)."""
    root = tmp_path_factory.mktemp("quality_empty") / "ws"
    revhub.init(root).close()
    return root


@pytest.fixture
def world(empty_workspace: Path, tmp_path: Path) -> Iterator[World]:
    """An empty workspace of its own to put rows in and run rules on."""
    shutil.copytree(empty_workspace, tmp_path / "ws")
    made = World(tmp_path)
    yield made
    made.ws.close()

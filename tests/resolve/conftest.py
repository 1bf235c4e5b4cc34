"""Fixtures of the identity-resolution tests: the planted world in a workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from planted_world import copy_of, write_planted

import revhub
from revhub.workspace import Workspace


@pytest.fixture(scope="session")
def planted_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace directory holding the planted world, loaded once (copy it to use it)."""
    root = tmp_path_factory.mktemp("planted")
    data = write_planted(root / "data")
    with revhub.init(root / "ws") as ws:
        ws.load(data)
    return root / "ws"


@pytest.fixture
def planted(planted_template: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A fresh workspace holding the planted world (not yet resolved)."""
    with revhub.open(copy_of(planted_template, tmp_path / "ws")) as ws:
        yield ws

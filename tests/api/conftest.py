"""Fixtures of the API tests: the demo company served by a real app, one user per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from served_app import Served, serve_copy


@pytest.fixture(scope="module")
def served(hub_workspace_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo company served by ``create_app``, with a user and token for every role."""
    made = serve_copy(hub_workspace_dir, tmp_path_factory.mktemp("served"))
    yield made
    made.hub.close()
    made.ws.close()

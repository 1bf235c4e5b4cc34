from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from memory_source import MemorySource

import revhub
from revhub.sources.registry import register
from revhub.workspace import Workspace

register("memory", MemorySource)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace with two in-memory sources, `crm` and `billing`."""
    (tmp_path / "revhub.toml").write_text(
        '[sources.crm]\nkind = "memory"\npath = "."\n\n'
        '[sources.billing]\nkind = "memory"\npath = "."\n'
    )
    MemorySource.BATCHES.clear()
    with revhub.init(tmp_path) as workspace:
        yield workspace
    MemorySource.BATCHES.clear()

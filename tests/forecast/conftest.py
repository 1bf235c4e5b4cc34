"""Forecast fixtures: a writable copy of the shared demo, and a larger demo company for
the accuracy claims (1,500 accounts hold too few won deals a quarter to score a forecast)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import revhub
from revhub.demo.generator import GenerationReport, generate
from revhub.demo.spec import DemoSpec

ACCURACY_SPEC = DemoSpec(accounts=20_000, months=36, seed=42, as_of=dt.date(2026, 7, 1))


@pytest.fixture(scope="session")
def loaded_demo_dir(demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared demo company loaded into a workspace directory (copy before writing)."""
    root = tmp_path_factory.mktemp("forecast-demo") / "ws"
    with revhub.init(root) as ws:
        ws.load(demo_data.out)
        ws.set_meta("as_of", "2026-07-01")
    return root


@pytest.fixture
def writable_demo(loaded_demo_dir: Path, tmp_path: Path) -> Iterator[revhub.Workspace]:
    """A private, writable copy of the loaded demo company."""
    target = tmp_path / "ws"
    shutil.copytree(loaded_demo_dir, target)
    with revhub.open(target) as ws:
        yield ws


@pytest.fixture(scope="session")
def accuracy_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[revhub.Workspace]:
    """The default-sized demo company (20,000 accounts, 36 months), loaded once."""
    base = tmp_path_factory.mktemp("forecast-accuracy")
    report = generate(ACCURACY_SPEC, base / "data")
    with revhub.init(base / "ws") as ws:
        ws.load(report.out)
        ws.set_meta("as_of", ACCURACY_SPEC.as_of.isoformat())
        yield ws

"""Shared fixtures: one small demo company, generated and loaded once per test session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

import revhub
from revhub.demo.generator import GenerationReport, generate
from revhub.demo.spec import DemoSpec

# pytest 9 imports every .py file for --doctest-modules, this one too, under the module
# name `conftest`, which the conftest.py of each test folder collected before it (api,
# appdb, browse, browser sort before it) has taken by then; it holds no doctests.
collect_ignore = ["conftest.py"]

DEMO_SPEC = DemoSpec(accounts=1_500, months=24, seed=7, as_of=dt.date(2026, 7, 1))


@pytest.fixture(scope="session")
def demo_spec() -> DemoSpec:
    """The spec of the shared demo company."""
    return DEMO_SPEC


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    """The demo company written as Parquet (generated once)."""
    return generate(DEMO_SPEC, tmp_path_factory.mktemp("demo") / "data")


@pytest.fixture(scope="session")
def demo_workspace(
    demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[revhub.Workspace]:
    """A workspace holding the demo company (loaded once, read-only for tests)."""
    root: Path = tmp_path_factory.mktemp("ws")
    with revhub.init(root) as ws:
        ws.load(demo_data.out)
        ws.set_meta("as_of", DEMO_SPEC.as_of.isoformat())
        yield ws


@pytest.fixture(scope="session")
def hub_workspace_dir(
    demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A workspace directory holding the demo company as the hub serves it: resolved,
    quality-checked, with every metric computed and two stored forecast runs (a month
    apart, both forecasting Q3 2026) — built once; copy it to write to it."""
    from revhub.metrics.materialise import compute_all

    root: Path = tmp_path_factory.mktemp("hub") / "ws"
    with revhub.init(root) as ws:
        ws.load(demo_data.out)
        ws.set_meta("as_of", DEMO_SPEC.as_of.isoformat())
        ws.resolve()
        ws.quality(as_of=DEMO_SPEC.as_of)
        compute_all(ws)
        ws.forecast.run(dt.date(2026, 6, 1), draws=2000, timeseries=False, arr=False)
        ws.forecast.run(DEMO_SPEC.as_of, draws=2000)
    return root

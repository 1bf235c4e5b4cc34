"""Every native export of the demo, declared in one workspace and ingested twice.

The demo plants its data problems where the loader accepts them (see
``revhub.demo.problems``): the exports must ingest without a quarantined row, and the
same files ingested again must change nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import revhub
from revhub.demo.generator import GenerationReport
from revhub.demo.native.write import NativeReport, sources_toml, write_native
from revhub.ingest.run import IngestReport


@pytest.fixture(scope="module")
def ingested(
    demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory
) -> tuple[NativeReport, Path, IngestReport, IngestReport]:
    root = tmp_path_factory.mktemp("native_ingest")
    report = write_native(demo_data.out, root / "exports")
    with revhub.init(root / "ws"):
        pass
    with (root / "ws" / "revhub.toml").open("a", encoding="utf-8") as config:
        config.write("\n" + sources_toml(report.sources, "../exports/"))
    with revhub.open(root / "ws") as ws:
        first, second = ws.ingest(), ws.ingest()
    return report, root / "ws", first, second


def test_every_source_ingests_without_a_quarantined_row(
    ingested: tuple[NativeReport, Path, IngestReport, IngestReport],
) -> None:
    report, workspace, first, _ = ingested
    assert not first.failed, [(s.name, s.error) for s in first.failed]
    assert {s.name for s in first.sources} == set(report.sources)
    assert all(s.counts.read > 0 for s in first.sources)
    with revhub.open(workspace) as ws:
        rows, total = ws.quarantine(limit=20)
    assert total == 0, rows


def test_ingesting_the_same_exports_again_changes_nothing(
    ingested: tuple[NativeReport, Path, IngestReport, IngestReport],
) -> None:
    _, _, first, second = ingested
    assert not second.failed
    for source in second.sources:
        counts = source.counts
        assert (counts.inserted, counts.updated, counts.deleted) == (0, 0, 0), source.name
        previous = next(s for s in first.sources if s.name == source.name).counts
        assert counts.unchanged == previous.inserted, source.name

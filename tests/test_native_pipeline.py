"""The whole path of issue 3 as a user runs it, on a small demo company: its systems'
native exports in, ingest, resolve scored against the generator's truth, quality.

Real processes, real files, one real DuckDB workspace per test module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from cli_process import run_cli
from revhub.demo.native.declare import declare_sources
from revhub.demo.native.write import SOURCES_FILE

ACCOUNTS, MONTHS = "300", "12"


def _f1(stdout: str, entity: str) -> float:
    """The F1 printed in the `resolve --evaluate` table for ``entity``."""
    cell = r"[\s│]+([\d.]+)"
    match = re.search(rf"{entity}{cell}{cell}{cell}[\s│]+[\d,]+", stdout)
    assert match, stdout
    return float(match.group(1))


def _run_counts(workspace: Path, run_id: int) -> dict[str, tuple[int, int, int, int]]:
    """(read, inserted, updated, quarantined) per source of one ingest run."""
    with duckdb.connect(str(workspace / "revhub.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT source, sum(read), sum(inserted), sum(updated), sum(quarantined) "
            "FROM ingest.run_tables WHERE run_id = ? GROUP BY source",
            [run_id],
        ).fetchall()
    return {source: (r, i, u, q) for source, r, i, u, q in rows}


@pytest.fixture(scope="module")
def native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`revhub generate --format native` output, then a workspace declaring it."""
    root = tmp_path_factory.mktemp("native")
    result = run_cli("generate", "--format", "native", "--accounts", ACCOUNTS,
                     "--months", MONTHS, "--as-of", "2026-07-01", "--out", "exports",
                     cwd=root)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert run_cli("init", "ws", cwd=root).returncode == 0
    sources = {}
    text = (root / "exports" / SOURCES_FILE).read_text()
    for block in text.split("[sources.")[1:]:
        name, body = block.split("]", 1)
        sources[name] = dict(re.findall(r'(\w+) = "([^"]*)"', body))
    assert declare_sources(root / "ws", sources, "../exports/")
    return root


def test_generate_native_declares_every_system(native: Path) -> None:
    text = (native / "exports" / SOURCES_FILE).read_text()
    for kind in ("salesforce", "hubspot", "stripe", "zendesk", "ga4", "ads", "usage", "files"):
        assert f'kind = "{kind}"' in text
    assert (native / "exports" / "truth" / "identity.parquet").exists()


def test_ingest_then_resolve_then_quality(native: Path) -> None:
    ingest = run_cli("ingest", "-w", "ws", cwd=native)
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    first = _run_counts(native / "ws", 1)
    assert {"salesforce", "hubspot", "stripe", "zendesk"} <= set(first)
    for source, (read, inserted, _, quarantined) in first.items():
        assert read > 0, source
        assert inserted + quarantined <= read, source

    # references one system makes to another's records land: HubSpot owners (by email)
    # are the CRM's users, GA4 visitors are the CRM's leads or contacts
    with duckdb.connect(str(native / "ws" / "revhub.duckdb"), read_only=True) as con:
        (dangling_owners,) = con.execute(
            "SELECT count(*) FROM accounts WHERE source = 'hubspot' AND owner_id IS NOT NULL "
            "AND owner_id NOT IN (SELECT user_id FROM users)"
        ).fetchone() or (None,)
        (dangling_people,) = con.execute(
            "SELECT count(*) FROM touchpoints WHERE source = 'ga4' AND "
            "(contact_id NOT IN (SELECT contact_id FROM contacts) "
            "OR lead_id NOT IN (SELECT lead_id FROM leads))"
        ).fetchone() or (None,)
    assert (dangling_owners, dangling_people) == (0, 0)

    resolve = run_cli("resolve", "--evaluate", "--truth", "exports/truth/identity.parquet",
                      "-w", "ws", cwd=native)  # fmt: skip
    assert resolve.returncode == 0, resolve.stderr
    assert _f1(resolve.stdout, "account") >= 0.95
    assert _f1(resolve.stdout, "person") >= 0.95

    quality = run_cli("quality", "--format", "json", "-w", "ws", cwd=native)
    assert quality.returncode == 0, quality.stderr
    report = json.loads(quality.stdout)
    assert 0 < report["overall"]["score"] <= 1
    assert report["records_checked"] > 0


def test_ingesting_twice_changes_nothing(native: Path) -> None:
    again = run_cli("ingest", "-w", "ws", cwd=native)
    assert again.returncode == 0, again.stdout + again.stderr
    with duckdb.connect(str(native / "ws" / "revhub.duckdb"), read_only=True) as con:
        last = con.execute("SELECT max(run_id) FROM ingest.runs").fetchone()
    assert last is not None
    counts = _run_counts(native / "ws", int(last[0]))
    for source, (read, inserted, updated, _) in counts.items():
        assert (inserted, updated) == (0, 0), f"{source}: second run of the same exports"
        assert read > 0, source


def test_demo_runs_the_native_path(tmp_path: Path) -> None:
    result = run_cli("demo", "--accounts", "200", "--months", "6", "--no-serve", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "revhub-demo" / "demo-data" / "native" / "salesforce").is_dir()
    assert "[sources.salesforce]" in (tmp_path / "revhub-demo" / "revhub.toml").read_text()
    for printed in ("Ingest run", "Resolution against ground truth", "Data quality:"):
        assert printed in result.stdout
    assert _f1(result.stdout, "account") >= 0.95
    # the workspace remembers its truth: resolve --evaluate needs no path
    again = run_cli("resolve", "--evaluate", "-w", "revhub-demo", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert _f1(again.stdout, "person") >= 0.95


def test_an_override_from_the_command_line_holds_on_the_next_run(native: Path) -> None:
    database = str(native / "ws" / "revhub.duckdb")
    with duckdb.connect(database, read_only=True) as con:
        left, right = (
            row[0]
            for row in con.execute(
                "SELECT min(record_id) FROM resolve.crosswalk WHERE entity = 'account' "
                "GROUP BY entity_id ORDER BY 1 LIMIT 2"
            ).fetchall()
        )
    made = run_cli("override", "merge", "account", left, right, "--note", "same group",
                   "-w", "ws", cwd=native)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert run_cli("resolve", "-w", "ws", cwd=native).returncode == 0
    with duckdb.connect(database, read_only=True) as con:
        entities = con.execute(
            "SELECT count(DISTINCT entity_id) FROM resolve.crosswalk WHERE record_id IN (?, ?)",
            [left, right],
        ).fetchone()
    assert entities == (1,)
    listed = run_cli("override", "list", "-w", "ws", cwd=native)
    assert left in listed.stdout and "same group" in listed.stdout


def test_quality_prints_a_readable_report_and_the_quarantine_lists(native: Path) -> None:
    report = run_cli("quality", "-w", "ws", cwd=native)
    assert report.returncode == 0, report.stderr
    assert "completeness" in report.stdout and "validity" in report.stdout
    listed = run_cli("quarantine", "list", "-w", "ws", cwd=native)
    assert listed.returncode == 0, listed.stderr
    assert "Quarantine:" in listed.stdout

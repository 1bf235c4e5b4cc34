"""A run killed part-way through leaves the workspace exactly as the last good run left it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import revhub

# The child ingests teams and users; after merging `teams` inside the transaction it
# announces itself and waits to be killed, so the kill lands mid-merge.
CHILD = textwrap.dedent(
    """
    import sys, time, pathlib, pyarrow as pa
    import revhub
    from revhub.ingest import run as ingest_run
    from revhub.sources.base import Batch, Source
    from revhub.sources.registry import register

    version = sys.argv[2]
    class Crm(Source):
        kind = "crm_fixture"
        def batches(self):
            yield Batch("teams", pa.table({"team_id": ["crm:t1"], "name": [f"Team {version}"],
                "department": ["sales"], "source_id": ["t1"],
                "created_at": ["2024-01-01"], "_origin": ["teams.csv:2"]}), origin="teams.csv")
    register("crm_fixture", Crm)
    marker = pathlib.Path(sys.argv[1]) / "merging"
    original = ingest_run.merge_table
    def merge_then_wait(con, stage, table, base):
        result = original(con, stage, table, base)
        if version == "2":
            marker.write_text("merged " + table.name)
            time.sleep(60)
        return result
    ingest_run.merge_table = merge_then_wait
    with revhub.open(sys.argv[1]) as ws:
        ws.ingest()
    """
)


def _child(workspace: Path, version: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(workspace), version])


def test_killed_run_keeps_previous_state(tmp_path: Path) -> None:
    (tmp_path / "revhub.toml").write_text('[sources.crm]\nkind = "crm_fixture"\npath = "."\n')
    revhub.init(tmp_path).close()
    assert _child(tmp_path, "1").wait(timeout=120) == 0
    child = _child(tmp_path, "2")
    deadline = time.monotonic() + 120
    while not (tmp_path / "merging").exists():
        assert child.poll() is None, "the child ended before reaching the merge"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    with revhub.open(tmp_path) as ws:
        names = ws.con.con.execute("SELECT name FROM teams").fetchall()
        runs = ws.con.con.execute("SELECT run_id, status FROM ingest.runs").fetchall()
    assert names == [("Team 1",)]
    assert runs == [(1, "ok")]

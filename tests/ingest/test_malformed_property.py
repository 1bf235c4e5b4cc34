"""Property: whatever bytes a CSV export holds, ingestion never crashes and every row is counted."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from memory_source import MemorySource

import revhub
from revhub.errors import DataError
from revhub.sources.base import Batch
from revhub.sources.readers import read_csv
from revhub.sources.registry import register

register("memory", MemorySource)

_CELL = st.one_of(
    st.sampled_from(["t1", "t2", "sales", "marketing", "", '"', '""', ",", ";", "\n", "é", "x\r"]),
    st.text(max_size=6),
)
_ROW = st.lists(_CELL, min_size=1, max_size=5)
_NOISE = st.binary(max_size=4)


def _csv_bytes(rows: list[list[str]], noise: bytes, cut: int) -> bytes:
    text = "team_id,name,department,source_id,created_at\n"
    text += "\n".join(",".join(cells) for cells in rows)
    data = text.encode("utf-8", "surrogatepass") + noise
    return data[: max(cut, len(text.split("\n", 1)[0]) + 1)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_ROW, max_size=8), noise=_NOISE, cut=st.integers(0, 400))
def test_malformed_csv_is_counted_never_crashes(
    rows: list[list[str]], noise: bytes, cut: int
) -> None:
    root = Path(tempfile.mkdtemp())
    path = root / "teams.csv"
    try:
        path.write_bytes(_csv_bytes(rows, noise, cut))
    except UnicodeEncodeError:
        return
    try:
        raw = read_csv(path)
    except DataError:
        return  # a whole-file problem (no header) is a clear error, not a crash
    table = raw.rows
    (root / "revhub.toml").write_text('[sources.crm]\nkind = "memory"\npath = "."\n')
    MemorySource.BATCHES["crm"] = [
        Batch("teams", table, origin="teams.csv", rejected=tuple(raw.rejected))
    ]
    with revhub.init(root) as ws:
        report = ws.ingest()
        counts = report.sources[0].counts
        stored = ws.con.con.execute("SELECT count(*) FROM teams").fetchone()
    assert counts.balanced
    assert counts.read == table.num_rows + len(raw.rejected)
    assert stored is not None and stored[0] == counts.inserted

"""Benchmark: ingesting one wide file of 1M and 10M rows, as CSV and as Parquet.

The file is a marketing-automation export of touchpoints — 13 columns (activity id,
type, date, channel label, account/contact/campaign ids, four UTM fields, page, last
modified), some of them sparse — read through a generic-files YAML mapping into the
canonical ``touchpoints`` table (19 columns; its references are optional, so no parent
rows are needed and no row is quarantined). The same data is generated once per size
with DuckDB ``COPY … TO`` as CSV and as Parquet, outside every clock. Each measurement
then runs in a fresh subprocess, its peak RSS sampled with psutil, after the
dirty pages are flushed (``os.sync``) and the data file is read once so that it starts in
the page cache (both outside the clock):

- **revhub, first load**: ``ws.ingest`` of the file into an empty workspace, end to end
  — read, stage, type, validate, merge, commit. Every row must come out ``inserted``.
  The report's own split is kept beside it: read + stage, merge, the rest (commit).
- **revhub, re-run**: ``ws.ingest`` of the same, unchanged file into that workspace,
  in another fresh process. Every row must come out ``unchanged``.
- **floor, read**: raw DuckDB reading the file and nothing else — ``count(col)`` of
  every column of ``read_csv``/``read_parquet`` (a bare ``count(*)`` of Parquet would
  only read the footer), with DuckDB's own detected types.
- **floor, read + store**: raw DuckDB ``CREATE TABLE t AS SELECT * FROM read_…`` into a
  fresh database file (committed, as ingestion commits).

Reported per size and format: median rows/s of each, ratios revhub/floor (in seconds,
so ×3 means three times slower than the floor), median peak RSS. Goal: a first load
of at least 500k rows/s (``GOAL_ROWS_PER_SECOND``).

Time: every measurement runs ``--repeat`` times (default 3), except at
``LARGE_ROWS`` rows and above, where revhub and the floors run ``LARGE_REPEAT`` time(s)
so the whole benchmark (1M and 10M, both formats) stays under about 15 minutes on a
2-core machine (10 minutes measured). On such a VM first-touch memory is slow (about
1 GB/s past a few GB), so at 10M rows peak RSS costs time as well as memory.

Results: ``benchmarks/results/ingest.json`` (medians, all runs, machine).
Run: ``python -m benchmarks ingest`` or ``python -m benchmarks.ingest --sizes 1000000``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.child import measure_child
from benchmarks.generator import RESULTS, _machine

DEFAULT_SIZES = [1_000_000, 10_000_000]
FORMATS = ("csv", "parquet")
GOAL_ROWS_PER_SECOND = 500_000
LARGE_ROWS = 5_000_000
LARGE_REPEAT = 1
SOURCE = "touchpoints"

# The export's channel labels, as the marketing tool writes them.
CHANNELS = {
    "Organic Search": "organic_search",
    "Paid Search": "paid_search",
    "Paid Social": "paid_social",
    "Content": "content",
    "Events": "events",
    "Webinar": "webinar",
    "Email": "email",
    "Outbound": "outbound",
    "Partner": "partner",
    "Referral": "referral",
    "Direct": "direct",
}
TYPES = (
    "web_visit", "form_fill", "email_send", "email_open", "email_click", "ad_click",
    "event_attended", "webinar_attended", "content_download", "call", "meeting", "sales_email",
)  # fmt: skip
MAPPING = """\
table: touchpoints
id: Activity ID
columns:
  touchpoint_type: Activity Type
  occurred_at: Activity Date
  channel: {column: Channel, values: {CHANNELS}}
  utm_source: UTM Source
  utm_medium: UTM Medium
  utm_campaign: UTM Campaign
  utm_content: UTM Content
  page_url: Page URL
  updated_at: Last Modified
keys:
  account_id: {column: Account ID, source: crm}
  contact_id: {column: Contact ID, source: crm}
  campaign_id: {column: Campaign ID, source: crm}
"""


def _sql_list(values: Any) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _data_sql(rows: int) -> str:
    """The export's rows: deterministic, varied, some columns sparse (a hash per row)."""
    sources = _sql_list(["google", "linkedin", "newsletter", "facebook", "bing", "g2"])
    mediums = _sql_list(["cpc", "email", "social", "organic", "referral"])
    pages = _sql_list(["pricing", "product", "blog/revops-101", "demo", "docs/start", "careers"])
    return f"""
        SELECT
            'ACT-' || lpad(CAST(i AS VARCHAR), 9, '0') AS "Activity ID",
            list_element({_sql_list(TYPES)}, CAST(hash(i, 1) % {len(TYPES)} AS INT) + 1)
                AS "Activity Type",
            TIMESTAMP '2023-01-01' + to_seconds(CAST(hash(i, 2) % 94608000 AS BIGINT))
                AS "Activity Date",
            list_element({_sql_list(CHANNELS)}, CAST(hash(i, 3) % {len(CHANNELS)} AS INT) + 1)
                AS "Channel",
            '001' || lpad(CAST(hash(i, 4) % 200000 AS VARCHAR), 12, '0') AS "Account ID",
            CASE WHEN hash(i, 5) % 10 < 7
                THEN '003' || lpad(CAST(hash(i, 5) % 900000 AS VARCHAR), 12, '0') END
                AS "Contact ID",
            CASE WHEN hash(i, 6) % 10 < 4
                THEN '701' || lpad(CAST(hash(i, 6) % 3000 AS VARCHAR), 12, '0') END
                AS "Campaign ID",
            CASE WHEN hash(i, 7) % 10 < 6
                THEN list_element({sources}, CAST(hash(i, 7) % 6 AS INT) + 1) END AS "UTM Source",
            CASE WHEN hash(i, 7) % 10 < 6
                THEN list_element({mediums}, CAST(hash(i, 8) % 5 AS INT) + 1) END AS "UTM Medium",
            CASE WHEN hash(i, 7) % 10 < 6
                THEN 'q' || CAST(hash(i, 9) % 12 + 1 AS VARCHAR) || '-campaign-'
                    || CAST(hash(i, 9) % 300 AS VARCHAR) END AS "UTM Campaign",
            CASE WHEN hash(i, 7) % 10 < 3 THEN 'variant-' || CAST(hash(i, 10) % 8 AS VARCHAR) END
                AS "UTM Content",
            'https://www.example.com/'
                || list_element({pages}, CAST(hash(i, 11) % 6 AS INT) + 1)
                || '?ref=' || CAST(hash(i, 12) % 10000 AS VARCHAR) AS "Page URL",
            TIMESTAMP '2023-01-01' + to_seconds(CAST(hash(i, 2) % 94608000 AS BIGINT))
                + to_seconds(CAST(hash(i, 13) % 86400 AS BIGINT)) AS "Last Modified"
        FROM range({rows}) r(i)
    """


def _file(root: str, fmt: str) -> Path:
    return Path(root) / "data" / f"{SOURCE}.{fmt}"


def _reader(root: str, fmt: str) -> str:
    path = str(_file(root, fmt)).replace("'", "''")
    return f"read_csv('{path}', header = true)" if fmt == "csv" else f"read_parquet('{path}')"


def _child_prepare(rows: int, root: str) -> dict[str, Any]:
    """Write the export once per format (DuckDB ``COPY … TO``)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    _file(root, "csv").parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"CREATE TEMP TABLE export AS {_data_sql(rows)}")
    con.execute(f"COPY export TO '{_file(root, 'csv')}' (HEADER, DELIMITER ',')")
    con.execute(f"COPY export TO '{_file(root, 'parquet')}' (FORMAT parquet)")
    con.close()
    return {
        "rows": rows,
        "columns": 13,
        "bytes": {fmt: _file(root, fmt).stat().st_size for fmt in FORMATS},
    }


def _workspace(root: str, fmt: str, name: str) -> Path:
    """A new workspace declaring the export as source ``touchpoints`` (no data yet)."""
    from revhub.config import default_config_text

    folder = Path(root) / name
    folder.mkdir()
    mapping = MAPPING.replace("{CHANNELS}", json.dumps(CHANNELS))
    (folder / f"{SOURCE}.yaml").write_text(mapping)
    source = (
        f'\n[sources.{SOURCE}]\nkind = "files"\npath = "../data/{SOURCE}.{fmt}"\n'
        f'mapping = "{SOURCE}.yaml"\n'
    )
    (folder / "revhub.toml").write_text(default_config_text() + source)
    return folder


def _ingest(folder: Path, expected: str) -> dict[str, Any]:
    import revhub

    with revhub.init(folder) as ws:
        started = time.perf_counter()
        report = ws.ingest([SOURCE])
        seconds = time.perf_counter() - started
        merge = ws.con.con.execute(
            "SELECT sum(seconds) FROM ingest.run_tables WHERE run_id = ?", [report.run_id]
        ).fetchone()
        began_close = time.perf_counter()
    close_seconds = time.perf_counter() - began_close
    summary = report.sources[0]
    counts = summary.counts
    if summary.error or getattr(counts, expected) != counts.read:
        raise RuntimeError(f"expected every row {expected}: {summary}")
    merge_seconds = float(merge[0]) if merge and merge[0] is not None else 0.0
    return {
        "seconds": seconds,
        "rows": counts.read,
        "counts": {k: v for k, v in vars(counts).items() if v},
        "read_stage_seconds": summary.seconds,
        "merge_seconds": merge_seconds,
        "other_seconds": seconds - summary.seconds - merge_seconds,
        "close_seconds": close_seconds,
        "database_mb": (folder / "revhub.duckdb").stat().st_size / 2**20,
    }


def _child_first(root: str, fmt: str, name: str) -> dict[str, Any]:
    return _ingest(_workspace(root, fmt, name), "inserted")


def _child_rerun(root: str, name: str) -> dict[str, Any]:
    return _ingest(Path(root) / name, "unchanged")


def _child_read(root: str, fmt: str) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    names = [
        row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {_reader(root, fmt)}").fetchall()
    ]
    counts = ", ".join(f'count("{n}")' for n in names)
    started = time.perf_counter()
    row = con.execute(f"SELECT count(*), {counts} FROM {_reader(root, fmt)}").fetchone()
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": seconds, "rows": int(row[0]) if row else 0}


def _child_store(root: str, fmt: str, name: str) -> dict[str, Any]:
    import duckdb

    database = Path(root) / f"{name}.duckdb"
    con = duckdb.connect(str(database))
    con.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM {_reader(root, fmt)}")
    seconds = time.perf_counter() - started
    row = con.execute("SELECT count(*) FROM t").fetchone()
    con.close()
    size = database.stat().st_size / 2**20
    database.unlink()
    return {"seconds": seconds, "rows": int(row[0]) if row else 0, "database_mb": size}


def _settle(root: str, fmt: str) -> None:
    """Flush dirty pages and read the data file once, so every run starts alike."""
    os.sync()
    with _file(root, fmt).open("rb") as handle:
        while handle.read(1 << 24):
            pass


def _measure(kind: str, *args: Any) -> dict[str, Any]:
    """Run ``_child_<kind>(*args)`` in a fresh interpreter (see ``child``)."""
    result = measure_child("ingest", kind, *args)
    if "rows" in result and "seconds" in result:
        result["rows_per_second"] = result["rows"] / result["seconds"]
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "median_seconds": _median(runs, "seconds"),
        "median_rows_per_second": _median(runs, "rows_per_second"),
        "median_peak_rss_mb": _median(runs, "peak_rss_mb"),
    }


def _format(root: str, fmt: str, times: int) -> dict[str, Any]:
    first, rerun, reads, stores = [], [], [], []
    for index in range(times):
        name = f"ws-{fmt}-{index}"
        _settle(root, fmt)
        first.append(_measure("first", root, fmt, name))
        _settle(root, fmt)
        rerun.append(_measure("rerun", root, name))
        shutil.rmtree(Path(root) / name, ignore_errors=True)
    for index in range(times):
        _settle(root, fmt)
        reads.append(_measure("read", root, fmt))
        _settle(root, fmt)
        stores.append(_measure("store", root, fmt, f"floor-{index}"))
    entry: dict[str, Any] = {
        "format": fmt,
        "first_load": _summary(first),
        "rerun": _summary(rerun),
        "floor_read": _summary(reads),
        "floor_store": _summary(stores),
    }
    for phase in ("read_stage_seconds", "merge_seconds", "other_seconds"):
        entry["first_load"]["median_" + phase] = _median(first, phase)
        entry["rerun"]["median_" + phase] = _median(rerun, phase)
    load, again = entry["first_load"]["median_seconds"], entry["rerun"]["median_seconds"]
    entry["first_load_ratio_to_read"] = load / entry["floor_read"]["median_seconds"]
    entry["first_load_ratio_to_store"] = load / entry["floor_store"]["median_seconds"]
    entry["rerun_ratio_to_read"] = again / entry["floor_read"]["median_seconds"]
    entry["meets_goal"] = entry["first_load"]["median_rows_per_second"] >= GOAL_ROWS_PER_SECOND
    entry["runs"] = {"first_load": first, "rerun": rerun, "floor_read": reads, "store": stores}
    return entry


def run(sizes: list[int], repeat: int) -> dict[str, Any]:
    """Measure every size (in rows) and format; write and return the results."""
    results: dict[str, Any] = {
        "benchmark": "ingest",
        "machine": _machine(),
        "what": "touchpoints export (13 columns) through a files mapping into `touchpoints`",
        "floor": {
            "read": "DuckDB count(col) of every column of read_csv/read_parquet",
            "store": "DuckDB CREATE TABLE AS SELECT * FROM read_csv/read_parquet, new file",
        },
        "goal_rows_per_second": GOAL_ROWS_PER_SECOND,
        "sizes": [],
    }
    for rows in sizes:
        times = repeat if rows < LARGE_ROWS else max(1, min(repeat, LARGE_REPEAT))
        folder = tempfile.mkdtemp(prefix="revhub-bench-ingest-")
        try:
            prepared = _measure("prepare", rows, folder)
            entry: dict[str, Any] = {"rows": rows, "repeat": times, "bytes": prepared["bytes"]}
            for fmt in FORMATS:
                measured = _format(folder, fmt, times)
                entry[fmt] = measured
                print(_line(rows, measured), flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        results["sizes"].append(entry)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


def _line(rows: int, entry: dict[str, Any]) -> str:
    first, rerun = entry["first_load"], entry["rerun"]
    read, store = entry["floor_read"], entry["floor_store"]
    return (
        f"ingest {rows:>10,} rows {entry['format']:<7}: first load "
        f"{first['median_rows_per_second']:>10,.0f} rows/s ({first['median_seconds']:.1f}s, "
        f"peak RSS {first['median_peak_rss_mb']:,.0f} MB), re-run "
        f"{rerun['median_rows_per_second']:>10,.0f} rows/s; floor read "
        f"{read['median_rows_per_second']:>12,.0f} rows/s (×{entry['first_load_ratio_to_read']:.0f}"
        f"), read+store {store['median_rows_per_second']:>11,.0f} rows/s "
        f"(×{entry['first_load_ratio_to_store']:.1f}, {store['median_peak_rss_mb']:,.0f} MB)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="Rows per file.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per size (median kept).")
    arguments = parser.parse_args()
    run([int(s) for s in arguments.sizes.split(",")], arguments.repeat)

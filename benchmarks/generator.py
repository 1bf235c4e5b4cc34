"""Benchmark: the demo-company generator at several sizes.

For each size, in a fresh subprocess each time (so peak RSS is that run's own):
- **revhub**: ``generate()`` end to end — simulate, plant problems, write Parquet.
- **floor**: the unavoidable part of that work — writing the same tables, already in
  memory, to Parquet with pyarrow (same compression). No simulation at all.
- **peer**: what people otherwise reach for — Faker, row by row, producing only the
  accounts and contacts tables (far less than revhub makes); measured on a sample and
  reported as rows/s.

Results: ``benchmarks/results/generator.json`` (medians, all runs, machine).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
DEFAULT_SIZES = [10_000, 100_000, 1_000_000]  # accounts
AS_OF = dt.date(2026, 11, 1)


def _child_generate(accounts: int, out: str) -> dict[str, Any]:
    from revhub.demo.generator import generate
    from revhub.demo.spec import DemoSpec

    started = time.perf_counter()
    report = generate(DemoSpec(accounts=accounts, months=36, seed=42, as_of=AS_OF), Path(out))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": sum(report.rows.values()), "tables": report.rows}


def _child_floor(out: str) -> dict[str, Any]:
    import pyarrow.parquet as pq

    files = sorted(Path(out).rglob("*.parquet"))
    tables = [(f, pq.read_table(f)) for f in files]
    target = Path(out + "-floor")
    target.mkdir()
    started = time.perf_counter()
    for index, (_, data) in enumerate(tables):
        pq.write_table(data, target / f"{index}.parquet", compression="zstd")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": sum(t.num_rows for _, t in tables)}


def _child_peer(accounts: int) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from faker import Faker

    fake = Faker()
    Faker.seed(42)
    started = time.perf_counter()
    account_rows, contact_rows = [], []
    for index in range(accounts):
        account_rows.append(
            {
                "account_id": index,
                "name": fake.company(),
                "domain": fake.domain_name(),
                "country": fake.country_code(),
                "city": fake.city(),
                "phone": fake.phone_number(),
                "employees": fake.random_int(5, 50000),
            }
        )
        for _ in range(3):
            contact_rows.append(
                {
                    "account_id": index,
                    "first_name": fake.first_name(),
                    "last_name": fake.last_name(),
                    "email": fake.email(),
                    "title": fake.job(),
                }
            )
    with tempfile.TemporaryDirectory() as folder:
        pq.write_table(pa.Table.from_pylist(account_rows), Path(folder) / "accounts.parquet")
        pq.write_table(pa.Table.from_pylist(contact_rows), Path(folder) / "contacts.parquet")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(account_rows) + len(contact_rows)}


def _measure(kind: str, *args: Any) -> dict[str, Any]:
    """Run ``_child_<kind>(*args)`` in a fresh interpreter; return its figures and peak RSS."""
    code = (
        "import json, resource, sys\n"
        "from benchmarks import generator as g\n"
        f"result = g._child_{kind}(*json.loads(sys.argv[1]))\n"
        "result['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(result))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    result["rows_per_second"] = result["rows"] / result["seconds"]
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def run(sizes: list[int], repeat: int) -> dict[str, Any]:
    """Measure every size; write and return the results."""
    results: dict[str, Any] = {"benchmark": "generator", "machine": _machine(), "sizes": []}
    peer_accounts = 2_000
    peer_runs = [_measure("peer", peer_accounts) for _ in range(repeat)]
    results["peer"] = {
        "what": "Faker row by row, accounts + 3 contacts each, written to Parquet",
        "accounts": peer_accounts,
        "median_rows_per_second": _median(peer_runs, "rows_per_second"),
        "runs": peer_runs,
    }
    for accounts in sizes:
        runs, floors = [], []
        for _ in range(repeat if accounts < 1_000_000 else max(1, repeat - 2)):
            folder = tempfile.mkdtemp(prefix="revhub-bench-")
            out = str(Path(folder) / "demo")
            try:
                runs.append(_measure("generate", accounts, out))
                floors.append(_measure("floor", out))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        entry = {
            "accounts": accounts,
            "rows": runs[0]["rows"],
            "median_seconds": _median(runs, "seconds"),
            "median_rows_per_second": _median(runs, "rows_per_second"),
            "median_accounts_per_second": accounts / _median(runs, "seconds"),
            "median_peak_rss_mb": _median(runs, "peak_rss_mb"),
            "floor_median_seconds": _median(floors, "seconds"),
            "ratio_to_floor": _median(runs, "seconds") / _median(floors, "seconds"),
            "ratio_to_peer_rows_per_second": _median(runs, "rows_per_second")
            / results["peer"]["median_rows_per_second"],
            "runs": runs,
            "floor_runs": floors,
        }
        results["sizes"].append(entry)
        print(
            f"generator {accounts:>9,} accounts: {entry['median_seconds']:7.1f}s, "
            f"{entry['rows']:>11,} rows, {entry['median_rows_per_second']:>10,.0f} rows/s, "
            f"peak RSS {entry['median_peak_rss_mb']:,.0f} MB, "
            f"floor {entry['floor_median_seconds']:.1f}s (×{entry['ratio_to_floor']:.1f}), "
            f"peer Faker {results['peer']['median_rows_per_second']:,.0f} rows/s",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "generator.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


def _machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rusage_unit": "ru_maxrss in KiB (Linux)",
    }

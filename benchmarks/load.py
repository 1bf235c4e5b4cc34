"""Benchmark: the server under load — 50 concurrent clients on loopback, bounded in time.

For each size (accounts of the demo company; generated, loaded and computed once):

1. **prepare** (a child process): generate the company, load it, ``revhub compute`` every
   metric (what a dashboard reads), create an analyst and an API token.
2. **serve**: ``revhub serve`` in its own process (uvicorn, one worker), as a user runs it.
3. **load**: `wrk <https://github.com/wg/wrk>`_ (Debian's package, installed here if
   missing), 2 threads and 50 connections: one 60-second run over the mix of the main
   dashboard endpoints, then each endpoint alone for 10 seconds, and the **floor**: the
   health route (no sign-in, no query) under the same load. wrk reports requests,
   errors (any non-2xx/3xx status counts) and latency percentiles (p50, p95, p99).

The goal is p95 under 150 ms with zero errors. wrk shares the machine's two cores with
the server, so figures are a lower bound of what the server does alone.

Results: ``benchmarks/results/load.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

from benchmarks.child import measure_child
from benchmarks.generator import _machine

RESULTS = Path(__file__).parent / "results"
SCRIPT = Path(__file__).parent / "load.lua"
DEFAULT_SIZES = [1_000_000]  # accounts
AS_OF = dt.date(2026, 11, 1)
MONTHS = 36
CONNECTIONS = 50
MIX_SECONDS = 60
EACH_SECONDS = 10


def _child_prepare(accounts: int, folder: str) -> dict[str, Any]:
    """Generate, load and compute the company; create an analyst with an API token."""
    import revhub
    from revhub.appdb import AppDatabase, create_token, create_user
    from revhub.demo.generator import generate
    from revhub.demo.spec import DemoSpec
    from revhub.metrics.materialise import compute_all

    started = time.perf_counter()
    spec = DemoSpec(accounts=accounts, months=MONTHS, seed=42, as_of=AS_OF)
    report = generate(spec, Path(folder) / "data")
    with revhub.init(Path(folder) / "ws") as ws:
        ws.load(report.out)
        ws.set_meta("as_of", AS_OF.isoformat())
        compute_all(ws)
        database = AppDatabase.for_settings(ws.settings)
        database.upgrade()
        user = create_user(database, "bench", "revenue_analyst", "a long benchmark password")
        _, token = create_token(database, user.id, "load test")
        database.dispose()
        account = ws.con.raw_sql(
            "SELECT account_id FROM opportunities GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    shutil.rmtree(Path(folder) / "data")
    return {"seconds": time.perf_counter() - started, "token": token, "account": account}


def endpoints(account: str) -> dict[str, str]:
    """The main dashboard endpoints, by a short name."""
    return {
        "scorecard": "/api/scorecards/company",
        "arr_trend": "/api/metrics/arr/values",
        "mrr_by_segment": "/api/metrics/new_mrr/values?by=segment",
        "win_rate": "/api/metrics/win_rate/values",
        "accounts_page": "/api/accounts?page=3&page_size=50",
        "accounts_search": "/api/accounts?q=acme",
        "account_detail": f"/api/accounts/{account}",
        "account_timeline": f"/api/accounts/{account}/timeline",
        "open_deals": "/api/deals?status=open",
        "overview_page": "/",
    }


FLOOR = {"floor_health": "/api/health"}
"""The floor: the same server answering its cheapest route (no sign-in, no query), under
the same load — what uvicorn, FastAPI and our middleware cost before any work."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk could not be installed (apt-get install wrk).")
    return found


def _run_wrk(base: str, token: str, paths: list[str], seconds: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            _wrk(),
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(SCRIPT),
            base,
            "--",
            token,
            *paths,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    seconds_run = figures["duration_us"] / 1e6
    errors = sum(figures["errors"].values())
    return {
        "requests": figures["requests"],
        "errors": errors,
        "error_kinds": figures["errors"],
        "throughput_rps": figures["requests"] / seconds_run,
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "max_ms": figures["max_us"] / 1000,
    }


def _serve(folder: str, port: int) -> subprocess.Popen[bytes]:
    log = open(Path(folder) / "serve.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "revhub.cli",
            "serve",
            "-w",
            str(Path(folder) / "ws"),
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "200"},
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"the server did not start; see {folder}/serve.log")


def run(sizes: list[int], repeat: int) -> dict[str, Any]:
    """Measure every size; write and return the results (``repeat`` is not used: the
    runs are bounded in time instead)."""
    results: dict[str, Any] = {"benchmark": "load", "machine": _machine(), "sizes": []}
    for accounts in sizes:
        folder = tempfile.mkdtemp(prefix="revhub-bench-load-")
        try:
            prepared = measure_child("load", "prepare", accounts, folder)
            port = _free_port()
            server = _serve(folder, port)
            try:
                entry = _measure(f"http://127.0.0.1:{port}", prepared, server.pid)
            finally:
                server.send_signal(signal.SIGINT)
                server.wait(timeout=60)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        entry = {"accounts": accounts, "prepare_seconds": prepared["seconds"], **entry}
        results["sizes"].append(entry)
        mix = entry["mix"]
        print(
            f"load {accounts:>9,} accounts: {mix['throughput_rps']:.0f} req/s, p50 "
            f"{mix['p50_ms']:.1f} ms, p95 {mix['p95_ms']:.1f} ms, p99 {mix['p99_ms']:.1f} ms, "
            f"{mix['errors']} errors (goal: p95 < 150 ms, 0 errors)",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


def _measure(base: str, prepared: dict[str, Any], pid: int) -> dict[str, Any]:
    import psutil

    paths = endpoints(prepared["account"])
    token = prepared["token"]
    headers = {"Authorization": f"Bearer {token}"}
    first: dict[str, float] = {}
    for name, path in paths.items():  # the first call of each fills caches: timed apart
        began = time.perf_counter()
        response = httpx.get(base + path, headers=headers, timeout=600)
        response.raise_for_status()
        first[name] = (time.perf_counter() - began) * 1000
    mix = _run_wrk(base, token, list(paths.values()), MIX_SECONDS)
    each = {
        name: _run_wrk(base, token, [path], EACH_SECONDS)
        for name, path in {**paths, **FLOOR}.items()
    }
    rss = psutil.Process(pid).memory_info().rss / 2**20
    return {
        "connections": CONNECTIONS,
        "mix_seconds": MIX_SECONDS,
        "mix": mix,
        "each_seconds": EACH_SECONDS,
        "endpoints": each,
        "first_call_ms": first,
        "server_rss_mb": rss,
    }

"""Benchmark: `revhub forecast` — a full forecast run, and the Monte Carlo alone.

For each size (accounts of the demo company, generated and loaded once per size the way
``benchmarks.metrics`` does it), each measurement in a fresh subprocess so peak RSS is
that run's own:

- **revhub**: ``ws.forecast.run(as_of, draws=10_000, store=True, timeseries=True)`` —
  deal states at 40 moments, the win and timing models, scoring, pipeline to come, the
  Monte Carlo per period, managers' calls, the time-series cross-checks, stored. Its
  steps are timed inside the same run by wrapping the functions it calls (``parts``).
- **peer**: what a RevOps team otherwise uses — the CRM's weighted pipeline: Σ amount ×
  stage probability of open new-business deals by close-date quarter, one DuckDB query
  over ``opportunities``.
- **floor**: DuckDB reading, once, every column of every table the deal forecast reads
  (``FLOOR_COLUMNS``), and nothing else.

Then once, apart from the sizes: the **Monte Carlo** (``revhub.forecast.monte_carlo.
simulate``), 10,000 draws over 100,000 synthetic open deals in 28 groups (company, 3
segments, 4 regions, 20 teams); its floor (drawing the same float32 uniforms in the same
chunks, nothing else) and its peer (a notebook's ``rng.random((draws, n)) < p`` in
float64, then ``@`` the amounts per group — in chunks of 1,000 draws when in one go it
would need more than 8 GB).

Results: ``benchmarks/results/forecast.json`` (medians, all runs, machine).
"""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.child import measure_child
from benchmarks.generator import _machine
from benchmarks.metrics import MONTHS, _median

RESULTS = Path(__file__).parent / "results"
DEFAULT_SIZES = [100_000, 1_000_000]  # accounts
DRAWS = 10_000
MC_DEALS = 100_000
MC_GROUPS = {"company": 1, "segment": 3, "region": 4, "team": 20}
PEER_LIMIT_BYTES = 8 * 10**9
PEER_CHUNK_DRAWS = 1_000
FLOOR_COLUMNS = {
    "opportunity_history": [
        "opportunity_id", "valid_from", "stage", "forecast_category", "probability",
        "amount_base", "close_date", "owner_id", "change_kind",
    ],
    "opportunities": [
        "opportunity_id", "account_id", "opportunity_type", "source_channel", "partner_id",
        "created_date",
    ],
    "touchpoints": ["touchpoint_type", "occurred_at", "account_id", "contact_id"],
    "accounts": ["account_id", "segment", "region"],
    "users": ["user_id", "team_id", "name", "manager_id"],
}  # fmt: skip
PEER_QUERY = """
SELECT date_trunc('quarter', close_date) AS quarter, count(*) AS deals,
       sum(amount_base * probability) AS weighted
FROM opportunities
WHERE NOT is_closed AND opportunity_type = 'new_business'
GROUP BY 1 ORDER BY 1
"""
TIMED = {  # module → functions it calls by name, timed where it calls them
    "revhub.forecast.deal_models": ["deal_states", "deal_outcomes", "fit_win_model"],
    "revhub.forecast.bookings": [
        "fit_deal_models", "score_open_deals", "fit_future_pipeline", "won_before",
        "win_between", "_shared_spread", "simulate",
    ],
    "revhub.forecast.service": ["forecast_bookings", "won_before", "forecast_calls"],
}  # fmt: skip


def _timed(parts: dict[str, list[float]], name: str, call: Callable[..., Any]) -> Any:
    @functools.wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            parts.setdefault(name, []).append(time.perf_counter() - started)

    return wrapper


def _instrument(parts: dict[str, list[float]]) -> None:
    """Time the forecast's steps by wrapping the names its modules call them by."""
    import importlib

    from revhub.forecast.service import Forecasts

    for module_name, names in TIMED.items():
        module = importlib.import_module(module_name)
        short = module_name.rsplit(".", 1)[1]
        for name in names:
            setattr(module, name, _timed(parts, f"{short}.{name}", getattr(module, name)))
    for method in ("_timeseries", "_store"):
        label = f"service{method.replace('_', '.', 1)}"
        setattr(Forecasts, method, _timed(parts, label, getattr(Forecasts, method)))


def _child_revhub(folder: str) -> dict[str, Any]:
    import revhub

    parts: dict[str, list[float]] = {}
    _instrument(parts)
    with revhub.open(Path(folder) / "ws") as ws:
        as_of = ws.as_of()
        started = time.perf_counter()
        result = ws.forecast.run(as_of, draws=DRAWS, store=True, timeseries=True)
        seconds = time.perf_counter() - started
        counts = ws.con.con.execute(
            "SELECT count(*), count(*) FILTER (NOT is_closed), count(*) FILTER (is_closed),"
            " (SELECT count(*) FROM opportunity_history) FROM opportunities"
        ).fetchone()
    training = result.bookings.models.win.training
    return {
        "seconds": seconds,
        "as_of": as_of.isoformat(),
        "opportunities": counts[0],
        "opportunities_open": counts[1],
        "opportunities_closed": counts[2],
        "history_rows": counts[3],
        "open_new_business_deals": len(result.bookings.deals),
        "closed_deals_trained_on": training.closed_deals,
        "won_deals_trained_on": training.won_deals,
        "training_rows": len(training.won),
        "win_method": result.bookings.models.win.method,
        "shock_sigma": result.bookings.shock_sigma,
        "timeseries_rows": len(result.timeseries),
        "parts": {name: {"seconds": sum(t), "calls": len(t)} for name, t in parts.items()},
    }


def _child_peer(folder: str) -> dict[str, Any]:
    import revhub

    with revhub.open(Path(folder) / "ws") as ws:
        started = time.perf_counter()
        rows = ws.con.con.execute(PEER_QUERY).fetchall()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "quarters": len(rows), "open_deals": sum(r[1] for r in rows)}


def _child_floor(folder: str) -> dict[str, Any]:
    import revhub

    tables = {}
    with revhub.open(Path(folder) / "ws") as ws:
        started = time.perf_counter()
        for table, names in FLOOR_COLUMNS.items():
            began = time.perf_counter()
            counts = ", ".join(f'count("{c}")' for c in names)
            ws.con.con.execute(f"SELECT count(*), {counts} FROM {table}").fetchall()
            tables[table] = time.perf_counter() - began
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "tables": tables}


def _mc_inputs() -> tuple[Any, Any, Any]:
    """100,000 open deals: lognormal amounts, beta probabilities, one segment, region
    and team each (with the company: 28 groups)."""
    import numpy as np

    rng = np.random.default_rng(7)
    amount = rng.lognormal(mean=10.0, sigma=1.0, size=MC_DEALS)
    probability = rng.beta(2.0, 5.0, size=MC_DEALS)
    groups = np.zeros((MC_DEALS, sum(MC_GROUPS.values())), dtype=np.float32)
    groups[:, 0] = 1.0
    first = 1
    for count in list(MC_GROUPS.values())[1:]:
        groups[np.arange(MC_DEALS), first + rng.integers(0, count, MC_DEALS)] = 1.0
        first += count
    return amount, probability, groups


def _child_mc_revhub() -> dict[str, Any]:
    from revhub.forecast.monte_carlo import FutureArrivals, simulate

    amount, probability, groups = _mc_inputs()
    started = time.perf_counter()
    totals = simulate(
        amount, probability, groups, FutureArrivals.none(groups.shape[1]),
        draws=DRAWS, shock_sigma=0.3,
    )  # fmt: skip
    return {"seconds": time.perf_counter() - started, "mean_total": float(totals[:, 0].mean())}


def _child_mc_floor() -> dict[str, Any]:
    import numpy as np

    from revhub.forecast.monte_carlo import CHUNK_CELLS

    rng = np.random.default_rng(0)
    step = max(1, CHUNK_CELLS // MC_DEALS)
    started = time.perf_counter()
    total = 0.0
    for first in range(0, DRAWS, step):
        total += float(rng.random((min(DRAWS, first + step) - first, MC_DEALS), np.float32).sum())
    return {"seconds": time.perf_counter() - started, "chunk_draws": step, "check": total}


def _child_mc_peer() -> dict[str, Any]:
    import numpy as np

    amount, probability, groups = _mc_inputs()
    weights = groups.astype(np.float64) * amount[:, None]
    rng = np.random.default_rng(0)
    needed = DRAWS * MC_DEALS * (8 + 1 + 8)  # uniforms, wins, wins cast for the product
    step = PEER_CHUNK_DRAWS if needed > PEER_LIMIT_BYTES else DRAWS
    started = time.perf_counter()
    totals = np.zeros((DRAWS, groups.shape[1]))
    for first in range(0, DRAWS, step):
        wins = rng.random((min(DRAWS, first + step) - first, MC_DEALS)) < probability
        totals[first : first + len(wins)] = wins @ weights
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "chunk_draws": step, "one_go_gb": needed / 1e9,
            "mean_total": float(totals[:, 0].mean())}  # fmt: skip


def _monte_carlo(repeat: int) -> dict[str, Any]:
    runs = [measure_child("forecast", "mc_revhub") for _ in range(repeat)]
    floors = [measure_child("forecast", "mc_floor") for _ in range(repeat)]
    peers = [measure_child("forecast", "mc_peer") for _ in range(repeat)]
    seconds = _median(runs, "seconds")
    entry = {
        "deals": MC_DEALS,
        "draws": DRAWS,
        "groups": MC_GROUPS,
        "median_seconds": seconds,
        "median_peak_rss_mb": _median(runs, "peak_rss_mb"),
        "floor_median_seconds": _median(floors, "seconds"),
        "floor_chunk_draws": floors[0]["chunk_draws"],
        "ratio_to_floor": seconds / _median(floors, "seconds"),
        "peer_median_seconds": _median(peers, "seconds"),
        "peer_median_peak_rss_mb": _median(peers, "peak_rss_mb"),
        "peer_chunk_draws": peers[0]["chunk_draws"],
        "peer_one_go_gb": peers[0]["one_go_gb"],
        "speedup_over_peer": _median(peers, "seconds") / seconds,
        "runs": runs,
        "floor_runs": floors,
        "peer_runs": peers,
    }
    print(
        f"forecast Monte Carlo {DRAWS:,} draws × {MC_DEALS:,} deals: {seconds:.1f}s, peak RSS "
        f"{entry['median_peak_rss_mb']:,.0f} MB; floor (uniforms) "
        f"{entry['floor_median_seconds']:.1f}s (×{entry['ratio_to_floor']:.1f}); numpy peer "
        f"{entry['peer_median_seconds']:.1f}s, {entry['peer_median_peak_rss_mb']:,.0f} MB "
        f"(peer time ÷ revhub time: {entry['speedup_over_peer']:.2f})",
        flush=True,
    )
    return entry


def _size(accounts: int, repeat: int) -> dict[str, Any]:
    folder = tempfile.mkdtemp(prefix="revhub-bench-forecast-")
    try:
        prepared = measure_child("metrics", "prepare", accounts, folder)
        shutil.rmtree(Path(folder) / "data")
        times = repeat if accounts < 1_000_000 else max(1, repeat - 2)
        runs = [measure_child("forecast", "revhub", folder) for _ in range(times)]
        floors = [measure_child("forecast", "floor", folder) for _ in range(times)]
        peers = [measure_child("forecast", "peer", folder) for _ in range(times)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    seconds = _median(runs, "seconds")
    counted = {k: v for k, v in runs[0].items() if k not in ("seconds", "parts", "peak_rss_mb")}
    names = sorted({name for run in runs for name in run["parts"]})
    parts = {n: _median([r["parts"][n] for r in runs if n in r["parts"]], "seconds") for n in names}
    return {
        "accounts": accounts,
        "months": MONTHS,
        "prepare_seconds": prepared["seconds"],
        "rows_loaded": prepared["rows"],
        **counted,
        "draws": DRAWS,
        "median_seconds": seconds,
        "median_peak_rss_mb": _median(runs, "peak_rss_mb"),
        "median_parts_seconds": parts,
        "floor_median_seconds": _median(floors, "seconds"),
        "ratio_to_floor": seconds / _median(floors, "seconds"),
        "peer_median_seconds": _median(peers, "seconds"),
        "peer_median_peak_rss_mb": _median(peers, "peak_rss_mb"),
        "speedup_over_peer": _median(peers, "seconds") / seconds,
        "runs": runs,
        "floor_runs": floors,
        "peer_runs": peers,
    }


def run(sizes: list[int], repeat: int) -> dict[str, Any]:
    """Measure the Monte Carlo and every size; write and return the results."""
    results: dict[str, Any] = {"benchmark": "forecast", "machine": _machine()}
    results["monte_carlo"] = _monte_carlo(repeat)
    results["sizes"] = []
    for accounts in sizes:
        entry = _size(accounts, repeat)
        results["sizes"].append(entry)
        print(
            f"forecast {accounts:>9,} accounts ({entry['opportunities']:,} opportunities, "
            f"{entry['open_new_business_deals']:,} open new business, "
            f"{entry['training_rows']:,} training rows): full run {entry['median_seconds']:.1f}s, "
            f"peak RSS {entry['median_peak_rss_mb']:,.0f} MB; floor "
            f"{entry['floor_median_seconds']:.2f}s (×{entry['ratio_to_floor']:.0f}); CRM "
            f"weighted-pipeline peer {entry['peer_median_seconds']:.3f}s",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "forecast.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results

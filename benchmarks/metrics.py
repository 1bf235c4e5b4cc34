"""Benchmark: `revhub compute` — the whole metric catalogue, monthly, 36 months.

For each size (accounts of the demo company, generated and loaded once per size), each
in a fresh subprocess so peak RSS is that run's own:

- **revhub**: ``compute_all(ws, grains=("month",))`` — every metric, for the company
  and by each default dimension, over the whole history, stored in ``metrics.results``.
- **peer**: what an analyst writes in a notebook instead — pandas reading the Parquet
  tables and computing only MRR movements per account and month, win rate by month, and
  MQL → SQL conversion by month (a small part of the catalogue).
- **floor**: DuckDB reading, once, every column the catalogue's queries read (found from
  the scans in DuckDB's own query plans of every metric), and nothing else.

Results: ``benchmarks/results/metrics.json`` (medians, all runs, machine).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.child import measure_child
from benchmarks.generator import _machine

RESULTS = Path(__file__).parent / "results"
DEFAULT_SIZES = [100_000, 1_000_000]  # accounts
AS_OF = dt.date(2026, 11, 1)
MONTHS = 36


def _child_prepare(accounts: int, folder: str) -> dict[str, Any]:
    """Generate the demo company as Parquet and load it into a workspace."""
    import revhub
    from revhub.demo.generator import generate
    from revhub.demo.spec import DemoSpec

    started = time.perf_counter()
    spec = DemoSpec(accounts=accounts, months=MONTHS, seed=42, as_of=AS_OF)
    report = generate(spec, Path(folder) / "data")
    with revhub.init(Path(folder) / "ws") as ws:
        ws.load(report.out)
        ws.set_meta("as_of", AS_OF.isoformat())
    return {"seconds": time.perf_counter() - started, "rows": sum(report.rows.values())}


def _child_revhub(folder: str) -> dict[str, Any]:
    import revhub
    from revhub.metrics.materialise import compute_all

    with revhub.open(Path(folder) / "ws") as ws:
        started = time.perf_counter()
        report = compute_all(ws, grains=("month",))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "metrics": report.metrics, "values": report.rows}


def _child_floor(folder: str) -> dict[str, Any]:
    import revhub

    with revhub.open(Path(folder) / "ws") as ws:
        columns = _scanned_columns(ws)
        started = time.perf_counter()
        for table, names in sorted(columns.items()):
            counts = ", ".join(f'count("{c}")' for c in sorted(names))
            ws.con.con.execute(f"SELECT {counts} FROM {table}").fetchall()
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "tables": len(columns),
        "columns": sum(len(c) for c in columns.values()),
    }


def _scanned_columns(ws: Any) -> dict[str, set[str]]:
    """Table → columns read by the scans in the query plans of every metric."""
    from revhub.metrics.compute import metric_values
    from revhub.metrics.materialise import history_start

    end = ws.as_of()
    frame = ws.metrics.frame("month", history_start(ws, end), end)
    canonical = set(ws.con.list_tables())
    scanned: dict[str, set[str]] = {}
    for metric in ws.metrics.list():
        # a view registers the in-memory calendars that a compiled string would lack
        ws.con.create_view("_bench_plan", metric_values(metric, frame), overwrite=True)
        query = "EXPLAIN (FORMAT JSON) SELECT * FROM _bench_plan"
        plan = ws.con.con.execute(query).fetchall()[0][1]
        for node in _nodes(json.loads(plan)):
            table = node.get("extra_info", {}).get("Table")
            if node.get("name") == "SEQ_SCAN " and table in canonical:
                projected = node["extra_info"].get("Projections", [])
                names = [projected] if isinstance(projected, str) else projected
                scanned.setdefault(table, set()).update(n.strip() for n in names if n)
    return scanned


def _nodes(plan: Any) -> list[dict[str, Any]]:
    out = []
    for node in plan if isinstance(plan, list) else [plan]:
        out.append(node)
        out.extend(_nodes(node.get("children", [])))
    return out


def _child_peer(folder: str) -> dict[str, Any]:
    """MRR movements, win rate and MQL → SQL conversion by month, as a notebook would."""
    import numpy as np
    import pandas as pd

    data = Path(folder) / "data"
    started = time.perf_counter()
    subs = pd.read_parquet(
        data / "subscriptions.parquet",
        columns=["subscription_id", "account_id", "billing_interval", "start_date",
                 "trial_end_date", "ended_date", "discount_percent"],
    )  # fmt: skip
    items = pd.read_parquet(
        data / "subscription_items.parquet",
        columns=["subscription_id", "price_id", "quantity", "start_date", "end_date",
                 "unit_amount_base"],
    )  # fmt: skip
    prices = pd.read_parquet(data / "prices.parquet", columns=["price_id", "interval_count"])
    df = items.merge(subs, on="subscription_id", suffixes=("", "_sub")).merge(prices)
    per = df.billing_interval.map({"month": 1, "quarter": 3, "year": 12}) * df.interval_count
    df["mrr"] = (
        df.quantity * df.unit_amount_base.astype(float) * (1 - df.discount_percent.fillna(0))
    ) / per
    starts = pd.to_datetime(df[["start_date", "start_date_sub"]].max(axis=1))
    trial = pd.to_datetime(df.trial_end_date) + pd.Timedelta(days=1)
    df["from"] = starts.where(trial.isna() | (trial <= starts), trial)
    far = pd.Timestamp("2262-01-01")
    df["to"] = pd.concat(
        [pd.to_datetime(df.end_date).fillna(far), pd.to_datetime(df.ended_date).fillna(far)],
        axis=1,
    ).min(axis=1)
    month_ends = pd.date_range(end=pd.Timestamp(AS_OF), periods=MONTHS, freq="ME")
    snapshots = {}
    for day in month_ends:
        live = df[(df["from"] <= day) & (df["to"] > day)]
        snapshots[day] = live.groupby("account_id").mrr.sum()
    mrr = pd.DataFrame(snapshots).fillna(0.0)
    previous = mrr.shift(axis=1).fillna(0.0)
    ever = (mrr > 0).cumsum(axis=1).shift(axis=1).fillna(0) > 0
    starting = (previous == 0) & (mrr > 0)
    movements = pd.DataFrame(
        {
            "new": mrr.where(starting & ~ever, 0).sum(),
            "reactivation": mrr.where(starting & ever, 0).sum(),
            "expansion": (mrr - previous).where((previous > 0) & (mrr > previous), 0).sum(),
            "contraction": (previous - mrr).where((mrr > 0) & (mrr < previous), 0).sum(),
            "churn": previous.where((previous > 0) & (mrr == 0), 0).sum(),
        }
    )
    opps = pd.read_parquet(
        data / "opportunities.parquet",
        columns=["opportunity_type", "is_closed", "is_won", "closed_date"],
    )
    closed = opps[opps.is_closed & (opps.opportunity_type == "new_business")]
    win_rate = closed.groupby(pd.to_datetime(closed.closed_date).dt.to_period("M")).is_won.mean()
    events = pd.read_parquet(
        data / "lifecycle_events.parquet", columns=["entity_id", "to_stage", "occurred_at"]
    )
    firsts = events.groupby(["entity_id", "to_stage"]).occurred_at.min().unstack()
    mql_month = firsts["mql"].dt.to_period("M")
    converted = firsts["sql"].notna() & (firsts["sql"] >= firsts["mql"])
    conversion = converted[firsts["mql"].notna()].groupby(mql_month).mean()
    seconds = time.perf_counter() - started
    check = float(np.round(movements.to_numpy().sum(), 2))
    return {
        "seconds": seconds,
        "accounts_x_months": int(mrr.size),
        "check": check,
        "win_rate_months": len(win_rate),
        "conversion_months": len(conversion),
    }


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def run(sizes: list[int], repeat: int) -> dict[str, Any]:
    """Measure every size; write and return the results."""
    results: dict[str, Any] = {"benchmark": "metrics", "machine": _machine(), "sizes": []}
    for accounts in sizes:
        folder = tempfile.mkdtemp(prefix="revhub-bench-metrics-")
        try:
            prepared = measure_child("metrics", "prepare", accounts, folder)
            times = repeat if accounts < 1_000_000 else max(1, repeat - 2)
            runs = [measure_child("metrics", "revhub", folder) for _ in range(times)]
            floors = [measure_child("metrics", "floor", folder) for _ in range(times)]
            peers = [measure_child("metrics", "peer", folder) for _ in range(times)]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        seconds = _median(runs, "seconds")
        entry = {
            "accounts": accounts,
            "months": MONTHS,
            "rows_loaded": prepared["rows"],
            "metrics": runs[0]["metrics"],
            "values_stored": runs[0]["values"],
            "median_seconds": seconds,
            "median_peak_rss_mb": _median(runs, "peak_rss_mb"),
            "floor_median_seconds": _median(floors, "seconds"),
            "floor_columns": floors[0]["columns"],
            "ratio_to_floor": seconds / _median(floors, "seconds"),
            "peer_median_seconds": _median(peers, "seconds"),
            "peer_median_peak_rss_mb": _median(peers, "peak_rss_mb"),
            "speedup_over_peer": _median(peers, "seconds") / seconds,
            "runs": runs,
            "floor_runs": floors,
            "peer_runs": peers,
        }
        results["sizes"].append(entry)
        print(
            f"metrics {accounts:>9,} accounts: revhub compute {seconds:6.1f}s "
            f"({entry['metrics']} metrics, {entry['values_stored']:,} values), peak RSS "
            f"{entry['median_peak_rss_mb']:,.0f} MB; floor {entry['floor_median_seconds']:.2f}s "
            f"(×{entry['ratio_to_floor']:.1f}); pandas peer (3 metric families) "
            f"{entry['peer_median_seconds']:.1f}s (peer time ÷ revhub time: "
            f"{entry['speedup_over_peer']:.2f})",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "metrics.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results

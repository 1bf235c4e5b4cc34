"""Benchmark: identity resolution over 100k and 1M source records.

Source records are the accounts, contacts and leads of a demo company generated at the
account count that yields the asked-for number of records (about 3.65 per account), with
the generator's planted duplicates. Each size is prepared once (generate, bulk-insert into
a fresh workspace); every measurement then runs in a fresh subprocess, its peak RSS
sampled with psutil:

- **revhub**: ``resolve()`` end to end — normalise, rules, Splink (trained), clusters,
  stable ids, golden records, lead-to-account matches, all written in one transaction.
  Pairwise F1 against the planted truth is reported beside it (measured after the clock).
- **floor**: the least any resolution does — a plain exact GROUP BY in DuckDB of accounts
  by lower-cased domain and of people by lower-cased email, over the same records.
- **peer**: what people otherwise reach for — Splink 5's tutorial recipe on the raw fields
  (library comparisons, no normalisation, u by sampling, EM, predict, cluster at 0.95);
  run at sizes up to ``PEER_MAX_RECORDS``.

Results: ``benchmarks/results/resolution.json`` (medians, all runs, machine).
Run: ``python -m benchmarks.resolution --sizes 100000,1000000 --repeat 3``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.child import measure_child
from benchmarks.generator import AS_OF, RESULTS, _machine

DEFAULT_SIZES = [100_000, 1_000_000]  # source records
RECORDS_PER_ACCOUNT = 3.65  # accounts + contacts + leads per generated account
PEER_MAX_RECORDS = 100_000
_TABLES = ("accounts", "contacts", "leads", "truth/duplicate_records")


def _child_prepare(records: int, root: str) -> dict[str, Any]:
    """Generate a demo company of about ``records`` source records into a workspace."""
    import revhub
    from revhub import engine
    from revhub.demo.generator import generate
    from revhub.demo.spec import DemoSpec
    from revhub.model import get_table

    accounts = max(1, round(records / RECORDS_PER_ACCOUNT))
    data = Path(root) / "data"
    generate(DemoSpec(accounts=accounts, months=36, seed=42, as_of=AS_OF), data)
    with revhub.init(Path(root) / "ws") as ws:
        counts = {
            name: engine.replace_from_parquet(
                ws.con, get_table(name.split("/")[-1]), data / f"{name}.parquet"
            )
            for name in _TABLES
        }
    shutil.rmtree(data)
    return {"accounts": accounts, "rows": counts}


def _child_revhub(root: str) -> dict[str, Any]:
    import revhub
    from revhub.resolve import evaluate, resolve, truth_from_duplicates

    with revhub.open(Path(root) / "ws") as ws:
        ws.con.con.execute("DROP SCHEMA IF EXISTS resolve CASCADE")  # a first run each time
        started = time.perf_counter()
        report = resolve(ws.con)
        seconds = time.perf_counter() - started
        scores = evaluate(ws.con, truth_from_duplicates(ws.con))
    return {
        "seconds": seconds,
        "records": sum(report.records.values()),
        "entities": report.entities,
        "f1": {entity: s.f1 for entity, s in scores.items()},
        "precision": {entity: s.precision for entity, s in scores.items()},
        "recall": {entity: s.recall for entity, s in scores.items()},
    }


def _child_floor(root: str) -> dict[str, Any]:
    import revhub

    with revhub.open(Path(root) / "ws") as ws:
        con = ws.con.con
        con.execute("SET enable_progress_bar = false")
        started = time.perf_counter()
        con.execute(
            "CREATE TEMP TABLE by_domain AS SELECT lower(trim(domain)) AS key, "
            "list(account_id) AS records FROM accounts GROUP BY 1"
        )
        con.execute(
            "CREATE TEMP TABLE by_email AS SELECT lower(trim(email)) AS key, "
            "list(record_id) AS records FROM (SELECT contact_id AS record_id, email "
            "FROM contacts UNION ALL SELECT lead_id, email FROM leads) GROUP BY 1"
        )
        seconds = time.perf_counter() - started
        records = con.execute(
            "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM contacts) "
            "+ (SELECT count(*) FROM leads)"
        ).fetchone()
    return {"seconds": seconds, "records": int(records[0]) if records else 0}


def _child_peer(root: str) -> dict[str, Any]:
    import logging

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    source = duckdb.connect(str(Path(root) / "ws" / "revhub.duckdb"), read_only=True)
    accounts = source.sql(
        "SELECT account_id AS unique_id, name, domain, phone, city FROM accounts"
    ).to_arrow_table()
    people = source.sql(
        "SELECT contact_id AS unique_id, first_name, last_name, email, phone FROM contacts "
        "UNION ALL SELECT lead_id, first_name, last_name, email, phone FROM leads"
    ).to_arrow_table()
    source.close()
    jobs = (
        (
            accounts,
            [cl.JaroWinklerAtThresholds("name"), cl.ExactMatch("domain"),
             cl.ExactMatch("phone"), cl.ExactMatch("city")],
            [block_on("domain"), block_on("name"), block_on("phone")],
            block_on("domain"),
        ),
        (
            people,
            [cl.NameComparison("first_name"), cl.NameComparison("last_name"),
             cl.EmailComparison("email"), cl.ExactMatch("phone")],
            [block_on("email"), block_on("phone"), block_on("first_name", "last_name")],
            block_on("email"),
        ),
    )  # fmt: skip
    started = time.perf_counter()
    clusters = []
    for records, comparisons, blocking, training in jobs:
        db_api = DuckDBAPI()
        db_api.duckdb_con.execute("SET enable_progress_bar = false")
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=comparisons,
            blocking_rules_to_generate_predictions=blocking,
        )
        linker = Linker(db_api.register(records), settings, log_level=None)
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
        linker.training.estimate_parameters_using_expectation_maximisation(training)
        predictions = linker.inference.predict(threshold_match_probability=0.5)
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
        clusters.append(clustered.as_duckdbpyrelation().select("unique_id, cluster_id"))
        clusters[-1] = clusters[-1].to_arrow_table()
    seconds = time.perf_counter() - started
    scores = _peer_scores(root, clusters)
    return {"seconds": seconds, "records": accounts.num_rows + people.num_rows, **scores}


def _peer_scores(root: str, clusters: list[Any]) -> dict[str, Any]:
    """The peer's pairwise scores, by the same ``evaluate`` as ours (after the clock)."""
    import duckdb

    from revhub.resolve import evaluate, truth_from_duplicates

    source = duckdb.connect(str(Path(root) / "ws" / "revhub.duckdb"), read_only=True)
    truth = truth_from_duplicates(source)
    source.close()
    con = duckdb.connect()
    con.execute("CREATE SCHEMA resolve")
    con.execute(
        "CREATE TABLE resolve.crosswalk (entity VARCHAR, record_table VARCHAR, "
        "record_id VARCHAR, entity_id VARCHAR)"
    )
    for entity, table in zip(("account", "person"), clusters, strict=True):
        con.register("clustered", table)
        con.execute(
            f"INSERT INTO resolve.crosswalk SELECT '{entity}', '', unique_id, cluster_id "
            "FROM clustered"
        )
        con.unregister("clustered")
    scores = evaluate(con, truth)
    return {
        "f1": {entity: s.f1 for entity, s in scores.items()},
        "precision": {entity: s.precision for entity, s in scores.items()},
        "recall": {entity: s.recall for entity, s in scores.items()},
    }


def _measure(kind: str, *args: Any) -> dict[str, Any]:
    """Run ``_child_<kind>(*args)`` in a fresh interpreter (see ``child``)."""
    result = measure_child("resolution", kind, *args)
    if "records" in result and "seconds" in result:
        result["records_per_minute"] = result["records"] / result["seconds"] * 60
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def _size(records: int, repeat: int) -> dict[str, Any]:
    folder = tempfile.mkdtemp(prefix="revhub-bench-resolve-")
    try:
        prepared = _measure("prepare", records, folder)
        runs = [_measure("revhub", folder) for _ in range(repeat)]
        floors = [_measure("floor", folder) for _ in range(repeat)]
        peers = (
            [_measure("peer", folder) for _ in range(repeat)] if records <= PEER_MAX_RECORDS else []
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    entry: dict[str, Any] = {
        "asked_records": records,
        "records": runs[0]["records"],
        "accounts_generated": prepared["accounts"],
        "median_seconds": _median(runs, "seconds"),
        "median_records_per_minute": _median(runs, "records_per_minute"),
        "median_peak_rss_mb": _median(runs, "peak_rss_mb"),
        "f1": runs[0]["f1"],
        "floor_median_seconds": _median(floors, "seconds"),
        "floor_median_records_per_minute": _median(floors, "records_per_minute"),
        "ratio_to_floor": _median(runs, "seconds") / _median(floors, "seconds"),
        "runs": runs,
        "floor_runs": floors,
    }
    if peers:
        entry["peer_median_seconds"] = _median(peers, "seconds")
        entry["peer_median_records_per_minute"] = _median(peers, "records_per_minute")
        entry["peer_median_peak_rss_mb"] = _median(peers, "peak_rss_mb")
        entry["peer_f1"] = peers[0]["f1"]
        entry["peer_runs"] = peers
    return entry


def run(sizes: list[int], repeat: int) -> dict[str, Any]:
    """Measure every size (in source records); write and return the results."""
    results: dict[str, Any] = {
        "benchmark": "resolution",
        "machine": _machine(),
        "peer": "Splink 5 tutorial recipe on raw fields (library comparisons, EM, cluster 0.95)",
        "floor": "exact GROUP BY of accounts by domain and people by email in DuckDB",
        "sizes": [],
    }
    for records in sizes:
        entry = _size(records, repeat)
        results["sizes"].append(entry)
        peer = entry.get("peer_median_records_per_minute")
        peer_text = f"{peer:,.0f} records/min, F1 {entry['peer_f1']}" if peer else "not run"
        print(
            f"resolution {entry['records']:>10,} records: {entry['median_seconds']:6.1f}s, "
            f"{entry['median_records_per_minute']:>12,.0f} records/min, "
            f"peak RSS {entry['median_peak_rss_mb']:,.0f} MB, F1 {entry['f1']}, "
            f"floor {entry['floor_median_seconds']:.2f}s (×{entry['ratio_to_floor']:.0f}), "
            f"peer {peer_text}",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "resolution.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.resolution")
    parser.add_argument(
        "--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="Source records per run."
    )
    parser.add_argument("--repeat", type=int, default=3, help="Runs per size (median kept).")
    arguments = parser.parse_args()
    run([int(s) for s in arguments.sizes.split(",")], arguments.repeat)

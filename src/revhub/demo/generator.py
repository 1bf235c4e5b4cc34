"""Run the demo-company simulation and write it as Parquet, one file per table.

The output directory holds ``<table>.parquet`` for every canonical table,
``truth/<table>.parquet`` for the ground truth, and ``manifest.json`` (spec, schema
version, row counts). It is written to a temporary sibling and renamed into place, so
a failed or interrupted run never leaves a half-written dataset behind.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "demo"
>>> report = generate(DemoSpec(accounts=200, months=6, as_of=dt.date(2026, 1, 1)), out)
>>> (out / "accounts.parquet").exists(), report.rows["accounts"] >= 200
(True, True)
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from revhub.demo.customers.catalog import build_catalog
from revhub.demo.customers.costs import CATEGORIES, PriceCosts, chunk_costs, cost_of_revenue
from revhub.demo.customers.simulate import simulate_customers
from revhub.demo.customers.targets import targets
from revhub.demo.gtm.org import build_org
from revhub.demo.gtm.simulate import funnel_bottlenecks, simulate_gtm
from revhub.demo.gtm.spend import marketing_spend
from revhub.demo.problems.plant import plant_data_problems
from revhub.demo.spec import DemoSpec
from revhub.errors import GenerationError
from revhub.model import SCHEMA_VERSION, TABLES, TRUTH_TABLES, get_table

MANIFEST = "manifest.json"
_APPENDED = ("opportunities", "opportunity_history", "lifecycle_events")

Progress = Callable[[str, int, int], None]  # (step, done, total)


@dataclass
class GenerationReport:
    """What a run wrote: rows per table, where, and how long it took."""

    out: Path
    spec: DemoSpec
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _TableWriters:
    """One Parquet writer per table, opened on first write, schema from the model."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = {}

    def write(self, name: str, data: pa.Table) -> None:
        definition = get_table(name)
        if name not in self.writers:
            folder = self.folder / definition.schema if definition.schema != "main" else self.folder
            folder.mkdir(parents=True, exist_ok=True)
            self.writers[name] = pq.ParquetWriter(
                folder / f"{name}.parquet", definition.arrow_schema(), compression="zstd"
            )
            self.rows[name] = 0
        self.writers[name].write_table(
            data.select(definition.column_names).cast(definition.arrow_schema())
        )
        self.rows[name] += data.num_rows

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def _merge(gtm: Mapping[str, pa.Table], customers: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    tables = {k: v for k, v in gtm.items() if not k.startswith("_")}
    for name, data in customers.items():
        if name.startswith("_"):
            continue
        if name in _APPENDED and name in tables:
            tables[name] = pa.concat_tables([tables[name], data])
        else:
            tables[name] = data
    return tables


def _check_output_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise GenerationError(f"--out {out} is a file; give a directory.")
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise GenerationError(
            f"--out {out} is not empty and was not written by `revhub generate`; "
            "choose an empty or new directory so nothing of yours is overwritten."
        )
    parent = out.parent
    probe_root = parent if parent.exists() else next(p for p in parent.parents if p.exists())
    try:
        probe_root.joinpath(".revhub-write-probe").touch()
        probe_root.joinpath(".revhub-write-probe").unlink()
    except OSError as error:
        raise GenerationError(
            f"cannot write to {probe_root}: {error.strerror}. Choose another --out directory."
        ) from error


def generate(spec: DemoSpec, out: Path | str, progress: Progress | None = None) -> GenerationReport:
    """Simulate the company described by ``spec`` and write it to ``out``."""
    out = Path(out)
    _check_output_dir(out)
    started = time.perf_counter()
    staging = out.with_name(f".{out.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    writers = _TableWriters(staging)
    chunks = spec.chunks
    total_steps = len(chunks) + 2
    try:
        org = build_org(spec)
        catalog = build_catalog(spec)
        for name, data in (*org.items(), *catalog.items()):
            if not name.startswith("_"):
                writers.write(name, data)
        _report(progress, "company", 1, total_steps)
        leads, opportunities = [], []
        prices, costs = PriceCosts.of(catalog["prices"]), np.zeros((spec.months, len(CATEGORIES)))
        for number, accounts in enumerate(chunks):
            gtm = simulate_gtm(spec, org, number, accounts)
            customers = simulate_customers(spec, org, catalog, gtm, number)
            costs += chunk_costs(spec, prices, customers)
            tables, truth = plant_data_problems(spec, _merge(gtm, customers), number)
            for name, data in (*tables.items(), *truth.items()):
                writers.write(name, data)
            leads.append(tables["leads"].select(["channel", "campaign_id", "created_at"]))
            opportunities.append(tables["opportunities"])
            _report(progress, "accounts", number + 2, total_steps)
        writers.write("marketing_spend", marketing_spend(spec, org, pa.concat_tables(leads)))
        writers.write("targets", targets(spec, org, pa.concat_tables(opportunities)))
        writers.write("cost_of_revenue", cost_of_revenue(spec, costs))
        writers.write("funnel_bottlenecks", funnel_bottlenecks(spec))
        for definition in (*TABLES, *TRUTH_TABLES):  # every table exists, even if empty
            if definition.name not in writers.writers:
                writers.write(definition.name, definition.arrow_schema().empty_table())
    finally:
        writers.close()
    report = GenerationReport(out, spec, dict(sorted(writers.rows.items())))
    report.seconds = time.perf_counter() - started
    _write_manifest(staging, report)
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    _report(progress, "done", total_steps, total_steps)
    return report


def _report(progress: Progress | None, step: str, done: int, total: int) -> None:
    if progress is not None:
        progress(step, done, total)


def _write_manifest(folder: Path, report: GenerationReport) -> None:
    manifest = {
        "generator": "revhub demo company",
        "schema_version": SCHEMA_VERSION,
        "spec": {
            "accounts": report.spec.accounts,
            "months": report.spec.months,
            "seed": report.spec.seed,
            "as_of": report.spec.as_of.isoformat(),
        },
        "rows": report.rows,
        "seconds": round(report.seconds, 3),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def read_manifest(folder: Path) -> DemoSpec:
    """The spec a generated dataset was written with, from its manifest."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise GenerationError(
            f"{folder} has no {MANIFEST}; it was not written by `revhub generate`."
        )
    spec = json.loads(path.read_text())["spec"]
    return DemoSpec(
        accounts=int(spec["accounts"]),
        months=int(spec["months"]),
        seed=int(spec["seed"]),
        as_of=dt.date.fromisoformat(spec["as_of"]),
    )

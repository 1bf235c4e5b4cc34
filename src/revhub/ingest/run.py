"""One ingestion run: read the declared sources, then validate and merge in one transaction.

Reading (and pulling, for sources with ``pull = true``) happens first, into temporary
staging tables. A source whose connector fails — a file missing its key column, an
unreadable export — is reported and left as it was; the other sources go on. Then a
single transaction merges every canonical table, replaces the quarantine of the sources
read and stores the run's summary: if the process dies before the commit, the
workspace keeps its previous state.

>>> import tempfile, revhub
>>> with revhub.init(tempfile.mkdtemp()) as ws:  # doctest: +ELLIPSIS
...     ingest(ws)
Traceback (most recent call last):
...
revhub.errors.ConfigError: no sources are declared: add a [sources.<name>] table ...
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from revhub.errors import ConfigError, DataError, did_you_mean
from revhub.ingest import records
from revhub.ingest.merge import Counts, Quarantined, create_quarantine_buffer, merge_table
from revhub.ingest.stage import Stage, stage_name
from revhub.model import TABLES, get_table
from revhub.sources.registry import connector_class

if TYPE_CHECKING:
    from revhub.workspace import Workspace

# fx_rates first: money rows take their rate from it. Then the model's order, which puts
# every table after the tables its required references point at.
MERGE_ORDER = ["fx_rates", *(t.name for t in TABLES if t.name != "fx_rates")]


@dataclass
class SourceSummary:
    """One source in one run: counts over all its tables, notes, and its error if it failed."""

    name: str
    counts: Counts = field(default_factory=Counts)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class IngestReport:
    """What a run did, per source and per (source, table)."""

    run_id: int
    sources: list[SourceSummary]
    tables: dict[tuple[str, str], Counts]
    seconds: float

    @property
    def failed(self) -> list[SourceSummary]:
        """Sources whose connector failed (their previous state was kept)."""
        return [s for s in self.sources if s.error]


def ingest(
    ws: Workspace,
    names: Sequence[str] | None = None,
    *,
    on_source: Callable[[str], None] | None = None,
) -> IngestReport:
    """Read the named sources (all declared ones by default) and merge them."""
    declared = ws.settings.sources
    if not declared:
        raise ConfigError(
            "no sources are declared: add a [sources.<name>] table with kind and path to "
            "revhub.toml (see docs/sources.md)."
        )
    chosen = list(names) if names else sorted(declared)
    for name in chosen:
        if name not in declared:
            raise ConfigError(
                f"no source `{name}` in revhub.toml.{did_you_mean(name, declared)} "
                f"Declared: {', '.join(sorted(declared))}."
            )
    con = ws.con.con
    records.ensure_tables(con)
    started = dt.datetime.now()
    stage = Stage(con)
    summaries = {name: SourceSummary(name) for name in chosen}
    for name in chosen:
        if on_source:
            on_source(name)
        _read_source(ws, name, stage, summaries[name])
    read_ok = [n for n in chosen if summaries[n].error is None]
    tables: dict[tuple[str, str], tuple[Counts, float]] = {}
    rejected: list[Quarantined] = []
    # Row order inside the canonical tables carries no meaning; not keeping it lets the
    # engine insert and join in parallel with less memory.
    con.execute("SET preserve_insertion_order = false")
    con.execute("BEGIN TRANSACTION")
    try:
        run_id = records.next_run_id(con)
        create_quarantine_buffer(con)
        for table_name in MERGE_ORDER:
            if table_name not in stage.tables:
                continue
            begin = time.perf_counter()
            counts, refused = merge_table(
                con, stage, get_table(table_name), ws.settings.base_currency
            )
            rejected.extend(refused)
            spent = time.perf_counter() - begin
            for source, table_counts in counts.items():
                tables[(source, table_name)] = (table_counts, spent)
        records.replace_quarantine(con, run_id, read_ok, rejected)
        notes = {
            n: summaries[n].notes
            + ([f"failed: {summaries[n].error}"] if summaries[n].error else [])
            for n in chosen
        }
        status = "ok" if len(read_ok) == len(chosen) else "partial"
        records.record_run(con, run_id, started, chosen, status, tables, notes)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        _drop_stage(con, stage)
        con.execute("RESET preserve_insertion_order")
    for (source, _), (table_counts, _spent) in tables.items():
        summaries[source].counts.add(table_counts)
    seconds = (dt.datetime.now() - started).total_seconds()
    return IngestReport(
        run_id, list(summaries.values()), {k: v[0] for k, v in tables.items()}, seconds
    )


def _read_source(ws: Workspace, name: str, stage: Stage, summary: SourceSummary) -> None:
    settings = ws.settings.sources[name]
    begin = time.perf_counter()
    pulled: list[str] = []
    try:
        if settings.pull:
            from revhub.sources.live import pull

            report = pull(name, settings, ws.root / settings.path)
            pulled = [
                f"pulled {report.records:,} record(s) into {len(report.files)} file(s), "
                f"{report.retries} request(s) retried",
                *report.notes,
            ]
        source = connector_class(settings.kind)(name, settings, ws.root)
        if not source.path.exists():
            raise DataError(
                f"source `{name}`: {source.path} does not exist. Check `path` in "
                f"[sources.{name}] of revhub.toml."
            )
        for batch in source.batches():
            stage.add(name, batch)
    except (DataError, ConfigError) as error:  # this source fails; the others go on
        summary.error = str(error)
        stage.discard(name)
    summary.notes = [*pulled, *stage.notes.get(name, [])]
    summary.seconds = time.perf_counter() - begin


def _drop_stage(con: object, stage: Stage) -> None:
    for table_name in stage.tables:
        stage.con.execute(f"DROP TABLE IF EXISTS {stage_name(get_table(table_name))}")

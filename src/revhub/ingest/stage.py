"""Staging: every row a connector hands over, as text, in one engine table per canonical table.

Staging happens before the merge transaction and touches only temporary tables, so a
run interrupted while reading leaves the workspace exactly as it was. Each staged row
keeps its source, origin and a sequence number (later rows win ties between versions
of one record); records the connector could not read are kept aside as ``Rejected``.

>>> import duckdb, pyarrow as pa
>>> from revhub.sources.base import Batch
>>> stage = Stage(duckdb.connect())
>>> stage.add("crm", Batch("teams", pa.table({"team_id": ["crm:1"], "source_id": ["1"],
...     "_origin": ["teams.csv:2"]}), origin="teams.csv"))
>>> stage.rows("crm", "teams"), sorted(stage.present["crm", "teams"])
(1, ['source_id', 'team_id'])
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revhub.errors import DataError
from revhub.ingest.reading import literal, quote
from revhub.model import get_table
from revhub.model.schema import Table
from revhub.sources.base import DELETED, ORIGIN, Batch, Rejected


def stage_name(table: Table) -> str:
    """The temporary table holding staged rows of ``table``."""
    return f"_stage_{table.name}"


@dataclass
class Stage:
    """Staged rows of every source in this run, by canonical table."""

    con: duckdb.DuckDBPyConnection
    present: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    snapshot: dict[tuple[str, str], bool] = field(default_factory=dict)
    rejected: dict[tuple[str, str], list[Rejected]] = field(
        default_factory=lambda: defaultdict(list)
    )
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    _seq: int = 0

    @property
    def tables(self) -> set[str]:
        """Canonical tables with anything staged (rows or rejected records)."""
        return {table for _, table in (*self.counts, *self.rejected)}

    def sources_of(self, table: str) -> list[str]:
        """Sources that handed over rows or rejects for ``table``."""
        keys = {*self.counts, *self.rejected}
        return sorted(source for source, name in keys if name == table)

    def rows(self, source: str, table: str) -> int:
        """Rows staged for (source, table), rejected records not included."""
        return self.counts.get((source, table), 0)

    def add(self, source: str, batch: Batch) -> None:
        """Stage one batch of ``source``."""
        table = get_table(batch.table)
        key = (source, table.name)
        self.snapshot[key] = self.snapshot.get(key, True) and batch.snapshot
        self.rejected[key].extend(batch.rejected)
        self.notes[source].extend(batch.notes)
        if batch.rows.num_rows == 0:
            self.counts[key] += 0
            return
        text = _as_text(batch, table)
        self.present[key].update(n for n in text.column_names if not n.startswith("_"))
        unknown = sorted(set(batch.rows.column_names) - set(table.column_names) - {ORIGIN, DELETED})
        if unknown:
            self.notes[source].append(
                f"{batch.origin}: ignored columns not in `{table.name}`: {', '.join(unknown)}"
            )
        self._ensure(table)
        seq = pa.array(np.arange(self._seq, self._seq + text.num_rows, dtype=np.int64))
        self._seq += text.num_rows
        staged = text.append_column("_seq", seq)
        columns = ", ".join(quote(n) for n in staged.column_names)
        self.con.register("_incoming", staged)
        try:
            self.con.execute(
                f"INSERT INTO {stage_name(table)} ({columns}, _source) "
                f"SELECT {columns}, {literal(source)} FROM _incoming"
            )
        finally:
            self.con.unregister("_incoming")
        self.counts[key] += text.num_rows

    def discard(self, source: str) -> None:
        """Forget everything ``source`` staged (its connector failed part-way)."""
        for key in [k for k in (*self.counts, *self.rejected) if k[0] == source]:
            self.counts.pop(key, None)
            self.rejected.pop(key, None)
            self.present.pop(key, None)
            self.snapshot.pop(key, None)
            if self._exists(get_table(key[1])):
                self.con.execute(
                    f"DELETE FROM {stage_name(get_table(key[1]))} WHERE _source = ?", [source]
                )

    def _exists(self, table: Table) -> bool:
        row = self.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
            [stage_name(table)],
        ).fetchone()
        return bool(row and row[0])

    def _ensure(self, table: Table) -> None:
        columns = ", ".join(f"{quote(c.name)} VARCHAR" for c in table.columns)
        self.con.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage_name(table)} ({columns}, "
            f"{ORIGIN} VARCHAR, {DELETED} BOOLEAN, _seq BIGINT, _source VARCHAR)"
        )


def _as_text(batch: Batch, table: Table) -> pa.Table:
    """The batch's canonical columns as text, plus origin and the deleted flag."""
    rows = batch.rows
    if ORIGIN not in rows.column_names:
        raise DataError(
            f"connector bug: batch from {batch.origin} for `{table.name}` has no {ORIGIN} "
            "column; every row must say where it came from."
        )
    arrays: dict[str, pa.Array | pa.ChunkedArray] = {}
    for name in rows.column_names:
        if name in table.column_names:
            arrays[name] = _text(rows[name])
    arrays[ORIGIN] = rows[ORIGIN].cast(pa.string())
    if DELETED in rows.column_names:
        arrays[DELETED] = rows[DELETED].cast(pa.bool_()).fill_null(False)
    else:
        arrays[DELETED] = pa.array([False] * rows.num_rows, pa.bool_())
    return pa.table(arrays)


def _text(values: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return values.cast(pa.string())
    if pa.types.is_boolean(values.type):
        return pc.if_else(values, "true", "false")
    if pa.types.is_timestamp(values.type) and values.type.tz is not None:
        values = values.cast(pa.timestamp(values.type.unit, "UTC")).cast(
            pa.timestamp(values.type.unit)
        )
    return values.cast(pa.string())

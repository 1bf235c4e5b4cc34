"""Validate staged rows and merge them into one canonical table, source by source.

For each canonical table (parents before children), inside the run's transaction:

1. read every staged text column as its model type; a row whose value cannot be read,
   is missing though required, or is not an allowed value gets a reason;
2. fill what ingestion owns: ``source``, ``fx_rate`` (1 for the base currency, else the
   latest rate on or before the row's creation date from ``fx_rates``) and ``*_base``;
3. place references given by email or as "a person" (``references``), check required
   references against the (already merged) parent tables, and refuse
   a key another source already holds;
4. keep the latest version of each record (by ``updated_at``, then arrival);
5. compare with what the source loaded before (a hash of all columns): insert new
   records, replace changed ones, leave identical ones alone, remove records flagged
   deleted and — when the source handed over a full snapshot — records it no longer has.

Every staged row ends in exactly one count: read = inserted + updated + unchanged +
deleted + superseded + quarantined. ``removed`` counts canonical rows taken out.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb

from revhub import engine
from revhub.ingest.reading import literal, problems, quote, typed_column
from revhub.ingest.references import place_references
from revhub.ingest.stage import Stage, stage_name
from revhub.model.schema import Table

_FILLED = {"source", "fx_rate", "created_at", "updated_at"}
_WORK = "_typed"
QUARANTINE_BUFFER = "_quarantine_buffer"


@dataclass
class Counts:
    """What happened to the rows one source handed over for one table."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    superseded: int = 0
    quarantined: int = 0
    removed: int = 0

    def add(self, other: Counts) -> None:
        """Add another table's counts to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def balanced(self) -> bool:
        """Whether every row read is accounted for exactly once.

        >>> Counts(read=3, inserted=1, unchanged=1, quarantined=1).balanced
        True
        """
        outcome = (
            self.inserted
            + self.updated
            + self.unchanged
            + self.deleted
            + self.superseded
            + self.quarantined
        )
        return self.read == outcome


@dataclass(frozen=True)
class Quarantined:
    """A row refused by validation, with where it came from and why."""

    source: str
    table: str
    origin: str
    reason: str
    record: str


def merge_table(
    con: duckdb.DuckDBPyConnection, stage: Stage, table: Table, base_currency: str
) -> tuple[dict[str, Counts], list[Quarantined]]:
    """Validate and merge the staged rows of ``table``; call inside a transaction."""
    sources = stage.sources_of(table.name)
    counts = {s: Counts() for s in sources}
    quarantined = [
        Quarantined(s, table.name, r.origin, r.reason, r.raw)
        for s in sources
        for r in stage.rejected.get((s, table.name), [])
    ]
    for source in sources:
        counts[source].read = stage.rows(source, table.name) + len(
            stage.rejected.get((source, table.name), [])
        )
        counts[source].quarantined = len(stage.rejected.get((source, table.name), []))
    staged = [s for s in sources if stage.rows(s, table.name)]
    if not staged:
        return counts, quarantined
    _type_rows(con, stage, table, staged, base_currency)
    place_references(con, _WORK, table)
    _check_references(con, table)
    _mark_superseded(con, table)
    for source, refused in _set_aside_problem_rows(con, stage, table).items():
        counts[source].quarantined += refused
    con.execute(f"DROP TABLE {stage_name(table)}")  # typed and set aside: free it now
    for source in staged:
        _merge_source(con, table, source, stage.snapshot.get((source, table.name), True), counts)
    return counts, quarantined


def _type_rows(
    con: duckdb.DuckDBPyConnection, stage: Stage, table: Table, sources: list[str], base: str
) -> None:
    """One pass: typed columns, lineage and money filled, and each row's problems."""
    selects = []
    for source in sources:
        present = stage.present[(source, table.name)]
        columns = []
        for column in table.columns:
            if column.name == "source":
                value = "_source"
            elif column.name in present:
                value = typed_column(column)
            else:
                value = f"CAST(NULL AS {engine.sql_type(column.type)})"
            columns.append(f"{value} AS {quote(column.name)}")
        selects.append(
            f"SELECT _source, _origin, _deleted, _seq, {', '.join(columns)}, "
            f"{problems(table, present, _FILLED)} AS _problem "
            f"FROM {stage_name(table)} WHERE _source = {literal(source)}"
        )
    names = table.column_names
    outer = {name: f"t.{quote(name)}" for name in names}
    outer["created_at"] = "coalesce(t.created_at, t.updated_at)"
    outer["updated_at"] = "coalesce(t.updated_at, t.created_at)"
    extra_problems = [
        "CASE WHEN t.created_at IS NULL AND t.updated_at IS NULL THEN "
        "'created_at and updated_at are both empty' END"
    ]
    join = ""
    if "fx_rate" in names:
        rate = f"coalesce(t.fx_rate, CASE WHEN t.currency = {literal(base)} THEN 1 END, f.rate)"
        outer["fx_rate"] = rate
        for name in names:
            if name.endswith("_base") and name[:-5] in names:
                amount = f"t.{quote(name[:-5])}"
                outer[name] = f"coalesce(t.{quote(name)}, round({amount} * {rate}, 2))"
        join = (
            "ASOF LEFT JOIN (SELECT currency, rate_date, rate FROM main.fx_rates "
            f"WHERE base_currency = {literal(base)}) f ON t.currency = f.currency "
            "AND CAST(coalesce(t.created_at, t.updated_at) AS DATE) >= f.rate_date"
        )
        extra_problems.append(
            f"CASE WHEN ({rate}) IS NULL AND t.currency IS NOT NULL THEN 'no exchange rate "
            "for ' || t.currency || ' on or before ' || CAST(CAST(coalesce(t.created_at, "
            "t.updated_at) AS DATE) AS VARCHAR) || '; ingest fx_rates first' END"
        )
    select = ", ".join(f"{value} AS {quote(name)}" for name, value in outer.items())
    problem = f"concat_ws('; ', nullif(t._problem, ''), {', '.join(extra_problems)})"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_WORK} AS SELECT t._source, t._origin, t._deleted, "
        f"t._seq, {select}, {problem} AS _problem FROM ({' UNION ALL '.join(selects)}) t {join}"
    )


def _check_references(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    for column in table.columns:
        if column.references is None or column.nullable:
            continue
        parent, parent_column = column.references.split(".")
        name = quote(column.name)
        _add_problem(
            con,
            f"{name} IS NOT NULL AND {name} NOT IN "
            f"(SELECT {quote(parent_column)} FROM main.{parent})",
            f"'{column.name}: ' || {name} || ' is not in {parent}'",
        )
    keys = " AND ".join(f"m.{quote(k)} = {_WORK}.{quote(k)}" for k in table.primary_key)
    _add_problem(
        con,
        f"EXISTS (SELECT 1 FROM {engine.qualified(table)} m WHERE {keys} "
        f"AND m.source <> {_WORK}._source)",
        "'the same key was already loaded from another source'",
    )


def _mark_superseded(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """List the older versions of records a source handed over more than once."""
    keys = ", ".join(quote(k) for k in table.primary_key)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _superseded AS SELECT _seq FROM ("
        f"SELECT _seq, row_number() OVER (PARTITION BY _source, {keys} "
        "ORDER BY updated_at DESC NULLS LAST, _seq DESC) AS version "
        f"FROM {_WORK} WHERE _problem = '' AND (_source, {keys}) IN ("
        f"SELECT (_source, {keys}) FROM {_WORK} WHERE _problem = '' "
        f"GROUP BY _source, {keys} HAVING count(*) > 1)) WHERE version > 1"
    )


def _set_aside_problem_rows(
    con: duckdb.DuckDBPyConnection, stage: Stage, table: Table
) -> dict[str, int]:
    """Copy refused rows, as the source gave them, to the run's quarantine buffer."""
    counts: dict[str, int] = {}
    for source in stage.sources_of(table.name):
        present = sorted(stage.present.get((source, table.name), set()))
        if not present:
            continue
        record = ", ".join(f"{literal(n)}: s.{quote(n)}" for n in present)
        con.execute(
            f"INSERT INTO {QUARANTINE_BUFFER} SELECT w._source, {literal(table.name)}, "
            f"w._origin, w._problem, CAST(to_json({{{record}}}) AS VARCHAR) "
            f"FROM {_WORK} w JOIN {stage_name(table)} s USING (_seq) "
            f"WHERE w._problem <> '' AND w._source = {literal(source)} ORDER BY w._seq"
        )
        row = con.execute(
            f"SELECT count(*) FROM {_WORK} WHERE _problem <> '' AND _source = {literal(source)}"
        ).fetchone()
        if row and row[0]:
            counts[source] = int(row[0])
    return counts


def create_quarantine_buffer(con: duckdb.DuckDBPyConnection) -> None:
    """The temporary table that collects a run's refused rows."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {QUARANTINE_BUFFER} (source VARCHAR, table_name VARCHAR, "
        "origin VARCHAR, reason VARCHAR, record VARCHAR)"
    )


def _merge_source(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    source: str,
    snapshot: bool,
    counts: dict[str, Counts],
) -> None:
    target = engine.qualified(table)
    keys = [quote(k) for k in table.primary_key]
    columns = ", ".join(quote(c.name) for c in table.columns)
    staged_values = ", ".join(f"c.{quote(c.name)}" for c in table.columns)
    src = literal(source)
    live = (  # the rows of this source that are merged: no problem, latest version
        f"c._source = {src} AND c._problem = '' AND c._seq NOT IN (SELECT _seq FROM _superseded)"
    )
    result = counts[source]
    superseded = con.execute(
        f"SELECT count(*) FROM {_WORK} WHERE _source = {src} "
        "AND _seq IN (SELECT _seq FROM _superseded)"
    ).fetchone()
    result.superseded += int(superseded[0]) if superseded else 0
    before = _count(con, target, source)
    if before == 0:  # nothing stored yet: every live record is new, no diff to make
        flagged = dict(
            con.execute(
                f"SELECT c._deleted, count(*) FROM {_WORK} c WHERE {live} GROUP BY 1"
            ).fetchall()
        )
        result.inserted += flagged.get(False, 0)
        result.deleted += flagged.get(True, 0)
        con.execute(
            f"INSERT INTO {target} ({columns}) SELECT {staged_values} FROM {_WORK} c "
            f"WHERE {live} AND NOT c._deleted"
        )
        return
    # the diff holds keys and outcomes only; rows are taken from the typed table by _seq
    on = " AND ".join(f"c.{k} = m.{k}" for k in keys)
    stored_keys = ", ".join(keys)
    stored = f"SELECT {stored_keys}, hash({columns}) AS _hash FROM {target} WHERE source = {src}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _diff AS SELECT c._seq, "
        f"{', '.join(f'c.{k}' for k in keys)}, "
        "CASE WHEN c._deleted THEN 'deleted' "
        f"WHEN m.{keys[0]} IS NULL THEN 'inserted' "
        f"WHEN hash({staged_values}) = m._hash THEN 'unchanged' "
        f"ELSE 'updated' END AS _outcome, m.{keys[0]} IS NOT NULL AS _existed "
        f"FROM {_WORK} c LEFT JOIN ({stored}) m ON {on} WHERE {live}"
    )
    tally = dict(con.execute("SELECT _outcome, count(*) FROM _diff GROUP BY _outcome").fetchall())
    result.inserted += tally.get("inserted", 0)
    result.updated += tally.get("updated", 0)
    result.unchanged += tally.get("unchanged", 0)
    result.deleted += tally.get("deleted", 0)
    key_match = " AND ".join(f"{target}.{k} = d.{k}" for k in keys)
    con.execute(
        f"DELETE FROM {target} USING (SELECT {stored_keys} FROM _diff "
        "WHERE _outcome = 'updated' OR (_outcome = 'deleted' AND _existed)) d "
        f"WHERE {key_match} AND {target}.source = {src}"
    )
    if snapshot:
        con.execute(
            f"DELETE FROM {target} USING (SELECT {stored_keys} FROM {target} "
            f"WHERE source = {src} EXCEPT SELECT {stored_keys} FROM {_WORK} "
            f"WHERE _source = {src}) d "
            f"WHERE {key_match} AND {target}.source = {src}"
        )
    after_delete = _count(con, target, source)
    result.removed += before - after_delete - tally.get("updated", 0)
    con.execute(
        f"INSERT INTO {target} ({columns}) SELECT {staged_values} FROM {_WORK} c "
        "WHERE c._seq IN (SELECT _seq FROM _diff WHERE _outcome IN ('inserted', 'updated'))"
    )
    con.execute("DROP TABLE _diff")


def _count(con: duckdb.DuckDBPyConnection, target: str, source: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {target} WHERE source = {literal(source)}").fetchone()
    return int(row[0]) if row else 0


def _add_problem(con: duckdb.DuckDBPyConnection, condition: str, reason: str) -> None:
    con.execute(
        f"UPDATE {_WORK} SET _problem = concat_ws('; ', nullif(_problem, ''), {reason}) "
        f"WHERE {condition}"
    )

"""Manual overrides: "these two records are the same" (merge) and "they are not" (split).

Overrides live in ``resolve.overrides`` and every run applies them: a merge is a link
stronger than any rule, a split keeps its two records in different entities however
strongly other links tie them (see ``clusters``). For the same pair of records the latest
override wins, so a mistaken merge is undone by adding a split.

See ``add_override`` for an example.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, get_args

import duckdb

from revhub.errors import DataError, did_you_mean
from revhub.model import get_table
from revhub.resolve.db import SCHEMA, duck, table_exists
from revhub.resolve.rules import ENTITIES, ENTITY_TABLES, Entity

Kind = Literal["merge", "split"]
TABLE = f"{SCHEMA}.overrides"


@dataclass(frozen=True)
class Override:
    """One manual decision about a pair of records."""

    override_id: int
    entity: str
    kind: str
    left_table: str
    left_record_id: str
    right_table: str
    right_record_id: str
    note: str
    created_at: dt.datetime


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``resolve.overrides`` if it does not exist yet."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(f"""
        CREATE TABLE IF NOT EXISTS {TABLE} (
            override_id BIGINT PRIMARY KEY, entity VARCHAR NOT NULL, kind VARCHAR NOT NULL,
            left_table VARCHAR NOT NULL, left_record_id VARCHAR NOT NULL,
            right_table VARCHAR NOT NULL, right_record_id VARCHAR NOT NULL,
            note VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)""")


def _record_table(con: duckdb.DuckDBPyConnection, entity: Entity, record_id: str) -> str:
    """The table of ``entity`` holding ``record_id``; exactly one must."""
    found = []
    for table in ENTITY_TABLES[entity]:
        key = get_table(table).primary_key[0]
        hit = con.execute(f"SELECT count(*) FROM {table} WHERE {key} = ?", [record_id]).fetchone()
        if hit and hit[0]:
            found.append(table)
    if len(found) != 1:
        tables = " and ".join(ENTITY_TABLES[entity])
        problem = "is in none of" if not found else "is in more than one of"
        raise DataError(
            f"record `{record_id}` {problem} the {entity} tables ({tables}); "
            "an override needs one existing record on each side. Check the id."
        )
    return found[0]


def add_override(
    con: Any, entity: str, kind: str, left_record_id: str, right_record_id: str, note: str
) -> Override:
    """Record that two records are the same ``entity`` (kind "merge") or not ("split").

    Takes effect on the next ``resolve`` run, and every run after it.

    >>> import tempfile, revhub
    >>> with revhub.init(tempfile.mkdtemp()) as ws:  # doctest: +ELLIPSIS
    ...     add_override(ws.con, "account", "merge", "acc_1", "acc_2", "same company")
    Traceback (most recent call last):
    revhub.errors.DataError: record `acc_1` is in none of the account tables (accounts); ...
    """
    if entity not in ENTITIES:
        raise DataError(
            f"unknown entity `{entity}` for an override.{did_you_mean(entity, ENTITIES)} "
            f"Use one of: {', '.join(ENTITIES)}."
        )
    if kind not in get_args(Kind):
        raise DataError(
            f"unknown override kind `{kind}`; use `merge` (the same {entity}) or `split` "
            f"(not the same {entity})."
        )
    if left_record_id == right_record_id:
        raise DataError(f"an override needs two different records; got `{left_record_id}` twice.")
    raw = duck(con)
    left_table = _record_table(raw, entity, left_record_id)
    right_table = _record_table(raw, entity, right_record_id)
    ensure_table(raw)
    row = raw.execute(
        f"""INSERT INTO {TABLE}
        SELECT coalesce(max(override_id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP
        FROM {TABLE} RETURNING *""",
        [entity, kind, left_table, left_record_id, right_table, right_record_id, note],
    ).fetchone()
    assert row is not None  # INSERT ... RETURNING always returns the row
    return Override(*row)


def list_overrides(con: Any) -> list[Override]:
    """Every override ever added, oldest first.

    >>> list_overrides(duckdb.connect())
    []
    """
    raw = duck(con)
    if not table_exists(raw, SCHEMA, "overrides"):
        return []
    rows = raw.execute(f"SELECT * FROM {TABLE} ORDER BY override_id").fetchall()
    return [Override(*row) for row in rows]


def active_pairs_sql(entity: Entity, records: str) -> str:
    """SQL of the overrides in force for ``entity`` as ``(rid_a, rid_b, kind)``: the latest
    per pair of records, both still present in ``records``."""
    return f"""
        SELECT a.rid AS rid_a, b.rid AS rid_b, o.kind
        FROM (
            SELECT *, row_number() OVER (
                PARTITION BY least(left_table || ':' || left_record_id,
                                   right_table || ':' || right_record_id),
                             greatest(left_table || ':' || left_record_id,
                                      right_table || ':' || right_record_id)
                ORDER BY override_id DESC) AS latest
            FROM {TABLE} WHERE entity = '{entity}'
        ) AS o
        JOIN {records} AS a ON a.record_table = o.left_table AND a.record_id = o.left_record_id
        JOIN {records} AS b ON b.record_table = o.right_table AND b.record_id = o.right_record_id
        WHERE o.latest = 1"""

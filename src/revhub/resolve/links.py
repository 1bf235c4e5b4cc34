"""Deterministic links: the record pairs the rules in ``rules`` tie together outright.

Links are rows ``(rid_l, rid_r, matched_by, probability)`` of one entity's records, the
shape ``clusters`` takes. Key rules pair records within each key group (groups larger
than ``MAX_KEY_RECORDS`` are placeholders, not identities, and are skipped); reference
rules follow a column to the record it names.

>>> print(key_pairs_sql(KEY_RULES[0], "recs"))  # doctest: +NORMALIZE_WHITESPACE
WITH keyed AS (SELECT * FROM recs WHERE domain_key IS NOT NULL
    QUALIFY count(*) OVER (PARTITION BY domain_key) BETWEEN 2 AND 1000)
SELECT l.rid AS rid_l, r.rid AS rid_r, 'domain' AS matched_by, 1.0 AS probability
FROM keyed AS l JOIN keyed AS r ON l.domain_key = r.domain_key AND l.rid < r.rid
WHERE coalesce(jaro_winkler_similarity(l.name_key, r.name_key) >= 0.9, true)
    AND coalesce(l.phone_key = r.phone_key, true)
"""

from __future__ import annotations

import duckdb

from revhub.model import get_table
from revhub.resolve.db import scalar
from revhub.resolve.rules import (
    KEY_RULES,
    MAX_KEY_RECORDS,
    REFERENCE_RULES,
    Entity,
    KeyRule,
    ReferenceRule,
)


def key_pairs_sql(rule: KeyRule, records: str) -> str:
    """SQL of the pairs ``rule`` links among ``records``."""
    present = " AND ".join(f"{c} IS NOT NULL" for c in rule.key)
    same = " AND ".join(f"l.{c} = r.{c}" for c in rule.key)
    return (
        f"WITH keyed AS (SELECT * FROM {records} WHERE {present}\n"
        f"    QUALIFY count(*) OVER (PARTITION BY {', '.join(rule.key)}) "
        f"BETWEEN 2 AND {MAX_KEY_RECORDS})\n"
        f"SELECT l.rid AS rid_l, r.rid AS rid_r, '{rule.name}' AS matched_by, "
        f"1.0 AS probability\n"
        f"FROM keyed AS l JOIN keyed AS r ON {same} AND l.rid < r.rid\n"
        f"WHERE {rule.agree}"
    )


def reference_pairs_sql(rule: ReferenceRule, records: str) -> str:
    """SQL of the pairs ``rule`` links among ``records``."""
    key = get_table(rule.table).primary_key[0]
    return f"""
        SELECT a.rid AS rid_l, b.rid AS rid_r, '{rule.name}' AS matched_by, 1.0 AS probability
        FROM {rule.table} AS t
        JOIN {records} AS a ON a.record_table = '{rule.table}' AND a.record_id = t.{key}
        JOIN {records} AS b ON b.record_table = '{rule.target}' AND b.record_id = t.{rule.column}
        """


def build(con: duckdb.DuckDBPyConnection, entity: Entity, *, records: str, out: str) -> int:
    """``out``: the links of ``entity``'s deterministic rules. Returns how many pairs the
    key rules linked (what the model's prior is estimated from)."""
    keyed = [key_pairs_sql(r, records) for r in KEY_RULES if r.entity == entity]
    referenced = [reference_pairs_sql(r, records) for r in REFERENCE_RULES if r.entity == entity]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS {_union(keyed + referenced)}")
    key_names = ", ".join(f"'{r.name}'" for r in KEY_RULES if r.entity == entity) or "''"
    return int(scalar(con, f"SELECT count(*) FROM {out} WHERE matched_by IN ({key_names})"))


def _union(parts: list[str]) -> str:
    if not parts:
        return (
            "SELECT NULL::BIGINT AS rid_l, NULL::BIGINT AS rid_r, NULL::VARCHAR AS matched_by, "
            "NULL::DOUBLE AS probability WHERE false"
        )
    return " UNION ALL ".join(f"({part})" for part in parts)

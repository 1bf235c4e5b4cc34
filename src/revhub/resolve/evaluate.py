"""How good a resolution is: pairwise precision, recall and F1 against known truth.

A pair is two records in the same entity. Pairs are never listed, only counted: a group
of n records holds n·(n−1)/2 of them, so predicted pairs sum that over entities, true
pairs over true entities, and correct pairs over their intersections — three GROUP BYs.
Records the truth does not mention count as their own true entity.

``truth_from_duplicates`` builds the truth of a workspace loaded from the demo: the
planted duplicates (``truth.duplicate_records``) plus converted leads, which are the
contact they became.

>>> Scores.of(true_pairs=4, predicted_pairs=5, correct_pairs=4).f1
0.8889
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from revhub.errors import DataError
from revhub.resolve.clusters import components
from revhub.resolve.db import SCHEMA, arrow, duck, table_exists

TRUTH_COLUMNS = ("entity", "record_id", "true_entity_id")


@dataclass(frozen=True)
class Scores:
    """Pairwise scores of one entity kind (precision/recall are 1.0 when nothing to find)."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @classmethod
    def of(cls, *, true_pairs: int, predicted_pairs: int, correct_pairs: int) -> Scores:
        """Scores from pair counts, rounded to four decimals."""
        precision = correct_pairs / predicted_pairs if predicted_pairs else 1.0
        recall = correct_pairs / true_pairs if true_pairs else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(
            round(precision, 4), round(recall, 4), round(f1, 4),
            true_pairs, predicted_pairs, correct_pairs,
        )  # fmt: skip


def _pairs(group_by: str) -> str:
    return f"""SELECT entity, sum(n * (n - 1) // 2) AS pairs FROM (
        SELECT entity, count(*) AS n FROM _rh_eval GROUP BY entity, {group_by}
    ) GROUP BY entity"""


def evaluate(con: Any, truth: pa.Table) -> dict[str, Scores]:
    """Scores of the last run's crosswalk against ``truth`` (entity, record_id,
    true_entity_id), per entity kind.

    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE SCHEMA resolve; CREATE TABLE resolve.crosswalk AS "
    ...     "SELECT * FROM (VALUES ('person', 'contacts', 'c1', 'E1'), "
    ...     "('person', 'leads', 'l1', 'E1')) t(entity, record_table, record_id, entity_id)")
    >>> truth = pa.table({"entity": ["person"] * 2, "record_id": ["c1", "l1"],
    ...                   "true_entity_id": ["P1", "P2"]})
    >>> evaluate(con, truth)["person"].precision
    0.0
    """
    raw = duck(con)
    missing = [c for c in TRUTH_COLUMNS if c not in truth.column_names]
    if missing:
        raise DataError(
            f"the truth table lacks column(s) {', '.join(missing)}; it needs "
            f"{', '.join(TRUTH_COLUMNS)} (see truth_from_duplicates)."
        )
    if not table_exists(raw, SCHEMA, "crosswalk"):
        raise DataError("nothing to evaluate: resolve.crosswalk does not exist. Run resolve first.")
    raw.register("_rh_truth", truth.select(list(TRUTH_COLUMNS)))
    try:
        raw.execute(f"""
            CREATE OR REPLACE TEMP TABLE _rh_eval AS
            SELECT c.entity, c.entity_id,
                   coalesce(t.true_entity_id, '~record:' || c.record_table || ':' || c.record_id)
                       AS true_entity_id
            FROM {SCHEMA}.crosswalk AS c
            LEFT JOIN _rh_truth AS t ON t.entity = c.entity AND t.record_id = c.record_id""")
        rows = raw.execute(f"""
            SELECT entity, coalesce(t.pairs, 0), coalesce(p.pairs, 0), coalesce(k.pairs, 0)
            FROM (SELECT DISTINCT entity FROM _rh_eval) AS e
            LEFT JOIN ({_pairs("true_entity_id")}) AS t USING (entity)
            LEFT JOIN ({_pairs("entity_id")}) AS p USING (entity)
            LEFT JOIN ({_pairs("entity_id, true_entity_id")}) AS k USING (entity)
            ORDER BY entity""").fetchall()
    finally:
        raw.unregister("_rh_truth")
        raw.execute("DROP TABLE IF EXISTS _rh_eval")
    return {
        entity: Scores.of(true_pairs=int(t), predicted_pairs=int(p), correct_pairs=int(k))
        for entity, t, p, k in rows
    }


_TRUTH_LINKS = """
    SELECT duplicate_id AS rid_l, original_id AS rid_r FROM truth.duplicate_records
    UNION ALL
    SELECT lead_id, converted_contact_id FROM leads WHERE converted_contact_id IS NOT NULL
    UNION ALL
    SELECT contact_id, converted_from_lead_id FROM contacts
    WHERE converted_from_lead_id IS NOT NULL"""
_RECORDS = """
    SELECT 'account' AS entity, account_id AS record_id FROM accounts
    UNION ALL SELECT 'person', contact_id FROM contacts
    UNION ALL SELECT 'person', lead_id FROM leads"""


def truth_from_duplicates(con: Any) -> pa.Table:
    """The true entity of every account, contact and lead of a demo workspace.

    Record ids must be unique across contacts and leads (they are in the demo).

    >>> truth_from_duplicates(duckdb.connect())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    revhub.errors.DataError: this workspace has no truth.duplicate_records; ...
    """
    raw: duckdb.DuckDBPyConnection = duck(con)
    if not table_exists(raw, "truth", "duplicate_records"):
        raise DataError(
            "this workspace has no truth.duplicate_records; it is written by the demo "
            "generator. Load a demo company (revhub generate, then revhub load)."
        )
    raw.execute(f"CREATE OR REPLACE TEMP TABLE _rh_truth_links AS {_TRUTH_LINKS}")
    try:
        components(raw, "_rh_truth_links", "_rh_truth_groups")
        return arrow(
            raw,
            f"""SELECT r.entity, r.record_id, coalesce(g.cluster, r.record_id) AS true_entity_id
                FROM ({_RECORDS}) AS r LEFT JOIN _rh_truth_groups AS g ON g.rid = r.record_id
                ORDER BY r.entity, r.record_id""",
        )
    finally:
        raw.execute("DROP TABLE IF EXISTS _rh_truth_links")
        raw.execute("DROP TABLE IF EXISTS _rh_truth_groups")

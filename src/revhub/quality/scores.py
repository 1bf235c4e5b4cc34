"""Scores from checked records: the share passing, per scope and dimension.

``checked`` has one row per (rule check, record): rule, dimension, table_name,
record_id, source, owner_id, team_id and whether it failed. For a scope kind and a
dimension, records are first reduced to one row per (scope value, table, record): it
fails if any of its rows does. Then per scope value::

    checked = records checked, failed = records failing, score = (checked - failed) / checked

So a record checked by ten rules counts once, and fails once however many rules it
breaks. A record attributed to two owners (by rules with different owner paths)
counts for each. Records without an owner or team are scored under a null value.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revhub.quality.results import ALL

# scope kind → column of the checked rows holding the scope value
SCOPE_COLUMNS = {
    "object": "table_name",
    "source": "source",
    "owner": "owner_id",
    "team": "team_id",
}


def score_rows(checked: ibis.Table) -> ibis.Table:
    """Every score of a run: scope_kind, scope_value, dimension, checked, failed, score.

    >>> con = ibis.duckdb.connect()
    >>> rows = ibis.memtable({"rule": ["r1", "r2", "r1"], "dimension": ["validity"] * 3,
    ...     "table_name": ["accounts"] * 3, "record_id": ["a", "a", "b"],
    ...     "source": ["crm"] * 3, "owner_id": ["u1"] * 3, "team_id": ["t1"] * 3,
    ...     "failed": [True, True, False]})
    >>> scores = score_rows(rows).filter(lambda s: s.scope_kind == "overall")
    >>> con.to_pyarrow(scores.select("checked", "failed", "score")).to_pylist()
    [{'checked': 2, 'failed': 1, 'score': 0.5}]
    """
    every = ibis.literal(ALL)
    parts = [
        _scores(checked, "overall", every, every),
        _scores(checked, "dimension", checked.dimension, checked.dimension),
        _scores(checked, "rule", checked.rule, checked.dimension),
    ]
    for kind, column in SCOPE_COLUMNS.items():
        parts.append(_scores(checked, kind, checked[column], every))
        parts.append(_scores(checked, kind, checked[column], checked.dimension))
    return ibis.union(*parts)


def _scores(
    checked: ibis.Table, kind: str, value: ir.Value, dimension: ir.StringValue
) -> ibis.Table:
    rows = checked.select(
        scope_value=value.cast("string"),
        dimension=dimension,
        table_name=checked.table_name,
        record_id=checked.record_id,
        failed=checked.failed,
    )
    records = rows.group_by(["scope_value", "dimension", "table_name", "record_id"]).aggregate(
        bad=rows.failed.any()
    )
    totals = records.group_by(["scope_value", "dimension"]).aggregate(
        checked=records.count(), failed=records.bad.cast("int64").sum()
    )
    return totals.select(
        scope_kind=ibis.literal(kind),
        scope_value=totals.scope_value,
        dimension=totals.dimension,
        checked=totals.checked,
        failed=totals.failed,
        score=(totals.checked - totals.failed) / totals.checked,
    )

"""What quality runs leave behind, in the ``quality`` schema, and how to read it back.

- ``quality.runs``: run_id, started_at, as_of, rules (JSON of the enabled rules),
  notes (JSON: rule → why it was skipped), records_checked, seconds;
- ``quality.scores``: run_id, scope_kind (overall, dimension, object, source, owner,
  team, rule), scope_value, dimension (a dimension or ``all``), checked, failed, score;
- ``quality.issues``: run_id, rule, dimension, severity, table_name, field, record_id,
  source, owner_id, team_id, message.

Runs accumulate, so ``score_trend`` shows how a scope's score moved run after run.

>>> SCORE_COLUMNS[-1], ISSUE_COLUMNS[-1]
('score', 'message')
"""

from __future__ import annotations

from typing import Any

import ibis
import pyarrow as pa

from revhub.quality.results import ALL, Issue, IssueGroup, TrendPoint

SCHEMA = "quality"
ISSUE_COLUMNS = (
    "rule",
    "dimension",
    "severity",
    "table_name",
    "field",
    "record_id",
    "source",
    "owner_id",
    "team_id",
    "message",
)
SCORE_COLUMNS = ("scope_kind", "scope_value", "dimension", "checked", "failed", "score")
_DDL = (
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.runs (
        run_id BIGINT PRIMARY KEY, started_at TIMESTAMP, as_of DATE, rules VARCHAR,
        notes VARCHAR, records_checked BIGINT, seconds DOUBLE)""",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.scores (
        run_id BIGINT, scope_kind VARCHAR, scope_value VARCHAR, dimension VARCHAR,
        checked BIGINT, failed BIGINT, score DOUBLE)""",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.issues (
        run_id BIGINT, {", ".join(f"{c} VARCHAR" for c in ISSUE_COLUMNS)})""",
)


def ensure_tables(con: Any) -> None:
    """Create the quality schema and its tables if they are missing.

    >>> con = ibis.duckdb.connect()
    >>> ensure_tables(con)
    >>> con.list_tables(database=SCHEMA), next_run_id(con)
    (['issues', 'runs', 'scores'], 1)
    """
    for statement in _DDL:
        con.raw_sql(statement)


def next_run_id(con: Any) -> int:
    """One more than the highest run id so far (1 for the first run; see ``ensure_tables``)."""
    runs = con.table("runs", database=SCHEMA)
    return int(runs.run_id.max().fill_null(0).execute()) + 1


def save_run(con: Any, run: dict[str, Any], scores: ibis.Table, issues: ibis.Table) -> None:
    """Insert one run, its scores and its issues. Call inside ``engine.transaction``."""
    run_id = ibis.literal(run["run_id"], "int64")
    con.insert("runs", ibis.memtable(pa.Table.from_pylist([run])), database=SCHEMA)
    con.insert(
        "scores",
        scores.select(run_id=run_id, **{c: scores[c] for c in SCORE_COLUMNS}),
        database=SCHEMA,
    )
    con.insert(
        "issues",
        issues.select(run_id=run_id, **{c: issues[c] for c in ISSUE_COLUMNS}),
        database=SCHEMA,
    )


def score_trend(
    con: Any, scope_kind: str, scope_value: str | None, dimension: str = ALL
) -> list[TrendPoint]:
    """A scope's score in every run that checked it, oldest run first.

    ``scope_kind`` is overall (value ``all``), dimension, object, source, owner, team or
    rule; ``dimension`` narrows to one dimension (default: all of them).

    >>> score_trend(ibis.duckdb.connect(), "overall", "all")  # no run yet
    []
    """
    if "scores" not in con.list_tables(database=SCHEMA):
        return []
    scores = con.table("scores", database=SCHEMA)
    runs = con.table("runs", database=SCHEMA)
    value = (
        scores.scope_value.isnull() if scope_value is None else scores.scope_value == scope_value
    )
    mine = scores.filter(
        (scores.scope_kind == scope_kind) & value & (scores.dimension == dimension)
    )
    joined = mine.join(runs, "run_id").order_by("run_id")
    rows = joined.select("run_id", "started_at", "as_of", "checked", "failed").to_pyarrow()
    return [
        TrendPoint(r["run_id"], r["started_at"], r["as_of"], r["checked"], r["failed"])
        for r in rows.to_pylist()
    ]


def load_issues(
    con: Any, run_id: int, *, rule: str | None = None, limit: int | None = None
) -> list[Issue]:
    """The issues of run ``run_id`` (of one ``rule`` if given), most severe first.

    >>> con = ibis.duckdb.connect()
    >>> ensure_tables(con)
    >>> load_issues(con, 1)
    []
    """
    issues = con.table("issues", database=SCHEMA)
    issues = issues.filter(issues.run_id == run_id)
    if rule is not None:
        issues = issues.filter(issues.rule == rule)
    return fetch_issues(issues, limit)


def issue_groups(issues: ibis.Table, limit: int) -> list[IssueGroup]:
    """The largest groups of ``issues`` by rule and owner: errors first, then by size.

    >>> issues = ibis.memtable({"rule": ["r", "r"], "dimension": ["validity"] * 2,
    ...     "severity": ["warning"] * 2, "owner_id": ["u1"] * 2, "team_id": [None, None],
    ...     "message": ["b is bad", "a is bad"]})
    >>> issue_groups(issues, 5)[0].issues, issue_groups(issues, 5)[0].example
    (2, 'a is bad')
    """
    groups = issues.group_by(["rule", "dimension", "severity", "owner_id", "team_id"]).aggregate(
        issues=issues.count(), example=issues.message.min()
    )
    rank = groups.severity.substitute({"error": 0, "warning": 1}, else_=2)
    ordered = groups.order_by([rank, ibis.desc("issues"), "rule", "owner_id"]).limit(limit)
    return [IssueGroup(**row) for row in ordered.to_pyarrow().to_pylist()]


def fetch_issues(issues: ibis.Table, limit: int | None) -> list[Issue]:
    """``issues`` rows as Issue objects: errors first, then by rule, table and record.

    >>> con = ibis.duckdb.connect()
    >>> ensure_tables(con)
    >>> fetch_issues(con.table("issues", database=SCHEMA), limit=10)
    []
    """
    rank = issues.severity.substitute({"error": 0, "warning": 1}, else_=2)
    ordered = issues.order_by([rank, "rule", "table_name", "record_id", "field"])
    if limit is not None:
        ordered = ordered.limit(limit)
    rows = ordered.select(*ISSUE_COLUMNS).to_pyarrow().to_pylist()
    return [Issue(**{("table" if k == "table_name" else k): v for k, v in r.items()}) for r in rows]

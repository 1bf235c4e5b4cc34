"""Data quality as the dashboard shows it: the latest run's scores and their trend, the
issues it found (with the names of who should fix them), and the biggest groups of them.

Reads what ``ws.quality()`` stores (``revhub.quality.store``: ``quality.runs``,
``quality.scores``, ``quality.issues``). Issues and top issues are the latest run's.
Before any run the overview has no ``run`` and the lists are empty.

>>> import duckdb
>>> quality_overview(duckdb.connect())["run"] is None, list_issues(duckdb.connect()).total
(True, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from revhub.browse.pages import Page, check_paging, empty_page
from revhub.browse.query import Query, fetch, fetch_one, table_exists

_SEVERITY_RANK = "CASE i.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END"


@dataclass(frozen=True)
class IssueRow:
    """One failing record under one rule, with the names of its owner and team."""

    rule: str
    dimension: str
    severity: str
    table: str
    field: str | None
    record_id: str
    source: str | None
    owner_id: str | None
    owner: str | None
    team_id: str | None
    team: str | None
    message: str


def _has_runs(con: duckdb.DuckDBPyConnection) -> bool:
    return all(table_exists(con, "quality", t) for t in ("runs", "scores", "issues"))


def latest_run_id(con: duckdb.DuckDBPyConnection) -> int | None:
    """The id of the latest quality run, or None before the first."""
    if not _has_runs(con):
        return None
    row = con.execute("SELECT max(run_id) FROM quality.runs").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def quality_overview(con: duckdb.DuckDBPyConnection, *, trend_runs: int = 12) -> dict[str, Any]:
    """The latest run: ``run`` (run_id, started_at, as_of, records_checked, seconds),
    ``overall`` and ``dimensions`` ({checked, failed, score}), ``issue_count`` and
    ``trend``: the overall and per-dimension score of the last ``trend_runs`` runs,
    oldest first (``[{run_id, as_of, started_at, score, dimensions: {name: score}}]``)."""
    run_id = latest_run_id(con)
    if run_id is None:
        return {"run": None, "overall": None, "dimensions": {}, "issue_count": 0, "trend": []}
    params = {"run": run_id}
    run = fetch_one(
        con,
        "SELECT run_id, started_at, as_of, records_checked, seconds FROM quality.runs "
        "WHERE run_id = $run",
        params,
    )
    scores = fetch(
        con,
        """SELECT scope_kind, dimension, checked, failed, score FROM quality.scores
           WHERE run_id = $run AND (scope_kind = 'overall' OR scope_kind = 'dimension')
           ORDER BY dimension""",
        params,
    )
    brief = {
        (s["scope_kind"], s["dimension"]): {k: s[k] for k in ("checked", "failed", "score")}
        for s in scores
    }
    issues = con.execute("SELECT count(*) FROM quality.issues WHERE run_id = $run", params)
    counted = issues.fetchone()
    return {
        "run": run,
        "overall": brief.get(("overall", "all"), {"checked": 0, "failed": 0, "score": 1.0}),
        "dimensions": {d: v for (kind, d), v in brief.items() if kind == "dimension"},
        "issue_count": int(counted[0]) if counted else 0,
        "trend": _trend(con, trend_runs),
    }


def _trend(con: duckdb.DuckDBPyConnection, runs: int) -> list[dict[str, Any]]:
    rows = fetch(
        con,
        """WITH recent AS (SELECT run_id, started_at, as_of FROM quality.runs
                           ORDER BY run_id DESC LIMIT $runs)
           SELECT r.run_id, r.started_at, r.as_of, s.scope_kind, s.dimension, s.score
           FROM recent AS r JOIN quality.scores AS s ON s.run_id = r.run_id
           WHERE s.scope_kind IN ('overall', 'dimension')
           ORDER BY r.run_id, s.dimension""",
        {"runs": runs},
    )
    points: dict[int, dict[str, Any]] = {}
    for row in rows:
        point = points.setdefault(
            row["run_id"],
            {"run_id": row["run_id"], "as_of": row["as_of"], "started_at": row["started_at"],
             "score": None, "dimensions": {}},
        )  # fmt: skip
        if row["scope_kind"] == "overall":
            point["score"] = row["score"]
        else:
            point["dimensions"][row["dimension"]] = row["score"]
    return list(points.values())


def list_issues(
    con: duckdb.DuckDBPyConnection,
    *,
    rule: str | None = None,
    severity: str | None = None,
    table: str | None = None,
    owner_id: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[IssueRow]:
    """The latest run's issues matching the filters: errors first, then by rule, table,
    record and field."""
    check_paging(page, page_size)
    run_id = latest_run_id(con)
    if run_id is None:
        return empty_page(page, page_size)
    query = Query()
    query.where(f"i.run_id = {query.bind(run_id)}")
    for column, value in (
        ("rule", rule), ("severity", severity), ("table_name", table), ("owner_id", owner_id)
    ):  # fmt: skip
        if value is not None:
            query.where(f"i.{column} = {query.bind(value)}")
    base = f"FROM quality.issues AS i{query.where_sql()}"
    total = fetch(con, f"SELECT count(*) AS n {base}", query.params)[0]["n"]
    limit, offset = query.bind(page_size), query.bind((page - 1) * page_size)
    rows = fetch(
        con,
        f"""SELECT i.rule, i.dimension, i.severity, i.table_name AS "table", i.field,
                   i.record_id, i.source, i.owner_id, u.name AS owner, i.team_id,
                   t.name AS team, i.message
            FROM (SELECT * {base}) AS i
            LEFT JOIN users AS u ON u.user_id = i.owner_id
            LEFT JOIN teams AS t ON t.team_id = i.team_id
            ORDER BY {_SEVERITY_RANK}, i.rule, i.table_name, i.record_id, i.field NULLS FIRST,
                     i.message
            LIMIT {limit} OFFSET {offset}""",
        query.params,
    )
    return Page([IssueRow(**r) for r in rows], total, page, page_size)


def top_issues(
    con: duckdb.DuckDBPyConnection, *, limit: int = 10, owners: int = 3
) -> list[dict[str, Any]]:
    """The latest run's issues grouped by rule, most severe and most numerous first:
    ``rule``, ``dimension``, ``severity``, ``issues``, ``example`` (a message) and
    ``owners``: the ``owners`` people with most of them (``owner_id``, ``owner``,
    ``team``, ``issues``; a null owner for records nobody owns)."""
    run_id = latest_run_id(con)
    if run_id is None:
        return []
    params = {"run": run_id, "limit": limit}
    rules = fetch(
        con,
        f"""SELECT i.rule, min(i.dimension) AS dimension, min(i.severity) AS severity,
                   count(*) AS issues, min(i.message) AS example
            FROM quality.issues AS i WHERE i.run_id = $run GROUP BY i.rule
            ORDER BY min({_SEVERITY_RANK}), issues DESC, i.rule LIMIT $limit""",
        params,
    )
    fixers = fetch(
        con,
        """SELECT i.rule, i.owner_id, u.name AS owner, t.name AS team, count(*) AS issues
           FROM quality.issues AS i
           LEFT JOIN users AS u ON u.user_id = i.owner_id
           LEFT JOIN teams AS t ON t.team_id = i.team_id
           WHERE i.run_id = $run AND list_contains($rules, i.rule)
           GROUP BY ALL ORDER BY i.rule, issues DESC, i.owner_id NULLS LAST""",
        {"run": run_id, "rules": [r["rule"] for r in rules]},
    )
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for fixer in fixers:
        by_rule.setdefault(fixer.pop("rule"), []).append(fixer)
    return [{**r, "owners": by_rule.get(r["rule"], [])[:owners]} for r in rules]

"""The data-quality page: scores and their trend run by run, the top issues with the
people who should fix them, every issue of the latest run, duplicate clusters with why
their records were matched, and — for who runs operations — the quarantine and the
ingest runs.

>>> ISSUES_PAGE
50
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from revhub import browse
from revhub.access import may_use
from revhub.api.caller import Caller, guard
from revhub.web.charts import Chart, Series
from revhub.web.rendering import page_for, render, router
from revhub.web.scorecard_view import Tile
from revhub.web.tables import Column, Table

Signed = Annotated[Caller, Depends(guard)]
ISSUES_PAGE = 50


def trend_chart(overview: dict[str, Any]) -> Chart:
    """The overall and per-dimension score of each quality run."""
    runs = overview["trend"]
    dimensions = sorted({d for run in runs for d in run["dimensions"]})
    series = [Series("Overall", [run["score"] for run in runs])] + [
        Series(d.capitalize(), [run["dimensions"].get(d) for run in runs]) for d in dimensions
    ]
    return Chart(
        "quality-trend",
        "line",
        "Quality score by run",
        "ratio",
        [f"{run['as_of']} (run {run['run_id']})" for run in runs],
        series,
        description="Share of checked values that passed, per run of `revhub quality`",
    )


def _owners(issue: dict[str, Any]) -> str:
    return ", ".join(f"{o['owner'] or 'unowned'} ({o['issues']})" for o in issue["owners"])


@router.get("/quality")
def quality(
    caller: Signed,
    request: Request,
    rule: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    cluster: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Data quality across every system, and who should fix what."""
    view = page_for(request, caller)
    con, fmt = view.hub.reader(), view.fmt
    overview = browse.quality_overview(con)
    tiles = []
    if overview["overall"]:
        tiles.append(
            Tile(
                "Overall",
                fmt.percent(overview["overall"]["score"]),
                None,
                "Share of checked values that passed",
                "",
            )
        )
        tiles += [
            Tile(name.capitalize(), fmt.percent(score["score"]), None, "", "")
            for name, score in overview["dimensions"].items()
        ]
    top = [
        {**i, "owners_text": _owners(i), "url": f"/quality?rule={i['rule']}#table-issues"}
        for i in browse.top_issues(con)
    ]
    issues = browse.list_issues(con, rule=rule, page=page, page_size=ISSUES_PAGE)
    clusters = browse.list_clusters(con, page_size=25)
    tables = [
        Table(
            "top-issues",
            "Top issues and who should fix them",
            [
                Column("rule", "Rule", href="url"),
                Column("dimension", "Dimension"),
                Column("severity", "Severity"),
                Column("issues", "Issues", "count"),
                Column("owners_text", "Most of them with"),
                Column("example", "Example"),
            ],
            top,
            empty="No quality run yet: run `revhub quality`.",
        ),
        Table(
            "issues",
            f"Issues{f' of {rule}' if rule else ''} ({issues.total:,})",
            [
                Column("rule", "Rule"),
                Column("severity", "Severity"),
                Column("table", "Table"),
                Column("field", "Field"),
                Column("record_id", "Record"),
                Column("source", "System"),
                Column("owner", "Owner"),
                Column("message", "Problem"),
            ],
            [vars(i) for i in issues.items],
            csv_url=_issues_csv(rule),
        ),
        Table(
            "clusters",
            f"Duplicate clusters ({clusters.total:,})",
            [
                Column("name", "Company", href="url"),
                Column("size", "Records", "count"),
                Column("sources_text", "Systems"),
                Column("matched_by_text", "Matched by"),
            ],
            [
                {
                    **vars(c),
                    "url": f"/quality?cluster={c.cluster_id}#cluster",
                    "sources_text": ", ".join(c.sources),
                    "matched_by_text": ", ".join(c.matched_by),
                }
                for c in clusters.items
            ],
            empty="No duplicates found (or `revhub resolve` not run).",
        ),
    ]
    chosen = _cluster(con, cluster) if cluster else None
    if chosen:
        tables.append(chosen)
    if may_use(caller.role, "operations"):
        tables += _operations(con)
    return render(
        request,
        "quality.html",
        {
            "title": "Data quality",
            "tiles": tiles,
            "chart": trend_chart(overview),
            "tables": tables,
            "exports": {"quality-trend": trend_chart(overview)},
            "run": overview["run"],
            "issue_count": overview["issue_count"],
            "previous": f"/quality?rule={rule or ''}&page={page - 1}" if page > 1 else None,
            "next": f"/quality?rule={rule or ''}&page={page + 1}" if page < issues.pages else None,
        },
    )


def _issues_csv(rule: str | None) -> str:
    return "/api/quality/issues?format=csv&page_size=500" + (f"&rule={rule}" if rule else "")


def _cluster(con: Any, cluster_id: str) -> Table:
    detail = browse.cluster_detail(con, cluster_id)
    rows = [
        {
            "pair": f"{p['left_record']} ↔ {p['right_record']}",
            "probability": p["match_probability"],
            "linked": "yes" if p["linked"] else "no",
            "explanation": p["explanation"],
        }
        for p in detail["links"]
    ]
    members = ", ".join(f"{m['source']} {m['source_id']}" for m in detail["members"])
    return Table(
        "cluster",
        f"Cluster {cluster_id}: {members}",
        [
            Column("pair", "Pair"),
            Column("probability", "Match probability", "ratio"),
            Column("linked", "Linked"),
            Column("explanation", "Why"),
        ],
        rows,
        empty="These records were joined by a rule (same id or domain), not scored.",
    )


def _operations(con: Any) -> list[Table]:
    runs = browse.list_ingest_runs(con, page_size=10)
    held = browse.list_quarantine(con, page_size=50)
    return [
        Table(
            "ingest-runs",
            "Ingest runs",
            [
                Column("run_id", "Run"),
                Column("started_at", "Started", "date"),
                Column("sources_text", "Sources"),
                Column("status", "Status"),
                Column("seconds", "Seconds", "number"),
                Column("totals_text", "Rows"),
            ],
            [
                {
                    **vars(r),
                    "sources_text": ", ".join(r.sources),
                    "totals_text": ", ".join(f"{k} {v:,}" for k, v in r.totals.items() if v),
                }
                for r in runs.items
            ],
            empty="Nothing ingested yet.",
        ),
        Table(
            "quarantine",
            f"Quarantine ({held.total:,})",
            [
                Column("source", "Source"),
                Column("table", "Table"),
                Column("origin", "Where"),
                Column("reason", "Why"),
            ],
            [vars(r) for r in held.items],
            csv_url="/api/ingest/quarantine?format=csv",
            empty="No rows are waiting in quarantine.",
        ),
    ]

"""Quality pages: the latest run's scores and trend, its issues with owner names, and the
top issues per rule."""

from __future__ import annotations

import duckdb
import pytest

from revhub.browse import BrowseQueryError, list_issues, quality_overview, top_issues
from revhub.workspace import Workspace


def test_overview_shows_the_latest_run(con: duckdb.DuckDBPyConnection) -> None:
    overview = quality_overview(con)
    [(run_id, failed)] = con.execute(
        "SELECT r.run_id, s.failed FROM quality.runs AS r JOIN quality.scores AS s USING (run_id) "
        "WHERE s.scope_kind = 'overall' ORDER BY r.run_id DESC LIMIT 1"
    ).fetchall()
    assert overview["run"]["run_id"] == run_id
    assert overview["overall"]["failed"] == failed
    assert 0 <= overview["overall"]["score"] <= 1
    assert {"validity", "timeliness"} <= set(overview["dimensions"])
    assert overview["trend"][-1]["run_id"] == run_id
    assert overview["trend"][-1]["score"] == overview["overall"]["score"]
    assert overview["issue_count"] == list_issues(con).total > 0


def test_issues_name_their_owner_and_team(con: duckdb.DuckDBPyConnection) -> None:
    page = list_issues(con, page_size=500)
    owned = [i for i in page.items if i.owner_id]
    assert owned and all(i.owner and i.team for i in owned)
    assert all(i.owner is None for i in page.items if i.owner_id is None)


def test_issue_filters(con: duckdb.DuckDBPyConnection) -> None:
    every = list_issues(con, page_size=500).items
    rule = every[0].rule
    by_rule = list_issues(con, rule=rule, page_size=500)
    assert by_rule.total == sum(i.rule == rule for i in every)
    assert all(i.rule == rule for i in by_rule.items)
    owner = next(i.owner_id for i in every if i.owner_id)
    mine = list_issues(con, owner_id=owner, table="opportunities", page_size=500)
    assert all(i.owner_id == owner and i.table == "opportunities" for i in mine.items)
    assert list_issues(con, severity="critical").total == 0


def test_issue_pages_do_not_overlap(con: duckdb.DuckDBPyConnection) -> None:
    whole = list_issues(con, page_size=500).items
    pieces = []
    for number in range(1, -(-len(whole) // 7) + 1):
        pieces += list_issues(con, page=number, page_size=7).items
    assert pieces == whole


def test_top_issues_count_each_rule_and_who_should_fix_it(con: duckdb.DuckDBPyConnection) -> None:
    top = top_issues(con, limit=5)
    assert 0 < len(top) <= 5
    assert [t["issues"] for t in top] == sorted((t["issues"] for t in top), reverse=True)
    for group in top:
        assert group["issues"] == list_issues(con, rule=group["rule"]).total
        counts = [o["issues"] for o in group["owners"]]
        assert counts == sorted(counts, reverse=True) and sum(counts) <= group["issues"]


def test_before_any_run_everything_is_empty(demo_workspace: Workspace) -> None:
    con = demo_workspace.con.con.cursor()
    assert quality_overview(con)["run"] is None
    assert list_issues(con).total == 0 and top_issues(con) == []
    with pytest.raises(BrowseQueryError):
        list_issues(con, page_size=0)

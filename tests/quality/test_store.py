"""Runs accumulate in the quality schema; trends read them back; reports render."""

from __future__ import annotations

import io
import json

import pytest
from quality_world import AS_OF, World
from rich.console import Console

from revhub.quality import load_issues, print_report, run_quality, score_trend
from revhub.quality.run import CHECKED

RULES = "rules:\n  mail:\n    kind: email\n    table: contacts\n    severity: error\n"


def _contacts(world: World, *emails: str) -> None:
    world.ws.con.raw_sql("DELETE FROM contacts")
    world.put("contacts", *({"contact_id": f"c{n}", "email": e} for n, e in enumerate(emails)))


def test_runs_accumulate_and_trend_in_order(world: World) -> None:
    _contacts(world, "a@x.com", "bad", "worse")
    first = world.run(RULES)
    _contacts(world, "a@x.com", "b@x.com", "worse")
    second = world.run(RULES)
    _contacts(world, "a@x.com", "b@x.com", "c@x.com", "d@x.com")
    third = world.run(RULES)
    assert [first.run_id, second.run_id, third.run_id] == [1, 2, 3]

    trend = score_trend(world.ws.con, "overall", "all")
    assert [(p.run_id, p.checked, p.failed) for p in trend] == [(1, 3, 2), (2, 3, 1), (3, 4, 0)]
    assert [round(p.score, 3) for p in trend] == [0.333, 0.667, 1.0]
    by_source = score_trend(world.ws.con, "source", "crm", "validity")
    assert [p.failed for p in by_source] == [2, 1, 0]
    assert score_trend(world.ws.con, "object", "accounts") == []

    runs = world.ws.con.table("runs", database="quality").order_by("run_id").to_pyarrow()
    assert runs["records_checked"].to_pylist() == [3, 3, 4]
    assert json.loads(runs["rules"][0].as_py())["mail"]["kind"] == "email"
    assert [i.record_id for i in load_issues(world.ws.con, 1)] == ["c1", "c2"]
    assert load_issues(world.ws.con, 3) == []


def test_a_failing_run_stores_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _contacts(world, "bad")
    world.run(RULES)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("revhub.quality.store.save_run", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_quality(world.ws.con, world.rules(RULES), as_of=AS_OF)
    assert [p.run_id for p in score_trend(world.ws.con, "overall", "all")] == [1]
    assert CHECKED not in world.ws.con.list_tables()


def test_json_has_stable_documented_keys(world: World) -> None:
    _contacts(world, "ok@x.com", "bad")
    data = json.loads(world.run(RULES).to_json())
    assert list(data) == [
        "run_id",
        "as_of",
        "started_at",
        "seconds",
        "records_checked",
        "overall",
        "dimensions",
        "scores",
        "rules",
        "issue_count",
        "top_issues",
        "issues",
        "names",
    ]
    assert data["overall"] == {"checked": 2, "failed": 1, "score": 0.5}
    assert data["dimensions"] == {"validity": {"checked": 2, "failed": 1, "score": 0.5}}
    assert data["rules"] == [
        {
            "rule": "mail",
            "kind": "email",
            "dimension": "validity",
            "severity": "error",
            "tables": ["contacts"],
            "checked": 2,
            "failed": 1,
            "status": "ok",
            "note": None,
            "score": 0.5,
        }
    ]
    assert data["issues"] == [
        {
            "rule": "mail",
            "dimension": "validity",
            "severity": "error",
            "table": "contacts",
            "field": "email",
            "record_id": "c1",
            "source": "crm",
            "owner_id": None,
            "team_id": None,
            "message": "email 'bad' is not a valid email address",
        }
    ]
    assert set(data["scores"][0]) == {
        "scope_kind",
        "scope_value",
        "dimension",
        "checked",
        "failed",
        "score",
    }


def test_rich_report_shows_scores_rules_and_who_fixes_what(world: World) -> None:
    world.put("teams", {"team_id": "t1", "name": "AE North"})
    world.put("users", {"user_id": "u1", "team_id": "t1", "name": "Ada Lovelace"})
    world.put("contacts", {"contact_id": "c1", "email": "[bold]bad", "owner_id": "u1"})
    out = io.StringIO()
    print_report(world.run(RULES), Console(file=out, width=160))
    text = out.getvalue()
    for expected in (
        "score 0.0%",
        "validity",
        "Worst owners",
        "Ada Lovelace (u1)",
        "AE North",
        "Top issues and who should fix them",
        "email '[bold]bad' is not a valid email address",  # data is never rich markup
    ):
        assert expected in text, expected

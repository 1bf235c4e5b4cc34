"""Resolving the planted world: the clusters, how each record got there, and the tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from planted_world import EXPECTED_ACCOUNTS, EXPECTED_PEOPLE, clusters, copy_of, entity_of

import revhub
from revhub.resolve import ResolveReport, resolve
from revhub.resolve.run import RESULTS
from revhub.workspace import Workspace


@pytest.fixture(scope="module")
def resolved(
    planted_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Workspace, ResolveReport]]:
    """The planted world resolved once, for the tests that only read the result."""
    with revhub.open(copy_of(planted_template, tmp_path_factory.mktemp("resolved") / "ws")) as ws:
        yield ws, resolve(ws.con)


def rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return ws.con.con.execute(sql).fetchall()


def test_finds_the_planted_clusters(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, report = resolved
    assert sorted(map(sorted, clusters(ws, "account"))) == sorted(map(sorted, EXPECTED_ACCOUNTS))
    assert sorted(map(sorted, clusters(ws, "person"))) == sorted(map(sorted, EXPECTED_PEOPLE))
    assert report.records == {"account": 13, "person": 14}
    assert report.entities == {"account": len(EXPECTED_ACCOUNTS), "person": len(EXPECTED_PEOPLE)}


def test_says_how_each_record_was_matched(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, _ = resolved
    how = dict(rows(ws, "SELECT record_id, matched_by FROM resolve.crosswalk"))
    assert how["acc_acme_hs"] == "domain"  # same domain as acc_acme_sf
    assert how["acc_acme_st"] == "splink"  # no domain: name, phone and city
    assert how["acc_muller_zd"] == "splink"
    assert how["con_jane_hs"] == "email"  # same work email and name
    assert how["lead_mary"] == "converted"
    assert how["con_bob_st"] == "splink"  # Bob → Robert, sibling domain, duplicate account
    assert how["acc_bakery"] == how["lead_sam"] == "singleton"


def test_free_mail_domains_never_link_companies(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, _ = resolved
    assert entity_of(ws, "acc_bakery") != entity_of(ws, "acc_cafe")


def test_a_shared_mailbox_is_not_one_person(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, _ = resolved
    assert entity_of(ws, "con_richard_k") != entity_of(ws, "con_richard_h")
    explained = rows(
        ws,
        "SELECT linked, explanation FROM resolve.match_explanations "
        "WHERE left_record_id = 'con_richard_h' AND right_record_id = 'con_richard_k'",
    )
    assert explained, "the near miss is kept for review"
    linked, text = explained[0]
    assert not linked
    assert "last_name: different (-" in str(text)


def test_explains_matches_in_words(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, _ = resolved
    [(probability, weight, linked, same, text)] = rows(
        ws,
        "SELECT match_probability, match_weight, linked, same_entity, explanation "
        "FROM resolve.match_explanations "
        "WHERE left_record_id = 'acc_globex_hs' AND right_record_id = 'acc_globex_sf'",
    )
    assert isinstance(probability, float) and probability >= 0.95
    assert isinstance(weight, float) and linked and same
    assert str(text).startswith("name: one typo (Damerau-Levenshtein ≤ 1) (+")
    assert "domain: same name, other ending (+" in str(text)
    assert "phone: missing (+0.0)" in str(text)


def test_matches_leads_to_accounts(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, _ = resolved
    matched = {
        lead: (entity, method, score)
        for lead, entity, method, score in rows(ws, "SELECT * FROM resolve.lead_accounts")
    }
    assert matched["lead_jane"] == (entity_of(ws, "acc_acme_sf"), "email_domain", 0.95)
    assert matched["lead_mary"] == (entity_of(ws, "acc_umbrella"), "converted", 1.0)
    assert matched["lead_sam"] == (entity_of(ws, "acc_initrode"), "email_domain", 0.95)
    assert matched["lead_tom"] == (entity_of(ws, "acc_globex_sf"), "company_name", 0.9)
    assert matched["lead_li"] == (entity_of(ws, "acc_umbrella"), "company_brand", 0.7)


def test_every_record_keeps_its_row(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, _ = resolved
    [(records, distinct)] = rows(
        ws, "SELECT count(*), count(DISTINCT (record_table, record_id)) FROM resolve.crosswalk"
    )
    assert records == distinct == 13 + 9 + 5


def test_no_relationship_is_dropped(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, _ = resolved
    orphans = rows(
        ws,
        """SELECT c.contact_id FROM contacts AS c
           LEFT JOIN resolve.crosswalk AS x
                  ON x.record_table = 'accounts' AND x.record_id = c.account_id
           LEFT JOIN resolve.golden_accounts AS g ON g.entity_id = x.entity_id
           WHERE c.account_id IS NOT NULL AND g.entity_id IS NULL""",
    )
    assert orphans == []
    kept = rows(
        ws,
        """SELECT c.contact_id FROM contacts AS c
           JOIN resolve.crosswalk AS xa
             ON xa.record_table = 'accounts' AND xa.record_id = c.account_id
           JOIN resolve.crosswalk AS xp
             ON xp.record_table = 'contacts' AND xp.record_id = c.contact_id
           JOIN resolve.golden_people AS p ON p.entity_id = xp.entity_id
           WHERE NOT list_contains(p.account_entity_ids, xa.entity_id)""",
    )
    assert kept == [], "every contact's account entity is on its golden person"


def test_logs_the_run(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, report = resolved
    [(run_id, records, entities, seconds)] = rows(
        ws, "SELECT run_id, records, entities, seconds FROM resolve.runs"
    )
    assert (run_id, records, entities) == (report.run_id, 27, 18)
    assert isinstance(seconds, float) and seconds > 0
    tables = {name for (name,) in rows(ws, "SELECT table_name FROM duckdb_tables() "
                                           "WHERE schema_name = 'resolve'")}  # fmt: skip
    assert tables == {*RESULTS, "overrides", "runs"}


def test_leaves_no_work_tables_behind(resolved: tuple[Workspace, ResolveReport]) -> None:
    ws, _ = resolved
    assert rows(ws, "SELECT table_name FROM duckdb_tables() WHERE temporary") == []


def test_an_interrupted_run_leaves_the_last_result(
    planted: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = resolve(planted.con)
    monkeypatch.setitem(RESULTS, "zz_broken", "rh_no_such_table")  # fails after the others
    with pytest.raises(duckdb.CatalogException):
        resolve(planted.con)
    assert rows(planted, "SELECT DISTINCT run_id FROM resolve.crosswalk") == [(first.run_id,)]
    assert rows(planted, "SELECT run_id FROM resolve.runs") == [(first.run_id,)]
    assert ("zz_broken",) not in rows(planted, "SELECT table_name FROM duckdb_tables()")


def test_runs_on_an_empty_workspace(tmp_path: Path) -> None:
    with revhub.init(tmp_path) as ws:
        report = resolve(ws.con)
        assert report.entities == {"account": 0, "person": 0}
        assert rows(ws, "SELECT count(*) FROM resolve.golden_people") == [(0,)]

"""The deal list and deal page: scoped by owner, filtered, paged, with stage history."""

from __future__ import annotations

import duckdb
import pytest
from browse_world import Planted
from hypothesis import given, settings
from hypothesis import strategies as st

from revhub.access import EVERYTHING, RowScope
from revhub.browse import BrowseQueryError, deal_detail, list_deals
from revhub.browse.deals import SORTS, DealRow
from revhub.errors import NotFoundError
from revhub.workspace import Workspace


def every_deal(con: duckdb.DuckDBPyConnection, scope: RowScope, **filters: object) -> list[DealRow]:
    rows: list[DealRow] = []
    page = 1
    while True:
        got = list_deals(con, scope, page=page, page_size=500, **filters)
        rows += got.items
        if page >= got.pages:
            return rows
        page += 1


def test_a_rep_sees_exactly_their_own_deals(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    rows = every_deal(con, RowScope("owner", frozenset({planted.rep})))
    owned = con.execute(
        "SELECT opportunity_id FROM opportunities WHERE owner_id = ?", [planted.rep]
    ).fetchall()
    assert {r.opportunity_id for r in rows} == {o[0] for o in owned} and rows
    assert all(r.owner_id == planted.rep and r.owner for r in rows)


def test_a_manager_sees_their_reps_deals(con: duckdb.DuckDBPyConnection, planted: Planted) -> None:
    reps = {
        r[0]
        for r in con.execute(
            "SELECT user_id FROM users WHERE manager_id = ?", [planted.manager]
        ).fetchall()
    }
    rows = every_deal(con, RowScope("team", frozenset(reps)))
    owned = con.execute(
        "SELECT count(*) FROM opportunities WHERE list_contains(?, owner_id)", [sorted(reps)]
    ).fetchone()
    assert owned is not None and len(rows) == owned[0] > 0


def test_deals_sit_on_their_company(con: duckdb.DuckDBPyConnection, planted: Planted) -> None:
    rows = every_deal(con, EVERYTHING, account_id=planted.company_id)
    assert planted.deal_on_duplicate in {r.opportunity_id for r in rows}
    assert all(r.account_id == planted.company_id and r.account_name for r in rows)


def test_partner_scope_keeps_partner_deals(con: duckdb.DuckDBPyConnection) -> None:
    rows = every_deal(con, RowScope("partner"))
    partnered = con.execute("""
        SELECT o.opportunity_id FROM opportunities AS o
        JOIN resolve.crosswalk AS x ON x.entity = 'account' AND x.record_id = o.account_id
        JOIN resolve.golden_accounts AS g ON g.entity_id = x.entity_id
        WHERE o.partner_id IS NOT NULL OR o.source_channel = 'partner'
           OR g.partner_id IS NOT NULL""").fetchall()
    assert {r.opportunity_id for r in rows} == {p[0] for p in partnered} and rows


def test_status_splits_the_list_and_slipped_deals_were_pushed(
    con: duckdb.DuckDBPyConnection,
) -> None:
    total = list_deals(con, EVERYTHING).total
    parts = {s: every_deal(con, EVERYTHING, status=s) for s in ("open", "won", "lost")}
    assert sum(len(p) for p in parts.values()) == total
    assert all(r.status == s for s, rows in parts.items() for r in rows)
    assert all(r.days_in_stage is not None and r.days_in_stage >= 0 for r in parts["open"])
    assert all(r.days_in_stage is None for r in parts["won"] + parts["lost"])
    slipped = every_deal(con, EVERYTHING, slipped=True)
    assert slipped and all(r.is_slipped and r.pushes > 0 for r in slipped)
    assert len(slipped) + list_deals(con, EVERYTHING, slipped=False).total == total
    stage = every_deal(con, EVERYTHING, stage="negotiation")
    assert stage and all(r.stage == "negotiation" for r in stage)


def test_search_finds_deals_by_their_name_or_company(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    [(name,)] = con.execute(
        "SELECT name FROM resolve.golden_accounts WHERE entity_id = ?", [planted.company_id]
    ).fetchall()
    found = list_deals(con, EVERYTHING, q=name.upper(), page_size=500).items
    assert planted.deal_on_duplicate in {r.opportunity_id for r in found}


def test_deal_detail_has_its_history_in_order(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    detail = deal_detail(con, EVERYTHING, planted.deal_on_duplicate)
    deal, history = detail["deal"], detail["history"]
    assert deal["opportunity_id"] == planted.deal_on_duplicate
    assert deal["account_id"] == planted.company_id
    assert history and [h["valid_from"] for h in history] == sorted(
        h["valid_from"] for h in history
    )
    assert history[-1]["stage"] == deal["stage"]
    assert history[0]["change_kind"] == "created"


def test_deal_out_of_scope_reads_like_missing(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    with pytest.raises(NotFoundError, match=f"deal `{planted.deal_on_duplicate}` not found"):
        deal_detail(
            con, RowScope("owner", frozenset({planted.other_rep})), planted.deal_on_duplicate
        )
    with pytest.raises(NotFoundError, match="deal `opp_missing` not found"):
        deal_detail(con, EVERYTHING, "opp_missing")


@settings(max_examples=10, deadline=None)
@given(
    sort=st.sampled_from([*SORTS, *(f"-{s}" for s in SORTS)]),
    page_size=st.integers(min_value=10, max_value=120),
)
def test_deal_pages_concatenate_to_the_whole_sorted_list(
    ws: Workspace, planted: Planted, sort: str, page_size: int
) -> None:
    con = ws.con.con.cursor()
    scope = RowScope("team", frozenset({planted.rep, planted.other_rep}))
    whole = list_deals(con, scope, sort=sort, page_size=500)
    assert 0 < whole.total <= 500
    pages = -(-whole.total // page_size)
    pieces: list[DealRow] = []
    for number in range(1, pages + 1):
        pieces += list_deals(con, scope, sort=sort, page=number, page_size=page_size).items
    assert [r.opportunity_id for r in pieces] == [r.opportunity_id for r in whole.items]
    beyond = list_deals(con, scope, sort=sort, page=pages + 1, page_size=page_size)
    assert beyond.items == [] and beyond.total == whole.total


def test_bad_deal_filters_say_what_to_send(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(BrowseQueryError, match="Did you mean `won`"):
        list_deals(con, EVERYTHING, status="wonn")
    with pytest.raises(BrowseQueryError, match="unknown stage"):
        list_deals(con, EVERYTHING, stage="closed")
    with pytest.raises(BrowseQueryError, match="cannot sort deals"):
        list_deals(con, EVERYTHING, sort="owner")

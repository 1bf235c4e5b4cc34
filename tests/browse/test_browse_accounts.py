"""The account list: one row per company, scoped, searched, paged, and its ARR adds up to
the ARR metric."""

from __future__ import annotations

import math
from collections import defaultdict

import duckdb
import pytest
from browse_world import DAY, Planted
from hypothesis import given, settings
from hypothesis import strategies as st

from revhub.access import EVERYTHING, RowScope
from revhub.browse import BrowseQueryError, account_detail, list_accounts
from revhub.browse.accounts import SORTS, AccountRow
from revhub.workspace import Workspace


def everything(
    con: duckdb.DuckDBPyConnection, scope: RowScope, **filters: object
) -> list[AccountRow]:
    """Every row of a list, page after page."""
    rows: list[AccountRow] = []
    page = 1
    while True:
        got = list_accounts(con, scope, page=page, page_size=500, **filters)
        rows += got.items
        if page >= got.pages:
            return rows
        page += 1


def companies_of(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> set[str]:
    """Company ids of the account records ``sql`` selects (one column of account ids)."""
    rows = con.execute(
        f"""SELECT DISTINCT x.entity_id FROM ({sql}) AS r(account_id)
            JOIN resolve.crosswalk AS x ON x.entity = 'account' AND x.record_id = r.account_id""",
        list(params),
    ).fetchall()
    return {r[0] for r in rows}


def test_one_row_per_company_after_resolution(con: duckdb.DuckDBPyConnection) -> None:
    rows = everything(con, EVERYTHING)
    [(companies,)] = con.execute(
        "SELECT count(DISTINCT entity_id) FROM resolve.crosswalk WHERE entity = 'account'"
    ).fetchall()
    assert len(rows) == len({r.account_id for r in rows}) == companies
    assert companies < con.execute("SELECT count(*) FROM accounts").fetchone()[0]


def test_a_rep_sees_exactly_the_companies_they_own_or_sell_to(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    for rep in (planted.rep, planted.other_rep):
        seen = {r.account_id for r in everything(con, RowScope("owner", frozenset({rep})))}
        expected = (
            companies_of(con, "SELECT account_id FROM accounts WHERE owner_id = ?", rep)
            | companies_of(con, "SELECT account_id FROM opportunities WHERE owner_id = ?", rep)
            | {
                r[0]
                for r in con.execute(
                    "SELECT entity_id FROM resolve.golden_accounts WHERE owner_id = ?", [rep]
                ).fetchall()
            }
        )
        assert seen == expected and seen
    # the other rep owns only the duplicate record of the planted company
    other = {
        r.account_id for r in everything(con, RowScope("owner", frozenset({planted.other_rep})))
    }
    assert planted.company_id in other


def test_a_manager_sees_every_company_of_their_reps(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    reporting = "SELECT user_id FROM users WHERE manager_id = ?"
    reps = {r[0] for r in con.execute(reporting, [planted.manager]).fetchall()}
    team = RowScope("team", frozenset(reps | {planted.manager}))
    seen = {r.account_id for r in everything(con, team)}
    for rep in reps:
        assert {r.account_id for r in everything(con, RowScope("owner", frozenset({rep})))} <= seen
    assert len(seen) < len(everything(con, EVERYTHING))


def test_partner_scope_keeps_partner_companies(con: duckdb.DuckDBPyConnection) -> None:
    rows = everything(con, RowScope("partner"))
    assert rows
    with_partner = {r.account_id for r in rows if r.partner is not None}
    via_deals = companies_of(
        con,
        "SELECT account_id FROM opportunities "
        "WHERE partner_id IS NOT NULL OR source_channel = 'partner'",
    )
    assert {r.account_id for r in rows} == with_partner | via_deals


def test_an_empty_scope_sees_nothing(con: duckdb.DuckDBPyConnection) -> None:
    assert list_accounts(con, RowScope("owner")).total == 0


def test_search_finds_by_name_and_domain_in_any_case(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    name, domain = con.execute(
        "SELECT name, domain FROM resolve.golden_accounts WHERE entity_id = ?", [planted.company_id]
    ).fetchone()
    word = name.split()[0]
    by_name = list_accounts(con, EVERYTHING, q=f"  {word.upper()} ", page_size=500)
    assert planted.company_id in {r.account_id for r in by_name.items}
    assert all(word.lower() in (r.name or "").lower() + (r.domain or "") for r in by_name.items)
    by_domain = list_accounts(con, EVERYTHING, q=domain[2:-2])
    assert planted.company_id in {r.account_id for r in by_domain.items}
    assert list_accounts(con, EVERYTHING, q="no company is called this").total == 0


def test_search_text_is_a_value_never_sql(con: duckdb.DuckDBPyConnection) -> None:
    for text in ("'; DROP TABLE accounts; --", "%", "_", "$p1"):
        assert list_accounts(con, EVERYTHING, q=text).total == 0
    assert con.execute("SELECT count(*) FROM accounts").fetchone()[0] > 0


def test_filters_match_the_golden_record(con: duckdb.DuckDBPyConnection, planted: Planted) -> None:
    rows = everything(con, EVERYTHING, segment="enterprise", region="emea")
    assert rows and all(r.segment == "enterprise" and r.region == "emea" for r in rows)
    mine = everything(con, EVERYTHING, owner_id=planted.rep)
    assert mine and all(r.owner_id == planted.rep for r in mine)
    paying = everything(con, EVERYTHING, is_customer=True)
    others = everything(con, EVERYTHING, is_customer=False)
    assert all(r.is_customer and r.arr > 0 for r in paying)
    assert not any(r.is_customer for r in others)
    assert len(paying) + len(others) == list_accounts(con, EVERYTHING).total


def test_arr_of_the_list_adds_up_to_the_arr_metric(
    con: duckdb.DuckDBPyConnection, ws: Workspace
) -> None:
    rows = everything(con, EVERYTHING, is_customer=True)
    metric = ws.metrics.compute("arr", grain="day", start=DAY, end=DAY, by=["owner"])
    by_owner: dict[str, float] = defaultdict(float)
    for row in rows:
        by_owner[row.owner or ""] += row.arr
    assert math.isclose(sum(by_owner.values()), metric.value.sum(), rel_tol=1e-9)
    for owner, value in zip(metric.owner, metric.value, strict=True):
        assert math.isclose(by_owner[owner or ""], value, rel_tol=1e-9), owner
    customers = ws.metrics.compute("paying_customers", grain="day", start=DAY, end=DAY)
    assert len(rows) == customers.value.iloc[0]


def test_sort_by_arr_puts_the_largest_first(con: duckdb.DuckDBPyConnection) -> None:
    rows = list_accounts(con, EVERYTHING, sort="-arr", page_size=20).items
    assert [r.arr for r in rows] == sorted((r.arr for r in rows), reverse=True)
    assert rows[0].arr == max(r.arr for r in everything(con, EVERYTHING, is_customer=True))


@settings(max_examples=10, deadline=None)
@given(
    sort=st.sampled_from([*SORTS, *(f"-{s}" for s in SORTS)]),
    page_size=st.integers(min_value=25, max_value=150),
)
def test_pages_concatenate_to_the_whole_sorted_list(
    ws: Workspace, planted: Planted, sort: str, page_size: int
) -> None:
    con = ws.con.con.cursor()
    scope = RowScope("owner", frozenset({planted.rep}))
    whole = list_accounts(con, scope, sort=sort, page_size=500)
    assert 0 < whole.total <= 500 and len(whole.items) == whole.total
    pieces: list[AccountRow] = []
    for number in range(1, whole.total // page_size + 2):
        page = list_accounts(con, scope, sort=sort, page=number, page_size=page_size)
        assert page.total == whole.total and page.pages == -(-whole.total // page_size)
        assert len(page.items) == max(0, min(page_size, whole.total - page.offset))
        pieces += page.items
    assert [r.account_id for r in pieces] == [r.account_id for r in whole.items]
    assert len({r.account_id for r in pieces}) == whole.total


def test_bad_requests_say_what_to_send(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(BrowseQueryError, match="page must be 1 or more"):
        list_accounts(con, EVERYTHING, page=0)
    with pytest.raises(BrowseQueryError, match="between 1 and 500"):
        list_accounts(con, EVERYTHING, page_size=501)
    with pytest.raises(BrowseQueryError, match="Did you mean `arr`"):
        list_accounts(con, EVERYTHING, sort="-ar")
    with pytest.raises(BrowseQueryError, match="unknown segment `enterprize`"):
        list_accounts(con, EVERYTHING, segment="enterprize")


def test_a_never_resolved_workspace_lists_every_account_record(
    demo_workspace: Workspace,
) -> None:
    con = demo_workspace.con.con.cursor()
    page = list_accounts(con, EVERYTHING, page_size=5, sort="-arr")
    assert page.total == con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    assert all(r.record_count == 1 and r.account_id.startswith("acc") for r in page.items)
    assert page.items[0].arr > 0


def test_an_account_added_after_resolution_is_its_own_company(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    before = {r.account_id for r in everything(con, EVERYTHING, owner_id=planted.rep)}
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO accounts (account_id, name, domain, owner_id, source, source_id, "
            "created_at, updated_at) VALUES ('acc_new', 'Zzyzx Newco', 'zzyzx.example', ?, "
            "'hubspot', 'new', TIMESTAMP '2026-06-01', TIMESTAMP '2026-06-01')",
            [planted.rep],
        )
        after = {r.account_id for r in everything(con, EVERYTHING, owner_id=planted.rep)}
        assert after == before | {"acc_new"}
        [row] = list_accounts(con, RowScope("owner", frozenset({planted.rep})), q="zzyzx").items
        assert (row.account_id, row.record_count, row.sources) == ("acc_new", 1, ["hubspot"])
        detail = account_detail(con, EVERYTHING, "acc_new")
        assert [r["account_id"] for r in detail["records"]] == ["acc_new"]
        merged = account_detail(con, EVERYTHING, planted.company_id)["records"]
        assert {r["account_id"] for r in merged} == {planted.original, planted.duplicate}
    finally:
        con.execute("ROLLBACK")
    assert list_accounts(con, EVERYTHING, q="zzyzx").total == 0

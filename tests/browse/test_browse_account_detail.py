"""One company's page and its timeline: every merged source record, scoped like the list."""

from __future__ import annotations

import duckdb
import pytest
from browse_world import Planted

from revhub.access import EVERYTHING, RowScope
from revhub.browse import BrowseQueryError, account_detail, account_timeline, list_accounts
from revhub.errors import NotFoundError


def test_detail_shows_the_golden_record_and_every_source_record(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    detail = account_detail(con, EVERYTHING, planted.company_id)
    assert detail["account"]["account_id"] == planted.company_id
    assert detail["account"]["owner_id"] == planted.rep and detail["account"]["owner"]
    records = {r["account_id"]: r for r in detail["records"]}
    assert set(records) == {planted.original, planted.duplicate}
    assert all(r["source"] and r["source_id"] and r["name"] for r in records.values())
    assert records[planted.duplicate]["owner_id"] == planted.other_rep
    for pair in detail["explanations"]:
        assert {pair["left_record_id"], pair["right_record_id"]} == set(records)
        assert pair["explanation"]


def test_a_source_record_id_opens_its_company(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    detail = account_detail(con, EVERYTHING, planted.duplicate)
    assert detail["account"]["account_id"] == planted.company_id


def test_revenue_subscriptions_and_deals_agree_with_the_list(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    detail = account_detail(con, EVERYTHING, planted.company_id)
    [row] = [
        r
        for r in list_accounts(con, EVERYTHING, q=detail["account"]["name"]).items
        if r.account_id == planted.company_id
    ]
    assert detail["revenue"]["mrr"] == pytest.approx(row.mrr)
    assert sum(s["mrr"] for s in detail["subscriptions"]) == pytest.approx(row.mrr)
    for subscription in detail["subscriptions"]:
        assert subscription["mrr"] == pytest.approx(sum(i["mrr"] for i in subscription["items"]))
    assert len(detail["open_deals"]) == row.open_deals
    assert all(d["status"] == "open" for d in detail["open_deals"])
    health = detail["health"]
    [(tickets,)] = con.execute(
        "SELECT count(*) FROM support_tickets WHERE account_id IN (?, ?)",
        [planted.original, planted.duplicate],
    ).fetchall()
    assert health["tickets"] == tickets >= 2
    assert 0 <= health["open_tickets"] <= tickets


def test_out_of_scope_reads_exactly_like_missing(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    stranger = RowScope("owner", frozenset({"usr_nobody"}))
    with pytest.raises(NotFoundError) as outside:
        account_detail(con, stranger, planted.company_id)
    with pytest.raises(NotFoundError) as missing:
        account_detail(con, EVERYTHING, "ent_acc_0000000000000000")
    assert str(outside.value) == f"account `{planted.company_id}` not found."
    assert str(missing.value) == "account `ent_acc_0000000000000000` not found."
    with pytest.raises(NotFoundError):
        account_timeline(con, stranger, planted.company_id)


def test_the_owner_of_one_record_sees_the_company_but_not_others_deals(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    scope = RowScope("owner", frozenset({planted.other_rep}))
    detail = account_detail(con, scope, planted.company_id)
    assert all(d["owner_id"] == planted.other_rep for d in detail["open_deals"])
    events = account_timeline(con, scope, planted.company_id)
    assert planted.deal_on_duplicate not in {e.record_id for e in events}
    assert planted.ticket_on_duplicate in {e.record_id for e in events}


def test_timeline_is_chronological_and_gathers_every_merged_record(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    events = account_timeline(con, EVERYTHING, planted.company_id, limit=5000)
    assert [e.at for e in events] == sorted(e.at for e in events)
    ids = {(e.record_table, e.record_id) for e in events}
    assert ("support_tickets", planted.ticket_on_original) in ids
    assert ("support_tickets", planted.ticket_on_duplicate) in ids
    assert ("invoices", planted.invoice_on_duplicate) in ids
    assert ("opportunities", planted.deal_on_duplicate) in ids
    for table, column in (("invoices", "invoice_id"), ("support_tickets", "ticket_id")):
        rows = con.execute(
            f"SELECT {column} FROM {table} WHERE account_id IN (?, ?)",
            [planted.original, planted.duplicate],
        ).fetchall()
        assert {(table, r[0]) for r in rows} <= ids
    assert {e.kind for e in events} >= {"sales", "billing", "support", "success"}
    won_or_lost = [e for e in events if e.title in ("Deal won", "Deal lost")]
    assert all(e.amount is None or e.amount >= 0 for e in won_or_lost)


def test_timeline_kinds_and_limit(con: duckdb.DuckDBPyConnection, planted: Planted) -> None:
    every = account_timeline(con, EVERYTHING, planted.company_id, limit=5000)
    support = account_timeline(con, EVERYTHING, planted.company_id, kinds={"support"})
    assert support == [e for e in every if e.kind == "support"]
    no_billing = account_timeline(
        con, EVERYTHING, planted.company_id, kinds={"marketing", "sales", "success", "support"}
    )
    assert no_billing and all(e.kind != "billing" for e in no_billing)
    latest = account_timeline(con, EVERYTHING, planted.company_id, limit=5)
    assert latest == every[-5:]
    with pytest.raises(BrowseQueryError, match="unknown timeline kind"):
        account_timeline(con, EVERYTHING, planted.company_id, kinds={"finance"})

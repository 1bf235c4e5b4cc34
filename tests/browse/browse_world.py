"""The browse tests' world: the demo company resolved and quality-checked, with one
company's activity spread over both of its source records.

The demo generator plants duplicate account records but hangs nothing on them. To see
that a company's pages gather every merged record, one two-record company (``Planted``)
gets a ticket, an invoice (with its payments) and a deal moved from its original record
to its duplicate, and the duplicate gets another rep as owner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

AS_OF = dt.date(2026, 7, 1)
DAY = AS_OF - dt.timedelta(days=1)


@dataclass(frozen=True)
class Planted:
    """The company whose activity sits on both its records, and who is who around it."""

    company_id: str
    original: str  # account record keeping most of the activity
    duplicate: str  # account record given a ticket, an invoice and a deal
    ticket_on_original: str
    ticket_on_duplicate: str
    invoice_on_duplicate: str
    deal_on_duplicate: str
    rep: str  # the company's golden owner
    other_rep: str  # owns only the duplicate record, under another manager
    manager: str  # the rep's manager


def _one(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> str:
    row = con.execute(sql, list(params)).fetchone()
    assert row is not None, sql
    return str(row[0])


def plant(con: duckdb.DuckDBPyConnection) -> Planted:
    company, records = con.execute("""
        WITH clusters AS (
            SELECT entity_id, list(record_id ORDER BY record_id) AS ids
            FROM resolve.crosswalk WHERE entity = 'account' GROUP BY entity_id
            HAVING count(*) = 2)
        SELECT entity_id, ids FROM clusters
        WHERE (SELECT count(*) FROM invoices WHERE list_contains(ids, account_id)) >= 2
          AND (SELECT count(*) FROM support_tickets WHERE list_contains(ids, account_id)) >= 2
          AND (SELECT count(*) FROM opportunities WHERE list_contains(ids, account_id)) >= 1
        ORDER BY entity_id LIMIT 1""").fetchone() or (None, None)
    assert company is not None, "the demo has no two-record company with activity"
    original = _one(
        con,
        "SELECT account_id FROM invoices WHERE list_contains(?, account_id) "
        "GROUP BY account_id ORDER BY count(*) DESC LIMIT 1",
        records,
    )
    duplicate = next(r for r in records if r != original)
    first = "SELECT {key} FROM {table} WHERE account_id = ? ORDER BY {key} LIMIT 1"
    ticket = _one(con, first.format(key="ticket_id", table="support_tickets"), original)
    invoice = _one(con, first.format(key="invoice_id", table="invoices"), original)
    deal = _one(con, first.format(key="opportunity_id", table="opportunities"), original)
    con.execute(
        "UPDATE support_tickets SET account_id = ? WHERE ticket_id = ?", [duplicate, ticket]
    )
    con.execute("UPDATE invoices SET account_id = ? WHERE invoice_id = ?", [duplicate, invoice])
    con.execute("UPDATE payments SET account_id = ? WHERE invoice_id = ?", [duplicate, invoice])
    con.execute(
        "UPDATE opportunities SET account_id = ? WHERE opportunity_id = ?", [duplicate, deal]
    )
    rep = _one(con, "SELECT owner_id FROM resolve.golden_accounts WHERE entity_id = ?", company)
    manager = _one(con, "SELECT manager_id FROM users WHERE user_id = ?", rep)
    other_rep = _one(
        con,
        """SELECT u.user_id FROM users AS u WHERE u.role = 'ae' AND u.manager_id <> ?
           AND EXISTS (SELECT 1 FROM opportunities AS o WHERE o.owner_id = u.user_id)
           ORDER BY u.user_id LIMIT 1""",
        manager,
    )
    con.execute("UPDATE accounts SET owner_id = ? WHERE account_id = ?", [other_rep, duplicate])
    kept = _one(con, first.format(key="ticket_id", table="support_tickets"), original)
    return Planted(
        company, original, duplicate, kept, ticket, invoice, deal, rep, other_rep, manager
    )

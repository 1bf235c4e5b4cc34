"""Deterministic rules: which pairs they link outright, and which they leave to the model."""

from __future__ import annotations

import duckdb
import pytest

from revhub.resolve import links
from revhub.resolve.normalise import install


def linked(con: duckdb.DuckDBPyConnection, entity: str) -> set[tuple[str, str, str]]:
    links.build(con, entity, records="recs", out="edges")  # type: ignore[arg-type]
    rows = con.execute(
        "SELECT l.record_id, r.record_id, e.matched_by FROM edges AS e "
        "JOIN recs AS l ON l.rid = e.rid_l JOIN recs AS r ON r.rid = e.rid_r"
    ).fetchall()
    return {(min(a, b), max(a, b), how) for a, b, how in rows}


@pytest.fixture
def accounts() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    install(con)
    con.execute("""
        CREATE TEMP TABLE recs AS
        SELECT row_number() OVER () AS rid, 'accounts' AS record_table, id AS record_id,
               rh_company(name) AS name_key, rh_company_domain(domain) AS domain_key,
               rh_phone(phone, 'US') AS phone_key
        FROM (VALUES
            ('a1', 'Acme Inc.', 'acme.com', '+1 617 555 0100'),
            ('a2', 'ACME', 'https://www.acme.com/', '6175550100'),
            ('a3', 'Acme Corp', 'acme.com', NULL),
            ('a4', 'Globex', 'acme.com', NULL),
            ('a5', 'Acme', 'acme.com', '+1 212 555 0199'),
            ('b1', 'Bob''s Bakery', 'gmail.com', NULL),
            ('b2', 'Carol''s Cafe', 'gmail.com', NULL)
        ) AS t(id, name, domain, phone)""")
    return con


def test_same_domain_links_accounts_unless_names_or_phones_disagree(
    accounts: duckdb.DuckDBPyConnection,
) -> None:
    assert linked(accounts, "account") == {
        ("a1", "a2", "domain"),
        ("a1", "a3", "domain"),
        ("a2", "a3", "domain"),
        ("a3", "a5", "domain"),  # a5's phone differs from a1's and a2's, not a3's (none)
    }  # a1-a5 and a2-a5 (phones differ), a4 (another name), the Gmail shops: the model's


def test_a_key_shared_by_too_many_records_identifies_nothing(
    accounts: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(links, "MAX_KEY_RECORDS", 4)
    assert linked(accounts, "account") == set()


@pytest.fixture
def people(planted_template: object) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    install(con)
    con.execute("""
        CREATE TEMP TABLE recs AS
        SELECT row_number() OVER () AS rid, tbl AS record_table, id AS record_id,
               rh_email(email, true) AS email_key,
               CASE WHEN rh_company_domain(email) IS NOT NULL THEN rh_email(email, true) END
                   AS work_email,
               rh_first_name(first) AS first_key, rh_name(last) AS last_key
        FROM (VALUES
            ('contacts', 'c1', 'Robert', 'Smith', 'robert.smith@globex.com'),
            ('contacts', 'c2', 'Bob', 'SMITH', 'Robert.Smith+crm@globex.com'),
            ('contacts', 'c3', 'Richard', 'King', 'richard@initech.co.uk'),
            ('contacts', 'c4', 'Richard', 'Hernández', 'richard@initech.co.uk'),
            ('leads', 'l1', 'Olivia', 'Jackson', 'olivia@gmail.com'),
            ('leads', 'l2', 'Olivia', 'Jackson', 'olivia@gmail.com')
        ) AS t(tbl, id, first, last, email)""")
    con.execute("CREATE TABLE leads (lead_id VARCHAR, converted_contact_id VARCHAR)")
    con.execute("INSERT INTO leads VALUES ('l1', 'c3')")
    con.execute("CREATE TABLE contacts (contact_id VARCHAR, converted_from_lead_id VARCHAR)")
    con.execute("INSERT INTO contacts VALUES ('c4', 'l2')")
    return con


def test_same_work_email_and_name_link_people(people: duckdb.DuckDBPyConnection) -> None:
    assert linked(people, "person") == {
        ("c1", "c2", "email"),  # Bob is Robert; +tags and case do not matter
        ("c3", "l1", "converted"),  # lead l1 became contact c3
        ("c4", "l2", "converted"),  # contact c4 came from lead l2
    }  # a shared mailbox (c3, c4) and a Gmail address (l1, l2) are left to the model

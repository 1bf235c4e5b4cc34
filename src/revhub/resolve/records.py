"""Source records in a comparable shape: one row per record, fields normalised.

``rh_account_records`` holds every row of ``accounts``; ``rh_person_records`` every row
of ``contacts`` and ``leads``. Each record gets a run-local integer ``rid`` (ordered by
table and key, so the same data gives the same numbers), keeps its lineage (source,
created_at, updated_at) and gains the ``*_key`` columns rules and models compare. Both are
TEMP tables on the workspace connection.

>>> import tempfile, revhub
>>> with revhub.init(tempfile.mkdtemp()) as ws:
...     build(ws.con.con, canonical_email=True)
...     ws.con.con.sql("SELECT count(*) FROM rh_person_records").fetchone()
(0,)
"""

from __future__ import annotations

import duckdb

from revhub.resolve import normalise

ACCOUNTS = "rh_account_records"
PEOPLE = "rh_person_records"

_LINEAGE = "source, created_at, updated_at"


def _account_sql() -> str:
    return f"""
    CREATE OR REPLACE TEMP TABLE {ACCOUNTS} AS
    SELECT
        row_number() OVER (ORDER BY account_id) AS rid,
        'accounts' AS record_table,
        account_id AS record_id,
        {_LINEAGE},
        rh_company(name) AS name_key,
        left(rh_company(name), 10) AS name_start,
        left(rh_company(name), 3) || substr(rh_company(name), strpos(rh_company(name), ' '))
            AS name_end,
        domain_key,
        rh_domain_stem(domain_key) AS domain_stem,
        NOT starts_with(domain_key, rh_domain_stem(domain_key) || '.') AS domain_sub,
        rh_phone(phone, country_key) AS phone_key,
        nullif(rh_words(city), '') AS city_key,
        country_key
    FROM (
        SELECT *, rh_company_domain(domain) AS domain_key, rh_country(country) AS country_key
        FROM accounts
    )"""


def _person_sql(canonical_email: bool) -> str:
    canonical = "true" if canonical_email else "false"
    return f"""
    CREATE OR REPLACE TEMP TABLE {PEOPLE} AS
    SELECT
        row_number() OVER (ORDER BY record_table, record_id) AS rid,
        record_table,
        record_id,
        {_LINEAGE},
        email_key,
        CASE WHEN rh_company_domain(email_key) IS NOT NULL THEN email_key END AS work_email,
        split_part(email_key, '@', 1) AS email_local,
        rh_company_domain(email_key) AS email_domain,
        rh_first_name(first_name) AS first_key,
        rh_name(last_name) AS last_key,
        rh_phone(phone, country_key) AS phone_key,
        country_key,
        company_key,
        account_record_id
    FROM (
        SELECT 'contacts' AS record_table, contact_id AS record_id, {_LINEAGE},
               first_name, last_name, phone, rh_country(country) AS country_key,
               rh_email(email, {canonical}) AS email_key,
               NULL::VARCHAR AS company_key, account_id AS account_record_id
        FROM contacts
        UNION ALL
        SELECT 'leads', lead_id, {_LINEAGE},
               first_name, last_name, phone, rh_country(country),
               rh_email(email, {canonical}),
               rh_company(company), converted_account_id
        FROM leads
    )"""


def build(con: duckdb.DuckDBPyConnection, *, canonical_email: bool) -> None:
    """Create (or replace) the normalised account and person record tables."""
    normalise.install(con)
    con.execute(_account_sql())
    con.execute(_person_sql(canonical_email))


def with_account_entities(
    con: duckdb.DuckDBPyConnection, *, crosswalk: str, lead_accounts: str
) -> None:
    """Add ``account_entity`` to the person records: the contact's account entity (through
    this run's account crosswalk) or, for a lead, the account it was matched to."""
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE {PEOPLE} AS
    SELECT p.*, coalesce(x.entity_id, la.account_entity_id) AS account_entity
    FROM {PEOPLE} AS p
    LEFT JOIN (SELECT record_id, entity_id FROM {crosswalk} WHERE entity = 'account') AS x
           ON x.record_id = CASE WHEN p.record_table = 'contacts' THEN p.account_record_id END
    LEFT JOIN {lead_accounts} AS la
           ON la.lead_id = CASE WHEN p.record_table = 'leads' THEN p.record_id END
    """)

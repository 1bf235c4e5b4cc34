"""Which account entity a lead belongs to.

A lead names its company only in free text, so it is matched to an account by the first
of these that points at exactly one account entity:

==================  =====  ===========================================================
method              score  evidence
==================  =====  ===========================================================
``converted``       1.00   the lead was converted into that account
``email_domain``    0.95   the lead's email domain is the account's web domain
``company_name``    0.90   the normalised company name equals the account's
``company_brand``   0.70   the company is one word, the account name's first word, and
                           the countries do not disagree
==================  =====  ===========================================================

Free-mail domains never count. A lead matched by nothing gets no row.

>>> [method for method, _, _ in METHODS]
['converted', 'email_domain', 'company_name', 'company_brand']
"""

from __future__ import annotations

import duckdb

from revhub.resolve.records import ACCOUNTS, PEOPLE

# (method, score, SQL of candidate (lead_id, entity_id) pairs)
METHODS: tuple[tuple[str, float, str], ...] = (
    (
        "converted",
        1.0,
        """SELECT p.record_id AS lead_id, x.entity_id FROM leads_ AS p
           JOIN accounts_ AS x ON x.record_id = p.account_record_id""",
    ),
    (
        "email_domain",
        0.95,
        """SELECT p.record_id, a.entity_id FROM leads_ AS p
           JOIN accounts_ AS a ON a.domain_key = p.email_domain""",
    ),
    (
        "company_name",
        0.9,
        """SELECT p.record_id, a.entity_id FROM leads_ AS p
           JOIN accounts_ AS a ON a.name_key = p.company_key""",
    ),
    (
        "company_brand",
        0.7,
        """SELECT p.record_id, a.entity_id FROM leads_ AS p
           JOIN accounts_ AS a ON split_part(a.name_key, ' ', 1) = p.company_key
           WHERE NOT contains(p.company_key, ' ')
             AND (a.country_key IS NULL OR p.country_key IS NULL
                  OR a.country_key = p.country_key)""",
    ),
)


def match(con: duckdb.DuckDBPyConnection, *, crosswalk: str, out: str) -> None:
    """``out(lead_id, account_entity_id, method, score)``, one row per matched lead."""
    candidates = " UNION ALL ".join(
        f"SELECT lead_id, entity_id, '{method}' AS method, {score}::DOUBLE AS score, "
        f"{rank} AS rank FROM ({sql}) AS m(lead_id, entity_id)"
        for rank, (method, score, sql) in enumerate(METHODS)
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH leads_ AS (SELECT * FROM {PEOPLE} WHERE record_table = 'leads'),
        accounts_ AS (
            SELECT a.*, x.entity_id FROM {ACCOUNTS} AS a
            JOIN {crosswalk} AS x
              ON x.entity = 'account' AND x.record_table = a.record_table
             AND x.record_id = a.record_id
        ),
        candidates AS ({candidates}),
        unique_ AS (
            SELECT lead_id, rank, any_value(entity_id) AS entity_id,
                   any_value(method) AS method, any_value(score) AS score
            FROM candidates GROUP BY lead_id, rank
            HAVING count(DISTINCT entity_id) = 1
        )
        SELECT lead_id, entity_id AS account_entity_id, method, score FROM unique_
        QUALIFY row_number() OVER (PARTITION BY lead_id ORDER BY rank) = 1""")

"""Golden records: one row per entity, each field taken from the record that survives.

Which record's value survives is configured per field (``ResolveSettings``):
``most_trusted`` (the source earliest in ``trust_order``; then newest), ``most_recent``
(latest ``updated_at``; then most trusted) or ``most_complete`` (longest value; then most
trusted, newest). Only usable values compete: a placeholder name, malformed email or
garbage phone never wins over a real one. Emails, domains, phones and countries come out
normalised; names and other text as the winning record wrote them.

Relationships are kept, not chosen away: a golden person carries the account entity that
survived *and* every account entity its records point at (``account_entity_ids``).

>>> print(survivor_sql("city", "most_recent"))
arg_min(city, (-epoch_us(updated_at), trust_rank, record_table, record_id)) FILTER (WHERE city IS NOT NULL) AS city
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from revhub.model.regions import region_sql
from revhub.resolve.records import ACCOUNTS, PEOPLE

# Field → SQL of its usable value, over a record ``r`` and its canonical row ``s``.
ACCOUNT_FIELDS: dict[str, str] = {
    "name": "CASE WHEN r.name_key IS NOT NULL THEN trim(s.name) END",
    "domain": "r.domain_key",
    "country": "r.country_key",
    "city": "CASE WHEN r.city_key IS NOT NULL THEN trim(s.city) END",
    "phone": "'+' || r.phone_key",
    "industry": "nullif(trim(s.industry), '')",
    "employees": "s.employees",
    "annual_revenue": "s.annual_revenue",
    "owner_id": "s.owner_id",
    "lifecycle_stage": "s.lifecycle_stage",
    "segment": "s.segment",
    # a record without a region gets its country's (HubSpot, Stripe and Zendesk keep none)
    "region": f"coalesce(s.region, {region_sql('r.country_key')})",
    "csm_id": "s.csm_id",
    "partner_id": "s.partner_id",
    "territory_id": "s.territory_id",
}
PERSON_FIELDS: dict[str, str] = {
    "first_name": "CASE WHEN r.first_key IS NOT NULL THEN trim(s.first_name) END",
    "last_name": "CASE WHEN r.last_key IS NOT NULL THEN trim(s.last_name) END",
    "email": "r.email_key",
    "phone": "'+' || r.phone_key",
    "title": "nullif(trim(s.title), '')",
    "country": "r.country_key",
    "account_entity_id": "r.account_entity",
}
_PERSON_ROWS = """
    SELECT 'contacts' AS record_table, contact_id AS record_id, first_name, last_name, title
    FROM contacts
    UNION ALL
    SELECT 'leads', lead_id, first_name, last_name, title FROM leads"""

_ORDER = {
    "most_trusted": "trust_rank, -epoch_us(updated_at)",
    "most_recent": "-epoch_us(updated_at), trust_rank",
    "most_complete": "-length(CAST({v} AS VARCHAR)), trust_rank, -epoch_us(updated_at)",
}


def survivor_sql(field: str, rule: str) -> str:
    """SQL aggregate picking ``field``'s surviving value by ``rule``."""
    order = _ORDER[rule].format(v=field) + ", record_table, record_id"
    return f"arg_min({field}, ({order})) FILTER (WHERE {field} IS NOT NULL) AS {field}"


def _trust_rank(trust_order: Sequence[str]) -> str:
    listed = "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in trust_order) + "]"
    return f"coalesce(nullif(list_position({listed}, r.source), 0), {len(trust_order) + 1})"


def _values(fields: Mapping[str, str], trust_order: Sequence[str]) -> str:
    values = ", ".join(f"{sql} AS {name}" for name, sql in fields.items())
    return (
        f"x.entity_id, r.record_table, r.record_id, r.source, r.created_at, "
        f"coalesce(r.updated_at, r.created_at, TIMESTAMP '1970-01-01') AS updated_at, "
        f"{_trust_rank(trust_order)} AS trust_rank, {values}"
    )


def build_accounts(
    con: duckdb.DuckDBPyConnection,
    *,
    crosswalk: str,
    rules: Mapping[str, str],
    trust_order: Sequence[str],
    out: str,
) -> None:
    """``out``: the golden account of every account entity."""
    rows = f"{ACCOUNTS} AS r JOIN accounts AS s ON s.account_id = r.record_id"
    _build(con, "account", rows, ACCOUNT_FIELDS, (), crosswalk, rules, trust_order, out)


def build_people(
    con: duckdb.DuckDBPyConnection,
    *,
    crosswalk: str,
    rules: Mapping[str, str],
    trust_order: Sequence[str],
    out: str,
) -> None:
    """``out``: the golden person of every person entity."""
    rows = f"{PEOPLE} AS r JOIN ({_PERSON_ROWS}) AS s USING (record_table, record_id)"
    extra = (
        "list_sort(list_distinct(list(account_entity_id))) AS account_entity_ids",
        "count(*) FILTER (WHERE record_table = 'contacts') AS contact_count",
        "count(*) FILTER (WHERE record_table = 'leads') AS lead_count",
    )
    _build(con, "person", rows, PERSON_FIELDS, extra, crosswalk, rules, trust_order, out)


def _build(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    rows: str,
    fields: Mapping[str, str],
    extra: Sequence[str],
    crosswalk: str,
    rules: Mapping[str, str],
    trust_order: Sequence[str],
    out: str,
) -> None:
    """One golden record per ``entity`` entity: the surviving value of each field (by
    ``rules``) over the entity's ``rows``, plus counts, sources and ``extra`` aggregates."""
    survivors = ", ".join(survivor_sql(f, rules[f]) for f in fields)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH v AS (
            SELECT {_values(fields, trust_order)}
            FROM {rows}
            JOIN {crosswalk} AS x ON x.entity = '{entity}' AND x.record_table = r.record_table
                                 AND x.record_id = r.record_id
        )
        SELECT entity_id, {survivors}, {"".join(f"{e}, " for e in extra)}
               count(*) AS record_count,
               list_sort(list_distinct(list(source))) AS sources,
               min(created_at) AS first_created_at, max(updated_at) AS last_updated_at
        FROM v GROUP BY entity_id""")

"""Place references that a source can give only by what it knows of the other record.

Systems name people they do not own in their own terms, so two conventions let a
connector hand over a reference it cannot key itself; ingestion turns them into keys
before validation, against the parents already merged in the same run:

- **a user by email** (``email:<address>`` in any column referencing ``users``): HubSpot
  knows an owner as a login with an email, not as the CRM's user. The reference becomes
  the ``user_id`` of the one user with that email (any case); with none, or several, it
  stays as it was, and the data-quality integrity check names it.
- **a person, lead or contact** (tables with both ``lead_id`` and ``contact_id``): a web
  analytics id says who a visitor is, not whether the CRM holds them as a lead or as a
  contact. A ``contact_id`` naming no contact but a lead moves to ``lead_id``, and the
  other way round.

Both run on the staged rows before they are compared with what is stored, so a re-run of
the same input still changes nothing.

>>> USER_BY_EMAIL
'email:'
"""

from __future__ import annotations

import duckdb

from revhub.ingest.reading import quote
from revhub.model.schema import Table

USER_BY_EMAIL = "email:"
_PERSON_TABLES = {"lead_id": "leads", "contact_id": "contacts"}


def place_references(con: duckdb.DuckDBPyConnection, work: str, table: Table) -> None:
    """Rewrite the conventional references of the staged rows in ``work`` (see above)."""
    for column in table.columns:
        if column.references == "users.user_id":
            _users_by_email(con, work, column.name)
    names = set(table.column_names)
    if set(_PERSON_TABLES) <= names and table.name not in _PERSON_TABLES.values():
        _move_person(con, work, "contact_id", "lead_id")
        _move_person(con, work, "lead_id", "contact_id")


def _users_by_email(con: duckdb.DuckDBPyConnection, work: str, column: str) -> None:
    name = quote(column)
    con.execute(
        f"UPDATE {work} SET {name} = u.user_id FROM ("
        f"SELECT '{USER_BY_EMAIL}' || lower(email) AS reference, any_value(user_id) AS user_id "
        "FROM main.users WHERE email IS NOT NULL GROUP BY 1 HAVING count(*) = 1) u "
        f"WHERE {work}.{name} = u.reference"
    )


def _move_person(con: duckdb.DuckDBPyConnection, work: str, given: str, other: str) -> None:
    given_table, other_table = _PERSON_TABLES[given], _PERSON_TABLES[other]
    con.execute(
        f"UPDATE {work} SET {other} = {given}, {given} = NULL "
        f"WHERE {other} IS NULL AND {given} IS NOT NULL "
        f"AND {given} NOT IN (SELECT {given} FROM main.{given_table}) "
        f"AND {given} IN (SELECT {other} FROM main.{other_table})"
    )

"""Companies as browse pages show them, and which of them (and of their deals) a scope sees.

A **company** is one golden account of identity resolution: after ``ws.resolve()`` the
``resolve.crosswalk`` maps every account record (``accounts.account_id``) to its company
id and ``resolve.golden_accounts`` holds the company's surviving values. Account records
added after the last resolve, and every record of a workspace never resolved, are their
own company (the same rule as ``revhub.metrics.frame.Frame.to_company``).

Every query starts with two common table expressions from ``Identity.ctes()``:
``company_of(account_id, company_id)`` for the mapped account records and ``companies``
(one row per company: ``company_id``, the golden fields, ``record_count``, ``sources``).
A row of any table is mapped to its company with ``coalesce(m.company_id,
t.account_id)`` after ``LEFT JOIN company_of AS m``.

**Row scope** (``revhub.access.RowScope``):

- ``owner`` / ``team``: companies whose golden owner, or one of whose account records'
  owner, is in ``user_ids``, or that have a deal (on any of their records) owned by one
  of them; deals whose owner is in ``user_ids``;
- ``partner``: companies with a partner, or with a partner deal; deals with a partner,
  sourced through the partner channel, or on a company with a partner;
- ``all``: everything.

So every deal a scope sees lies on a company it sees.

>>> Identity(resolved=False).company_of_sql()
'SELECT account_id, account_id AS company_id FROM accounts'
>>> among("c.company_id", "$p1")
'c.company_id IN (SELECT unnest($p1))'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from revhub.access import RowScope
from revhub.browse.query import Query, fetch_one, table_exists
from revhub.errors import NotFoundError

GOLDEN_FIELDS = (
    "name",
    "domain",
    "industry",
    "employees",
    "annual_revenue",
    "segment",
    "region",
    "country",
    "city",
    "phone",
    "owner_id",
    "csm_id",
    "partner_id",
    "territory_id",
    "lifecycle_stage",
)
_FIELDS = ", ".join(GOLDEN_FIELDS)
_ALIASED = ", ".join(f"a.{f}" for f in GOLDEN_FIELDS)
_CROSSWALK = (
    "SELECT record_id, entity_id FROM resolve.crosswalk "
    "WHERE entity = 'account' AND record_table = 'accounts'"
)
PARTNER_DEAL = "(o.partner_id IS NOT NULL OR o.source_channel = 'partner')"


def among(column: str, ids: str) -> str:
    """SQL keeping rows whose ``column`` is in the SQL list ``ids`` (a semi-join, fast on
    big tables)."""
    return f"{column} IN (SELECT unnest({ids}))"


@dataclass(frozen=True)
class Identity:
    """Whether the workspace was resolved, and the SQL that maps records to companies.
    ``complete``: every account record is in the crosswalk, so the golden accounts are
    all the companies (the usual case; the general SQL handles the rest, more slowly)."""

    resolved: bool
    complete: bool = False

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> Identity:
        """The identity of ``con``'s workspace: resolved when the crosswalk and golden
        accounts exist (with every golden field); complete when the account records and
        the crosswalk's hold the same ids (same count, xor and sum of hashes)."""
        if not (
            table_exists(con, "resolve", "crosswalk")
            and table_exists(con, "resolve", "golden_accounts")
        ):
            return cls(resolved=False)
        row = con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'resolve' "
            "AND table_name = 'golden_accounts' AND list_contains($fields, column_name)",
            {"fields": [*GOLDEN_FIELDS, "entity_id", "record_count", "sources"]},
        ).fetchone()
        if not (row and row[0] == len(GOLDEN_FIELDS) + 3):
            return cls(resolved=False)
        digest = "count(*), bit_xor(hash({c})), sum(CAST(hash({c}) AS HUGEINT))"
        same = con.execute(
            f"SELECT (SELECT ({digest.format(c='account_id')}) FROM accounts) = "
            f"(SELECT ({digest.format(c='record_id')}) FROM ({_CROSSWALK}))"
        ).fetchone()
        return cls(resolved=True, complete=bool(same and same[0]))

    def company_of_sql(self) -> str:
        """SQL of ``(account_id, company_id)`` for the account records resolution mapped
        (every record when the workspace was never resolved)."""
        if not self.resolved:
            return "SELECT account_id, account_id AS company_id FROM accounts"
        return f"SELECT record_id AS account_id, entity_id AS company_id FROM ({_CROSSWALK})"

    def companies_sql(self) -> str:
        """SQL of one row per company: ``company_id``, the golden fields,
        ``record_count`` and ``sources`` (uses the ``company_of`` CTE)."""
        own = (
            f"SELECT a.account_id AS company_id, {_ALIASED}, 1::BIGINT AS record_count, "
            "[a.source] AS sources FROM accounts AS a"
        )
        golden = (
            f"SELECT entity_id AS company_id, {_FIELDS}, record_count, sources "
            "FROM resolve.golden_accounts"
        )
        if not self.resolved:
            return own
        if self.complete:
            return golden
        return f"{golden} UNION ALL {own} ANTI JOIN company_of AS x USING (account_id)"

    def ctes(self) -> str:
        """``WITH company_of AS (...), companies AS (...)``; append more with ``, x AS``."""
        return (
            f"WITH company_of AS ({self.company_of_sql()}), companies AS ({self.companies_sql()})"
        )

    def all_records_sql(self) -> str:
        """SQL of ``(account_id, company_id)`` for every account record (uses the
        ``company_of`` CTE)."""
        if not self.resolved or self.complete:
            return "SELECT account_id, company_id FROM company_of"
        return (
            "SELECT a.account_id, coalesce(m.company_id, a.account_id) AS company_id "
            "FROM accounts AS a LEFT JOIN company_of AS m ON m.account_id = a.account_id"
        )

    def records_sql(self, companies: str) -> str:
        """SQL of ``(account_id, company_id)`` for every account record of the companies
        whose ids the SQL list ``companies`` holds (uses the ``company_of`` CTE)."""
        mapped = (
            f"SELECT account_id, company_id FROM company_of WHERE {among('company_id', companies)}"
        )
        if not self.resolved or self.complete:
            return mapped
        return (
            f"{mapped} UNION ALL SELECT a.account_id, a.account_id FROM accounts AS a "
            f"ANTI JOIN company_of AS x USING (account_id) "
            f"WHERE {among('a.account_id', companies)}"
        )


def scope_companies(scope: RowScope, query: Query, company: str = "c") -> None:
    """Keep only the companies (``company`` aliases a row of ``companies``) ``scope``
    sees; see the module docstring."""
    if scope.kind == "all":
        return
    deals = (
        "SELECT coalesce(m.company_id, o.account_id) FROM opportunities AS o "
        "LEFT JOIN company_of AS m ON m.account_id = o.account_id WHERE {condition}"
    )
    if scope.kind == "partner":
        query.where(
            f"{company}.partner_id IS NOT NULL OR {company}.company_id IN "
            f"({deals.format(condition=PARTNER_DEAL)})"
        )
        return
    if scope.kind not in ("owner", "team"):
        raise ValueError(f"unknown row scope kind {scope.kind!r}")
    ids = query.bind_ids(scope.user_ids)
    owned_records = (
        "SELECT coalesce(m.company_id, a.account_id) FROM accounts AS a "
        "LEFT JOIN company_of AS m ON m.account_id = a.account_id "
        f"WHERE {among('a.owner_id', ids)}"
    )
    owned_deals = deals.format(condition=among("o.owner_id", ids))
    query.where(
        f"{among(f'{company}.owner_id', ids)} "
        f"OR {company}.company_id IN ({owned_records}) "
        f"OR {company}.company_id IN ({owned_deals})"
    )


def scope_deals(scope: RowScope, query: Query, deal: str = "o", company: str = "c") -> None:
    """Keep only the deals (``deal`` aliases an opportunity, ``company`` its company's
    row of ``companies``) ``scope`` sees; see the module docstring."""
    if scope.kind == "all":
        return
    if scope.kind == "partner":
        query.where(
            f"{deal}.partner_id IS NOT NULL OR {deal}.source_channel = 'partner' "
            f"OR {company}.partner_id IS NOT NULL"
        )
        return
    if scope.kind not in ("owner", "team"):
        raise ValueError(f"unknown row scope kind {scope.kind!r}")
    query.where(among(f"{deal}.owner_id", query.bind_ids(scope.user_ids)))


def find_company(
    con: duckdb.DuckDBPyConnection, identity: Identity, scope: RowScope, account_id: str
) -> dict[str, Any]:
    """The ``companies`` row of ``account_id`` — a company id, or the id of one of its
    account records — if ``scope`` sees it; NotFoundError otherwise (the same error
    whether it does not exist or lies outside the scope)."""
    query = Query()
    wanted = query.bind(account_id)
    query.where(
        f"c.company_id = coalesce((SELECT company_id FROM company_of WHERE account_id = "
        f"{wanted} LIMIT 1), {wanted})"
    )
    scope_companies(scope, query)
    row = fetch_one(
        con, f"{identity.ctes()} SELECT c.* FROM companies AS c{query.where_sql()}", query.params
    )
    if row is None:
        raise NotFoundError("account", account_id)
    return row

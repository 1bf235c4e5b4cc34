"""Duplicate clusters from identity resolution: the companies and people that several
source records turned out to be, and why.

A cluster is one entity of ``resolve.crosswalk`` (its id is the golden account or person
id) with its member records. ``list_clusters`` lists those with at least ``min_size``
records; ``cluster_detail`` shows the members as their sources hold them and the pairs
the model scored (``resolve.match_explanations``): ``links`` between members, and
``near_misses`` — pairs with a record of another entity, kept apart.
Before the first ``ws.resolve()`` the list is empty and every cluster is not found.

>>> import duckdb
>>> list_clusters(duckdb.connect()).total
0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from revhub.browse.pages import Page, check_choice, check_paging, empty_page
from revhub.browse.query import Query, fetch, fetch_one, table_exists
from revhub.errors import NotFoundError

ENTITIES = ("account", "person")
_GOLDEN = {"account": "resolve.golden_accounts", "person": "resolve.golden_people"}
_GOLDEN_NAME = {
    "account": "g.name",
    "person": "coalesce(nullif(trim(concat_ws(' ', g.first_name, g.last_name)), ''), g.email)",
}
# member records as their sources hold them: table → SQL of (record_id, source,
# source_id, name, detail: domain or email, created_at, updated_at)
_PERSON = (
    "SELECT {key} AS record_id, source, source_id, "
    "trim(concat_ws(' ', first_name, last_name)) AS name, email AS detail, created_at, "
    "updated_at FROM {table} WHERE {key} IN (SELECT unnest($ids))"
)
_MEMBERS = {
    "accounts": "SELECT account_id AS record_id, source, source_id, name, domain AS detail, "
    "created_at, updated_at FROM accounts WHERE account_id IN (SELECT unnest($ids))",
    "contacts": _PERSON.format(key="contact_id", table="contacts"),
    "leads": _PERSON.format(key="lead_id", table="leads"),
}


@dataclass(frozen=True)
class ClusterRow:
    """One cluster: its id (the golden id), entity kind, how many records, from which
    sources, matched how, and the golden name."""

    cluster_id: str
    entity: str
    size: int
    sources: list[str]
    matched_by: list[str]
    name: str | None


def _resolved(con: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(con, "resolve", "crosswalk") and all(
        table_exists(con, "resolve", t.removeprefix("resolve.")) for t in _GOLDEN.values()
    )


def list_clusters(
    con: duckdb.DuckDBPyConnection,
    *,
    entity: str = "account",
    min_size: int = 2,
    page: int = 1,
    page_size: int = 50,
) -> Page[ClusterRow]:
    """Clusters of ``entity`` (account or person) with at least ``min_size`` records,
    largest first, then by id."""
    check_paging(page, page_size)
    check_choice("entity", entity, ENTITIES)
    if not _resolved(con):
        return empty_page(page, page_size)
    query = Query()
    kind, smallest = query.bind(entity), query.bind(max(min_size, 1))
    clusters = f"""
        SELECT x.entity_id AS cluster_id, count(*) AS size,
               list_sort(list_distinct(list(x.matched_by))) AS matched_by
        FROM resolve.crosswalk AS x WHERE x.entity = {kind}
        GROUP BY x.entity_id HAVING count(*) >= {smallest}"""
    total = fetch(con, f"SELECT count(*) AS n FROM ({clusters})", query.params)[0]["n"]
    limit, offset = query.bind(page_size), query.bind((page - 1) * page_size)
    rows = fetch(
        con,
        f"""SELECT k.cluster_id, {kind} AS entity, k.size, g.sources, k.matched_by,
                   {_GOLDEN_NAME[entity]} AS name
            FROM ({clusters}) AS k LEFT JOIN {_GOLDEN[entity]} AS g ON g.entity_id = k.cluster_id
            ORDER BY k.size DESC, k.cluster_id LIMIT {limit} OFFSET {offset}""",
        query.params,
    )
    items = [ClusterRow(**{**r, "sources": r["sources"] or []}) for r in rows]
    return Page(items, total, page, page_size)


def cluster_detail(con: duckdb.DuckDBPyConnection, cluster_id: str) -> dict[str, Any]:
    """The cluster ``cluster_id``: ``cluster_id``, ``entity``, ``golden`` (the golden
    record), ``members`` (record_table, record_id, source, source_id, name, detail — the
    domain or email —, matched_by, created_at, updated_at), ``links`` (scored pairs of
    members: left/right record, match_probability, match_weight, linked, explanation)
    and ``near_misses`` (scored pairs with a record outside, plus that record's
    ``other_cluster_id``). NotFoundError when there is no such cluster."""
    if not _resolved(con):
        raise NotFoundError("cluster", cluster_id, " Run `revhub resolve` first.")
    params = {"id": cluster_id}
    mapped = fetch(
        con,
        "SELECT entity, record_table, record_id, matched_by FROM resolve.crosswalk "
        "WHERE entity_id = $id ORDER BY record_table, record_id",
        params,
    )
    if not mapped:
        raise NotFoundError("cluster", cluster_id)
    members = []
    for table, sql in _MEMBERS.items():
        how = {m["record_id"]: m["matched_by"] for m in mapped if m["record_table"] == table}
        if how:
            for row in fetch(con, sql, {"ids": sorted(how)}):
                members.append({"record_table": table, **row, "matched_by": how[row["record_id"]]})
    members.sort(key=lambda m: (m["record_table"], m["source"], m["record_id"]))
    entity = mapped[0]["entity"]
    golden = fetch_one(con, f"SELECT * FROM {_GOLDEN[entity]} AS g WHERE g.entity_id = $id", params)
    pairs = _pairs(con, cluster_id, entity)
    return {
        "cluster_id": cluster_id,
        "entity": entity,
        "golden": golden,
        "members": members,
        "links": [
            {k: v for k, v in p.items() if k != "other_cluster_id"}
            for p in pairs
            if p["other_cluster_id"] is None
        ],
        "near_misses": [p for p in pairs if p["other_cluster_id"] is not None],
    }


def _pairs(con: duckdb.DuckDBPyConnection, cluster_id: str, entity: str) -> list[dict[str, Any]]:
    """Scored pairs touching the cluster; ``other_cluster_id`` is null inside it."""
    if not table_exists(con, "resolve", "match_explanations"):
        return []
    return fetch(
        con,
        """WITH mine AS (SELECT record_table, record_id FROM resolve.crosswalk
                         WHERE entity_id = $id)
           SELECT e.left_record_table, e.left_record_id, e.right_record_table,
                  e.right_record_id, e.match_probability, e.match_weight, e.linked,
                  e.explanation,
                  CASE WHEN lm.record_id IS NOT NULL AND rm.record_id IS NOT NULL THEN NULL
                       ELSE coalesce(lx.entity_id, rx.entity_id) END AS other_cluster_id
           FROM resolve.match_explanations AS e
           LEFT JOIN mine AS lm ON lm.record_table = e.left_record_table
                               AND lm.record_id = e.left_record_id
           LEFT JOIN mine AS rm ON rm.record_table = e.right_record_table
                               AND rm.record_id = e.right_record_id
           LEFT JOIN resolve.crosswalk AS lx ON lm.record_id IS NULL AND lx.entity = $entity
                AND lx.record_table = e.left_record_table AND lx.record_id = e.left_record_id
           LEFT JOIN resolve.crosswalk AS rx ON rm.record_id IS NULL AND rx.entity = $entity
                AND rx.record_table = e.right_record_table AND rx.record_id = e.right_record_id
           WHERE e.entity = $entity
             AND (lm.record_id IS NOT NULL OR rm.record_id IS NOT NULL)
           ORDER BY e.match_probability DESC, e.left_record_id, e.right_record_id""",
        {"id": cluster_id, "entity": entity},
    )

"""Duplicate clusters: every member's crosswalk points at the cluster, with the reasons."""

from __future__ import annotations

import duckdb
import pytest
from browse_world import Planted

from revhub.browse import cluster_detail, list_clusters
from revhub.errors import NotFoundError
from revhub.workspace import Workspace


def test_clusters_are_the_entities_with_several_records(con: duckdb.DuckDBPyConnection) -> None:
    for entity in ("account", "person"):
        [(expected,)] = con.execute(
            "SELECT count(*) FROM (SELECT entity_id FROM resolve.crosswalk WHERE entity = ? "
            "GROUP BY entity_id HAVING count(*) >= 2)",
            [entity],
        ).fetchall()
        page = list_clusters(con, entity=entity, page_size=500)
        assert page.total == expected > 0
        assert [c.size for c in page.items] == sorted((c.size for c in page.items), reverse=True)
        assert all(c.size >= 2 and c.sources and c.name for c in page.items)
    [(entities,)] = con.execute(
        "SELECT count(DISTINCT entity_id) FROM resolve.crosswalk WHERE entity = 'account'"
    ).fetchall()
    assert list_clusters(con, min_size=1).total == entities


def test_members_of_a_cluster_share_its_golden_id(con: duckdb.DuckDBPyConnection) -> None:
    for entity in ("account", "person"):
        for cluster in list_clusters(con, entity=entity, page_size=5).items:
            detail = cluster_detail(con, cluster.cluster_id)
            assert detail["entity"] == entity and len(detail["members"]) == cluster.size
            assert detail["golden"]["entity_id"] == cluster.cluster_id
            for member in detail["members"]:
                [(owner,)] = con.execute(
                    "SELECT entity_id FROM resolve.crosswalk WHERE record_table = ? "
                    "AND record_id = ?",
                    [member["record_table"], member["record_id"]],
                ).fetchall()
                assert owner == cluster.cluster_id
                assert member["source"] and member["matched_by"]
            ids = {m["record_id"] for m in detail["members"]}
            for link in detail["links"]:
                assert {link["left_record_id"], link["right_record_id"]} <= ids
            for miss in detail["near_misses"]:
                assert miss["other_cluster_id"] != cluster.cluster_id
                assert not miss["linked"] or miss["other_cluster_id"]


def test_the_planted_company_is_a_cluster_with_an_explanation(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    detail = cluster_detail(con, planted.company_id)
    assert {m["record_id"] for m in detail["members"]} == {planted.original, planted.duplicate}
    assert all(link["explanation"] for link in detail["links"])


def test_unknown_cluster_and_never_resolved(
    con: duckdb.DuckDBPyConnection, demo_workspace: Workspace
) -> None:
    with pytest.raises(NotFoundError, match="cluster `ent_acc_nope` not found"):
        cluster_detail(con, "ent_acc_nope")
    raw = demo_workspace.con.con.cursor()
    assert list_clusters(raw).total == 0
    with pytest.raises(NotFoundError, match="revhub resolve"):
        cluster_detail(raw, "ent_acc_nope")

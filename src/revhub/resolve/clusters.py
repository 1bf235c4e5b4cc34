"""Entities from links: connected components of the record graph, in SQL, with
force-split pairs kept apart.

Edges are rows ``(rid_l, rid_r, matched_by, probability)``. Components are found by
minimum-label propagation with pointer jumping, in as many passes as the graph is deep
(a handful). A component holding both records of a force-split pair is rebuilt in Python
from its own edges only, strongest first (overrides, then rules, then model matches by
probability), skipping any edge that would join the two sides; everything else never
leaves the engine.

>>> import duckdb
>>> con = duckdb.connect()
>>> _ = con.execute("CREATE TEMP TABLE n AS SELECT range AS rid FROM range(1, 6)")
>>> _ = con.execute("CREATE TEMP TABLE e AS SELECT * FROM (VALUES (1, 2, 'email', 1.0), "
...     "(2, 3, 'splink', 0.97), (4, 5, 'splink', 0.99)) t(rid_l, rid_r, matched_by, probability)")
>>> cluster(con, nodes="n", edges="e", out="c", splits=[(1, 3)])
>>> con.sql("SELECT rid, cluster, matched_by FROM c ORDER BY rid").fetchall()
[(1, 1, 'email'), (2, 1, 'email'), (3, 3, 'singleton'), (4, 4, 'splink'), (5, 4, 'splink')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa

from revhub.resolve.db import scalar
from revhub.resolve.rules import MATCHED_BY

_PRIORITY = "CASE matched_by " + " ".join(f"WHEN '{n}' THEN {i}" for i, n in enumerate(MATCHED_BY))
_NAME = "CASE priority " + " ".join(f"WHEN {i} THEN '{n}'" for i, n in enumerate(MATCHED_BY))


def components(con: duckdb.DuckDBPyConnection, edges: str, out: str) -> None:
    """``out(rid, cluster)``: each record on an edge, labelled by its component's lowest rid.

    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE e AS SELECT * FROM (VALUES (3, 4), (2, 3), (9, 8)) "
    ...     "t(rid_l, rid_r)")
    >>> components(con, "e", "c")
    >>> con.sql("SELECT * FROM c ORDER BY rid").fetchall()
    [(2, 2), (3, 2), (4, 2), (8, 8), (9, 8)]
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _rh_nbr AS
        SELECT DISTINCT a, b FROM (
            SELECT rid_l AS a, rid_r AS b FROM {edges} UNION ALL SELECT rid_r, rid_l FROM {edges}
        ) WHERE a <> b""")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT DISTINCT a AS rid, a AS cluster FROM _rh_nbr"
    )
    while True:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _rh_prop AS
            SELECT x.rid, least(x.cluster, coalesce(m.cluster, x.cluster)) AS cluster
            FROM {out} AS x
            LEFT JOIN (
                SELECT n.a AS rid, min(y.cluster) AS cluster
                FROM _rh_nbr AS n JOIN {out} AS y ON y.rid = n.b GROUP BY n.a
            ) AS m USING (rid)""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _rh_jump AS
            SELECT x.rid, least(x.cluster, y.cluster) AS cluster
            FROM _rh_prop AS x JOIN _rh_prop AS y ON y.rid = x.cluster""")
        changed = scalar(
            con,
            f"SELECT count(*) FROM _rh_jump JOIN {out} USING (rid) "
            f"WHERE _rh_jump.cluster <> {out}.cluster",
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT * FROM _rh_jump")
        if not changed:
            break
    for table in ("_rh_prop", "_rh_jump", "_rh_nbr"):
        con.execute(f"DROP TABLE {table}")


def _find(parent: dict[int, int], node: int) -> int:
    while parent.setdefault(node, node) != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def keep_apart(
    edges: Iterable[tuple[int, int]], splits: Sequence[tuple[int, int]]
) -> dict[int, int]:
    """Union records over ``edges`` (strongest first) unless that joins a split pair.

    Returns each record's part, labelled by the part's lowest rid.

    >>> keep_apart([(1, 2), (2, 3), (1, 3)], splits=[(1, 3)])
    {1: 1, 2: 1, 3: 3}
    """
    parent: dict[int, int] = {}
    for left, right in edges:
        a, b = _find(parent, left), _find(parent, right)
        if a == b:
            continue
        joins_split = any({_find(parent, x), _find(parent, y)} == {a, b} for x, y in splits)
        if not joins_split:
            parent[max(a, b)] = min(a, b)
    nodes = sorted(parent)
    roots = {node: _find(parent, node) for node in nodes}
    lowest: dict[int, int] = {}
    for node in nodes:
        lowest.setdefault(roots[node], node)
    return {node: lowest[roots[node]] for node in nodes}


def _split(
    con: duckdb.DuckDBPyConnection, edges: str, out: str, splits: list[tuple[int, int]]
) -> None:
    """Rebuild the components that hold both records of a split pair."""
    pairs = pa.table({"a": [a for a, _ in splits], "b": [b for _, b in splits]})
    con.register("_rh_splits", pairs)
    affected = con.execute(f"""
        SELECT DISTINCT ca.cluster FROM _rh_splits AS s
        JOIN {out} AS ca ON ca.rid = s.a JOIN {out} AS cb ON cb.rid = s.b
        WHERE ca.cluster = cb.cluster""").fetchall()
    con.unregister("_rh_splits")
    for (component,) in affected:
        rows = con.execute(
            f"""
            SELECT e.rid_l, e.rid_r FROM {edges} AS e JOIN {out} AS c ON c.rid = e.rid_l
            WHERE c.cluster = ? ORDER BY {_PRIORITY} END, e.probability DESC, e.rid_l, e.rid_r""",
            [component],
        ).fetchall()
        parts = keep_apart(rows, splits)
        relabel = pa.table({"rid": list(parts), "part": list(parts.values())})
        con.register("_rh_parts", relabel)
        con.execute(
            f"UPDATE {out} SET cluster = p.part FROM _rh_parts AS p WHERE {out}.rid = p.rid"
        )
        con.unregister("_rh_parts")


def cluster(
    con: duckdb.DuckDBPyConnection,
    *,
    nodes: str,
    edges: str,
    out: str,
    splits: Sequence[tuple[int, int]] = (),
) -> None:
    """``out(rid, cluster, matched_by)`` for every rid of ``nodes``.

    ``matched_by`` is the strongest kind of edge that ties the record to its cluster
    ("singleton" when nothing does).
    """
    components(con, edges, "_rh_linked")
    if splits:
        _split(con, edges, "_rh_linked", list(splits))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH kept AS (
            SELECT e.rid_l, e.rid_r, {_PRIORITY} END AS priority
            FROM {edges} AS e
            JOIN _rh_linked AS l ON l.rid = e.rid_l
            JOIN _rh_linked AS r ON r.rid = e.rid_r
            WHERE l.cluster = r.cluster
        ), strongest AS (
            SELECT rid, min(priority) AS priority FROM (
                SELECT rid_l AS rid, priority FROM kept UNION ALL SELECT rid_r, priority FROM kept
            ) GROUP BY rid
        )
        SELECT n.rid, coalesce(l.cluster, n.rid) AS cluster,
               coalesce({_NAME} END, 'singleton') AS matched_by
        FROM {nodes} AS n
        LEFT JOIN _rh_linked AS l USING (rid)
        LEFT JOIN strongest AS s USING (rid)""")
    con.execute("DROP TABLE _rh_linked")

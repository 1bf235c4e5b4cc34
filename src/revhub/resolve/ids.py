"""Stable entity ids: minted once, kept across runs for as long as the entity lives.

Each run's clusters are matched to the previous crosswalk by the records they share:

- every previous id goes to the cluster holding most of its records (so when an entity
  splits, the larger part keeps the id);
- a cluster given several previous ids (entities that merged) keeps the oldest and the
  others are retired, recording which id replaced them;
- a cluster given none gets a new id: ``ent_acc_`` / ``ent_per_`` and a hash of its first
  record (earliest created, then by key), salted with the run id should that id ever have
  been used before.

``resolve.entities`` is the register of every id minted: when, from which record, and
when and into what it was retired. All of it is SQL over TEMP tables.

>>> mint_sql("account", "r.record_table", "r.record_id")
"'ent_acc_' || left(md5('account:' || r.record_table || ':' || r.record_id), 16)"
"""

from __future__ import annotations

import datetime as dt

import duckdb

from revhub.resolve.db import SCHEMA, table_exists
from revhub.resolve.rules import Entity

PREFIX: dict[Entity, str] = {"account": "ent_acc_", "person": "ent_per_"}
REGISTER_COLUMNS = """
    entity VARCHAR, entity_id VARCHAR, first_record_table VARCHAR, first_record_id VARCHAR,
    minted_run_id VARCHAR, minted_at TIMESTAMP, retired_run_id VARCHAR, merged_into VARCHAR"""


def mint_sql(entity: Entity, table: str, record_id: str, salt: str = "") -> str:
    """SQL of the id minted for an entity whose first record is ``table``/``record_id``."""
    salted = f" || ':' || {salt}" if salt else ""
    key = f"'{entity}:' || {table} || ':' || {record_id}{salted}"
    return f"'{PREFIX[entity]}' || left(md5({key}), 16)"


def _previous(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """TEMP ``_rh_old`` (previous crosswalk) and ``_rh_register`` (ids ever minted)."""
    if table_exists(con, SCHEMA, "crosswalk"):
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _rh_old AS
            SELECT record_table, record_id, entity_id FROM {SCHEMA}.crosswalk
            WHERE entity = '{entity}'""")
    else:
        con.execute("""CREATE OR REPLACE TEMP TABLE _rh_old
            (record_table VARCHAR, record_id VARCHAR, entity_id VARCHAR)""")
    if table_exists(con, SCHEMA, "entities"):
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _rh_register AS
            SELECT * FROM {SCHEMA}.entities WHERE entity = '{entity}'""")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _rh_register ({REGISTER_COLUMNS})")


def assign(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    *,
    records: str,
    clusters: str,
    run_id: str,
    now: dt.datetime,
    out: str,
    register: str,
) -> None:
    """``out(cluster, entity_id)`` for every cluster, and the updated ``register``."""
    _previous(con, entity)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _rh_heirs AS
        WITH overlap AS (
            SELECT c.cluster, o.entity_id, count(*) AS shared
            FROM {clusters} AS c
            JOIN {records} AS r USING (rid)
            JOIN _rh_old AS o ON o.record_table = r.record_table AND o.record_id = r.record_id
            GROUP BY ALL
        )
        SELECT cluster, entity_id FROM overlap
        QUALIFY row_number() OVER (PARTITION BY entity_id ORDER BY shared DESC, cluster) = 1""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _rh_kept AS
        SELECT h.cluster, h.entity_id FROM _rh_heirs AS h
        LEFT JOIN _rh_register AS g USING (entity_id)
        QUALIFY row_number() OVER (
            PARTITION BY h.cluster ORDER BY g.minted_at NULLS LAST, h.entity_id) = 1""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _rh_new AS
        SELECT c.cluster, arg_min(r.record_table, (r.created_at, r.record_table, r.record_id))
                   AS first_table,
               arg_min(r.record_id, (r.created_at, r.record_table, r.record_id)) AS first_id
        FROM {clusters} AS c JOIN {records} AS r USING (rid)
        WHERE c.cluster NOT IN (SELECT cluster FROM _rh_kept)
        GROUP BY c.cluster""")
    plain = mint_sql(entity, "first_table", "first_id")
    salted = mint_sql(entity, "first_table", "first_id", salt=f"'{run_id}'")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _rh_minted AS
        SELECT cluster, first_table, first_id,
               CASE WHEN {plain} IN (SELECT entity_id FROM _rh_register
                                     UNION ALL SELECT entity_id FROM _rh_old)
                    THEN {salted} ELSE {plain} END AS entity_id
        FROM _rh_new""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT cluster, entity_id FROM _rh_kept
        UNION ALL SELECT cluster, entity_id FROM _rh_minted""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {register} AS
        SELECT g.entity, g.entity_id, g.first_record_table, g.first_record_id, g.minted_run_id,
               g.minted_at,
               CASE WHEN g.retired_run_id IS NULL AND k.entity_id IS NULL THEN '{run_id}'
                    ELSE g.retired_run_id END AS retired_run_id,
               CASE WHEN g.retired_run_id IS NULL AND k.entity_id IS NULL THEN heir.entity_id
                    ELSE g.merged_into END AS merged_into
        FROM _rh_register AS g
        LEFT JOIN _rh_kept AS k USING (entity_id)
        LEFT JOIN _rh_heirs AS h USING (entity_id)
        LEFT JOIN _rh_kept AS heir ON heir.cluster = h.cluster
        UNION ALL
        SELECT '{entity}', entity_id, first_table, first_id, '{run_id}', TIMESTAMP '{now}',
               NULL, NULL
        FROM _rh_minted""")
    for table in ("_rh_old", "_rh_register", "_rh_heirs", "_rh_kept", "_rh_new", "_rh_minted"):
        con.execute(f"DROP TABLE {table}")

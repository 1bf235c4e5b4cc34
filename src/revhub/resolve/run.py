"""One identity-resolution run: records → links → entities → golden records, all or nothing.

Accounts are resolved first; leads are then matched to account entities, and people are
resolved with their account entity as evidence. For each entity:

1. deterministic rules link records outright (``rules.KEY_RULES``, ``REFERENCE_RULES``);
2. the Splink model scores the blocked pairs; pairs at or above ``settings.threshold``
   link (0.95 by default: a pair needs ~20 to 1 odds to be called the same entity);
3. force-merge overrides link, force-split overrides keep apart (``overrides``);
4. connected components are the entities; ids carry over from the last run (``ids``).

Everything is computed in TEMP tables first; the ``resolve`` schema is then replaced in
one transaction, so an interrupted run leaves the previous result intact.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass
from typing import Any

import duckdb

from revhub.resolve import clusters, golden, ids, lead_accounts, links, overrides, records
from revhub.resolve.db import SCHEMA, arrow, duck, quiet, scalar, transaction
from revhub.resolve.explain import explanation_sql
from revhub.resolve.models import MODELS
from revhub.resolve.rules import ENTITIES, Entity
from revhub.resolve.settings import ResolveSettings
from revhub.resolve.splink_model import ASSUMED_RULE_RECALL, score

RECORDS: dict[Entity, str] = {"account": records.ACCOUNTS, "person": records.PEOPLE}
CROSSWALK = "rh_crosswalk"
EXPLANATIONS = "rh_explanations"
# resolve.<name> ← TEMP table holding its new contents
RESULTS = {
    "crosswalk": CROSSWALK,
    "match_explanations": EXPLANATIONS,
    "golden_accounts": "rh_golden_accounts",
    "golden_people": "rh_golden_people",
    "lead_accounts": "rh_lead_accounts",
    "entities": "rh_register",
}


@dataclass(frozen=True)
class ResolveReport:
    """What a run did: records in, entities out, per entity kind."""

    run_id: str
    started_at: dt.datetime
    finished_at: dt.datetime
    seconds: float
    records: dict[str, int]
    entities: dict[str, int]
    matched_by: dict[str, dict[str, int]]
    retired_ids: int


@dataclass(frozen=True)
class Clock:
    """When a run started: its id, wall-clock start (UTC) and a monotonic reading."""

    run_id: str
    started_at: dt.datetime
    perf: float

    @classmethod
    def start(cls) -> Clock:
        started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        run_id = started.strftime("run_%Y%m%dT%H%M%S_") + uuid.uuid4().hex[:6]
        return cls(run_id, started, time.perf_counter())


def _prior(entity: Entity, key_pairs: int, n: int) -> float:
    """Chance that two random records match, from the pairs the key rules link."""
    total = n * (n - 1) / 2
    if not key_pairs or not total:
        return MODELS[entity].prior
    return min(max(key_pairs / ASSUMED_RULE_RECALL / total, 1e-9), 0.5)


def _resolve(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    settings: ResolveSettings,
    clock: Clock,
) -> int:
    """Cluster one entity's records; add them to the crosswalk. Returns the record count."""
    model, table = MODELS[entity], RECORDS[entity]
    n = int(scalar(con, f"SELECT count(*) FROM {table}"))
    edges, scored = f"rh_edges_{entity}", f"rh_scored_{entity}"
    key_pairs = links.build(con, entity, records=table, out=edges)
    pairs = score(
        arrow(con, f"SELECT rid, {', '.join(model.columns)} FROM {table}"),
        model,
        blocking=settings.account_blocking if entity == "account" else settings.person_blocking,
        review_threshold=min(settings.review_threshold, settings.threshold),
        prior=_prior(entity, key_pairs, n),
        train=n >= settings.train_min_records,
        seed=settings.seed,
        engine={
            name: str(scalar(con, f"SELECT current_setting('{name}')"))
            for name in ("threads", "memory_limit")
        },
    )
    con.register("_rh_pairs", pairs)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {scored} AS SELECT * FROM _rh_pairs")
    con.unregister("_rh_pairs")
    active = overrides.active_pairs_sql(entity, table)
    con.execute(f"""
        INSERT INTO {edges}
        SELECT rid_l, rid_r, 'splink', match_probability FROM {scored}
        WHERE match_probability >= {settings.threshold}
        UNION ALL
        SELECT rid_a, rid_b, 'override', 1.0 FROM ({active}) WHERE kind = 'merge'""")
    splits = con.execute(f"SELECT rid_a, rid_b FROM ({active}) WHERE kind = 'split'").fetchall()
    groups, named = f"rh_clusters_{entity}", f"rh_ids_{entity}"
    clusters.cluster(con, nodes=table, edges=edges, out=groups, splits=splits)
    ids.assign(
        con, entity, records=table, clusters=groups, run_id=clock.run_id,
        now=clock.started_at, out=named, register=f"rh_register_{entity}",
    )  # fmt: skip
    run_id = clock.run_id
    con.execute(f"""
        INSERT INTO {CROSSWALK}
        SELECT '{entity}', r.record_table, r.record_id, i.entity_id, c.matched_by, '{run_id}'
        FROM {table} AS r JOIN {groups} AS c USING (rid) JOIN {named} AS i USING (cluster)""")
    con.execute(f"""
        INSERT INTO {EXPLANATIONS}
        SELECT '{entity}', l.record_table, l.record_id, r.record_table, r.record_id,
               p.match_probability, p.match_weight,
               p.match_probability >= {settings.threshold} AS linked,
               il.entity_id = ir.entity_id AS same_entity,
               {explanation_sql(model)} AS explanation, '{run_id}'
        FROM {scored} AS p
        JOIN {table} AS l ON l.rid = p.rid_l JOIN {table} AS r ON r.rid = p.rid_r
        JOIN {groups} AS cl ON cl.rid = p.rid_l JOIN {groups} AS cr ON cr.rid = p.rid_r
        JOIN {named} AS il ON il.cluster = cl.cluster JOIN {named} AS ir ON ir.cluster = cr.cluster
        WHERE p.match_probability >= {settings.review_threshold}""")
    return n


def _create_outputs(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {CROSSWALK} (
        entity VARCHAR, record_table VARCHAR, record_id VARCHAR, entity_id VARCHAR,
        matched_by VARCHAR, run_id VARCHAR)""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {EXPLANATIONS} (
        entity VARCHAR, left_record_table VARCHAR, left_record_id VARCHAR,
        right_record_table VARCHAR, right_record_id VARCHAR, match_probability DOUBLE,
        match_weight DOUBLE, linked BOOLEAN, same_entity BOOLEAN, explanation VARCHAR,
        run_id VARCHAR)""")


def _write(
    con: duckdb.DuckDBPyConnection, settings: ResolveSettings, clock: Clock, counts: dict[str, int]
) -> ResolveReport:
    """Replace the ``resolve`` tables with this run's and log the run (call in a transaction)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    for name, temp in RESULTS.items():
        con.execute(f"CREATE OR REPLACE TABLE {SCHEMA}.{name} AS SELECT * FROM {temp}")
    overrides.ensure_table(con)
    con.execute(f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.runs (
        run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP,
        records BIGINT, entities BIGINT, seconds DOUBLE, account_records BIGINT,
        person_records BIGINT, account_entities BIGINT, person_entities BIGINT,
        retired_ids BIGINT, threshold DOUBLE)""")
    report = _report(con, clock, counts)
    con.execute(
        f"INSERT INTO {SCHEMA}.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.run_id, report.started_at, report.finished_at, sum(report.records.values()),
            sum(report.entities.values()), report.seconds, report.records["account"],
            report.records["person"], report.entities["account"], report.entities["person"],
            report.retired_ids, settings.threshold,
        ],
    )  # fmt: skip
    return report


def _drop_work_tables(con: duckdb.DuckDBPyConnection) -> None:
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary "
        "AND regexp_matches(table_name, '^_?rh_')"
    ).fetchall()
    for (name,) in names:
        con.execute(f"DROP TABLE IF EXISTS temp.main.{name}")


def resolve(con: Any, settings: ResolveSettings | None = None) -> ResolveReport:
    """Resolve accounts and people into entities; write the ``resolve`` schema.

    ``con`` is the workspace's connection (``ws.con``) or its raw DuckDB connection.

    >>> import tempfile, revhub
    >>> with revhub.init(tempfile.mkdtemp()) as ws:
    ...     report = resolve(ws.con, ResolveSettings(threshold=0.99))
    ...     report.records, report.entities
    ({'account': 0, 'person': 0}, {'account': 0, 'person': 0})
    """
    settings = settings or ResolveSettings()
    raw = duck(con)
    clock = Clock.start()
    counts: dict[str, int] = {}  # records per entity
    with quiet(raw):
        try:
            overrides.ensure_table(raw)
            records.build(raw, canonical_email=settings.canonical_email)
            _create_outputs(raw)
            counts["account"] = _resolve(raw, "account", settings, clock)
            lead_accounts.match(raw, crosswalk=CROSSWALK, out="rh_lead_accounts")
            records.with_account_entities(
                raw, crosswalk=CROSSWALK, lead_accounts="rh_lead_accounts"
            )
            counts["person"] = _resolve(raw, "person", settings, clock)
            raw.execute(
                "CREATE OR REPLACE TEMP TABLE rh_register AS "
                "SELECT * FROM rh_register_account UNION ALL SELECT * FROM rh_register_person"
            )
            golden.build_accounts(
                raw, crosswalk=CROSSWALK, rules=settings.account_survivorship,
                trust_order=settings.trust_order, out="rh_golden_accounts",
            )  # fmt: skip
            golden.build_people(
                raw, crosswalk=CROSSWALK, rules=settings.person_survivorship,
                trust_order=settings.trust_order, out="rh_golden_people",
            )  # fmt: skip
            with transaction(raw):
                return _write(raw, settings, clock, counts)
        finally:
            _drop_work_tables(raw)


def _report(con: duckdb.DuckDBPyConnection, clock: Clock, counts: dict[str, int]) -> ResolveReport:
    entities: dict[str, int] = dict.fromkeys(ENTITIES, 0)
    for entity, n in con.execute(
        f"SELECT entity, count(DISTINCT entity_id) FROM {CROSSWALK} GROUP BY entity"
    ).fetchall():
        entities[entity] = n
    matched_by: dict[str, dict[str, int]] = {e: {} for e in ENTITIES}
    for entity, how, n in con.execute(
        f"SELECT entity, matched_by, count(*) FROM {CROSSWALK} GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        matched_by[entity][how] = n
    retired = int(
        scalar(con, f"SELECT count(*) FROM rh_register WHERE retired_run_id = '{clock.run_id}'")
    )
    seconds = time.perf_counter() - clock.perf
    finished = clock.started_at + dt.timedelta(seconds=seconds)
    return ResolveReport(
        clock.run_id, clock.started_at, finished, seconds, counts, entities, matched_by, retired
    )

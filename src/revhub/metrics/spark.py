"""Metrics on Spark: a session opened from ``[engine]`` settings, and the workspace's tables
as Spark sees them.

The metric definitions are pure Ibis, so the same ``Frame`` builds them over Spark
tables instead of DuckDB ones: ``SparkTables.table`` is the frame's table source and
``SparkTables.sql`` its SQL hook for custom metrics. The tables live either

- in a directory of Parquet files written by ``revhub export`` (local, HDFS, S3, ...):
  ``<table>.parquet``, ``resolve/<table>.parquet`` and ``export.json``, the list of what
  was exported; or
- in a catalog database: canonical tables under their own names, resolution outputs as
  ``resolve_crosswalk``, ``resolve_golden_accounts`` and ``resolve_golden_people``.

Custom metrics are written in DuckDB's SQL; ``SparkTables.sql`` translates them with
sqlglot and points their table names at the Spark tables.

>>> spark_sql_of("SELECT date_trunc('month', start_date) AS m FROM subscriptions",
...              {"subscriptions": "revhub.subscriptions"}.get)
"SELECT DATE_TRUNC('MONTH', start_date) AS m FROM revhub.subscriptions AS subscriptions"
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ibis
import sqlglot
from sqlglot import expressions as exp

from revhub.config import EngineSettings, Settings
from revhub.errors import ConfigError
from revhub.export import EXPORT_MANIFEST, RESOLVE_SCHEMA, RESOLVE_TABLES
from revhub.model import SCHEMA_VERSION, TABLES

# Applied before the user's spark_conf (which wins). The console progress bar would
# garble the CLI's output, as DuckDB's does.
DEFAULT_CONF = {"spark.sql.session.timeZone": "UTC", "spark.ui.showConsoleProgress": "false"}
_CANONICAL = frozenset(t.name for t in TABLES)
# One session and one set of tables per process and (master, conf, location).
_OPENED: dict[tuple[str, tuple[tuple[str, str], ...], str], SparkTables] = {}
_OPENING = threading.Lock()


class SparkTables:
    """The canonical and resolution tables in a Spark session; see the module docstring.

    Build one with ``from_directory`` or ``from_database``, or get the workspace's with
    ``spark_tables(settings)``.
    """

    def __init__(self, con: Any, locations: Mapping[str, str], *, directory: bool) -> None:
        self.con = con
        # table name ("accounts", "resolve.crosswalk") -> Parquet path, or catalog name
        self._locations = dict(locations)
        self._directory = directory
        self._tables: dict[str, ibis.Table] = {}
        self._caching = threading.Lock()
        self._prefix = "rh" + hashlib.sha1(repr(sorted(locations.items())).encode()).hexdigest()[:8]

    @classmethod
    def from_directory(cls, con: Any, directory: str) -> SparkTables:
        """The tables `revhub export` wrote to ``directory`` (a path or URI Spark reads)."""
        manifest = _read_manifest(con, directory)
        if manifest.get("schema_version") != SCHEMA_VERSION:
            raise ConfigError(
                f"{directory} was exported with schema version {manifest.get('schema_version')}"
                f", this revhub reads version {SCHEMA_VERSION}. Run `revhub export` again.",
                source="engine.spark_tables",
            )
        locations = {}
        for name in manifest.get("rows", {}):
            schema, _, table = name.rpartition(".")
            if name in _CANONICAL or schema == RESOLVE_SCHEMA:
                folder = f"{directory}/{schema}" if schema else directory
                locations[name] = f"{folder}/{table}.parquet"
        return cls(con, locations, directory=True)

    @classmethod
    def from_database(cls, con: Any, database: str) -> SparkTables:
        """The tables of catalog database ``database`` (``catalog.database`` allowed)."""
        if not con._session.catalog.databaseExists(database):
            raise ConfigError(
                f"Spark has no database `{database}`. Create it and its tables from the "
                "files of `revhub export` (docs/spark.md), or point spark_tables at them.",
                source="engine.spark_tables",
            )
        stored = {t.name for t in con._session.catalog.listTables(database)}
        wanted = {name: name for name in _CANONICAL}
        wanted |= {f"{RESOLVE_SCHEMA}.{t}": f"{RESOLVE_SCHEMA}_{t}" for t in RESOLVE_TABLES}
        locations = {
            name: f"{database}.{table}" for name, table in wanted.items() if table in stored
        }
        return cls(con, locations, directory=False)

    def table(self, name: str) -> ibis.Table | None:
        """The table ``name`` (``resolve.<name>`` for resolution outputs), or None when it
        is not there; a Frame's table source."""
        if name not in self._locations:
            return None
        if name not in self._tables:
            location = self._locations[name]
            if self._directory:
                view = f"{self._prefix}_{name.replace('.', '_')}"
                self._tables[name] = self.con.read_parquet(location, table_name=view)
            else:
                database, _, table = location.rpartition(".")
                self._tables[name] = self.con.table(table, database=database)
        return self._tables[name]

    def sql(self, query: str) -> ibis.Table:
        """A table from a SELECT written in DuckDB's SQL (custom metrics), run on Spark;
        a Frame's SQL hook."""
        return self.con.sql(spark_sql_of(query, self._spark_name))

    def _spark_name(self, name: str) -> str | None:
        """The name Spark SQL knows table ``name`` by (registering it), or None."""
        table = self.table(name)
        if table is None:
            return None
        return str(table.get_name()) if self._directory else self._locations[name]

    def materialise(self, name: str, table: ibis.Table) -> ibis.Table:
        """A Frame's hook for shared intermediates: cached by Spark once computed."""
        # one at a time: ibis 12 caches a table twice when asked from two threads at once,
        # and then fails releasing them
        with self._caching:
            # ibis 12's PySpark backend caches without registering the in-memory tables
            # (the frame's calendars) the query reads; execution does it through this hook
            self.con._run_pre_execute_hooks(table)
            return table.cache()


def spark_sql_of(query: str, rename: Callable[[str], str | None]) -> str:
    """``query`` (DuckDB SQL) as Spark SQL, with every table ``rename`` knows (given
    ``accounts`` or ``resolve.crosswalk``, it returns the Spark table's name or None)
    pointed at its Spark table; other tables and CTEs are kept."""
    tree = sqlglot.parse_one(query, read="duckdb")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in list(tree.find_all(exp.Table)):
        schema = "" if table.db in ("", "main") else table.db
        name = f"{schema}.{table.name}" if schema else table.name
        is_cte = not table.db and name in ctes
        spark_name = None if table.catalog or is_cte else rename(name)
        if spark_name is None:
            continue
        replacement = exp.to_table(spark_name, dialect="spark")
        alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(table.name))
        replacement.set("alias", alias)
        table.replace(replacement)
    return tree.sql(dialect="spark")


def open_session(engine: EngineSettings) -> Any:
    """A Spark session for ``[engine]`` (the process's session when one is running)."""
    try:
        from pyspark.errors import PySparkRuntimeError
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise ConfigError(
            "engine.kind = spark needs pyspark; install it with pip install 'revhub[spark]'.",
            source="engine.kind",
        ) from error
    builder = SparkSession.builder.master(engine.spark_master).appName("revhub")
    for key, value in {**DEFAULT_CONF, **engine.spark_conf}.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except PySparkRuntimeError as error:
        raise ConfigError(
            f"cannot start Spark at {engine.spark_master}: {error}. Spark needs Java 17 or "
            "later (JAVA_HOME) and, for a cluster, a reachable master.",
            source="engine.spark_master",
        ) from error


def spark_tables(settings: Settings) -> SparkTables:
    """The workspace's tables on Spark, per ``[engine]`` (one session and one set of
    tables per process and settings).

    >>> spark_tables(Settings(engine=EngineSettings(kind="spark")))
    Traceback (most recent call last):
    ...
    revhub.errors.ConfigError: engine.spark_tables: engine.kind = spark needs spark_tables: ...
    """
    engine = settings.engine
    where = engine.spark_tables
    if not where:
        raise ConfigError(
            "engine.kind = spark needs spark_tables: the directory `revhub export` wrote, "
            "or the catalog database holding the tables (docs/spark.md).",
            source="engine.spark_tables",
        )
    location = _directory(where, settings.workspace)
    key = (engine.spark_master, tuple(sorted(engine.spark_conf.items())), location or where)
    with _OPENING:
        if key not in _OPENED:
            con = ibis.pyspark.connect(open_session(engine))
            _OPENED[key] = (
                SparkTables.from_directory(con, location)
                if location is not None
                else SparkTables.from_database(con, where)
            )
        return _OPENED[key]


def close_spark() -> None:
    """Stop the process's Spark session and forget its tables (tests, long-lived
    processes switching settings)."""
    with _OPENING:
        for tables in _OPENED.values():
            tables.con.disconnect()
        _OPENED.clear()


def _directory(where: str, workspace: Path) -> str | None:
    """``where`` as a directory Spark reads, or None when it names a catalog database:
    a URI, a path with a separator, or a directory that exists in the workspace."""
    if "://" in where:
        return where.rstrip("/")
    path = Path(where).expanduser()
    path = path if path.is_absolute() else workspace / path
    if "/" in where or os.sep in where or path.is_dir():
        return str(path.resolve())
    return None


def _read_manifest(con: Any, directory: str) -> dict[str, Any]:
    from pyspark.errors import AnalysisException

    path = f"{directory}/{EXPORT_MANIFEST}"
    try:
        rows = con._session.read.text(path, wholetext=True).collect()
    except AnalysisException as error:
        raise ConfigError(
            f"cannot read {path} ({error.getCondition()}): spark_tables must be a directory "
            "written by `revhub export`.",
            source="engine.spark_tables",
        ) from error
    manifest: dict[str, Any] = json.loads(rows[0][0])
    return manifest

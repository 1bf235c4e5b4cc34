"""The Workspace: the one door the CLI, the API and notebooks go through.

A workspace is a directory holding ``revhub.toml`` and the engine's database file
(``revhub.duckdb``). Opening it resolves the settings, connects the engine, and brings
the stored schema up to the model's version. Its methods are short delegations.

>>> import tempfile
>>> with open(tempfile.mkdtemp()) as ws:
...     ws.schema_version == SCHEMA_VERSION
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb
import ibis

from revhub import engine
from revhub.config import CONFIG_FILE, Settings, default_config_text, load_settings
from revhub.errors import ConstraintViolationError, SchemaVersionError, WorkspaceError
from revhub.model import SCHEMA_VERSION, TABLES, TRUTH_TABLES, get_table
from revhub.model.constraints import check_all, check_table
from revhub.model.migrations import MIGRATIONS, Migration
from revhub.model.schema import Table

if TYPE_CHECKING:
    import pyarrow as pa

    from revhub.forecast import Forecasts
    from revhub.ingest.run import IngestReport
    from revhub.metrics.service import Metrics
    from revhub.quality import QualityReport
    from revhub.resolve import Override, ResolveReport, Scores

_META = "revhub_meta"


@dataclass(frozen=True)
class LoadReport:
    """Rows loaded per table by ``Workspace.load``."""

    rows: Mapping[str, int]
    seconds: float


class Workspace:
    """An open workspace. Use ``revhub.open(path)`` to get one; close it when done."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.workspace
        self.con = engine.connect(settings.engine, database=settings.database_path)
        self._migrate()

    # -- lifecycle -------------------------------------------------------------------------
    @cached_property
    def metrics(self) -> Metrics:
        """Every revenue metric, computed on this workspace; see ``revhub.metrics``."""
        from revhub.metrics.service import Metrics

        return Metrics(self)

    @cached_property
    def forecast(self) -> Forecasts:
        """Forecasts, their history and backtests; see ``revhub.forecast``."""
        from revhub.forecast import Forecasts

        return Forecasts(self)

    def close(self) -> None:
        """Release the engine connection."""
        self.con.disconnect()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        """The model version the stored tables follow."""
        return int(self.meta("schema_version") or 0)

    def meta(self, key: str) -> str | None:
        """A value from the workspace's own key/value table (e.g. ``as_of``)."""
        rows = self.con.table(_META).filter(lambda t: t.key == key).value.to_pyarrow()
        return rows[0].as_py() if len(rows) else None

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` in the workspace's key/value table."""
        escaped = value.replace("'", "''")
        self.con.raw_sql(f"DELETE FROM {_META} WHERE key = '{key}'")
        self.con.raw_sql(f"INSERT INTO {_META} VALUES ('{key}', '{escaped}')")

    def _migrate(self) -> None:
        if _META not in self.con.list_tables():
            self.con.create_table(_META, schema=ibis.schema({"key": "string", "value": "string"}))
        found = self.schema_version
        if found > SCHEMA_VERSION:
            raise SchemaVersionError(str(self.settings.database_path), found, SCHEMA_VERSION)
        for migration in MIGRATIONS:
            if migration.version > found:
                self._apply(migration)

    def _apply(self, migration: Migration) -> None:
        """One migration, all or nothing."""
        try:
            with engine.transaction(self.con):
                for table in (*TABLES, *TRUTH_TABLES):
                    engine.ensure_table(self.con, table)
                for statement in migration.steps:
                    self.con.raw_sql(statement)
                self.set_meta("schema_version", str(migration.version))
        except duckdb.Error as error:
            raise WorkspaceError(
                f"schema migration {migration.version} ({migration.description}) failed on "
                f"{self.settings.database_path}: {error}. The workspace was left unchanged; "
                "report this as a bug."
            ) from error

    # -- data ------------------------------------------------------------------------------
    def table(self, name: str) -> ibis.Table:
        """The Ibis expression of a canonical (or truth) table.

        >>> import tempfile
        >>> with open(tempfile.mkdtemp()) as ws:
        ...     ws.table("accounts").count().execute()
        0
        """
        return engine.table_expr(self.con, get_table(name))

    def row_counts(self) -> dict[str, int]:
        """Rows per canonical table."""
        return {t.name: int(self.table(t.name).count().execute()) for t in TABLES}

    def load(
        self,
        directory: Path,
        *,
        tables: Sequence[Table] | None = None,
        on_table: Callable[[Table, int], None] | None = None,
    ) -> LoadReport:
        """Replace the canonical (and truth) tables with the Parquet files in ``directory``.

        ``directory`` holds ``<table>.parquet`` files and optionally ``truth/<table>.parquet``
        (what ``revhub generate`` writes); ``tables`` limits it to those. All tables are
        checked against the model before anything is committed: on any violation nothing
        changes and every problem is reported at once.
        """
        start = dt.datetime.now()
        directory = Path(directory)
        plan = [(t, _parquet_path(directory, t)) for t in (tables or (*TABLES, *TRUTH_TABLES))]
        present = [(t, p) for t, p in plan if p.exists()]
        if not present:
            raise WorkspaceError(
                f"{directory} holds no canonical Parquet files (e.g. accounts.parquet). "
                "Point at the output directory of `revhub generate`."
            )
        rows: dict[str, int] = {}
        with engine.transaction(self.con):
            for table, path in present:
                rows[table.name] = engine.replace_from_parquet(self.con, table, path)
                if on_table:
                    on_table(table, rows[table.name])
            violations = (
                check_all(self.table)
                if tables is None
                else [v for t in tables for v in check_table(t, self.table(t.name))]
            )
            if violations:
                raise ConstraintViolationError(violations, where=str(directory))
        seconds = (dt.datetime.now() - start).total_seconds()
        return LoadReport(rows, seconds)

    # -- sources ---------------------------------------------------------------------------
    def ingest(
        self, names: Sequence[str] | None = None, *, on_source: Callable[[str], None] | None = None
    ) -> IngestReport:
        """Read the declared sources (or ``names``) and merge them; see ``revhub.ingest``."""
        from revhub.ingest.run import ingest

        return ingest(self, names, on_source=on_source)

    def quarantine(
        self, *, source: str | None = None, limit: int = 50
    ) -> tuple[list[dict[str, Any]], int]:
        """Rows refused by the latest ingest of each source (up to ``limit``), and how many."""
        from revhub.ingest.records import ensure_tables

        con = self.con.con
        ensure_tables(con)
        where, params = ("WHERE source = ?", [source]) if source else ("", [])
        total = con.execute(f"SELECT count(*) FROM ingest.quarantine {where}", params).fetchone()
        cursor = con.execute(
            "SELECT source, table_name, origin, reason, record FROM ingest.quarantine "
            f"{where} ORDER BY source, table_name, origin LIMIT {int(limit)}",
            params,
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return rows, int(total[0]) if total else 0

    # -- identity --------------------------------------------------------------------------
    def resolve(self) -> ResolveReport:
        """Link the records of every source into companies and people; see ``revhub.resolve``.

        >>> import tempfile
        >>> with open(tempfile.mkdtemp()) as ws:
        ...     ws.resolve().entities
        {'account': 0, 'person': 0}
        """
        from revhub.resolve import resolve

        return resolve(self.con, self.settings.resolve)

    def evaluate_resolution(self, truth: pa.Table | Path) -> dict[str, Scores]:
        """Pairwise precision, recall and F1 of the last ``resolve`` against ``truth``:
        a table (or Parquet file) of entity, record_id, true_entity_id."""
        import pyarrow.parquet as pq

        from revhub.resolve import evaluate

        if isinstance(truth, Path):
            if not truth.exists():
                raise WorkspaceError(
                    f"no ground truth at {truth}. `revhub generate --format native` writes "
                    "it as truth/identity.parquet; pass its path with --truth."
                )
            truth = pq.read_table(truth)
        return evaluate(self.con, truth)

    def add_override(
        self, entity: str, kind: str, left_record_id: str, right_record_id: str, note: str = ""
    ) -> Override:
        """Force two records together (``kind="merge"``) or apart (``"split"``) in every
        later ``resolve``."""
        from revhub.resolve import add_override

        return add_override(self.con, entity, kind, left_record_id, right_record_id, note)

    def overrides(self) -> list[Override]:
        """Every manual resolution decision, oldest first."""
        from revhub.resolve import list_overrides

        return list_overrides(self.con)

    def crosswalk(self) -> ibis.Table | None:
        """The last resolve run's record → entity map, or None before the first run.

        >>> import tempfile
        >>> with open(tempfile.mkdtemp()) as ws:
        ...     ws.crosswalk() is None
        True
        """
        if "crosswalk" not in self.con.list_tables(database="resolve"):
            return None
        return self.con.table("crosswalk", database="resolve")

    # -- quality ---------------------------------------------------------------------------
    def quality(self, *, as_of: dt.date | None = None, rules: Path | None = None) -> QualityReport:
        """Run the data-quality rules (shipped, with ``rules`` or the workspace's rules file
        merged over) as of ``as_of`` (default: the workspace's as-of date, else today);
        the run is stored for trends.

        >>> import tempfile
        >>> with open(tempfile.mkdtemp()) as ws:
        ...     ws.quality(as_of=dt.date(2026, 7, 1)).overall.score
        1.0
        """
        from revhub.quality import load_rules, run_quality

        rule_set = load_rules(rules or self.settings.quality_rules_path)
        return run_quality(self.con, rule_set, as_of=as_of or self.as_of())

    def as_of(self) -> dt.date:
        """The date the workspace's data runs to: set by the demo, else today."""
        stored = self.meta("as_of")
        return dt.date.fromisoformat(stored) if stored else dt.date.today()


def _parquet_path(directory: Path, table: Table) -> Path:
    folder = directory if table.schema == "main" else directory / table.schema
    return folder / f"{table.name}.parquet"


def init(path: Path | str = ".", **overrides: Any) -> Workspace:
    """Create a workspace at ``path`` (directory, revhub.toml, database) and open it.

    An existing workspace is opened as it is; its revhub.toml is never overwritten.
    """
    root = Path(path)
    try:
        root.mkdir(parents=True, exist_ok=True)
        config = root / CONFIG_FILE
        if not config.exists():
            config.write_text(default_config_text())
    except OSError as error:
        raise WorkspaceError(
            f"cannot create a workspace at {root}: {error.strerror}. "
            "Choose a directory you can write to."
        ) from error
    return open(root, **overrides)


def open(path: Path | str = ".", **overrides: Any) -> Workspace:
    """Open the workspace at ``path``; ``overrides`` are settings given as flags.

    >>> import tempfile
    >>> with open(tempfile.mkdtemp(), engine={"threads": 1}) as ws:
    ...     ws.settings.engine.threads
    1
    """
    root = Path(path)
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} is a file; a workspace is a directory.")
    settings = load_settings(root, overrides=overrides)
    if not root.exists():
        raise WorkspaceError(f"no workspace at {root}. Create one with `revhub init {root}`.")
    return Workspace(settings)

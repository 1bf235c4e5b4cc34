"""``revhub export``: a workspace's tables as Parquet files, to move them to a lake or cluster.

The layout is the one ``revhub load`` reads, plus identity resolution's outputs::

    DIR/<table>.parquet              every canonical table
    DIR/truth/<table>.parquet        the demo's ground truth
    DIR/resolve/<table>.parquet      crosswalk, golden_accounts, golden_people (after resolve)
    DIR/export.json                  when, from which schema version, rows per file

DuckDB writes each file itself (``COPY ... TO ... (FORMAT parquet)``): nothing passes
through Python. Point ``[engine] spark_tables`` at ``DIR`` (or a copy of it on HDFS/S3)
to compute metrics on Spark. Exporting again into the same directory replaces its files;
a non-empty directory that no export wrote is refused, so nothing of yours is overwritten.

>>> import tempfile, revhub
>>> with revhub.init(tempfile.mkdtemp()) as ws:
...     report = export_workspace(ws, Path(tempfile.mkdtemp()) / "lake")
>>> report.rows["accounts"], (report.directory / "accounts.parquet").exists()
(0, True)
>>> with revhub.init(tempfile.mkdtemp()) as ws:
...     export_workspace(ws, Path(ws.root))
Traceback (most recent call last):
...
revhub.errors.WorkspaceError: /... is not empty and was not written by `revhub export`; ...
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from revhub import engine
from revhub.errors import WorkspaceError
from revhub.model import SCHEMA_VERSION, TABLES, TRUTH_TABLES

if TYPE_CHECKING:
    from revhub.workspace import Workspace

EXPORT_MANIFEST = "export.json"
RESOLVE_SCHEMA = "resolve"
# Identity resolution's outputs that metrics read (the company behind every account).
RESOLVE_TABLES = ("crosswalk", "golden_accounts", "golden_people")


@dataclass(frozen=True)
class ExportReport:
    """What ``export_workspace`` wrote: rows per file (``resolve.<name>`` for resolution
    outputs, ``truth.<name>`` for ground truth), where, and how long it took."""

    directory: Path
    rows: dict[str, int]
    seconds: float


def export_workspace(
    ws: Workspace, directory: Path, *, on_table: Callable[[str, int], None] | None = None
) -> ExportReport:
    """Write every canonical, truth and resolution table of ``ws`` to ``directory`` as
    Parquet; ``on_table(name, rows)`` is called after each file."""
    began = time.perf_counter()
    directory = Path(directory)
    _prepare(directory)
    plan = [(engine.qualified(t), _path(directory, t.schema, t.name)) for t in TABLES]
    plan += [(engine.qualified(t), _path(directory, t.schema, t.name)) for t in TRUTH_TABLES]
    resolved = set(ws.con.list_tables(database=RESOLVE_SCHEMA))
    for name in RESOLVE_TABLES:
        path = _path(directory, RESOLVE_SCHEMA, name)
        if name in resolved:
            plan.append((f"{RESOLVE_SCHEMA}.{name}", path))
        else:
            # a resolution output of an earlier export must not outlive the workspace's
            path.unlink(missing_ok=True)
    rows: dict[str, int] = {}
    for table, path in plan:
        path.parent.mkdir(parents=True, exist_ok=True)
        rows[table] = _copy(ws, table, path)
        if on_table:
            on_table(table, rows[table])
    manifest = {
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "schema_version": SCHEMA_VERSION,
        "as_of": ws.as_of().isoformat(),
        "rows": rows,
    }
    (directory / EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return ExportReport(directory, rows, time.perf_counter() - began)


def _prepare(directory: Path) -> None:
    """Create ``directory``; refuse one that holds files no export wrote."""
    if directory.exists() and not directory.is_dir():
        raise WorkspaceError(f"{directory} is a file; export writes into a directory.")
    if (
        directory.exists()
        and any(directory.iterdir())
        and not (directory / EXPORT_MANIFEST).exists()
    ):
        raise WorkspaceError(
            f"{directory} is not empty and was not written by `revhub export`; choose an "
            "empty or new directory so nothing of yours is overwritten."
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WorkspaceError(
            f"cannot create {directory}: {error.strerror}. Choose a directory you can write to."
        ) from error


def _path(directory: Path, schema: str, name: str) -> Path:
    folder = directory if schema == "main" else directory / schema
    return folder / f"{name}.parquet"


def _copy(ws: Workspace, table: str, path: Path) -> int:
    """DuckDB writes ``table`` to ``path``; the number of rows written."""
    target = str(path).replace("'", "''")
    cursor = ws.con.raw_sql(f"COPY (SELECT * FROM {table}) TO '{target}' (FORMAT parquet)")
    written = cursor.fetchone()
    return int(written[0]) if written else 0

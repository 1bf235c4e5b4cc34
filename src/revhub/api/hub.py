"""What the server holds while it runs: the workspace, the app database, and readers.

DuckDB runs many readers at once, but a connection must not be shared between threads:
each request thread gets its own cursor on the workspace's database (``reader()``).
Metrics computed live go through Ibis on the workspace's own connection, one at a time
(``computing()``); the dashboard's usual questions are answered from the stored results
of ``revhub compute`` instead, so they do not queue.

>>> Hub.__name__
'Hub'
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

import duckdb

from revhub.access import ROW_SCOPE, Role, RowScope
from revhub.resolve.db import duck, table_exists

if TYPE_CHECKING:
    from revhub.appdb import AppDatabase
    from revhub.workspace import Workspace

_SCOPE_SECONDS = 300.0
_VERSION_SECONDS = 2.0
_CACHE_ENTRIES = 2048
_MISSING = object()
T = TypeVar("T")


class Hub:
    """The running server's state; one per app."""

    def __init__(self, workspace: Workspace, database: AppDatabase) -> None:
        self.workspace = workspace
        self.database = database
        self.settings = workspace.settings
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._generation = 0  # close() starts a new one: threads open fresh cursors
        self._cursors_lock = threading.Lock()
        self._compute_lock = threading.Lock()
        self._scopes: dict[tuple[int, str, str | None], tuple[float, RowScope]] = {}
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._version: tuple[float, str] = (-_VERSION_SECONDS, "")
        self._building: dict[tuple[Any, ...], threading.RLock] = {}

    def reader(self) -> duckdb.DuckDBPyConnection:
        """This thread's own connection to the workspace's database."""
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None or getattr(self._local, "generation", -1) != self._generation:
            with self._cursors_lock:
                cursor = duck(self.workspace.con).cursor()
                self._cursors.append(cursor)
            self._local.cursor, self._local.generation = cursor, self._generation
        return cursor

    def default_end(self) -> dt.date:
        """Where metrics end unless told (``ws.metrics.default_end()``), read through this
        thread's cursor: the workspace's own connection is not for sharing."""
        row = self.reader().execute("SELECT value FROM revhub_meta WHERE key = 'as_of'").fetchone()
        as_of = dt.date.fromisoformat(row[0]) if row and row[0] else dt.date.today()
        return as_of - dt.timedelta(days=1)

    @contextmanager
    def computing(self) -> Iterator[Workspace]:
        """The workspace, for work that goes through its shared connection (one at a time)."""
        with self._compute_lock:
            yield self.workspace

    def scope_of(self, user_id: int, role: Role, crm_user_id: str | None) -> RowScope:
        """The rows ``role`` sees for this user; cached for a few minutes."""
        from revhub.browse import scope_for

        key = (user_id, role.value, crm_user_id)
        now = time.monotonic()
        cached = self._scopes.get(key)
        if cached and now - cached[0] < _SCOPE_SECONDS:
            return cached[1]
        scope = (
            RowScope("all")
            if ROW_SCOPE[role] == "all"
            else scope_for(self.reader(), role, crm_user_id)
        )
        self._scopes[key] = (now, scope)
        return scope

    def data_version(self) -> str:
        """Changes whenever the stored metric results change (a new ``revhub compute``);
        read at most every ``_VERSION_SECONDS``."""
        now = time.monotonic()
        if now - self._version[0] < _VERSION_SECONDS:
            return self._version[1]
        con = self.reader()
        version = ""
        if table_exists(con, "metrics", "runs"):
            row = con.execute("SELECT max(computed_at)::VARCHAR FROM metrics.runs").fetchone()
            version = str(row[0]) if row and row[0] else ""
        self._version = (now, version)
        return version

    def cached(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        """``build()``, remembered under ``key`` for as long as the data stays the same
        (what ``revhub compute`` stored). Requests that miss together wait for one build
        instead of each building it."""
        full = (self.data_version(), *key)
        found = self._cache.get(full, _MISSING)
        if found is not _MISSING:
            return cast(T, found)
        with self._cursors_lock:
            building = self._building.setdefault(full, threading.RLock())
        with building:
            found = self._cache.get(full, _MISSING)
            if found is _MISSING:
                found = build()
                with self._cursors_lock:
                    if len(self._cache) >= _CACHE_ENTRIES:
                        self._cache.pop(next(iter(self._cache)))
                    self._cache[full] = found
                    self._building.pop(full, None)
        return cast(T, found)

    def close(self) -> None:
        """Close the readers and the app database (the workspace is the caller's)."""
        with self._cursors_lock:
            for cursor in self._cursors:
                cursor.close()
            self._cursors.clear()
            self._generation += 1
        self.database.dispose()

"""The app database: one SQLAlchemy engine, its Alembic migrations, and short sessions.

SQLite (the default, a file in the workspace) or PostgreSQL, chosen by the URL in
``[server] app_database``. The migrations ship inside this package and run from code, so
no ``alembic.ini`` is needed. Every error in reaching the database says which database
(its URL, without the password) and what to check.

>>> db = AppDatabase("sqlite://")
>>> db.upgrade()
>>> db.current_revision()
'0001'
>>> db.dispose()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, event, exc, make_url
from sqlalchemy.orm import Session, sessionmaker

from revhub.appdb.utc import utc_now
from revhub.errors import AppDatabaseError

if TYPE_CHECKING:
    from revhub.config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


class AppDatabase:
    """A connection pool to the app database, with its password hasher and clock.

    ``hasher`` defaults to argon2's recommended parameters; tests pass cheaper ones.
    ``clock`` returns aware UTC now; tests pass a clock they move by hand.
    """

    def __init__(
        self,
        url: str,
        *,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        try:
            parsed = make_url(url)
            self.url = parsed.render_as_string(hide_password=True)
            self.engine: Engine = create_engine(parsed)
        except (exc.ArgumentError, exc.NoSuchModuleError, ImportError, ValueError) as error:
            shown = _hide_password(url)
            raise AppDatabaseError(
                shown,
                f"not a usable SQLAlchemy URL ({error}). Set [server] app_database to e.g. "
                "sqlite:///revhub-app.db or postgresql+psycopg://user@host/revhub.",
            ) from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.hasher = hasher or PasswordHasher()
        self.now: Callable[[], dt.datetime] = clock or utc_now
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def for_settings(cls, settings: Settings) -> AppDatabase:
        """The app database named by a workspace's ``[server] app_database`` setting."""
        return cls(settings.app_database_url)

    @cached_property
    def dummy_hash(self) -> str:
        """A hash to verify against when the user name is unknown, so that answering
        takes as long as for a known user."""
        return self.hasher.hash("not a password of anyone, only for timing")

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (does nothing when it is there)."""
        with self._translated("migrating"), self.engine.begin() as connection:
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def current_revision(self) -> str | None:
        """The migration the database is at, or None when it has never been migrated."""
        with self._translated("reading the schema version"), self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str:
        """The newest migration this revhub ships."""
        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        if head is None:
            raise AppDatabaseError(self.url, f"no migrations found in {MIGRATIONS}")
        return head

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        with self._translated("querying"), self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _translated(self, doing: str) -> Iterator[None]:
        try:
            yield
        except (exc.OperationalError, exc.InterfaceError) as error:
            raise AppDatabaseError(
                self.url,
                f"failed while {doing}: {_first_line(error.orig)}. Check that the database "
                "is running and reachable and that [server] app_database "
                "(REVHUB_SERVER__APP_DATABASE) is right.",
            ) from error

    def __repr__(self) -> str:
        return f"AppDatabase({self.url!r})"


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
    finally:
        cursor.close()


def _hide_password(url: str) -> str:
    """``url`` with any password masked, even when SQLAlchemy cannot parse it."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]

"""Alembic's entry point for the app database's migrations.

``revhub.appdb.AppDatabase.upgrade`` runs Alembic with an open connection in
``config.attributes["connection"]``; a developer may also run ``alembic`` by hand with
``-x url=...``. SQLite changes columns by copying tables, hence ``render_as_batch``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from revhub.appdb.models import Base

VERSION_TABLE = "alembic_version"


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    """Migrate over the caller's connection, or one made from ``-x url=...``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("pass the app database URL: alembic -x url=sqlite:///revhub-app.db ...")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            _migrate(connection)
    finally:
        engine.dispose()


# Alembic installs ``context.config`` while it runs this file; other importers (pytest's
# doctest collection imports every module under src/) get a file that does nothing.
if hasattr(context, "config"):
    run()

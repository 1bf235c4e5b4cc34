"""The app database's schema: migrations reach head, re-running changes nothing, the
models and migrations agree, timestamps stay aware UTC, and unreachable databases say so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from revhub.appdb import AppDatabase, AppDatabaseError
from revhub.appdb.models import Base, LoginAttempt
from revhub.config import Settings


def test_upgrade_creates_every_table_and_rerunning_changes_nothing(app_db_url: str) -> None:
    db = AppDatabase(app_db_url)
    try:
        assert db.current_revision() is None
        db.upgrade()
        assert db.current_revision() == db.head_revision() == "0001"
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) | {"alembic_version"} == tables
        db.upgrade()
        assert db.current_revision() == "0001"
        assert set(inspect(db.engine).get_table_names()) == tables
    finally:
        db.dispose()


def test_models_and_migrations_agree(app_db: AppDatabase) -> None:
    with app_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_timestamps_come_back_aware_utc(app_db: AppDatabase) -> None:
    berlin = dt.timezone(dt.timedelta(hours=2))
    written = dt.datetime(2026, 7, 1, 14, 30, 15, 123456, tzinfo=berlin)
    with app_db.session() as session:
        session.add(LoginAttempt(username="ana", ip=None, at=written, succeeded=False))
    with app_db.session() as session:
        read = session.scalars(select(LoginAttempt.at)).one()
    assert read == written and read.tzinfo == dt.UTC and read.hour == 12


def test_naive_timestamps_are_refused(app_db: AppDatabase) -> None:
    with pytest.raises(StatementError, match="naive datetime"), app_db.session() as session:
        session.add(
            LoginAttempt(username="ana", ip=None, at=dt.datetime(2026, 7, 1), succeeded=False)
        )


def test_a_failing_block_rolls_back(app_db: AppDatabase) -> None:
    def add_then_fail() -> None:
        with app_db.session() as session:
            session.add(LoginAttempt(username="ana", ip=None, at=app_db.now(), succeeded=False))
            session.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        add_then_fail()
    with app_db.session() as session:
        assert session.scalars(select(LoginAttempt)).all() == []


def test_foreign_keys_are_enforced(app_db: AppDatabase) -> None:
    now = app_db.now()
    with pytest.raises(IntegrityError), app_db.session() as session:
        session.execute(
            text(
                "INSERT INTO saved_views (user_id, name, page, query, created_at) "
                "VALUES (999, 'x', 'overview', '', :now)"
            ),
            {"now": now.replace(tzinfo=None)},
        )


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    db = AppDatabase(f"sqlite:///{tmp_path / 'app.db'}")
    try:
        db.upgrade()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()


def test_for_settings_puts_sqlite_in_the_workspace(tmp_path: Path) -> None:
    db = AppDatabase.for_settings(Settings(workspace=tmp_path))
    try:
        db.upgrade()
    finally:
        db.dispose()
    assert (tmp_path / "revhub-app.db").exists()


def test_an_unreachable_postgres_names_the_database_but_not_its_password() -> None:
    db = AppDatabase("postgresql+psycopg://ana:s3cret-pw@127.0.0.1:1/revhub")
    try:
        with pytest.raises(AppDatabaseError) as caught:
            db.upgrade()
    finally:
        db.dispose()
    message = str(caught.value)
    assert "s3cret-pw" not in message
    assert "postgresql+psycopg://ana:***@127.0.0.1:1/revhub" in message
    assert "app_database" in message


def test_an_unopenable_sqlite_file_says_which(tmp_path: Path) -> None:
    db = AppDatabase(f"sqlite:///{tmp_path / 'missing-dir' / 'app.db'}")
    try:
        with pytest.raises(AppDatabaseError, match="missing-dir"):
            db.upgrade()
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "url", ["not a url", "nosuchdb://x", "mysql+nosuchdriver://ana:pw-123456@h/db"]
)
def test_an_unusable_url_is_a_clear_error(url: str) -> None:
    with pytest.raises(AppDatabaseError, match="not a usable SQLAlchemy URL") as caught:
        AppDatabase(url)
    assert "pw-123456" not in str(caught.value)

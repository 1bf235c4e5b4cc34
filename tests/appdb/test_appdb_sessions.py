"""Browser sessions: hashed at rest, sliding expiry, CSRF token, sign-out."""

from __future__ import annotations

import hashlib

import pytest
from appdb_helpers import ManualClock
from sqlalchemy import select

from revhub.appdb import (
    AppDatabase,
    UserRecord,
    create_user,
    end_all_sessions,
    end_session,
    purge_expired_sessions,
    resolve_session,
    set_active,
    start_session,
)
from revhub.appdb.models import BrowserSession

HOURS = 12


@pytest.fixture
def ana(app_db: AppDatabase) -> UserRecord:
    create_user(app_db, "root", "admin", "a long enough password")
    return create_user(app_db, "ana", "cro", "a long enough password")


def _start(db: AppDatabase, user: UserRecord) -> tuple[str, str]:
    return start_session(db, user.id, ip="10.0.0.1", user_agent="Firefox " * 100, hours=HOURS)


def _rows(db: AppDatabase) -> list[BrowserSession]:
    with db.session() as session:
        return list(session.scalars(select(BrowserSession)))


def test_a_session_resolves_to_its_user_and_csrf_token(
    app_db: AppDatabase, ana: UserRecord
) -> None:
    token, csrf = _start(app_db, ana)
    found = resolve_session(app_db, token, hours=HOURS)
    assert found is not None and found[0] == ana and found[1] == csrf
    assert token != csrf and len(token) >= 40
    assert resolve_session(app_db, token + "x", hours=HOURS) is None


def test_only_the_hash_of_the_token_is_stored(app_db: AppDatabase, ana: UserRecord) -> None:
    token, _ = _start(app_db, ana)
    [row] = _rows(app_db)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (
        token not in repr(vars(row)) and row.ip == "10.0.0.1" and len(row.user_agent or "") == 512
    )


def test_a_session_expires_after_hours_without_use(
    app_db: AppDatabase, ana: UserRecord, clock: ManualClock
) -> None:
    token, _ = _start(app_db, ana)
    clock.advance(hours=HOURS)
    assert resolve_session(app_db, token, hours=HOURS) is None
    assert _rows(app_db) == []  # the expired session is gone


def test_use_slides_the_expiry(app_db: AppDatabase, ana: UserRecord, clock: ManualClock) -> None:
    token, _ = _start(app_db, ana)
    for _ in range(3):  # 30 hours in all, never 12 without use
        clock.advance(hours=10)
        assert resolve_session(app_db, token, hours=HOURS) is not None
    [row] = _rows(app_db)
    assert row.last_seen_at == clock.now and row.expires_at == clock.advance(hours=HOURS)
    assert resolve_session(app_db, token, hours=HOURS) is None


def test_use_within_a_minute_does_not_write(
    app_db: AppDatabase, ana: UserRecord, clock: ManualClock
) -> None:
    token, _ = _start(app_db, ana)
    started = clock.now
    clock.advance(seconds=30)
    assert resolve_session(app_db, token, hours=HOURS) is not None
    [row] = _rows(app_db)
    assert row.last_seen_at == started


def test_a_deactivated_user_is_signed_out(app_db: AppDatabase, ana: UserRecord) -> None:
    token, _ = _start(app_db, ana)
    set_active(app_db, ana.id, False)
    assert resolve_session(app_db, token, hours=HOURS) is None


def test_ending_sessions(app_db: AppDatabase, ana: UserRecord, clock: ManualClock) -> None:
    first, _ = _start(app_db, ana)
    second, _ = _start(app_db, ana)
    third, _ = _start(app_db, ana)
    end_session(app_db, first)
    end_session(app_db, "no such token")
    assert resolve_session(app_db, first, hours=HOURS) is None
    assert resolve_session(app_db, second, hours=HOURS) is not None
    assert end_all_sessions(app_db, ana.id) == 2
    assert resolve_session(app_db, third, hours=HOURS) is None
    _start(app_db, ana)
    clock.advance(hours=HOURS + 1)
    _start(app_db, ana)
    assert purge_expired_sessions(app_db) == 1 and len(_rows(app_db)) == 1

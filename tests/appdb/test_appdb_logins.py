"""Signing in: the right password works, everything else gets one vague answer, and
guessing is slowed down per user name and per address, across processes."""

from __future__ import annotations

import pytest
from appdb_helpers import CHEAP_HASHER, ManualClock
from argon2 import PasswordHasher
from sqlalchemy import func, select

from revhub.appdb import AppDatabase, authenticate, create_user, set_active
from revhub.appdb.logins import ADDRESS_FACTOR, FAILED
from revhub.appdb.models import LoginAttempt, User
from revhub.appdb.records import UserRecord
from revhub.errors import AuthenticationError, RateLimitedError

PASSWORD = "correct horse battery staple"
WINDOW, LIMIT = 15, 3


def _login(db: AppDatabase, name: str, password: str, ip: str | None = "10.0.0.1") -> UserRecord:
    return authenticate(db, name, password, ip=ip, window_minutes=WINDOW, max_attempts=LIMIT)


def _attempts(db: AppDatabase) -> list[tuple[str, str | None, bool]]:
    with db.session() as session:
        rows = session.execute(
            select(LoginAttempt.username, LoginAttempt.ip, LoginAttempt.succeeded).order_by(
                LoginAttempt.id
            )
        ).all()
    return [(name, ip, ok) for name, ip, ok in rows]


def test_the_right_password_signs_in_and_is_recorded(
    app_db: AppDatabase, clock: ManualClock
) -> None:
    create_user(app_db, "ana", "cro", PASSWORD)
    later = clock.advance(hours=1)
    user = _login(app_db, " ANA ", PASSWORD)
    assert user.username == "ana" and user.last_login_at == later
    assert _attempts(app_db) == [("ana", "10.0.0.1", True)]


@pytest.mark.parametrize("case", ["wrong password", "unknown user", "deactivated"])
def test_every_failure_reads_the_same(app_db: AppDatabase, case: str) -> None:
    create_user(app_db, "root", "admin", PASSWORD)
    ana = create_user(app_db, "ana", "cro", PASSWORD)
    name, password = "ana", PASSWORD
    if case == "wrong password":
        password = "not the password at all"
    elif case == "unknown user":
        name = "bob"
    else:
        set_active(app_db, ana.id, False)
    with pytest.raises(AuthenticationError) as caught:
        _login(app_db, name, password)
    assert str(caught.value) == FAILED
    assert _attempts(app_db) == [(name, "10.0.0.1", False)]


def test_too_many_failures_for_a_name_lock_it_until_the_window_passes(
    app_db: AppDatabase, clock: ManualClock
) -> None:
    create_user(app_db, "ana", "cro", PASSWORD)
    for minute in range(LIMIT):
        with pytest.raises(AuthenticationError):
            _login(app_db, "ana", "wrong password!", ip=f"10.0.0.{minute}")
        clock.advance(minutes=1)
    # even the right password, from a fresh address, waits for the oldest failure to age out
    with pytest.raises(RateLimitedError) as caught:
        _login(app_db, "ana", PASSWORD, ip="10.9.9.9")
    assert caught.value.retry_after == (WINDOW - LIMIT) * 60
    assert len(_attempts(app_db)) == LIMIT  # refused attempts are not counted again
    clock.advance(minutes=WINDOW - LIMIT, seconds=1)
    assert _login(app_db, "ana", PASSWORD).username == "ana"


def test_too_many_failures_from_an_address_lock_it_for_every_name(
    app_db: AppDatabase, clock: ManualClock
) -> None:
    create_user(app_db, "ana", "cro", PASSWORD)
    # an address may fail ADDRESS_FACTOR times as often as a name: offices share one
    for number in range(LIMIT * ADDRESS_FACTOR):
        with pytest.raises(AuthenticationError):
            _login(app_db, f"x{number}", "guessing away...", ip="203.0.113.5")
    with pytest.raises(RateLimitedError) as caught:
        _login(app_db, "ana", PASSWORD, ip="203.0.113.5")
    assert caught.value.retry_after == WINDOW * 60
    assert _login(app_db, "ana", PASSWORD, ip="198.51.100.1").username == "ana"
    clock.advance(minutes=WINDOW)
    assert _login(app_db, "ana", PASSWORD, ip="203.0.113.5").username == "ana"


def test_a_success_clears_the_failures_of_that_name(
    app_db: AppDatabase, clock: ManualClock
) -> None:
    create_user(app_db, "ana", "cro", PASSWORD)
    for _ in range(LIMIT - 1):
        with pytest.raises(AuthenticationError):
            _login(app_db, "ana", "wrong password!", ip=None)
        clock.advance(seconds=1)
    _login(app_db, "ana", PASSWORD, ip=None)
    clock.advance(seconds=1)
    for _ in range(LIMIT - 1):
        with pytest.raises(AuthenticationError):
            _login(app_db, "ana", "wrong password!", ip=None)
        clock.advance(seconds=1)
    assert _login(app_db, "ana", PASSWORD, ip=None).username == "ana"


def test_old_attempts_are_purged(app_db: AppDatabase, clock: ManualClock) -> None:
    with pytest.raises(AuthenticationError):
        _login(app_db, "nobody", "wrong password!")
    clock.advance(minutes=WINDOW + 1)
    with pytest.raises(AuthenticationError):
        _login(app_db, "nobody", "wrong password!")
    with app_db.session() as session:
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 1


def test_a_hash_made_with_old_parameters_is_upgraded_on_sign_in(
    app_db_url: str, app_db: AppDatabase
) -> None:
    create_user(app_db, "ana", "cro", PASSWORD)
    stronger = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    assert stronger.check_needs_rehash(_stored_hash(app_db))
    upgraded = AppDatabase(app_db_url, hasher=stronger, clock=app_db.now)
    try:
        _login(upgraded, "ana", PASSWORD)
        stored = _stored_hash(upgraded)
        assert not stronger.check_needs_rehash(stored) and stronger.verify(stored, PASSWORD)
    finally:
        upgraded.dispose()
    assert CHEAP_HASHER.check_needs_rehash(stored)


def _stored_hash(db: AppDatabase) -> str:
    with db.session() as session:
        return session.scalars(select(User.password_hash)).one()

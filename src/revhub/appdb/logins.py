"""Signing in: check a name and password, and slow down whoever guesses.

Every attempt is stored in ``login_attempts``, so the limit holds across server
processes. A user name that failed ``max_attempts`` times within the window since its last
success, or an address that failed ``ADDRESS_FACTOR`` times as often within the window
(many people may share one office address), must wait until the oldest of those
failures leaves the window. An unknown name, a wrong password and a
deactivated user all get the same answer, in about the same time.

>>> from revhub.appdb.database import AppDatabase
>>> from revhub.appdb.users import create_user
>>> db = AppDatabase("sqlite://")
>>> db.upgrade()
>>> _ = create_user(db, "ana", "cro", "a long enough password")
>>> authenticate(db, "ana", "a long enough password", ip="10.0.0.1",
...              window_minutes=15, max_attempts=5).username
'ana'
>>> db.dispose()
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from revhub.appdb.database import AppDatabase
from revhub.appdb.models import LoginAttempt, User
from revhub.appdb.passwords import hash_password, needs_rehash, verify_password
from revhub.appdb.records import UserRecord
from revhub.errors import AuthenticationError, RateLimitedError

FAILED = "wrong user name or password, or the user is deactivated."
"""The one answer to every failed sign-in."""

ADDRESS_FACTOR = 10
"""An address may fail this many times more often than one user name."""


def authenticate(
    db: AppDatabase,
    username: str,
    password: str,
    *,
    ip: str | None,
    window_minutes: float,
    max_attempts: int,
) -> UserRecord:
    """The user ``username`` if ``password`` is theirs and they are active.

    Raises ``RateLimitedError`` (without checking the password) after too many failures,
    ``AuthenticationError`` otherwise. On success the stored hash is upgraded if the
    hasher's parameters changed, and ``last_login_at`` is set.
    """
    name = username.strip().casefold()[:64]
    now = db.now()
    window = dt.timedelta(minutes=window_minutes)
    with db.session() as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - window))
        wait = _seconds_to_wait(session, name, ip, now, window, max_attempts)
        row = session.scalars(select(User).where(User.username == name)).one_or_none()
        user_id, stored = (row.id, row.password_hash) if row else (None, db.dummy_hash)
        active = bool(row and row.is_active)
    if wait:
        raise RateLimitedError(wait)
    matches = verify_password(db.hasher, stored, password)
    succeeded = matches and active and user_id is not None
    with db.session() as session:
        session.add(LoginAttempt(username=name, ip=ip, at=now, succeeded=succeeded))
        if not succeeded or user_id is None:
            record = None
        else:
            user = session.get_one(User, user_id)
            user.last_login_at = now
            if needs_rehash(db.hasher, user.password_hash):
                user.password_hash = hash_password(db.hasher, password)
            record = UserRecord.of(user)
    if record is None:
        raise AuthenticationError(FAILED)
    return record


def _seconds_to_wait(
    session: Session,
    name: str,
    ip: str | None,
    now: dt.datetime,
    window: dt.timedelta,
    max_attempts: int,
) -> int:
    """0, or how long until the name and the address may try again."""
    since = now - window
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == name, LoginAttempt.succeeded
        )
    )
    by_name = _failures(session, LoginAttempt.username == name, max(since, last_success or since))
    waits = [_wait(by_name, now, window, max_attempts)]
    if ip is not None:
        by_ip = _failures(session, LoginAttempt.ip == ip, since)
        waits.append(_wait(by_ip, now, window, max_attempts * ADDRESS_FACTOR))
    return max(waits)


def _failures(
    session: Session, who: ColumnElement[bool], after: dt.datetime
) -> Sequence[dt.datetime]:
    query = (
        select(LoginAttempt.at)
        .where(who, ~LoginAttempt.succeeded, LoginAttempt.at > after)
        .order_by(LoginAttempt.at)
    )
    return session.scalars(query).all()


def _wait(
    failures: Sequence[dt.datetime], now: dt.datetime, window: dt.timedelta, max_attempts: int
) -> int:
    if len(failures) < max_attempts:
        return 0
    # the limit lifts when enough failures have aged out to leave max_attempts - 1
    frees_at = failures[len(failures) - max_attempts] + window
    return max(1, math.ceil((frees_at - now).total_seconds()))

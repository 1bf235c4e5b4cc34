"""Browser sessions: a random token in a cookie, its SHA-256 in the database.

A session lasts ``hours`` from its last use (sliding expiry). Each carries a CSRF token
that forms must send back. Use refreshes the expiry at most once a minute, so that a busy
page does not write on every request. A deactivated user's sessions stop working at once.

>>> from revhub.appdb.database import AppDatabase
>>> from revhub.appdb.users import create_user
>>> db = AppDatabase("sqlite://")
>>> db.upgrade()
>>> ana = create_user(db, "ana", "cro", "a long enough password")
>>> token, csrf = start_session(db, ana.id, ip="10.0.0.1", user_agent="curl", hours=12)
>>> user, same_csrf = resolve_session(db, token, hours=12)
>>> user.username, same_csrf == csrf
('ana', True)
>>> end_session(db, token)
>>> resolve_session(db, token, hours=12) is None
True
>>> db.dispose()
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select

from revhub.appdb.database import AppDatabase
from revhub.appdb.models import BrowserSession, User
from revhub.appdb.passwords import token_digest
from revhub.appdb.records import UserRecord

TOUCH_EVERY = dt.timedelta(minutes=1)
"""A session's last use is written at most this often."""

_USER_AGENT_LENGTH = 512


def start_session(
    db: AppDatabase, user_id: int, *, ip: str | None, user_agent: str | None, hours: float
) -> tuple[str, str]:
    """Open a session for ``user_id``: its token (for the cookie; only its hash is
    stored) and its CSRF token."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = db.now()
    with db.session() as session:
        session.add(
            BrowserSession(
                token_hash=token_digest(token),
                csrf_token=csrf,
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + dt.timedelta(hours=hours),
                ip=ip,
                user_agent=user_agent[:_USER_AGENT_LENGTH] if user_agent else None,
            )
        )
    return token, csrf


def resolve_session(db: AppDatabase, token: str, *, hours: float) -> tuple[UserRecord, str] | None:
    """The signed-in user and the session's CSRF token, or None when the token is
    unknown, expired or the user deactivated. Use extends the session by ``hours``."""
    now = db.now()
    with db.session() as session:
        found = session.execute(
            select(BrowserSession, User)
            .join(User, User.id == BrowserSession.user_id)
            .where(BrowserSession.token_hash == token_digest(token))
        ).one_or_none()
        if found is None:
            return None
        browser, user = found
        if browser.expires_at <= now:
            session.delete(browser)
            return None
        if not user.is_active:
            return None
        if now - browser.last_seen_at >= TOUCH_EVERY:
            browser.last_seen_at = now
            browser.expires_at = now + dt.timedelta(hours=hours)
        return UserRecord.of(user), browser.csrf_token


def end_session(db: AppDatabase, token: str) -> None:
    """Sign the session out (nothing happens for an unknown token)."""
    with db.session() as session:
        session.execute(
            delete(BrowserSession).where(BrowserSession.token_hash == token_digest(token))
        )


def end_all_sessions(db: AppDatabase, user_id: int) -> int:
    """Sign the user out everywhere; returns how many sessions ended."""
    with db.session() as session:
        ids = session.scalars(
            select(BrowserSession.id).where(BrowserSession.user_id == user_id)
        ).all()
        session.execute(delete(BrowserSession).where(BrowserSession.id.in_(ids)))
        return len(ids)


def purge_expired_sessions(db: AppDatabase) -> int:
    """Delete sessions that have expired; returns how many."""
    with db.session() as session:
        ids = session.scalars(
            select(BrowserSession.id).where(BrowserSession.expires_at <= db.now())
        ).all()
        session.execute(delete(BrowserSession).where(BrowserSession.id.in_(ids)))
        return len(ids)

"""API tokens: bearer tokens for the REST API, each named, shown once, stored hashed.

A token looks like ``rh_`` followed by 43 random characters. The database keeps its
SHA-256 and its first characters (the prefix), which lists show so a user can tell their
tokens apart. A token stops working when revoked, when it expires, or when its user is
deactivated.

>>> from revhub.appdb.database import AppDatabase
>>> from revhub.appdb.users import create_user
>>> db = AppDatabase("sqlite://")
>>> db.upgrade()
>>> ana = create_user(db, "ana", "cro", "a long enough password")
>>> record, token = create_token(db, ana.id, "laptop", days=30)
>>> token.startswith(record.prefix), resolve_token(db, token).username
(True, 'ana')
>>> revoke_token(db, ana.id, record.id).status(db.now())
'revoked'
>>> resolve_token(db, token) is None
True
>>> db.dispose()
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select

from revhub.appdb.database import AppDatabase
from revhub.appdb.models import ApiToken, User
from revhub.appdb.passwords import token_digest
from revhub.appdb.records import TokenRecord, UserRecord
from revhub.errors import NotFoundError, UserAdminError

TOKEN_PREFIX = "rh_"
"""Every revhub API token starts with this (secret scanners can look for it)."""

PREFIX_LENGTH = 10
"""How many leading characters of a token are kept to show in lists."""

USE_RECORDED_EVERY = dt.timedelta(minutes=1)
"""A token's last use is written at most this often."""


def create_token(
    db: AppDatabase, user_id: int, name: str, *, days: float | None = None
) -> tuple[TokenRecord, str]:
    """A new token for ``user_id``: its record and the token itself (show it once; it
    cannot be recovered). ``days`` limits its life; None means until revoked."""
    label = name.strip()
    if not label or len(label) > 100:
        raise UserAdminError("a token needs a name of 1–100 characters, e.g. `ci` or `laptop`.")
    if days is not None and days <= 0:
        raise UserAdminError(f"a token must live a positive number of days, not {days}.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = db.now()
    with db.session() as session:
        if session.get(User, user_id) is None:
            raise NotFoundError("user", str(user_id))
        row = ApiToken(
            user_id=user_id,
            name=label,
            token_hash=token_digest(token),
            prefix=token[:PREFIX_LENGTH],
            created_at=now,
            last_used_at=None,
            expires_at=now + dt.timedelta(days=days) if days is not None else None,
            revoked_at=None,
        )
        session.add(row)
        session.flush()
        return TokenRecord.of(row), token


def resolve_token(db: AppDatabase, token: str) -> UserRecord | None:
    """The user a token belongs to, or None when it is unknown, revoked, expired or its
    user deactivated. Records when it was used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = db.now()
    with db.session() as session:
        found = session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == token_digest(token))
        ).one_or_none()
        if found is None:
            return None
        row, user = found
        if TokenRecord.of(row).status(now) != "active" or not user.is_active:
            return None
        if row.last_used_at is None or now - row.last_used_at >= USE_RECORDED_EVERY:
            row.last_used_at = now
        return UserRecord.of(user)


def list_tokens(db: AppDatabase, user_id: int) -> list[TokenRecord]:
    """The user's tokens, newest first (revoked and expired ones too)."""
    with db.session() as session:
        rows = session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
        return [TokenRecord.of(row) for row in rows]


def revoke_token(db: AppDatabase, user_id: int, token_id: int) -> TokenRecord:
    """Stop the token ``token_id`` of ``user_id`` from working (revoking twice is fine).
    Another user's token reads as not found."""
    with db.session() as session:
        row = session.get(ApiToken, token_id)
        if row is None or row.user_id != user_id:
            raise NotFoundError("token", str(token_id))
        if row.revoked_at is None:
            row.revoked_at = db.now()
        return TokenRecord.of(row)

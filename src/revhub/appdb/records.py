"""What the app database hands out: frozen copies of rows, never the ORM objects, so a
caller holds no session and cannot change a row by accident. Secrets (password hashes,
token hashes) are never copied.

>>> import datetime as dt
>>> when = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
>>> token = TokenRecord(1, 1, "ci", "rh_AbCdEfG", when, None, None, None)
>>> token.status(when)
'active'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from revhub.access import Role
from revhub.appdb.models import ApiToken, AuditEntry, SavedView, User


@dataclass(frozen=True)
class UserRecord:
    """A user as callers see it (no password hash)."""

    id: int
    username: str
    display_name: str
    email: str | None
    role: Role
    crm_user_id: str | None
    is_active: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    password_changed_at: dt.datetime

    @classmethod
    def of(cls, row: User) -> UserRecord:
        return cls(
            id=row.id,
            username=row.username,
            display_name=row.display_name,
            email=row.email,
            role=Role(row.role),
            crm_user_id=row.crm_user_id,
            is_active=row.is_active,
            created_at=row.created_at,
            last_login_at=row.last_login_at,
            password_changed_at=row.password_changed_at,
        )


TokenStatus = Literal["active", "expired", "revoked"]


@dataclass(frozen=True)
class TokenRecord:
    """An API token as lists show it: its name and first characters, never the token."""

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def status(self, now: dt.datetime) -> TokenStatus:
        """Whether the token still works at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    @classmethod
    def of(cls, row: ApiToken) -> TokenRecord:
        return cls(
            id=row.id,
            user_id=row.user_id,
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
        )


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit log."""

    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    target: str | None
    detail: dict[str, Any]
    ip: str | None

    @classmethod
    def of(cls, row: AuditEntry) -> AuditRecord:
        return cls(
            id=row.id,
            at=row.at,
            actor_id=row.actor_id,
            actor_name=row.actor_name,
            action=row.action,
            target=row.target,
            detail=dict(row.detail),
            ip=row.ip,
        )


@dataclass(frozen=True)
class ViewRecord:
    """A saved view: a page and its query string, under a name."""

    id: int
    user_id: int
    name: str
    page: str
    query: str
    created_at: dt.datetime

    @classmethod
    def of(cls, row: SavedView) -> ViewRecord:
        return cls(
            id=row.id,
            user_id=row.user_id,
            name=row.name,
            page=row.page,
            query=row.query,
            created_at=row.created_at,
        )

"""The app database's tables: who may sign in, their sessions and API tokens, what they
saved and changed, and the audit log.

The migrations in ``migrations/versions`` create exactly these tables; a test compares
the two (``alembic.autogenerate.compare_metadata``), so a change here needs a new
migration. Only hashes of passwords, session tokens and API tokens are stored.

>>> sorted(Base.metadata.tables)
['api_tokens', 'audit_log', 'login_attempts', 'saved_views', 'sessions', 'target_edits', 'users']
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Float, ForeignKey, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from revhub.appdb.utc import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names are derived, so migrations and models name them the same way."""


class Base(DeclarativeBase):
    """The app database's declarative base."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
    }


class User(Base):
    """Someone who may sign in to the dashboard and the API."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32))  # a revhub.access.Role value
    crm_user_id: Mapped[str | None] = mapped_column(String(64))  # canonical users.user_id
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime]
    last_login_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime]


class BrowserSession(Base):
    """A signed-in browser; ``token_hash`` is the SHA-256 of the cookie's token."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))


class ApiToken(Base):
    """A bearer token for the REST API; ``prefix`` is shown in lists to tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class SavedView(Base):
    """A page with its filters, saved under a name by one user."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    page: Mapped[str] = mapped_column(String(64))
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]


class TargetEdit(Base):
    """One change to a target made in the dashboard: who, which target, from what to what."""

    __tablename__ = "target_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    metric: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(32))
    team: Mapped[str | None] = mapped_column(String(100))
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float] = mapped_column(Float)
    edited_at: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Who did what, when, from where. ``detail`` never holds a secret."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]]
    ip: Mapped[str | None] = mapped_column(String(64))


class LoginAttempt(Base):
    """One sign-in attempt; failures within a window limit further attempts (across
    processes, since they live in the database)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str | None] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)

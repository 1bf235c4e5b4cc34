"""The app database's first tables: users, sessions, API tokens, saved views, target
edits, the audit log and login attempts.

Revision ID: 0001
Revises:
Create Date: 2026-07-01
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _key(table: str) -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _user_ref(
    table: str, column: str = "user_id", *, ondelete: str | None = None, nullable: bool = False
) -> list[SchemaItem]:
    return [
        sa.Column(column, sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint(
            [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "users",
        *_key("users"),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("crm_user_id", sa.String(64), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_login_at", nullable=True),
        _timestamp("password_changed_at"),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "sessions",
        *_key("sessions"),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        *_user_ref("sessions", ondelete="CASCADE"),
        _timestamp("created_at"),
        _timestamp("last_seen_at"),
        _timestamp("expires_at"),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(512), nullable=True),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sessions_token_hash")),
    )
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        *_key("api_tokens"),
        *_user_ref("api_tokens", ondelete="CASCADE"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_used_at", nullable=True),
        _timestamp("expires_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])
    op.create_table(
        "saved_views",
        *_key("saved_views"),
        *_user_ref("saved_views", ondelete="CASCADE"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("page", sa.String(64), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        _timestamp("created_at"),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_views_user_id_name")),
    )
    op.create_table(
        "target_edits",
        *_key("target_edits"),
        *_user_ref("target_edits"),
        sa.Column("metric", sa.String(100), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("team", sa.String(100), nullable=True),
        sa.Column("old_value", sa.Float(), nullable=True),
        sa.Column("new_value", sa.Float(), nullable=False),
        _timestamp("edited_at"),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index(op.f("ix_target_edits_user_id"), "target_edits", ["user_id"])
    op.create_table(
        "audit_log",
        *_key("audit_log"),
        _timestamp("at"),
        *_user_ref("audit_log", "actor_id", ondelete="SET NULL", nullable=True),
        sa.Column("actor_name", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.create_table(
        "login_attempts",
        *_key("login_attempts"),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        _timestamp("at"),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
    )
    op.create_index(op.f("ix_login_attempts_username"), "login_attempts", ["username"])
    op.create_index(op.f("ix_login_attempts_ip"), "login_attempts", ["ip"])
    op.create_index(op.f("ix_login_attempts_at"), "login_attempts", ["at"])


def downgrade() -> None:
    for table in (
        "login_attempts",
        "audit_log",
        "target_edits",
        "saved_views",
        "api_tokens",
        "sessions",
        "users",
    ):
        op.drop_table(table)

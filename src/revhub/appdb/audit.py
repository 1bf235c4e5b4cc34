"""The audit log: who did what, to what, when and from where.

Sign-ins and sign-outs, exports, and every change to users, roles, passwords, tokens and
targets are recorded. ``detail`` is for context (a role's old and new value, a token's
name and prefix) and refuses keys that would hold a secret.

>>> from revhub.appdb.database import AppDatabase
>>> db = AppDatabase("sqlite://")
>>> db.upgrade()
>>> _ = record(db, "user_added", actor=None, actor_name="cli", target="ana",
...            detail={"role": "cro"})
>>> [(entry.actor_name, entry.action, entry.detail) for entry in recent(db)]
[('cli', 'user_added', {'role': 'cro'})]
>>> db.dispose()
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from revhub.appdb.database import AppDatabase
from revhub.appdb.models import AuditEntry
from revhub.appdb.records import AuditRecord, UserRecord

ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "export",
    "user_added",
    "user_activated",
    "user_deactivated",
    "role_changed",
    "password_changed",
    "token_created",
    "token_revoked",
    "target_edited",
)
"""The actions revhub records; new ones are snake_case verbs in the past tense or nouns."""

ANONYMOUS = "anonymous"
"""The actor name of an entry without a signed-in user (e.g. a failed sign-in)."""

_ACTION = re.compile(r"[a-z][a-z_]{1,63}")
_SECRET_KEY = re.compile(r"password|secret|hash|(^|_)token$|^csrf", re.IGNORECASE)


def record(
    db: AppDatabase,
    action: str,
    *,
    actor: UserRecord | None,
    actor_name: str | None = None,
    target: str | None = None,
    detail: Mapping[str, Any] | None = None,
    ip: str | None = None,
) -> AuditRecord:
    """Append an entry. ``actor_name`` defaults to the actor's user name, or
    ``anonymous``; the command line passes ``cli``."""
    if not _ACTION.fullmatch(action):
        raise ValueError(f"audit action `{action}` must be snake_case, e.g. `user_added`")
    secret_keys = [key for key in (detail or {}) if _SECRET_KEY.search(key)]
    if secret_keys:
        raise ValueError(f"audit detail must not hold secrets; remove {secret_keys}")
    name = actor_name or (actor.username if actor else ANONYMOUS)
    with db.session() as session:
        row = AuditEntry(
            at=db.now(),
            actor_id=actor.id if actor else None,
            actor_name=name[:64],
            action=action,
            target=target[:200] if target else None,
            detail=dict(detail or {}),
            ip=ip,
        )
        session.add(row)
        session.flush()
        return AuditRecord.of(row)


def recent(db: AppDatabase, *, limit: int = 100, action: str | None = None) -> list[AuditRecord]:
    """The newest ``limit`` entries, newest first, optionally of one ``action`` only."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    with db.session() as session:
        return [AuditRecord.of(row) for row in session.scalars(query)]

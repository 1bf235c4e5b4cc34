"""The app database: users, sessions, API tokens, saved views, target edits and the
audit log of revhub's REST API and dashboard (SQLAlchemy + Alembic; SQLite by default,
PostgreSQL in production).

Every function takes an ``AppDatabase`` and opens its own short transaction, and hands
back frozen records rather than ORM rows::

    db = AppDatabase.for_settings(settings)
    db.upgrade()
    user = authenticate(db, "ana", password, ip=ip, window_minutes=15, max_attempts=5)
    token, csrf = start_session(db, user.id, ip=ip, user_agent=agent, hours=12)
"""

from __future__ import annotations

from revhub.appdb.audit import ACTIONS, recent, record
from revhub.appdb.crm_users import CrmUser, require_crm_user
from revhub.appdb.database import AppDatabase
from revhub.appdb.logins import authenticate
from revhub.appdb.passwords import (
    check_password_rules,
    hash_password,
    needs_rehash,
    random_password,
    verify_password,
)
from revhub.appdb.records import AuditRecord, TokenRecord, UserRecord, ViewRecord
from revhub.appdb.sessions import (
    end_all_sessions,
    end_session,
    purge_expired_sessions,
    resolve_session,
    start_session,
)
from revhub.appdb.tokens import create_token, list_tokens, resolve_token, revoke_token
from revhub.appdb.users import (
    create_user,
    ensure_first_admin,
    find_user,
    get_user,
    list_users,
    require_user,
    set_active,
    set_password,
    set_role,
)
from revhub.appdb.views import delete_view, list_views, save_view
from revhub.errors import AppDatabaseError

__all__ = [
    "ACTIONS",
    "AppDatabase",
    "AppDatabaseError",
    "AuditRecord",
    "CrmUser",
    "TokenRecord",
    "UserRecord",
    "ViewRecord",
    "authenticate",
    "check_password_rules",
    "create_token",
    "create_user",
    "delete_view",
    "end_all_sessions",
    "end_session",
    "ensure_first_admin",
    "find_user",
    "get_user",
    "hash_password",
    "list_tokens",
    "list_users",
    "list_views",
    "needs_rehash",
    "purge_expired_sessions",
    "random_password",
    "recent",
    "record",
    "require_crm_user",
    "require_user",
    "resolve_session",
    "resolve_token",
    "revoke_token",
    "save_view",
    "set_active",
    "set_password",
    "set_role",
    "start_session",
    "verify_password",
]

"""The people who may sign in: adding them, finding them, and changing their password,
role or standing.

User names are case-insensitive (stored lower-case). Sales reps and sales managers see
only the rows of the CRM user they map to, so those roles need ``crm_user_id``. There is
always at least one active admin: a change that would leave none is refused.

>>> from revhub.appdb.database import AppDatabase
>>> db = AppDatabase("sqlite://")
>>> db.upgrade()
>>> create_user(db, "Ana", "revenue_analyst", "a long enough password").username
'ana'
>>> db.dispose()
"""

from __future__ import annotations

import re

from sqlalchemy import exc, func, select
from sqlalchemy.orm import Session

from revhub.access import NEEDS_CRM_USER, Role, parse_role
from revhub.appdb.database import AppDatabase
from revhub.appdb.models import User
from revhub.appdb.passwords import check_password_rules, hash_password, random_password
from revhub.appdb.records import UserRecord
from revhub.errors import NotFoundError, UserAdminError, did_you_mean

FIRST_ADMIN = "admin"
"""The user ``ensure_first_admin`` creates in an empty app database."""

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


def normalise_username(text: str) -> str:
    """``text`` as a stored user name: trimmed, lower-case, checked.

    >>> normalise_username(" Ana.Lopez ")
    'ana.lopez'
    """
    name = text.strip().casefold()
    if not _USERNAME.fullmatch(name):
        raise UserAdminError(
            f"`{text}` is not a usable user name: use 1–64 letters, digits, '.', '_', '-' "
            "or '@', starting with a letter or digit."
        )
    return name


def create_user(
    db: AppDatabase,
    username: str,
    role: str | Role,
    password: str,
    *,
    display_name: str | None = None,
    email: str | None = None,
    crm_user_id: str | None = None,
) -> UserRecord:
    """Add a user who may sign in with ``password``; ``role`` is a ``Role`` or its name."""
    name = normalise_username(username)
    parsed = parse_role(str(role))
    check_role_mapping(parsed, crm_user_id)
    check_password_rules(password, username=name)
    if email is not None and "@" not in email:
        raise UserAdminError(f"`{email}` is not an email address.")
    password_hash = hash_password(db.hasher, password)
    now = db.now()
    with db.session() as session:
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            raise UserAdminError(f"user `{name}` exists already; choose another name.")
        row = User(
            username=name,
            display_name=(display_name or "").strip() or name,
            email=email,
            role=parsed.value,
            crm_user_id=crm_user_id,
            password_hash=password_hash,
            is_active=True,
            created_at=now,
            last_login_at=None,
            password_changed_at=now,
        )
        session.add(row)
        try:
            session.flush()
        except exc.IntegrityError as error:  # added by another process since the check
            raise UserAdminError(f"user `{name}` exists already; choose another name.") from error
        return UserRecord.of(row)


def ensure_first_admin(db: AppDatabase) -> tuple[UserRecord, str] | None:
    """In an empty app database, create ``admin`` with a random password and return it
    with that password (to show once); otherwise None."""
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(User)):
            return None
    password = random_password()
    try:
        admin = create_user(db, FIRST_ADMIN, Role.admin, password, display_name="Administrator")
    except UserAdminError:
        # another process created the first user at the same moment
        if find_user(db, FIRST_ADMIN) is None:
            raise
        return None
    return admin, password


def get_user(db: AppDatabase, user_id: int) -> UserRecord:
    """The user with id ``user_id``, or ``NotFoundError``."""
    with db.session() as session:
        return UserRecord.of(_row(session, user_id))


def find_user(db: AppDatabase, username: str) -> UserRecord | None:
    """The user named ``username`` (any case), or None."""
    with db.session() as session:
        row = session.scalars(select(User).where(User.username == username.strip().casefold()))
        found = row.one_or_none()
        return UserRecord.of(found) if found else None


def require_user(db: AppDatabase, username: str) -> UserRecord:
    """The user named ``username``, or ``NotFoundError`` with a "did you mean"."""
    found = find_user(db, username)
    if found is None:
        hint = did_you_mean(username.strip().casefold(), [u.username for u in list_users(db)])
        raise NotFoundError("user", username, hint)
    return found


def list_users(db: AppDatabase) -> list[UserRecord]:
    """Every user, by name."""
    with db.session() as session:
        return [UserRecord.of(row) for row in session.scalars(select(User).order_by(User.username))]


def set_password(db: AppDatabase, user_id: int, password: str) -> UserRecord:
    """Give the user a new password (checked against the rules)."""
    with db.session() as session:
        row = _row(session, user_id)
        check_password_rules(password, username=row.username)
        row.password_hash = hash_password(db.hasher, password)
        row.password_changed_at = db.now()
        return UserRecord.of(row)


def set_role(
    db: AppDatabase, user_id: int, role: str | Role, *, crm_user_id: str | None = None
) -> UserRecord:
    """Change the user's role; ``crm_user_id``, when given, replaces the CRM user too."""
    parsed = parse_role(str(role))
    with db.session() as session:
        row = _row(session, user_id)
        mapped = crm_user_id if crm_user_id is not None else row.crm_user_id
        check_role_mapping(parsed, mapped)
        if row.role == Role.admin and parsed is not Role.admin:
            _keep_an_admin(session, row)
        row.role = parsed.value
        row.crm_user_id = mapped
        return UserRecord.of(row)


def set_active(db: AppDatabase, user_id: int, active: bool) -> UserRecord:
    """Let the user sign in again, or stop them (their sessions and tokens stop working)."""
    with db.session() as session:
        row = _row(session, user_id)
        if not active and row.is_active and row.role == Role.admin:
            _keep_an_admin(session, row)
        row.is_active = active
        return UserRecord.of(row)


def _row(session: Session, user_id: int) -> User:
    row = session.get(User, user_id)
    if row is None:
        raise NotFoundError("user", str(user_id))
    return row


def check_role_mapping(role: Role, crm_user_id: str | None) -> None:
    """Raise ``UserAdminError`` when ``role`` needs a CRM user and none is given.

    >>> check_role_mapping(Role.sales_rep, "usr_0000007")
    """
    if role in NEEDS_CRM_USER and not crm_user_id:
        raise UserAdminError(
            f"the {role.value} role sees the rows of one CRM user (and their teams): pass "
            "--crm-user with that user's id from the workspace's users table."
        )


def _keep_an_admin(session: Session, leaving: User) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.admin.value, User.is_active, User.id != leaving.id)
    )
    if not others:
        raise UserAdminError(
            f"`{leaving.username}` is the last active admin; make another user admin first."
        )

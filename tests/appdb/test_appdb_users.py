"""Users: adding them, the rules they must meet, the first admin, and changing them."""

from __future__ import annotations

import pytest
from appdb_helpers import CHEAP_HASHER, ManualClock
from sqlalchemy import select

from revhub.access import Role
from revhub.appdb import (
    AppDatabase,
    authenticate,
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
from revhub.appdb.models import User
from revhub.errors import NotFoundError, UserAdminError

PASSWORD = "correct horse battery staple"


def _sign_in(db: AppDatabase, name: str, password: str) -> str:
    user = authenticate(db, name, password, ip=None, window_minutes=15, max_attempts=5)
    return user.username


def test_create_user_returns_a_record_without_secrets(app_db: AppDatabase) -> None:
    user = create_user(app_db, " Ana.Lopez ", "cro", PASSWORD, email="ana@example.com")
    assert user.username == "ana.lopez" and user.display_name == "ana.lopez"
    assert user.role is Role.cro and user.is_active and user.last_login_at is None
    assert user.created_at == user.password_changed_at == app_db.now()
    assert not hasattr(user, "password_hash")
    assert get_user(app_db, user.id) == user == find_user(app_db, "ANA.LOPEZ")
    with app_db.session() as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_user_names_are_unique_in_any_case(app_db: AppDatabase) -> None:
    create_user(app_db, "ana", "cro", PASSWORD)
    with pytest.raises(UserAdminError, match="user `ana` exists already"):
        create_user(app_db, "ANA", "finance", PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [("short pw", "8 characters long; use at least 12"), ("Ana.Lopez.12", "not be the user name")],
)
def test_weak_passwords_are_refused(app_db: AppDatabase, password: str, message: str) -> None:
    with pytest.raises(UserAdminError, match=message):
        create_user(app_db, "ana.lopez.12", "cro", password)
    assert list_users(app_db) == []


def test_an_unknown_role_suggests_the_closest(app_db: AppDatabase) -> None:
    with pytest.raises(
        UserAdminError, match=r"unknown role `sales_reps`\. Did you mean `sales_rep`"
    ):
        create_user(app_db, "ana", "sales_reps", PASSWORD)


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager"])
def test_row_scoped_roles_need_a_crm_user(app_db: AppDatabase, role: str) -> None:
    with pytest.raises(UserAdminError, match="pass --crm-user"):
        create_user(app_db, "rep", role, PASSWORD)
    user = create_user(app_db, "rep", role, PASSWORD, crm_user_id="usr_0000007")
    assert user.crm_user_id == "usr_0000007"


def test_bad_user_names_and_emails_are_refused(app_db: AppDatabase) -> None:
    with pytest.raises(UserAdminError, match="not a usable user name"):
        create_user(app_db, "ana lopez", "cro", PASSWORD)
    with pytest.raises(UserAdminError, match="not an email address"):
        create_user(app_db, "ana", "cro", PASSWORD, email="ana.example.com")


def test_the_first_admin_is_created_once(app_db: AppDatabase) -> None:
    created = ensure_first_admin(app_db)
    assert created is not None
    admin, password = created
    assert admin.username == "admin" and admin.role is Role.admin and len(password) >= 12
    assert _sign_in(app_db, "admin", password) == "admin"
    assert ensure_first_admin(app_db) is None
    assert [u.username for u in list_users(app_db)] == ["admin"]


def test_no_first_admin_when_someone_exists(app_db: AppDatabase) -> None:
    create_user(app_db, "ana", "cro", PASSWORD)
    assert ensure_first_admin(app_db) is None


def test_set_password_replaces_the_old_one(app_db: AppDatabase, clock: ManualClock) -> None:
    user = create_user(app_db, "ana", "cro", PASSWORD)
    later = clock.advance(days=3)
    changed = set_password(app_db, user.id, "a brand new passphrase")
    assert changed.password_changed_at == later
    assert _sign_in(app_db, "ana", "a brand new passphrase") == "ana"
    with pytest.raises(UserAdminError, match="use at least 12"):
        set_password(app_db, user.id, "too short")


def test_set_role_checks_the_crm_user(app_db: AppDatabase) -> None:
    create_user(app_db, "root", "admin", PASSWORD)
    user = create_user(app_db, "ana", "revenue_analyst", PASSWORD)
    with pytest.raises(UserAdminError, match="--crm-user"):
        set_role(app_db, user.id, "sales_manager")
    moved = set_role(app_db, user.id, Role.sales_manager, crm_user_id="usr_0000005")
    assert moved.role is Role.sales_manager and moved.crm_user_id == "usr_0000005"
    kept = set_role(app_db, user.id, "sales_rep")
    assert kept.crm_user_id == "usr_0000005"


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(app_db: AppDatabase) -> None:
    root = create_user(app_db, "root", "admin", PASSWORD)
    with pytest.raises(UserAdminError, match="last active admin"):
        set_role(app_db, root.id, "cro")
    with pytest.raises(UserAdminError, match="last active admin"):
        set_active(app_db, root.id, False)
    other = create_user(app_db, "other", "admin", PASSWORD)
    assert not set_active(app_db, root.id, False).is_active
    with pytest.raises(UserAdminError, match="`other` is the last active admin"):
        set_role(app_db, other.id, "finance")
    assert set_active(app_db, root.id, True).is_active
    assert set_role(app_db, other.id, "finance").role is Role.finance


def test_missing_users_read_as_not_found_with_a_hint(app_db: AppDatabase) -> None:
    create_user(app_db, "ana.lopez", "cro", PASSWORD)
    with pytest.raises(
        NotFoundError, match=r"user `ana\.lopes` not found\. Did you mean `ana\.lopez`"
    ):
        require_user(app_db, "ana.lopes")
    with pytest.raises(NotFoundError, match="user `999` not found"):
        get_user(app_db, 999)
    assert find_user(app_db, "nobody") is None


def test_production_hashing_uses_argon2_defaults() -> None:
    db = AppDatabase("sqlite://")
    try:
        assert db.hasher.time_cost >= 2 and db.hasher.memory_cost >= 19 * 1024
        assert db.hasher.time_cost > CHEAP_HASHER.time_cost
    finally:
        db.dispose()

"""API tokens: shown once, stored hashed, named, revocable, expiring."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from appdb_helpers import ManualClock
from sqlalchemy import select, text

from revhub.appdb import (
    AppDatabase,
    UserRecord,
    create_token,
    create_user,
    list_tokens,
    resolve_token,
    revoke_token,
    set_active,
)
from revhub.appdb.models import ApiToken
from revhub.errors import NotFoundError, UserAdminError


@pytest.fixture
def ana(app_db: AppDatabase) -> UserRecord:
    create_user(app_db, "root", "admin", "a long enough password")
    return create_user(app_db, "ana", "cro", "a long enough password")


def test_the_token_is_shown_once_and_stored_only_hashed(
    app_db: AppDatabase, ana: UserRecord
) -> None:
    record, token = create_token(app_db, ana.id, " laptop ")
    assert token.startswith("rh_") and len(token) > 40
    assert record.name == "laptop" and record.prefix == token[:10] and record.expires_at is None
    with app_db.engine.connect() as connection:
        dumped = repr(connection.execute(text("SELECT * FROM api_tokens")).all())
    assert token not in dumped and token[10:] not in dumped
    assert hashlib.sha256(token.encode()).hexdigest() in dumped
    assert not hasattr(record, "token_hash")


def test_a_token_resolves_to_its_user_and_records_its_use(
    app_db: AppDatabase, ana: UserRecord, clock: ManualClock
) -> None:
    record, token = create_token(app_db, ana.id, "ci")
    used = clock.advance(hours=1)
    assert resolve_token(app_db, token) == ana
    [listed] = list_tokens(app_db, ana.id)
    assert listed.id == record.id and listed.last_used_at == used
    clock.advance(seconds=20)
    resolve_token(app_db, token)
    assert list_tokens(app_db, ana.id)[0].last_used_at == used  # at most once a minute
    assert resolve_token(app_db, "rh_unknown") is None
    assert resolve_token(app_db, "not even shaped like one") is None


def test_revoked_tokens_stop_working(app_db: AppDatabase, ana: UserRecord) -> None:
    record, token = create_token(app_db, ana.id, "ci")
    revoked = revoke_token(app_db, ana.id, record.id)
    assert revoked.revoked_at == app_db.now() and revoked.status(app_db.now()) == "revoked"
    assert resolve_token(app_db, token) is None
    assert revoke_token(app_db, ana.id, record.id) == revoked  # twice is fine


def test_tokens_expire(app_db: AppDatabase, ana: UserRecord, clock: ManualClock) -> None:
    record, token = create_token(app_db, ana.id, "short-lived", days=2)
    assert record.expires_at == clock.now + dt.timedelta(days=2)
    clock.advance(days=2, seconds=-1)
    assert resolve_token(app_db, token) == ana
    clock.advance(seconds=1)
    assert resolve_token(app_db, token) is None
    assert list_tokens(app_db, ana.id)[0].status(clock.now) == "expired"


def test_a_deactivated_users_tokens_stop_working(app_db: AppDatabase, ana: UserRecord) -> None:
    _, token = create_token(app_db, ana.id, "ci")
    set_active(app_db, ana.id, False)
    assert resolve_token(app_db, token) is None


def test_tokens_are_listed_newest_first_and_kept_to_their_owner(
    app_db: AppDatabase, ana: UserRecord, clock: ManualClock
) -> None:
    bob = create_user(app_db, "bob", "finance", "a long enough password")
    first, _ = create_token(app_db, ana.id, "first")
    clock.advance(minutes=1)
    create_token(app_db, ana.id, "second")
    create_token(app_db, bob.id, "bobs")
    assert [t.name for t in list_tokens(app_db, ana.id)] == ["second", "first"]
    with pytest.raises(NotFoundError, match=f"token `{first.id}` not found"):
        revoke_token(app_db, bob.id, first.id)
    with app_db.session() as session:
        assert session.get_one(ApiToken, first.id).revoked_at is None
        assert session.scalars(select(ApiToken.name).where(ApiToken.user_id == bob.id)).one()


def test_bad_token_requests_are_refused(app_db: AppDatabase, ana: UserRecord) -> None:
    with pytest.raises(UserAdminError, match="needs a name"):
        create_token(app_db, ana.id, "  ")
    with pytest.raises(UserAdminError, match="positive number of days"):
        create_token(app_db, ana.id, "ci", days=0)
    with pytest.raises(NotFoundError, match="user `999`"):
        create_token(app_db, 999, "ci")

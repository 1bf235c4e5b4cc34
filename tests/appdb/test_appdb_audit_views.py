"""The audit log and saved views."""

from __future__ import annotations

import pytest
from appdb_helpers import ManualClock

from revhub.appdb import (
    AppDatabase,
    create_user,
    delete_view,
    list_views,
    recent,
    record,
    save_view,
)
from revhub.errors import NotFoundError, UserAdminError


def test_entries_come_back_newest_first(app_db: AppDatabase, clock: ManualClock) -> None:
    ana = create_user(app_db, "ana", "cro", "a long enough password")
    record(app_db, "login_failed", actor=None, target="ana", ip="10.0.0.1")
    clock.advance(seconds=5)
    record(app_db, "login", actor=ana, ip="10.0.0.1")
    clock.advance(seconds=5)
    record(app_db, "user_added", actor=None, actor_name="cli", target="bob", detail={"role": "cro"})
    entries = recent(app_db)
    assert [(e.action, e.actor_name, e.actor_id) for e in entries] == [
        ("user_added", "cli", None),
        ("login", "ana", ana.id),
        ("login_failed", "anonymous", None),
    ]
    assert entries[0].detail == {"role": "cro"} and entries[0].at == clock.now
    assert entries[2].target == "ana" and entries[2].ip == "10.0.0.1" and entries[2].detail == {}
    assert [e.action for e in recent(app_db, action="login")] == ["login"]
    assert len(recent(app_db, limit=2)) == 2


@pytest.mark.parametrize("key", ["password", "new_password", "token", "api_token", "csrf", "hash"])
def test_secrets_are_kept_out_of_the_detail(app_db: AppDatabase, key: str) -> None:
    with pytest.raises(ValueError, match="must not hold secrets"):
        record(app_db, "password_changed", actor=None, detail={key: "x"})
    assert recent(app_db) == []


def test_actions_are_snake_case(app_db: AppDatabase) -> None:
    with pytest.raises(ValueError, match="snake_case"):
        record(app_db, "User Added", actor=None)


def test_saved_views_are_per_user_and_replace_by_name(app_db: AppDatabase) -> None:
    ana = create_user(app_db, "ana", "cro", "a long enough password")
    bob = create_user(app_db, "bob", "cro", "a long enough password")
    save_view(app_db, ana.id, "EMEA", "pipeline", "region=EMEA")
    save_view(app_db, ana.id, "Churn", "revenue", "grain=quarter")
    replaced = save_view(app_db, ana.id, "EMEA", "pipeline", "region=EMEA&segment=smb")
    save_view(app_db, bob.id, "EMEA", "pipeline", "region=EMEA")
    views = list_views(app_db, ana.id)
    assert [(v.name, v.query) for v in views] == [
        ("Churn", "grain=quarter"),
        ("EMEA", "region=EMEA&segment=smb"),
    ]
    assert views[1].id == replaced.id
    assert [v.name for v in list_views(app_db, ana.id, page="revenue")] == ["Churn"]
    delete_view(app_db, ana.id, "EMEA")
    assert [v.name for v in list_views(app_db, ana.id)] == ["Churn"]
    assert [v.name for v in list_views(app_db, bob.id)] == ["EMEA"]
    with pytest.raises(NotFoundError, match="saved view `Churn` not found"):
        delete_view(app_db, bob.id, "Churn")
    with pytest.raises(UserAdminError, match="needs a name"):
        save_view(app_db, ana.id, "", "pipeline", "")

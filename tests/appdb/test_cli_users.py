"""`revhub user ...` in-process (Typer's CliRunner on the sub-app), on SQLite and on
PostgreSQL: the workspace's settings choose the app database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import revhub
from revhub.access import Role
from revhub.appdb import AppDatabase, authenticate, find_user, recent, resolve_token
from revhub.cli_users import users_app
from revhub.config import load_settings
from revhub.errors import NotFoundError, UserAdminError, WorkspaceError

PASSWORD = "correct horse battery staple"
runner = CliRunner()


@pytest.fixture
def workspace(
    crm_template: Path, tmp_path: Path, app_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A copy of the CRM workspace; on PostgreSQL its app database set by environment."""
    root = tmp_path / "ws"
    shutil.copytree(crm_template, root)
    if app_db_url.startswith("postgresql"):
        monkeypatch.setenv("REVHUB_SERVER__APP_DATABASE", app_db_url)
    return root


@pytest.fixture
def db(workspace: Path) -> Iterator[AppDatabase]:
    """The workspace's app database, as the commands see it."""
    database = AppDatabase.for_settings(load_settings(workspace))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def manager(crm_template: Path) -> tuple[str, str]:
    """The id and name of a sales manager in the CRM users table."""
    with revhub.open(crm_template) as ws:
        users = ws.table("users")
        row = users.filter(users.role == "sales_manager").order_by("user_id").limit(1).execute()
    return str(row.user_id[0]), str(row.name[0])


def _user(workspace: Path, *args: str, input: str | None = None) -> Result:
    return runner.invoke(users_app, [*args, "--workspace", str(workspace)], input=input)


def _sign_in(db: AppDatabase, name: str, password: str) -> str:
    return authenticate(db, name, password, ip=None, window_minutes=15, max_attempts=5).username


def test_add_asks_for_the_password_twice_and_audits(workspace: Path, db: AppDatabase) -> None:
    result = _user(workspace, "add", "Ana", "--role", "cro", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Added user ana (cro)." in result.stdout and PASSWORD not in result.stdout
    assert _sign_in(db, "ana", PASSWORD) == "ana"
    [entry] = recent(db)
    assert (entry.action, entry.actor_name, entry.actor_id, entry.target) == (
        "user_added",
        "cli",
        None,
        "ana",
    )
    listed = _user(workspace, "list")
    assert listed.exit_code == 0 and "ana" in listed.stdout and " UTC " in listed.stdout


def test_add_reads_one_line_from_stdin(workspace: Path, db: AppDatabase) -> None:
    result = _user(
        workspace, "add", "bob", "--role", "finance", "--email", "bob@example.com",
        "--display-name", "Bob B.", "--password-stdin", input=PASSWORD + "\r\nignored\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    bob = find_user(db, "bob")
    assert bob is not None and bob.display_name == "Bob B." and bob.email == "bob@example.com"
    assert _sign_in(db, "bob", PASSWORD) == "bob"


def test_add_refuses_weak_passwords_and_unknown_roles(workspace: Path, db: AppDatabase) -> None:
    weak = _user(workspace, "add", "bob", "--role", "cro", "--password-stdin", input="short\n")
    assert isinstance(weak.exception, UserAdminError) and "at least 12" in str(weak.exception)
    role = _user(workspace, "add", "bob", "--role", "sales_reps", "--password-stdin")
    assert isinstance(role.exception, UserAdminError)
    assert "Did you mean `sales_rep`?" in str(role.exception)
    empty = _user(workspace, "add", "bob", "--role", "cro", "--password-stdin", input="\n")
    assert "empty line" in str(empty.exception)
    assert find_user(db, "bob") is None


def test_row_scoped_roles_need_a_crm_user_that_exists(
    workspace: Path, db: AppDatabase, manager: tuple[str, str]
) -> None:
    user_id, name = manager
    missing = _user(workspace, "add", "mia", "--role", "sales_manager")
    assert isinstance(missing.exception, UserAdminError) and "--crm-user" in str(missing.exception)
    typo = user_id.replace("_000", "_00", 1)  # one zero short
    wrong = _user(workspace, "add", "mia", "--role", "sales_manager", "--crm-user", typo)
    assert isinstance(wrong.exception, UserAdminError) and "Did you mean `usr_" in str(
        wrong.exception
    )
    by_name = _user(workspace, "add", "mia", "--role", "sales_manager", "--crm-user", name)
    assert f"Did you mean `{user_id}` ({name})?" in str(by_name.exception)
    added = _user(
        workspace, "add", "mia", "--role", "sales_manager", "--crm-user", user_id,
        "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert f"CRM user {user_id} {name}" in added.stdout
    mia = find_user(db, "mia")
    assert mia is not None and mia.role is Role.sales_manager and mia.crm_user_id == user_id


def test_role_password_activation_and_tokens(
    workspace: Path, db: AppDatabase, manager: tuple[str, str]
) -> None:
    _user(workspace, "add", "root", "--role", "admin", "--password-stdin", input=PASSWORD + "\n")
    _user(workspace, "add", "ana", "--role", "cro", "--password-stdin", input=PASSWORD + "\n")

    role = _user(workspace, "set-role", "ana", "sales_rep", "--crm-user", manager[0])
    assert role.exit_code == 0, role.output
    assert "ana is now sales_rep" in role.stdout and "(was cro)" in role.stdout

    new_password = "another long passphrase"
    changed = _user(workspace, "set-password", "ana", "--password-stdin", input=new_password)
    assert changed.exit_code == 0, changed.output
    assert _sign_in(db, "ana", new_password) == "ana"

    made = _user(workspace, "token", "ana", "--name", "ci", "--days", "30")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("rh_") and "shown only now" in made.stderr
    assert token not in repr([e.detail for e in recent(db)])
    assert resolve_token(db, token) == find_user(db, "ana")

    off = _user(workspace, "deactivate", "ana")
    assert off.exit_code == 0, off.output
    assert resolve_token(db, token) is None
    refused = _user(workspace, "token", "ana", "--name", "again")
    assert isinstance(refused.exception, UserAdminError)
    assert _user(workspace, "activate", "ana").exit_code == 0
    assert resolve_token(db, token) is not None

    actions = [e.action for e in recent(db)]
    assert actions == [
        "user_activated",
        "user_deactivated",
        "token_created",
        "password_changed",
        "role_changed",
        "user_added",
        "user_added",
    ]
    assert recent(db, action="role_changed")[0].detail == {
        "from": "cro",
        "to": "sales_rep",
        "crm_user_id": manager[0],
    }


def test_unknown_users_and_workspaces_are_clear_errors(workspace: Path, tmp_path: Path) -> None:
    _user(workspace, "add", "ana.lopez", "--role", "cro", "--password-stdin", input=PASSWORD)
    unknown = _user(workspace, "set-role", "ana.lopes", "finance")
    assert isinstance(unknown.exception, NotFoundError)
    assert "Did you mean `ana.lopez`?" in str(unknown.exception)
    nowhere = _user(tmp_path / "nowhere", "list")
    assert isinstance(nowhere.exception, WorkspaceError) and "revhub init" in str(nowhere.exception)


def test_there_is_no_password_option(workspace: Path) -> None:
    result = _user(workspace, "add", "ana", "--role", "cro", "--password", PASSWORD)
    assert result.exit_code == 2 and "No such option" in result.output

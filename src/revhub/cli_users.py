"""`revhub user ...`: who may sign in to the dashboard and the API, with which role.

Passwords are read from a hidden prompt (asked twice) or, for scripts, from the first line
of stdin with ``--password-stdin``; never from an option, which would leave them in the
shell history and the process list. Every change is written to the audit log as done by
``cli``.

>>> sorted(command.name or "" for command in users_app.registered_commands)
['activate', 'add', 'deactivate', 'list', 'set-password', 'set-role', 'token']
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from revhub.access import Role, parse_role
from revhub.appdb import (
    AppDatabase,
    UserRecord,
    audit,
    create_token,
    create_user,
    end_all_sessions,
    find_user,
    list_users,
    require_crm_user,
    require_user,
    set_active,
    set_password,
    set_role,
)
from revhub.appdb.users import check_role_mapping
from revhub.cli_output import WorkspaceOption, console, open_workspace, state
from revhub.config import load_settings
from revhub.errors import UserAdminError, WorkspaceError

CLI_ACTOR = "cli"
"""The actor name of audit entries written by these commands."""

users_app = typer.Typer(
    help="Users of the dashboard and the API: add them, list them, change their role or "
    "password, deactivate them, give them API tokens.",
    no_args_is_help=True,
)

NameArgument = Annotated[str, typer.Argument(metavar="NAME", help="The user name.")]
PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin, not a prompt."
    ),
]
CrmUserOption = Annotated[
    str | None,
    typer.Option(
        "--crm-user",
        help="The user's id in the workspace's CRM users table (needed by sales_rep and "
        "sales_manager, whose rows follow it).",
    ),
]


@users_app.command("add")
def add(
    username: NameArgument,
    role: Annotated[str, typer.Option(help="One of: " + ", ".join(r.value for r in Role) + ".")],
    display_name: Annotated[str | None, typer.Option(help="Name shown in the dashboard.")] = None,
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    crm_user: CrmUserOption = None,
    password_stdin: PasswordStdinOption = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Add a user who may sign in (asks for the password)."""
    parsed = parse_role(role)
    check_role_mapping(parsed, crm_user)
    with _app_database(workspace) as db:
        if find_user(db, username) is not None:
            raise UserAdminError(f"user `{username}` exists already; choose another name.")
        linked = _check_crm_user(workspace, crm_user)
        password = _read_password(password_stdin)
        user = create_user(
            db,
            username,
            parsed,
            password,
            display_name=display_name,
            email=email,
            crm_user_id=crm_user,
        )
        detail = {"role": user.role.value, "crm_user_id": user.crm_user_id}
        _audit(db, "user_added", user, detail)
    console.print(f"Added user [bold]{escape(user.username)}[/] ({user.role.value}{linked}).")


@users_app.command("list")
def list_command(workspace: WorkspaceOption = Path(".")) -> None:
    """List every user: role, CRM user, whether active, last sign-in."""
    with _app_database(workspace) as db:
        users = list_users(db)
    table = RichTable(title=f"{len(users)} user(s)")
    for column in ("name", "role", "crm user", "active", "last login"):
        table.add_column(column)
    for user in users:
        table.add_row(
            escape(user.username),
            user.role.value,
            escape(user.crm_user_id or ""),
            "yes" if user.is_active else "[red]no[/]",
            _when(user.last_login_at),
        )
    console.print(table)


@users_app.command("set-password")
def set_password_command(
    username: NameArgument,
    password_stdin: PasswordStdinOption = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Give a user a new password and sign them out everywhere."""
    with _app_database(workspace) as db:
        user = require_user(db, username)
        set_password(db, user.id, _read_password(password_stdin))
        ended = end_all_sessions(db, user.id)
        _audit(db, "password_changed", user, {"sessions_ended": ended})
    console.print(
        f"Changed the password of [bold]{escape(user.username)}[/]; ended {ended} session(s)."
    )


@users_app.command("set-role")
def set_role_command(
    username: NameArgument,
    role: Annotated[str, typer.Argument(metavar="ROLE", help="The new role.")],
    crm_user: CrmUserOption = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Change a user's role (and, with --crm-user, the CRM user their rows follow)."""
    parsed = parse_role(role)
    with _app_database(workspace) as db:
        before = require_user(db, username)
        linked = _check_crm_user(workspace, crm_user)
        after = set_role(db, before.id, parsed, crm_user_id=crm_user)
        detail: dict[str, Any] = {"from": before.role.value, "to": after.role.value}
        if after.crm_user_id != before.crm_user_id:
            detail |= {"crm_user_id": after.crm_user_id}
        _audit(db, "role_changed", after, detail)
    console.print(
        f"[bold]{escape(after.username)}[/] is now {after.role.value}{linked} "
        f"(was {before.role.value})."
    )


@users_app.command("deactivate")
def deactivate(username: NameArgument, workspace: WorkspaceOption = Path(".")) -> None:
    """Stop a user from signing in; their sessions and API tokens stop working."""
    with _app_database(workspace) as db:
        user = set_active(db, require_user(db, username).id, False)
        ended = end_all_sessions(db, user.id)
        _audit(db, "user_deactivated", user, {"sessions_ended": ended})
    console.print(f"Deactivated [bold]{escape(user.username)}[/]; ended {ended} session(s).")


@users_app.command("activate")
def activate(username: NameArgument, workspace: WorkspaceOption = Path(".")) -> None:
    """Let a deactivated user sign in again."""
    with _app_database(workspace) as db:
        user = set_active(db, require_user(db, username).id, True)
        _audit(db, "user_activated", user, {})
    console.print(f"Activated [bold]{escape(user.username)}[/].")


@users_app.command("token")
def token(
    username: NameArgument,
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. `ci`.")],
    days: Annotated[
        float | None, typer.Option(min=0, help="Days until it expires (default: never).")
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Create an API token for a user and print it, once."""
    with _app_database(workspace) as db:
        user = require_user(db, username)
        if not user.is_active:
            raise UserAdminError(
                f"`{user.username}` is deactivated; activate them first (revhub user activate)."
            )
        record, plaintext = create_token(db, user.id, name, days=days)
        detail = {"name": record.name, "prefix": record.prefix, "days": days}
        _audit(db, "token_created", user, detail)
    expires = f"expires {_when(record.expires_at)}" if record.expires_at else "does not expire"
    typer.echo(
        f"API token `{record.name}` for {user.username} ({expires}). It is shown only now; "
        "send it as `Authorization: Bearer <token>`:",
        err=True,
    )
    typer.echo(plaintext)


@contextmanager
def _app_database(workspace: Path) -> Iterator[AppDatabase]:
    if not workspace.is_dir():
        raise WorkspaceError(
            f"no workspace at {workspace}. Create one with `revhub init {workspace}`."
        )
    settings = load_settings(workspace, overrides=state["overrides"])
    db = AppDatabase.for_settings(settings)
    try:
        db.upgrade()
        yield db
    finally:
        db.dispose()


def _check_crm_user(workspace: Path, crm_user: str | None) -> str:
    """Check ``crm_user`` exists in the workspace; return a phrase naming them."""
    if crm_user is None:
        return ""
    with open_workspace(workspace) as ws:
        found = require_crm_user(ws, crm_user)
    return f", CRM user {escape(found.user_id)} {escape(found.name)}"


def _read_password(from_stdin: bool) -> str:
    if not from_stdin:
        entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return entered
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserAdminError("--password-stdin read an empty line; pipe the password in.")
    return password


def _audit(db: AppDatabase, action: str, user: UserRecord, detail: dict[str, Any]) -> None:
    audit.record(db, action, actor=None, actor_name=CLI_ACTOR, target=user.username, detail=detail)


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"

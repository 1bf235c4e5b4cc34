"""`revhub user ...` as a user runs it: real processes, real exit codes, the password on
stdin, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_process import run_cli
from revhub.appdb import AppDatabase, resolve_token
from revhub.config import load_settings

PASSWORD = "correct horse battery staple"


@pytest.fixture
def workspace(crm_template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(crm_template, root)
    return root


def _with_stdin(
    *args: str, stdin: str, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Like ``run_cli``, with ``stdin`` piped in."""
    return subprocess.run(
        [sys.executable, "-m", "revhub.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **env},
        timeout=600,
    )


def test_add_a_user_and_give_them_a_token(workspace: Path, app_db_url: str) -> None:
    env = {"REVHUB_SERVER__APP_DATABASE": app_db_url} if "postgresql" in app_db_url else {}
    added = _with_stdin(
        "user", "add", "root", "--role", "admin", "--password-stdin", "-w", "ws",
        stdin=PASSWORD + "\n", cwd=workspace.parent, env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Added user root (admin)." in added.stdout
    made = run_cli(
        "user", "token", "root", "--name", "ci", "-w", "ws", cwd=workspace.parent, env=env
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("rh_") and "\n" not in token
    if not env:
        assert (workspace / "revhub-app.db").exists()
    db = AppDatabase.for_settings(load_settings(workspace, env={**os.environ, **env}))
    try:
        user = resolve_token(db, token)
        assert user is not None and user.username == "root"
    finally:
        db.dispose()


def test_errors_are_one_line_and_exit_1(workspace: Path) -> None:
    listed = run_cli("user", "list", "-w", str(workspace), cwd=workspace)
    assert listed.returncode == 0, listed.stderr
    assert "0 user(s)" in listed.stdout
    wrong = run_cli("user", "set-role", "nobody", "sales_reps", "-w", str(workspace), cwd=workspace)
    assert wrong.returncode == 1
    assert wrong.stderr.strip().startswith("error: unknown role `sales_reps`. Did you mean")
    assert "Traceback" not in wrong.stderr and len(wrong.stderr.strip().splitlines()) == 1

"""The CLI end to end, as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
import pytest

from cli_process import run_cli, serving_demo
from revhub.api.access_reference import access_reference
from revhub.demo.generator import read_manifest
from revhub.metrics.reference import metrics_reference
from revhub.reference import DOCS, cli_reference, model_reference


def test_demo_builds_summarises_and_serves_the_dashboard(tmp_path: Path) -> None:
    with serving_demo(tmp_path, "--accounts", "400", "--months", "12") as demo:
        for measure in ("Scorecard", "metrics computed", "ARR", "Net new MRR", "New bookings"):
            assert measure in demo.output
        login = httpx.post(
            f"{demo.url}api/auth/login", json={"username": "admin", "password": demo.password}
        )
        assert login.status_code == 200, login.text
        cookie = {"Cookie": login.headers["set-cookie"].split(";", 1)[0]}
        # the first overview computes the scorecards: seconds on a busy machine
        overview = httpx.get(demo.url, headers=cookie, timeout=60)
        assert overview.status_code == 200 and "data-chart" in overview.text
        rep = httpx.post(
            f"{demo.url}api/auth/login",
            json={"username": "sales_rep", "password": demo.password},
        )
        assert rep.json()["user"]["scope"] == "owned by 1 user(s)"
    status = run_cli("status", "-w", "revhub-demo", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "accounts" in status.stdout and "schema version" in status.stdout


def test_generate_then_load_into_a_new_workspace(tmp_path: Path) -> None:
    gen = run_cli("generate", "--accounts", "200", "--months", "6", "--as-of", "2026-01-01",
                 "--out", "data", cwd=tmp_path)  # fmt: skip
    assert gen.returncode == 0, gen.stderr
    assert (tmp_path / "data" / "truth" / "duplicate_records.parquet").exists()
    assert run_cli("init", "ws", cwd=tmp_path).returncode == 0
    load = run_cli("load", "data", "-w", "ws", cwd=tmp_path)
    assert load.returncode == 0, load.stderr
    summary = run_cli("summary", "-w", "ws", cwd=tmp_path)
    assert "2026-01-01" in summary.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["generate", "--out", "x", "--months", "2"], {}, "months"),
        (["generate", "--out", "x", "--accounts", "many"], {}, "accounts"),
        (["generate", "--out", "x", "--as-of", "2026-01-15"], {}, "first day of a month"),
        (["status", "-w", "nowhere"], {}, "revhub init nowhere"),
        (["status"], {"REVHUB_ENGNE__THREADS": "2"}, "Did you mean `engine`"),
        (["load", "missing-dir", "-w", "."], {}, "no canonical Parquet"),
        (["ingest", "-w", "."], {}, "add a [sources.<name>] table"),  # brackets survive
        (["generate", "--out", "a-file/demo"], {}, "cannot write to a-file"),
        (["init", "a-file/ws"], {}, "cannot create a workspace at a-file/ws"),
        (["status"], {"REVHUB_ENGINE__KIND": "sparkle"}, "engine.kind"),
    ],
)
def test_bad_input_gets_one_clear_line_and_a_non_zero_exit(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    if args[0] in ("load", "ingest"):
        assert run_cli("init", ".", cwd=tmp_path).returncode == 0
    (tmp_path / "a-file").write_text("not a directory")
    result = run_cli(*args, cwd=tmp_path, env=env)
    assert result.returncode != 0
    assert message in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr


def test_misspelt_setting_in_the_file_changes_nothing(tmp_path: Path) -> None:
    assert run_cli("init", "ws", cwd=tmp_path).returncode == 0
    config = tmp_path / "ws" / "revhub.toml"
    config.write_text("[demo]\nacounts = 10\n")
    before = sorted(p.name for p in (tmp_path / "ws").iterdir())
    result = run_cli("status", "-w", "ws", cwd=tmp_path)
    assert result.returncode == 1
    assert "demo.acounts" in result.stderr and "demo.accounts" in result.stderr
    assert sorted(p.name for p in (tmp_path / "ws").iterdir()) == before


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run_cli("--debug", "status", "-w", "nowhere", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_reference_docs_are_current() -> None:
    from revhub.cli import app

    assert (DOCS / "model.md").read_text() == model_reference(), "run `make docs`"
    assert (DOCS / "cli.md").read_text() == cli_reference(app), "run `make docs`"
    assert (DOCS / "metrics.md").read_text() == metrics_reference(), "run `make docs`"
    assert (DOCS / "access.md").read_text() == access_reference(), "run `make docs`"


def test_demo_takes_its_size_from_the_settings_and_without_serving_ends_with_the_summary(
    tmp_path: Path,
) -> None:
    assert run_cli("init", "ws", cwd=tmp_path).returncode == 0
    (tmp_path / "ws" / "revhub.toml").write_text("[demo]\naccounts = 150\nmonths = 6\n")
    result = run_cli("demo", "-w", "ws", "--no-serve", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Scorecard" in result.stdout and "Dashboard" not in result.stdout
    spec = read_manifest(tmp_path / "ws" / "demo-data" / "native")
    assert (spec.accounts, spec.months) == (150, 6)

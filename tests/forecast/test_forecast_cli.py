"""`revhub forecast run | movement | backtest | plan` as a user runs them on the demo."""

from __future__ import annotations

import shutil
from pathlib import Path

from cli_process import run_cli


def test_the_forecast_commands_on_the_demo(loaded_demo_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(loaded_demo_dir, tmp_path / "ws")
    ws = ["-w", "ws"]
    run = run_cli(
        "forecast", "run", "--from", "2026-05-18", "--as-of", "2026-06-01", "--every", "14",
        "--draws", "500", *ws, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "stored the forecast as of 2026-05-18" in run.stdout
    for shown in ("New-business bookings forecast as of 2026-06-01", "ARR at the end of each",
                  "commit call", "Win model: gradient_boosting"):  # fmt: skip
        assert shown in run.stdout, run.stdout
    move = run_cli(
        "forecast", "movement", "2026-05-18", "2026-06-01", "--period", "2026-07-01", *ws,
        cwd=tmp_path,
    )  # fmt: skip
    assert move.returncode == 0, move.stderr
    assert "new deals" in move.stdout and "pipeline to come" in move.stdout
    replay = run_cli(
        "forecast", "backtest", "--from", "2026-01-05", "--to", "2026-02-02", "--step", "28",
        "--draws", "300", "--output", "replay.csv", *ws, cwd=tmp_path,
    )  # fmt: skip
    assert replay.returncode == 0, replay.stderr
    assert "MAPE run-rate" in replay.stdout and "calibration error" in replay.stdout
    assert (tmp_path / "replay.csv").read_text().startswith("as_of,period_start,horizon")
    plan = run_cli(
        "forecast", "plan", "--target", "3000000", "--as-of", "2026-06-01", "--periods", "2",
        "--scenario", "win_rate=+2pt", *ws, cwd=tmp_path,
    )  # fmt: skip
    assert plan.returncode == 0, plan.stderr
    for shown in ("Reverse funnel", "Account executives needed", "discount band"):
        assert shown in plan.stdout, plan.stdout


def test_bad_input_is_one_clear_line(loaded_demo_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(loaded_demo_dir, tmp_path / "ws")
    late = run_cli("forecast", "run", "--as-of", "2030-01-01", "-w", "ws", cwd=tmp_path)
    assert late.returncode == 1
    assert "error: cannot forecast as of 2030-01-01: the data runs to 2026-07-01" in late.stderr
    assert "Traceback" not in late.stderr
    day = run_cli("forecast", "run", "--as-of", "1 June", "-w", "ws", cwd=tmp_path)
    assert day.returncode == 1 and "`1 June` is not a day; write it as YYYY-MM-DD" in day.stderr
    scenario = run_cli(
        "forecast", "plan", "--target", "1000000", "--scenario", "win_rate=+2%", "-w", "ws",
        cwd=tmp_path,
    )  # fmt: skip
    assert scenario.returncode == 1 and "scenario `win_rate=+2%`" in scenario.stderr

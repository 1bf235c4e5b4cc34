"""Run the `revhub` command line as a user does: a real process, real files, exit codes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "revhub.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=600,
    )


@dataclass
class ServingDemo:
    """A `revhub demo` that is serving: its address, the demo users' password and what it
    printed up to then."""

    url: str
    password: str
    output: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving_demo(cwd: Path, *args: str, timeout: float = 600) -> Iterator[ServingDemo]:
    """Run `revhub demo ARGS --port P` until it serves; stop it (Ctrl+C) on exit."""
    port = free_port()
    log = cwd / "demo.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "revhub.cli", "demo", *args, "--port", str(port)],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )
    try:
        deadline = time.monotonic() + timeout
        found = None
        while found is None:
            assert process.poll() is None, f"revhub demo stopped:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"revhub demo never served:\n{log.read_text()}"
            time.sleep(0.5)
            found = re.search(r"Sign in as admin with password (\S+)", log.read_text())
        yield ServingDemo(f"http://127.0.0.1:{port}/", found.group(1), log.read_text())
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise

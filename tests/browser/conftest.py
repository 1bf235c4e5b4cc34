"""Fixtures of the browser tests: Debian's chromium driven by Playwright, the dashboard
served live on the demo company, and tabs in fresh browser contexts.

Playwright never downloads a browser here: it drives ``/usr/bin/chromium`` (installed
with apt-get when missing). Screenshots and downloads go to ``$REVHUB_ARTIFACTS``, by
default ``test-artifacts/browser/`` at the repository's root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import LiveServer, Tabs, serve_live
from playwright.sync_api import Browser, StorageState, sync_playwright

from revhub.access import Role

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPOSITORY = Path(__file__).resolve().parents[2]


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", *args], capture_output=True, text=True, env=env, check=False, timeout=900
    )


def install_chromium() -> None:
    """Install Debian's chromium with apt-get (as root), or fail saying why."""
    if shutil.which("apt-get") is None:
        pytest.fail(f"{CHROMIUM} is missing and there is no apt-get to install chromium with.")
    if os.geteuid() != 0:
        pytest.fail(f"{CHROMIUM} is missing; install it as root: apt-get install -y chromium")
    done = _apt_get("install", "-y", "-q", "chromium")
    if done.returncode != 0:  # a fresh machine may have no package lists yet
        _apt_get("update", "-q")
        done = _apt_get("install", "-y", "-q", "chromium")
    if done.returncode != 0:
        pytest.fail(f"apt-get install chromium failed ({done.returncode}):\n{done.stderr[-2000:]}")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, installed when missing (never skipped: the tests need it)."""
    if not CHROMIUM.exists():
        install_chromium()
    if not CHROMIUM.exists():
        pytest.fail(f"chromium was installed but {CHROMIUM} is still missing.")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    """One headless chromium for the session."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def live(hub_workspace_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The dashboard served on a copy of the demo company, a user per role."""
    yield from serve_live(hub_workspace_dir, tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and downloads are kept."""
    folder = Path(os.environ.get("REVHUB_ARTIFACTS") or REPOSITORY / "test-artifacts" / "browser")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def signed_sessions() -> dict[Role, StorageState]:
    """Each role's signed-in cookies, filled as roles first sign in."""
    return {}


@pytest.fixture
def tabs(
    browser: Browser,
    live: LiveServer,
    artifacts: Path,
    signed_sessions: dict[Role, StorageState],
) -> Iterator[Tabs]:
    """Tabs for one test, each in a fresh browser context (closed after the test)."""
    opened = Tabs(browser, live, artifacts, signed_sessions)
    yield opened
    opened.close()

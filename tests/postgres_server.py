"""A throwaway PostgreSQL server for tests: installed if missing, started in a temporary
directory on a free port, one database per test, stopped at the end.

PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` OS
user (``runuser``). Anything that goes wrong raises ``PostgresUnavailableError`` with the
command and its output: tests that need PostgreSQL fail, they never skip.

    server = start_postgres()
    url = server.create_database()      # postgresql+psycopg://postgres@127.0.0.1:PORT/test_1
    ...
    server.drop_database(url)
    server.stop()
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

SUPERUSER = "postgres"


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL could not be installed, initialised or started."""


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian layout), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def install_postgres() -> Path:
    """Install PostgreSQL with apt-get (as root) and return its bin directory."""
    if os.geteuid() != 0:
        raise PostgresUnavailableError(
            "PostgreSQL is not installed and installing it needs root: "
            "apt-get install -y postgresql"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"]
    if subprocess.run(install, env=env, capture_output=True, text=True).returncode != 0:
        _run(["apt-get", "update", "-q"], env=env)
        _run(install, env=env)
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailableError("apt-get installed postgresql but no initdb was found")
    return bin_dir


class PostgresServer:
    """A running cluster in ``root``, listening on 127.0.0.1:``port`` (trust auth)."""

    def __init__(self, bin_dir: Path, root: Path, port: int) -> None:
        self.bin_dir, self.root, self.port = bin_dir, root, port
        self.data = root / "data"
        self._names = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database ``url`` names, disconnecting anyone still on it."""
        name = url.rsplit("/", 1)[1]
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            self._as_owner(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ]
            )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _admin(self, statement: sql.Composed) -> None:
        dsn = f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(statement)

    def _as_owner(self, command: list[str]) -> None:
        _run(_as_postgres(command))

    def _start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.root}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        log = self.root / "server.log"
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(log)]
        try:
            self._as_owner([*command, "-o", options, "-w", "-t", "60", "start"])
        except PostgresUnavailableError as error:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresUnavailableError(f"{error}\nserver log:\n{tail}") from None


def start_postgres() -> PostgresServer:
    """Install PostgreSQL if needed, initialise a cluster in a new temporary directory and
    start it on a free port (a few tries, in case another process takes the port)."""
    bin_dir = find_bin_dir() or install_postgres()
    # not under pytest's tmp dir: that is private to root, and the server runs as postgres
    root = Path(tempfile.mkdtemp(prefix="revhub-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(root, SUPERUSER, SUPERUSER)
        initdb = [str(bin_dir / "initdb"), "-D", str(root / "data"), "-U", SUPERUSER]
        _run(_as_postgres([*initdb, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]))
        last: PostgresUnavailableError | None = None
        for _ in range(3):
            server = PostgresServer(bin_dir, root, _free_port())
            try:
                server._start()
                return server
            except PostgresUnavailableError as error:
                last = error
        raise last or PostgresUnavailableError("could not start PostgreSQL")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", SUPERUSER, "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise PostgresUnavailableError(
            f"`{' '.join(command)}` failed with exit code {done.returncode}:\n"
            f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _version(initdb: str) -> int:
    version = Path(initdb).parent.parent.name
    return int(version) if version.isdigit() else 0

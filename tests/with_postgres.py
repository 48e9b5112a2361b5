"""Run a command with a throwaway PostgreSQL server: `python -m tests.with_postgres CMD ...`.

Used by `make test` so the whole suite runs on PostgreSQL as well as SQLite. It finds the
machine's initdb/pg_ctl (installing Debian's postgresql package when it is missing and we
are root), starts a server on 127.0.0.1 in a temporary folder, exports its URL as
EVRADAR_TEST_POSTGRES_URL, runs the command, and stops the server. If PostgreSQL cannot
start, it says why and exits non-zero: nothing is skipped silently.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

USER = "evradar"


def find_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def install() -> Path | None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    print("PostgreSQL is not installed; installing Debian's postgresql package for the test run.", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=False, env=env)
    return find_bin()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_server_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root; run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def fail(message: str) -> int:
    print(f"PostgreSQL for the tests could not be started: {message}", file=sys.stderr, flush=True)
    return 3


def main(argv: list[str]) -> int:
    if not argv:
        return fail("no command to run was given (usage: python -m tests.with_postgres CMD ...)")
    if os.environ.get("EVRADAR_TEST_POSTGRES_URL"):
        return subprocess.run(argv).returncode  # a server of the caller's own
    bindir = find_bin() or install()
    if bindir is None:
        return fail(
            "initdb and pg_ctl were not found and could not be installed; install PostgreSQL "
            "(e.g. `apt-get install postgresql`) or set EVRADAR_TEST_POSTGRES_URL to a server you run."
        )
    root = Path(tempfile.mkdtemp(prefix="evradar-pg-"))
    data, sockets, port = root / "data", root / "run", free_port()
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    started = False
    try:
        init = subprocess.run(
            as_server_user(
                [str(bindir / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8"]
            ),
            capture_output=True,
            text=True,
        )
        if init.returncode != 0:
            return fail(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200 " + os.environ.get("EVRADAR_TEST_POSTGRES_OPTIONS", "")
        )
        start = subprocess.run(
            as_server_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(root / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            capture_output=True,
            text=True,
        )
        if start.returncode != 0:
            log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
            return fail(f"pg_ctl start failed: {start.stderr.strip()} {log[-2000:]}")
        started = True
        url = f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"
        print(f"Started a throwaway PostgreSQL at {url}", flush=True)
        return subprocess.run(argv, env={**os.environ, "EVRADAR_TEST_POSTGRES_URL": url}).returncode
    finally:
        if started:
            subprocess.run(
                as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Headless Chromium for the browser tests: `python -m tests.browser` installs Debian's chromium package
when it is missing and we are root (as `make test` does, the way tests.with_postgres installs
PostgreSQL). It never fails the run itself: a browser test that finds no Chromium fails and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find() -> str | None:
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def install() -> str | None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    print("Chromium is not installed; installing Debian's chromium package for the browser tests.", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"], check=False, env=env)
    return find()


def main() -> int:
    if find() or install():
        return 0
    print(
        "Chromium could not be installed (no apt-get, or not root); the browser tests will fail. "
        "Install it with `apt-get install chromium` (or put chromium on PATH).",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

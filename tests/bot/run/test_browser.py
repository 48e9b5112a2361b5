"""The web pages in a real browser: headless Chromium opens them from a running `evradar run`."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import browser
from tests.fakes import DEALS, clean_environment, store_with_deals

ENDED = (("Honda", "General Motors"), "technology", "ended", 500.0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chromium() -> str:
    found = browser.find()
    if found is None:
        pytest.fail(
            "Chromium is not installed, so the web pages cannot be checked in a browser. Run `make test` "
            "(it installs Debian's chromium package when it can) or `apt-get install chromium`."
        )
    return found


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """`evradar run` on a store seeded with events, serving its pages on 127.0.0.1; its base URL."""
    store_with_deals(f"sqlite:///{tmp_path / 'web.db'}", (*DEALS, ENDED)).close()
    port = _free_port()
    config = tmp_path / "evradar.toml"
    config.write_text(
        f'[storage]\nurl = "sqlite:///{tmp_path / "web.db"}"\n\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n\n'
        '[[routes]]\nplatform = "console"\n',
        encoding="utf-8",
    )
    log = (tmp_path / "evradar.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=tmp_path,
        env=clean_environment(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/healthz", process, tmp_path / "evradar.log")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"evradar run exited with {process.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"evradar run did not serve {url} within 60 s: {log.read_text()}")


def _chromium(chromium: str, tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "profile"
    command = [chromium, *browser.FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _png_width(path: Path) -> int:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), f"{path} is not a PNG"
    return int(struct.unpack(">I", data[16:20])[0])


def test_pages_in_headless_chromium_on_desktop_and_phone(chromium: str, site: str, tmp_path: Path) -> None:
    index = _chromium(chromium, tmp_path, "--dump-dom", f"{site}/")
    assert index.count('<tr class="event">') == len(DEALS) + 1
    assert '<a class="partner" href="/company/Great%20Wall%20Motor">Great Wall Motor</a>' in index
    assert 'name="viewport"' in index and "Download CSV" in index

    company = _chromium(chromium, tmp_path, "--dump-dom", f"{site}/company/xiaomi")
    assert "<h1>Xiaomi</h1>" in company and "<svg" in company and "Related companies" in company
    assert company.count('<tr class="event">') == 2

    shots = tmp_path / "screenshots"
    shots.mkdir()
    for name, path in (("index", "/"), ("company", "/company/xiaomi")):
        for device, size in (("desktop", "1280,900"), ("phone", "390,844")):
            shot = shots / f"{name}-{device}.png"
            _chromium(chromium, tmp_path, f"--screenshot={shot}", f"--window-size={size}", f"{site}{path}")
            assert _png_width(shot) == int(size.split(",")[0])

"""Wrong input is refused with a sentence before anything changes: feeds, routes, ports, pipes."""

from __future__ import annotations

import asyncio
import http.server
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fakes import clean_environment
from tests.slack_fake import FakeSlack

SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"


def _evradar(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = clean_environment() | {"EVRADAR_STORAGE__URL": f"sqlite:///{tmp_path / 'cli.db'}", "COLUMNS": "80"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env | extra,
        timeout=120,
        check=False,
    )


class _Feeds(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/feed.xml"):
            body = SAMPLE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
        else:
            body = b"not here"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def feed_host() -> Iterator[str]:
    """http://127.0.0.1:PORT serving the sample feed at /feed.xml and 404 elsewhere."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _listed(tmp_path: Path) -> str:
    return _evradar(tmp_path, "feeds", "list", "--wide", COLUMNS="200").stdout


def test_feeds_add_reads_the_feed_once_and_refuses_what_is_not_one(tmp_path: Path, feed_host: str) -> None:
    for url, said in (
        ("not a url", "is not an http, https or file URL"),
        (f"{feed_host}/missing.xml", "404"),
        ("http://evradar-test.invalid/feed.xml", "could not be read"),
    ):
        refused = _evradar(tmp_path, "feeds", "add", url)
        assert refused.returncode == 1, (url, refused.stdout)
        assert said in " ".join(refused.stderr.split()) and "Added" not in refused.stdout
        assert "Traceback" not in refused.stderr
    assert "0 feeds" in _listed(tmp_path)
    added = _evradar(tmp_path, "feeds", "add", f"{feed_host}/feed.xml")
    assert added.returncode == 0 and "Added" in added.stdout
    same = f"{feed_host.upper().replace('HTTP', 'http')}/feed.xml?utm_source=x"  # the same feed
    again = _evradar(tmp_path, "feeds", "add", same)
    assert again.returncode == 1 and "already stored" in again.stderr
    unchecked = _evradar(tmp_path, "feeds", "add", f"{feed_host}/later.xml", "--no-check")
    assert unchecked.returncode == 0
    assert "2 feeds" in _listed(tmp_path)


def test_feeds_remove_refuses_a_feed_the_configuration_file_lists(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text(f'[server]\nenabled = false\n[[feeds]]\nurl = "{SAMPLE.as_uri()}"\n')
    listed = _evradar(tmp_path, "feeds", "add", SAMPLE.as_uri(), "--no-check", "--config", str(config))
    assert listed.returncode == 1 and "already listed in the configuration file" in " ".join(listed.stderr.split())
    assert _evradar(tmp_path, "run", "--once", "--config", str(config)).returncode == 0
    # Wide enough that the message's path is never wrapped, however deep the temporary folder is.
    refused = _evradar(tmp_path, "feeds", "remove", SAMPLE.as_uri(), "--config", str(config), COLUMNS="1000")
    assert refused.returncode == 1
    said = " ".join(refused.stderr.split())
    assert str(config) in said and "remove its [[feeds]] entry there" in said
    assert SAMPLE.as_uri() in _listed(tmp_path)


@pytest.mark.parametrize(
    ("route", "env", "said"),
    [
        ({"platform": "slack", "channel": "C0123456"}, {}, "routes[0].channel: posting to a Slack channel needs"),
        (
            {"platform": "slack", "webhook_url": "https://hooks.example.com/services/T/B/x"},
            {},
            "routes[0].webhook_url: a Slack incoming webhook is not on hooks.slack.com",
        ),
        (
            {"platform": "discord", "webhook_url": "https://discord.com/api/hooks/1/x"},
            {},
            "routes[0].webhook_url: a Discord webhook does not have the shape",
        ),
        (
            {"platform": "discord", "channel": "general"},
            {"DISCORD_BOT_TOKEN": "token"},
            "routes[0].channel: 'general' is not a Discord channel id",
        ),
        (
            {"platform": "console", "companies": ["Xiaomi", "Zzyzx Motors"]},
            {},
            "routes[0].companies[1]: no company called 'Zzyzx Motors' is known",
        ),
    ],
)
def test_config_check_refuses_routes_that_cannot_work(
    tmp_path: Path, route: dict[str, object], env: dict[str, str], said: str
) -> None:
    result = _evradar(tmp_path, "config", "check", EVRADAR_ROUTES=json.dumps([route]), **env)
    assert result.returncode == 2, result.stdout
    assert said in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


def test_config_check_accepts_routes_that_can_work(tmp_path: Path) -> None:
    routes = [
        {"platform": "slack", "channel": "C0123456"},
        {"platform": "slack", "webhook_url": "https://hooks.slack.com/services/T000/B000/XXXX"},
        {"platform": "discord", "channel": "112233445566778899"},
        {"platform": "discord", "webhook_url": "https://discord.com/api/webhooks/112233445566778899/tok-en"},
        {"platform": "console", "companies": ["GWM", "xiaomi"]},
    ]
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "DISCORD_BOT_TOKEN": "token", "EVRADAR_ROUTES": json.dumps(routes)}
    result = _evradar(tmp_path, "config", "check", **env)
    assert result.returncode == 0, result.stderr


def test_run_on_a_busy_port_says_so_in_one_sentence_and_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text(f'[[feeds]]\nurl = "{SAMPLE.as_uri()}"\n')
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _evradar(tmp_path, "run", "--config", str(config), EVRADAR_SERVER__PORT=str(port))
    assert result.returncode in (1, 2)
    said = " ".join(result.stderr.split())
    assert "Traceback" not in said and f"port {port}" in said and len(result.stderr.strip().splitlines()) <= 3
    assert not (tmp_path / "cli.db").exists()


def test_run_once_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    env = clean_environment() | {"EVRADAR_STORAGE__URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    command = f"{sys.executable} -m bot run --once --config config/demo.toml | head -n 1"
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr
    assert result.returncode in (0, 141), result.stderr


def test_the_demo_shows_alerts_every_time_and_leaves_no_database(tmp_path: Path) -> None:
    demo = str(ROOT / "config" / "demo.toml")
    env = clean_environment()
    for _ in range(2):
        ran = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--once", "--config", demo],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
            check=False,
        )
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.count("⚡") >= 8
    assert list(tmp_path.iterdir()) == []


async def test_the_readme_first_alert_step_works_after_a_demo(tmp_path: Path) -> None:
    demo = str(ROOT / "config" / "demo.toml")
    slack = await FakeSlack().start()
    try:
        env = clean_environment()
        first = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--once", "--config", demo, cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert await first.wait() == 0
        env |= {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "EVRADAR_SLACK__API_URL": slack.api_url,
            "EVRADAR_ROUTES": json.dumps([{"platform": "slack", "channel": "C0123456"}]),
        }
        step = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--once", "--config", demo, cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert await asyncio.wait_for(step.wait(), 120) == 0
        assert len(slack.calls("/api/chat.postMessage")) >= 8
    finally:
        await slack.stop()


def test_feeds_list_is_one_line_per_feed_at_80_columns(tmp_path: Path) -> None:
    long = "https://www.example.com/a/very/long/path/that/would/wrap/a/narrow/table/into/many/lines/feed.xml"
    for n in range(5):
        assert _evradar(tmp_path, "feeds", "add", f"{long}?n={n}", "--no-check").returncode == 0
    listed = _evradar(tmp_path, "feeds", "list").stdout.splitlines()
    assert len(listed) <= 5 + 3 and all(len(line) <= 80 for line in listed)
    assert all(line.rstrip().endswith("never") for line in listed[2:7])  # status and last poll always fit
    wide = _evradar(tmp_path, "feeds", "list", "-v", COLUMNS="300").stdout
    assert f"{long}?n=4" in wide

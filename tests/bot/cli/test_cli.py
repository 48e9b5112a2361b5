"""The command line as users run it: subprocesses, real config files, real exit statuses."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, fresh_postgres_database
from tests.fakes import clean_environment


def _env(db: Path | str, **extra: str) -> dict[str, str]:
    env = clean_environment()
    url = db if isinstance(db, str) else f"sqlite:///{db / 'cli.db'}"
    env.update({"EVRADAR_STORAGE__URL": url, "COLUMNS": "160"})
    env.update(extra)
    return env


def _evradar(tmp_path: Path, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp_path, **env),
        timeout=timeout,
        check=False,
    )


class DemoRuns:
    """Databases after `evradar run --once` on the demo config, one per kind, made on first use."""

    def __init__(self, folder: Path, cleanup: contextlib.ExitStack) -> None:
        self.folder, self.cleanup = folder, cleanup
        self.done: dict[str, tuple[str, subprocess.CompletedProcess[str]]] = {}

    def get(self, kind: str) -> tuple[str, subprocess.CompletedProcess[str]]:
        if kind not in self.done:
            url = (
                f"sqlite:///{self.folder / 'cli.db'}"
                if kind == "sqlite"
                else self.cleanup.enter_context(fresh_postgres_database())
            )
            self.done[kind] = url, _evradar(url, "run", "--once", "--config", "config/demo.toml")
        return self.done[kind]


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRuns]:
    with contextlib.ExitStack() as cleanup:
        yield DemoRuns(tmp_path_factory.mktemp("demo"), cleanup)


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_run(request: pytest.FixtureRequest, demo_runs: DemoRuns) -> tuple[str, subprocess.CompletedProcess[str]]:
    """A database after the demo run, and what that run printed: one run serves the tests of the run itself
    and of lookup, which reads what it stored."""
    return demo_runs.get(request.param)


@pytest.mark.xdist_group("demo-run")  # one worker, so one demo run serves both
def test_run_once_on_the_demo_config_prints_alerts_and_a_summary(
    demo_run: tuple[str, subprocess.CompletedProcess[str]],
) -> None:
    database_url, result = demo_run
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("⚡") >= 8
    assert "Stellantis × Leapmotor" in result.stdout
    assert "Polled 1 feeds: 1 read" in " ".join(result.stdout.split())
    again = _evradar(database_url, "run", "--once", "--config", "config/demo.toml")
    assert "⚡" not in again.stdout and "0 new items" in " ".join(again.stdout.split())


def test_unreachable_feeds_are_each_reported_and_every_feed_failing_exits_3(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed when the block ends: nothing listens there
    feeds = json.dumps([{"url": f"http://127.0.0.1:{port}/a.xml"}, {"url": f"http://127.0.0.1:{port}/b.xml"}])
    result = _evradar(tmp_path, "run", "--once", EVRADAR_FEEDS=feeds, EVRADAR_SERVER__ENABLED="false")
    assert result.returncode == 3, result.stderr
    out = " ".join(result.stdout.split())
    assert "2 failed" in out and "No feed could be read" in out
    assert out.count("could not read") == 2 and "connect" in out
    sample = (ROOT / "config" / "samples" / "ev-news.xml").as_uri()
    one_of_two = json.dumps([{"url": f"http://127.0.0.1:{port}/a.xml"}, {"url": sample}])
    partly = _evradar(tmp_path, "run", "--once", EVRADAR_FEEDS=one_of_two, EVRADAR_SERVER__ENABLED="false")
    assert partly.returncode == 0, partly.stderr  # one feed read: the cycle did its work


def test_help_documents_the_exit_statuses(tmp_path: Path) -> None:
    result = _evradar(tmp_path, "run", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "3 run --once: every feed failed" in text and "4 run --once: alerts are left queued" in text


def test_destinations_resume_refuses_unknown_keys_and_lists_the_known_ones(tmp_path: Path) -> None:
    routes = json.dumps([{"name": "ev-news", "platform": "slack", "channel": "C0123"}])
    result = _evradar(tmp_path, "destinations", "resume", "nope:123", EVRADAR_ROUTES=routes)
    assert result.returncode == 1
    assert "Resumed" not in result.stdout and "no route or destination called nope:123" in result.stdout
    assert "ev-news (slack:C0123)" in result.stdout
    known = _evradar(tmp_path, "destinations", "resume", "ev-news", EVRADAR_ROUTES=routes)
    assert known.returncode == 0 and "not paused" in known.stdout
    listed = _evradar(tmp_path, "destinations", "list", EVRADAR_ROUTES=routes)
    assert "ev-news" in listed.stdout and "slack:C0123" in listed.stdout


def test_bad_configuration_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[polling]\ninterval = "soon"\nmax_failures = 0\n[[routes]]\nplatform = "pager"\n')
    result = _evradar(tmp_path, "run", "--once", "--config", str(config))
    assert result.returncode == 2
    assert "polling.interval" in result.stderr and "polling.max_failures" in result.stderr
    assert "routes[0].platform" in result.stderr


def test_config_check_shows_resolved_settings_and_hides_secrets(tmp_path: Path) -> None:
    result = _evradar(
        tmp_path, "config", "check", SLACK_BOT_TOKEN="xoxb-very-secret-token", EVRADAR_POLLING__INTERVAL="5m"
    )
    assert result.returncode == 0, result.stderr
    assert "xoxb-very-secret-token" not in result.stdout
    shown = json.loads(result.stdout)
    assert shown["polling"]["interval"] == "5m"
    assert "not set" in json.dumps(shown["secrets"]) and "hidden" in json.dumps(shown["secrets"])


def test_feeds_add_list_remove(database_url: str) -> None:
    url = "https://example.com/added.xml"
    assert _evradar(database_url, "feeds", "add", url, "--no-check").returncode == 0
    listed = _evradar(database_url, "feeds", "list", "--wide")
    assert url in listed.stdout
    assert _evradar(database_url, "feeds", "remove", url).returncode == 0
    assert url not in _evradar(database_url, "feeds", "list", "--wide").stdout
    assert _evradar(database_url, "feeds", "remove", url).returncode == 1


def test_feeds_check_reads_a_local_feed(tmp_path: Path) -> None:
    sample = (ROOT / "config" / "samples" / "ev-news.xml").as_uri()
    result = _evradar(tmp_path, "feeds", "check", sample)
    assert result.returncode == 0
    assert "readable feed" in result.stdout and "18 items" in result.stdout


@pytest.mark.xdist_group("demo-run")  # one worker, so one demo run serves both
def test_lookup_answers_from_the_store_after_a_run(demo_run: tuple[str, subprocess.CompletedProcess[str]]) -> None:
    database_url, ran = demo_run
    assert ran.returncode == 0, ran.stderr
    found = _evradar(database_url, "lookup", "leapmotor", "--config", "config/demo.toml")
    assert found.returncode == 0 and "Stellantis × Leapmotor" in found.stdout
    unknown = _evradar(database_url, "lookup", "Zzyzx", "--config", "config/demo.toml")
    assert unknown.returncode == 1 and "No company called" in unknown.stdout


def test_run_serves_healthz_and_stops_on_sigterm_within_ten_seconds(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = _env(tmp_path, EVRADAR_SERVER__PORT=str(port), EVRADAR_FEEDS="[]")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = _wait_for_json(f"http://127.0.0.1:{port}/healthz", deadline=time.monotonic() + 60)
        assert health["status"] == "ok"
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        assert "evradar_outbox_depth" in metrics
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 10
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _wait_for_json(url: str, *, deadline: float) -> dict[str, object]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.loads(response.read())  # type: ignore[no-any-return]
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)

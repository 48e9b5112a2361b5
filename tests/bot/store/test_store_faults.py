"""The database failing under a running cycle: a clear error, nothing half-written, nothing lost."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.run.app import App
from bot.run.once import run_once
from bot.run.settings import (
    FeedSettings,
    PollingSettings,
    RouteSettings,
    ServerSettings,
    Settings,
    StorageSettings,
)
from bot.store import database
from tests.conftest import REAL_FEEDS, ROOT
from tests.fakes import FeedServer, Recorder

SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"
FEEDS = ("sample.xml", "electrek-1.xml", "insideevs-1.xml", "reuters-2.xml")


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FeedServer]:
    fake = await FeedServer().start()
    for name in FEEDS:
        fake.serve_file(name, SAMPLE if name == "sample.xml" else REAL_FEEDS / name)
    yield fake
    await fake.stop()


def _settings(path: Path, server: FeedServer) -> Settings:
    return Settings(
        storage=StorageSettings(url=f"sqlite:///{path}"),
        polling=PollingSettings(backfill="all"),
        feeds=[FeedSettings(url=server.url(n)) for n in FEEDS],
        server=ServerSettings(enabled=False),
        routes=[RouteSettings(platform="console")],
    )


def _counts(path: Path) -> dict[str, Any]:
    with sqlite3.connect(path) as conn:
        tables = ("seen_items", "detections", "events", "sources", "deliveries")
        counts: dict[str, Any] = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        counts["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
        counts["polled"] = conn.execute("SELECT count(*) FROM feeds WHERE last_status != ''").fetchone()[0]
    return counts


async def _run(path: Path, server: FeedServer) -> tuple[Any, Recorder]:
    recorder = Recorder()
    app = App(_settings(path, server), notifiers={"console": recorder})
    try:
        return await run_once(app), recorder
    finally:
        await app.close()


async def test_a_full_disk_mid_cycle_keeps_nothing_half_written_and_loses_nothing(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference, expected = await _run(tmp_path / "roomy.db", server)  # the same cycle with room to spare
    assert reference.alerts >= 3 and not reference.store_failed

    path = tmp_path / "evradar.db"
    App(_settings(path, server)).prepare()  # migrated, feeds known; then the disk fills up
    with sqlite3.connect(path) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    original = database._sqlite_pragmas

    def full_disk(connection: Any, record: Any) -> None:  # SQLite's own SQLITE_FULL, as on a full disk
        original(connection, record)
        connection.execute(f"PRAGMA max_page_count={pages + 4}")

    monkeypatch.setattr(database, "_sqlite_pragmas", full_disk)
    summary, recorder = await _run(path, server)
    assert summary.store_failed and summary.failed >= 1
    assert any("disk holding" in f and "is full" in f for f in summary.failures), summary.failures
    after_failure = _counts(path)
    assert after_failure["integrity"] == "ok"
    # Each poll is one transaction: a feed's items, detections, events and outbox rows are all kept or none.
    assert after_failure["deliveries"] == len(recorder.alerts)

    monkeypatch.setattr(database, "_sqlite_pragmas", original)  # space freed
    again, more = await _run(path, server)
    assert not again.store_failed and again.failed == 0
    delivered = [a.title for a, _ in recorder.alerts + more.alerts]
    assert sorted(delivered) == sorted(a.title for a, _ in expected.alerts)  # nothing lost, nothing twice
    assert _counts(path) == _counts(tmp_path / "roomy.db")


def test_a_damaged_database_stops_the_bot_with_status_1_and_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "evradar.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "EVRADAR_STORAGE__URL": f"sqlite:///{path}", "EVRADAR_FEEDS": "[]"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "damaged; restore it from a backup" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr

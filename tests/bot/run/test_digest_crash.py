"""A digest survives `kill -9` in the middle of posting it: `evradar run` is killed while its post waits at
the fake Slack's door, restarted, and the channel gets that period's digest exactly once."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.fakes import clean_environment, store_with_deals
from tests.slack_fake import BOT_TOKEN, FakeSlack

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


def _digest_rows(database: str) -> list[tuple[str, str, float | None]]:
    engine = create_engine(database)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT key, status, sending_at FROM digests ORDER BY id")).all()
    engine.dispose()
    return [(r[0], r[1], r[2]) for r in rows]


def _posted(slack: FakeSlack) -> list[str]:
    return [str(r.body.get("text", "")) for r in slack.calls("/api/chat.postMessage")]


async def _start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    out = log.open("a")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=out, stderr=out
    )


async def test_kill_9_while_posting_a_digest_then_restart_posts_it_exactly_once(
    slack: FakeSlack, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'evradar.db'}"
    boundary = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    in_period = (boundary - timedelta(hours=3)).timestamp()
    deals = ((("Xiaomi", "Great Wall Motor"), "manufacturing", "talks", in_period),)
    store_with_deals(database, deals).close()
    env = clean_environment()
    env.update({
        "EVRADAR_STORAGE__URL": database,
        "EVRADAR_FEEDS": "[]",
        "EVRADAR_SERVER__ENABLED": "false",
        "EVRADAR_SLACK__API_URL": slack.api_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "EVRADAR_ROUTES": json.dumps([
            {"name": "morning", "platform": "slack", "channel": "C0001",
             "digest": f"daily {boundary:%H:%M}", "timezone": "UTC"},
        ]),
    })  # fmt: skip
    log = tmp_path / "evradar.log"
    slack.gate.clear()  # the digest's post waits at the door
    first = await _start(env, log)
    try:
        async with asyncio.timeout(60):
            while not any(sending for _, _, sending in _digest_rows_safe(database)):
                await asyncio.sleep(0.1)
        first.send_signal(signal.SIGKILL)
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
    slack.gate.set()
    assert _posted(slack) == []
    second = await _start(env, log)
    try:
        async with asyncio.timeout(60):
            while not _posted(slack):
                await asyncio.sleep(0.1)
        deadline = time.monotonic() + 3  # time for a duplicate to show up, if there were one
        while time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    finally:
        second.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(second.wait(), timeout=30)
    said = log.read_text()
    assert code == 0, said[-3000:]
    posted = _posted(slack)
    assert len(posted) == 1 and "evradar digest: 1 partnership" in posted[0], posted
    [(key, status, sending)] = _digest_rows(database)
    assert key.startswith("morning|") and status == "sent" and sending is None
    assert "were being posted when evradar stopped" in said


def _digest_rows_safe(database: str) -> list[tuple[str, str, float | None]]:
    try:
        return _digest_rows(database)
    except Exception:  # the table appears once the bot has migrated the database
        return []

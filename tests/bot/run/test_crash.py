"""kill -9 in the middle of delivering: after a restart every alert has arrived, at most one twice."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

from tests.conftest import ROOT
from tests.fakes import FeedServer, clean_environment
from tests.slack_fake import FakeSlack

SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"


def _env(folder: Path, feeds: FeedServer, slack: FakeSlack) -> dict[str, str]:
    env = clean_environment()
    env.update({
        "EVRADAR_STORAGE__URL": f"sqlite:///{folder / 'evradar.db'}",
        "EVRADAR_FEEDS": json.dumps([{"url": feeds.url("sample.xml")}]),
        "EVRADAR_POLLING__BACKFILL": "all",
        "EVRADAR_SERVER__ENABLED": "false",
        "EVRADAR_SLACK__API_URL": slack.api_url,
        "EVRADAR_ROUTES": json.dumps([{"platform": "slack", "webhook_url": slack.webhook_url("alerts")}]),
    })  # fmt: skip
    return env


def _posts(slack: FakeSlack) -> list[str]:
    return [r.body["blocks"][0]["text"]["text"] for r in slack.calls("/webhook/alerts")]


async def _evradar(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_kill_9_mid_delivery_then_restart_loses_nothing_and_repeats_at_most_one(tmp_path: Path) -> None:
    feeds, slack = await FeedServer().start(), await FakeSlack().start()
    try:
        feeds.serve_file("sample.xml", SAMPLE)
        reference = await _evradar(_env(tmp_path / "reference", feeds, slack), "run", "--once")
        await reference.wait()
        expected = _posts(slack)
        slack.requests.clear()
        assert len(expected) >= 8

        env = _env(tmp_path, feeds, slack)
        bot = await _evradar(env, "run")
        async with asyncio.timeout(120):
            while len(_posts(slack)) < 3:  # posting at one a second: the rest are still queued
                await asyncio.sleep(0.05)
        bot.kill()
        await bot.wait()
        before_restart = len(_posts(slack))
        assert before_restart < len(expected)

        again = await _evradar(env, "run", "--once")
        _, log = await again.communicate()
        assert again.returncode == 0, log.decode()[-2000:]
    finally:
        await slack.stop()
        await feeds.stop()
    received = Counter(_posts(slack))
    assert not Counter(expected) - received  # nothing lost
    repeated = sum(received.values()) - len(expected)
    assert repeated <= 1  # only the post in flight when the process died may show twice
    if repeated:
        assert "were being posted when evradar stopped" in log.decode()

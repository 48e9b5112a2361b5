"""The recovery steps of docs/slack.md and docs/discord.md, as a user takes them, against the fake Slack and
Discord: a route to a deleted webhook pauses; the user puts the new URL in the configuration, checks it
with `evradar destinations test`, and the next start delivers every alert that waited, exactly once."""

from __future__ import annotations

import asyncio
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import discord.http

from tests.conftest import ROOT
from tests.discord_fake import WEBHOOK_ID, WEBHOOK_TOKEN, FakeDiscord
from tests.fakes import FeedServer, clean_environment
from tests.slack_fake import BOT_TOKEN as SLACK_TOKEN
from tests.slack_fake import Behaviour, FakeSlack

SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"
TEST_MESSAGE = "test message"  # in the headline of what `destinations test` posts
DELETED_ID = 1100000000000000006


def _config(path: Path, *, feed: str, section: str, webhook_url: str) -> Path:
    platform = section.split("]")[0].strip("[")
    path.write_text(
        f'[storage]\nurl = "sqlite:///{path.parent / "evradar.db"}"\n'
        f'[polling]\nbackfill = "all"\n[server]\nenabled = false\n{section}\n'
        f'[[feeds]]\nurl = "{feed}"\n'
        f'[[routes]]\nplatform = "{platform}"\nwebhook_url = "{webhook_url}"\n'
    )
    return path


async def _evradar(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=clean_environment() | (env or {}),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=240)
    assert proc.returncode is not None
    return proc.returncode, " ".join(out.decode().split())


async def _recover(
    config: Path, route: str, fix: Callable[[], None], posted: Callable[[], list[str]]
) -> list[str]:
    """Take the documented steps; return what the fixed route received."""
    code, out = await _evradar("run", "--once", "--config", str(config))
    assert code == 4, out[-3000:]  # alerts are left queued: the route is paused
    waiting = re.search(r"(\d+) alert\(s\) still wait for (\S+): it is paused", out)
    assert waiting, out[-3000:]
    queued = int(waiting[1])
    assert queued >= 8
    listed = (await _evradar("destinations", "list", "--config", str(config)))[1]
    assert "paused" in listed and str(queued) in listed
    fix()  # the user puts the new webhook URL in the configuration file
    code, out = await _evradar("destinations", "test", route, "--config", str(config))
    assert code == 0 and "accepted the test message" in out, out
    code, out = await _evradar("run", "--once", "--config", str(config))
    assert code == 0, out[-3000:]
    code, out = await _evradar("run", "--once", "--config", str(config))
    assert code == 0 and "0 alerts sent" in out, out[-3000:]
    received = [text for text in posted() if TEST_MESSAGE not in text.lower()]
    assert len(received) == queued and max(Counter(received).values()) == 1  # every alert, exactly once
    return received


async def test_slack_webhook_deleted_then_fixed_in_the_config_gets_every_waiting_alert_once(
    tmp_path: Path,
) -> None:
    feeds, slack = await FeedServer().start(), await FakeSlack().start()
    try:
        slack.behaviours["webhook:old"] = Behaviour(status=404, error="no_service")
        feed = feeds.serve_file("sample.xml", SAMPLE)
        section = f'[slack]\napi_url = "{slack.api_url}"'
        config = _config(tmp_path / "slack.toml", feed=feed, section=section, webhook_url=slack.webhook_url("old"))

        def fix() -> None:
            _config(config, feed=feed, section=section, webhook_url=slack.webhook_url("new"))

        def posted() -> list[str]:
            return [r.body["text"] for r in slack.calls("/webhook/new")]

        received = await _recover(config, "slack-1", fix, posted)
        assert len(slack.calls("/webhook/old")) == 1  # tried once, paused, never hammered
        assert len(slack.calls("/webhook/new")) == len(received) + 1  # and the test message
    finally:
        await slack.stop()
        await feeds.stop()


async def test_discord_webhook_deleted_then_fixed_in_the_config_gets_every_waiting_alert_once(
    tmp_path: Path,
) -> None:
    feeds, chat = await FeedServer().start(), await FakeDiscord().start()
    route_base = discord.http.Route.BASE
    try:
        chat.deleted_webhooks.add(str(DELETED_ID))
        feed = feeds.serve_file("sample.xml", SAMPLE)
        section = f'[discord]\napi_url = "{chat.api_url}"'
        old = f"https://discord.com/api/webhooks/{DELETED_ID}/{WEBHOOK_TOKEN}"
        new = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"
        config = _config(tmp_path / "discord.toml", feed=feed, section=section, webhook_url=old)

        def fix() -> None:
            _config(config, feed=feed, section=section, webhook_url=new)

        def posted() -> list[str]:
            calls = [c for c in chat.of("execute_webhook") if str(WEBHOOK_ID) in c.path]
            return [c.json["embeds"][0]["title"] for c in calls]

        await _recover(config, "discord-1", fix, posted)
        assert len([c for c in chat.of("execute_webhook") if str(DELETED_ID) in c.path]) == 1
    finally:
        discord.http.Route.BASE = route_base
        await chat.close()
        await feeds.stop()


async def test_destinations_test_reports_what_the_platform_answered(tmp_path: Path) -> None:
    slack = await FakeSlack().start()
    try:
        slack.behaviours["CGONE"] = Behaviour(error="channel_not_found")
        config = tmp_path / "slack.toml"
        config.write_text(
            f'[storage]\nurl = "sqlite:///{tmp_path / "evradar.db"}"\n[slack]\napi_url = "{slack.api_url}"\n'
            '[[routes]]\nname = "ev-news"\nplatform = "slack"\nchannel = "CGONE"\n'
            '[[routes]]\nplatform = "slack"\nchannel = "C0001"\n'
        )
        env = {"SLACK_BOT_TOKEN": SLACK_TOKEN}
        code, out = await _evradar("destinations", "test", "ev-news", "--config", str(config), env=env)
        assert (
            code == 1 and "refused the test message to ev-news (slack:CGONE)" in out and "channel_not_found" in out
        )
        code, out = await _evradar("destinations", "test", "slack:C0001", "--config", str(config), env=env)
        assert code == 0 and "slack accepted the test message to slack-2 (slack:C0001)" in out, out
        assert [r.body["channel"] for r in slack.calls("/api/chat.postMessage")] == ["CGONE", "C0001"]
    finally:
        await slack.stop()

"""`evradar run --once` as users run it, posting to a fake Slack and a fake Discord, fed real partnership
stories dressed in hostile text: every payload keeps to the platform's limits and pings nobody."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path

import discord.http

from bot.ingest.feeds import parse_feed
from tests.conftest import ROOT
from tests.discord_fake import BOT_TOKEN as DISCORD_TOKEN
from tests.discord_fake import WEBHOOK_ID, WEBHOOK_TOKEN, FakeDiscord, check_payload
from tests.fakes import FeedServer, Story, clean_environment, now_utc, rss
from tests.slack_fake import BOT_TOKEN as SLACK_TOKEN
from tests.slack_fake import FakeSlack, check_blocks

SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"
HOSTILE = "<!channel> @everyone <@U0BOSS> <https://evil.example|click me> *bold* `code` @here <@&123> ||x||"
LINKS = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "https://ok.example/a|b>c", ""]


def _hostile_stories() -> list[Story]:
    """The sample's partnership stories, with mentions and forged links in every text and bad links."""
    items = parse_feed(SAMPLE.read_bytes(), url=SAMPLE.as_uri()).items
    stories = []
    for n, item in enumerate(items):
        title = f"{HOSTILE} {item.title} {HOSTILE}" + (" tail" * 3000 if n == 0 else "")
        link = LINKS[n % len(LINKS)] if n % 2 else item.link
        stories.append(Story(title, f"{item.summary} {HOSTILE}", link, now_utc(), guid=f"hostile-{n}"))
    return stories


async def test_every_posted_payload_keeps_the_limits_and_pings_nobody(tmp_path: Path) -> None:
    feeds, slack, chat = await FeedServer().start(), await FakeSlack().start(), await FakeDiscord().start()
    route_base = discord.http.Route.BASE
    try:
        feeds.bodies["hostile.xml"] = rss(_hostile_stories(), title=f"{HOSTILE} feed")
        env = clean_environment()
        env.update({
            "EVRADAR_STORAGE__URL": f"sqlite:///{tmp_path / 'evradar.db'}",
            "EVRADAR_FEEDS": json.dumps([{"url": feeds.url("hostile.xml")}]),
            "EVRADAR_SERVER__ENABLED": "false",
            "EVRADAR_SLACK__API_URL": slack.api_url,
            "EVRADAR_DISCORD__API_URL": chat.api_url,
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
            "EVRADAR_ROUTES": json.dumps([
                {"platform": "slack", "channel": "C0001"},
                {"platform": "slack", "webhook_url": slack.webhook_url("hook")},
                {"platform": "discord", "channel": "1100000000000000100"},
                {"platform": "discord", "webhook_url": f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"},
            ]),
        })  # fmt: skip
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--once", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=240)
    finally:
        discord.http.Route.BASE = route_base
        await chat.close()
        await slack.stop()
        await feeds.stop()
    assert proc.returncode == 0, out.decode()[-3000:]
    posted = [r.body for r in slack.calls("/api/chat.postMessage") + slack.calls("/webhook/hook")]
    messages = [c.json for c in chat.of("create_message") + chat.of("execute_webhook")]
    assert len(posted) >= 16 and len(messages) >= 16  # eight or more alerts, to each of two places
    for body in posted:
        check_blocks(body["blocks"])
        assert "<!" not in body["text"] and "<@" not in body["text"] and "<http" not in body["text"]
    for body in messages:
        check_payload(body)
        text = json.dumps(body, ensure_ascii=False)
        pings = re.findall(r".{40}(?:@everyone|@here|<@[!&]?\d).{20}", text)
        assert not pings, pings
        assert "javascript:" not in str(body["embeds"][0].get("url", ""))
    urls = [e["url"] for b in posted for block in b["blocks"] for e in block.get("elements", []) if "url" in e]
    assert urls and all(u.startswith("https://") for u in urls)  # only http(s) links become buttons

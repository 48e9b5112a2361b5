"""Digests as Slack and Discord show them: grouped by kind, within each platform's limits, long ones continued
(in a thread on Slack, in more messages on Discord), posted through the real SDKs to the fakes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import discord.http
import pytest

from bot.adapters.discord.digest import digest_pages
from bot.adapters.discord.platform import DiscordPlatform, build
from bot.adapters.slack.digest import digest_messages
from bot.adapters.slack.notifier import SlackNotifier
from bot.adapters.teams.card import BUDGET as TEAMS_BUDGET
from bot.adapters.teams.digest import digest_bodies as teams_bodies
from bot.adapters.webhook.digest import digest_bodies as webhook_bodies
from bot.core.digest import Digest, chunks
from bot.core.models import KINDS, Delivered, Destination, EventView
from bot.run.settings import Settings
from tests.discord_fake import BOT_TOKEN as DISCORD_TOKEN
from tests.discord_fake import FakeDiscord, check_payload
from tests.slack_fake import BOT_TOKEN, FakeSlack, all_text, check_blocks

BERLIN = ZoneInfo("Europe/Berlin")
CHANNEL = "1100000000000000100"


def digest(count: int, *, long_titles: bool = False) -> Digest:
    events = tuple(
        EventView(
            id=n,
            partners=(f"Maker {n}", "Great Wall Motor"),
            kind=KINDS[n % len(KINDS)],
            stage="talks" if n % 2 else "announced",
            title=("A very long headline about batteries " * 20 if long_titles else f"Deal {n}") + "<@U1>",
            link=f"https://news.example/{n}",
            first_seen=datetime(2026, 3, 9, 9, tzinfo=UTC),
            last_seen=datetime(2026, 3, 9, 9, tzinfo=UTC),
            sources=(),
        )
        for n in range(count)
    )
    start, end = datetime(2026, 3, 9, 8, tzinfo=BERLIN), datetime(2026, 3, 10, 8, tzinfo=BERLIN)
    return Digest("morning|2026-03-09T08:00:00+01:00", "morning", start, end, events)


def test_a_short_digest_is_one_message_grouped_by_kind() -> None:
    [message] = digest_messages(digest(3))
    check_blocks(list(message.blocks))
    text = all_text(list(message.blocks))
    assert "evradar digest: 3 partnerships" in text
    assert text.index("Contract manufacturing") < text.index("Joint venture") < text.index("Supply")
    assert "Maker 1 × Great Wall Motor" in text and "https://news.example/1" in text


@pytest.mark.parametrize("count", [60, 400])
def test_long_slack_digests_stay_within_blocks_and_section_limits(count: int) -> None:
    messages = digest_messages(digest(count, long_titles=True))
    assert len(messages) >= 2 if count == 400 else len(messages) >= 1
    for message in messages:
        check_blocks(list(message.blocks))
    shown = " ".join(all_text(list(m.blocks)) for m in messages)
    assert all(f"news.example/{n}" in shown for n in range(count))  # nothing is dropped


@pytest.mark.parametrize("count", [3, 60, 400])
def test_discord_digests_stay_within_embed_limits(count: int) -> None:
    pages = digest_pages(digest(count, long_titles=True))
    for page in pages:
        check_payload({"embeds": [e.to_dict() for e in page], "allowed_mentions": {"parse": []}})
    shown = " ".join(e.description or "" for page in pages for e in page)
    assert all(f"news.example/{n})" in shown for n in range(count))


def test_plain_text_chunks_keep_under_the_limit() -> None:
    texts = chunks(digest(300), limit=3000)
    assert len(texts) > 1 and all(len(t) <= 3000 for t in texts)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


async def test_slack_continues_a_long_digest_in_its_thread(slack: FakeSlack) -> None:
    notifier = SlackNotifier(token=BOT_TOKEN, api_url=slack.api_url, timeout=2.0)
    result = await notifier.deliver_digest(digest(400, long_titles=True), Destination("slack", "C0001"))
    await notifier.close()
    assert isinstance(result, Delivered)
    first, *rest = slack.calls("/api/chat.postMessage")
    assert "thread_ts" not in first.body or not first.body["thread_ts"]
    assert rest and all(r.body["thread_ts"] == result.reference.split(":")[1] for r in rest)
    for call in (first, *rest):
        check_blocks(call.body["blocks"])


@pytest.fixture(autouse=True)
def restore_route_base() -> Iterator[None]:
    before = discord.http.Route.BASE
    yield
    discord.http.Route.BASE = before


async def test_discord_sends_a_long_digest_as_follow_up_messages() -> None:
    fake = await FakeDiscord().start()
    try:
        settings = Settings.model_validate(
            {
                "discord": {"api_url": fake.api_url},
                "secrets": {"discord_bot_token": DISCORD_TOKEN},
                "routes": [{"platform": "discord", "channel": CHANNEL}],
            }
        )
        platform = build(settings)
        assert isinstance(platform, DiscordPlatform)
        result = await platform.notifier.deliver_digest(digest(400), Destination("discord", CHANNEL))  # type: ignore[attr-defined]
        await platform.stop()
        assert isinstance(result, Delivered)
        posts = fake.of("create_message")
        assert len(posts) >= 2
        for post in posts:
            check_payload(post.json)
    finally:
        await fake.close()


@pytest.mark.parametrize("count", [0, 3, 400])
def test_teams_digests_keep_each_message_under_the_budget(count: int) -> None:
    bodies = teams_bodies(digest(count, long_titles=True))
    assert all(len(b) <= TEAMS_BUDGET for b in bodies)
    shown = b"".join(bodies).decode()
    assert all(f"news.example/{n}" in shown for n in range(count))
    assert len(bodies) > 1 if count == 400 else len(bodies) == 1


def test_webhook_digests_come_in_parts_with_every_event_once() -> None:
    bodies = [json.loads(b) for b in webhook_bodies(digest(450))]
    assert [(b["part"], b["parts"]) for b in bodies] == [(1, 3), (2, 3), (3, 3)]
    ids = [e["id"] for b in bodies for e in b["events"]]
    assert sorted(ids) == list(range(450)) and bodies[0]["type"] == "digest"

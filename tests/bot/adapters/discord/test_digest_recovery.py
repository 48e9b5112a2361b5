"""Discord digests name their key and part in a footer and carry an enforced nonce; a digest whose post was cut
off is found again by reading the channel back (GET channel messages after the claim) through the real
discord.py client against the fake Discord."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from bot.adapters.discord.digest import digest_pages, part_of
from bot.adapters.discord.digest_post import post_by_bot
from bot.adapters.discord.platform import DiscordNotifier, DiscordPlatform, build
from bot.core.digest import Posted, Unchecked
from bot.core.models import Delivered, DeliveryFailed, Destination
from bot.run.settings import Settings
from tests.bot.adapters.test_digests import digest
from tests.discord_fake import BOT_TOKEN, WEBHOOK_ID, WEBHOOK_TOKEN, FakeDiscord, check_payload

CHANNEL_ID = "1100000000000000100"
CHANNEL = Destination("discord", CHANNEL_ID)
KEY = "morning|2026-03-09T08:00:00+01:00"


@pytest.fixture
async def platform(fake: FakeDiscord) -> AsyncIterator[DiscordPlatform]:
    settings = Settings.model_validate(
        {
            "discord": {"api_url": fake.api_url},
            "secrets": {"discord_bot_token": BOT_TOKEN},
            "routes": [{"platform": "discord", "channel": CHANNEL_ID}],
        }
    )
    made = build(settings)
    assert isinstance(made, DiscordPlatform)
    yield made
    await made.stop()


def _notifier(platform: DiscordPlatform) -> DiscordNotifier:
    assert isinstance(platform.notifier, DiscordNotifier)
    return platform.notifier


def test_each_message_of_a_digest_names_its_key_and_part() -> None:
    pages = digest_pages(digest(400))
    assert len(pages) >= 2
    footers = [page[0].footer.text for page in pages]
    assert [part_of(f, KEY) for f in footers] == list(range(len(pages)))
    assert footers[0] == f"evradar digest {KEY} · part 1/{len(pages)}"
    assert part_of(footers[0], "morning|2026-03-10T08:00:00+01:00") is None and part_of(None, KEY) is None
    for page in pages:  # the footer still fits Discord's limits
        check_payload({"embeds": [e.to_dict() for e in page], "allowed_mentions": {"parse": []}})


async def test_a_posted_digest_is_found_with_the_reference_of_its_first_message(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    notifier, since = _notifier(platform), time.time()
    posted = await notifier.deliver_digest(digest(3), CHANNEL)
    found = await notifier.find_digest(digest(3), CHANNEL, since=since)
    assert isinstance(posted, Delivered) and found == Posted({0: posted.reference}, 1) and found.complete
    [read] = fake.of("channel_messages")
    after_ms = (int(read.query["after"]) >> 22) + 1420070400000
    assert since - 600 < after_ms / 1000 <= since  # only messages since the post was tried


async def test_another_digest_or_an_older_post_is_not_taken_for_it(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    notifier = _notifier(platform)
    await notifier.deliver_digest(digest(3), CHANNEL)
    other = replace(digest(3), key="morning|2026-03-10T08:00:00+01:00")
    assert await notifier.find_digest(other, CHANNEL, since=time.time()) == Posted({}, 1)
    assert await notifier.find_digest(digest(3), CHANNEL, since=time.time() + 3600) == Posted({}, 1)


async def test_a_long_digest_cut_off_after_its_first_message_gets_only_the_rest(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    notifier, long = _notifier(platform), digest(400)
    parts = len(digest_pages(long))

    async def refuse_the_rest(message: dict[str, Any]) -> None:
        fake.fail("create_message", status=403, code=50013, message="Missing Permissions")  # the next one
        fake.after_post = None

    fake.after_post = refuse_the_rest
    since = time.time()
    assert isinstance(await notifier.deliver_digest(long, CHANNEL), DeliveryFailed)
    [first] = fake.log.in_channel(CHANNEL_ID)
    found = await notifier.find_digest(long, CHANNEL, since=since)
    assert found == Posted({0: f"{CHANNEL_ID}:{first['id']}"}, parts) and not found.complete
    assert await notifier.deliver_digest(long, CHANNEL, posted=found) == Delivered(f"{CHANNEL_ID}:{first['id']}")
    shown = [part_of(m["embeds"][0]["footer"]["text"], long.key) for m in fake.log.in_channel(CHANNEL_ID)]
    assert shown == list(range(parts))  # each part once, in order


async def test_the_same_part_posted_twice_within_minutes_is_refused_by_its_nonce(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    client = await platform._connections.bot()
    first = await post_by_bot(client, CHANNEL_ID, digest(3), None)
    again = await post_by_bot(client, CHANNEL_ID, digest(3), None)  # the answer was lost: posted again
    assert first == again and len(fake.log.in_channel(CHANNEL_ID)) == 1
    [sent, *_] = fake.of("create_message")
    assert sent.json["enforce_nonce"] is True and len(sent.json["nonce"]) <= 25


@pytest.mark.parametrize(("status", "said"), [(403, "Read Message History"), (404, "404")])
async def test_a_failed_history_read_leaves_it_unchecked(
    fake: FakeDiscord, platform: DiscordPlatform, status: int, said: str
) -> None:
    fake.fail("channel_messages", status=status, code=50001 if status == 403 else 10003)
    found = await _notifier(platform).find_digest(digest(3), CHANNEL, since=time.time())
    assert isinstance(found, Unchecked) and said in found.reason, found


async def test_a_webhook_cannot_be_read_back(fake: FakeDiscord, platform: DiscordPlatform) -> None:
    hook = Destination("discord", webhook_url=f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")
    found = await _notifier(platform).find_digest(digest(3), hook, since=time.time())
    assert isinstance(found, Unchecked) and "webhook" in found.reason
    assert fake.of("channel_messages") == []

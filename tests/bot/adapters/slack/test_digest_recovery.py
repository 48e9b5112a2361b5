"""Slack digests carry their key in message metadata, and a digest whose post was cut off is found again by
reading the channel (and the first part's thread) back through the real SDK client against the fake Slack."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from bot.adapters.slack.digest import EVENT_TYPE, digest_messages
from bot.adapters.slack.notifier import SlackNotifier
from bot.core.digest import Posted, Unchecked
from bot.core.models import Delivered, DeliveryFailed, Destination
from tests.bot.adapters.test_digests import digest
from tests.slack_channels import Channels
from tests.slack_fake import BOT_TOKEN, Behaviour, FakeSlack, sample_alert

CHANNEL = Destination("slack", "C0001")
KEY = "morning|2026-03-09T08:00:00+01:00"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack(messages=Channels(ts_clock=time.time)).start()
    yield server
    await server.stop()


@pytest.fixture
async def notifier(slack: FakeSlack) -> AsyncIterator[SlackNotifier]:
    made = SlackNotifier(token=BOT_TOKEN, api_url=slack.api_url, timeout=2.0)
    yield made
    await made.close()


async def test_every_part_carries_the_digest_key_in_its_metadata(
    slack: FakeSlack, notifier: SlackNotifier
) -> None:
    long = digest(400, long_titles=True)
    parts = len(digest_messages(long))
    assert isinstance(await notifier.deliver_digest(long, CHANNEL), Delivered)
    bodies = [r.body for r in slack.calls("/api/chat.postMessage")]
    assert [b["metadata"] for b in bodies] == [
        {"event_type": EVENT_TYPE, "event_payload": {"key": KEY, "part": n, "parts": parts}} for n in range(parts)
    ]


async def test_a_posted_digest_is_found_with_the_reference_of_its_first_message(
    slack: FakeSlack, notifier: SlackNotifier
) -> None:
    since = time.time()
    await notifier.deliver(sample_alert(), CHANNEL)  # other messages in the channel do not confuse the search
    posted = await notifier.deliver_digest(digest(3), CHANNEL)
    found = await notifier.find_digest(digest(3), CHANNEL, since=since)
    assert isinstance(posted, Delivered) and found == Posted({0: posted.reference}, 1) and found.complete
    [read] = slack.calls("/api/conversations.history")
    assert read.body["channel"] == "C0001" and read.body["include_all_metadata"] in ("1", "true")
    assert since - 600 < float(read.body["oldest"]) <= since  # only messages since the post was tried


async def test_another_digest_or_an_older_post_is_not_taken_for_it(
    slack: FakeSlack, notifier: SlackNotifier
) -> None:
    await notifier.deliver_digest(digest(3), CHANNEL)
    other = replace(digest(3), key="morning|2026-03-10T08:00:00+01:00")
    assert await notifier.find_digest(other, CHANNEL, since=time.time()) == Posted({}, 1)
    later = time.time() + 3600  # claimed long after the message was posted: it is not this attempt's
    assert await notifier.find_digest(digest(3), CHANNEL, since=later) == Posted({}, 1)


async def test_a_long_digest_cut_off_after_its_first_part_gets_only_the_rest_in_the_thread(
    slack: FakeSlack, notifier: SlackNotifier
) -> None:
    long = digest(400, long_titles=True)
    parts = len(digest_messages(long))
    assert parts >= 2

    async def fail_the_rest(message: dict[str, Any]) -> None:
        slack.behaviours["C0001"] = Behaviour(error="internal_error")  # the thread replies do not get through
        slack.after_post = None

    slack.after_post = fail_the_rest
    since = time.time()
    assert isinstance(await notifier.deliver_digest(long, CHANNEL), DeliveryFailed)
    del slack.behaviours["C0001"]
    [first] = slack.messages.top_level("C0001")
    found = await notifier.find_digest(long, CHANNEL, since=since)
    assert found == Posted({0: f"C0001:{first['ts']}"}, parts) and not found.complete
    result = await notifier.deliver_digest(long, CHANNEL, posted=found)
    assert result == Delivered(f"C0001:{first['ts']}")
    assert len(slack.messages.top_level("C0001")) == 1  # the first part is not posted again
    replies = slack.messages.replies("C0001", first["ts"])
    assert [r["metadata"]["event_payload"]["part"] for r in replies] == list(range(1, parts))
    again = await notifier.find_digest(long, CHANNEL, since=since)
    assert isinstance(again, Posted) and again.complete  # the thread replies are found too
    assert slack.calls("/api/conversations.replies")


@pytest.mark.parametrize(
    ("behaviour", "said"),
    [
        (Behaviour(error="internal_error"), "internal_error"),
        (Behaviour(error="missing_scope"), "channels:history"),
        (Behaviour(error="not_in_channel"), "/invite @evradar"),
        (Behaviour(status=500), "HTTP 500"),
    ],
)
async def test_a_failed_history_read_leaves_it_unchecked(
    slack: FakeSlack, notifier: SlackNotifier, behaviour: Behaviour, said: str
) -> None:
    await notifier.deliver_digest(digest(3), CHANNEL)
    slack.behaviours["conversations.history:C0001"] = behaviour
    found = await notifier.find_digest(digest(3), CHANNEL, since=time.time() - 5)
    assert isinstance(found, Unchecked) and said in found.reason, found


async def test_a_long_rate_limit_on_the_read_is_waited_for(slack: FakeSlack, notifier: SlackNotifier) -> None:
    slack.behaviours["conversations.history:C0001"] = Behaviour(rate_limited=1, retry_after=60)
    found = await notifier.find_digest(digest(3), CHANNEL, since=time.time())
    assert isinstance(found, DeliveryFailed) and found.retry_after == 60.0


async def test_a_webhook_cannot_be_read_back(slack: FakeSlack, notifier: SlackNotifier) -> None:
    hook = Destination("slack", webhook_url=slack.webhook_url("hook"))
    found = await notifier.find_digest(digest(3), hook, since=time.time())
    assert isinstance(found, Unchecked) and "webhook" in found.reason
    assert slack.calls("/api/conversations.history") == []

"""Posting to Slack through the real SDK clients against the fake: payloads, updates, and every kind of failure."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.adapters.slack.notifier import SlackNotifier
from bot.core.models import Alert, Delivered, DeliveryFailed, Destination, Detection, Item, Source
from bot.flow.delivery import Deliverer
from bot.flow.router import Router, Rule
from bot.store import Store
from bot.store import events as store_events
from bot.store import feeds as store_feeds
from bot.store.schema import deliveries
from tests.slack_fake import BOT_TOKEN, Behaviour, FakeSlack, all_text, check_blocks, sample_alert

CHANNEL = Destination("slack", "C0001")


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


@pytest.fixture
async def notifier(fake: FakeSlack) -> AsyncIterator[SlackNotifier]:
    made = SlackNotifier(token=BOT_TOKEN, api_url=fake.api_url, timeout=2.0, config="/etc/evradar/site.toml")
    yield made
    await made.close()


async def test_bot_token_post_has_blocks_fallback_text_and_no_unfurl(
    fake: FakeSlack, notifier: SlackNotifier
) -> None:
    result = await notifier.deliver(sample_alert(), CHANNEL)
    assert result == Delivered(reference="C0001:1700000000.000001")
    (post,) = fake.calls("/api/chat.postMessage")
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert post.body["channel"] == "C0001" and post.body["unfurl_links"] is False
    assert "link_names" not in post.body and "parse" not in post.body
    assert post.body["text"].startswith("Xiaomi × Great Wall Motor: contract manufacturing, in talks")
    check_blocks(post.body["blocks"])
    assert post.body["blocks"][0]["text"]["text"] == "Xiaomi × Great Wall Motor"


async def test_tokens_and_webhook_urls_never_reach_the_log(
    fake: FakeSlack, notifier: SlackNotifier, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.behaviours["webhook:secret-hook"] = Behaviour(status=404, error="no_service")
    await notifier.deliver(sample_alert(), CHANNEL)
    await notifier.deliver(sample_alert(), Destination("slack", webhook_url=fake.webhook_url("secret-hook")))
    assert len(fake.requests) == 2
    assert BOT_TOKEN not in caplog.text and "secret-hook" not in caplog.text


async def test_webhook_post_needs_no_token_and_has_no_reference(fake: FakeSlack) -> None:
    webhook_only = SlackNotifier(token=None, api_url=fake.api_url)
    try:
        result = await webhook_only.deliver(
            sample_alert(), Destination("slack", webhook_url=fake.webhook_url("w1"))
        )
    finally:
        await webhook_only.close()
    assert result == Delivered(reference="")
    (post,) = fake.calls("/webhook/w1")
    assert "Authorization" not in post.headers and post.body["unfurl_links"] is False
    check_blocks(post.body["blocks"])
    assert "contract manufacturing" in post.body["text"]


async def test_rate_limited_once_is_retried_after_retry_after(fake: FakeSlack, notifier: SlackNotifier) -> None:
    fake.behaviours["C0001"] = Behaviour(rate_limited=1, retry_after=1)
    result = await notifier.deliver(sample_alert(), CHANNEL)
    assert isinstance(result, Delivered) and result.reference.startswith("C0001:")
    posts = fake.calls("/api/chat.postMessage")
    assert len(posts) == 2 and posts[1].at - posts[0].at >= 1.0


async def test_rate_limit_that_persists_is_handed_back_with_retry_after(
    fake: FakeSlack, notifier: SlackNotifier
) -> None:
    fake.behaviours["C0001"] = Behaviour(rate_limited=5, retry_after=1)
    result = await notifier.deliver(sample_alert(), CHANNEL)
    assert isinstance(result, DeliveryFailed)
    assert result.retry_after == 1.0 and not result.permanent and "rate-limited" in result.reason
    assert len(fake.calls("/api/chat.postMessage")) == 2  # one retry in place, then back to the outbox


async def test_a_long_retry_after_is_not_waited_out_inside_one_post(
    fake: FakeSlack, notifier: SlackNotifier
) -> None:
    fake.behaviours["C0001"] = Behaviour(rate_limited=1, retry_after=120)
    result = await notifier.deliver(sample_alert(), CHANNEL)
    assert isinstance(result, DeliveryFailed) and result.retry_after == 120.0
    assert len(fake.calls("/api/chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        ("channel_not_found", "/etc/evradar/site.toml"),  # the configuration file in use, named
        ("not_in_channel", "/invite @evradar"),
        ("is_archived", "unarchive"),
        ("invalid_auth", "SLACK_BOT_TOKEN"),
        ("token_revoked", "SLACK_BOT_TOKEN"),
        ("missing_scope", "chat:write"),
    ],
)
async def test_hopeless_errors_are_permanent_and_say_what_to_fix(
    fake: FakeSlack, notifier: SlackNotifier, error: str, advice: str
) -> None:
    fake.behaviours["C0001"] = Behaviour(error=error)
    result = await notifier.deliver(sample_alert(), CHANNEL)
    assert isinstance(result, DeliveryFailed) and result.permanent
    assert error in result.reason and advice in result.reason and "C0001" in result.reason


async def test_a_wrong_token_is_permanent(fake: FakeSlack) -> None:
    wrong = SlackNotifier(token="xoxb-wrong", api_url=fake.api_url)
    try:
        result = await wrong.deliver(sample_alert(), CHANNEL)
    finally:
        await wrong.close()
    assert isinstance(result, DeliveryFailed) and result.permanent and "invalid_auth" in result.reason
    assert "xoxb-wrong" not in result.reason


@pytest.mark.parametrize(
    ("status", "body"), [(404, "no_service"), (403, "invalid_token"), (410, "channel_is_archived")]
)
async def test_a_dead_webhook_is_permanent_and_its_url_never_shown(
    fake: FakeSlack, notifier: SlackNotifier, status: int, body: str
) -> None:
    fake.behaviours["webhook:w1"] = Behaviour(status=status, error=body)
    destination = Destination("slack", webhook_url=fake.webhook_url("w1"))
    result = await notifier.deliver(sample_alert(), destination)
    assert isinstance(result, DeliveryFailed) and result.permanent and body in result.reason
    assert fake.webhook_url("w1") not in result.reason and "/webhook/" not in result.reason


async def test_a_rate_limited_webhook_hands_back_retry_after(fake: FakeSlack, notifier: SlackNotifier) -> None:
    fake.behaviours["webhook:w1"] = Behaviour(rate_limited=3, retry_after=60)
    result = await notifier.deliver(sample_alert(), Destination("slack", webhook_url=fake.webhook_url("w1")))
    assert isinstance(result, DeliveryFailed) and result.retry_after == 60.0 and not result.permanent


async def test_server_errors_timeouts_and_refused_connections_are_retried_later(
    fake: FakeSlack, notifier: SlackNotifier
) -> None:
    fake.behaviours["C0001"] = Behaviour(status=500)
    failed = await notifier.deliver(sample_alert(), CHANNEL)
    assert isinstance(failed, DeliveryFailed) and not failed.permanent and failed.retry_after is None
    assert "HTTP 500" in failed.reason
    fake.behaviours["C0002"] = Behaviour(hang=True)
    impatient = SlackNotifier(token=BOT_TOKEN, api_url=fake.api_url, timeout=0.3)
    try:
        hung = await impatient.deliver(sample_alert(), Destination("slack", "C0002"))
    finally:
        await impatient.close()
    assert isinstance(hung, DeliveryFailed) and not hung.permanent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    nowhere = Destination("slack", webhook_url=f"http://127.0.0.1:{closed_port}/webhook/x")
    refused = await notifier.deliver(sample_alert(), nowhere)
    assert isinstance(refused, DeliveryFailed) and not refused.permanent and "unreachable" in refused.reason


async def test_refused_blocks_fall_back_to_plain_text(fake: FakeSlack, notifier: SlackNotifier) -> None:
    fake.behaviours["C0001"] = Behaviour(error="invalid_blocks", failures=1)
    result = await notifier.deliver(sample_alert(), CHANNEL)
    assert isinstance(result, Delivered)
    first, second = fake.calls("/api/chat.postMessage")
    assert "blocks" in first.body and "blocks" not in second.body and second.body["text"] == first.body["text"]


def _moved_on(reference: str) -> Alert:
    newer = Source(title="Xiaomi and Great Wall sign a deal", link="https://wire.example/2", source="Reuters")
    first = sample_alert()
    return replace(
        first,
        version=2,
        stage="announced",
        previous_stage="talks",
        sources=(*first.sources, newer),
        reference=reference,
    )


async def test_update_replies_in_the_thread_and_edits_the_first_alert(
    fake: FakeSlack, notifier: SlackNotifier
) -> None:
    first = await notifier.deliver(sample_alert(), CHANNEL)
    assert isinstance(first, Delivered)
    _, first_ts = first.reference.split(":")
    update = _moved_on(first.reference)
    result = await notifier.deliver(update, CHANNEL)
    assert isinstance(result, Delivered)
    reply = fake.calls("/api/chat.postMessage")[1]
    assert reply.body["thread_ts"] == first_ts and reply.body["channel"] == "C0001"
    assert "was in talks, now *announced*" in all_text(reply.body["blocks"])
    assert "Reuters" in all_text(reply.body["blocks"])
    (edit,) = fake.calls("/api/chat.update")
    assert (edit.body["channel"], edit.body["ts"]) == ("C0001", first_ts)
    check_blocks(edit.body["blocks"])
    shown = all_text(edit.body["blocks"])
    assert "*Stage*\nannounced" in shown and "2 sources:" in shown


async def test_a_failed_edit_does_not_repeat_the_thread_reply(fake: FakeSlack, notifier: SlackNotifier) -> None:
    fake.behaviours["chat.update:C0001"] = Behaviour(error="message_not_found")
    result = await notifier.deliver(_moved_on("C0001:1700000000.000042"), CHANNEL)
    assert isinstance(result, Delivered)
    assert len(fake.calls("/api/chat.postMessage")) == 1 and len(fake.calls("/api/chat.update")) == 1


async def test_update_through_a_webhook_is_a_new_message_marked_as_update(
    fake: FakeSlack, notifier: SlackNotifier
) -> None:
    destination = Destination("slack", webhook_url=fake.webhook_url("w1"))
    result = await notifier.deliver(_moved_on(""), destination)
    assert result == Delivered(reference="")
    (post,) = fake.calls("/webhook/w1")
    assert post.body["blocks"][0]["text"]["text"] == "Update: Xiaomi × Great Wall Motor"
    assert "was in talks, now *announced*" in all_text(post.body["blocks"])


async def test_a_channel_without_a_bot_token_is_permanent(fake: FakeSlack) -> None:
    tokenless = SlackNotifier(token=None, api_url=fake.api_url)
    result = await tokenless.deliver(sample_alert(), CHANNEL)
    await tokenless.close()
    assert isinstance(result, DeliveryFailed) and result.permanent and "SLACK_BOT_TOKEN" in result.reason
    assert fake.requests == []


async def test_the_deliverer_paces_posts_and_threads_updates_from_the_store(database_url: str) -> None:
    clock = Clock()
    fake = await FakeSlack(clock=clock).start()
    notifier = SlackNotifier(token=BOT_TOKEN, api_url=fake.api_url)
    store = Store(database_url)
    store.migrate()
    router = Router([Rule(Destination("slack", "C1"))])
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    try:
        feed = store.run(
            lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f/1"), origin="config", now=1.0)
        )
        _ingest(
            store,
            feed.id,
            router,
            clock,
            [("i1", ("Xiaomi", "Great Wall Motor"), "talks"), ("i2", ("A", "B"), "talks")],
        )
        deliverer = Deliverer(store=store, router=router, notifiers={"slack": notifier}, clock=clock, sleep=sleep)
        assert (await deliverer.deliver_due()).sent == 2
        first, second = fake.calls("/api/chat.postMessage")
        assert second.at - first.at >= 1.0 and max(slept) >= 0.9  # at most one post a second per channel
        clock.now += 60
        _ingest(store, feed.id, router, clock, [("i3", ("Xiaomi", "Great Wall Motor"), "announced")])
        assert (await deliverer.deliver_due()).sent == 1
        reply = fake.calls("/api/chat.postMessage")[2]
        assert reply.body["thread_ts"] == "1700000000.000001" and reply.body["channel"] == "C1"
        assert fake.calls("/api/chat.update")[0].body["ts"] == "1700000000.000001"
        references = store.run(lambda c: list(c.execute(select(deliveries.c.reference)).scalars()))
        assert "C1:1700000000.000001" in references
    finally:
        await notifier.close()
        await fake.stop()
        store.close()


def _ingest(
    store: Store, feed_id: int, router: Router, clock: Clock, deals: list[tuple[str, tuple[str, str], str]]
) -> None:
    found = []
    for item_id, partners, stage in deals:
        item = Item(id=item_id, title=f"{partners[0]} deal", link=f"https://n/{item_id}", source="Wire")
        detection = Detection("t", True, 0.9, partners, "manufacturing", stage, "They agreed.", True)  # type: ignore[arg-type]
        found.append(store_events.Found(item, store_events.item_key(item.id), detection))
    store.run(lambda c: store_events.ingest(c, feed_id, found, now=clock.now, route=router))

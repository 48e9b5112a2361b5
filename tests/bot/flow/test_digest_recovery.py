"""A digest whose post was cut off is looked for at its destination before it is posted again: found, it is
recorded as sent and not posted; not found, it is posted; partly found, only the rest is posted; when the
destination cannot be read, it is posted again and the log says the channel may see it twice (never lost)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.core.digest import Digest, Posted, Unchecked
from bot.core.models import Delivered, DeliveryFailed, Destination
from bot.core.schedule import parse_schedule
from bot.flow.digest import READ_WAITS, DigestRoute, DigestSender
from bot.flow.router import Rule
from bot.store import Store
from bot.store.schema import digests
from tests.fakes import store_with_deals

CHANNEL = Destination("chat", "C0001")
TUESDAY_0800 = datetime(2026, 3, 10, 7, 0, tzinfo=UTC).timestamp()  # 08:00 in Berlin
Found = Posted | Unchecked | DeliveryFailed


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Killed(BaseException):
    """The process dies right after the platform accepted the post: nothing after it runs."""


@dataclass
class Channel:
    """A notifier that can read its destination back: ``answers`` are what each look finds, in turn."""

    platform: str = "chat"
    answers: list[Found | Exception] = field(default_factory=list)
    looked: list[float] = field(default_factory=list)  # the ``since`` of each look
    posted: list[tuple[str, Posted | None]] = field(default_factory=list)
    kill: bool = False

    async def find_digest(self, digest: Digest, destination: Destination, *, since: float) -> Found:
        self.looked.append(since)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def deliver_digest(
        self, digest: Digest, destination: Destination, *, posted: Posted | None = None
    ) -> Delivered | DeliveryFailed:
        self.posted.append((digest.key, posted))
        if self.kill:
            raise Killed
        return Delivered(f"C0001:{len(self.posted)}")

    async def deliver(self, *args: object) -> Delivered:
        return Delivered()

    async def close(self) -> None:
        return None


def _sender(store: Store, clock: Clock, channel: Channel) -> DigestSender:
    route = DigestRoute("morning", Rule(CHANNEL), parse_schedule("daily 08:00"), ZoneInfo("Europe/Berlin"))
    return DigestSender(store=store, routes=[route], notifiers={"chat": channel}, clock=clock)


async def _cut_off(database_url: str, clock: Clock) -> Store:
    """A store whose digest for Monday-Tuesday was cut off mid-post, as a killed process leaves it."""
    deal = (("Xiaomi", "Great Wall Motor"), "manufacturing", "talks", TUESDAY_0800 - 3600)
    store = store_with_deals(database_url, (deal,))
    with pytest.raises(Killed):
        await _sender(store, clock, Channel(kill=True)).send_due()
    return store


def _row(store: Store) -> dict[str, object]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(digests)).mappings().one())


async def test_a_digest_found_at_its_destination_is_recorded_and_not_posted_again(database_url: str) -> None:
    clock = Clock(TUESDAY_0800 + 60)
    store = await _cut_off(database_url, clock)
    claimed = _row(store)["claimed_at"]
    clock.now += 600
    channel = Channel(answers=[Posted({0: "C0001:1773126060.000100"}, 1)])
    restarted = _sender(Store(database_url), clock, channel)
    restarted.recover()
    assert await restarted.send_due() == 1
    await restarted.send_due()
    assert channel.posted == [] and channel.looked == [claimed]
    row = _row(store)
    assert (row["status"], row["reference"]) == ("sent", "C0001:1773126060.000100")


async def test_a_digest_not_found_is_posted_once(database_url: str) -> None:
    clock = Clock(TUESDAY_0800 + 60)
    store = await _cut_off(database_url, clock)
    channel = Channel(answers=[Posted({}, 1)])
    restarted = _sender(Store(database_url), clock, channel)
    restarted.recover()
    await restarted.send_due()
    await restarted.send_due()
    assert [posted for _, posted in channel.posted] == [None]
    assert _row(store)["status"] == "sent"


async def test_only_the_parts_not_found_are_posted(database_url: str) -> None:
    clock = Clock(TUESDAY_0800 + 60)
    await _cut_off(database_url, clock)
    partly = Posted({0: "C0001:1.000100"}, 3)
    channel = Channel(answers=[partly])
    await _sender(Store(database_url), clock, channel).send_due()
    assert channel.posted == [(channel.posted[0][0], partly)]  # the notifier is told what is there already


@pytest.mark.parametrize(
    "answer",
    [Unchecked("an incoming webhook cannot read its channel's history"), RuntimeError("history read failed")],
)
async def test_a_destination_that_cannot_be_read_gets_the_digest_again_and_the_log_says_so(
    database_url: str, answer: Unchecked | Exception, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(TUESDAY_0800 + 60)
    store = await _cut_off(database_url, clock)
    channel = Channel(answers=[answer])
    with caplog.at_level(logging.WARNING, logger="evradar.digest"):
        await _sender(Store(database_url), clock, channel).send_due()
    assert [posted for _, posted in channel.posted] == [None]  # posted again in full: never lost
    assert _row(store)["status"] == "sent"
    said = caplog.text
    assert "cannot check whether it arrived" in said and "may show it twice" in said
    assert ("webhook" in said) if isinstance(answer, Unchecked) else ("RuntimeError" in said)


async def test_a_rate_limited_read_waits_and_reads_again_rather_than_posting(database_url: str) -> None:
    clock = Clock(TUESDAY_0800 + 60)
    store = await _cut_off(database_url, clock)
    channel = Channel(answers=[DeliveryFailed("rate-limited", retry_after=30.0), Posted({0: "C0001:9.000001"}, 1)])
    sender = _sender(Store(database_url), clock, channel)
    assert await sender.send_due() == 0
    assert channel.posted == [] and _row(store)["status"] == "pending"
    clock.now += 10
    await sender.send_due()
    assert len(channel.looked) == 1  # not before Slack's wait is over
    clock.now += 60
    assert await sender.send_due() == 1
    assert channel.posted == [] and _row(store)["reference"] == "C0001:9.000001"


async def test_a_first_post_does_not_look_and_a_failed_one_looks_next_time(database_url: str) -> None:
    deal = (("Xiaomi", "BAIC"), "supply", "announced", TUESDAY_0800 - 3600)
    store, clock = store_with_deals(database_url, (deal,)), Clock(TUESDAY_0800 + 60)

    class Failing(Channel):
        async def deliver_digest(
            self, digest: Digest, destination: Destination, *, posted: Posted | None = None
        ) -> Delivered | DeliveryFailed:
            self.posted.append((digest.key, posted))
            return DeliveryFailed("the answer was lost on the way")

    failing = Failing()
    await _sender(store, clock, failing).send_due()
    assert failing.looked == [] and len(failing.posted) == 1  # a first post has nothing to look for
    first_claim = _row(store)["claimed_at"]
    clock.now += 3600
    channel = Channel(answers=[Posted({0: "C0001:5.000001"}, 1)])
    await _sender(store, clock, channel).send_due()
    assert channel.looked == [first_claim] and channel.posted == []  # the lost answer's post was found


async def test_reads_that_stay_rate_limited_do_not_hold_the_digest_back_for_ever(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(TUESDAY_0800 + 60)
    store = await _cut_off(database_url, clock)
    limited = DeliveryFailed("rate-limited", retry_after=60.0)
    channel = Channel(answers=[limited] * (READ_WAITS + 1))
    sender = _sender(Store(database_url), clock, channel)
    with caplog.at_level(logging.WARNING, logger="evradar.digest"):
        for _ in range(READ_WAITS + 1):
            await sender.send_due()
            clock.now += 61
    assert len(channel.looked) == READ_WAITS + 1 and len(channel.posted) == 1
    assert _row(store)["status"] == "sent" and "may show it twice" in caplog.text

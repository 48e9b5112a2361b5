"""Digests through the outbox: exactly one per route per period, with an injected clock, across restarts and a
crash in the middle of posting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.digest import Digest, chunks
from bot.core.models import Delivered, DeliveryFailed, Destination
from bot.core.mutes import Mute
from bot.core.schedule import parse_schedule
from bot.flow.digest import DigestRoute, DigestSender
from bot.flow.router import Rule
from bot.store import Store
from bot.store import digests as store_digests
from tests.fakes import store_with_deals

DAY = 86400.0
BERLIN = ZoneInfo("Europe/Berlin")
CHANNEL = Destination("console", "morning")
# Tuesday 2026-03-10 08:00 in Berlin is 07:00 UTC.
TUESDAY_0800 = datetime(2026, 3, 10, 7, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class DigestRecorder:
    platform: str = "console"
    posted: list[Digest] = field(default_factory=list)
    crash: bool = False

    async def deliver_digest(self, digest: Digest, destination: Destination) -> Delivered | DeliveryFailed:
        self.posted.append(digest)
        if self.crash:
            raise SystemExit("killed while posting")  # the process dies: nothing after the post is recorded
        return Delivered(f"ref-{digest.key}")

    async def deliver(self, *args: object) -> Delivered:
        return Delivered()

    async def close(self) -> None:
        return None


def _route(**filters: frozenset[str]) -> DigestRoute:
    return DigestRoute("morning", Rule(CHANNEL, **filters), parse_schedule("daily 08:00"), BERLIN)


def _deals(database_url: str) -> Store:
    hour = 3600.0
    return store_with_deals(
        database_url,
        (
            (("Xiaomi", "Great Wall Motor"), "manufacturing", "talks", TUESDAY_0800 - 5 * hour),
            (("Xiaomi", "BAIC"), "supply", "announced", TUESDAY_0800 - 2 * hour),
            (("Stellantis", "Leapmotor"), "investment", "announced", TUESDAY_0800 + 3 * hour),
            (("Tesla", "Panasonic"), "supply", "announced", TUESDAY_0800 + DAY + 1 * hour),
        ),
    )


def _sender(store: Store, clock: Clock, recorder: DigestRecorder, mutes: tuple[Mute, ...] = ()) -> DigestSender:
    return DigestSender(
        store=store, routes=[_route()], notifiers={"console": recorder}, clock=clock, mutes=lambda: mutes
    )


async def test_one_digest_per_period_however_often_the_sender_looks(database_url: str) -> None:
    store, clock, recorder = _deals(database_url), Clock(TUESDAY_0800 + 60), DigestRecorder()
    sender = _sender(store, clock, recorder)
    for _ in range(5):  # ticks within the same period
        await sender.send_due()
        clock.now += 600
    assert len(recorder.posted) == 1
    first = recorder.posted[0]
    assert {e.partners for e in first.events} == {("Xiaomi", "Great Wall Motor"), ("Xiaomi", "BAIC")}
    assert first.start == datetime(2026, 3, 9, 8, 0, tzinfo=BERLIN)  # Monday 08:00 to Tuesday 08:00
    clock.now = TUESDAY_0800 + DAY + 5
    await sender.send_due()
    await sender.send_due()
    assert len(recorder.posted) == 2
    assert [e.partners for e in recorder.posted[1].events] == [("Stellantis", "Leapmotor")]


async def test_a_restart_in_mid_period_neither_loses_nor_repeats_a_digest(database_url: str) -> None:
    store, clock, recorder = _deals(database_url), Clock(TUESDAY_0800 + 60), DigestRecorder()
    await _sender(store, clock, recorder).send_due()
    clock.now += 6 * 3600  # restarted in the middle of the next period
    restarted = _sender(Store(database_url), clock, recorder)
    restarted.recover()
    await restarted.send_due()
    assert len(recorder.posted) == 1
    clock.now = TUESDAY_0800 + DAY + 30
    await restarted.send_due()
    assert len(recorder.posted) == 2


async def test_a_digest_missed_while_evradar_was_down_is_sent_on_the_next_start(database_url: str) -> None:
    store, clock, recorder = _deals(database_url), Clock(TUESDAY_0800 - 60), DigestRecorder()
    sender = _sender(store, clock, recorder)
    await sender.send_due()
    before = len(recorder.posted)
    clock.now = TUESDAY_0800 + 4 * 3600  # down across 08:00
    await _sender(Store(database_url), clock, recorder).send_due()
    assert len(recorder.posted) == before + 1
    assert recorder.posted[-1].end == datetime(2026, 3, 10, 8, 0, tzinfo=BERLIN)


async def test_a_crash_while_posting_sends_that_period_again_once(database_url: str) -> None:
    store, clock = _deals(database_url), Clock(TUESDAY_0800 + 60)
    crashing = DigestRecorder(crash=True)
    with pytest.raises(SystemExit):
        await _sender(store, clock, crashing).send_due()
    assert store.run(lambda c: store_digests.sent_count(c, "morning")) == 0
    recorder = DigestRecorder()
    restarted = _sender(Store(database_url), clock, recorder)
    restarted.recover()
    await restarted.send_due()
    await restarted.send_due()
    assert len(recorder.posted) == 1
    assert recorder.posted[0].key == crashing.posted[0].key  # the same period, under the same key


async def test_filters_and_mutes_apply_to_digests(database_url: str) -> None:
    store, clock, recorder = _deals(database_url), Clock(TUESDAY_0800 + 60), DigestRecorder()
    muted = (Mute("console", "morning", "company:Great Wall Motor"),)
    await _sender(store, clock, recorder, muted).send_due()
    assert [e.partners for e in recorder.posted[0].events] == [("Xiaomi", "BAIC")]


async def test_an_empty_period_disturbs_nobody(database_url: str) -> None:
    store, clock, recorder = _deals(database_url), Clock(TUESDAY_0800 + 10 * DAY), DigestRecorder()
    await _sender(store, clock, recorder).send_due()
    assert recorder.posted == []
    assert store.run(lambda c: store_digests.sent_count(c, "morning")) == 1


async def test_the_current_period_and_a_digest_sent_now(database_url: str) -> None:
    store, clock, recorder = _deals(database_url), Clock(TUESDAY_0800 + 6 * 3600), DigestRecorder()
    sender = _sender(store, clock, recorder)
    current = sender.current(_route())
    assert [e.partners for e in current.events] == [("Stellantis", "Leapmotor")]
    result = await sender.send_now(_route(), since=clock.now - DAY)
    assert isinstance(result, Delivered)
    assert len(recorder.posted[0].events) == 3


def test_long_digests_are_cut_between_lines() -> None:
    store_less = Digest(
        "k",
        "r",
        datetime(2026, 3, 9, 8, tzinfo=BERLIN),
        datetime(2026, 3, 10, 8, tzinfo=BERLIN),
        (),
    )
    assert chunks(store_less, limit=3000)[0].startswith("evradar digest: 0 partnerships")

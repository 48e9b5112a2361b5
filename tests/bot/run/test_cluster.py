"""Three instances on one PostgreSQL share 200 feeds; one is killed mid-run; every alert still arrives
exactly once, in order per channel, and the survivors keep polling."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest_asyncio
from sqlalchemy import create_engine, text

from bot.flow.evaluate import read_labelled
from bot.ingest.feeds import parse_feed
from bot.run.cluster import Leases
from bot.store.events import partners_key
from handlers.ev_partnership import EvPartnershipHandler
from tests.conftest import DEV_CORPUS, REAL_FEEDS, ROOT
from tests.discord_fake import WEBHOOK_ID, WEBHOOK_TOKEN, FakeDiscord
from tests.fakes import FeedServer, Story, clean_environment, rss
from tests.slack_fake import FakeSlack

FEEDS, EVERY = 200, 7  # every 7th feed carries one partnership story among its ordinary items
INSTANCES = 3


def _stories(handler: EvPartnershipHandler) -> list[tuple[Story, str]]:
    """Labelled partnership stories the handler alerts on, one per pair of partners, with their headline."""
    now = datetime.now(UTC)
    chosen: dict[str, tuple[Story, str]] = {}
    with DEV_CORPUS.open(encoding="utf-8") as lines:
        for case in read_labelled(lines):
            found = handler.detect(case.item) if case.positive else None
            if found and found.alert and partners_key(found.partners) not in chosen:
                story = Story(case.item.title, case.item.summary, f"https://news.example/{case.item.id}", now)
                chosen[partners_key(found.partners)] = (story, " × ".join(found.partners))
    return list(chosen.values())[: FEEDS // EVERY + 1]


def _ordinary(handler: EvPartnershipHandler) -> list[Story]:
    """Real feed items that are not partnership news, dated now."""
    now = datetime.now(UTC)
    out = []
    for path in sorted(REAL_FEEDS.glob("*.xml"))[:12]:
        for item in parse_feed(path.read_bytes(), url=path.as_uri()).items:
            if item.title and not ((d := handler.detect(item)) and d.alert):
                out.append(Story(item.title, item.summary[:300], item.link or f"https://x.example/{item.id}", now))
    return out


@pytest_asyncio.fixture
async def servers() -> AsyncIterator[tuple[FeedServer, FakeSlack, FakeDiscord]]:
    feeds, slack, chat = await FeedServer().start(), await FakeSlack().start(), await FakeDiscord().start()
    yield feeds, slack, chat
    await chat.close()
    await slack.stop()
    await feeds.stop()


def _env(database: str, feeds: FeedServer, slack: FakeSlack, chat: FakeDiscord) -> dict[str, str]:
    env = clean_environment()
    env.update({
        "EVRADAR_STORAGE__URL": database,
        "EVRADAR_CLUSTER__ENABLED": "true",
        "EVRADAR_FEEDS": json.dumps([{"url": feeds.url(f"feed-{n}.xml")} for n in range(FEEDS)]),
        "EVRADAR_POLLING__BACKFILL": "all",
        "EVRADAR_POLLING__INTERVAL": "10s",
        "EVRADAR_POLLING__MIN_INTERVAL": "5s",
        "EVRADAR_POLLING__JITTER": "0s",
        "EVRADAR_POLLING__PER_HOST": "50",
        "EVRADAR_SERVER__ENABLED": "false",
        "EVRADAR_SLACK__API_URL": slack.api_url,
        "EVRADAR_DISCORD__API_URL": chat.api_url,
        "EVRADAR_ROUTES": json.dumps([
            {"platform": "slack", "webhook_url": slack.webhook_url("alerts")},
            {"platform": "discord", "webhook_url": f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"},
        ]),
    })  # fmt: skip
    return env


def _slack(slack: FakeSlack) -> list[str]:
    return [r.body["blocks"][0]["text"]["text"] for r in slack.calls("/webhook/alerts")]


def _discord(chat: FakeDiscord) -> list[str]:
    return [c.json["embeds"][0]["title"].split(":")[0].replace("\\", "") for c in chat.of("execute_webhook")]


def _queued(database: str) -> dict[str, list[str]]:
    """Each destination's alerts in the order they were queued, as partner headlines."""
    engine = create_engine(database)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT d.destination, e.partners FROM deliveries d "
                "JOIN events e ON e.id = d.event_id ORDER BY d.id"
            )
        ).all()
    engine.dispose()
    out: dict[str, list[str]] = {}
    for destination, partners in rows:
        out.setdefault(destination.split(":")[0], []).append(" × ".join(json.loads(partners)))
    return out


async def test_three_instances_one_killed_every_alert_once_in_order_and_polling_goes_on(
    postgres_url: str,
    servers: tuple[FeedServer, FakeSlack, FakeDiscord],
    handler: EvPartnershipHandler,
    tmp_path: Path,
) -> None:
    feeds, slack, chat = servers
    stories, ordinary = _stories(handler), _ordinary(handler)
    assert len(stories) == FEEDS // EVERY + 1 and len(ordinary) > 500
    for n in range(FEEDS):
        items = [ordinary[(n * 10 + i) % len(ordinary)] for i in range(10)]
        items = [Story(s.title, s.summary, s.link, s.published, guid=f"feed-{n}-{i}") for i, s in enumerate(items)]
        if n % EVERY == 0:
            items.append(stories[n // EVERY][0])
        feeds.bodies[f"feed-{n}.xml"] = rss(items, title=f"Feed {n}")
    expected = sorted(headline for _, headline in stories)
    env = _env(postgres_url, feeds, slack, chat)

    bots = []
    for n in range(INSTANCES):
        log = (tmp_path / f"instance-{n}.log").open("w")
        bots.append(await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=log, stderr=log,
            start_new_session=True,  # its own process group: a kill takes its worker processes too
        ))  # fmt: skip
    try:
        async with asyncio.timeout(180):
            while len(_slack(slack)) < 6:
                await asyncio.sleep(0.1)
        # Kill one instance between posts: hold every chat request at the door, let the one in flight
        # (if any) finish, kill, then open the door; a post of the dead one never got through.
        slack.gate.clear()
        chat.gate.clear()
        await asyncio.sleep(1.0)
        os.killpg(bots[0].pid, signal.SIGKILL)  # the instance dies whole, as a lost machine does
        await bots[0].wait()
        hits_at_kill = len(feeds.requests)
        slack.gate.set()
        chat.gate.set()
        async with asyncio.timeout(180):
            while len(set(_slack(slack))) < len(expected) or len(set(_discord(chat))) < len(expected):
                await asyncio.sleep(0.2)
        await asyncio.sleep(3)  # time for a duplicate to show up, if there were one
        survivors_polled = len(feeds.requests) - hits_at_kill
    finally:
        for bot in bots[1:]:
            if bot.returncode is None:
                bot.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(bot.wait(), timeout=30) for bot in bots[1:]]
    logs = "\n".join((tmp_path / f"instance-{n}.log").read_text() for n in range(INSTANCES))
    assert codes == [0, 0], logs[-3000:]
    queued = _queued(postgres_url)
    for name, posts in (("slack", _slack(slack)), ("discord", _discord(chat))):
        assert sorted(posts) == expected, name  # every alert, exactly once
        assert posts == queued[name], name  # in the order queued
    assert survivors_polled >= FEEDS  # the two survivors went on polling every feed
    assert "Cluster mode: instance" in logs


async def test_a_lease_is_held_by_one_instance_and_taken_over_when_it_goes(postgres_url: str) -> None:
    first, second = Leases(postgres_url, every=0.1), Leases(postgres_url, every=0.1)
    await asyncio.wait_for(first.acquire("discord-gateway"), timeout=10)
    waiting = asyncio.create_task(second.acquire("discord-gateway"))
    await asyncio.sleep(0.5)
    assert not waiting.done()  # the gateway stays with the first instance
    await asyncio.wait_for(second.acquire("another-lease"), timeout=10)  # other names are free
    await first.close()  # the first instance goes away: its connection closes, the lock is released
    await asyncio.wait_for(waiting, timeout=10)
    await second.close()

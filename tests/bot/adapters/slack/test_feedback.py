"""Feedback buttons on Slack: signed block_actions through Bolt on /slack/events, the vote stored once per
user (and changeable), the alert edited in place with chat.update, forgeries and stale clicks refused."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.adapters.slack import notifier
from bot.adapters.slack.platform import SlackPlatform, build
from bot.adapters.slack.settings import SlackSettings
from bot.chat.commands import Commands
from bot.chat.lookup import Lookup
from bot.core.models import Company, Delivered, Destination
from bot.run.server import Server
from bot.run.settings import RouteSettings, Secrets, ServerSettings, Settings
from bot.store import Store
from bot.store import feedback as store_feedback
from bot.store.schema import events
from handlers.companies import CompanyIndex
from tests.bot.adapters.slack.test_commands import SECRET, _ask, _health, _metrics, _send
from tests.fakes import DEALS, store_with_deals
from tests.slack_fake import BOT_TOKEN, FakeSlack, all_text, check_blocks, sample_alert

OWNER = "U0OWNER"
TS = "1700000000.000001"
Start = Callable[..., Awaitable[str]]


@pytest.fixture
def store(database_url: str) -> Store:
    return store_with_deals(database_url, DEALS[:2])


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


@pytest.fixture
async def start_slack(fake: FakeSlack, store: Store, companies: tuple[Company, ...]) -> AsyncIterator[Start]:
    running: list[tuple[SlackPlatform, Server]] = []

    async def start() -> str:
        settings = Settings(
            slack=SlackSettings(api_url=fake.api_url, feedback_admins=[OWNER]),
            secrets=Secrets(slack_signing_secret=SecretStr(SECRET), slack_bot_token=SecretStr(BOT_TOKEN)),
            server=ServerSettings(port=0),
            routes=[RouteSettings(platform="slack", channel="C0001")],
        )
        platform = build(settings)
        assert isinstance(platform, SlackPlatform)
        server = Server(health=_health, metrics=_metrics)
        await platform.start(server=server, commands=Commands(Lookup(store, CompanyIndex(companies))))
        await server.start("127.0.0.1", 0)
        running.append((platform, server))
        return f"http://127.0.0.1:{server.port}/slack/events"

    yield start
    for platform, server in running:
        await platform.stop()
        await server.stop()
    store.close()


def event_id(store: Store) -> int:
    return int(store.run(lambda c: c.execute(select(events.c.id).order_by(events.c.id)).scalars().first()))


def click(fake: FakeSlack, event: int, vote: str, *, user: str = "U0001", blocks: Any = None) -> dict[str, str]:
    """A block_actions payload as Slack sends it when someone presses a button under an alert."""
    message = notifier.alert_message(sample_alert(event_id=event))
    payload = {
        "type": "block_actions",
        "team": {"id": "T0001", "domain": "test"},
        "user": {"id": user, "username": "someone", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": TS, "channel_id": "C0001", "is_ephemeral": False},
        "trigger_id": "1.2.3",
        "channel": {"id": "C0001", "name": "ev-news"},
        "message": {"type": "message", "ts": TS, "text": message.text, "blocks": blocks or list(message.blocks)},
        "response_url": fake.response_url("b1"),
        "actions": [
            {
                "action_id": f"feedback_{vote}",
                "block_id": "evradar_feedback",
                "value": str(event),
                "type": "button",
                "action_ts": "1700000001.000001",
            }
        ],
    }
    return {"payload": json.dumps(payload)}


async def vote(fake: FakeSlack, url: str, form: dict[str, str], count: int) -> dict[str, Any]:
    status, elapsed = await _send(url, form)
    assert status == 200 and elapsed < 2.5
    edits = await fake.wait_for("/api/chat.update", count)
    body = edits[-1].body
    assert (body["channel"], body["ts"]) == ("C0001", TS)
    blocks = body["blocks"] if isinstance(body["blocks"], list) else json.loads(body["blocks"])
    check_blocks(blocks)
    return {"blocks": blocks, "text": all_text(blocks)}


async def test_alerts_are_posted_with_four_buttons_carrying_the_event_id(fake: FakeSlack) -> None:
    sender = notifier.SlackNotifier(token=BOT_TOKEN, api_url=fake.api_url)
    try:
        assert isinstance(
            await sender.deliver(sample_alert(event_id=42), Destination("slack", "C0001")), Delivered
        )
    finally:
        await sender.close()
    (post,) = fake.calls("/api/chat.postMessage")
    blocks = post.body["blocks"] if isinstance(post.body["blocks"], list) else json.loads(post.body["blocks"])
    check_blocks(blocks)
    (row,) = [b for b in blocks if b.get("block_id") == "evradar_feedback"]
    buttons = [(e["text"]["text"], e["action_id"], e["value"]) for e in row["elements"]]
    assert buttons == [
        ("Useful", "feedback_useful", "42"),
        ("Not a partnership", "feedback_not_partnership", "42"),
        ("Wrong companies", "feedback_wrong_companies", "42"),
        ("Not EV", "feedback_not_ev", "42"),
    ]


async def test_a_vote_is_recorded_changed_and_counted_once_per_user(
    fake: FakeSlack, start_slack: Start, store: Store
) -> None:
    url, event = await start_slack(), event_id(store)
    first = await vote(fake, url, click(fake, event, "useful"), 1)
    assert "Feedback: Useful 1" in first["text"]
    changed = await vote(fake, url, click(fake, event, "not_ev", blocks=first["blocks"]), 2)
    assert "Feedback: Not EV 1" in changed["text"] and "Useful 1" not in changed["text"]
    other = await vote(fake, url, click(fake, event, "useful", user="U0002", blocks=changed["blocks"]), 3)
    assert "Feedback: Useful 1 · Not EV 1" in other["text"]
    assert other["text"].count("Feedback:") == 1  # the tally replaces itself, it does not pile up
    ids = [b.get("block_id") for b in other["blocks"]]
    assert ids.index("evradar_tally") == ids.index("evradar_feedback") + 1  # quietly, under the buttons
    assert store.run(lambda c: store_feedback.tally(c, event, "slack", "C0001")) == {"useful": 1, "not_ev": 1}
    assert fake.calls("/api/chat.postMessage") == []  # the alert is edited, never answered with a new post
    assert store.run(lambda c: store_feedback.muted_destinations(c, event)) == set()


async def test_the_owners_not_vote_mutes_the_events_updates_in_that_channel(
    fake: FakeSlack, start_slack: Start, store: Store
) -> None:
    url, event = await start_slack(), event_id(store)
    edited = await vote(fake, url, click(fake, event, "not_partnership", user=OWNER), 1)
    assert "Not a partnership 1 · updates muted in this channel" in edited["text"]
    assert store.run(lambda c: store_feedback.muted_destinations(c, event)) == {"slack:C0001"}


@pytest.mark.parametrize("how", ["forged", "stale", "unsigned"])
async def test_forged_and_stale_clicks_get_401_and_count_nothing(
    fake: FakeSlack, start_slack: Start, store: Store, how: str
) -> None:
    url, event = await start_slack(), event_id(store)
    form = click(fake, event, "useful")
    if how == "forged":
        status, _ = await _send(url, form, signature="v0=" + "0" * 64)
    elif how == "stale":
        status, _ = await _send(url, form, age=600)
    else:
        status, _ = await _send(url, form, signed=False)
    assert status == 401
    assert store.run(lambda c: store_feedback.tally(c, event, "slack", "C0001")) == {}
    assert fake.calls("/api/chat.update") == []


async def test_a_button_for_an_unknown_event_says_so_privately(fake: FakeSlack, start_slack: Start) -> None:
    url = await start_slack()
    status, _ = await _send(url, click(fake, 999_999, "useful"))
    assert status == 200
    (answer,) = await fake.wait_for("/response/b1")
    assert "no longer knows this alert" in answer.body["text"]
    assert fake.calls("/api/chat.update") == []


async def test_status_shows_the_channels_threshold_and_why(fake: FakeSlack, start_slack: Start) -> None:
    answer = await _ask(fake, await start_slack(), "status")
    shown = all_text(answer.body["blocks"])
    assert "Feedback in this channel:" in shown and "Alert threshold 0.50 (configured 0.50)" in shown
    assert "starts to learn at 10 votes on 5 alerts" in shown

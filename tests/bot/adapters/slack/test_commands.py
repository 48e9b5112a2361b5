"""`/evradar` on Slack: signed requests to a real Server, answers through response_url, forgeries refused."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack.notifier import SlackNotifier
from bot.adapters.slack.platform import SlackPlatform, build
from bot.adapters.slack.settings import SlackSettings
from bot.chat.commands import Commands
from bot.chat.lookup import Lookup
from bot.core.models import Company, Destination, Detection, Item
from bot.flow.delivery import Deliverer
from bot.flow.router import Router, Rule
from bot.run.server import Server
from bot.run.settings import RouteSettings, Secrets, ServerSettings, Settings
from bot.store import Store
from bot.store import events as store_events
from bot.store import feeds as store_feeds
from bot.store import subscriptions as store_subscriptions
from handlers.companies import CompanyIndex
from tests.conftest import sqlite_only
from tests.fakes import DEALS, store_with_deals
from tests.slack_fake import APP_TOKEN, BOT_TOKEN, FakeSlack, Recorded, all_text, check_blocks

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ADMIN = "U0ADMIN"


@pytest.fixture
def store(database_url: str) -> Store:
    return store_with_deals(database_url, DEALS[:2])


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


Start = Callable[..., Awaitable[str]]


@pytest.fixture
async def start_slack(fake: FakeSlack, store: Store, companies: tuple[Company, ...]) -> AsyncIterator[Start]:
    """Starts the Slack platform on a real Server; returns the URL of POST /slack/events."""
    running: list[tuple[SlackPlatform, Server]] = []

    async def start(*, admins: tuple[str, ...] = ()) -> str:
        platform = build(_settings(fake, admins=admins))
        assert isinstance(platform, SlackPlatform)
        server = Server(health=_health, metrics=_metrics)
        commands = Commands(Lookup(store, CompanyIndex(companies), clock=lambda: 400.0))
        await platform.start(server=server, commands=commands)
        await server.start("127.0.0.1", 0)
        running.append((platform, server))
        return f"http://127.0.0.1:{server.port}/slack/events"

    yield start
    for platform, server in running:
        await platform.stop()
        await server.stop()
    store.close()


def _settings(fake: FakeSlack, *, admins: tuple[str, ...] = (), socket: bool = False) -> Settings:
    secrets = (
        Secrets(slack_app_token=SecretStr(APP_TOKEN))
        if socket
        else Secrets(slack_signing_secret=SecretStr(SECRET), slack_bot_token=SecretStr(BOT_TOKEN))
    )
    return Settings(
        slack=SlackSettings(api_url=fake.api_url, admins=list(admins)),
        secrets=secrets,
        server=ServerSettings(port=0),
        routes=[RouteSettings(platform="slack", channel="C0001")],
    )


async def _health() -> dict[str, object]:
    return {"status": "ok"}


async def _metrics() -> bytes:
    return b""


def _form(fake: FakeSlack, text: str, *, user: str = "U0001", reply: str = "r1") -> dict[str, str]:
    return {
        "token": "legacy-verification-token",
        "team_id": "T0001",
        "team_domain": "test",
        "channel_id": "C0001",
        "channel_name": "ev-news",
        "user_id": user,
        "user_name": "someone",
        "command": "/evradar",
        "text": text,
        "api_app_id": "A0001",
        "response_url": fake.response_url(reply),
        "trigger_id": "1.2.3",
    }


async def _send(
    url: str, form: dict[str, str], *, age: float = 0.0, signature: str | None = None, signed: bool = True
) -> tuple[int, float]:
    body = urlencode(form)
    timestamp = str(int(time.time() - age))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signed:
        made = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body) or ""
        headers |= {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature or made}
    started = time.monotonic()
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        await response.read()
        return response.status, time.monotonic() - started


async def _ask(fake: FakeSlack, url: str, text: str, *, user: str = "U0001", reply: str = "r1") -> Recorded:
    status, elapsed = await _send(url, _form(fake, text, user=user, reply=reply))
    assert status == 200 and elapsed < 2.5  # acknowledged well inside Slack's 3 seconds
    (answer,) = await fake.wait_for(f"/response/{reply}")
    assert answer.body["response_type"] == "ephemeral"
    check_blocks(answer.body["blocks"])
    assert answer.body["text"]
    return answer


async def test_company_lookup_answers_privately_with_its_events(fake: FakeSlack, start_slack: Start) -> None:
    url = await start_slack()
    answer = await _ask(fake, url, "xiaomi")
    shown = all_text(answer.body["blocks"])
    assert "Xiaomi: partnership events" in shown
    assert "*Xiaomi × BAIC* — supply deal, announced" in shown
    assert "*Xiaomi × Great Wall Motor* — contract manufacturing, in talks" in shown
    assert shown.index("BAIC") < shown.index("Great Wall Motor")  # newest first
    await _ask(fake, url, "GWM", reply="r2")
    assert len(fake.calls("/api/auth.test")) == 1  # Bolt checks the token once, not per command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recent", "Latest partnerships"),
        ("status", "evradar status"),
        ("help", "`/evradar recent` — the latest partnerships seen"),
        ("", "What /evradar can do"),
        ("rivian", "Nothing yet for *Rivian*"),
    ],
)
async def test_subcommands_answer(fake: FakeSlack, start_slack: Start, text: str, expected: str) -> None:
    answer = await _ask(fake, await start_slack(), text)
    assert expected in all_text(answer.body["blocks"])


async def test_subscribe_then_unsubscribe_changes_the_store(
    fake: FakeSlack, start_slack: Start, store: Store
) -> None:
    url = await start_slack()
    answer = await _ask(fake, url, "subscribe xiaomi kinds=supply")
    assert "This channel now gets alerts for Xiaomi; supply deal; every stage." in all_text(answer.body["blocks"])
    subs = store.run(store_subscriptions.all_subscriptions)
    assert [(s.platform, s.channel, s.companies, s.kinds, s.created_by) for s in subs] == [
        ("slack", "C0001", ("Xiaomi",), ("supply",), "U0001")
    ]
    answer = await _ask(fake, url, "unsubscribe", reply="r2")
    assert "subscription is removed" in all_text(answer.body["blocks"])
    assert store.run(store_subscriptions.all_subscriptions) == []


async def test_without_named_admins_the_channel_creator_and_workspace_admins_may_subscribe(
    fake: FakeSlack, start_slack: Start, store: Store
) -> None:
    url = await start_slack()  # fake: U0001 created C0001, U0ADMIN is a workspace admin
    refused = await _ask(fake, url, "subscribe byd", user="U0STRANGER")
    assert "Only the channel's managers" in all_text(refused.body["blocks"])
    assert store.run(store_subscriptions.all_subscriptions) == []
    by_admin = await _ask(fake, url, "subscribe byd", user="U0ADMIN", reply="r2")
    assert "This channel now gets alerts for BYD" in all_text(by_admin.body["blocks"])
    by_creator = await _ask(fake, url, "unsubscribe", user="U0001", reply="r3")
    assert "subscription is removed" in all_text(by_creator.body["blocks"])
    asked = [(r.path, r.body.get("user") or r.body.get("channel")) for r in fake.requests if "info" in r.path]
    assert ("/api/users.info", "U0STRANGER") in asked and ("/api/conversations.info", "C0001") in asked
    lookups_before = len(asked)
    await _ask(fake, url, "xiaomi", user="U0STRANGER", reply="r4")
    assert len([r for r in fake.requests if "info" in r.path]) == lookups_before  # a lookup asks nothing


async def test_only_admins_may_subscribe_when_admins_are_named(
    fake: FakeSlack, start_slack: Start, store: Store
) -> None:
    url = await start_slack(admins=(ADMIN,))
    refused = await _ask(fake, url, "subscribe byd", user="U0OTHER")
    assert "Only the channel's managers" in all_text(refused.body["blocks"])
    assert store.run(store_subscriptions.all_subscriptions) == []
    allowed = await _ask(fake, url, "subscribe byd", user=ADMIN, reply="r2")
    assert "This channel now gets alerts for BYD" in all_text(allowed.body["blocks"])
    assert [s.created_by for s in store.run(store_subscriptions.all_subscriptions)] == [ADMIN]


@pytest.mark.parametrize(
    "tamper",
    [
        {"signature": "v0=" + "0" * 64},  # forged
        {"signed": False},  # no signature headers
        {"age": 360.0},  # signed, but six minutes old
    ],
)
@sqlite_only
async def test_forged_unsigned_and_stale_requests_get_401(
    fake: FakeSlack, start_slack: Start, tamper: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = await start_slack()
    status, _ = await _send(url, _form(fake, "subscribe xiaomi"), **tamper)
    assert status == 401
    await asyncio.sleep(0.2)
    assert fake.requests == []  # nothing answered, nothing authorised
    assert "Refused a request to /slack/events" in caplog.text
    assert "legacy-verification-token" not in caplog.text and SECRET not in caplog.text


async def test_hostile_command_text_is_answered_safely(fake: FakeSlack, start_slack: Start) -> None:
    url = await start_slack()
    answer = await _ask(fake, url, "<!channel> <@U0123> " + "x" * 10_000)
    raw = json.dumps(answer.body)
    assert "<!channel>" not in raw and "<@U0123>" not in raw
    assert "Nothing matched “&lt;!channel&gt; &lt;@U0123&gt; xxx" in all_text(answer.body["blocks"])
    assert len(raw) < 5000


@sqlite_only
async def test_socket_mode_answers_without_a_public_url(fake: FakeSlack, store: Store, companies: Any) -> None:
    form = _form(fake, "xiaomi", reply="s1")
    fake.envelopes.append(
        {"envelope_id": "e1", "type": "slash_commands", "payload": form, "accepts_response_payload": True}
    )
    platform = build(_settings(fake, socket=True))
    assert isinstance(platform, SlackPlatform)
    await platform.start(server=None, commands=Commands(Lookup(store, CompanyIndex(companies))))
    try:
        (answer,) = await fake.wait_for("/response/s1")
        assert "Xiaomi × Great Wall Motor" in all_text(answer.body["blocks"])
        async with asyncio.timeout(5):
            while not fake.socket_replies:
                await asyncio.sleep(0.01)
        assert fake.socket_replies[0]["envelope_id"] == "e1"  # the ack went back over the socket
        (opened,) = fake.calls("/api/apps.connections.open")
        assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    finally:
        await platform.stop()
        store.close()


def test_built_only_when_slack_is_configured(fake: FakeSlack) -> None:
    assert build(Settings()) is None
    routed = Settings(routes=[RouteSettings(platform="slack", webhook_url=fake.webhook_url("w1"))])
    assert isinstance(build(routed), SlackPlatform)
    assert isinstance(build(Settings(secrets=Secrets(slack_bot_token=SecretStr(BOT_TOKEN)))), SlackPlatform)
    assert build(_settings(fake)).name == "slack"  # type: ignore[union-attr]


@sqlite_only
async def test_without_a_signing_secret_nothing_is_mounted(fake: FakeSlack, store: Store, companies: Any) -> None:
    platform = build(Settings(secrets=Secrets(slack_bot_token=SecretStr(BOT_TOKEN))))
    assert isinstance(platform, SlackPlatform)
    server = Server(health=_health, metrics=_metrics)
    await platform.start(server=server, commands=Commands(Lookup(store, CompanyIndex(companies))))
    await server.start("127.0.0.1", 0)
    try:
        status, _ = await _send(f"http://127.0.0.1:{server.port}/slack/events", _form(fake, "help"))
        assert status in (404, 405) and platform.app is None
    finally:
        await platform.stop()
        await server.stop()
        store.close()


async def test_graph_uploads_the_picture_to_the_channel(fake: FakeSlack, start_slack: Start) -> None:
    url = await start_slack()
    answer = await _ask(fake, url, "graph xiaomi")
    assert "Posted xiaomi-network.png in this channel" in all_text(answer.body["blocks"])
    ((channel, filename, data, comment),) = fake.shared
    assert (channel, filename) == ("C0001", "xiaomi-network.png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    assert "Xiaomi's partnership network" in comment
    assert [c.path for c in fake.requests if "upload" in c.path.lower()] == [
        "/api/files.getUploadURLExternal",
        "/upload/F0001",
        "/api/files.completeUploadExternal",
    ]


async def test_graph_of_a_company_without_events_answers_in_words(fake: FakeSlack, start_slack: Start) -> None:
    url = await start_slack()
    answer = await _ask(fake, url, "graph stellantis")
    assert "no partnership events of Stellantis" in all_text(answer.body["blocks"])
    assert fake.shared == [] and fake.calls("/api/files.getUploadURLExternal") == []


async def test_export_uploads_a_csv(fake: FakeSlack, start_slack: Start) -> None:
    url = await start_slack()
    await _ask(fake, url, "export")
    ((_, filename, data, _),) = fake.shared
    assert filename == "evradar-events.csv"
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith('"id","partners"') and len(lines) == 3


async def test_mute_keeps_a_company_out_of_the_channel_until_unmuted(
    fake: FakeSlack, start_slack: Start, store: Store, companies: tuple[Company, ...]
) -> None:
    url = await start_slack()
    muted = await _ask(fake, url, "mute gwm 7d")
    assert "no alerts about Great Wall Motor until" in all_text(muted.body["blocks"])
    kind = await _ask(fake, url, "mute kind=charging", reply="r2")
    assert "until `/evradar unmute kind=charging`" in all_text(kind.body["blocks"])
    status = await _ask(fake, url, "status", reply="r3")
    assert "Great Wall Motor" in all_text(status.body["blocks"]) and "kind=charging" in all_text(
        status.body["blocks"]
    )
    lookup = Lookup(store, CompanyIndex(companies), clock=lambda: 400.0)
    router = Router([Rule(Destination("slack", "C0001"))], clock=lambda: 400.0)
    router.mutes = tuple(lookup.mutes())
    notifier = SlackNotifier(token=BOT_TOKEN, api_url=fake.api_url, timeout=2.0)
    feed = store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f/m"), origin="config", now=400))
    deals = [(("Xiaomi", "Great Wall Motor"), "manufacturing"), (("Tesla", "Panasonic"), "supply")]
    deals.append((("Tesla", "ChargePoint"), "charging"))
    for n, (partners, kind_) in enumerate(deals):
        item = Item(id=f"m{n}", title=f"{' and '.join(partners)} deal", link=f"https://news/m{n}")
        det = Detection("t", True, 0.9, partners, kind_, "announced", "They agreed.", True)  # type: ignore[arg-type]
        found = [store_events.Found(item, store_events.item_key(item.id), det)]
        store.run(lambda c, f=found: store_events.ingest(c, feed.id, f, now=401.0, route=router))
    deliverer = Deliverer(store=store, router=router, notifiers={"slack": notifier}, clock=lambda: 402.0)
    await deliverer.deliver_due()
    await notifier.close()
    posted = [all_text(c.body["blocks"]) for c in fake.calls("/api/chat.postMessage")]
    assert len(posted) == 1 and "Panasonic" in posted[0]
    unmuted = await _ask(fake, url, "unmute great wall motor", reply="r4")
    assert "gets alerts about Great Wall Motor again" in all_text(unmuted.body["blocks"])
    assert [m.label for m in lookup.mutes()] == ["kind=charging"]


async def test_muting_needs_a_channel_manager_and_a_known_target(fake: FakeSlack, start_slack: Start) -> None:
    url = await start_slack()
    refused = await _ask(fake, url, "mute byd", user="U0STRANGER")
    assert "Only the channel's managers" in all_text(refused.body["blocks"])
    unknown = await _ask(fake, url, "mute nosuchcarmaker", reply="r2")
    assert "is not a company or kind evradar knows" in all_text(unknown.body["blocks"])

"""`/evradar` on Discord: the signed HTTP endpoint on a real Server, the gateway CommandTree, and sync."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import pytest
import yarl
from nacl.signing import SigningKey

from bot.adapters.discord.commands import CommandRunner, build_tree, new_client
from bot.adapters.discord.platform import DiscordPlatform, build, sync_commands
from bot.chat.commands import Answer, Commands, Request
from bot.chat.lookup import Lookup
from bot.core.errors import ConfigError, EvradarError
from bot.core.models import Company, Destination, Detection, Item
from bot.flow.delivery import Deliverer
from bot.flow.router import Router, Rule
from bot.run.server import Server
from bot.run.settings import Settings
from bot.store import events as store_events
from bot.store import feeds as store_feeds
from bot.store import subscriptions as store_subscriptions
from handlers.companies import CompanyIndex
from tests.conftest import sqlite_only
from tests.discord_fake import APPLICATION_ID, BOT_TOKEN, GUILD_ID, FakeDiscord, parse_multipart
from tests.fakes import store_with_deals

CHANNEL = "1100000000000000100"
USER = "1100000000000000200"
ADMIN = "1100000000000000300"
TOKEN = "interaction-token-abc"
MANAGE_CHANNELS = 0x10
CHANNEL_JSON = {"id": CHANNEL, "type": 0, "name": "ev-deals", "guild_id": str(GUILD_ID), "position": 0}


@pytest.fixture
def lookup(database_url: str, companies: tuple[Company, ...]) -> Lookup:
    return Lookup(store_with_deals(database_url), CompanyIndex(companies), clock=lambda: 400.0)


class SlowCommands(Commands):
    """Commands whose answers wait until the test lets them go (a slow database, without wall-clock sleeps)."""

    def __init__(self, lookup: Lookup) -> None:
        super().__init__(lookup)
        self.release = threading.Event()

    def answer(self, request: Request) -> Answer:
        self.release.wait(timeout=10)
        return super().answer(request)


def settings_for(fake: FakeDiscord, key: SigningKey | None = None, **secrets: str) -> Settings:
    if key is not None:
        secrets["discord_public_key"] = key.verify_key.encode().hex()
    return Settings.model_validate(
        {
            "discord": {"api_url": fake.api_url, "application_id": str(APPLICATION_ID), "admins": [ADMIN]},
            "secrets": secrets,
        }
    )


def interaction(
    sub: str,
    options: dict[str, str] | None = None,
    *,
    kind: int = 2,
    permissions: int = 0,
    user: str = USER,
    focused: str = "",
) -> dict[str, Any]:
    """An interaction payload as Discord sends it, over HTTP or in the gateway's INTERACTION_CREATE."""
    given = [
        {"type": 3, "name": k, "value": v, **({"focused": True} if k == focused else {})}
        for k, v in (options or {}).items()
    ]
    member_user = {"id": user, "username": "someone", "discriminator": "0", "avatar": None, "global_name": None}
    return {
        "id": "1100000000000000400",
        "application_id": str(APPLICATION_ID),
        "type": kind,
        "token": TOKEN,
        "version": 1,
        "guild_id": str(GUILD_ID),
        "channel_id": CHANNEL,
        "channel": CHANNEL_JSON,
        "member": {
            "user": member_user,
            "permissions": str(permissions),
            "roles": [],
            "joined_at": None,
            "flags": 0,
        },
        "data": {
            "id": "1100000000000000500",
            "name": "evradar",
            "type": 1,
            "options": [{"type": 1, "name": sub, "options": given}],
        },
        "attachment_size_limit": 10_485_760,
    }


# -- the HTTP interactions endpoint --------------------------------------------------------------------


class Endpoint:
    """A started platform with its endpoint on a real bot.server.Server, and a signing client for it."""

    def __init__(self, platform: DiscordPlatform, server: Server, key: SigningKey, session: aiohttp.ClientSession):
        self.platform, self.server, self.key, self.session = platform, server, key, session

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/discord/interactions"

    async def post(
        self,
        payload: Any,
        *,
        key: SigningKey | None = None,
        at: float | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, Any]:
        body = raw if raw is not None else json.dumps(payload).encode()
        stamp = str(int(time.time() if at is None else at))
        signature = (key or self.key).sign(stamp.encode() + body).signature.hex()
        sent = {"X-Signature-Ed25519": signature, "X-Signature-Timestamp": stamp} if headers is None else headers
        async with self.session.post(
            self.url, data=body, headers={**sent, "Content-Type": "application/json"}
        ) as r:
            if r.content_type == "multipart/form-data":  # an answer with a file
                return r.status, parse_multipart(r.headers["Content-Type"], await r.read())
            return r.status, (await r.json() if r.content_type == "application/json" else await r.text())


async def start_endpoint(fake: FakeDiscord, commands: Commands) -> AsyncIterator[Endpoint]:
    key = SigningKey.generate()
    platform = build(settings_for(fake, key))
    assert isinstance(platform, DiscordPlatform)

    async def health() -> dict[str, object]:
        return {"status": "ok"}

    async def metrics() -> bytes:
        return b""

    server = Server(health=health, metrics=metrics)
    await platform.start(server=server, commands=commands)
    await server.start("127.0.0.1", 0)
    async with aiohttp.ClientSession() as session:
        yield Endpoint(platform, server, key, session)
    await platform.stop()
    await server.stop()


@pytest.fixture
def changes() -> list[int]:
    return []


@pytest.fixture
async def endpoint(fake: FakeDiscord, lookup: Lookup, changes: list[int]) -> AsyncIterator[Endpoint]:
    async for started in start_endpoint(
        fake, Commands(lookup, on_subscriptions_changed=lambda: changes.append(1))
    ):
        yield started


def embed_of(body: dict[str, Any]) -> dict[str, Any]:
    assert body["type"] == 4 and body["data"]["flags"] == 64, body  # an ephemeral answer
    assert body["data"]["allowed_mentions"] == {"parse": []}
    embed: dict[str, Any] = body["data"]["embeds"][0]
    return embed


@sqlite_only
async def test_signed_ping_gets_pong(endpoint: Endpoint) -> None:
    assert await endpoint.post({"type": 1}) == (200, {"type": 1})


async def test_lookup_answers_the_companys_events(endpoint: Endpoint) -> None:
    status, body = await endpoint.post(interaction("lookup", {"company": "xiaomi"}))
    assert status == 200
    embed = embed_of(body)
    assert embed["title"] == "Xiaomi: partnerships"
    assert [f["name"] for f in embed["fields"]] == ["Xiaomi × BAIC", "Xiaomi × Great Wall Motor"]
    assert "[Wire](https://news/1)" in embed["fields"][0]["value"]


async def test_lookup_of_a_name_like_a_subcommand_is_still_a_lookup(endpoint: Endpoint) -> None:
    _, body = await endpoint.post(interaction("lookup", {"company": "status"}))
    assert embed_of(body)["title"] == "Nothing yet for “status”"


async def test_recent_status_and_help(endpoint: Endpoint) -> None:
    _, recent = await endpoint.post(interaction("recent"))
    assert next(f["name"] for f in embed_of(recent)["fields"]) == "Stellantis × Leapmotor"
    _, status = await endpoint.post(interaction("status"))
    assert {f["name"]: f["value"] for f in embed_of(status)["fields"]}["Feeds"] == "1 (0 failing)"
    _, help_ = await endpoint.post(interaction("help"))
    assert "/evradar lookup company:" in embed_of(help_)["description"]


async def test_subscribe_needs_manage_channels(endpoint: Endpoint, lookup: Lookup, changes: list[int]) -> None:
    options = {"companies": "Xiaomi, Great Wall Motor", "kinds": "supply manufacturing", "stages": "talks"}

    _, refused = await endpoint.post(interaction("subscribe", options, permissions=0x400))  # View Channel only
    assert (
        embed_of(refused)["title"] == "Not done" and lookup.store.run(store_subscriptions.all_subscriptions) == []
    )

    _, allowed = await endpoint.post(interaction("subscribe", options, permissions=0x400 | MANAGE_CHANNELS))
    assert embed_of(allowed)["description"] == (
        "This channel now gets alerts for companies: Xiaomi, Great Wall Motor; kinds: supply, manufacturing; "
        "stages: talks."
    )
    [sub] = lookup.store.run(store_subscriptions.all_subscriptions)
    assert (sub.platform, sub.channel, sub.companies, sub.created_by) == (
        "discord",
        CHANNEL,
        ("Xiaomi", "Great Wall Motor"),
        USER,
    )
    assert changes == [1]


async def test_admins_from_the_settings_may_subscribe_and_unsubscribe(endpoint: Endpoint, lookup: Lookup) -> None:
    _, subscribed = await endpoint.post(interaction("subscribe", {"kinds": "charging"}, user=ADMIN))
    assert embed_of(subscribed)["title"] == "Subscribed"
    _, refused = await endpoint.post(interaction("unsubscribe"))
    assert embed_of(refused)["title"] == "Not done"
    _, done = await endpoint.post(interaction("unsubscribe", permissions=MANAGE_CHANNELS))
    assert embed_of(done)["title"] == "Unsubscribed" and "no longer" in embed_of(done)["description"]
    assert lookup.store.run(store_subscriptions.all_subscriptions) == []


async def test_autocomplete_offers_at_most_25_matching_companies(endpoint: Endpoint) -> None:
    _, body = await endpoint.post(interaction("lookup", {"company": "xia"}, kind=4, focused="company"))
    assert body["type"] == 8
    names = [c["name"] for c in body["data"]["choices"]]
    assert "Xiaomi" in names and all(c["name"] == c["value"] for c in body["data"]["choices"])
    _, everything = await endpoint.post(interaction("lookup", {"company": ""}, kind=4, focused="company"))
    assert len(everything["data"]["choices"]) == 25
    _, contained = await endpoint.post(interaction("lookup", {"company": "wall"}, kind=4, focused="company"))
    assert "Great Wall Motor" in [c["name"] for c in contained["data"]["choices"]]


async def test_a_slow_answer_is_deferred_then_sent_by_editing_the_original(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    commands = SlowCommands(lookup)
    async for started in start_endpoint(fake, commands):
        assert started.platform.endpoint is not None
        started.platform.endpoint.patience = 0.05
        status, body = await started.post(interaction("lookup", {"company": "xiaomi"}))
        assert (status, body) == (200, {"type": 5, "data": {"flags": 64}})
        assert fake.of("edit_webhook_message") == []
        commands.release.set()
        [edit] = await calls(fake, "edit_webhook_message")
        assert edit.path == f"/webhooks/{APPLICATION_ID}/{TOKEN}/messages/@original"
        assert edit.json["embeds"][0]["title"] == "Xiaomi: partnerships"
        assert edit.json["allowed_mentions"] == {"parse": []}


@sqlite_only
@pytest.mark.parametrize("problem", ["forged", "missing", "stale", "future", "garbled"])
async def test_requests_not_signed_by_discord_just_now_are_refused(endpoint: Endpoint, problem: str) -> None:
    ping = {"type": 1}
    if problem == "forged":
        result = await endpoint.post(ping, key=SigningKey.generate())
    elif problem == "missing":
        result = await endpoint.post(ping, headers={})
    elif problem == "garbled":
        result = await endpoint.post(ping, headers={"X-Signature-Ed25519": "zz", "X-Signature-Timestamp": "now"})
    else:
        result = await endpoint.post(ping, at=time.time() + (-360 if problem == "stale" else 360))
    assert result[0] == 401


@sqlite_only
async def test_bodies_over_64_kb_bad_json_and_unknown_types_are_refused(endpoint: Endpoint) -> None:
    assert (await endpoint.post(None, raw=b"{" + b" " * 70_000 + b"}"))[0] == 413
    assert (await endpoint.post(None, raw=b"not json"))[0] == 400
    assert (await endpoint.post({"type": 3}))[0] == 400


# -- the gateway CommandTree ---------------------------------------------------------------------------


async def calls(fake: FakeDiscord, route: str, *, count: int = 1) -> list[Any]:
    """The calls of ``route`` once ``count`` have arrived (waiting on the fake, at most 5 s)."""
    for _ in range(500):
        if len(fake.of(route)) >= count:
            return fake.of(route)
        await asyncio.sleep(0.01)
    raise AssertionError(f"{route} was not called {count} times: {[c.route for c in fake.calls]}")


@pytest.fixture
async def gateway_client(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    discord.http.Route.BASE = fake.api_url
    client = new_client()
    await client.login(BOT_TOKEN)  # REST only; interactions are fed to the tree the way discord.py's tests do
    yield client
    await client.close()


def tree_for(
    client: discord.Client, commands: Commands, *, patience: float = 2.0
) -> Callable[[dict[str, Any]], Any]:
    tree = build_tree(client, CommandRunner(commands, admins=[ADMIN]), patience=patience)

    async def call(payload: dict[str, Any]) -> None:
        await tree._call(discord.Interaction(data=payload, state=client._connection))  # type: ignore[arg-type]

    return call


async def test_gateway_command_answers_ephemerally(
    fake: FakeDiscord, gateway_client: discord.Client, lookup: Lookup
) -> None:
    call = tree_for(gateway_client, Commands(lookup))
    await call(interaction("lookup", {"company": "GWM"}))
    [response] = fake.of("interaction_callback")
    assert response.path == f"/interactions/1100000000000000400/{TOKEN}/callback"
    assert embed_of(response.json)["title"] == "Great Wall Motor: partnerships"


async def test_gateway_subscribe_uses_the_same_permission_rule(
    fake: FakeDiscord, gateway_client: discord.Client, lookup: Lookup
) -> None:
    call = tree_for(gateway_client, Commands(lookup))
    await call(interaction("subscribe", {"companies": "byd"}))
    await call(interaction("subscribe", {"companies": "byd"}, permissions=MANAGE_CHANNELS))
    titles = [embed_of(c.json)["title"] for c in fake.of("interaction_callback")]
    assert titles == ["Not done", "Subscribed"]
    assert [s.companies for s in lookup.store.run(store_subscriptions.all_subscriptions)] == [("BYD",)]


async def test_gateway_autocomplete_and_deferred_answers(
    fake: FakeDiscord, gateway_client: discord.Client, lookup: Lookup
) -> None:
    commands = SlowCommands(lookup)
    call = tree_for(gateway_client, commands, patience=0.05)
    await call(interaction("lookup", {"company": "xia"}, kind=4, focused="company"))
    [choices] = fake.of("interaction_callback")
    assert choices.json["type"] == 8 and "Xiaomi" in [c["name"] for c in choices.json["data"]["choices"]]

    pending = asyncio.create_task(call(interaction("recent")))
    [_, deferred] = await calls(fake, "interaction_callback", count=2)
    assert deferred.json == {"type": 5, "data": {"flags": 64}}
    commands.release.set()
    await pending
    [edit] = fake.of("edit_webhook_message")
    assert edit.path == f"/webhooks/{APPLICATION_ID}/{TOKEN}/messages/@original"
    assert edit.json["embeds"][0]["title"] == "Latest partnerships"


@sqlite_only
async def test_platform_runs_the_tree_on_the_gateway_and_stops_cleanly(
    fake: FakeDiscord, lookup: Lookup, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DEFAULT_GATEWAY is discord.py's internal hook for the websocket address, like Route.BASE for REST.
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    platform = build(settings_for(fake, discord_bot_token=BOT_TOKEN))
    assert isinstance(platform, DiscordPlatform)
    await platform.start(server=None, commands=Commands(lookup))
    try:
        for _ in range(500):  # wait for discord.py to identify (it then gets READY)
            identify = [c for c in fake.of("gateway") if (c.json or {}).get("op") == 2]
            if identify:
                break
            await asyncio.sleep(0.01)
        assert identify[0].json["d"]["token"] == BOT_TOKEN
        await fake.dispatch("INTERACTION_CREATE", interaction("help"))
        [answer] = await calls(fake, "interaction_callback")
        assert "/evradar lookup company:" in embed_of(answer.json)["description"]
    finally:
        await platform.stop()
    assert platform.gateway is not None and platform.gateway.is_closed()
    assert fake.of("sync_global") == []  # commands are registered by `evradar discord sync`, never on start


# -- registering the commands --------------------------------------------------------------------------


async def test_sync_registers_the_command_globally(fake: FakeDiscord) -> None:
    said = await sync_commands(settings_for(fake, discord_bot_token=BOT_TOKEN), guild_id=None)
    [put] = fake.of("sync_global")
    assert put.method == "PUT" and put.path == f"/applications/{APPLICATION_ID}/commands"
    [command] = put.json
    assert command["name"] == "evradar"
    subs = {o["name"]: o for o in command["options"]}
    assert list(subs) == [
        "lookup",
        "recent",
        "status",
        "help",
        "subscribe",
        "graph",
        "export",
        "unsubscribe",
        "mute",
        "unmute",
        "digest",
    ]
    assert all(o["type"] == 1 for o in subs.values())
    assert subs["lookup"]["options"][0]["name"] == "company" and subs["lookup"]["options"][0]["autocomplete"]
    assert [o["name"] for o in subs["subscribe"]["options"]] == ["companies", "kinds", "stages"]
    described = [command, *subs.values(), *(o for sub in subs.values() for o in sub.get("options", []))]
    assert all(0 < len(o["description"]) <= 100 for o in described)  # Discord refuses longer ones with 400
    names = "lookup, recent, status, help, subscribe, graph, export, unsubscribe, mute, unmute, digest"
    assert said.startswith(f"Registered /evradar ({names})")
    assert "globally" in said and str(APPLICATION_ID) in said


async def test_sync_to_one_guild(fake: FakeDiscord) -> None:
    said = await sync_commands(settings_for(fake, discord_bot_token=BOT_TOKEN), guild_id=GUILD_ID)
    [put] = fake.of("sync_guild")
    assert put.path == f"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands"
    assert put.json[0]["name"] == "evradar" and f"in guild {GUILD_ID}" in said
    assert fake.of("sync_global") == []


async def test_sync_explains_what_is_missing(fake: FakeDiscord) -> None:
    with pytest.raises(ConfigError, match="DISCORD_BOT_TOKEN is not set"):
        await sync_commands(settings_for(fake), guild_id=None)
    no_id = Settings.model_validate({"discord": {"api_url": fake.api_url}, "secrets": {"discord_bot_token": "x"}})
    with pytest.raises(ConfigError, match="application_id is not set"):
        await sync_commands(no_id, guild_id=None)
    with pytest.raises(ConfigError, match="refused DISCORD_BOT_TOKEN"):
        await sync_commands(settings_for(fake, discord_bot_token="wrong"), guild_id=None)
    other = Settings.model_validate(
        {
            "discord": {"api_url": fake.api_url, "application_id": "123456789012345678"},
            "secrets": {"discord_bot_token": BOT_TOKEN},
        }
    )
    with pytest.raises(ConfigError, match="belongs to application"):
        await sync_commands(other, guild_id=None)
    fake.fail("sync_guild", status=403, code=50001, message="Missing Access")
    with pytest.raises(EvradarError, match=r"applications\.commands"):
        await sync_commands(settings_for(fake, discord_bot_token=BOT_TOKEN), guild_id=GUILD_ID)


PNG = b"\x89PNG\r\n\x1a\n"


SLOW_MACHINE = 60.0  # patience enough for drawing on a busy machine: answering late is tested on its own


async def test_graph_answers_with_the_picture_attached(endpoint: Endpoint) -> None:
    assert endpoint.platform.endpoint is not None
    endpoint.platform.endpoint.patience = SLOW_MACHINE
    status, (payload, files) = await endpoint.post(interaction("graph", {"company": "xiaomi"}))
    assert status == 200 and payload["type"] == 4
    assert "flags" not in payload["data"]  # posted for the channel, not only for the asker
    assert payload["data"]["attachments"] == [
        {
            "id": 0,
            "filename": "xiaomi-network.png",
            "description": payload["data"]["attachments"][0]["description"],
        }
    ]
    embed = payload["data"]["embeds"][0]
    assert embed["image"]["url"] == "attachment://xiaomi-network.png"
    assert "Xiaomi's partnership network" in embed["description"]
    ((filename, data),) = files.values()
    assert filename == "xiaomi-network.png" and data.startswith(PNG) and len(data) > 10_000


async def test_graph_without_events_answers_in_words_and_export_attaches_a_csv(endpoint: Endpoint) -> None:
    _, body = await endpoint.post(interaction("graph", {"company": "byd"}))
    assert "no partnership events of BYD" in embed_of(body)["description"]
    _, (_, files) = await endpoint.post(interaction("export"))
    ((filename, data),) = files.values()
    assert filename == "evradar-events.csv" and data.decode("utf-8-sig").count("\r\n") == 4


async def test_gateway_graph_sends_a_multipart_interaction_response(
    fake: FakeDiscord, gateway_client: discord.Client, lookup: Lookup
) -> None:
    call = tree_for(gateway_client, Commands(lookup), patience=SLOW_MACHINE)
    await call(interaction("graph", {"company": "GWM"}))
    [response] = fake.of("interaction_callback")
    assert response.json["type"] == 4 and response.json["data"]["attachments"][0]["filename"] == (
        "great-wall-motor-network.png"
    )
    ((filename, data),) = response.files.values()
    assert filename == "great-wall-motor-network.png" and data.startswith(PNG)


async def test_a_slow_picture_is_deferred_then_attached_to_the_original(fake: FakeDiscord, lookup: Lookup) -> None:
    commands = SlowCommands(lookup)
    async for started in start_endpoint(fake, commands):
        assert started.platform.endpoint is not None
        started.platform.endpoint.patience = 0.05
        status, body = await started.post(interaction("graph", {"company": "xiaomi"}))
        assert (status, body) == (200, {"type": 5, "data": {"flags": 64}})
        commands.release.set()
        [edit] = await calls(fake, "edit_webhook_message")
        assert edit.json["attachments"] == [
            {"id": 0, "filename": "xiaomi-network.png", "description": edit.json["attachments"][0]["description"]}
        ]
        assert edit.json["embeds"][0]["image"]["url"] == "attachment://xiaomi-network.png"
        ((filename, data),) = edit.files.values()
        assert filename == "xiaomi-network.png" and data.startswith(PNG)


async def test_mute_keeps_a_company_out_of_the_channel_until_unmuted(
    fake: FakeDiscord, endpoint: Endpoint, lookup: Lookup, changes: list[int]
) -> None:
    _, refused = await endpoint.post(interaction("mute", {"target": "GWM"}, permissions=0x400))
    assert embed_of(refused)["title"] == "Not done" and lookup.mutes() == []
    options = {"target": "GWM", "duration": "7d"}
    _, muted = await endpoint.post(interaction("mute", options, permissions=MANAGE_CHANNELS))
    assert embed_of(muted)["title"] == "Muted" and "Great Wall Motor" in embed_of(muted)["description"]
    _, kind = await endpoint.post(interaction("mute", {"target": "kind=charging"}, permissions=MANAGE_CHANNELS))
    assert "until `/evradar unmute kind=charging`" in embed_of(kind)["description"]
    assert [(m.target, m.until) for m in lookup.mutes()] == [
        ("company:Great Wall Motor", 400.0 + 7 * 86400),
        ("kind:charging", None),
    ]
    assert changes == [1, 1]
    _, status = await endpoint.post(interaction("status"))
    assert "Great Wall Motor" in json.dumps(embed_of(status)) and "kind=charging" in json.dumps(embed_of(status))

    router = Router([Rule(Destination("discord", CHANNEL))], clock=lambda: 400.0)
    router.mutes = tuple(lookup.mutes())
    store = lookup.store
    feed = store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f/m"), origin="config", now=400))
    for n, (partners, kind_) in enumerate(
        [(("Xiaomi", "Great Wall Motor"), "manufacturing"), (("Tesla", "Panasonic"), "supply")]
    ):
        item = Item(id=f"m{n}", title=f"{' and '.join(partners)} deal", link=f"https://news/m{n}")
        det = Detection("t", True, 0.9, partners, kind_, "announced", "They agreed.", True)  # type: ignore[arg-type]
        found = [store_events.Found(item, store_events.item_key(item.id), det)]
        store.run(lambda c, f=found: store_events.ingest(c, feed.id, f, now=401.0, route=router))
    with_token = {"discord": {"api_url": fake.api_url}, "secrets": {"discord_bot_token": BOT_TOKEN}}
    poster = build(
        Settings.model_validate({**with_token, "routes": [{"platform": "discord", "channel": CHANNEL}]})
    )
    assert isinstance(poster, DiscordPlatform)
    notifiers = {"discord": poster.notifier}
    await Deliverer(store=store, router=router, notifiers=notifiers, clock=lambda: 402.0).deliver_due()
    await poster.stop()
    posted = [json.dumps(c.json) for c in fake.of("create_message")]
    assert len(posted) == 1 and "Panasonic" in posted[0]

    _, unmuted = await endpoint.post(
        interaction("unmute", {"target": "Great Wall Motor"}, permissions=MANAGE_CHANNELS)
    )
    assert embed_of(unmuted)["title"] == "Unmuted"
    assert [m.label for m in lookup.mutes()] == ["kind=charging"]

"""Feedback buttons on Discord: the alert posted with a row of buttons, and signed component interactions
(type 3) on /discord/interactions answered with UPDATE_MESSAGE (type 7) showing the channel's tally."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import discord
import discord.http
import pytest
from nacl.signing import SigningKey
from sqlalchemy import select

from bot.adapters.discord import feedback
from bot.adapters.discord.commands import new_client
from bot.adapters.discord.platform import DiscordPlatform, build
from bot.adapters.discord.render import render_alert
from bot.chat.commands import Commands
from bot.chat.lookup import Lookup
from bot.core.models import Company, Delivered, Destination
from bot.store import Store
from bot.store import feedback as store_feedback
from bot.store.schema import events
from handlers.companies import CompanyIndex
from tests.bot.adapters.discord.test_commands import ADMIN, CHANNEL, USER, Endpoint, interaction, start_endpoint
from tests.bot.adapters.discord.test_notifier import alert as sample_alert
from tests.bot.adapters.discord.test_notifier import settings_for as notifier_settings
from tests.discord_fake import BOT_TOKEN, FakeDiscord, check_payload
from tests.fakes import store_with_deals

OTHER = "1100000000000000201"


@pytest.fixture
def store(database_url: str) -> Store:
    return store_with_deals(database_url)


@pytest.fixture
async def endpoint(fake: FakeDiscord, store: Store, companies: tuple[Company, ...]) -> AsyncIterator[Endpoint]:
    async for started in start_endpoint(fake, Commands(Lookup(store, CompanyIndex(companies)))):
        yield started


def event_id(store: Store) -> int:
    return int(store.run(lambda c: c.execute(select(events.c.id).order_by(events.c.id)).scalars().first()))


def click(event: int, vote: str, *, user: str = USER, embed: dict[str, Any] | None = None, permissions: int = 0):
    """A component interaction as Discord sends it when someone presses a button under an alert."""
    payload = interaction("help", user=user, kind=3, permissions=permissions)
    payload["data"] = {"custom_id": f"evradar:vote:{vote}:{event}", "component_type": 2}
    shown = embed or render_alert(sample_alert()).to_dict()
    view = feedback.feedback_view(event)
    payload["message"] = {
        "id": "1100000000000000900",
        "channel_id": CHANNEL,
        "embeds": [shown],
        "components": [c for c in view.to_components()],
    }
    return payload


async def vote(endpoint: Endpoint, payload: dict[str, Any]) -> dict[str, Any]:
    status, body = await endpoint.post(payload)
    assert status == 200, body
    assert body["type"] == 7  # UPDATE_MESSAGE: the alert itself changes, no new message
    check_payload(body)
    embed: dict[str, Any] = body["data"]["embeds"][0]
    return embed


def tally_of(embed: dict[str, Any]) -> list[str]:
    return [f["value"] for f in embed.get("fields", []) if f["name"] == "Feedback"]


async def test_alerts_posted_with_the_bot_carry_four_buttons_with_the_event_id(fake: FakeDiscord) -> None:
    platform = build(notifier_settings(fake))
    assert isinstance(platform, DiscordPlatform)
    try:
        result = await platform.notifier.deliver(sample_alert(), Destination("discord", CHANNEL))
    finally:
        await platform.stop()
    assert isinstance(result, Delivered)
    (post,) = fake.of("create_message")
    check_payload(post.json)
    (row,) = post.json["components"]
    buttons = [(b["label"], b["custom_id"]) for b in row["components"]]
    assert buttons == [
        ("Useful", "evradar:vote:useful:7"),
        ("Not a partnership", "evradar:vote:not_partnership:7"),
        ("Wrong companies", "evradar:vote:wrong_companies:7"),
        ("Not EV", "evradar:vote:not_ev:7"),
    ]
    assert BOT_TOKEN not in str(post.json)


async def test_a_vote_is_recorded_changed_and_counted_once_per_user(endpoint: Endpoint, store: Store) -> None:
    event = event_id(store)
    first = await vote(endpoint, click(event, "useful"))
    assert tally_of(first) == ["Feedback: Useful 1"]
    changed = await vote(endpoint, click(event, "wrong_companies", embed=first))
    assert tally_of(changed) == ["Feedback: Wrong companies 1"]
    other = await vote(endpoint, click(event, "useful", user=OTHER, embed=changed))
    assert tally_of(other) == ["Feedback: Useful 1 · Wrong companies 1"]
    assert other["title"] == first["title"]  # the same alert, edited
    tally = store.run(lambda c: store_feedback.tally(c, event, "discord", CHANNEL))
    assert tally == {"useful": 1, "wrong_companies": 1}
    assert store.run(lambda c: store_feedback.muted_destinations(c, event)) == set()


async def test_a_channel_managers_not_ev_vote_mutes_the_event_there(endpoint: Endpoint, store: Store) -> None:
    event = event_id(store)
    edited = await vote(endpoint, click(event, "not_ev", user=ADMIN))
    assert tally_of(edited) == ["Feedback: Not EV 1 · updates muted in this channel"]
    assert store.run(lambda c: store_feedback.muted_destinations(c, event)) == {f"discord:{CHANNEL}"}


async def test_the_tally_stays_within_embed_limits_on_a_full_alert(endpoint: Endpoint, store: Store) -> None:
    full = render_alert(sample_alert(evidence="word " * 2000, sources=30)).to_dict()
    edited = await vote(endpoint, click(event_id(store), "useful", embed=full))
    assert len(edited.get("fields", [])) <= 25  # check_payload in vote() checked the 6000 total


@pytest.mark.parametrize("how", ["forged", "stale"])
async def test_forged_and_stale_clicks_get_401_and_count_nothing(
    endpoint: Endpoint, store: Store, how: str
) -> None:
    event = event_id(store)
    if how == "forged":
        status, _ = await endpoint.post(click(event, "useful"), key=SigningKey.generate())
    else:
        status, _ = await endpoint.post(click(event, "useful"), at=time.time() - 3600)
    assert status == 401
    assert store.run(lambda c: store_feedback.tally(c, event, "discord", CHANNEL)) == {}


async def test_unknown_buttons_and_events_are_refused(endpoint: Endpoint) -> None:
    payload = click(1, "useful")
    payload["data"]["custom_id"] = "evradar:vote:maybe:1"
    assert (await endpoint.post(payload))[0] == 400
    status, body = await endpoint.post(click(999_999, "useful"))
    assert status == 200 and body["type"] == 4 and body["data"]["flags"] == 64
    assert "no longer knows this alert" in body["data"]["content"]


async def test_a_click_over_the_gateway_edits_the_alert_too(fake: FakeDiscord, store: Store) -> None:
    discord.http.Route.BASE = fake.api_url
    client = new_client()
    await client.login(BOT_TOKEN)  # REST only; the interaction is fed to the listener as the gateway would
    event = event_id(store)
    try:
        payload = click(event, "useful")
        payload["message"] |= {
            "author": {"id": "1100000000000000001", "username": "evradar", "discriminator": "0", "avatar": None},
            "content": "",
            "timestamp": "2026-12-01T08:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "type": 0,
        }
        commands = Commands(Lookup(store, CompanyIndex(())))
        listener = feedback.gateway_listener(commands, role="", admins=[])
        await listener(discord.Interaction(data=payload, state=client._connection))  # type: ignore[arg-type]
    finally:
        await client.close()
    (response,) = fake.of("interaction_callback")
    assert response.json["type"] == 7
    check_payload(response.json)
    assert tally_of(response.json["data"]["embeds"][0]) == ["Feedback: Useful 1"]
    assert store.run(lambda c: store_feedback.tally(c, event, "discord", CHANNEL)) == {"useful": 1}

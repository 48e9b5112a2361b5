"""Posting alerts to Discord: the real discord.py client against the fake Discord API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import discord
import discord.http
import discord.webhook.async_
import pytest

from bot.adapters.discord import platform as discord_adapter
from bot.adapters.discord.platform import DiscordPlatform, build, parse_webhook_url
from bot.core.errors import ConfigError
from bot.core.models import Alert, Delivered, DeliveryFailed, Destination, Source
from bot.run.settings import Settings
from tests.discord_fake import BOT_TOKEN, WEBHOOK_ID, WEBHOOK_TOKEN, FakeDiscord

WEBHOOK_URL = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"
CHANNEL = "1100000000000000100"


def settings_for(fake: FakeDiscord, *, token: str | None = BOT_TOKEN, **discord_keys: Any) -> Settings:
    secrets = {"discord_bot_token": token} if token else {}
    return Settings.model_validate(
        {
            "discord": {"api_url": fake.api_url, **discord_keys},
            "routes": [
                {"platform": "discord", "webhook_url": WEBHOOK_URL},
                {"platform": "discord", "channel": CHANNEL},
            ],
            "secrets": secrets,
        }
    )


@pytest.fixture
async def platform(fake: FakeDiscord) -> AsyncIterator[DiscordPlatform]:
    built = build(settings_for(fake))
    assert isinstance(built, DiscordPlatform)
    yield built
    await built.stop()


def alert(
    *,
    version: int = 1,
    reference: str = "",
    stage: str = "talks",
    previous: str | None = None,
    evidence: str = "Xiaomi is in talks to build EVs in a Great Wall Motor factory.",
    sources: int = 1,
) -> Alert:
    found = tuple(
        Source(f"Story {n}", f"https://news.example/{n}", ["Reuters", "Benzinga", "CnEVPost"][n % 3])
        for n in range(sources)
    )
    return Alert(
        event_id=7,
        version=version,
        partners=("Xiaomi", "Great Wall Motor"),
        kind="manufacturing",
        stage=stage,
        score=0.87,
        evidence=evidence,
        title="Xiaomi in talks with Great Wall",  # type: ignore[arg-type]
        link="https://news.example/0",
        sources=found,
        first_seen=datetime(2021, 3, 26, 8, 0, tzinfo=UTC),
        tickers=("1810.HK", "2333.HK"),
        previous_stage=previous,
        reference=reference,  # type: ignore[arg-type]
    )


WEBHOOK = Destination("discord", webhook_url=WEBHOOK_URL)
BOT = Destination("discord", channel=CHANNEL)


class _FastAsyncio:
    """asyncio as discord.py sees it, minus the 1-9 s pauses between its own retries of 5xx answers."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        await asyncio.sleep(0)
        return result


# -- webhooks -------------------------------------------------------------------------------------------


async def test_webhook_post_reaches_the_configured_api_with_a_safe_embed(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    result = await platform.notifier.deliver(alert(), WEBHOOK)

    assert isinstance(result, Delivered)
    [call] = fake.of("execute_webhook")  # the fake got it although the URL says discord.com
    assert call.path == f"/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}" and call.query["wait"] in ("1", "true")
    assert result.reference == f"webhook:{next(iter(fake.messages))}"
    assert call.json["allowed_mentions"] == {"parse": []}
    [embed] = call.json["embeds"]
    assert embed["title"] == "Xiaomi × Great Wall Motor: contract manufacturing, in talks"
    assert embed["url"] == "https://news.example/0"
    assert embed["description"].startswith("> “Xiaomi is in talks")
    assert {f["name"]: f["value"] for f in embed["fields"]} == {
        "Kind": "contract manufacturing",
        "Stage": "in talks",
        "Tickers": "1810.HK, 2333.HK",
        "Date": "2021-03-26 (first seen)",  # the test stories carry no publication date
    }
    assert embed["footer"]["text"] == "Reuters · score 0.87" and embed["timestamp"].startswith("2021-03-26T08:00")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (WEBHOOK_URL, (WEBHOOK_ID, WEBHOOK_TOKEN, None)),
        (f"https://discordapp.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}", (WEBHOOK_ID, WEBHOOK_TOKEN, None)),
        (
            f"https://ptb.discord.com/api/v10/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}/",
            (WEBHOOK_ID, WEBHOOK_TOKEN, None),
        ),
        (
            f"https://canary.discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}?thread_id=42",
            (WEBHOOK_ID, WEBHOOK_TOKEN, 42),
        ),
        (f"http://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}", None),
        (f"https://evil.example/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}", None),
        (f"https://discord.com/api/webhooks/12345/{WEBHOOK_TOKEN}", None),
        (f"https://discord.com/api/webhooks/{WEBHOOK_ID}/short", None),
        (f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{'T' * 60}%2F..%2F", None),
        ("https://hooks.slack.com/services/T000/B000/XXXX", None),
        ("", None),
    ],
)
def test_webhook_urls_are_taken_apart_strictly(url: str, expected: tuple[int, str, int | None] | None) -> None:
    ref = parse_webhook_url(url)
    assert (None if ref is None else (ref.id, ref.token, ref.thread_id)) == expected


async def test_a_webhook_url_that_is_not_discords_pauses_the_destination(platform: DiscordPlatform) -> None:
    result = await platform.notifier.deliver(alert(), Destination("discord", webhook_url="https://example.com/x"))
    assert isinstance(result, DeliveryFailed) and result.permanent and "webhook_url" in result.reason


async def test_webhook_thread_id_posts_into_that_thread(fake: FakeDiscord, platform: DiscordPlatform) -> None:
    result = await platform.notifier.deliver(
        alert(), Destination("discord", webhook_url=WEBHOOK_URL + "?thread_id=77")
    )
    assert isinstance(result, Delivered)
    assert fake.of("execute_webhook")[0].query["thread_id"] == "77"


# -- bot token --------------------------------------------------------------------------------------------


async def test_bot_post_logs_in_once_and_posts_to_the_channel(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    first = await platform.notifier.deliver(alert(), BOT)
    second = await platform.notifier.deliver(alert(), BOT)

    assert isinstance(first, Delivered) and isinstance(second, Delivered)
    posts = fake.of("create_message")
    assert [c.path for c in posts] == [f"/channels/{CHANNEL}/messages"] * 2
    assert first.reference == f"{CHANNEL}:{next(iter(fake.messages))}" and first.reference != second.reference
    assert posts[0].headers["Authorization"] == f"Bot {BOT_TOKEN}"
    assert posts[0].json["allowed_mentions"]["parse"] == []
    assert posts[0].json["embeds"][0]["title"].startswith("Xiaomi × Great Wall Motor")
    assert len(fake.of("me")) == 1  # logged in over REST once; no gateway needed to post


async def test_a_channel_route_without_a_bot_token_is_paused_with_a_fix(fake: FakeDiscord) -> None:
    built = build(settings_for(fake, token=None))
    assert built is not None
    try:
        result = await built.notifier.deliver(alert(), BOT)
        assert isinstance(result, DeliveryFailed) and result.permanent and "DISCORD_BOT_TOKEN" in result.reason
        nonsense = await built.notifier.deliver(alert(), Destination("discord", channel="#general"))
        assert isinstance(nonsense, DeliveryFailed) and nonsense.permanent and "channel id" in nonsense.reason
        assert fake.calls == []
    finally:
        await built.stop()


async def test_a_refused_bot_token_pauses_the_destination(fake: FakeDiscord) -> None:
    built = build(settings_for(fake, token="revoked-token"))
    assert built is not None
    try:
        result = await built.notifier.deliver(alert(), BOT)
    finally:
        await built.stop()
    assert isinstance(result, DeliveryFailed) and result.permanent
    assert "DISCORD_BOT_TOKEN" in result.reason and "revoked-token" not in result.reason


# -- rate limits and errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(("destination", "route"), [(WEBHOOK, "execute_webhook"), (BOT, "create_message")])
async def test_429_is_waited_out_then_the_post_succeeds(
    fake: FakeDiscord, platform: DiscordPlatform, destination: Destination, route: str
) -> None:
    fake.rate_limit(route, times=2)  # retry_after 0.2 s, as Discord sends it
    result = await platform.notifier.deliver(alert(), destination)
    assert isinstance(result, Delivered)
    assert len(fake.of(route)) == 3


async def test_429_discord_py_will_not_wait_out_becomes_retry_after(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    fake.rate_limit("create_message", times=1, retry_after=120.0)  # above the client's 30 s ceiling
    result = await platform.notifier.deliver(alert(), BOT)
    assert isinstance(result, DeliveryFailed) and not result.permanent and result.retry_after == 120.0


def test_a_429_discord_py_gives_up_on_is_handed_back_with_its_retry_after() -> None:
    class Response:
        status, reason, headers = 429, "Too Many Requests", {"Retry-After": "7"}

    exc = discord.HTTPException(Response(), {"message": "You are being rate limited.", "code": 0})  # type: ignore[arg-type]
    result = discord_adapter.failure(exc, WEBHOOK)
    assert result.retry_after == 7.0 and not result.permanent


async def test_unknown_webhook_pauses_the_destination_and_says_what_to_do(
    fake: FakeDiscord, platform: DiscordPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail("execute_webhook", status=404, code=10015, message="Unknown Webhook")
    with caplog.at_level(logging.DEBUG, logger="evradar"):
        result = await platform.notifier.deliver(alert(), WEBHOOK)
    assert isinstance(result, DeliveryFailed) and result.permanent
    assert "Unknown Webhook" in result.reason and "create a new webhook" in result.reason
    assert WEBHOOK_TOKEN not in result.reason and WEBHOOK_TOKEN not in caplog.text
    assert len(fake.of("execute_webhook")) == 1  # a 404 webhook is never retried


@pytest.mark.parametrize(
    ("code", "message", "fix"),
    [(50013, "Missing Permissions", "Embed Links"), (50001, "Missing Access", "View Channel")],
)
async def test_missing_permissions_pause_the_destination(
    fake: FakeDiscord, platform: DiscordPlatform, code: int, message: str, fix: str
) -> None:
    fake.fail("create_message", status=403, code=code, message=message)
    result = await platform.notifier.deliver(alert(), BOT)
    assert isinstance(result, DeliveryFailed) and result.permanent
    assert message in result.reason and fix in result.reason and CHANNEL in result.reason


async def test_unknown_channel_pauses_the_destination(fake: FakeDiscord, platform: DiscordPlatform) -> None:
    fake.fail("create_message", status=404, code=10003, message="Unknown Channel")
    result = await platform.notifier.deliver(alert(), BOT)
    assert isinstance(result, DeliveryFailed) and result.permanent and "channel id" in result.reason


@pytest.mark.parametrize(("destination", "route"), [(WEBHOOK, "execute_webhook"), (BOT, "create_message")])
async def test_server_errors_are_retried_later(
    fake: FakeDiscord,
    platform: DiscordPlatform,
    monkeypatch: pytest.MonkeyPatch,
    destination: Destination,
    route: str,
) -> None:
    monkeypatch.setattr(discord.webhook.async_, "asyncio", _FastAsyncio())
    monkeypatch.setattr(discord.http, "asyncio", _FastAsyncio())
    fake.fail(route, status=500, message="Internal Server Error", times=5)
    result = await platform.notifier.deliver(alert(), destination)
    assert isinstance(result, DeliveryFailed)
    assert not result.permanent and result.retry_after is None and "server error" in result.reason
    assert len(fake.of(route)) == 5  # discord.py's own retries, then the Deliverer's backoff takes over


async def test_an_unreachable_discord_is_retried_later(fake: FakeDiscord, platform: DiscordPlatform) -> None:
    await fake.close()
    for destination in (WEBHOOK, BOT):
        result = await platform.notifier.deliver(alert(), destination)
        assert isinstance(result, DeliveryFailed) and not result.permanent and "could not reach" in result.reason


async def test_a_hung_discord_times_out_and_is_retried_later(fake: FakeDiscord, platform: DiscordPlatform) -> None:
    platform.notifier.timeout = 0.2  # type: ignore[attr-defined]
    fake.rate_limit("execute_webhook", times=1, retry_after=5.0)  # discord.py would sleep the whole 5 s
    result = await platform.notifier.deliver(alert(), WEBHOOK)
    assert (
        isinstance(result, DeliveryFailed) and not result.permanent and "did not answer in time" in result.reason
    )


# -- updates -----------------------------------------------------------------------------------------------


async def test_webhook_update_edits_the_original_message(fake: FakeDiscord, platform: DiscordPlatform) -> None:
    first = await platform.notifier.deliver(alert(), WEBHOOK)
    assert isinstance(first, Delivered)
    update = alert(version=2, reference=first.reference, stage="announced", previous="talks", sources=3)

    result = await platform.notifier.deliver(update, WEBHOOK)

    assert result == Delivered(first.reference)
    [edit] = fake.of("edit_webhook_message")
    message_id = first.reference.removeprefix("webhook:")
    assert edit.path == f"/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}/messages/{message_id}"
    fields = {f["name"]: f["value"] for f in edit.json["embeds"][0]["fields"]}
    assert fields["Stage"] == "announced (was in talks)" and fields["Sources"] == "3"
    assert fake.messages[message_id]["embeds"][0]["fields"][1]["value"] == "announced (was in talks)"
    assert len(fake.of("execute_webhook")) == 1  # edited, not posted again


async def test_webhook_update_without_a_reference_is_a_new_message_marked_update(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    result = await platform.notifier.deliver(
        alert(version=2, stage="announced", previous="talks", sources=2), WEBHOOK
    )
    assert isinstance(result, Delivered)
    [post] = fake.of("execute_webhook")
    assert post.json["embeds"][0]["title"].startswith("Update: Xiaomi × Great Wall Motor")
    assert fake.of("edit_webhook_message") == []


async def test_bot_update_edits_the_original_and_replies_in_its_thread(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    first = await platform.notifier.deliver(alert(), BOT)
    assert isinstance(first, Delivered)
    message_id = first.reference.split(":")[1]
    second = alert(version=2, reference=first.reference, stage="announced", previous="talks", sources=3)
    third = alert(version=3, reference=first.reference, stage="ended", previous="announced", sources=4)

    assert await platform.notifier.deliver(second, BOT) == Delivered(first.reference)
    assert await platform.notifier.deliver(third, BOT) == Delivered(first.reference)

    edits = fake.of("edit_message")
    assert [e.path for e in edits] == [f"/channels/{CHANNEL}/messages/{message_id}"] * 2
    assert {f["name"]: f["value"] for f in edits[1].json["embeds"][0]["fields"]}["Sources"] == "4"
    threads = fake.of("start_thread")
    assert threads[0].path == f"/channels/{CHANNEL}/messages/{message_id}/threads"
    assert threads[0].json["name"] == "Xiaomi × Great Wall Motor"
    replies = [c for c in fake.of("create_message") if c.path == f"/channels/{message_id}/messages"]
    assert [r.json["embeds"][0]["title"] for r in replies] == [
        "Update: announced (was in talks), 3 sources",
        "Update: ended (was announced), 4 sources",
    ]  # the second update found the thread already there (Discord's 160004) and used it


async def test_bot_update_without_thread_permissions_still_counts_as_delivered(
    fake: FakeDiscord, platform: DiscordPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    first = await platform.notifier.deliver(alert(), BOT)
    assert isinstance(first, Delivered)
    fake.fail("start_thread", status=403, code=50013, message="Missing Permissions")
    with caplog.at_level(logging.WARNING, logger="evradar"):
        result = await platform.notifier.deliver(alert(version=2, reference=first.reference, sources=2), BOT)
    assert result == Delivered(first.reference) and len(fake.of("edit_message")) == 1
    assert "Create Public Threads" in caplog.text


async def test_update_of_a_deleted_message_is_posted_anew(fake: FakeDiscord, platform: DiscordPlatform) -> None:
    gone = f"{CHANNEL}:1199999999999999999"
    result = await platform.notifier.deliver(alert(version=2, reference=gone, stage="announced", sources=2), BOT)
    assert isinstance(result, Delivered) and result.reference != gone
    assert fake.of("create_message")[-1].json["embeds"][0]["title"].startswith("Update:")


async def test_hostile_alert_text_goes_out_within_limits_and_pings_nobody(
    fake: FakeDiscord, platform: DiscordPlatform
) -> None:
    evidence = "@everyone @here <@123456789012345678> <@&123456789012345678> **x** " * 3000
    result = await platform.notifier.deliver(alert(evidence=evidence, sources=40), WEBHOOK)
    assert isinstance(result, Delivered)
    description = fake.of("execute_webhook")[0].json["embeds"][0]["description"]
    assert "@everyone" not in description and "<@123456789012345678>" not in description
    # check_payload (in the fixture) asserts the limits on every payload


# -- build ---------------------------------------------------------------------------------------------------


def test_build_is_none_without_any_discord_setting() -> None:
    assert build(Settings()) is None


def test_build_refuses_a_malformed_public_key() -> None:
    settings = Settings.model_validate({"secrets": {"discord_public_key": "not-hex"}})
    with pytest.raises(ConfigError, match="DISCORD_PUBLIC_KEY"):
        build(settings)


def test_build_points_discord_py_at_the_configured_api(fake: FakeDiscord) -> None:
    built = build(settings_for(fake, token=None))
    assert built is not None and built.name == "discord"
    assert discord.http.Route("GET", "/users/@me").url == fake.api_url + "/users/@me"

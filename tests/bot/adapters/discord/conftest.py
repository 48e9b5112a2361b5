"""Fixtures every Discord adapter test shares: the fake Discord, and discord.py's API address put back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import discord
import pytest

from tests.discord_fake import MESSAGE_ROUTES, FakeDiscord, check_payload


@pytest.fixture(autouse=True)
def restore_route_base() -> Iterator[None]:
    before = discord.http.Route.BASE
    yield
    discord.http.Route.BASE = before


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()
    for call in server.calls:  # whatever a test did, nothing it posted may break Discord's limits
        answer = call.route == "interaction_callback" and call.json["type"] == 4
        if call.route in MESSAGE_ROUTES or answer:
            check_payload(call.json)

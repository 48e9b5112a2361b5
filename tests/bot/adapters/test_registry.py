"""The platform registry: each platform's pacing, destination keys and settings come from its adapter."""

from __future__ import annotations

from bot import adapters
from bot.core.models import Destination
from bot.flow.router import Router, Rule


def test_every_platform_is_registered_by_name_with_its_pacing() -> None:
    assert set(adapters.PLATFORMS) >= {"console", "slack", "discord", "webhook", "teams"}
    assert adapters.FALLBACK in adapters.PLATFORMS
    pace = adapters.pacing()
    assert pace["slack"] == 1.0 and pace["console"] == 0.0


def test_stored_keys_are_read_back_by_their_platform() -> None:
    assert adapters.decode("slack:C1") == Destination("slack", "C1")
    assert adapters.decode("discord:123") == Destination("discord", "123")
    assert adapters.decode("console") == Destination("console")
    assert adapters.decode("slack:webhook:abc") is None  # a webhook URL is never stored: only routes know it
    assert adapters.decode("matrix:x") is None  # no such platform


def test_the_router_prefers_its_rules_and_asks_the_platforms_for_the_rest() -> None:
    hook = Destination("webhook", webhook_url="https://hooks.example/x")
    router = Router([Rule(hook)], decode=adapters.decode)
    assert router.destination(hook.key) == hook
    assert router.destination("slack:CGONE") == Destination("slack", "CGONE")  # a removed subscription
    assert Router([]).destination("slack:C1") is None  # without a decoder only rules count

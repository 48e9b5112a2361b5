"""A platform's check of a route against the rest of the settings (``check_route_in``): it runs once
every section is valid, sees the platform's own section, and names the route it refuses."""

from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from bot.core.settings import PlatformSchema, RouteSettings, Section, Settings, compose


class ChatSettings(Section):
    rooms: list[str] = Field(default_factory=list)


def _room_known(route: RouteSettings, settings: Settings) -> None:
    if route.channel not in settings.section("chat", ChatSettings).rooms:
        raise ValueError(f"the room {route.channel} is not in chat.rooms; add it there")


Composed = compose(
    [PlatformSchema("chat", ChatSettings, check_route_in=_room_known), PlatformSchema("console")],
    fallback="console",
)


def test_a_route_is_checked_against_its_platforms_section() -> None:
    settings = Composed(
        chat={"rooms": ["lobby"]}, routes=[{"platform": "console"}, {"platform": "chat", "channel": "lobby"}]
    )
    assert [r.platform for r in settings.routes] == ["console", "chat"]
    with pytest.raises(ValidationError) as caught:
        Composed(
            chat={"rooms": ["lobby"]}, routes=[{"platform": "console"}, {"platform": "chat", "channel": "attic"}]
        )
    assert "routes[1]: the room attic is not in chat.rooms; add it there" in str(caught.value)

"""`/evradar mute` and `unmute` as every platform reads them: targets, durations, refusals; and the pure rule."""

from __future__ import annotations

import pytest

from bot.chat.commands import Commands, DigestText, Muted, Refused, Request
from bot.chat.lookup import Lookup
from bot.core.models import Company, EventFacts
from bot.core.mutes import Mute, muted
from handlers.companies import CompanyIndex
from tests.fakes import store_with_deals

NOW = 1_000_000.0


@pytest.fixture
def commands(database_url: str, companies: tuple[Company, ...]) -> Commands:
    lookup = Lookup(store_with_deals(database_url), CompanyIndex(companies), clock=lambda: NOW)
    return Commands(lookup, digest=lambda platform, channel: ("today so far",) if channel == "D" else None)


def ask(commands: Commands, text: str, *, manager: bool = True) -> object:
    return commands.answer(Request(text, "slack", "C1", "U1", may_manage=manager))


def test_a_company_with_spaces_and_a_duration(commands: Commands) -> None:
    answer = ask(commands, "mute great wall motor 12h")
    assert answer == Muted("Great Wall Motor", NOW + 12 * 3600)
    assert [m.target for m in commands.lookup.mutes()] == ["company:Great Wall Motor"]


def test_muting_again_changes_how_long_it_lasts(commands: Commands) -> None:
    ask(commands, "mute TSLA 1d")
    ask(commands, "mute tesla")
    assert [(m.target, m.until) for m in commands.lookup.mutes()] == [("company:Tesla", None)]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("mute", "is not a company or kind"),
        ("mute kind=boats", "is not a company or kind"),
        ("mute xiaomi 7x", "is not a duration"),
        ("unmute byd", "has no mute on BYD"),
    ],
)
def test_refusals_say_what_to_do(commands: Commands, text: str, said: str) -> None:
    answer = ask(commands, text)
    assert isinstance(answer, Refused) and said in answer.message


def test_only_managers_mute(commands: Commands) -> None:
    assert isinstance(ask(commands, "mute xiaomi", manager=False), Refused)
    assert commands.lookup.mutes() == []


def test_a_mute_covers_its_channel_its_target_and_its_time_only() -> None:
    facts = EventFacts(("Xiaomi", "Great Wall Motor"), "manufacturing", "talks", 0.9)
    mutes = [Mute("slack", "C1", "company:xiaomi", until=NOW + 10), Mute("slack", "C2", "kind:manufacturing")]
    assert muted(facts, "slack:C1", mutes, now=NOW)
    assert not muted(facts, "slack:C1", mutes, now=NOW + 10)  # it has run out
    assert muted(facts, "slack:C2", mutes, now=NOW + 99)
    assert not muted(facts, "discord:C1", mutes, now=NOW)
    assert not muted(EventFacts(("BYD",), "supply", "announced", 0.9), "slack:C2", mutes, now=NOW)


def test_digest_answers_only_in_a_digest_channel(commands: Commands) -> None:
    assert isinstance(ask(commands, "digest"), Refused)
    answer = commands.answer(Request("digest", "slack", "D", "U1"))
    assert answer == DigestText(("today so far",))

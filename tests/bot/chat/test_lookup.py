"""What `/evradar <company>` and `evradar lookup` answer, from the store."""

from __future__ import annotations

import pytest

from bot.chat.lookup import Lookup
from bot.core.models import Company
from handlers.companies import CompanyIndex
from tests.fakes import store_with_deals


@pytest.fixture
def lookup(database_url: str, companies: tuple[Company, ...]) -> Lookup:
    return Lookup(store_with_deals(database_url), CompanyIndex(companies), clock=lambda: 400.0)


@pytest.mark.parametrize("query", ["Xiaomi", "xiaomi", "XIACF", "1810.HK", "Xiaomi Corporation", "Xiaomii"])
def test_company_by_name_alias_ticker_or_close_spelling(lookup: Lookup, query: str) -> None:
    answer = lookup.company(query)
    assert answer.company == "Xiaomi"
    assert [e.partners for e in answer.events] == [("Xiaomi", "BAIC"), ("Xiaomi", "Great Wall Motor")]
    assert answer.events[0].sources[0][1] == "https://news/1"


def test_known_company_without_events_says_nothing_yet(lookup: Lookup) -> None:
    answer = lookup.company("Rivian")
    assert answer.company == "Rivian" and answer.events == ()


def test_unknown_company_offers_close_matches(lookup: Lookup) -> None:
    assert lookup.company("Stellant").company == "Stellantis"  # close enough to be read as it
    vague = lookup.company("Leap")
    assert vague.company == "" and "Leapmotor" in vague.suggestions
    nothing = lookup.company("Zzyzx Widgets")
    assert nothing.company == "" and nothing.events == () and nothing.suggestions == ()


def test_recent_is_newest_first_and_status_counts(lookup: Lookup) -> None:
    assert [e.partners[0] for e in lookup.recent()] == ["Stellantis", "Xiaomi", "Xiaomi"]
    status = lookup.status()
    assert status.feeds == 1 and status.pending == 3 and status.paused_feeds == ()


def test_subscription_filters_are_parsed_safely(lookup: Lookup) -> None:
    filters = lookup.parse_filters(["xiaomi,GWM", "kinds=supply,manufacturing", "stages=talks", "nonsense-co"])
    assert filters.companies == ("Xiaomi", "Great Wall Motor")
    assert filters.kinds == ("supply", "manufacturing") and filters.stages == ("talks",)
    assert filters.unknown == ("nonsense-co",)
    hostile = lookup.parse_filters(["(" * 5000, "a" * 10_000])
    assert len(hostile.unknown[0]) <= 100

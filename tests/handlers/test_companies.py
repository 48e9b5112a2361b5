"""Finding companies: names, aliases, tickers in the forms news uses, and unknown firms."""

from __future__ import annotations

import pytest

from handlers.companies import CompanyIndex, companies_from_toml
from handlers.ev_partnership import EvPartnershipHandler


@pytest.fixture(scope="module")
def index(handler: EvPartnershipHandler) -> CompanyIndex:
    return handler.index


def _names(index: CompanyIndex, text: str) -> list[str]:
    return [m.name for m in index.find(text)]


def test_knowledge_base_is_large_and_varied(index: CompanyIndex) -> None:
    companies = list(index.companies.values())
    assert len(companies) >= 400
    assert {c.country for c in companies} >= {"CN", "US", "DE", "JP", "KR", "IN", "VN", "FR"}
    assert {c.sector for c in companies} >= {
        "automaker",
        "ev_maker",
        "battery",
        "battery_materials",
        "semiconductor",
        "autonomy",
        "contract_manufacturer",
        "charging",
        "supplier",
        "mobility",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hon Hai Precision Industry, better known as Foxconn", ["Foxconn", "Foxconn"]),
        ("GWM said on Monday", ["Great Wall Motor"]),
        ("Mercedes-Benz Group and Daimler AG", ["Mercedes-Benz", "Mercedes-Benz"]),
        ("Xiaomi Corp. (OTC: XIACF) plans", ["Xiaomi", "Xiaomi"]),
        ("shares of 9866.HK rose", ["Nio"]),
        ("<300750.SZ> gained", ["CATL"]),
        ("TSLA.O fell", ["Tesla"]),
        ("Leapmotor (HKG: 9863) said", ["Leapmotor", "Leapmotor"]),
    ],
)
def test_names_aliases_and_tickers(index: CompanyIndex, text: str, expected: list[str]) -> None:
    assert _names(index, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nikola Tesla was an inventor",  # a person, not Nikola or Tesla
        "grab a coffee and shell out",  # everyday words in lower case
        "gm crops",  # short names only in capitals
    ],
)
def test_words_that_are_not_companies(index: CompanyIndex, text: str) -> None:
    assert _names(index, text) == []


def test_unknown_firms_marked_by_the_text(index: CompanyIndex) -> None:
    found = index.find(
        "Zyntrax Motors and materials start-up Quorvane signed with Plexaro Holdings Ltd (NYSE: PLXR)"
    )
    names = {m.name for m in found if not m.known}
    assert {"Zyntrax Motors", "Quorvane", "Plexaro Holdings"} <= names


def test_possessives_and_plurals(index: CompanyIndex) -> None:
    found = index.find("BYD's new plant will rent Teslas")
    assert [(m.name, m.possessive, m.plural) for m in found] == [("BYD", True, False), ("Tesla", False, True)]


def test_bad_knowledge_base_entries_are_all_reported() -> None:
    with pytest.raises(ValueError) as raised:
        companies_from_toml({"company": [{"name": ""}, {"name": "Acme", "sector": "bakery"}]})
    assert "company #1 has no name" in str(raised.value)
    assert "unknown sector 'bakery'" in str(raised.value)

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
    assert len(companies) >= 2000
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
        "investor",
        "two_wheeler",
        "commercial_vehicle",
        "energy",
    }
    assert {c.country for c in companies} >= {"ID", "TR", "TH", "MY", "BR", "MX", "SA", "AE"}


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
        "a battery plant near Lordstown",  # a town a company is named after
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
    of_country = index.find("Student Transportation of Canada ordered buses; the State of California cheered")
    assert [m.name for m in of_country if not m.known] == ["Student Transportation of Canada"]


def test_possessives_and_plurals(index: CompanyIndex) -> None:
    found = index.find("BYD's new plant will rent Teslas")
    assert [(m.name, m.possessive, m.plural) for m in found] == [("BYD", True, False), ("Tesla", False, True)]


def test_bad_knowledge_base_entries_are_all_reported() -> None:
    with pytest.raises(ValueError) as raised:
        companies_from_toml({"company": [{"name": ""}, {"name": "Acme", "sector": "bakery"}]})
    assert "company #1 has no name" in str(raised.value)
    assert "unknown sector 'bakery'" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("比亚迪和宁德时代签署协议", ["BYD", "CATL"]),
        ("长城汽车与小米", ["Great Wall Motor", "Xiaomi"]),
        ("トヨタとパナソニック", ["Toyota", "Panasonic"]),
        ("현대차와 LG에너지솔루션", ["Hyundai", "LG Energy Solution"]),
    ],
)
def test_local_script_names_in_the_bundled_data(index: CompanyIndex, text: str, expected: list[str]) -> None:
    assert _names(index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Firms that news named and the old data missed, one per kind.
        ("precursor maker CNGR and Huayou Cobalt", ["CNGR Advanced Material", "Huayou Cobalt"]),
        ("NEC and Nissan's AESC", ["NEC", "Nissan", "Envision AESC"]),
        ("Deutsche Bahn and SNCF", ["Deutsche Bahn", "SNCF"]),
        ("Transport for London and the MTA", ["Transport for London", "MTA"]),
        ("Mubadala, QIA and PIF", ["Mubadala", "QIA", "PIF"]),
        ("Ather Energy, Gesits, Togg and Selex Motors", ["Ather Energy", "Gesits", "Togg", "Selex Motors"]),
    ],
)
def test_industry_wide_coverage(index: CompanyIndex, text: str, expected: list[str]) -> None:
    assert _names(index, text) == expected


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("LG will build a battery plant with Honda.", "LG Energy Solution"),
        ("Samsung and Stellantis form a battery joint venture.", "Samsung SDI"),
        ("SK and Ford will build battery cells in Kentucky.", "SK On"),
        ("Tata will build a cell gigafactory in Somerset.", "Agratas"),
    ],
)
def test_group_words_in_battery_sentences_name_the_battery_unit(index: CompanyIndex, text: str, unit: str) -> None:
    mention = index.find(text)[0]
    assert (mention.name, mention.cue.endswith("chosen for battery context")) == (unit, True)

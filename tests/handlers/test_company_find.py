"""Which companies a text names and why: local scripts, group units, unknown firms, explanations."""

from __future__ import annotations

import pytest

from bot.core.models import Company
from handlers.companies import CompanyIndex
from handlers.company_report import explain
from handlers.company_units import sentence_around

COMPANIES = (
    Company(
        "Great Wall Motor", aliases=("GWM", "长城汽车"), tickers=("2333.HK",), sector="automaker", country="CN"
    ),
    Company("Xiaomi", aliases=("小米", "Xiaomi Corp"), tickers=("1810.HK",), sector="tech", country="CN"),
    Company("Toyota", aliases=("トヨタ", "Toyota Motor"), tickers=("7203.T",), sector="automaker", country="JP"),
    Company("Hyundai Motor", aliases=("현대차",), sector="automaker", country="KR", parent="Hyundai Motor Group"),
    Company("Kia", sector="automaker", country="KR", parent="Hyundai Motor Group"),
    Company("Hyundai Motor Group", aliases=("Hyundai",), sector="other", country="KR"),
    Company("LG Corp", aliases=("LG",), sector="other", country="KR"),
    Company("LG Chem", sector="battery_materials", country="KR", parent="LG Corp"),
    Company("LG Energy Solution", aliases=("LGES",), sector="battery", country="KR", parent="LG Chem"),
    Company("LG Electronics", sector="tech", country="KR", parent="LG Corp"),
    Company("Samsung Group", aliases=("Samsung",), sector="other", country="KR"),
    Company("Samsung SDI", sector="battery", country="KR", parent="Samsung Group"),
    Company("Samsung Electronics", sector="semiconductor", country="KR", parent="Samsung Group"),
    Company("Samsung SDS", sector="tech", country="KR", parent="Samsung Group"),
    Company("Stellantis", sector="automaker", country="NL"),
    Company("General Motors", aliases=("GM",), sector="automaker", country="US"),
    Company("Ultium Cells", sector="battery", country="US", parent="General Motors"),
    Company("Tesla", tickers=("TSLA",), sector="ev_maker", country="US"),
    Company("Nio", aliases=("NIO",), tickers=("9866.HK", "NIO"), sector="ev_maker", country="CN"),
    Company("PIF", aliases=("Public Investment Fund",), sector="investor", country="SA"),
    Company("EVIQ", sector="charging", country="SA", parent="PIF"),
)


@pytest.fixture(scope="module")
def index() -> CompanyIndex:
    return CompanyIndex(COMPANIES)


def _names(index: CompanyIndex, text: str) -> list[str]:
    return [m.name for m in index.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("小米汽车与长城汽车签署协议", ["Xiaomi", "Great Wall Motor"]),
        ("トヨタ自動車は", ["Toyota"]),
        ("현대차는 LG와", ["Hyundai Motor", "LG Corp"]),
        ("Xiaomi与Tesla合作", ["Xiaomi", "Tesla"]),  # Latin names need no space next to Chinese
    ],
)
def test_local_script_names_match_inside_running_text(index: CompanyIndex, text: str, expected: list[str]) -> None:
    assert _names(index, text) == expected


@pytest.mark.parametrize("text", ["Teslamania", "NIOBIUM", "the xiaomiphone", "SuperGWM"])
def test_latin_names_keep_their_word_boundaries(index: CompanyIndex, text: str) -> None:
    assert _names(index, text) == []


@pytest.mark.parametrize(
    ("text", "unit", "topic"),
    [
        ("LG will build a battery plant with Honda in Ohio.", "LG Energy Solution", "battery"),
        ("Samsung and Stellantis form a second battery cell venture.", "Samsung SDI", "battery"),
        ("LG's cathode plant in Tennessee will supply Toyota.", "LG Chem", "battery materials"),
        ("Samsung to supply chips for Hyundai cars.", "Samsung Electronics", "chip"),
        ("Hyundai and Kia cars get new batteries.", "Hyundai Motor", "car"),  # Kia is no "Hyundai" unit
    ],
)
def test_group_name_reads_as_the_unit_the_sentence_is_about(
    index: CompanyIndex, text: str, unit: str, topic: str
) -> None:
    mention = index.find(text)[0]
    assert mention.name == unit
    assert mention.cue == f"unit of {mention.group} chosen for {topic} context"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("LG posts record TV sales.", "LG Corp"),  # no unit's trade in the sentence
        ("LG Corp will fund a battery plant.", "LG Corp"),  # the holding spelled out is itself
        ("LG and its unit LG Chem build a cathode plant.", "LG Corp"),  # the unit is named itself
        ("Cracked anode tabs in cells from LG plants.", "LG Corp"),  # materials and cells: two units
        ("PIF and a utility set up a charging firm.", "PIF"),  # a fund's holdings are not what it means
        ("GM opens a battery plant.", "General Motors"),  # an operating company stays itself
        ("Toyota starts battery production.", "Toyota"),
    ],
)
def test_group_name_stays_when_no_single_unit_fits(index: CompanyIndex, text: str, name: str) -> None:
    assert index.find(text)[0].name == name


def test_group_unit_reads_only_its_own_sentence(index: CompanyIndex) -> None:
    text = "Samsung reported higher phone sales. Separately, Tesla expanded its battery plant."
    assert _names(index, text) == ["Samsung Group", "Tesla"]
    assert sentence_around(text, 0, 7) == "Samsung reported higher phone sales."


def test_explain_says_why_each_company_is_named(index: CompanyIndex) -> None:
    text = (
        "GWM and Xiaomi Corp will build EVs; Nio (9866.HK) and LG agreed a battery cell deal "
        "with start-up Quorvane and Velexa Co, while fans rent Teslas."
    )
    reasons = [(f.name, f.how, f.reason) for f in explain(index, text)]
    assert reasons == [
        ("Great Wall Motor", "alias", "alias 'GWM' of Great Wall Motor"),
        ("Xiaomi", "alias", "alias 'Xiaomi Corp' of Xiaomi"),
        ("Nio", "name", "name of Nio"),
        ("Nio", "ticker", "ticker 9866.HK of Nio"),
        ("LG Energy Solution", "unit", "alias 'LG' of LG Corp; unit of LG Corp chosen for battery context"),
        ("Quorvane", "unknown", "unknown firm: named after 'start-up'"),
        ("Velexa", "unknown", "unknown firm: name with suffix 'Co'"),
        ("Tesla", "name", "name of Tesla; plural, so it may mean the company's products"),
    ]
    found = explain(index, text)
    assert (found[0].sector, found[0].country, found[0].surface) == ("automaker", "CN", "GWM")


@pytest.mark.parametrize(
    ("text", "firm", "cue"),
    [
        ("Qorvexa Co will supply nickel to the plant.", "Qorvexa", "name with suffix 'Co'"),
        ("Zentro Motors Pvt Ltd raised funds.", "Zentro Motors", "name with suffix 'Motors'"),
        ("Trenza GmbH and Brenta AG signed.", "Trenza", "name with suffix 'GmbH'"),
        ("Kerem Otomotiv A.Ş. will assemble the vans.", "Kerem Otomotiv", "name with suffix 'A.Ş'"),
        ("PT Borneo Baterai Tbk agreed to invest.", "PT Borneo Baterai", "name with suffix 'Tbk'"),
        ("Vexum JSC signed with the city.", "Vexum", "name with suffix 'JSC'"),
        ("Zylar SpA will supply motors.", "Zylar", "name with suffix 'SpA'"),
        ("Nordo plc and Tesla signed.", "Nordo", "name with suffix 'plc'"),
        ("Turkey's Trendyx signed with Tesla.", "Trendyx", "named as 'Turkey's …'"),
        ("China's Zhenghe will supply cells.", "Zhenghe", "named as 'China's …'"),
        ("Battery startup Quenvo raised money.", "Quenvo", "named after 'startup'"),
        ("Lithium start-up Mirrox signed.", "Mirrox", "named after 'start-up'"),
        ("Vietnamese EV maker Zyntro signs a deal.", "Zyntro", "named after 'maker'"),
        ("Hefei-based Gotrix will build a plant.", "Gotrix", "named after 'Hefei-based'"),
        ("Velexa, a maker of motor controllers, said so.", "Velexa", "described as 'a maker'"),
        ("Qantix Holdings Inc (NASDAQ: QNTX) rose.", "Qantix Holdings", "name before ticker 'NASDAQ: QNTX'"),
        ("Yesterday Acme Corp said it would.", "Acme", "name with suffix 'Corp'"),  # "Yesterday" only starts it
    ],
)
def test_unknown_firms_are_found_by_how_news_names_firms(
    index: CompanyIndex, text: str, firm: str, cue: str
) -> None:
    unknown = [(m.name, m.cue) for m in index.find(text) if not m.known]
    assert (firm, cue) in unknown


@pytest.mark.parametrize(
    "text",
    [
        "China's Guangdong province offered subsidies.",  # a place
        "China's Commerce Ministry said on Monday.",  # a body
        "Japan's Prime Minister visited the plant.",  # a title
        "In March Ltd results were due.",  # a month
        "Shanghai Co said nothing.",  # a place before a legal form
        "2025 Ltd",  # a number
        "EV maker Model Y sales rose.",  # a product
        "the solar farm Hornsea is huge.",  # "farm" is not the introducer "arm"
        "Sales Co fell in March.",  # a sentence's first word
        "Shares Group rose.",
        "Germany's Manager Magazin reported on Friday.",  # a magazine
        "grants from Canada's Zero-Emission Transit Fund",  # the words run on
    ],
)
def test_near_misses_are_not_firms(index: CompanyIndex, text: str) -> None:
    assert [m.name for m in index.find(text) if not m.known] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S. oil firms signed", []),  # "S. oil" is the end of "U.S.", not S-Oil
        ("S-Oil will supply fuel", ["S-Oil"]),
        ("BYD sold 120,000 NEVs", []),  # the plural of another acronym
        ("NEVS restarts its plant", ["NEVS"]),
        ("Measure B on hold", []),  # a short capitalised alias matches only as written
        ("B-ON vans for DHL", ["StreetScooter"]),
        ("E.ON and e.on", ["E.ON"]),
    ],
)
def test_abbreviations_and_acronyms_are_not_read_into_other_words(text: str, expected: list[str]) -> None:
    index = CompanyIndex(
        [
            Company("S-Oil", sector="energy"),
            Company("NEVS", sector="ev_maker"),
            Company("StreetScooter", aliases=("B-ON",), sector="ev_maker"),
            Company("E.ON", sector="energy"),
        ]
    )
    assert [m.name for m in index.find(text, unknown=False)] == expected

"""The analyst's judgement: the main aspect decides the kind, neighbouring domains are not EVs,
exits and talks are told apart, and every verdict explains itself in plain words.

Stories are written for these tests in the style of wire headlines; none is a corpus item.
"""

from __future__ import annotations

import json
import re

import pytest

from bot.core.models import Item
from handlers.ev_partnership import EvPartnershipHandler
from tests.conftest import DEV_CORPUS


def _detect(handler: EvPartnershipHandler, title: str, summary: str = ""):  # type: ignore[no-untyped-def]
    return handler.detect(Item(id="t", title=title, summary=summary))


# (title, summary, kind, stage): the story's main aspect, whatever else it mentions.
MAIN_ASPECT = [
    (
        "Foxconn to build Fisker's next EV and take a 10% stake",
        "Foxconn will assemble Fisker's electric pickups in Ohio and take about 10% of the start-up.",
        "manufacturing",
        "announced",
    ),
    (
        "Toyota takes 5% of Pony.ai and the two will co-develop robotaxis",
        "Toyota Motor will buy about 5% of Pony.ai, and the companies agreed to co-develop driverless cars.",
        "investment",
        "announced",
    ),
    (
        "Honda and LG Energy Solution to build a jointly owned battery plant in Ohio",
        "The two will form a joint venture that owns the EV battery plant, each holding half.",
        "joint_venture",
        "announced",
    ),
    (
        "Honda buys out LG Energy Solution's half of their Ohio battery venture",
        "Honda will buy LG Energy Solution's 49% of the joint venture that makes EV batteries in Ohio, "
        "becoming its sole owner.",
        "joint_venture",
        "ended",
    ),
    (
        "Nissan considering Foxconn stake as part of EV tie-up",
        "Nissan is considering an offer from Foxconn to take a stake alongside an electric-vehicle partnership.",
        "investment",
        "talks",
    ),
    (
        "Report: Apple weighing a tie-up with Rivian after shelving its car project",
        "Apple is studying a possible partnership with Rivian on electric vehicles, a report said.",
        "other",
        "talks",
    ),
    (
        "Fisker's rescue talks with Nissan collapse",
        "Fisker said Nissan had ended talks over an investment in the EV maker.",
        "investment",
        "ended",
    ),
    (
        "Panasonic quietly sold its entire Tesla stake",
        "Panasonic sold all its Tesla shares, ending an equity tie with the EV maker that began in 2010.",
        "investment",
        "ended",
    ),
    (
        "BYD names Rever Automotive as its distributor in Thailand",
        "BYD appointed Rever Automotive to import and sell its electric cars in Thailand.",
        "other",
        "announced",
    ),
]


@pytest.mark.parametrize(("title", "summary", "kind", "stage"), MAIN_ASPECT, ids=[m[0][:40] for m in MAIN_ASPECT])
def test_the_main_aspect_decides_kind_and_stage(
    handler: EvPartnershipHandler, title: str, summary: str, kind: str, stage: str
) -> None:
    detection = _detect(handler, title, summary)
    assert detection is not None and detection.alert, detection and detection.reasons
    assert (detection.kind, detection.stage) == (kind, stage), detection.reasons


# (title, summary, what the reasons must name): deals next to EVs that are not EV deals.
NOT_EV = [
    (
        "Samsung SDI wins energy-storage order from utility NextEra",
        "Samsung SDI will supply 6 GWh of LFP battery systems for NextEra's grid storage projects.",
        "grid storage",
    ),
    (
        "Hyundai and Toyota sign hydrogen fuel cell truck pact",
        "Hyundai and Toyota agreed to cooperate on fuel cell systems and hydrogen refuelling.",
        "hydrogen",
    ),
    (
        "Nidec and ABB form venture for industrial electric motors",
        "Nidec and ABB will form a joint venture to make industrial motors for pumps and compressors.",
        "industrial motors",
    ),
    (
        "Mercedes-Benz and Google sign voice assistant deal",
        "Mercedes-Benz will put Google's voice assistant and infotainment apps in its cars.",
        "in-car software",
    ),
    (
        "Panasonic to exit Tesla's solar factory in Buffalo",
        "Panasonic will stop making solar cells at Tesla's New York plant; their battery venture in Nevada "
        "continues.",
        "solar power",
    ),
    (
        "Tesla shareholders vote on investing in xAI",
        "Tesla asked shareholders whether it should invest in xAI, the AI startup founded by Elon Musk.",
        "AI models",
    ),
]


@pytest.mark.parametrize(("title", "summary", "domain"), NOT_EV, ids=[n[2] for n in NOT_EV])
def test_neighbouring_domains_are_not_ev_and_say_so(
    handler: EvPartnershipHandler, title: str, summary: str, domain: str
) -> None:
    detection = _detect(handler, title, summary)
    assert detection is not None and not detection.alert and not detection.ev
    assert any(r.startswith("not EV") and domain in r for r in detection.reasons), detection.reasons


# Headline forms that carry a deal without a deal word.
HEADLINE_FORMS = [
    ("Uber + BYD: 100,000 electric cars for drivers", "", {"Uber", "BYD"}, "announced"),
    (
        "Stellantis leaves Leapmotor International EV venture, Leapmotor takes full control",
        "",
        {"Stellantis", "Leapmotor"},
        "ended",
    ),
    ("Ford, SK On sign deals for Kentucky EV battery plants", "", {"Ford", "SK On"}, "announced"),
    ("Foxconn in talks for Nissan stake to build EVs", "", {"Foxconn", "Nissan"}, "talks"),
    (
        "Ford and Volkswagen pull the plug on Argo AI self-driving unit",
        "",
        {"Ford", "Volkswagen", "Argo AI"},
        "ended",
    ),
]


@pytest.mark.parametrize(
    ("title", "summary", "partners", "stage"), HEADLINE_FORMS, ids=[h[0][:40] for h in HEADLINE_FORMS]
)
def test_headline_forms_carry_deals_without_deal_words(
    handler: EvPartnershipHandler, title: str, summary: str, partners: set[str], stage: str
) -> None:
    detection = _detect(handler, title, summary)
    assert detection is not None and detection.alert, detection and detection.reasons
    assert set(detection.partners) == partners
    assert detection.stage == stage


def test_a_contrast_names_a_firm_that_is_not_the_partner(handler: EvPartnershipHandler) -> None:
    detection = _detect(
        handler,
        "BMW picks CATL over LG Energy Solution for Neue Klasse EV cells",
        "BMW chose CATL to supply cylindrical battery cells for its electric cars.",
    )
    assert detection is not None and detection.alert
    assert set(detection.partners) == {"BMW", "CATL"}


def test_a_loan_to_an_existing_venture_is_no_new_partnership(handler: EvPartnershipHandler) -> None:
    detection = _detect(
        handler,
        "Ultium Cells joint venture gets $2.5 billion government loan",
        "The joint venture of General Motors and LG Energy Solution gets a loan to expand EV battery plants.",
    )
    assert detection is None or not detection.alert


_PLACEHOLDER = re.compile(r"⟦|⟧|\bk:|co-subjects|cue '")


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Toyota invests $500 million in Pony.ai for robotaxis", ""),
        ("Tesla recalls 2 million cars over Autopilot", "Tesla will update software on all its cars."),
        ("CATL wins grid storage order from Fluence", "CATL will supply 5 GWh of battery systems for a BESS."),
        ("Rivian unveils a new electric SUV", ""),
    ],
)
def test_reasons_are_plain_words_for_alerts_and_rejections(
    handler: EvPartnershipHandler, title: str, summary: str
) -> None:
    detection = _detect(handler, title, summary)
    assert detection is not None and detection.reasons
    assert not any(_PLACEHOLDER.search(r) for r in detection.reasons), detection.reasons
    if detection.alert:
        assert detection.ev and any(r.startswith("EV") for r in detection.reasons)
    else:
        assert any(r.startswith(("not EV", "no deal")) or "reads like" in r for r in detection.reasons)
    if not detection.ev:
        assert any(r.startswith("not EV") for r in detection.reasons)


def test_every_partner_of_a_multi_party_deal_is_found(handler: EvPartnershipHandler) -> None:
    detection = _detect(
        handler,
        "BMW and Ford team up on EV charging network",
        "BMW, Ford, Honda and Stellantis agreed to set up a joint venture to build 30,000 EV chargers.",
    )
    assert detection is not None and detection.alert
    assert set(detection.partners) == {"BMW", "Ford", "Honda", "Stellantis"}
    assert detection.kind == "charging"


def test_a_customer_named_to_describe_a_partner_is_not_one(handler: EvPartnershipHandler) -> None:
    detection = _detect(
        handler,
        "Tesla supplier Panasonic signs battery recycling deal with Redwood Materials",
        "Panasonic will send EV battery scrap to Redwood Materials.",
    )
    assert detection is not None and detection.alert
    assert set(detection.partners) == {"Panasonic", "Redwood Materials"}


def test_an_owner_dealing_with_its_own_venture_names_the_venture_owners(handler: EvPartnershipHandler) -> None:
    detection = _detect(
        handler,
        "Leapmotor T03 production starts at Stellantis plant in Poland",
        "Leapmotor International, the Stellantis-led venture with Zhejiang Leapmotor Technology, began "
        "assembling the T03 city EV at Stellantis' factory in Tychy.",
    )
    assert detection is not None and detection.alert, detection and detection.reasons
    assert set(detection.partners) == {"Stellantis", "Leapmotor"}


def test_a_unit_named_by_its_owner_acts_for_itself(handler: EvPartnershipHandler) -> None:
    detection = _detect(
        handler,
        "Uber taps GM's Cruise for robotaxi rides in Austin",
        "Uber signed an agreement with Cruise to offer self-driving rides on its app.",
    )
    assert detection is not None and detection.alert, detection and detection.reasons
    assert set(detection.partners) == {"Uber", "Cruise"}


def test_no_reason_on_the_labelled_corpus_shows_a_slot_or_a_rule_name(handler: EvPartnershipHandler) -> None:
    for line in DEV_CORPUS.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        detection = _detect(handler, data["title"], data["summary"])
        if detection is None:
            continue
        assert not any(_PLACEHOLDER.search(r) for r in detection.reasons), (data["id"], detection.reasons)
        assert detection.ev == any(r.startswith(("EV wording", "EV by")) for r in detection.reasons), data["id"]


def test_a_line_up_that_includes_evs_is_ev_news(handler: EvPartnershipHandler) -> None:
    detection = _detect(
        handler,
        "Foxconn buys half of ZF's axle-system business",
        "Foxconn will acquire a 50% stake in ZF's chassis modules unit, forming a joint venture to widen "
        "products for combustion and especially electric vehicles.",
    )
    assert detection is not None and detection.alert and detection.ev, detection and detection.reasons


def test_an_existing_venture_starting_work_is_no_new_deal_unless_at_a_partners_plant(
    handler: EvPartnershipHandler,
) -> None:
    building = _detect(
        handler,
        "Mazda-branded EZ-6 sedan rolls out of Changan plant",
        "Changan Mazda, the carmakers' Chinese joint venture, began building the EZ-6 electric sedan.",
    )
    assert building is not None and not building.alert, building and building.reasons
    assert "news of a venture that already exists, not a new deal" in building.reasons
    at_partner = _detect(
        handler,
        "Leapmotor T03 production starts at Stellantis plant in Poland",
        "Leapmotor International, the Stellantis-led venture with Leapmotor, began assembling the T03 city EV at "
        "Stellantis' factory in Tychy.",
    )
    assert at_partner is not None and at_partner.alert and at_partner.kind == "manufacturing"


def test_a_brand_form_headline_about_a_launch_tells_an_existing_tie_up(handler: EvPartnershipHandler) -> None:
    orders = _detect(
        handler,
        "Huawei-designed Luxeed sedan from Chery opens orders",
        "Chery began taking orders for the Luxeed S7 electric sedan it makes with Huawei.",
    )
    assert orders is not None and not orders.alert, orders and orders.reasons
    coming = _detect(handler, "EVgo-branded Tesla Superchargers are coming")
    assert coming is not None and coming.alert, coming and coming.reasons


def test_a_partner_sued_for_breaking_the_deal_ends_the_partnership(handler: EvPartnershipHandler) -> None:
    broken = _detect(
        handler,
        "Lordstown goes bankrupt and sues partner Foxconn",
        "Lordstown Motors filed for Chapter 11 protection and sued Foxconn, accusing it of failing to honour an "
        "investment agreement in the electric pickup maker.",
    )
    assert broken is not None and broken.alert and broken.stage == "ended", broken and broken.reasons
    quarrel = _detect(
        handler,
        "Zoox settles Tesla lawsuit over trade secrets",
        "Zoox agreed to pay Tesla to settle claims that former employees took trade secrets about its EVs.",
    )
    assert quarrel is None or not quarrel.alert

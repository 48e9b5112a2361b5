"""Whether a deal is about electric vehicles, and the words that say so or say otherwise.

Vehicle wording ("EV", "electric trucks", "charging", "robotaxi") counts most. Part wording
("battery cells", "lithium", "electric motors") counts only while no neighbouring domain is
named: battery makers also sell grid storage, motor makers also equip factories, and
hydrogen fuel cells, in-car software and consumer electronics are not EV deals either.
A domain named in the headline or the deal sentence without vehicle wording caps the
judgement, and the reasons say which domain it was ("not EV: grid storage").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._passage import Role
from ._sentence import Sentence, unique, unique_sentences
from ._weights import EV, EV_PRIOR
from .companies import CompanyIndex

# Neighbouring domains, as the reasons name them; True when vehicle wording outweighs them.
OFF_EV: dict[str, tuple[str, bool]] = {
    "off:grid": ("grid storage", True),
    "off:hydrogen": ("hydrogen fuel cells", True),
    "off:solar": ("solar power", True),
    "off:ai": ("AI models and data centres", True),
    "off:motors": ("industrial motors", False),
    "off:car software": ("in-car software", False),
    "off:electronics": ("consumer electronics", True),
    "off:mining": ("mining equipment", False),
}
_ENGINE_SIZE = re.compile(r"\b\d{3,4}\s?cc\b")  # "300-600cc motorcycles": combustion
# "diesel and electric versions", "petrol, hybrid or electric", "combustion and especially electric
# vehicles": a line-up that includes EVs.
_MIXED = re.compile(
    r"\b(diesel|petrol|gasoline|combustion)(?:[- ](?:engined?|powered))?,? "
    r"(?:(?:[\w-]+,? ){0,2}(?:and|or|as well as) )(?:(?:especially|particularly|mainly|above all|increasingly) )?"
    r"(?:(?:hybrid|plug-in),? (?:and |or )?)?(?:battery[- ])?electric\b",
    re.IGNORECASE,
)


def judge(
    sents: Sequence[Sentence], deal: Sentence | None, partners: Sequence[str], index: CompanyIndex
) -> tuple[float, list[str]]:
    """How clearly the story is about EVs (0..1), and the reasons to show for it."""
    head = sents[0] if sents else None
    vehicle = unique(w for s in sents for w in s.words("ev"))
    parts = unique(w for s in sents for w in s.words("ev_part"))
    against = unique(w for s in sents for w in s.words("not_ev"))
    against += [m.group() for s in sents if "cc" in s.text for m in _ENGINE_SIZE.finditer(s.text)]
    if against:
        mixed = {m.group(1).lower() for s in sents for m in _MIXED.finditer(s.text)}
        against = [w for w in against if w.lower() not in mixed]
    first = next((s for s in sents if s.role is Role.LEDE), None)
    lead = unique_sentences([s for s in (head, deal, first) if s is not None])
    found = unique(n for s in lead for n in s.hits if n in OFF_EV)
    domains = [OFF_EV[n][0] for n in found]
    lead_vehicle = [w for s in lead for w in s.words("ev")]  # vehicle wording where the deal is told
    blocking = [OFF_EV[n][0] for n in found if not (lead_vehicle and OFF_EV[n][1])]
    words = vehicle + ([] if domains else parts)
    head_words = (head.words("ev") + ([] if domains else head.words("ev_part"))) if head else []
    prior = _prior(sents, partners, index)
    weight = EV.against_dominant if len(against) >= len(words) else EV.against
    value = (
        prior
        + EV.per_headline_word * min(len(unique(head_words)), 2)
        + EV.per_word * min(len(words), 4)
        - weight * min(len(against), 3)
    )
    if blocking:
        value = min(value, EV.off_domain_cap)
    value = max(0.0, min(1.0, value))
    if value < EV.ev:
        weak = f" (too little EV wording: {', '.join(words[:3])})" if words else ""
        return value, ["not EV: " + _why_not(blocking, against) + weak]
    reasons = ["EV wording: " + ", ".join(words[:4]) if words else "EV by who the partners are"]
    if against or domains:
        reasons.append("also names " + ", ".join(domains + against[:3]))
    return value, reasons


_QUICK_EV = re.compile(
    r"\b(?:[BP]?EVs?|electric[- ](?:vehicles?|cars?|trucks?|bus(?:es)?|vans?|SUVs?|sedans?|motorcycles?|scooters?|"
    r"models?|pickups?)|e-?mobility|electrif\w+|charging|chargers?|battery[- ]electric|plug-in|robotaxis?)\b",
    re.IGNORECASE,
)


def quick(texts: Sequence[str], names: Sequence[str], index: CompanyIndex) -> tuple[bool, str]:
    """A cheap EV judgement for stories that name no deal: EV wording, or an EV company named."""
    found = next((m.group() for t in texts if (m := _QUICK_EV.search(t))), "")
    if found:
        return True, f"EV wording: {found.lower()}"
    if any((c := index.get(n)) and EV_PRIOR.get(c.sector, 0.0) >= EV.ev_sector for n in names):
        return True, "EV by who is named"
    return False, "not EV: no electric-vehicle wording, and no company that makes EVs, batteries or chargers"


def _prior(sents: Sequence[Sentence], partners: Sequence[str], index: CompanyIndex) -> float:
    prior = max((EV_PRIOR.get(c.sector, 0.0) for p in partners if (c := index.get(p))), default=0.0)
    named = {m.name for s in sents if s.role is not Role.BACKGROUND for m in s.mentions} - set(partners)
    if any((c := index.get(n)) and EV_PRIOR.get(c.sector, 0.0) >= EV.ev_sector for n in named):
        prior = max(prior, EV.named_ev_company)  # "rent Teslas to drivers": the deal is about EVs
    return prior


def _why_not(blocking: list[str], against: list[str]) -> str:
    if blocking:
        return ", ".join(blocking)
    if against:
        return "about " + ", ".join(against[:3])
    return "no electric-vehicle wording, and no partner that makes EVs, batteries or chargers"

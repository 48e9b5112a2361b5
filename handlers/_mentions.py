"""Who a story names, sentence by sentence, once the story's own conventions are applied.

Beyond the knowledge-base matches, a story defines names of its own ("Alexander
Dennis Ltd. (ADL)", an unknown "start-up Motovis" that the headline repeats),
shortens names ("LG" for LG Energy Solution), and uses everyday words that are also
brands ("Smart-Car", "Tata's EV Arm"). This module settles all that into one list
of mentions per sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

from ._passage import Passage, Role
from .companies import CompanyIndex, Mention, alias_key
from .company_units import HOLDING_SECTORS

MEDIA = frozenset(
    (
        "reuters bloomberg nikkei ft wsj cnbc electrek benzinga cailian caixin latepost yonhap "
        "handelsblatt techcrunch ap afp xinhua insideevs autocar teslarati cnevpost mint "
        "moneycontrol jato"
    ).split()
) | {
    "financial times",
    "wall street journal",
    "the information",
    "associated press",
    "automotive news",
    "the verge",
    "the economic times",
    "economic times",
    "business standard",
    "korea economic daily",
    "maeil business",
    "the korea herald",
    "nikkei asia",
    "jato dynamics",
}

_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Z0-9&]{1,7}|[A-Z][a-z]?[A-Z][A-Z0-9&]{0,5})\s*\)")
# A quantity bought right before a plural name: "orders 100,000 Teslas", "to buy up to 5,000 Rivians".
_ORDERED = re.compile(
    r"\b(?:orders?|ordered|ordering|buys?|bought|buying|purchases?|purchased|reserves?|reserved)\s+"
    r"(?:(?:up to|about|around|nearly|more than|another|an extra)\s+)?\d[\d,.]*\s*(?:k|m|million)?\s+$",
    re.IGNORECASE,
)
# A capitalised word ("Tata's", "LG"); the word start is checked after its capital, so the
# engine skips to capitals.
_CAPITALISED = re.compile(r"([A-Z](?<!\w.)(?:[A-Za-z]+|[A-Z]+))(?:'s)?\b")


def story_mentions(index: CompanyIndex, plan: Sequence[Passage]) -> None:
    """Fill in the companies each passage of a story names."""
    _find_all(index, plan)
    focus = {m.name for p in plan if p.focus for m in p.mentions if not m.plural}
    if len(focus) < 2 and not any("(" in p.text or not p.focus for p in plan):
        return  # one company or none: no deal to read, so skip the finer points
    for p in plan:
        if p.role is not Role.TITLE:  # in Title Case every word looks like a name
            p.mentions += _coordinated(p.text, p.mentions)
    local: dict[str, tuple[str, bool]] = {}
    for p in plan:
        text, mentions = p.text, p.mentions
        if p.role is Role.LEDE:
            for m in mentions:
                if not m.known:
                    local[m.name] = (m.name, False)
                    words = m.name.split()
                    if len(words) >= 2 and words[-1].lower() in _TRAILING:
                        local.setdefault(" ".join(words[:-1]), (m.name, False))
                    if len(words) >= 2 and len(words[0]) >= 4 and words[0].lower() not in _PLACES:
                        local.setdefault(words[0], (m.name, False))  # "Megha" for "Megha Engineering"
        local.update(_acronyms(text, mentions))
    if plan and plan[0].role is Role.TITLE:
        local.update(_spelled_out(plan[0].text, [p.text for p in plan if p.role is Role.LEDE], local))
    for p in plan:
        mentions = p.mentions + _local_mentions(p.text, local, p.mentions)
        p.mentions = sorted((m for m in mentions if m.name.lower() not in MEDIA), key=lambda m: m.start)
    _first_words(plan)
    _drop_uncorroborated(plan)
    longer: dict[tuple[str, ...], list[str]] = {}  # a name's leading words -> fuller names they start
    for name in dict.fromkeys(m.name for p in plan for m in p.mentions if m.known):
        key = alias_key(name)
        owner = company.parent if (company := index.get(name)) else ""
        for size in range(1, len(key)):
            if owner and _another_firm(index, index.resolve(" ".join(key[:size])), name, owner):
                continue  # "Leapmotor" is not Leapmotor International, which Stellantis controls
            longer.setdefault(key[:size], []).append(name)
    lede_order = [m.name for p in plan if p.role is Role.LEDE for m in p.mentions]
    spelled = frozenset(
        m.name for p in plan for m in p.mentions if m.known and len(alias_key(p.text[m.start : m.end])) >= 2
    )
    for p in plan:
        p.mentions = _dedupe([_refine(m, p.text, longer, lede_order, spelled) for m in p.mentions])


_TRAILING = frozenset(["group", "holdings", "holding", "motors", "motor", "corp", "company", "inc", "ltd"])
_SPAN = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+){1,4}")
_ALLCAPS = re.compile(r"\b[A-Z]{2,5}\b")
_NOT_ACRONYMS = frozenset(
    (
        "EV EVS US UK EU USA UAE CEO CFO CTO COO IPO SUV SUVS AI IT OEM OEMS GWH KWH MW MWH NEV "
        "NEVS BEV PHEV ADAS LFP NMC SEC DOE IRA NHTSA EPA GDP Q1 Q2 Q3 Q4 CO2 R&D LNG"
    ).split()
)
# Last words of spelled-out names that are programmes, rules or bodies, not companies.
_NOT_FIRMS = frozenset(
    (
        "standard standards act law plan program programme initiative agreement protocol policy "
        "rule rules regulation code index test cycle administration agency department ministry "
        "commission council union association system alliance forum summit conference exchange"
    ).split()
)
_COORDINATED = re.compile(
    r"(?:,\s*|\s+and\s+|\s*&\s*)([A-Z][\w.&'-]+(?:\s+[A-Z][\w.&'-]+){0,2})"
    r"(?=\s*,|\s+and\s|\s+(?:to|will|sign|signs|signed|agree|agreed|form|forms|plan|plans|said|have|has|"
    r"are|launch|launches|set|sets|unveil|unveiled|team|teams|join|joins|partner|partners)\b)"
)
_PLACES = frozenset(
    (
        "china japan korea india germany france italy spain britain england europe america asia "
        "africa canada mexico brazil australia indonesia vietnam thailand malaysia singapore "
        "taiwan turkey hungary poland sweden norway finland netherlands belgium austria "
        "switzerland russia ukraine saudi arabia uae dubai israel egypt morocco chile argentina "
        "texas california michigan ohio georgia tennessee kentucky shanghai beijing shenzhen "
        "tokyo seoul berlin munich paris london detroit the this that new us usa uk eu"
    ).split()
)


def _coordinated(text: str, mentions: list[Mention]) -> list[Mention]:
    """An unknown name listed with known companies: "Suzuki, Toshiba and Denso" names Toshiba."""
    out: list[Mention] = []
    for mention in [m for m in mentions if m.known]:
        match = _COORDINATED.match(text, mention.end)
        if not match:
            continue
        name = match.group(1).removesuffix("'s")
        start = match.start(1)
        words = name.lower().split()
        if words[0] in _PLACES or any(m.start < start + len(name) and start < m.end for m in mentions):
            continue
        out.append(Mention(name, start, start + len(name), False))
    return out


def _spelled_out(title: str, lede: list[str], local: dict[str, tuple[str, bool]]) -> dict[str, tuple[str, bool]]:
    """A headline acronym the lede spells out: "BII" for "British International Investment"."""
    out: dict[str, tuple[str, bool]] = {}
    spans: list[tuple[str, str, str]] | None = None  # (words, initials, last word) of the lede's capitalised runs
    for match in _ALLCAPS.finditer(title):
        acronym = match.group()
        if acronym in _NOT_ACRONYMS or acronym in local:
            continue
        if spans is None:  # read the lede once, however many acronyms the headline has
            spans = []
            for text in lede:
                for span in _SPAN.finditer(text):
                    words = [w for w in span.group().split() if w != "of"]
                    spans.append((span.group(), "".join(w[0] for w in words), words[-1].lower()))
        for found, initials, last in spans:
            if initials == acronym and last not in _NOT_FIRMS:
                out[acronym] = (found, False)
                out[found] = (found, False)
    return out


def _find_all(index: CompanyIndex, plan: Sequence[Passage]) -> None:
    """One pass over the whole story, split back into passages (offsets made local)."""
    joined = "\n".join(p.text for p in plan)
    title_end = len(plan[0].text) if plan and plan[0].role is Role.TITLE else -1
    starts, offset = [], 0
    for p in plan:
        starts.append(offset)
        offset += len(p.text) + 1
    for p in plan:
        p.mentions = []
    for mention in index.find(joined):
        if mention.end > title_end >= mention.start:
            continue  # nothing spans the headline's end
        if not mention.known and mention.start < title_end and not mention.ticker:
            continue  # in Title Case every word looks like a name
        if mention.plural and _ORDERED.search(joined, max(0, mention.start - 40), mention.start):
            m = mention  # "orders 100,000 Teslas": the maker is who sells them
            mention = Mention(m.name, m.start, m.end, m.known, m.possessive, m.ticker, m.weak)
        i = bisect_right(starts, mention.start) - 1
        shift = starts[i]
        if shift:
            m = mention  # dataclasses.replace costs more than the whole lookup of a short story
            mention = Mention(
                m.name, m.start - shift, m.end - shift, m.known, m.possessive, m.ticker, m.weak, m.plural
            )
        plan[i].mentions.append(mention)


def _acronyms(text: str, mentions: list[Mention]) -> dict[str, tuple[str, bool]]:
    """Short names a story defines: "Alexander Dennis Ltd. (ADL)" makes "ADL" mean it."""
    out: dict[str, tuple[str, bool]] = {}
    for mention in mentions:
        match = _ACRONYM.match(text, mention.end)
        if match and not mention.ticker:
            out[match.group(1)] = (mention.name, mention.known)
    return out


def _local_mentions(text: str, local: dict[str, tuple[str, bool]], taken: list[Mention]) -> list[Mention]:
    """Where the story's own names (unknown firms, acronyms) appear in one sentence."""
    out: list[Mention] = []
    for surface, (name, known) in local.items():
        if surface not in text:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w])('s)?", text):
            start, end = match.start(), match.end()
            if not any(m.start < end and start < m.end for m in taken + out):
                out.append(Mention(name, start, end, known, bool(match.group(1))))
    return out


def _first_words(plan: Sequence[Passage]) -> None:
    """A headline's "LG" or "Tata's" stands for the LG or Tata company the lede names."""
    lede_names = [m.name for p in plan if p.role is Role.LEDE for m in p.mentions if m.known and not m.weak]
    by_first: dict[str, str] = {}
    for name in lede_names:
        first = name.split()[0]
        if first.lower().replace(".", "") in _PLACES:
            continue  # "US" in a headline is the country, not the US Department of Energy the lede names
        if len(name.split()) > 1 and (len(first) >= 4 or first.isupper()):
            by_first.setdefault(first, name)
    for p in plan:
        text, mentions = p.text, p.mentions
        if p.role is not Role.TITLE or not by_first:
            continue
        for match in _CAPITALISED.finditer(text):
            found = by_first.get(match.group(1))
            start, end = match.start(), match.end()
            if found and not any(m.start < end and start < m.end for m in mentions):
                mentions.append(Mention(found, start, end, True, match.group().endswith("'s")))
        mentions.sort(key=lambda m: m.start)


def _drop_uncorroborated(plan: Sequence[Passage]) -> None:
    """Keep an everyday-word brand ("Smart", "Grab") only where the story backs it up."""
    trusted = {m.name for p in plan for m in p.mentions if not m.weak}
    for p in plan:
        for m in p.mentions:
            if m.weak and m.name not in trusted and _plainly_a_name(p.text, m, p.role):
                trusted.add(m.name)
    for p in plan:
        p.mentions = [m for m in p.mentions if not m.weak or (m.name in trusted and not _compound(p.text, m))]


_VERBISH = frozenset(
    (
        "said says will would has have had is was are and plans planned agreed signed raised "
        "announced unveiled launched reported expects shares stock to also chief ceo, inc"
    ).split()
)


def _plainly_a_name(text: str, mention: Mention, role: Role) -> bool:
    """Capitalised mid-sentence in running text, or a sentence's subject ("Cruise raised")."""
    if _compound(text, mention) or not text[mention.start].isupper():
        return False
    if role is Role.TITLE and _title_case(text):
        return False
    if mention.start > 0:
        return True
    following = text[mention.end :].split(maxsplit=1)
    return bool(following) and following[0].lower() in _VERBISH


def _compound(text: str, mention: Mention) -> bool:
    return text[mention.end : mention.end + 1] == "-" or text[mention.start - 1 : mention.start] == "-"


_TITLE_CASE_SHARE = 0.6  # more capitalised long words than this: a headline in Title Case


def _title_case(text: str) -> bool:
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) > _TITLE_CASE_SHARE


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """Merge a name with the ticker or repeat right after it ("Xiaomi Corp. (OTC: XIACF)")."""
    out: list[Mention] = []
    for mention in mentions:
        if out and out[-1].name == mention.name and mention.start - out[-1].end <= 25:
            prev = out[-1]
            out[-1] = Mention(
                prev.name,
                prev.start,
                mention.end,
                prev.known,
                prev.possessive or mention.possessive,
                prev.ticker or mention.ticker,
            )
        elif out and mention.start < out[-1].end:
            continue  # overlapping names: the earlier, longer one stands
        else:
            out.append(mention)
    return out


def _refine(
    mention: Mention,
    text: str,
    longer: dict[tuple[str, ...], list[str]],
    lede_order: list[str],
    spelled: frozenset[str],
) -> Mention:
    """ "Volvo" means Volvo Group when the story names Volvo Group.

    A company's own short name ("Hyundai", "TPG") is read as the longer one ("Hyundai
    Motor Group", "TPG Rise Climate") only when the lede names the longer one first.
    """
    if not mention.known or mention.ticker:
        return mention
    surface_text = text[mention.start : mention.end].removesuffix("'s").removesuffix("’s")
    fuller = longer.get(alias_key(surface_text), ())
    if mention.name in fuller and mention.name in spelled:
        return mention  # "SAIC" beside "SAIC Motor" and "SAIC Volkswagen": its own fuller name is written
    venture = _VENTURE_AFTER.match(text, mention.end) is not None  # "the Dongfeng venture" is Dongfeng Nissan
    for name in fuller:
        if name == mention.name or (not venture and _joint_name(name, len(alias_key(surface_text)), lede_order)):
            continue
        if surface_text == mention.name and _first(lede_order, mention.name, name) != name:
            continue
        return replace(mention, name=name)
    return mention


_VENTURE_AFTER = re.compile(r"\s+(?:joint[- ])?(?:venture|jv)\b", re.IGNORECASE)


def _another_firm(index: CompanyIndex, short: str | None, name: str, owner: str) -> bool:
    """The short name is an operating company of its own, neither the fuller one's owner nor its unit."""
    company = index.get(short) if short else None
    return (
        company is not None and short != owner and company.parent != name and company.sector not in HOLDING_SECTORS
    )


def _joint_name(name: str, size: int, named: list[str]) -> bool:
    """ "SAIC Audi" beside a named Audi: the two partners' venture, not a fuller name of SAIC."""
    rest = " ".join(name.split()[size:]).lower()
    return any(other.lower() == rest or other.lower().startswith(rest + " ") for other in named if rest)


def _first(order: list[str], a: str, b: str) -> str:
    return next((n for n in order if n in (a, b)), "")

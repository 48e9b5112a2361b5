"""Headline grammar: a headline parsed into clauses (subjects, verb, objects, prepositions) and
the deal forms read from that parse.

Headlines drop the words a cue looks for: "Uber + BYD: 100,000 EVs", "Xiaomi-branded EVs from
Great Wall", "Daimler leaves Denza, BYD takes full control", "Ford and SK On sign deals for
Kentucky plants". A clause is parsed once (the companies that open it, the verb phrase that
follows, the companies it acts on, and those named after "with", "for", "to", "as"…), and each
form below is a rule over that parse, not a list of phrases. Every form carries examples and
near-misses; the tests read them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ._cues import Cue
from ._weights import CUE

_TOKEN = re.compile(r"⟦(\d+)⟧(?:'s)?|[^\W_][\w'.]*(?:-[^\W_][\w'.]*)*|[-+×&/:;,|]")
_SEPARATORS = frozenset(":;|,")
_JOINERS = frozenset(["and", "&", "+", "x", "×", "/", ","])
_SYMBOLS = frozenset(["+", "x", "×"])
_PREPOSITIONS = frozenset(["with", "for", "to", "as", "from", "over", "into", "in", "on", "by", "of"])
_AUXILIARIES = frozenset(
    "to will would could may might is are was were be been has have had said reportedly quietly "
    "formally officially also now finally again set poised".split()
)
# Verbs (as lemmas) by which two companies that open a clause do something together.
DEAL_VERBS = frozenset(
    "sign ink strike seal agree form team partner join ally tie launch create build develop plan explore "
    "study discuss talk negotiate make unveil open expand extend deepen widen invest combine establish "
    "start co-develop collaborate cooperate work pair pool bet back unite found set".split()
)
EXIT_VERBS = frozenset("leave exit quit sell cut pull withdraw walk drop hand divest offload unload end".split())
_GAIN = re.compile(
    r"\b(?:full|sole|total|complete|100%) (?:control|ownership|owner)\b|\bbuys? out\b|\btakes? over\b"
)
_CONTRAST = frozenset(["over", "not", "instead", "unlike", "rather", "beyond", "besides"])


@dataclass(slots=True)
class Clause:
    """One clause of a headline: who opens it, what they do, and whom it names after."""

    subjects: list[int] = field(default_factory=list)
    joiners: list[str] = field(default_factory=list)
    compounds: dict[int, str] = field(default_factory=dict)  # slot -> word after its hyphen ("branded")
    verbs: list[str] = field(default_factory=list)
    objects: list[int] = field(default_factory=list)
    preps: dict[str, list[int]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    @property
    def verb(self) -> str:
        return next((v for v in self.verbs if v not in _AUXILIARIES), "")

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


def parse(masked: str) -> list[Clause]:
    """The clauses of a headline whose companies are slots (⟦0⟧, ⟦1⟧ …)."""
    clauses = [Clause()]
    previous = ""
    for match in _TOKEN.finditer(masked):
        token, slot = match.group(), match.group(1)
        if token == "-":
            continue  # a hyphen joins a company to the word after it ("Xiaomi-branded")
        clause = clauses[-1]
        if token in _SEPARATORS and not (token == "," and _listing(clause)):
            clauses.append(Clause())
        elif slot is not None:
            _place(clause, int(slot))
        elif previous.startswith("⟦") and masked[match.start() - 1 : match.start()] == "-":
            clause.compounds[_slot(previous)] = token.lower()
        else:
            _word(clause, token.lower())
        previous = token if slot is None else f"⟦{slot}⟧"
    return [c for c in clauses if c.subjects or c.words]


def _listing(clause: Clause) -> bool:
    """A comma inside the opening list of companies ("BMW, Ford and VW launch …") joins them."""
    return bool(clause.subjects) and not clause.verbs and not clause.words


def _slot(token: str) -> int:
    return int(token.strip("⟦⟧"))


def _place(clause: Clause, slot: int) -> None:
    if not clause.verbs and len(clause.words) <= 2:
        clause.subjects.append(slot)
        return
    prep = next((w for w in reversed(clause.words[-3:]) if w in _PREPOSITIONS), "")
    if prep:
        clause.preps.setdefault(prep, []).append(slot)
    else:
        clause.objects.append(slot)


def _word(clause: Clause, word: str) -> None:
    clause.words.append(word)
    if word in _JOINERS and clause.subjects and not clause.verbs:
        clause.words.pop()  # "BMW and Daimler …": the joiner is kept with the subjects
        clause.joiners.append(word)
        return
    if clause.subjects and not clause.objects and not clause.preps and word not in _PREPOSITIONS:
        clause.verbs.append(word)


@lru_cache(maxsize=4096)  # a headline's words repeat across forms and stories
def lemma(word: str) -> str:
    """A verb's plain form, enough to compare headline verbs ("signs", "teamed", "making")."""
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            if stem in DEAL_VERBS or stem in EXIT_VERBS:
                return stem
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in DEAL_VERBS | EXIT_VERBS:
                return stem[:-1]  # "planned", "dropping"
    return word


@dataclass(frozen=True, slots=True)
class Form:
    """A headline form: the cue it stands for, the rule over the parse, and its examples."""

    cue: Cue
    find: Callable[[list[Clause]], list[tuple[tuple[int, ...], int]]]  # (parties, counterparty or -1)
    examples: tuple[str, ...]
    near_misses: tuple[str, ...]


Found = list[tuple[tuple[int, ...], int]]  # (parties, counterparty or -1)


def _joined_by_symbol(clauses: list[Clause]) -> Found:
    first = clauses[0] if clauses else None
    if first and len(first.subjects) >= 2 and any(j in _SYMBOLS for j in first.joiners):
        return [(tuple(first.subjects), -1)]
    return []


def _branded(clauses: list[Clause]) -> Found:
    out: Found = []
    for clause in clauses:
        brands = [s for s, word in clause.compounds.items() if word in ("branded", "badged")]
        named = clause.subjects + clause.objects + [s for slots in clause.preps.values() for s in slots]
        others = [s for s in named if s not in brands]
        out += [((brand, other), other) for brand in brands for other in others[:1]]
    return out


def _together(clauses: list[Clause]) -> Found:
    return [
        (tuple(c.subjects), -1)
        for c in clauses
        if len(c.subjects) >= 2 and (lemma(c.verb) in DEAL_VERBS or c.phrase.startswith(("in talks", "near")))
    ]


def _acts_with(clauses: list[Clause]) -> Found:
    out: Found = []
    for c in clauses:
        talks = "talks" in c.verbs or "talks" in c.words[:4]
        if len(c.subjects) == 1 and (lemma(c.verb) in DEAL_VERBS or talks):
            for prep in ("with", "for"):
                out += [((c.subjects[0], slot), slot) for slot in c.preps.get(prep, [])[:1]]
    return out


def _exit_and_gain(clauses: list[Clause]) -> Found:
    out: Found = []
    for n, c in enumerate(clauses):
        if len(c.subjects) != 1 or lemma(c.verb) not in EXIT_VERBS:
            continue
        gainers = [g.subjects[0] for g in clauses[n + 1 :] if g.subjects and _GAIN.search(g.phrase)]
        gainers += [s for s in c.objects + c.preps.get("to", []) + c.preps.get("as", []) if _GAIN.search(c.phrase)]
        out += [((c.subjects[0], g), g) for g in gainers[:1] if g != c.subjects[0]]
    return out


# Verbs that leave a deal only when what changes hands is ownership ("hands control to", "sells its
# stake"), not goods or work ("sells EVs to Uber", "hands Mahindra the job of building").
_OWNERSHIP_VERBS = frozenset(["hand", "sell"])
_OWNERSHIP = re.compile(
    r"\b(?:stakes?|shares|holdings?|interest|control|ownership|business|unit|venture|jv)\b", re.IGNORECASE
)


def _exit_from(clauses: list[Clause]) -> Found:
    out: Found = []
    for c in clauses:
        verb = lemma(c.verb)
        if verb in _OWNERSHIP_VERBS and not _OWNERSHIP.search(c.phrase):
            continue
        if c.subjects and verb in EXIT_VERBS:
            left = c.objects + c.preps.get("from", []) + c.preps.get("on", []) + c.preps.get("of", [])
            out += [((*c.subjects, slot), slot) for slot in left[:2] if slot not in c.subjects]
    return out


FORMS: dict[str, Form] = {
    "joined by a symbol": Form(
        Cue("joined by a symbol", CUE.strong, "", bound=True, mutual=True),
        _joined_by_symbol,
        ("Uber + BYD: 100,000 EVs for drivers", "Lucid x Aston Martin: the next electric GT"),
        ("Tesla + 5%: shares jump", "BYD x 2: record month"),
    ),
    "brand of another": Form(
        Cue("brand of another", CUE.strong, "", bound=True),
        _branded,
        ("Xiaomi-branded EVs to roll out of Great Wall plants",),
        ("Xiaomi-branded phones sell out",),
    ),
    "subjects act together": Form(
        Cue("subjects act together", CUE.mutual, "", bound=True, mutual=True),
        _together,
        ("Ford, SK On sign deals for Kentucky battery plants", "Honda and Sony teamed up on EVs"),
        ("Ford and SK On shares fall", "Ford and GM report sales"),
    ),
    "acts with": Form(
        Cue("acts with", CUE.fair, "", bound=True),
        _acts_with,
        ("Foxconn in talks for Nissan stake", "Nissan in talks with Honda on EVs"),
        ("Foxconn in talks, says chairman", "Nissan speaks at Honda event"),
    ),
    "exit from": Form(
        Cue("exit from", CUE.good, "", bound=True, stage="ended"),
        _exit_from,
        ("Ford and Volkswagen pull the plug on Argo AI", "Ford walks away from EcoPro BM cathode venture"),
        (
            "Nissan leaves the Paris motor show",
            "Ford pulls out all the stops",
            "Hero Electric hands Mahindra the job of building its scooters",
            "Tata sells 25,000 EVs to Uber",
        ),
    ),
    "exit and gain": Form(
        Cue("exit and gain", CUE.strong, "joint_venture", bound=True, stage="ended"),
        _exit_and_gain,
        (
            "Daimler leaves Denza, BYD takes full control",
            "Siemens sells out, Valeo takes full ownership",
            "GM exits $3.5B Indiana battery plant as Samsung SDI takes full control",
        ),
        ("Daimler leaves the Paris show, BYD takes a bow",),
    ),
}


def contrasted(clauses: list[Clause], masked: str) -> set[int]:
    """Companies a headline names only by contrast ("picks CATL over LG", "not Tesla")."""
    taking = ("take", "takes", "took", "taking", "taken")  # "takes over X" is no contrast
    out: set[int] = {s for c in clauses if not any(w in taking for w in c.words) for s in c.preps.get("over", [])}
    for match in re.finditer(
        r"\b(?:not|unlike|instead of|rather than|beyond|besides)\s+(?:(?:even|just|only|merely|the|a|an)\s+){0,2}?"
        r"⟦(\d+)⟧",
        masked,
        re.I,
    ):
        out.add(int(match.group(1)))
    return out

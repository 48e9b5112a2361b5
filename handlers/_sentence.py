"""A story read for deals: its sentences, which named companies take part, and what binds them.

The sentences are joined into one masked text (companies replaced by ``⟦n⟧`` slots,
sentences separated by ``;`` so that no pattern crosses them) and scanned once; each
sentence then keeps its own hits, parties, context companies and deal links.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from . import _headline as hl
from . import _lexicon as lx
from ._passage import Role
from .companies import Mention

_SEPARATOR = " ;\n"
_NO_SLOTS = str.maketrans("⟦⟧", "[]")


@dataclass(slots=True, unsafe_hash=True)  # not frozen, as Mention: built per deal cue, never assigned to
class Link:
    """A deal cue and the parties it binds."""

    cue: lx.Cue
    parties: tuple[str, ...]
    text: str
    target: str = ""  # for a bound cue, the counterparty it names

    def pairs(self, a: str, b: str) -> bool:
        """True when this link makes a and b direct counterparties."""
        return not self.cue.mutual and bool(self.target) and set(self.parties) == {a, b} and self.target in (a, b)


@dataclass(slots=True)
class Sentence:
    """A sentence of a story, with its weight in the story and what it says."""

    text: str
    weight: float
    role: Role
    mentions: list[Mention]
    hits: dict[str, list[re.Match[str]]] = field(default_factory=dict)
    parties: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    ventures: dict[str, list[str]] = field(default_factory=dict)  # a company called a venture -> its owners
    joiners: list[str] = field(default_factory=list)  # further parties named by their role in the deal
    contrasted: list[str] = field(default_factory=list)  # named by contrast ("beyond Tesla"): no party

    @property
    def strength(self) -> float:
        return max((link.cue.strength for link in self.links), default=0.0)

    def linked(self) -> list[str]:
        return unique(p for link in self.links for p in link.parties)

    def has(self, name: str) -> bool:
        return name in self.hits

    def words(self, name: str) -> list[str]:
        return [m.group().lower() for m in self.hits.get(name, ())]


def unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def unique_sentences(sents: Iterable[Sentence]) -> list[Sentence]:
    """The sentences in order, each once (sentences compare by identity, not by text)."""
    out: list[Sentence] = []
    for sent in sents:
        if all(sent is not s for s in out):
            out.append(sent)
    return out


def masked(text: str, mentions: Sequence[Mention], first_slot: int = 0) -> str:
    """The sentence with each company replaced by its numbered slot (⟦0⟧, ⟦1⟧, …)."""
    if "⟦" in text or "⟧" in text:
        text = text.translate(_NO_SLOTS)  # a story's own brackets must never read as slots
    out, pos = [], 0
    for i, mention in enumerate(mentions, start=first_slot):
        out.append(text[pos : mention.start])
        out.append(f"⟦{i}⟧" + ("'s" if mention.possessive else ""))
        pos = mention.end
    out.append(text[pos:])
    return "".join(out)


def read(sents: list[Sentence], children: dict[str, str]) -> None:
    """Scan the sentences together and fill in each one's hits, parties and links.

    ``children`` maps a company to its unit named elsewhere in the story, so that
    "Panasonic's battery arm" can stand for Panasonic Energy.
    """
    pieces: list[str] = []
    starts: list[int] = []
    slots: list[tuple[int, int]] = []
    offset = 0
    for index, sent in enumerate(sents):
        text = masked(sent.text, sent.mentions, len(slots))
        slots += [(index, m) for m in range(len(sent.mentions))]
        starts.append(offset)
        pieces.append(text)
        offset += len(text) + len(_SEPARATOR)
    story = _SEPARATOR.join(pieces)
    for name, matches in lx.SCANNER.scan(story).items():
        for match in matches:
            sents[bisect_right(starts, match.start()) - 1].hits.setdefault(name, []).append(match)
    for sent, piece, start in zip(sents, pieces, starts, strict=True):
        two = sent.role is Role.TITLE and len(sent.mentions) >= 2  # a headline form needs two companies
        clauses = hl.parse(piece) if two else []
        asides = [(start + a, start + b) for a, b in _asides(piece)]
        _analyse(sent, story, slots, children, hl.contrasted(clauses, piece) if clauses else set(), asides)
        if clauses:
            _headline_links(sent, clauses)


def _headline_links(sent: Sentence, clauses: list[hl.Clause]) -> None:
    """Deals the headline states by its form alone (slots of a headline are its own: it comes first)."""
    names = [m.name for m in sent.mentions]
    for form in hl.FORMS.values():
        for parties, target in form.find(clauses):
            found = unique(names[i] for i in parties if i < len(names) and names[i] in sent.parties)
            if len(found) >= 2:
                counterparty = names[target] if 0 <= target < len(names) else ""
                sent.links.append(Link(form.cue, tuple(found), sent.text, counterparty))


def _analyse(
    sent: Sentence,
    story: str,
    slots: list[tuple[int, int]],
    children: dict[str, str],
    contrast: set[int],
    asides: list[tuple[int, int]],
) -> None:
    def local(slot: int) -> int:
        return slots[slot][1]

    for match in sent.hits.get("unit_of", ()):
        i = local(int(match.group(1)))
        child = children.get(sent.mentions[i].name)
        if child:
            sent.mentions[i] = Mention(child, sent.mentions[i].start, sent.mentions[i].end, True)
    context = {local(s) for s in _context_slots(sent, story)} | contrast
    context |= {i for i, m in enumerate(sent.mentions) if m.plural}
    party = [i for i in range(len(sent.mentions)) if i not in context]
    sent.parties = unique(sent.mentions[i].name for i in party)
    sent.context = unique(sent.mentions[i].name for i in context)
    sent.contrasted = unique(sent.mentions[i].name for i in contrast if i < len(sent.mentions))
    for name, matches in sent.hits.items():
        cue = lx.CUES.get(name)
        if cue is None:
            continue
        for match in matches:
            if asides and any(a < match.start() < b for a, b in asides):
                continue
            if not cue.bound:
                if len(sent.parties) >= 2:
                    sent.links.append(Link(cue, tuple(sent.parties), match.group()))
                continue
            group = next((g for g in match.groups() if g is not None), None)
            if group is None or local(int(group)) in context:
                continue
            target = local(int(group))
            subjects = [i for i in party if i < target][-3:] or [i for i in party if i != target][:1]
            if cue.mutual:  # everyone the cue lists acts together ("A, B, C and D agreed")
                subjects = [local(n) for n in lx.slots(match.group()) if local(n) != target]
            names = unique(sent.mentions[i].name for i in (*subjects, target, *_co_targets(story, match, local)))
            sent.links.append(
                Link(
                    cue,
                    tuple(n for n in names if n not in sent.context),
                    match.group(),
                    sent.mentions[target].name,
                )
            )
    for m in sent.hits.get("venture_named", ()):
        venture = sent.mentions[local(int(m.group(1)))].name
        owners = [sent.mentions[local(n)].name for n in lx.slots(m.group())[1:]]
        sent.ventures[venture] = unique([*sent.ventures.get(venture, []), *(o for o in owners if o != venture)])
    joiners = (sent.mentions[local(n)].name for m in sent.hits.get("joins_as", ()) for n in lx.slots(m.group()))
    sent.joiners = [n for n in unique(joiners) if n in sent.parties]


_RELATIVE = re.compile(r",\s*(?:which|who)\s[^,;]*,")


def _asides(piece: str) -> list[tuple[int, int]]:
    """ "Seres, which builds Aito EVs with Huawei, opened a plant": a relative clause describes, tells no news."""
    return [m.span() for m in _RELATIVE.finditer(piece)] if ", wh" in piece else []


def _co_targets(story: str, match: re.Match[str], local: Callable[[int], int]) -> list[int]:
    """Counterparties listed right after the one a cue names ("with Polestar and Geely Holding")."""
    out: list[int] = []
    pos = match.end()
    while (more := lx.AND_SLOT.match(story, pos)) is not None and len(out) < 4:
        out.append(local(int(more.group(1))))
        pos = more.end()
    return out


def _context_slots(sent: Sentence, story: str) -> set[int]:
    """Slots that describe or list rather than take part ("Volkswagen's Audi": Volkswagen)."""
    context: set[int] = set()
    for match in sent.hits.get("describes_next", ()):
        if lx.DEAL_NOUN.match(story, match.end()):
            continue  # "X's Y supply deal": both are parties
        attributive = lx.ATTRIBUTIVE.match(story, match.end())
        context.add(int(match.group(2) if attributive else match.group(1)))
    for match in sent.hits.get("describes_unit", ()):
        context.add(int(match.group(1)))
    for match in sent.hits.get("describes_prev", ()):
        context.update(lx.slots(match.group(2)))
    for name in ("venture_of", "former", "names_venture"):
        for match in sent.hits.get(name, ()):
            context.update(lx.slots(match.group()))
    for match in sent.hits.get("listing", ()):
        context.add(int(match.group(1)))
        pos = match.end()
        while (more := lx.LISTING_CONT.match(story, pos)) is not None:
            context.add(int(more.group(1)))
            pos = more.end()
    return context

"""The EV-partnership handler: who made a deal, what kind, how far along, and why we think so.

It reads the headline and lede the way an analyst does: find the companies, drop the
ones that only describe another ("Volkswagen's Audi", "customers such as BMW"), look
for a deal that binds two of them, then check that the deal is about electric
vehicles and not grid storage, combustion engines or a court report. Background
sentences can only add ``related`` deals, never the primary partners.

The score is the geometric mean of how strongly the text states a deal and how
clearly it is about EVs, times penalties for acquisitions, disputes, digests and
asides (every number is named in ``_weights``). The kind is decided in ``_kind``, EV
relevance in ``_ev``. Reasons are written for readers: they quote the story and name what
was found, also when nothing alerts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from math import sqrt

from bot.core.models import Company, Detection, Item, Kind, Relation, Stage

from . import HandlerContext, _kind
from . import _lexicon as lx
from . import _model as model
from ._ev import judge, quick
from ._mentions import story_mentions
from ._passage import Passage, Role
from ._penalties import penalties
from ._sentence import Link, Sentence, read, unique, unique_sentences
from ._text import sections
from ._weights import (
    ASIDE_FACTOR,
    EV,
    LEDE_WEIGHTS,
    ONE_PARTY_CAP,
    RELATED_MIN_STRENGTH,
    ROLE_WEIGHT,
    THRESHOLD,
)
from .companies import CompanyIndex
from .company_units import HOLDING_SECTORS

__all__ = ["THRESHOLD", "EvPartnershipHandler"]
# Background sentences are read for related deals only when they use deal words at all.
_DEALISH = re.compile(
    r"partner|venture|stake|invest|suppl|deal|agree|team|tie|allian|build|licen|order|contract|jointly|"
    r"mou|memorand|cooperat|collaborat|launch|develop|produc|form|unit",
    re.IGNORECASE,
)
_FAMILY_WORDS = {"Group", "Holdings", "Holding"}
_SUBORDINATE_HEAD = re.compile(r"\b(?:as|while|after|amid|despite|since|following)\b", re.IGNORECASE)


class EvPartnershipHandler:
    """Detects EV partnerships in news items; see the module docstring."""

    name = "ev_partnership"

    def __init__(self, context: HandlerContext) -> None:
        self.index = CompanyIndex(context.companies, common_words=lx.COMMON_WORDS)
        self.model: model.Model | None = model.load()  # the statistical second opinion; None: rules only

    def detect(self, item: Item) -> Detection | None:
        parts = sections(item.title, item.summary, item.content)
        plan = [(parts.title, Role.TITLE)] if parts.title else []
        plan += [(text, Role.LEDE) for text in parts.lede]
        found = self._read(plan)
        if found is None or not found.alert:
            return found  # the background of a story that is no partnership is not worth reading
        # A partnership: read the whole story, for the finer points and the deals named in the background.
        background = parts.background
        return self._read(plan + [(text, Role.BACKGROUND) for text in background]) if background else found

    def _read(self, plan: list[tuple[str, Role]]) -> Detection | None:
        passages = [Passage(text, role) for text, role in plan]
        story_mentions(self.index, passages)
        if not any(p.mentions for p in passages):
            return None
        named = unique(m.name for p in passages if p.focus for m in p.mentions if not m.plural)
        if len(named) < 2 and all(p.focus for p in passages):
            ev = quick([p.text for p in passages], named, self.index)
            return _one_company(named, ev)  # a deal needs two sides: nothing more to read
        children = self._children({m.name for p in passages for m in p.mentions if m.known})
        sents: list[Sentence] = []
        for passage in passages:
            weight = ROLE_WEIGHT[passage.role]
            if passage.role is Role.LEDE:
                weight = LEDE_WEIGHTS[min(sum(s.role is Role.LEDE for s in sents), len(LEDE_WEIGHTS) - 1)]
            sents.append(Sentence(passage.text, weight, passage.role, list(passage.mentions)))
        focus = [s for s in sents if s.role is not Role.BACKGROUND]
        # Background sentences matter only where they name two companies (a related deal).
        background = [
            s
            for s in sents
            if s.role is Role.BACKGROUND and len({m.name for m in s.mentions}) >= 2 and _DEALISH.search(s.text)
        ]
        read(focus + background, children)
        return _Verdict(self.index, focus, background, self.model).detection()

    def _children(self, names: set[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in names:
            company = self.index.get(name)
            if company and company.parent in names:
                out.setdefault(company.parent, name)
        return out


def _one_company(named: list[str], ev: tuple[bool, str]) -> Detection:
    why = f"only {named[0]} is named" if named else "no company is named"
    return Detection(
        handler="ev_partnership",
        alert=False,
        score=0.0,
        partners=tuple(named),
        kind="other",
        stage="announced",
        evidence="",
        ev=ev[0],
        reasons=(f"no deal between two companies: {why} in the headline and lede", ev[1]),
    )


class _Verdict:
    """Weighs one story's sentences into a detection."""

    def __init__(
        self, index: CompanyIndex, sents: list[Sentence], background: list[Sentence], second: model.Model | None
    ):
        self.index = index
        self.second = second
        self.sents = sents
        self.background = background
        self.title = sents[0] if sents and sents[0].role is Role.TITLE else None
        self.lede = [s for s in sents if s.role is Role.LEDE]
        self.reasons: list[str] = []
        self._feats: tuple[set[str], set[str]] | None = None

    def detection(self) -> Detection:
        deal, strength = self._deal()
        partners = self._partners()
        ev, ev_reasons = judge(self.sents, deal, partners, self.index)
        self.reasons += ev_reasons
        penalty, why = penalties(self.sents, deal)
        self.reasons += why
        score = sqrt(strength * ev) * penalty
        if len(partners) < 2:
            score = min(score, ONE_PARTY_CAP)
            self.reasons.append("no deal between two companies: only one party is named")
        elif self._one_group(partners):
            score = min(score, ONE_PARTY_CAP)
            self.reasons.append("no deal between two companies: a group and its own unit")
        if ev < EV.ev:
            score = min(score, ONE_PARTY_CAP)  # an alert is about EVs; the reasons say why this is not
        score = round(max(0.0, min(1.0, score)), 3)
        stage, stage_why = _stage_why([s for s in (self.title, deal) if s is not None], self.lede[:2])
        kind = self._kind(deal, partners, stage, alert=score >= THRESHOLD)
        if score >= THRESHOLD and stage_why:
            self.reasons.append(f"stage: {stage}, from {stage_why}")
        if self.second is not None and sqrt(strength) * penalty >= THRESHOLD and len(partners) >= 2:
            self._note(ev)  # a deal that would alert if it were about EVs: show the second opinion on that
        return Detection(
            handler="ev_partnership",
            alert=score >= THRESHOLD,
            score=score,
            partners=tuple(partners),
            kind=kind,
            stage=stage,
            evidence=self._evidence(partners, deal),
            ev=ev >= EV.ev,
            reasons=tuple(self.reasons),
            tickers=tuple(
                unique(m.ticker for s in self.sents for m in s.mentions if m.ticker and m.name in partners)
            ),
            related=self._related(partners),
        )

    def _one_group(self, partners: list[str]) -> bool:
        """Two partners only, one the other's parent: a group dealing with its own unit."""
        if len(partners) != 2:
            return False
        a, b = (self.index.get(p) for p in partners)
        return bool(a and b and (a.parent == b.name or b.parent == a.name))

    def _deal(self) -> tuple[Sentence | None, float]:
        """The sentence that states the deal most strongly, and how strongly."""
        best, best_value = None, 0.0
        for sent in self.sents:
            value = sent.strength * sent.weight
            if sent.role is not Role.TITLE and sent.has("background"):
                value *= ASIDE_FACTOR
            if value > best_value:
                best, best_value = sent, value
        if best is None:
            self.reasons.append("no deal between two companies in the headline or lede")
            return None, 0.0
        self.reasons.append(f'deal stated in the {best.role.value}: "{_clip(best.text)}"')
        return best, min(1.0, best_value)

    def _kind(self, deal: Sentence | None, partners: list[str], stage: Stage, *, alert: bool) -> Kind:
        order = [s for s in (self.title, *self.lede[:3]) if s is not None]
        if deal is not None and deal not in order:
            order.append(deal)
        sectors = [c.sector for p in partners if (c := self.index.get(p))]
        owners = self._venture_owners()
        described = any(p in owners and not set(owners[p]) & set(partners) for p in partners)
        kind, decisive, cause = _kind.decide_with_cue(
            order, ended=stage == "ended", sectors=sectors, described_venture=described
        )
        if alert and not decisive and self.second is not None:  # a weak cue: ask the second opinion
            kind, why = model.second_kind(self.second, self._features()[1], kind)
            if why:
                self.reasons.append(why)
                return kind
        if alert:
            self.reasons.append(f"kind: {model.kind_words(kind)}, from {cause}")
        return kind

    def _features(self) -> tuple[set[str], set[str]]:
        if self._feats is None:
            self._feats = model.features(self.sents, lambda n: c.sector if (c := self.index.get(n)) else "")
        return self._feats

    def _note(self, ev: float) -> None:
        """The second opinion on EV relevance, shown beside an uncertain judgement of the rules."""
        if self.second is not None and self.second.thresholds.ev_band[0] <= ev < self.second.thresholds.ev_band[1]:
            note = model.ev_note(self.second, self._features()[0], ev, rules_say_ev=ev >= EV.ev)
            self.reasons += [note] if note else []

    def _partners(self) -> list[str]:
        """Headline parties first; the lede's deal sentences fill in a missing counterparty."""
        chosen = list(self.title.parties if self.title else [])
        if self.title and (aside := _SUBORDINATE_HEAD.search(self.title.text)):
            # "AT&T pilots Rivian vans as Amazon exclusivity ends": after "as", an unbound name is an aside
            linked = self.title.linked()
            late = {m.name for m in self.title.mentions if m.start > aside.start() and m.name not in linked}
            kept = [p for p in chosen if p not in late]
            chosen = kept if len(kept) >= 2 else chosen
        contrasted = set(self.title.contrasted if self.title else ())  # "beyond Tesla" stays out
        if len(chosen) < 2 or len(self._family(chosen)) < 2:  # "GM ships Buick EVs": one side only
            ranked = sorted((s for s in self.lede if s.links), key=lambda s: -s.strength * s.weight)
            for sent in ranked:
                # With one company in the headline, only a deal it takes part in completes it.
                links = [k for k in sent.links if not chosen or chosen[0] in k.parties]
                chosen += unique(p for k in links for p in k.parties if p not in chosen and p not in contrasted)
                if len(chosen) >= 2:
                    break
        chosen += self._listed_with(chosen)
        if len(chosen) >= 2:
            chosen += unique(n for s in self.lede[:2] for n in s.joiners if n not in chosen)
        owners = self._venture_owners()
        if any(set(owners.get(p, ())) & set(chosen) for p in chosen):
            # An owner dealing with its own venture: the venture stands for all its owners.
            expanded = unique(o for p in chosen for o in (owners.get(p) or [p]))
            chosen = expanded if len(expanded) >= len(chosen) else chosen
        if len([p for p in chosen if p not in owners]) >= 2:
            chosen = [p for p in chosen if p not in owners]  # a venture's owners are the partners
        chosen = [p for p in chosen if not self._owners_listed(p, chosen)]
        partners = unique(self._arm_of(p) for p in self._family(chosen))[:8]
        if partners:
            self.reasons.append("partners: " + ", ".join(partners))
        return partners

    def _venture_owners(self) -> dict[str, list[str]]:
        """Companies the story calls a venture, and the owners it names for each."""
        return {v: o for s in self.sents for v, o in s.ventures.items()}

    def _arm_of(self, name: str) -> str:
        """A company's venture-capital arm invests for it: "GM Ventures" is reported as General Motors."""
        arm = self.index.get(name)
        owner = self.index.get(arm.parent) if arm and arm.parent else None
        if arm and owner and arm.sector == "investor" and owner.sector not in HOLDING_SECTORS:
            return owner.name
        return name

    def _owners_listed(self, name: str, chosen: list[str]) -> bool:
        """A venture named after its owners ("JAC Volkswagen") beside all of them: the owners are the parties."""
        owners = {o for word in name.split() if (o := self.index.resolve(word)) and o != name}
        return len(owners) >= 2 and owners <= set(chosen)

    def _listed_with(self, chosen: list[str]) -> list[str]:
        """Further parties the lede lists as acting together with the headline's ("A, B, C and D sign …")."""
        if len(chosen) < 2:
            return []
        links = [k for s in self.lede[:1] for k in s.links if k.cue.mutual and set(chosen) <= set(k.parties)]
        return unique(p for k in links for p in k.parties if p not in chosen)

    def _family(self, names: list[str]) -> list[str]:
        """Hyundai + Kia act as Hyundai Motor Group; a parent and its unit count once."""
        companies: list[Company | None] = [self.index.get(n) for n in names]
        parents = [c.parent if c else "" for c in companies]
        groups = [n for n in names if n.split()[-1] in _FAMILY_WORDS]
        out: list[str] = []
        for name, parent in zip(names, parents, strict=True):
            parent = parent or next((g for g in groups if g != name and g.split()[0] == name.split()[0]), "")
            ancestor = parent if parent in names else self._ancestor_in(parent, names)
            if parent and ancestor:
                name = self._which_of(name, ancestor)
            elif parent and parents.count(parent) >= 2 and not self._counterparties(name, names, parents):
                name = parent
            if name not in out:
                out.append(name)
        return out

    def _ancestor_in(self, parent: str, names: list[str]) -> str:
        """The first of the parent's own owners that the list names ("Hyundai Motor Group" for Genesis)."""
        seen: set[str] = set()
        while parent and parent not in seen:
            seen.add(parent)
            company = self.index.get(parent)
            parent = company.parent if company else ""
            if parent in names:
                return parent
        return ""

    def _named_as_itself(self, name: str, sent: Sentence) -> bool:
        """The sentence spells this company's own name, not a shorter one read as it ("Hyundai")."""
        return any(
            self.index.resolve(sent.text[m.start : m.end].removesuffix("'s")) == name
            for m in sent.mentions
            if m.name == name
        )

    def _counterparties(self, name: str, names: list[str], parents: list[str]) -> bool:
        """Two units of one group dealing with each other ("Volvo Cars stops funding Polestar", "Tata Motors
        sources cells from Agratas"): a cue names one of them as the other's counterparty."""
        group = parents[names.index(name)]
        siblings = [n for n, p in zip(names, parents, strict=True) if n != name and p == group]
        links = [link for sent in self.sents for link in sent.links]
        return any(
            link.pairs(name, sibling) or _across(link, name, sibling) for link in links for sibling in siblings
        )

    def _which_of(self, child: str, parent: str) -> str:
        """A unit and its parent both named: are they counterparties, or one party twice?"""
        sents = [s for s in self.sents if s.links]
        if any(link.pairs(child, parent) for s in sents for link in s.links):
            return child  # "Glencore invests in Li-Cycle": both stay
        if any(
            link.cue.mutual and {child, parent} <= set(link.parties) and self._named_as_itself(parent, s)
            for s in sents
            for link in s.links
        ):
            return child  # "BMW, Intel and Mobileye join forces": listed side by side
        if self.title and child in self.title.parties and parent in self.title.context:
            return child  # "Dubai taps GM's Cruise": the unit acts, its owner only describes it
        if self.title and parent in self.title.linked():
            return parent
        acts_alone = any(child in s.linked() and parent not in s.linked() for s in self.lede)
        return child if acts_alone else parent

    def _evidence(self, partners: list[str], deal: Sentence | None) -> str:
        def rank(sent: Sentence) -> tuple[int, float, float]:
            covered = sum(1 for p in partners if p in sent.parties or p in sent.linked())
            return (min(covered, 2), sent.strength, sent.weight if sent is not self.title else ASIDE_FACTOR)

        candidates = [s for s in self.sents if s.links]
        if candidates:
            return max(candidates, key=rank).text
        return deal.text if deal else (self.sents[0].text if self.sents else "")

    def _related(self, partners: list[str]) -> tuple[Relation, ...]:
        out: list[Relation] = []
        asides = [s for s in self.lede if s.has("background")]
        for sent in self.background + asides:
            names = self._family(
                unique(p for link in sent.links if link.cue.strength >= RELATED_MIN_STRENGTH for p in link.parties)
            )
            if len(names) < 2 or set(names) <= set(partners):
                continue
            if any(set(r.partners) == set(names) for r in out):
                continue
            kind = _kind.decide([sent], ended=False, sectors=())
            out.append(Relation(tuple(names), kind, _stage([sent]), sent.text))
        return tuple(out)


def _across(link: Link, a: str, b: str) -> bool:
    """The link binds a and b from opposite sides: one is the counterparty it names, the other acts on it (a
    link lists the acting side first, then the counterparty, then counterparties listed with it)."""
    if link.cue.mutual or link.target not in (a, b) or not {a, b} <= set(link.parties):
        return False
    other = b if link.target == a else a
    return link.parties.index(other) < link.parties.index(link.target)


def _stage(core: list[Sentence], nearby: Sequence[Sentence] = ()) -> Stage:
    return _stage_why(core, nearby)[0]


def _stage_why(core: list[Sentence], nearby: Sequence[Sentence] = ()) -> tuple[Stage, str]:
    """Ended beats talks beats announced, sentence by sentence in order of importance; and the words that said so.

    A hedge ("could", "may") counts only in the headline and the deal sentence: "production
    could start in 2026" after a signed deal does not make it talks.
    """
    for sent in unique_sentences([*core, *nearby]):
        live = [m for m in (*sent.hits.get("ended", ()), *sent.hits.get("broken deal", ())) if _main_clause(m)]
        exit_cue = next((link.cue.name for link in sent.links if link.cue.stage == "ended"), "")
        if live or exit_cue:
            return "ended", _said(live[0].group() if live else exit_cue, sent)
        core_sentence = any(sent is c for c in core)
        hedged = core_sentence and (sent.has("exploring") or (sent.has("hedge") and not sent.has("firm")))
        if sent.has("talks") or hedged:
            name = next(n for n in ("talks", "exploring", "hedge") if sent.has(n))
            return "talks", _said(sent.hits[name][0].group(), sent)
    return "announced", ""


def _said(words: str, sent: Sentence) -> str:
    return f'"{_kind.shown(words)}" in the {sent.role.value}'


_SUBORDINATE = re.compile(r"\b(?:after|following|while|since|before|whereas)\b", re.IGNORECASE)


def _main_clause(match: re.Match[str]) -> bool:
    """An exit told in the main clause, not in an aside ("after shelving its car project")."""
    story, at = match.string, match.start()
    begin = max(story.rfind(";", 0, at), at - 80)  # sentences of the masked story end in ";"
    clause = re.split(r"[,:\u2014]", story[begin + 1 : at])[-1]
    return not _SUBORDINATE.search(clause)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

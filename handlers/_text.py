"""Plain-text helpers shared by handlers: clean-up, paragraphs, sentences and boilerplate."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_ODD_SPACE = re.compile(r"[\t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]")  # what _SPACE changes besides "  "
_NEWLINES = re.compile(r"\n\s*\n+|\n")
_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2032", "'"))

# Datelines and feed artefacts that precede the first real sentence of an article.
_DATELINE = re.compile(
    r"^\s*(?:date\s+\d{4}-\d{2}-\d{2}\s+"
    r"|[A-Z][A-Za-z .,/'-]{1,40}\s*\((?:Reuters|Bloomberg|AP|AFP|dpa|Xinhua|IANS|PTI)\)\s*[-\u2013\u2014:]+\s*"
    r"|[A-Z][A-Z .,/'-]{2,40}\s*[-\u2013\u2014]{1,2}\s+)"
)

# Paragraphs that are navigation, promotion or market colour rather than the story.
_BOILERPLATE = re.compile(
    r"^\s*(?:see also|read next|read more|also read|related(?: articles?| stories| coverage| news)?"
    r"|click here|price action|subscribe|sign up|follow us|recommended|more from|you may also like"
    r"|trending|editor'?s note|disclaimer|photo|image|copyright|\u00a9|this story was|"
    r"get the latest|don't miss|check out|watch|listen|advertisement|sponsored|also on)\b\W?",
    re.IGNORECASE,
)
# A short paragraph about share prices ("X shares closed 3.7% higher at $2.50.").
_PRICE_COLOUR = re.compile(
    r"^[^.]{0,60}?\b(?:shares?|stock|ADRs?)\b.{0,80}?\b(?:closed|traded|rose|fell|gained|jumped|"
    r"slipped|dropped|were (?:up|down)|is (?:up|down)|ended)\b.{0,80}?(?:%|\$|HKD|yuan|points?)",
    re.IGNORECASE,
)

_ABBREVIATIONS = frozenset(
    (
        "inc corp co ltd jr sr mr mrs ms dr st no vs etc e.g i.e u.s u.k u.n e.u jan feb mar apr "
        "jun jul aug sep sept oct nov dec approx dept est gov gen lt col rep sen fig s.a n.v "
        "s.p.a bhd pte pty a.g plc mt ft int'l intl op nos p.m a.m"
    ).split()
)
# r"[.!?;]["')\]]*\s+|[.!?]["')\]]*$" with the first character taken out, so the engine skips to it.
_SENTENCE_END = re.compile(r"[.!?;](?:[\"')\]]*\s+|(?<!;)[\"')\]]*$)")


def clean(text: str) -> str:
    """Fold typographic quotes and odd spaces so that matching sees one spelling."""
    if not text:
        return ""
    if not text.isascii():
        for curly, straight in _QUOTES:  # str.replace is many times faster than str.translate here
            text = text.replace(curly, straight)
    if "  " in text or _ODD_SPACE.search(text):  # most text has single spaces only: nothing to fold
        text = _SPACE.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def strip_dateline(text: str) -> str:
    """Drop a leading dateline ("SHANGHAI (Reuters) -") or feed date artefact."""
    found = _DATELINE.match(text)  # anchored at the start: only one place to try
    return text[found.end() :] if found else text


def paragraphs(text: str) -> list[str]:
    """Split plain text into non-empty paragraphs (one per line or blank-line block)."""
    return [p.strip() for p in _NEWLINES.split(text) if p.strip()]


def is_boilerplate(paragraph: str) -> bool:
    """True for "See Also:", "Read Next:", "Click here…" and share-price colour."""
    if _BOILERPLATE.match(paragraph):
        return True
    return len(paragraph) < 300 and bool(_PRICE_COLOUR.search(paragraph))


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences without breaking at "Corp." or "U.S."."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + 1
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    begin = dot
    while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in ".&'"):
        begin -= 1
    word = text[begin:dot].lower()
    if word in _ABBREVIATIONS:
        # "Corp." ends a sentence only when a capitalised sentence clearly follows.
        return not _next_starts_sentence(text, dot + 1)
    return all(len(part) == 1 and part.isalpha() for part in word.split("."))  # initials: "J. Smith", "J.B."


_SENTENCE_STARTERS = frozenset(
    (
        "the a an it its this that these those he she they we in on at for but and as after with "
        "under while since shares according"
    ).split()
)


def _next_starts_sentence(text: str, pos: int) -> bool:
    following = text[pos : pos + 30].split()
    return bool(following) and following[0].lower() in _SENTENCE_STARTERS


@dataclass(slots=True, unsafe_hash=True)  # not frozen, as Mention: built per item, never assigned to
class Sections:
    """An item's text split into the part that carries the news and the rest."""

    title: str
    lede: tuple[str, ...]
    more: tuple[str, ...] = ()  # sentences of the lede's last paragraph that are not in the lede
    rest: tuple[str, ...] = ()  # later paragraphs, split into sentences only when asked for

    @property
    def background(self) -> tuple[str, ...]:
        """The sentences after the lede, without boilerplate paragraphs."""
        later = (_cut(p) for p in self.rest if not is_boilerplate(p))
        return self.more + tuple(s for p in later for s in sentences(_LABEL.sub("", p)))


# Where navigation starts inside a paragraph: everything after it is another story.
_CUT = re.compile(
    r"\s*\b(?:See Also|Read Next|Read More|Also Read|Related|Recommended|Click here)\b\s*:.*",
    re.IGNORECASE | re.DOTALL,
)


def _cut(paragraph: str) -> str:
    return _CUT.sub("", paragraph) if ":" in paragraph else paragraph  # every cue ends in a colon


MAX_CONTENT = 30_000  # characters of an article read; the news and its background come first


def sections(title: str, summary: str, content: str, *, lede_sentences: int = 4) -> Sections:
    """Separate headline and lede (where the news is) from background sentences.

    A summary is short and all lede. In full text the lede is the first
    ``lede_sentences`` sentences; the rest is background, and boilerplate paragraphs
    ("See Also:", price action, "Click here") are dropped entirely.
    """
    title = clean(title)
    title = "" if _BOILERPLATE.match(title) else _cut(title)
    content = clean(content[:MAX_CONTENT])
    if not content:
        paras = [_cut(p) for p in paragraphs(strip_dateline(clean(summary))) if not _BOILERPLATE.match(p)]
        return Sections(title, tuple(s for p in paras for s in sentences(p)))
    paras = paragraphs(strip_dateline(content))
    found: list[str] = []
    for n, paragraph in enumerate(paras):  # the lede only: the background may never be needed
        if len(found) >= lede_sentences:
            return Sections(title, tuple(found[:lede_sentences]), tuple(found[lede_sentences:]), tuple(paras[n:]))
        if not is_boilerplate(paragraph):
            found += sentences(_LABEL.sub("", _cut(paragraph)))
    return Sections(title, tuple(found[:lede_sentences]), tuple(found[lede_sentences:]))


# Section labels some wires put before a paragraph ("What Happened:", "Why It Matters:").
_LABEL = re.compile(r"^(?:[A-Z][a-z]+(?: [A-Za-z]+){0,3}):\s+(?=[A-Z])")

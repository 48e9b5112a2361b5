"""Companies the knowledge base does not list but the text marks as companies.

A legal form or company word after capitalised words ("Marcopolo S.A.", "Acme Motors"), a
noun that introduces a name ("battery start-up Verkor"), an apposition ("Forseven, a
company controlled by CYVN"), or a ticker in brackets after a name all count.
"""

from __future__ import annotations

import re

from ._words import Mention, Token, tokens

# Words after a capitalised name that make it a company ("Marcopolo S.A.", "Acme Motors").
LEGAL_FORMS = frozenset(
    (
        "inc corp corporation co company ltd limited llc plc ag se sa s.a nv n.v gmbh spa s.p.a "
        "bv ab asa oyj kk pte pty bhd jsc pjsc tbk"
    ).split()
)
COMPANY_WORDS = LEGAL_FORMS | frozenset(
    (
        "holdings holding group motor motors automobile automotive technologies industries "
        "mobility materials lithium batteries chemical robotics"
    ).split()
)
_SUFFIXES = frozenset(
    {w.capitalize() for w in COMPANY_WORDS}
    | {w.upper() for w in LEGAL_FORMS}
    | {"GmbH", "SpA", "S.p.A", "S.A", "N.V", "plc", "Tbk"}
)
# A capitalised company word ("Motors", "GmbH", "S.p.A") as a whole word after a space.
_SUFFIX_WORD = re.compile(
    r"(?<= )(?:"
    + "|".join(re.escape(w) for w in sorted(_SUFFIXES, key=len, reverse=True) if w[0].isupper())
    + r")(?![A-Za-z]|\.[A-Za-z])"
)
# Nouns that introduce a company name: "battery start-up Verkor", "EV maker Canoo".
_INTRODUCERS = re.compile(
    r"(?:company|firm|makers?|start-?up|startup|supplier|giant|operator|developer|"
    r"carmaker|automaker|manufacturer|recycler|producer|provider|chipmaker|miner|utility|"
    r"insurer|retailer|builder|coachbuilder|specialist|rival|partner|subsidiary|affiliate|"
    r"outfit|conglomerate|refiner|unit|arm|based) (?=[A-Z0-9])",  # "based" only as in "Shenzhen-based"
)
# "Forseven, a company controlled by CYVN": the name before the description is a company.
_APPOSITIVE = re.compile(
    r"(?<![\w.])([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3}), (?:a|an|the) (?:[\w-]+ ){0,4}?"
    r"(?:company|firm|maker|start-?up|startup|subsidiary|unit|joint venture|venture|developer|"
    r"manufacturer|supplier|operator|carmaker|automaker|chipmaker|recycler|producer|provider)\b"
)
# Capitalised words that are never company names on their own.
_NOT_NAMES = frozenset(
    (
        "the a an and of in on at for to by with from as its their his her our this that these "
        "those it is was u.s us uk eu china chinese japan japanese korea korean india indian "
        "germany german european europe america american state national federal department "
        "ministry government reuters bloomberg nikkei said says according ceo chief president "
        "first new electric battery ev evs january february march april may june july august "
        "september october november december monday tuesday wednesday thursday friday saturday "
        "sunday"
    ).split()
)


def named_before(text: str, known: list[Mention], pos: int, tag: str) -> list[Mention]:
    """An unknown ticker marks the capitalised name just before it as a company."""
    span = _capitalised_tail(text, tokens(text, max(0, pos - 60), pos), pos)
    if not span or any(m.start < span[-1].end and span[0].start < m.end for m in known):
        return []  # nothing named there, or a known company already is
    name = _trim_legal(text, span)
    return [Mention(name, span[0].start, span[-1].end, False, span[-1].possessive, tag)] if name else []


def unknown_firms(text: str, known: list[Mention]) -> list[Mention]:
    taken = [(m.start, m.end) for m in known]
    found: list[Mention] = []
    for match in _SUFFIX_WORD.finditer(text):
        pos = match.start()
        if any(s <= pos <= e + 3 for s, e in taken):
            continue  # part of a name found already ("Marcopolo S.A.")
        span = _capitalised_tail(text, tokens(text, max(0, pos - 60), pos), pos)
        if span:
            _keep(text, [*span, *tokens(text, pos, match.end())], taken, found)
    for match in _APPOSITIVE.finditer(text) if ", a" in text or ", the" in text else ():
        start = match.start(1)
        span = _capitalised_head(text, tokens(text, start, match.end(1), limit=4), start)
        if span:
            _keep(text, span, taken, found)
    for match in _INTRODUCERS.finditer(text):
        if match.group() == "based " and not text.startswith("-", match.start() - 1):
            continue
        span = _capitalised_head(text, tokens(text, match.end(), match.end() + 60, limit=3), match.end())
        if span:
            _keep(text, span, taken, found)
    return found


def _keep(text: str, span: list[Token], taken: list[tuple[int, int]], found: list[Mention]) -> None:
    start, end = span[0].start, span[-1].end
    if any(s < end and start < e for s, e in taken):
        return
    name = _trim_legal(text, span)
    if name:
        taken.append((start, end))
        found.append(Mention(name, start, end, False, span[-1].possessive))


def _is_name_word(text: str, token: Token) -> bool:
    first = text[token.start]
    return (first.isupper() or first.isdigit()) and token.key not in _NOT_NAMES


def _capitalised_tail(text: str, tokens: list[Token], pos: int) -> list[Token]:
    """The run of up to four capitalised words that ends right before ``pos``."""
    span: list[Token] = []
    limit = pos
    for token in reversed(tokens):
        gap = text[token.end : limit]
        if gap.strip(" ,") or len(span) == 4 or not (_is_name_word(text, token) or token.key == "&"):
            break
        if "," in gap and span:
            break
        span.insert(0, token)
        limit = token.start
    while span and span[0].key == "&":
        span.pop(0)
    return span


def _capitalised_head(text: str, tokens: list[Token], pos: int) -> list[Token]:
    """The run of up to three capitalised words that starts right at ``pos``."""
    span: list[Token] = []
    limit = pos
    for token in tokens:
        if text[limit : token.start].strip() or len(span) == 3 or not _is_name_word(text, token):
            break
        span.append(token)
        limit = token.end
        if token.possessive:
            break
    return span


def _trim_legal(text: str, span: list[Token]) -> str:
    """The name without abbreviated legal forms ("Marcopolo S.A." -> "Marcopolo").

    Spelled-out "Company" and "Corporation" stay, as in "Saudi Electricity Company".
    """
    words = list(span)
    while words and words[-1].key in LEGAL_FORMS and words[-1].key not in {"company", "corporation"}:
        words.pop()
    while words and words[0].key in _NOT_NAMES:
        words.pop(0)
    if not words or all(w.key in COMPANY_WORDS for w in words):
        return ""  # "Automobile" alone is a word, not a name
    return text[words[0].start : words[-1].end]

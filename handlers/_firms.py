"""Companies the knowledge base does not list but the text marks as companies.

A legal form or company word after capitalised words ("Marcopolo S.A.", "Acme Motors",
"Ford Otosan A.Ş."), a noun that introduces a name ("battery start-up Verkor", "EV maker
VinFast", "Shenzhen-based Xinwangda"), a country's possessive ("China's Hithium"), an
apposition ("Forseven, a company controlled by CYVN"), or a ticker in brackets after a
name all count. Each found name carries the cue that marked it. Capitalised words that
only start a sentence, places, months, titles and product names are not firms.
"""

from __future__ import annotations

import re

from ._words import Mention, Token, tokens

# Words after a capitalised name that make it a company ("Marcopolo S.A.", "Acme Motors").
LEGAL_FORMS = frozenset(
    (
        "inc corp corporation co company ltd limited llc plc ag se sa s.a nv n.v gmbh spa s.p.a "
        "bv ab asa oy oyj kk pte pty pvt bhd jsc pjsc tbk ltda a.s"
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
    | {"GmbH", "SpA", "S.p.A", "S.A", "N.V", "plc", "Tbk", "A.Ş", "Pvt", "Oy", "Oyj", "Ltda"}
)
# A capitalised company word ("Motors", "GmbH", "S.p.A") as a whole word after a space.


def _by_first_letter(words: list[str]) -> str:
    """``words`` as one alternation, longest first, grouped by first letter so one test skips a group."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rest)})" for first, rest in groups.items())


# The space is matched, not looked behind at, so the engine jumps from space to space.
_SUFFIX_WORD = re.compile(
    r" (" + _by_first_letter([w for w in _SUFFIXES if w[0].isupper() or w == "plc"]) + r")(?![^\W\d_]|\.[^\W\d_])"
)
# Nouns that introduce a company name: "battery start-up Verkor", "EV maker Canoo".
_INTRODUCERS = (
    "company firm makers maker start-up startup supplier giant operator developer carmaker automaker "
    "manufacturer recycler producer provider chipmaker miner utility insurer reinsurer lender investor "
    "airline shipbuilder retailer builder coachbuilder specialist rival partner subsidiary affiliate "
    "outfit conglomerate refiner unit arm based"  # "based" only as in "Shenzhen-based"
).split()


def _before_space(words: list[str]) -> re.Pattern[str]:
    """A space before a capital or digit that ends one of ``words``; the word is the last group.

    The engine jumps from space to space and looks back, longest words first, instead of
    trying every word at every character: the same matches as ``(?:words) (?=[A-Z0-9])``.
    """
    by_size: dict[int, list[str]] = {}
    for word in words:
        by_size.setdefault(len(word), []).append(word)
    behind = [f"(?<=({'|'.join(map(re.escape, by_size[n]))}) )" for n in sorted(by_size, reverse=True)]
    return re.compile(" (?=[A-Z0-9])(?:" + "|".join(behind) + ")")


_INTRODUCER = _before_space(_INTRODUCERS)
# "Forseven, a company controlled by CYVN": the name before the description is a company. The
# look back follows the first capital, so the engine skips to capitals before trying anything.
_APPOSITIVE = re.compile(
    r"([A-Z](?<![\w.].)[\w&.-]*(?: [A-Z][\w&.-]*){0,3}), (?:a|an|the) (?:[\w-]+ ){0,4}?"
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
        "sunday model series mr ms mrs dr minister prime premier chairman governor mayor "
        "supply supplies build builds buy buys sell sells make makes source sources order orders invest invests "
        "sign signs plan plans form forms launch launches pick picks tap taps join joins wins deal deals"
    ).split()
)
# Words that start sentences in news; capitalised there, they are not part of a name.
_SENTENCE_WORDS = frozenset(
    (
        "after before when while if although though since because but so yet also then now still "
        "meanwhile however moreover separately earlier later last next this year yesterday today "
        "tomorrow shares stocks analysts investors officials executives sources people reports "
        "under over about around between during despite without within against among once "
        "both each every all some many most several few other such no not only even just "
        "here there where what which who why how his her their our my your we they he she you i "
        "sales deliveries production output revenue profit demand prices plans talks rival rivals "
        "partner partners customers buyers drivers owners workers unions regulators lawmakers"
    ).split()
)
# Places that a capitalised run after "China's" or before "Co" may be instead of a firm.
_PLACES = frozenset(
    (
        "guangdong jiangsu zhejiang anhui sichuan hubei hunan fujian shandong henan hebei hainan "
        "yunnan guangxi jiangxi shanxi shaanxi liaoning jilin heilongjiang guizhou gansu qinghai "
        "xinjiang tibet mongolia inner shanghai beijing shenzhen hefei wuhan chongqing guangzhou "
        "tianjin hangzhou ningbo changsha chengdu xiamen suzhou wuxi changzhou nanjing yibin "
        "karnataka maharashtra gujarat tamil nadu telangana haryana delhi mumbai chennai pune "
        "bengaluru bangalore java jakarta batam sulawesi bavaria saxony ontario quebec texas "
        "california michigan georgia tennessee kentucky ohio nevada arizona carolina south north "
        "east west central new york hong kong taiwan seoul busan ulsan tokyo osaka aichi "
        "hanoi haiphong istanbul bursa kocaeli bangkok rayong selangor penang"
    ).split()
)
# Nouns after a capitalised run that make it a place or a body: "China's Guangdong province".
_PLACE_NOUNS = re.compile(
    r"\s+(?:province|provinces|city|cities|state|states|region|county|district|prefecture|port|"
    r"island|government|ministry|regulators?|authorities|officials|market|economy)\b",
    re.IGNORECASE,
)
# Last words of newspapers, magazines and broadcasters: "Germany's Manager Magazin reported".
_MEDIA = frozenset(
    "news times post journal daily herald magazine magazin zeitung tribune gazette weekly wire tv radio "
    "broadcaster newspaper press".split()
)
# "China's Hithium", "India's Ola Electric": a country's possessive before a name. The
# apostrophe is searched first (cheap); the country is checked in the words before it.
_POSSESSIVE = re.compile(r"['’]s (?=[A-Z0-9])")
_COUNTRY_BEFORE = re.compile(
    r"(?<![\w-])(?:China|Japan|South Korea|Korea|India|Indonesia|Vietnam|Turkey|Türkiye|Thailand|Malaysia|"
    r"Taiwan|Germany|France|Italy|Spain|Sweden|Norway|Britain|Brazil|Mexico|Canada|Australia|"
    r"America|Israel|Saudi Arabia|Europe|Poland|Hungary|Singapore|the Philippines|Chile|Morocco|"
    r"Egypt|Hong Kong)\Z"
)


# "Student Transportation of Canada", "Bank of China": a capitalised name "of" a country is a firm,
# unless it is a public body ("State of California", "University of Michigan", "Port of Rotterdam").
_OF_COUNTRY = re.compile(
    r"(?<![\w'’-])((?:[A-Z][a-z]+ ){1,3})of (?:the )?(?:Canada|America|China|India|Japan|Korea|Australia|"
    r"Europe|Germany|France|Italy|Spain|Britain|Singapore|Thailand|Vietnam|Indonesia|Turkey|Brazil|Mexico)\b"
)
_PUBLIC_BODIES = frozenset(
    "republic kingdom state states province university port city county ministry department people bank "
    "embassy parliament congress court council commission people's president prime king queen".split()
)


def named_before(text: str, known: list[Mention], pos: int, tag: str) -> list[Mention]:
    """An unknown ticker marks the capitalised name just before it as a company."""
    span = _capitalised_tail(text, tokens(text, max(0, pos - 60), pos), pos)
    if not span or any(m.start < span[-1].end and span[0].start < m.end for m in known):
        return []  # nothing named there, or a known company already is
    name = _trim_legal(text, span)
    if not name:
        return []
    return [
        Mention(
            name, span[0].start, span[-1].end, False, span[-1].possessive, tag, cue=f"name before ticker '{tag}'"
        )
    ]


def unknown_firms(text: str, known: list[Mention]) -> list[Mention]:
    """Capitalised names the text itself marks as companies, with the cue that marks each."""
    taken = [(m.start, m.end) for m in known]
    found: list[Mention] = []
    for match in _SUFFIX_WORD.finditer(text):
        pos = match.start(1)
        if any(s <= pos <= e + 3 for s, e in taken):
            continue  # part of a name found already ("Marcopolo S.A.")
        span = _capitalised_tail(text, tokens(text, max(0, pos - 60), pos), pos)
        if span:
            cue = f"name with suffix '{match.group(1)}'"
            _keep(text, [*span, *tokens(text, pos, match.end())], taken, found, cue)
    for match in _APPOSITIVE.finditer(text) if ", a " in text or ", an " in text or ", the " in text else ():
        start = match.start(1)
        span = _capitalised_head(text, tokens(text, start, match.end(1), limit=4), start)
        if span:
            _keep(text, span, taken, found, f"described as '{text[match.end(1) + 2 : match.end()]}'")
    for match in _INTRODUCER.finditer(text):
        start, end = match.span(match.lastindex or 0)
        if start and text[start - 1].isalnum():
            continue  # inside a word: "solar farm Hornsea" has no introducer "arm"
        word = text[start:end]
        if word == "based":
            if not text.startswith(("-", "–"), start - 1):
                continue
            word = text[text.rfind(" ", 0, start) + 1 : end]  # "Shenzhen-based"
        end += 1  # the name starts after the space
        span = _capitalised_head(text, tokens(text, end, end + 60, limit=3), end)
        if span:
            _keep(text, span, taken, found, f"named after '{word}'")
    for match in _OF_COUNTRY.finditer(text) if " of " in text else ():
        words = match.group(1).split()
        if words[0].lower() not in _NOT_NAMES and words[0].lower() not in _PUBLIC_BODIES:
            start, end = match.span()
            if not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                found.append(Mention(match.group(), start, end, False, cue="named as a firm 'of' a country"))
    for match in _POSSESSIVE.finditer(text):
        country = _COUNTRY_BEFORE.search(text, max(0, match.start() - 16), match.start())
        if country is None:
            continue
        span = _capitalised_head(text, tokens(text, match.end(), match.end() + 60, limit=3), match.end())
        if span and not _PLACE_NOUNS.match(text, span[-1].end):
            _keep(text, span, taken, found, f"named as '{text[country.start() : match.end() - 1]} …'")
    return found


def _keep(text: str, span: list[Token], taken: list[tuple[int, int]], found: list[Mention], cue: str) -> None:
    span = _without_sentence_start(text, span)
    if not span:
        return
    start, end = span[0].start, span[-1].end
    if any(s < end and start < e for s, e in taken) or span[-1].key in _MEDIA:
        return
    if text.startswith("-", end) and text[end + 1 : end + 2].isalnum():
        return  # the words run on: "Canada's Zero-Emission Transit Fund" is no firm "Zero"
    name = _trim_legal(text, span)
    if name:
        taken.append((start, end))
        found.append(Mention(name, start, end, False, span[-1].possessive, cue=cue))


def _without_sentence_start(text: str, span: list[Token]) -> list[Token]:
    """Drop a first word that is capitalised only because it starts the sentence ("Yesterday")."""
    while span and span[0].key in _SENTENCE_WORDS and _starts_sentence(text, span[0].start):
        span = span[1:]
    return span


def _starts_sentence(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:;\n"


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

    Spelled-out "Company" and "Corporation" stay, as in "Saudi Electricity Company". A run
    of company words, places or digits alone ("Automobile", "Guangdong", "2025") is no name.
    """
    words = list(span)
    while words and words[-1].key in LEGAL_FORMS and words[-1].key not in {"company", "corporation"}:
        words.pop()
    while words and words[0].key in _NOT_NAMES:
        words.pop(0)
    if not words or all(w.key in COMPANY_WORDS or w.key in _PLACES or w.key.isdigit() for w in words):
        return ""
    return text[words[0].start : words[-1].end].removesuffix("'s").removesuffix("’s")

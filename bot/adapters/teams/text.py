"""Story text made inert for an Adaptive Card in Teams, and the only links a card may carry (http and https).

Untrusted text only ever goes into ``TextRun`` elements, where the Adaptive Cards schema renders no
markdown ("Text to display. Markdown is not supported.", TextRun, schema 1.2). It is also defused
for a client that would read it more eagerly than the schema says: no mention tags (``<at>…</at>``),
no HTML entities, no markdown link (``[x](y)``), no ``{{DATE(…)}}`` template, no script URL scheme.
A tag's "<" becomes "‹"; the other breaks are a word joiner (U+2060): invisible, and it stops each pattern.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

ELLIPSIS = "…"
JOIN = "\u2060"  # word joiner: zero width, no line break, ends a token for every parser
MAX_URL = 2000  # longer links are dropped: browsers and Teams clients truncate or refuse them
_READ_AHEAD = 20_000  # characters of any one input looked at; nothing longer is ever shown
_HIDDEN = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")  # direction overrides
_TAG = re.compile(r"<(?=\s*/?\s*[A-Za-z!?])")  # "<at>", "</at>", "<https://…>", "<!channel>"
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]{1,10};)")  # "&lt;at&gt;" must not become "<at>"
_LINK = re.compile(r"\](?=\s*[(\[])")  # "[text](url)" and "[text][ref]"
_SCHEME = re.compile(r"\b(javascript|vbscript|data|file)\s*:", re.IGNORECASE)
_URL_SAFE = "/:?#@&=+$,;%~!*'-._"  # everything else (spaces, quotes, brackets, backslashes) is percent-encoded


def plain(text: str, limit: int) -> str:
    """Untrusted text on one line, defused, cut to at most ``limit`` characters (ending in "…" if cut)."""
    kept = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text[:_READ_AHEAD] if c not in _HIDDEN
    )
    flat = " ".join(kept.split())
    return clip(defuse(clip(flat, limit)), limit)


def defuse(text: str) -> str:
    """Mentions and tags, entities, markdown links, templates and script schemes broken."""
    text = _TAG.sub("‹", text)
    text = _ENTITY.sub("&" + JOIN, text)
    text = _LINK.sub("]" + JOIN, text)
    text = text.replace("{{", "{" + JOIN + "{")
    return _SCHEME.sub(lambda m: f"{m[1]}{JOIN}:", text)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in "…" when something was cut."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)].rstrip()
    return (cut.removesuffix(JOIN) + ELLIPSIS) if limit > 0 else ""


def safe_url(url: str) -> str | None:
    """An absolute http(s) link made safe to hand to Teams, or None (other schemes, no host, too long)."""
    url = url.strip()
    if not url or len(url) > MAX_URL or any(unicodedata.category(c) in ("Cc", "Cf") for c in url):
        return None
    url = quote(url, safe=_URL_SAFE)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host or len(url) > MAX_URL:
        return None
    return scheme + url[len(scheme) :]

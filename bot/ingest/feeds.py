"""Turning fetched feed bytes into items: feedparser on bytes, HTML to plain text, stable ids."""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import feedparser

from ..core.links import normalise_link
from ..core.models import Item

MAX_TEXT = 200_000  # characters of text kept per item field; the rest is never read
_BLOCK_TAGS = frozenset(
    (
        "p br div li ul ol h1 h2 h3 h4 h5 h6 blockquote tr table section article header footer "
        "figure figcaption pre hr"
    ).split()
)
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "iframe", "object", "embed", "svg", "math", "template", "head"]
)
# Bozo reasons that still leave a usable feed (reader treats these the same way).
_SURVIVABLE = ("CharacterEncodingOverride", "NonXMLContentType", "CharacterEncodingUnknown")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What one fetched document yielded."""

    title: str
    items: tuple[Item, ...]
    ttl_minutes: int | None = None
    problem: str = ""  # why the document is not a usable feed; "" when it is
    warning: str = ""  # a survivable oddity worth a log line


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.size = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping and self.size < MAX_TEXT:
            self.parts.append(data)
            self.size += len(data)


def html_to_text(markup: str) -> str:
    """Plain text from HTML: tags dropped, entities decoded, paragraphs kept as lines."""
    if not markup:
        return ""
    if "<" not in markup:
        return _tidy(html.unescape(markup[:MAX_TEXT]))
    extractor = _TextExtractor()
    try:
        extractor.feed(markup[: MAX_TEXT * 2])
        extractor.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        return _tidy(re.sub(r"<[^>]*>", " ", html.unescape(markup[:MAX_TEXT])))
    return _tidy("".join(extractor.parts))


def _tidy(text: str) -> str:
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)[:MAX_TEXT]


def item_identity(entry: Mapping[str, Any]) -> str:
    """guid, else normalised link, else a hash of title and date."""
    guid = str(entry.get("id") or "").strip()
    if guid:
        return guid[:500]
    link = str(entry.get("link") or "").strip()
    if link:
        return normalise_link(link)[:500]
    basis = f"{entry.get('title', '')}\n{entry.get('published', '') or entry.get('updated', '')}"
    return "sha1:" + hashlib.sha1(basis.encode("utf-8", "replace")).hexdigest()


def _date(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _content(entry: Mapping[str, Any]) -> str:
    blocks = entry.get("content") or []
    texts = [html_to_text(str(b.get("value", ""))) for b in blocks if isinstance(b, Mapping)]
    return max(texts, key=len, default="")


def _entry_item(entry: Mapping[str, Any], feed_url: str, source: str) -> Item:
    summary = html_to_text(str(entry.get("summary") or ""))
    content = _content(entry)
    if content and content.startswith(summary[:200]) and len(content) <= len(summary) + 20:
        content = ""  # the "content" is just the summary again
    return Item(
        id=item_identity(entry),
        title=html_to_text(str(entry.get("title") or "")).replace("\n", " "),
        summary=summary,
        content=content,
        link=str(entry.get("link") or "").strip()[:2000],
        published=_date(entry),
        feed_url=feed_url,
        source=source,
    )


# An entity whose value refers to other entities: how "billion laughs" documents amplify.
_NESTED_ENTITY = re.compile(rb"<!ENTITY\s+%?\s*[\w.:-]+\s+(?:\"[^\"]*&[^\"]*\"|'[^']*&[^']*')")


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse fetched bytes (never a URL) into items; blocking, so run it in a worker thread."""
    prologue = body[: body.find(b"]>", 0, 65536) + 2] if b"<!DOCTYPE" in body[:4096] else b""
    if prologue and _NESTED_ENTITY.search(prologue):
        return ParsedFeed(
            urlsplit(url).netloc,
            (),
            problem="the feed declares XML entities that expand into "
            "other entities (an entity-expansion attack); it was not read",
        )
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    response_headers.setdefault("content-location", url)
    # No sanitising: every field is reduced to plain text below, which drops markup and scripts anyway.
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False
    )
    feed = parsed.get("feed", {})
    source = html_to_text(str(feed.get("title") or "")) or urlsplit(url).netloc
    items = tuple(_entry_item(e, url, source) for e in parsed.get("entries", []))
    problem, warning = "", ""
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        name = type(exc).__name__ if exc else "unknown problem"
        detail = f"{name}: {exc}" if exc else name
        # A complete feed with a flaw still counts, even with no items; a cut-off one with none does not.
        cut_off = any(m in str(exc) for m in ("no element found", "unclosed token"))
        if name in _SURVIVABLE:
            pass
        elif items or (parsed.get("version") and not cut_off):
            warning = f"the feed is not well-formed ({detail}); {len(items)} items were recovered"
        else:
            problem = f"the response is not a readable feed ({detail})"
    if not items and not problem and not feed.get("title") and not parsed.get("version"):
        problem = "the response is not an RSS, Atom or JSON feed (no feed elements found)"
    return ParsedFeed(source, items, _ttl(feed), problem, warning)


def _ttl(feed: Mapping[str, Any]) -> int | None:
    try:
        value = int(str(feed.get("ttl", "")).strip())
    except ValueError:
        return None
    return value if value > 0 else None

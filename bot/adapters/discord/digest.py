"""Discord digests: embeds of at most 4096 description characters, at most 10 embeds and 6000 characters per
message; what does not fit the first message follows in more messages. Each message names its digest and part
in its first embed's footer, so evradar can find it in the channel again after a post that was cut off."""

from __future__ import annotations

import hashlib

import discord

from ...core.digest import Digest, heading, sections
from ...core.labels import STAGE_LABELS
from ...core.models import EventView
from .render import DESCRIPTION, TOTAL, Draft, clean

EMBEDS_PER_MESSAGE = 10
LINE_MAX = 600
MARK = "evradar digest {key} · part "  # the footer that finds a part again, followed by "1/2"
NONCE_MAX = 25  # Discord's limit on a message nonce


def event_line(event: EventView) -> str:
    """• **Xiaomi × Great Wall Motor** (talks) [title](link)"""
    partners = clean(" × ".join(event.partners) or "A partnership", 300)
    stage = STAGE_LABELS.get(event.stage, event.stage)
    title = clean(event.title or event.link, 200).replace("]", ")").replace("[", "(")
    url = event.link.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    shown = f"[{title}]({url})" if url.startswith(("https://", "http://")) else title
    return f"• **{partners}** ({stage}) {shown}"[:LINE_MAX]


def digest_embeds(digest: Digest) -> list[discord.Embed]:
    """One embed per kind (more when a kind's lines pass 4096 characters); the first carries the title."""
    parts: list[tuple[str, str]] = []
    for title, lines in _kind_lines(digest):
        text = ""
        for line in lines:
            if len(text) + len(line) + 1 > DESCRIPTION - 100:
                parts.append((title, text))
                text = ""
            text = f"{text}\n{line}" if text else line
        parts.append((title, text))
    first = Draft(digest.title[:256]).build()
    return [first, *(Draft(title, text).build() for title, text in parts)]


def digest_pages(digest: Digest) -> list[list[discord.Embed]]:
    """Embeds grouped into messages within Discord's 10-embed and 6000-character limits, each message marked
    with the digest's key and its part number."""
    room = TOTAL - len(mark(digest.key, 999, 999))
    pages: list[list[discord.Embed]] = [[]]
    size = 0
    for embed in digest_embeds(digest):
        length = len(embed)
        if pages[-1] and (len(pages[-1]) >= EMBEDS_PER_MESSAGE or size + length > room):
            pages.append([])
            size = 0
        pages[-1].append(embed)
        size += length
    for n, page in enumerate(pages):
        page[0].set_footer(text=mark(digest.key, n, len(pages)))
    return pages


def mark(key: str, part: int, parts: int) -> str:
    """The footer of part ``part`` (from 0) of a digest, shown as "part 1/2"."""
    return f"{MARK.format(key=key)}{part + 1}/{parts}"


def part_of(footer: str | None, key: str) -> int | None:
    """Which part (from 0) of digest ``key`` a message is, from its first embed's footer; None if it is not."""
    head = MARK.format(key=key)
    if not footer or not footer.startswith(head):
        return None
    number = footer[len(head) :].partition("/")[0]
    return int(number) - 1 if number.isascii() and number.isdigit() and int(number) > 0 else None


def nonce(key: str, part: int) -> str:
    """The same nonce for the same part every time: Discord refuses a second message with it for a few minutes."""
    return hashlib.sha256(f"{key}|{part}".encode()).hexdigest()[:NONCE_MAX]


def _kind_lines(digest: Digest) -> list[tuple[str, list[str]]]:
    if not digest.events:
        return sections(digest)
    return [(heading(kind), [event_line(e) for e in events]) for kind, events in digest.groups()]

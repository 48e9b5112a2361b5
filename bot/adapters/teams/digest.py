"""A digest as Teams Workflows messages: Adaptive Cards of one TextBlock per line, each message's JSON under
the same budget as alerts (more messages when the digest is longer)."""

from __future__ import annotations

from ...core.digest import Digest, sections
from .card import BUDGET, CARD_SCHEMA, CARD_VERSION, Json, _envelope, encode
from .text import plain

LINE_MAX = 400


def digest_bodies(digest: Digest) -> list[bytes]:
    """The exact bytes of each POST, in order; the first card carries the title."""
    blocks: list[Json] = [_block(digest.title, bold=True)]
    for title, lines in sections(digest):
        blocks.append(_block(title, bold=True))
        blocks += [_block(line) for line in lines]
    out: list[bytes] = []
    page: list[Json] = []
    for block in blocks:
        if page and len(_body([*page, block])) > BUDGET:
            out.append(_body(page))
            page = []
        page.append(block)
    out.append(_body(page))
    return out


def _block(text: str, *, bold: bool = False) -> Json:
    block: Json = {"type": "TextBlock", "text": plain(text, LINE_MAX), "wrap": True}
    return block | {"weight": "Bolder"} if bold else block


def _body(blocks: list[Json]) -> bytes:
    card: Json = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": CARD_VERSION, "body": blocks}
    return encode(_envelope(card))

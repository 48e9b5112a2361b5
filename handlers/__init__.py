"""The handler contract: a handler reads one item and returns a detection or nothing.

Handlers are pure and synchronous: no network, no files, no clock, no globals that
change. Whatever knowledge they need (the company list) is handed to them when they
are built, so the same item always gives the same answer. The bot names the handlers
to run in its configuration as ``"module:Class"`` and builds each one with a
:class:`HandlerContext`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.core.models import Company, Detection, Item


@dataclass(frozen=True, slots=True)
class HandlerContext:
    """What a handler may know besides the item: the company knowledge base."""

    companies: tuple[Company, ...]


class Handler(Protocol):
    """Reads one item; returns a detection, or None when the item says nothing to it."""

    name: str

    def detect(self, item: Item) -> Detection | None: ...

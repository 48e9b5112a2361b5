"""A passage of a story (headline, lede sentence or background sentence) and the role it plays."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ._words import Mention


class Role(enum.Enum):
    """Where a passage stands in the story, which decides how much it can prove."""

    TITLE = "headline"
    LEDE = "lede"
    BACKGROUND = "background"


@dataclass(slots=True)
class Passage:
    """One passage of a story and, once read, the companies it names (in order of position)."""

    text: str
    role: Role
    mentions: list[Mention] = field(default_factory=list)

    @property
    def focus(self) -> bool:
        """Headline and lede carry the news; background can only add related deals."""
        return self.role is not Role.BACKGROUND

"""The `/evradar` command, platform-neutral: parse what the user typed, answer from the lookup.

Chat platform adapters turn their payloads into a :class:`Request`, call
:meth:`Commands.answer` (in a worker thread: it reads the database), and render the
answer their own way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ..core.models import EventView
from ..core.mutes import Mute
from ..core.units import parse_duration
from .feedback import Feedback, status_lines
from .files import Attachment as Attachment  # part of the Answer union adapters match on
from .files import Files
from .lookup import CompanyAnswer, Filters, Lookup, StatusView

MAX_TEXT = 500  # characters of command text read; the rest is ignored
SUBCOMMANDS = (
    "help",
    "recent",
    "status",
    "subscribe",
    "unsubscribe",
    "graph",
    "export",
    "mute",
    "unmute",
    "digest",
)
HELP_LINES = (
    ("/evradar <company or ticker>", "a company's partnership events, newest first (e.g. xiaomi, TSLA, GWM)"),
    ("/evradar recent", "the latest partnerships seen"),
    ("/evradar status", "feeds, paused feeds, last poll, alerts today, paused destinations"),
    (
        "/evradar subscribe <companies> [kinds=…] [stages=…]",
        "this channel gets alerts for these companies (kinds: manufacturing, joint_venture, supply, technology, "
        "investment, charging, other; stages: announced, talks, ended)",
    ),
    ("/evradar unsubscribe", "stop this channel's subscription"),
    ("/evradar graph <company>", "a picture of the company's partnership network, posted in this channel"),
    ("/evradar export [company]", "the stored events as a CSV file"),
    (
        "/evradar mute <company|kind=…> [7d]",
        "this channel gets no alerts about it (for that long; else until unmuted)",
    ),
    ("/evradar unmute <company|kind=…>", "lift a mute"),
    ("/evradar digest", "this period's digest so far, for a channel that gets digests"),
    ("/evradar help", "this help"),
)


@dataclass(frozen=True, slots=True)
class Request:
    """Who asked what, where; ``may_manage`` says whether they may change the channel's subscription."""

    text: str
    platform: str
    channel: str
    user: str
    may_manage: bool = False


@dataclass(frozen=True, slots=True)
class Help:
    lines: tuple[tuple[str, str], ...] = HELP_LINES


@dataclass(frozen=True, slots=True)
class Recent:
    events: tuple[EventView, ...]


@dataclass(frozen=True, slots=True)
class Subscribed:
    filters: Filters


@dataclass(frozen=True, slots=True)
class Unsubscribed:
    existed: bool


@dataclass(frozen=True, slots=True)
class Refused:
    """The request cannot be done; ``message`` says why and what to do instead."""

    message: str


@dataclass(frozen=True, slots=True)
class Muted:
    """A mute set (``unmuted``: lifted); ``label`` reads "Xiaomi" or "kind=charging"."""

    label: str
    until: float | None = None
    unmuted: bool = False

    @property
    def text(self) -> str:
        if self.unmuted:
            return f"This channel gets alerts about {self.label} again."
        if self.until is None:
            return f"This channel gets no alerts about {self.label} until `/evradar unmute {self.label}`."
        when = datetime.fromtimestamp(self.until, tz=UTC)
        return f"This channel gets no alerts about {self.label} until {when:%Y-%m-%d %H:%M} UTC."


@dataclass(frozen=True, slots=True)
class DigestText:
    """The current period's digest as text pieces (each within the platform's limits once rendered)."""

    texts: tuple[str, ...]


Answer = (
    CompanyAnswer
    | Recent
    | StatusView
    | Help
    | Subscribed
    | Unsubscribed
    | Refused
    | Attachment
    | Muted
    | DigestText
)


def split(text: str) -> tuple[str, str]:
    """("subscribe", "xiaomi kinds=supply") from "subscribe xiaomi kinds=supply"; ("", "") for nothing."""
    text = " ".join(text[:MAX_TEXT].split())
    head, _, rest = text.partition(" ")
    if head.lower() in SUBCOMMANDS:
        return head.lower(), rest
    return ("lookup", text) if text else ("help", "")


class Commands:
    def __init__(
        self,
        lookup: Lookup,
        *,
        on_subscriptions_changed: Callable[[], None] = lambda: None,
        digest: Callable[[str, str], tuple[str, ...] | None] = lambda platform, channel: None,
        feedback: Feedback | None = None,
    ) -> None:
        self.lookup = lookup
        self.digest = digest  # the current digest of a channel's digest route, as text; None: it has none
        self.feedback = feedback or Feedback(lookup.store, clock=lookup.clock)
        self.files = Files(lookup, clock=lookup.clock)
        self.on_subscriptions_changed = on_subscriptions_changed

    def answer(self, request: Request) -> Answer:
        name, argument = split(request.text)
        if name == "help":
            return Help()
        if name == "recent":
            return Recent(self.lookup.recent())
        if name == "status":
            learned = self.feedback.learned(request.platform, request.channel)
            return replace(self.lookup.status(), feedback=status_lines(learned))
        if name in ("subscribe", "unsubscribe"):
            return self._subscription(name, argument, request)
        if name in ("graph", "export"):
            return self._file(name, argument)
        if name in ("mute", "unmute"):
            return self._mute(name, argument, request)
        if name == "digest":
            texts = self.digest(request.platform, request.channel)
            if texts is None:
                return Refused(
                    'This channel gets single alerts, not digests; a route with `digest = "daily 08:00"` '
                    "in the configuration makes one."
                )
            return DigestText(texts)
        return self.lookup.company(argument)

    def _mute(self, name: str, argument: str, request: Request) -> Muted | Refused:
        if not request.may_manage:
            return Refused(
                "Only the channel's managers (or the admins named in the configuration) can mute; ask one."
            )
        words = argument.split()
        duration = words.pop() if len(words) > 1 and words[-1][:1].isdigit() else ""
        target = self.lookup.mute_target(" ".join(words))
        if target is None:
            return Refused(
                f"{argument or 'Nothing'} is not a company or kind evradar knows; e.g. "
                "`/evradar mute xiaomi 7d` or `/evradar mute kind=charging`."
            )
        label = Mute(request.platform, request.channel, target).label
        if name == "unmute":
            if not self.lookup.unmute(request.platform, request.channel, target):
                return Refused(f"This channel has no mute on {label}; `/evradar status` lists the mutes.")
            self.on_subscriptions_changed()
            return Muted(label, unmuted=True)
        try:
            seconds = parse_duration(duration) if duration else None
        except ValueError:
            return Refused(f"{duration} is not a duration such as 12h, 7d or 30d.")
        until = self.lookup.mute(request.platform, request.channel, target, seconds=seconds, user=request.user)
        self.on_subscriptions_changed()
        return Muted(label, until)

    def _file(self, name: str, argument: str) -> Attachment | Refused:
        if name == "graph" and not argument:
            return Refused("Name a company to draw, e.g. `/evradar graph xiaomi`.")
        made = self.files.graph(argument) if name == "graph" else self.files.export(company=argument)
        return Refused(made) if isinstance(made, str) else made

    def _subscription(self, name: str, argument: str, request: Request) -> Answer:
        if not request.may_manage:
            return Refused(
                "Only the channel's managers (or the admins named in the configuration) can change "
                "what this channel subscribes to; ask one of them."
            )
        if name == "unsubscribe":
            existed = self.lookup.unsubscribe(request.platform, request.channel)
            self.on_subscriptions_changed()
            return Unsubscribed(existed)
        filters = self.lookup.parse_filters(argument.split())
        if filters.unknown:
            return Refused(
                f"These are not companies, kinds or stages evradar knows: {', '.join(filters.unknown)}. "
                "Try `/evradar help`."
            )
        if not (filters.companies or filters.kinds or filters.stages):
            return Refused(
                "Name at least one company, kind or stage, e.g. `/evradar subscribe xiaomi byd kinds=supply`."
            )
        self.lookup.subscribe(request.platform, request.channel, filters, user=request.user)
        self.on_subscriptions_changed()
        return Subscribed(filters)

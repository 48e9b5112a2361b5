"""Discord embeds for alerts and `/evradar` answers, built within Discord's limits from untrusted text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import assert_never
from urllib.parse import quote, urlsplit

import discord
from discord.utils import escape_markdown, escape_mentions

from ...chat.commands import Answer, Attachment, DigestText, Help, Muted, Recent, Refused, Subscribed, Unsubscribed
from ...chat.lookup import CompanyAnswer, StatusView
from ...core.labels import KIND_LABELS, STAGE_LABELS, date_label
from ...core.models import Alert, EventView, Source
from ...core.mutes import until_text

NO_MENTIONS = discord.AllowedMentions.none()  # the real guard against pings; escaping only keeps text tidy

# Discord's embed limits (API docs, "Embed Limits"): one text too long and the whole post fails with 400.
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
TOTAL = 6000  # title, description, field names and values, footer and author together
THREAD_NAME = 100
ELLIPSIS = "…"

KIND_COLOURS = {
    "manufacturing": 0x3498DB,
    "joint_venture": 0x9B59B6,
    "supply": 0xE67E22,
    "technology": 0x1ABC9C,
    "investment": 0x2ECC71,
    "charging": 0xF1C40F,
    "other": 0x95A5A6,
}
ANSWER_COLOUR = 0x5865F2
_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)\[")  # a "[" not already escaped
_MENTION = re.compile(r"@(?=everyone|here|[!&]?\d)")
_HIDDEN = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
_URL_SAFE = "/:?#@&=+$,;%~!*'-._"  # everything else (spaces, brackets, quotes) is percent-encoded
_DISCORD_USAGE = {
    "/evradar <company or ticker>": "/evradar lookup company:…",
    "/evradar subscribe <companies> [kinds=…] [stages=…]": "/evradar subscribe companies:… kinds:… stages:…",
    "/evradar graph <company>": "/evradar graph company:…",
    "/evradar export [company]": "/evradar export company:…",
    "/evradar mute <company|kind=…> [7d]": "/evradar mute target:… duration:…",
    "/evradar unmute <company|kind=…>": "/evradar unmute target:…",
}


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in "…" when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def clean(text: str, limit: int, *, markdown: bool = True) -> str:
    """Untrusted text on one line, markdown escaped (where Discord renders it), mentions broken, then clipped."""
    kept = "".join(c for c in text[: limit * 8] if c not in _HIDDEN and unicodedata.category(c) != "Cc")
    flat = " ".join(kept.split())[: limit + 1]  # cut before escaping: escaping only makes text longer
    if markdown:
        flat = _BRACKET.sub(r"\1\\[", escape_markdown(flat))  # no masked link, even "[]()", from feed text
    return clip(_MENTION.sub("@\u200b", escape_mentions(flat)), limit)


def link_target(url: str) -> str | None:
    """The URL made safe to link to, or None unless it is an absolute http(s) URL."""
    url = url.strip()
    if not url or len(url) > 2000:
        return None
    url = quote(url, safe=_URL_SAFE)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and host else None


def masked_link(text: str, url: str, *, limit: int = 100) -> str:
    """ "[text](url)" when the URL is http(s) and not huge, else the text alone (escaped either way)."""
    label = clean(text, limit).replace("]", "\\]") or "link"  # clean() already escaped every "["
    target = link_target(url)
    return f"[{label}]({target})" if target and len(target) <= 500 else label


@dataclass(slots=True)
class Draft:
    """An embed's texts before they are fitted to Discord's limits."""

    title: str = ""
    description: str = ""
    fields: list[tuple[str, str, bool]] = field(default_factory=list)
    footer: str = ""
    url: str | None = None
    colour: int = ANSWER_COLOUR
    timestamp: datetime | None = None

    def add(self, name: str, value: str, *, inline: bool = True) -> None:
        self.fields.append((name, value, inline))

    def build(self) -> discord.Embed:
        """The discord.Embed, every text within its own limit and all of them within the 6000 total."""
        texts = [clip(self.title, TITLE), clip(self.description, DESCRIPTION), clip(self.footer, FOOTER)]
        for name, value, _ in self.fields[:FIELDS]:
            texts += [clip(name, FIELD_NAME) or "\u200b", clip(value, FIELD_VALUE) or "—"]
        _shrink(texts, TOTAL)
        embed = discord.Embed(
            title=texts[0] or None,
            description=texts[1] or None,
            url=self.url,
            colour=self.colour,
            timestamp=_aware(self.timestamp) if self.timestamp else None,
        )
        for n, (_, _, inline) in enumerate(self.fields[:FIELDS]):
            embed.add_field(name=texts[3 + 2 * n], value=texts[4 + 2 * n], inline=inline)
        if texts[2]:
            embed.set_footer(text=texts[2])
        return embed


def _shrink(texts: list[str], total: int) -> None:
    """Cut the longest texts until together they fit ``total`` characters (each keeps at least one)."""
    over = sum(map(len, texts)) - total
    while over > 0:
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        size = len(texts[longest])
        if size <= 1:
            return
        texts[longest] = clip(texts[longest], max(size - over, 1))
        over -= size - len(texts[longest])


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def _stage(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


# -- alerts -------------------------------------------------------------------------------------------


def render_alert(alert: Alert, *, mark_update: bool = False) -> discord.Embed:
    """The alert's embed; ``mark_update`` titles it "Update" (for an update posted as a new message)."""
    partners = " × ".join(alert.partners)
    prefix = "Update: " if mark_update else ""
    draft = Draft(
        title=clean(f"{prefix}{partners}: {_label(alert.kind)}, {_stage(alert.stage)}", TITLE),
        url=link_target(alert.link),
        colour=KIND_COLOURS.get(alert.kind, KIND_COLOURS["other"]),
        timestamp=alert.published or alert.first_seen,
        footer=_footer(alert),
    )
    quote_text = clean(alert.evidence, 3000) or clean(alert.title, 3000)
    draft.description = f"> “{quote_text}”" + "".join(f"\n• {_source_line(s)}" for s in _latest(alert.sources))
    draft.add("Kind", _label(alert.kind))
    moved = f" (was {_stage(alert.previous_stage)})" if alert.previous_stage else ""
    draft.add("Stage", _stage(alert.stage) + moved)
    if alert.tickers:
        draft.add("Tickers", clean(", ".join(alert.tickers), 300))
    draft.add("Date", date_label(alert.published, _aware(alert.first_seen)))
    if alert.is_update or len(alert.sources) > 1:
        draft.add("Sources", str(len(alert.sources)))
    return draft.build()


def render_update_note(alert: Alert) -> discord.Embed:
    """The short message posted in the original alert's thread when an event moves on."""
    moved = f" (was {_stage(alert.previous_stage)})" if alert.previous_stage else ""
    draft = Draft(
        title=clean(f"Update: {_stage(alert.stage)}{moved}, {len(alert.sources)} sources", TITLE),
        colour=KIND_COLOURS.get(alert.kind, KIND_COLOURS["other"]),
        description="\n".join(f"• {_source_line(s)}" for s in _latest(alert.sources)),
        footer=_footer(alert),
    )
    return draft.build()


def thread_name(alert: Alert) -> str:
    """The name of the thread that holds an alert's updates (plain text: Discord renders no markdown there)."""
    return clean(" × ".join(alert.partners), THREAD_NAME, markdown=False) or "evradar updates"


def _latest(sources: tuple[Source, ...]) -> tuple[Source, ...]:
    return sources[-3:] if len(sources) > 1 else ()


def _source_line(source: Source) -> str:
    name = f"{source.source}: " if source.source else ""
    return masked_link(f"{name}{source.title}", source.link, limit=200)


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _footer(alert: Alert) -> str:
    names = list(dict.fromkeys(s.source or _host(s.link) for s in alert.sources))
    shown = ", ".join(n for n in names if n) or "source unknown"
    return clean(f"{shown} · score {alert.score:.2f}", FOOTER, markdown=False)


# -- answers to /evradar ----------------------------------------------------------------------------


def render_answer(answer: Answer) -> discord.Embed:
    """The ephemeral embed that answers one `/evradar` command."""
    match answer:
        case CompanyAnswer():
            return _company(answer)
        case Recent():
            return _recent(answer)
        case StatusView():
            return _status(answer)
        case Help():
            return _help(answer)
        case Subscribed():
            f = answer.filters
            parts = [("companies", f.companies), ("kinds", f.kinds), ("stages", f.stages)]
            said = "; ".join(f"{name}: {clean(', '.join(values), 1000)}" for name, values in parts if values)
            return Draft("Subscribed", f"This channel now gets alerts for {said}.").build()
        case Unsubscribed():
            text = (
                "This channel no longer gets the alerts it subscribed to; routes in the configuration file "
                "still apply."
                if answer.existed
                else "This channel had no subscription, so nothing changed."
            )
            return Draft("Unsubscribed", text).build()
        case Refused():
            return Draft("Not done", clean(answer.message, DESCRIPTION, markdown=False)).build()
        case Muted():
            return Draft(
                "Unmuted" if answer.unmuted else "Muted", clean(answer.text, DESCRIPTION, markdown=False)
            ).build()
        case DigestText():
            lines = [clean(line, 600, markdown=False) for text in answer.texts for line in text.split("\n")]
            return Draft("Digest so far", "\n".join(lines)[:DESCRIPTION]).build()
        case Attachment():  # the file itself is attached beside this embed
            embed = Draft(answer.filename, clean(answer.message, DESCRIPTION, markdown=False)).build()
            if answer.content_type == "image/png":
                embed.set_image(url=f"attachment://{answer.filename}")
            return embed
        case _:
            assert_never(answer)


def _recent(answer: Recent) -> discord.Embed:
    if not answer.events:
        return Draft(
            "Nothing seen yet",
            "evradar has not seen a partnership yet; try again after the next poll of its feeds.",
        ).build()
    return _events("Latest partnerships", answer.events)


def render_failure() -> discord.Embed:
    return Draft(
        "evradar could not answer",
        "Something went wrong on evradar's side; try again in a minute. "
        "If it keeps failing, the bot's log says why.",
    ).build()


def _company(answer: CompanyAnswer) -> discord.Embed:
    if answer.events:
        return _events(f"{answer.company}: partnerships", answer.events)
    if answer.company:
        text = f"evradar has not seen a partnership of {clean(answer.company, 200)} yet."
        if answer.suggestions:
            text += f" Companies with similar names that have some: {_names(answer.suggestions)}."
        return Draft(clean(f"Nothing yet for {answer.company}", TITLE), text).build()
    text = "evradar knows no company by that name, alias or ticker."
    if answer.suggestions:
        text += f" Close matches: {_names(answer.suggestions)}."
    text += " Try another spelling or a ticker such as TSLA or 1810.HK."
    return Draft(clean(f"Nothing yet for “{answer.query}”", TITLE), text).build()


def _names(names: Iterable[str]) -> str:
    return clean(", ".join(names), 1000)


def _events(title: str, events: tuple[EventView, ...]) -> discord.Embed:
    draft = Draft(clean(title, TITLE))
    for event in events[:10]:
        links = " · ".join(
            masked_link(source or title, link, limit=60) for title, link, source in event.sources[:3]
        )
        summary = f"{_label(event.kind)}, {_stage(event.stage)} · {date_label(event.published, event.first_seen)}"
        summary += f" ({event.via})" if event.via else ""
        draft.add(clean(" × ".join(event.partners), FIELD_NAME), f"{summary}\n{links}".strip(), inline=False)
    return draft.build()


def _status(status: StatusView) -> discord.Embed:
    draft = Draft("evradar status")
    draft.add("Feeds", f"{status.feeds} ({status.failing_feeds} failing)")
    last = f"<t:{int(status.last_poll.timestamp())}:R>" if status.last_poll else "not yet"
    draft.add("Last poll", last)
    draft.add("Alerts today", str(status.alerts_today))
    draft.add("Waiting to send", str(status.pending))
    draft.add("Paused feeds", _paused(status.paused_feeds, "none"), inline=False)
    draft.add("Paused destinations", _paused(status.paused_destinations, "none"), inline=False)
    muted = tuple((f"{what} in {where}", until_text(until)) for where, what, until in status.mutes)
    draft.add("Muted (`/evradar unmute`)", _paused(muted, "nothing"), inline=False)
    if status.feedback:
        draft.add(
            "Feedback in this channel", "\n".join(clean(line, 500) for line in status.feedback), inline=False
        )
    return draft.build()


def _paused(rows: tuple[tuple[str, str], ...], empty: str) -> str:
    lines = [f"{clean(what, 200)}: {clean(why, 200)}" for what, why in rows[:8]]
    if len(rows) > 8:
        lines.append(f"and {len(rows) - 8} more; `evradar feeds list` shows them all")
    return "\n".join(lines) or empty


def _help(answer: Help) -> discord.Embed:
    lines = [f"`{_DISCORD_USAGE.get(usage, usage)}`: {what}" for usage, what in answer.lines]
    return Draft("evradar help", "\n".join(lines)).build()

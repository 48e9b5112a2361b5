"""Block Kit messages for Slack (alerts, updates and slash-command answers), made inert and kept within limits."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, assert_never
from urllib.parse import urlsplit

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from ...chat.commands import Answer, Attachment, DigestText, Help, Muted, Recent, Refused, Subscribed, Unsubscribed
from ...chat.lookup import CompanyAnswer, StatusView
from ...core.labels import KIND_LABELS, STAGE_LABELS, date_label, headline
from ...core.models import Alert, EventView, Source
from ...core.mutes import until_text

# Slack's limits: counts of blocks, fields and context elements; lengths in characters (counted here as
# UTF-16 code units, which is never fewer) of a header, a section, a field, context text, a button, a URL.
MAX_BLOCKS, MAX_FIELDS, MAX_CONTEXT_ELEMENTS = 50, 10, 10
HEADER_MAX, SECTION_MAX, FIELD_MAX, CONTEXT_TEXT_MAX, BUTTON_TEXT_MAX, URL_MAX = 150, 3000, 2000, 2000, 75, 3000
DAY = "%d %b %Y"  # how dates read in Slack messages
FALLBACK_MAX = 2900  # the notification text; Slack truncates far later, but a notification needs no more
MAX_EVENTS = 10
MAX_LINKS = 3
READ_ACTION = "read_article"
ELLIPSIS = "…"
_READ_AHEAD = 20_000  # characters of any one input looked at; nothing longer is ever shown
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")

BlockJson = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Message:
    """A Slack message: validated Block Kit blocks and the escaped notification text."""

    blocks: tuple[BlockJson, ...]
    text: str


# -- text that is safe and short enough -------------------------------------------------------------


def size(text: str) -> int:
    """Length as Slack may count it (UTF-16 code units); never less than len(text)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def escape(text: str) -> str:
    """Slack's three control characters as entities, so feed text cannot mention, link or format blocks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean(text: str, *, one_line: bool = True) -> str:
    """Control characters removed; whitespace collapsed to single spaces unless ``one_line`` is False."""
    text = _CONTROL.sub(" ", text[:_READ_AHEAD])
    return " ".join(text.split()) if one_line else "\n".join(" ".join(line.split()) for line in text.splitlines())


def plain(text: str, limit: int, *, one_line: bool = True) -> str:
    """Text for a plain_text object, cut with "…" to fit ``limit``."""
    return _cut(clean(text, one_line=one_line), limit, _units)


def mrkdwn(text: str, limit: int, *, one_line: bool = True) -> str:
    """Untrusted text for mrkdwn: cut with "…" first, then escaped, and the escaped form fits ``limit``."""
    return escape(_cut(clean(text, one_line=one_line), limit, _escaped_units))


def safe_url(url: str) -> str | None:
    """``url`` when it is an http(s) link that cannot break out of ``<url|label>``, else None."""
    url = url.strip()
    if not url or size(url) > URL_MAX:
        return None
    if any(c.isspace() or c in '<>|"`\\' or not c.isprintable() for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    return scheme + url[len(scheme) :] if scheme in ("http", "https") and host else None


def link(url: str, label: str, *, limit: int) -> str:
    """A mrkdwn link we build ourselves (validated URL, escaped label), or just the label if the URL is unsafe."""
    target = safe_url(url)
    shown = label.replace("|", "¦")
    if target is None:
        return mrkdwn(shown or "(no title)", limit)
    escaped = escape(target)
    room = limit - size(escaped) - 3
    if room < 12:
        return mrkdwn(shown or "link", limit)
    return f"<{escaped}|{mrkdwn(shown or (urlsplit(target).hostname or 'link'), room)}>"


def _units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _escaped_units(char: str) -> int:
    return {"&": 5, "<": 4, ">": 4}.get(char) or _units(char)


def _cut(text: str, limit: int, width: Callable[[str], int]) -> str:
    used = 0
    for char in text:
        used += width(char)
        if used > limit:
            break
    else:
        return text
    used = cut = 0
    for index, char in enumerate(text):
        used += width(char)
        if used > limit - 1:
            break
        cut = index + 1
    return text[:cut].rstrip() + ELLIPSIS


def _lines_within(lines: Iterable[str], limit: int) -> str:
    """Lines (each already safe) joined by newlines, stopping with "…" before ``limit`` would be passed."""
    kept: list[str] = []
    used = 0
    for line in lines:
        extra = size(line) + (1 if kept else 0)
        if used + extra > limit - 2:
            kept.append(ELLIPSIS)
            break
        kept.append(line)
        used += extra
    return "\n".join(kept)


def _md(safe: str) -> MarkdownTextObject:
    """A mrkdwn object for text we built from escaped parts; verbatim stops Slack linking bare names."""
    return MarkdownTextObject(text=safe or ELLIPSIS, verbatim=True)


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=plain(text, HEADER_MAX) or "evradar"))


def _section(lines: Iterable[str]) -> SectionBlock:
    return SectionBlock(text=_md(_lines_within(lines, SECTION_MAX)))


def _context(parts: Iterable[str]) -> ContextBlock:
    texts = [p for p in parts if p][:MAX_CONTEXT_ELEMENTS]
    return ContextBlock(elements=[_md(_lines_within([t], CONTEXT_TEXT_MAX)) for t in texts or [ELLIPSIS]])


def _message(blocks: Sequence[Block], fallback: str) -> Message:
    """Validated blocks (the SDK's models check their own limits in to_dict) and the escaped fallback text."""
    return Message(
        tuple(b.to_dict() for b in list(blocks)[:MAX_BLOCKS]), mrkdwn(fallback, FALLBACK_MAX) or "evradar"
    )


# -- alerts ---------------------------------------------------------------------------------------


def alert_message(alert: Alert, *, as_update: bool = False) -> Message:
    """The alert as posted: partners, title, kind/stage/tickers/date, the evidence, a link, sources and score.

    ``as_update`` marks a repost of a known event (through a webhook, which cannot thread or edit).
    """
    prefix = "Update: " if as_update else ""
    blocks: list[Block] = [_header(prefix + (" × ".join(alert.partners) or "A partnership"))]
    if as_update:
        blocks.append(_section([change_text(alert)]))
    if clean(alert.title):
        blocks.append(SectionBlock(text=PlainTextObject(text=plain(alert.title, SECTION_MAX))))
    blocks.append(SectionBlock(fields=_alert_fields(alert)))
    if clean(alert.evidence):
        blocks.append(_section(["> " + mrkdwn(alert.evidence, SECTION_MAX - 10)]))
    button = read_button(alert.link)
    if button is not None:
        blocks.append(ActionsBlock(elements=[button]))
    blocks.append(_context([_sources_line(alert.sources), f"score {alert.score:.2f}"]))
    title = clean(alert.title)
    return _message(blocks, prefix + headline(alert) + (f": {title}" if title else ""))


def read_button(url: str) -> ButtonElement | None:
    """ "Read the article", only for a link that is http(s) and safe to hand to Slack."""
    target = safe_url(url)
    if target is None:
        return None
    return ButtonElement(
        text=PlainTextObject(text=plain("Read the article", BUTTON_TEXT_MAX)), url=target, action_id=READ_ACTION
    )


def update_reply(alert: Alert) -> Message:
    """The thread reply under an event's first alert saying what changed."""
    return _message([_section([change_text(alert)])], f"Update on {headline(alert)}: {_change_summary(alert)}")


def change_text(alert: Alert) -> str:
    """ "Stage: was in talks, now *announced*." and/or the newest source, as safe mrkdwn."""
    lines: list[str] = []
    if alert.previous_stage and alert.previous_stage != alert.stage:
        was = STAGE_LABELS.get(alert.previous_stage, alert.previous_stage)
        lines.append(f"*Stage:* was {escape(was)}, now *{escape(STAGE_LABELS.get(alert.stage, alert.stage))}*.")
    if alert.sources:
        lines.append(f"*Newest source:* {_source_link(alert.sources[-1], limit=1500)}")
    count = len(alert.sources)
    lines.append(f"{count} source{'' if count == 1 else 's'} so far.")
    return _lines_within(lines, SECTION_MAX)


def _change_summary(alert: Alert) -> str:
    if alert.previous_stage and alert.previous_stage != alert.stage:
        was = STAGE_LABELS.get(alert.previous_stage, alert.previous_stage)
        return f"was {was}, now {STAGE_LABELS.get(alert.stage, alert.stage)}"
    newest = alert.sources[-1] if alert.sources else None
    return f"new source {clean(newest.source or newest.title)}" if newest else "new source"


def _alert_fields(alert: Alert) -> list[MarkdownTextObject]:
    fields = [
        ("Kind", KIND_LABELS.get(alert.kind, alert.kind)),
        ("Stage", STAGE_LABELS.get(alert.stage, alert.stage)),
        ("Tickers", ", ".join(alert.tickers)),
        ("Date", date_label(alert.published, alert.first_seen, style=DAY)),
    ]
    return [_md(f"*{name}*\n{mrkdwn(value, FIELD_MAX - 20)}") for name, value in fields if clean(value)][
        :MAX_FIELDS
    ]


def _source_link(source: Source, *, limit: int) -> str:
    label = source.title or source.source or source.link
    outlet = f" ({mrkdwn(source.source, 80)})" if clean(source.source) and source.title else ""
    return link(source.link, label, limit=limit - size(outlet)) + outlet


def _sources_line(sources: Sequence[Source]) -> str:
    if not sources:
        return "no sources recorded"
    shown = [link(s.link, s.source or s.title or s.link, limit=500) for s in sources[-MAX_LINKS:]]
    more = f" and {len(sources) - MAX_LINKS} more" if len(sources) > MAX_LINKS else ""
    count = len(sources)
    return f"{count} source{'' if count == 1 else 's'}: " + " · ".join(shown) + more


# -- slash-command answers ------------------------------------------------------------------------


def answer_message(answer: Answer) -> Message:
    """An ephemeral reply to `/evradar` for any answer the platform-neutral commands give."""
    match answer:
        case CompanyAnswer():
            return _company(answer)
        case Recent():
            empty = "No partnerships seen yet; alerts appear here as soon as a feed reports one."
            return _events("Latest partnerships", answer.events, empty=empty)
        case StatusView():
            return _status(answer)
        case Help():
            return _help(answer)
        case Subscribed():
            return _subscribed(answer)
        case Unsubscribed():
            return _unsubscribed(answer)
        case Refused() | Attachment():  # a file goes up separately; these are its words
            return _refused(answer)
        case Muted() | DigestText():
            texts = [answer.text] if isinstance(answer, Muted) else list(answer.texts)
            return _message([_section([mrkdwn(t, SECTION_MAX - 10, one_line=False)]) for t in texts], texts[0])
        case _:
            assert_never(answer)


def problem_message() -> Message:
    """What the user sees when answering failed unexpectedly."""
    text = (
        "Something went wrong while answering; try again in a minute. If it keeps failing, evradar's log says why."
    )
    return _message([_section([escape(text)])], text)


def _company(answer: CompanyAnswer) -> Message:
    query = mrkdwn(answer.query, 100)
    if answer.company and answer.events:
        return _events(f"{answer.company}: partnership events", answer.events, empty="")
    if answer.company:
        lines = [f"Nothing yet for *{mrkdwn(answer.company, 150)}*: evradar has seen no partnership of theirs."]
        fallback = f"Nothing yet for {answer.company}."
    else:
        lines = [f"Nothing matched “{query}”."]
        fallback = f"Nothing matched {answer.query[:100]}."
    if answer.suggestions:
        names = ", ".join(mrkdwn(s, 100) for s in answer.suggestions[:5])
        lines.append(f"Close matches: {names}. Try `/evradar` with one of them.")
    else:
        lines.append("Try a company name, alias or ticker, e.g. `/evradar xiaomi` or `/evradar TSLA`.")
    return _message([_section(lines)], fallback)


def _events(title: str, events: Sequence[EventView], *, empty: str) -> Message:
    if not events:
        return _message([_header(title), _section([escape(empty)])], empty)
    blocks: list[Block] = [_header(title)]
    blocks += [_event_section(e) for e in events[:MAX_EVENTS]]
    if len(events) > MAX_EVENTS:
        blocks.append(_context([f"Showing the {MAX_EVENTS} newest of {len(events)}."]))
    names = "; ".join(" × ".join(e.partners) for e in events[:5])
    return _message(blocks, f"{title}: {names}")


def _event_section(event: EventView) -> SectionBlock:
    partners = mrkdwn(" × ".join(event.partners) or "A partnership", 300)
    kind = KIND_LABELS.get(event.kind, event.kind)
    when = date_label(event.published, event.first_seen, style=DAY) + (f" ({event.via})" if event.via else "")
    meta = mrkdwn(f"{kind}, {STAGE_LABELS.get(event.stage, event.stage)} · {when}", 200)
    sources = [Source(title=t, link=lnk, source=s) for t, lnk, s in event.sources[:MAX_LINKS]]
    if not sources and (event.title or event.link):
        sources = [Source(title=event.title, link=event.link)]
    return _section([f"*{partners}* — {meta}", *(f"• {_source_link(s, limit=700)}" for s in sources)])


def _status(status: StatusView) -> Message:
    paused = len(status.paused_feeds)
    last = f"{status.last_poll:%Y-%m-%d %H:%M} UTC" if status.last_poll else "not yet"
    fields = [
        ("Feeds", f"{status.feeds} ({status.failing_feeds} failing, {paused} paused)"),
        ("Last poll", last),
        ("Alerts today", str(status.alerts_today)),
        ("Waiting to be sent", str(status.pending)),
    ]
    blocks: list[Block] = [
        _header("evradar status"),
        SectionBlock(fields=[_md(f"*{name}*\n{mrkdwn(value, 200)}") for name, value in fields]),
    ]
    if status.paused_feeds:
        head = "*Paused feeds* (`evradar feeds check URL` tries one again and resumes it):"
        blocks.append(_section([head, *_pairs(status.paused_feeds)]))
    if status.paused_destinations:
        head = "*Paused destinations* (fix the cause, then `evradar destinations resume KEY`):"
        blocks.append(_section([head, *_pairs(status.paused_destinations)]))
    if status.mutes:  # every channel's, with how long each lasts
        muted = [(f"{w} in {d}", until_text(u)) for d, w, u in status.mutes]
        blocks.append(_section(["*Muted* (`/evradar unmute …`):", *_pairs(muted)]))
    summary = f"evradar status: {status.feeds} feeds, {paused} paused, {status.alerts_today} alerts today"
    return _message(blocks, summary)


def _pairs(pairs: Sequence[tuple[str, str]]) -> list[str]:
    lines = [
        f"• {mrkdwn(name, 300)} — {mrkdwn(reason or 'no reason recorded', 400)}" for name, reason in pairs[:10]
    ]
    if len(pairs) > 10:
        lines.append(f"… and {len(pairs) - 10} more.")
    return lines


def _help(answer: Help) -> Message:
    lines = [f"`{mrkdwn(usage, 200)}` — {mrkdwn(what, 600)}" for usage, what in answer.lines[:20]]
    return _message([_header("What /evradar can do"), _section(lines)], "What /evradar can do")


def _subscribed(answer: Subscribed) -> Message:
    f = answer.filters
    companies = ", ".join(f.companies) or "every company"
    kinds = ", ".join(KIND_LABELS.get(k, k) for k in f.kinds) or "every kind of deal"
    stages = ", ".join(STAGE_LABELS.get(s, s) for s in f.stages) or "every stage"
    text = f"This channel now gets alerts for {companies}; {kinds}; {stages}."
    lines = [mrkdwn(text, SECTION_MAX - 100), "`/evradar unsubscribe` stops them."]
    return _message([_section(lines)], text)


def _unsubscribed(answer: Unsubscribed) -> Message:
    if answer.existed:
        text = "This channel's subscription is removed; routes in evradar's configuration still apply."
    else:
        text = "This channel had no subscription, so nothing changed; `/evradar subscribe <companies>` starts one."
    return _message([_section([escape(text)])], text)


def _refused(answer: Refused | Attachment) -> Message:
    return _message([_section([mrkdwn(answer.message, SECTION_MAX - 10, one_line=False)])], answer.message)

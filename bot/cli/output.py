"""What the command line prints: lookups, feed lists, summaries, evaluation tables.

The work behind each command is done by :mod:`bot.run.tools` (the bot's own store, fetcher and
`/evradar` commands); this module only shows the results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, assert_never
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from ..chat.commands import DigestText, Help, Muted, Recent, Refused, Subscribed, Unsubscribed
from ..chat.files import Attachment
from ..chat.lookup import CompanyAnswer, StatusView
from ..core.errors import EvradarError
from ..core.labels import KIND_LABELS, STAGE_LABELS, date_label
from ..core.models import DeliveryFailed, EventView
from ..flow.evaluate import Score, confusion
from ..ingest.outcomes import Fetched, FetchFailed, NotModified
from ..store.feeds import FeedRow
from ..store.outbox import Waiting

if TYPE_CHECKING:  # the app (chat clients and all) is imported only by the commands that run it
    from ..run.once import Summary
    from ..run.tools import DestinationState, Tools

EXIT_OK, EXIT_FAILED = 0, 1


@contextmanager
def progress_bar(console: Console, label: str, total: int) -> Iterator[Callable[[], None]]:
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def lookup(tools: Tools, query: str, console: Console) -> int:
    """What `/evradar <query>` answers, printed; a company nobody knows is a failure."""
    answer = tools.answer(query)
    match answer:
        case CompanyAnswer():
            return _company(answer, console)
        case Recent():
            print_events("Recent partnerships", answer.events, console)
        case StatusView():
            _status(answer, console)
        case Help():
            for usage, what in answer.lines:
                console.print(f"{usage}: {what}", markup=False, highlight=False)
        case Attachment():  # files are written by `evradar graph` and `evradar export`
            console.print("In the terminal, use `evradar graph COMPANY` or `evradar export` to write the file.")
        case Subscribed() | Unsubscribed():  # only chat users subscribe channels; kept for completeness
            console.print("Subscriptions are made in a chat channel with /evradar subscribe.")
        case Refused():
            console.print(answer.message, markup=False, highlight=False)
            return EXIT_FAILED
        case Muted() | DigestText():  # channel commands; `evradar digest send` posts a digest from here
            console.print(
                "Mutes and digests belong to a chat channel: use /evradar mute or /evradar digest there."
            )
        case _:
            assert_never(answer)
    return EXIT_OK


def _status(status: StatusView, console: Console) -> None:
    console.print(
        f"{status.feeds} feeds, {len(status.paused_feeds)} paused, {status.failing_feeds} failing; "
        f"last poll {status.last_poll or 'never'}; {status.alerts_today} alerts today, "
        f"{status.pending} waiting.",
        highlight=False,
    )
    for url, reason in status.paused_feeds:
        console.print(f"  paused feed {url}: {reason}", markup=False)
    for key, reason in status.paused_destinations:
        console.print(f"  paused destination {key}: {reason}", markup=False)


def _company(answer: CompanyAnswer, console: Console) -> int:
    if not answer.company:
        hint = f" Did you mean {', '.join(answer.suggestions)}?" if answer.suggestions else ""
        console.print(f"No company called “{escape(answer.query)}” is known.{escape(hint)}")
        return EXIT_FAILED
    if not answer.events:
        hint = f" Seen lately: {', '.join(answer.suggestions)}." if answer.suggestions else ""
        console.print(f"Nothing yet for {escape(answer.company)}.{escape(hint)}")
        return EXIT_OK
    print_events(f"{answer.company}: partnership events, newest first", answer.events, console)
    return EXIT_OK


def print_events(title: str, events: tuple[EventView, ...], console: Console) -> None:
    table = Table(title=title, show_lines=True)
    for column in ("partners", "deal", "stage", "published", "sources"):
        table.add_column(column)
    for event in events:
        links = "\n".join(f"{s or 'source'}: {link}" for _, link, s in event.sources[:3])
        via = f"\n({event.via})" if event.via else ""
        table.add_row(
            escape(" × ".join(event.partners) + via),
            KIND_LABELS.get(event.kind, event.kind),
            STAGE_LABELS.get(event.stage, event.stage),
            date_label(event.published, event.first_seen),
            escape(links),
        )
    console.print(table)


async def feeds(
    tools: Tools, action: str, url: str | None, console: Console, *, check: bool = True, wide: bool = False
) -> int:
    if action in ("add", "remove", "check") and not url:
        raise EvradarError(f"`evradar feeds {action}` needs a feed URL")
    if action == "list":
        print_feeds(tools.feeds(), console, wide=wide)
        return EXIT_OK
    assert url is not None
    if action == "add":
        row = await tools.add_feed(url, check=check)
        console.print(f"Added {escape(row.url)}; `evradar run` polls it from now on.")
        return EXIT_OK
    if action == "remove":
        removed = tools.remove_feed(url)
        console.print(f"Removed {escape(url)}." if removed else f"No feed {escape(url)} was stored.")
        return EXIT_OK if removed else EXIT_FAILED
    return await _check(tools, url, console)


def print_feeds(rows: list[FeedRow], console: Console, *, wide: bool) -> None:
    """One line per feed (name, short address, status, last poll); ``wide`` adds every detail."""
    if wide:
        _print_feeds_wide(rows, console)
        return
    table = Table(title=f"{len(rows)} feeds", box=None, pad_edge=False, title_justify="left")
    # Name and address give way first, so that status and last poll always fit on one 80-column line.
    width = max(console.width - 36, 20)
    table.add_column("feed", no_wrap=True, overflow="ellipsis", max_width=width * 2 // 5)
    table.add_column("address", no_wrap=True, overflow="ellipsis", max_width=width * 3 // 5)
    table.add_column("status", no_wrap=True, min_width=len("not modified"))
    table.add_column("last poll", no_wrap=True, min_width=len("2026-01-01 00:00"))
    for row in rows:
        name = row.name or row.title or "-"
        table.add_row(escape(name), escape(short_url(row.url)), _status_of(row), _when(row))
    console.print(table)
    if rows:
        console.print("`evradar feeds list --wide` shows full addresses, items and errors.", highlight=False)


def _print_feeds_wide(rows: list[FeedRow], console: Console) -> None:
    table = Table(title=f"{len(rows)} feeds")
    for column in ("name", "feed", "status", "last poll", "items", "note"):
        table.add_column(column)
    for row in rows:
        note = row.paused_reason or row.last_error
        status, items = _status_of(row), str(row.items_seen)
        table.add_row(escape(row.label), escape(row.url), status, _when(row), items, escape(note[:120]))
    console.print(table)


def short_url(url: str) -> str:
    """A feed address without its scheme and "www.", for a one-line listing."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return parts.path.rsplit("/", 1)[-1] or url
    host = (parts.hostname or "").removeprefix("www.")
    return host + (parts.path if parts.path != "/" else "") + (f"?{parts.query}" if parts.query else "")


def _status_of(row: FeedRow) -> str:
    return "paused" if row.paused else row.last_status.replace("_", " ")


def _when(row: FeedRow) -> str:
    if not row.last_polled_at:
        return "never"
    return datetime.fromtimestamp(row.last_polled_at, tz=UTC).strftime("%Y-%m-%d %H:%M")


async def _check(tools: Tools, url: str, console: Console) -> int:
    """Fetch and parse a feed now, say what came back, and whether it was resumed."""
    check = await tools.check_feed(url)
    result = check.result
    match result:
        case FetchFailed():
            console.print(f"[red]{escape(url)} could not be read:[/] {escape(result.reason)}")
            return EXIT_FAILED
        case NotModified():
            console.print(f"{escape(url)} answered 304 Not Modified.")
            return EXIT_OK
        case Fetched():
            pass
        case _:
            assert_never(result)
    parsed = check.parsed
    assert parsed is not None  # a read body is always parsed
    if parsed.problem:
        console.print(f"[red]{escape(url)}:[/] {escape(parsed.problem)}")
        return EXIT_FAILED
    console.print(
        f"{escape(url)} is a readable feed “{escape(parsed.title)}” with {len(parsed.items)} items."
        + (f" Note: {escape(parsed.warning)}" if parsed.warning else "")
    )
    if check.resumed:
        console.print("It was paused; it is resumed and will be polled again.")
    return EXIT_OK


async def destinations(tools: Tools, action: str, key: str | None, console: Console) -> int:
    if action == "list":
        return _list_destinations(tools, console)
    if not key:
        raise EvradarError(f"`evradar destinations {action}` needs a route name or destination key; "
                           "`evradar destinations list` shows them")  # fmt: skip
    state = tools.find_destination(key)
    if state is None:
        console.print(f"evradar knows no route or destination called {escape(key)}.", highlight=False)
        _known(tools, console)
        return EXIT_FAILED
    if action == "test":
        return await _test(tools, state, console)
    if not state.paused:
        console.print(f"{escape(state.key)} is not paused; nothing to resume.", highlight=False)
        return EXIT_OK
    tools.resume_destination(state)
    console.print(
        f"Resumed {escape(state.key)}; its {state.waiting} waiting alert(s) go out on the next delivery round "
        "(the running evradar, or the next `evradar run`).",
        highlight=False,
    )
    return EXIT_OK


def _list_destinations(tools: Tools, console: Console) -> int:
    states = tools.destinations()
    table = Table(title=f"{len(states)} destinations")
    for column in ("route", "destination", "state", "waiting", "reason"):
        table.add_column(column)
    for d in states:
        state = "paused" if d.paused else "retrying" if d.waiting and d.last_error else "ok"
        reason = d.reason or (d.last_error if d.waiting else "")
        table.add_row(escape(d.route or "-"), escape(d.key), state, str(d.waiting), escape(reason[:160]))
    console.print(table)
    return EXIT_OK


def _known(tools: Tools, console: Console) -> None:
    states = tools.destinations()
    if not states:
        console.print("No route or destination is known yet.")
    for d in states:
        names = f"{d.route} ({d.key})" if d.route else d.key
        console.print(f"  {names}{' paused' if d.paused else ''}", markup=False, highlight=False)


async def _test(tools: Tools, state: DestinationState, console: Console) -> int:
    """Post one test message and say what the platform answered."""
    sent = await tools.test_destination(state)
    where = escape(f"{sent.route} ({sent.key})" if sent.route else sent.key)
    result = sent.result
    if result is None:
        console.print(f"[red]{sent.platform} is not set up[/] (no token or route for it); nothing was sent.")
        return EXIT_FAILED
    if isinstance(result, DeliveryFailed):
        console.print(
            f"[red]{escape(sent.platform)} refused the test message to {where}:[/] {escape(result.reason)}"
        )
        return EXIT_FAILED
    said = f" (message {escape(result.reference)})" if result.reference else ""
    console.print(f"{escape(sent.platform)} accepted the test message to {where}{said}.", highlight=False)
    if sent.paused:
        console.print(
            f"It is paused; `evradar destinations resume {escape(state.route or state.key)}` sends its "
            f"{state.waiting} waiting alert(s).",
            highlight=False,
        )
    return EXIT_OK


def print_summary(s: Summary, console: Console) -> None:
    console.print(
        f"Polled {s.polled} feeds: {s.polled - s.not_modified - s.failed} read, {s.not_modified} not modified, "
        f"{s.failed} failed. {s.new_items} new items, {s.alerts} new partnerships, {s.updates} updates; "
        f"{s.sent} alerts sent.",
        highlight=False,
    )
    if s.left_to_cluster:
        console.print(
            "Cluster mode: new alerts are queued in the database for the running `evradar run` instances to post.",
            highlight=False,
        )
    for failure in s.failures[:50]:
        console.print(f"  could not read {failure}", markup=False, highlight=False)
    if s.every_feed_failed:
        console.print("No feed could be read; check the network and `evradar feeds list`.", highlight=False)
    for left in s.left:
        console.print(f"{left.count} alert(s) still wait for {left.destination}: {_why(left)}", markup=False,
                      highlight=False)  # fmt: skip


def _why(left: Waiting) -> str:
    if left.paused:
        return (
            f"it is paused ({left.reason}); fix the route in the configuration and run again, or "
            f"`evradar destinations resume {left.destination}` after a fix made outside evradar."
        )
    when = datetime.fromtimestamp(left.next_attempt_at, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"the last try failed ({left.last_error or 'no reason given'}); it is retried from {when}."


def print_eval(ours: Score, baseline: Score, title: str, console: Console) -> None:
    table = Table(title=title)
    table.add_column("detector")
    for name in (
        "precision",
        "recall",
        "F1",
        "partners right",
        "kind right",
        "stage right",
        "TP",
        "FP",
        "FN",
        "TN",
    ):
        table.add_column(name, justify="right")
    for name, score, detailed in (("evradar", ours, True), ("keyword filter", baseline, False)):
        shares = [
            f"{score.share(n):.3f}" if detailed else "-"
            for n in (score.partners_right, score.kind_right, score.stage_right)
        ]
        table.add_row(
            name,
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
            *shares,
            str(score.tp),
            str(score.fp),
            str(score.fn),
            str(score.tn),
        )
    console.print(table)
    errors = Table(title="errors by category")
    errors.add_column("error")
    errors.add_column("evradar", justify="right")
    errors.add_column("keyword filter", justify="right")
    for key in sorted(set(ours.errors) | set(baseline.errors)):
        errors.add_row(key, str(ours.errors[key]), str(baseline.errors[key]))
    console.print(errors)
    for name, pairs in (("kind", ours.kinds), ("stage", ours.stages)):
        _print_confusion(name, pairs, console)


def _print_confusion(name: str, pairs: Counter[tuple[str, str]], console: Console) -> None:
    """One confusion table on true alerts: a row per expected label, a column per detected one."""
    labels, matrix = confusion(pairs)
    if not labels:
        return
    table = Table(title=f"{name} on true alerts (rows: expected, columns: detected)")
    table.add_column("expected \\ got")
    for label in labels:
        table.add_column(label or "(none)", justify="right")
    table.add_column("right", justify="right")
    for label, row in zip(labels, matrix, strict=True):
        total = sum(row)
        right = f"{row[labels.index(label)]}/{total}" if total else "-"
        table.add_row(label or "(none)", *(str(n) if n else "." for n in row), right)
    console.print(table)

"""The `evradar` command line: parses arguments, runs one command, and owns the exit status."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.markup import escape

from handlers.companies import CompanyIndex

from .. import adapters
from ..core.errors import ConfigError, EvradarError
from ..core.loading import describe
from ..core.models import Delivered, DeliveryFailed
from ..core.settings import Settings, parse_duration
from ..flow.classify import classify_input
from ..flow.detection import DEFAULT_HANDLERS, config_file, load_companies, load_handlers
from ..flow.evaluate import evaluate, is_holdout, read_labelled
from ..flow.feedback_corpus import voted_precision
from . import companies, feedback, files
from . import output as terminal

if TYPE_CHECKING:  # the app (chat clients and all) is imported only by the commands that run it
    from ..run.once import Summary

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
SHIPPED_CORPUS = "tests/data/corpus/dev.jsonl"  # the labelled corpus in evradar's repository
EXIT_FEEDS_FAILED, EXIT_LEFT_QUEUED = 3, 4  # `run --once`: no feed could be read; alerts still wait
EXIT_STATUSES = """exit status:
  0  done: run --once read feeds (a failing one is listed) and delivered every alert due
  1  a command failed (the message says why), or the database refused a write
  2  a configuration problem (every problem is listed with its key path)
  3  run --once: every feed failed
  4  run --once: alerts are left queued because of failures (the summary says which and why)"""
EXIT_PIPE_CLOSED = 141  # what a shell reports for a program ended by SIGPIPE


def quiet_stdout() -> None:
    """Send what is still to be written to standard output to /dev/null: its reader is gone (`| head`),
    and the interpreter's final flush must not fail with a traceback (as the CPython docs advise)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class Stdout(Console):
    """The terminal console; when its reader goes away, the rest of the output is dropped quietly
    and the command goes on to finish its work (a run's cycle stays whole)."""

    def on_broken_pipe(self) -> None:
        quiet_stdout()


def build_parser() -> argparse.ArgumentParser:
    # One parent for what every command that reads the configuration takes, so `--config` works
    # before or after the command name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        default=argparse.SUPPRESS,
        help="configuration file (default: $EVRADAR_CONFIG, else config/evradar.toml)",
    )
    parser = argparse.ArgumentParser(
        prog="evradar",
        parents=[common],
        description="Tells chat channels when electric-vehicle companies strike partnerships.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--verbose", action="store_true", help="log more detail")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        parents=[common],
        help="poll, detect and deliver",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--once", action="store_true", help="one full cycle: poll every feed, deliver everything due, then exit"
    )

    classify = commands.add_parser("classify", help="JSON lines in, one verdict per line out")
    classify.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    classify.add_argument(
        "--companies",
        default="",
        help="company knowledge: a folder of sector files or one file (default: config/companies/)",
    )

    evaluation = commands.add_parser("eval", parents=[common], help="score detection on a labelled JSONL corpus")
    evaluation.add_argument(
        "file", nargs="?", default="", help="labelled corpus (JSON lines with label, ev, partners, ...)"
    )
    evaluation.add_argument(
        "--feedback",
        nargs="?",
        const=feedback.FROM_STORE,
        default=None,
        metavar="FILE",
        help="precision measured from channels' votes (a `feedback export` file, else the database), "
        f"next to the corpus's (default corpus: {SHIPPED_CORPUS})",
    )
    evaluation.add_argument(
        "--split",
        choices=("all", "tune", "holdout"),
        default="all",
        help="all items, or the half used for tuning, or the half held aside (fixed by item id)",
    )
    evaluation.add_argument("--mistakes", action="store_true", help="list every wrong verdict")
    evaluation.add_argument("--companies", default="", help="company knowledge file")

    lookup = commands.add_parser(
        "lookup", parents=[common], help="a company's partnership events, as the slash command answers"
    )
    lookup.add_argument("query", nargs="+", help="company name, alias or ticker; or 'recent' or 'status'")

    feeds = commands.add_parser("feeds", parents=[common], help="manage and test feeds")
    feeds.add_argument("action", choices=("list", "add", "remove", "check"))
    feeds.add_argument("url", nargs="?", help="feed URL (for add, remove, check)")
    feeds.add_argument("--no-check", action="store_true", help="add the feed without reading it first")
    feeds.add_argument("-v", "--wide", action="store_true", help="list full addresses, items and errors")

    destinations = commands.add_parser(
        "destinations",
        parents=[common],
        help="list routes and destinations, resume a paused one, or send one a test message",
    )
    destinations.add_argument("action", choices=("list", "resume", "test"))
    destinations.add_argument(
        "key",
        nargs="?",
        help="route name or destination key (for resume and test), as `destinations list` shows it",
    )

    config = commands.add_parser(
        "config", parents=[common], help="validate the configuration and show it resolved"
    )
    config.add_argument("action", choices=("check",))

    digest = commands.add_parser("digest", parents=[common], help="send a digest now to digest routes")
    digest.add_argument("action", choices=("send",))
    digest.add_argument("--route", default="", help="only this route (its name, as `destinations list` shows it)")
    digest.add_argument("--since", default="", help="cover this long back (e.g. 24h); default: the current period")

    companies.add_parser(commands)
    files.add_commands(commands, common)
    feedback.add_commands(commands, common)
    for plugin in adapters.PLATFORMS.values():
        plugin.add_commands(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    err = Console(stderr=True)
    try:
        status = _dispatch(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers below, not at exit
        return status
    except ConfigError as exc:
        err.print(f"[red]Configuration problem:[/]\n{escape(str(exc))}", highlight=False)
        return EXIT_CONFIG
    except EvradarError as exc:
        err.print(f"[red]Error:[/] {escape(str(exc))}", highlight=False)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        quiet_stdout()
        return EXIT_PIPE_CLOSED


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "classify":
        return _classify(args)
    if args.command == "eval":
        return _eval(args, Stdout(width=None if sys.stdout.isatty() else 140))
    if args.command == "companies":
        return companies.run(args, Stdout(width=None if sys.stdout.isatty() else 140))
    from ..run.settings import check_settings, load_settings  # the platforms' sections are part of the settings

    # `--config` may come before or after the command; argparse leaves it unset when absent.
    settings = load_settings(getattr(args, "config", None), env=os.environ)
    if args.command in ("config", "run"):
        problems = check_settings(settings)
        if problems:
            raise ConfigError("\n".join(problems))
    if args.command == "config":
        Stdout().print_json(json.dumps(describe(settings), default=str))
        return EXIT_OK
    from . import logs

    logs.configure(verbose=args.verbose)
    if args.command == "run":
        return _run(settings, once=args.once)
    if args.command == "digest":
        return _digest(settings, route=args.route, since=args.since)
    platform_command = getattr(args, "platform_command", None)
    if platform_command is not None:  # a platform's own subcommand (bot.adapters)
        Stdout().print(asyncio.run(platform_command(settings, args)), highlight=False)
        return EXIT_OK
    return _tool(settings, args)


def _tool(settings: Settings, args: argparse.Namespace) -> int:
    from ..run.tools import Tools

    tools = Tools(settings)
    try:
        if args.command == "lookup":
            return terminal.lookup(tools, " ".join(args.query), Stdout())
        if args.command == "feedback":
            return feedback.export(tools, args, Stdout())
        if args.command in ("graph", "export"):
            return (files.graph if args.command == "graph" else files.export)(tools, args, Stdout())
        if args.command == "feeds":
            feeds = terminal.feeds(tools, args.action, args.url, Stdout(), check=not args.no_check, wide=args.wide)
            return asyncio.run(feeds)
        return asyncio.run(terminal.destinations(tools, args.action, args.key, Stdout()))
    finally:
        tools.close()


def _run(settings: Settings, *, once: bool) -> int:
    from ..run.access import required_token
    from ..run.app import App
    from ..run.once import run_once
    from ..run.server import bind

    server = settings.server
    if not once:
        required_token(settings)  # off loopback without a token: refuse before anything is opened or written
    # The port is taken before anything is written: a busy one must not leave the stored feeds changed.
    listening = bind(server.host, server.port) if server.enabled and not once else None
    console = Stdout()
    app = App(settings, console=console, listening=listening)

    async def main() -> int:
        try:
            if once:
                summary = await run_once(app, progress=_progress(console))
                terminal.print_summary(summary, console)
                return _once_status(summary)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            await app.run_forever(stop)
            return EXIT_OK
        finally:
            await app.close()

    return asyncio.run(main())


def _digest(settings: Settings, *, route: str, since: str) -> int:
    from ..run.app import App

    app = App(settings, console=Console())
    routes = [r for r in app.digests.routes.values() if not route or r.name == route]
    if not routes:
        Console(stderr=True).print(
            f"No digest route{' named ' + route if route else ''} is configured; give a route "
            '`digest = "daily 08:00"` in the configuration, or see `evradar destinations list` for the names.'
        )
        return EXIT_FAILED

    async def send() -> int:
        failed = 0
        try:
            app.store.migrate()
            app.refresh_routes()
            for r in routes:
                start = app.clock() - parse_duration(since) if since else app.digests.current(r).start.timestamp()
                result = await app.digests.send_now(r, since=start)
                failed += not isinstance(result, Delivered)
                said = result.reason if isinstance(result, DeliveryFailed) else "sent"
                Console().print(f"Digest for {r.name}: {said}.", markup=False, highlight=False)
        finally:
            await app.close()
        return EXIT_FAILED if failed else EXIT_OK

    return asyncio.run(send())


def _once_status(summary: Summary) -> int:
    if summary.store_failed:
        return EXIT_FAILED
    if summary.every_feed_failed:
        return EXIT_FEEDS_FAILED
    return EXIT_LEFT_QUEUED if summary.left else EXIT_OK


def _progress(console: Console) -> Callable[[int], AbstractContextManager[Callable[[], None]]]:
    """A progress bar over the feeds on a terminal; nothing otherwise."""
    if not console.is_terminal:
        return lambda total: nullcontext(lambda: None)
    return lambda total: terminal.progress_bar(console, "polling feeds", total)


def _classify(args: argparse.Namespace) -> int:
    companies = load_companies(config_file("companies", args.companies))
    handlers = load_handlers(DEFAULT_HANDLERS, companies)
    source: TextIO = sys.stdin if args.file == "-" else _open(args.file)
    with source:
        name = "stdin" if args.file == "-" else Path(args.file).name
        for verdict in classify_input(source, handlers, name=name):
            sys.stdout.write(json.dumps(verdict, ensure_ascii=False) + "\n")
    return EXIT_OK


def _open(name: str) -> TextIO:
    try:
        return Path(name).open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise EvradarError(f"cannot read {name}: {exc.strerror}; check the path") from exc


def _eval(args: argparse.Namespace, console: Console) -> int:
    if args.feedback is not None:
        return _eval_feedback(args, console)
    if not args.file:
        raise EvradarError("name a labelled corpus file to score, or use --feedback; see `evradar eval --help`")
    companies = load_companies(config_file("companies", args.companies))
    handlers = load_handlers(DEFAULT_HANDLERS, companies)
    with _open(args.file) as source:
        try:
            corpus = read_labelled(source)
        except (ValueError, KeyError) as exc:
            raise EvradarError(f"{args.file} is not a labelled corpus: {exc}") from exc
    if args.split != "all":
        corpus = [c for c in corpus if is_holdout(c.item.id) == (args.split == "holdout")]
    with terminal.progress_bar(console, "classifying", len(corpus)) as advance:
        ours, baseline = evaluate(corpus, handlers, CompanyIndex(companies), progress=advance)
    terminal.print_eval(ours, baseline, f"{args.file} ({args.split}, {len(corpus)} items)", console)
    if args.mistakes:
        for line in ours.mistakes:
            console.print(f"  {line}", markup=False, highlight=False)
    return EXIT_OK


def _eval_feedback(args: argparse.Namespace, console: Console) -> int:
    """Precision from the votes (a file, or the database), and the corpus's when there is one to score."""
    if args.feedback == feedback.FROM_STORE:
        from ..run.settings import load_settings
        from ..run.tools import Tools

        tools = Tools(load_settings(getattr(args, "config", None), env=os.environ))
        try:
            lines, source = feedback.export_lines(tools, ""), "the database"
        finally:
            tools.close()
    else:
        with _open(args.feedback) as opened:
            lines, source = opened.readlines(), args.feedback
    try:
        voted = voted_precision(lines)
    except (ValueError, AttributeError) as exc:
        raise EvradarError(f"{source} is not a `evradar feedback export` file: {exc}") from exc
    corpus_file = args.file or (SHIPPED_CORPUS if Path(SHIPPED_CORPUS).is_file() else "")
    score = None
    if corpus_file:
        companies = load_companies(config_file("companies", args.companies))
        with _open(corpus_file) as opened:
            corpus = read_labelled(opened)
        score, _ = evaluate(corpus, load_handlers(DEFAULT_HANDLERS, companies), CompanyIndex(companies))
    feedback.print_voted(voted, score, source=source, console=console)
    return EXIT_OK

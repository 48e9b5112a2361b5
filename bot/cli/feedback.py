"""`evradar feedback export` and `evradar eval --feedback`: the channels' votes as labelled lines, and the
precision they measure next to the shipped corpus."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from ..chat.files import parse_since
from ..core.errors import EvradarError
from ..flow.evaluate import Score
from ..flow.feedback_corpus import VotedPrecision

if TYPE_CHECKING:
    from ..run.tools import Tools

EXIT_OK, EXIT_FAILED = 0, 1
FROM_STORE = "-store-"  # `eval --feedback` without a file: read the votes from the configured database


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    feedback = commands.add_parser(
        "feedback", parents=[common], help="the channels' votes on alerts, as labelled corpus lines"
    )
    feedback.add_argument("action", choices=("export",))
    feedback.add_argument("--since", default="", help="only votes cast in this period, such as 30d")
    feedback.add_argument("--out", default="", help="file to write (default: standard output)")


def export_lines(tools: Tools, since: str) -> list[str]:
    try:
        after = parse_since(since) if since else None
    except ValueError as exc:
        raise EvradarError(f"--since {exc}") from None
    return [json.dumps(line, ensure_ascii=False) + "\n" for line in tools.feedback_lines(since=after)]


def export(tools: Tools, args: argparse.Namespace, console: Console) -> int:
    """Write the voted stories; none means a sentence on standard error and exit 1."""
    lines = export_lines(tools, args.since)
    if not lines:
        Console(stderr=True).print(
            "No votes yet: alerts in chat get Useful / Not a partnership / Wrong companies / Not EV buttons; "
            "export again once channels have used them.",
            markup=False,
            highlight=False,
        )
        return EXIT_FAILED
    if not args.out:
        sys.stdout.writelines(lines)
        sys.stdout.flush()
        return EXIT_OK
    try:
        Path(args.out).write_text("".join(lines), encoding="utf-8")
    except OSError as exc:
        raise EvradarError(f"cannot write {args.out}: {exc.strerror}; choose another --out") from exc
    console.print(
        f"{len(lines)} voted stories written to {Path(args.out).resolve()}.", markup=False, highlight=False
    )
    return EXIT_OK


def print_voted(voted: VotedPrecision, corpus: Score | None, *, source: str, console: Console) -> None:
    """Precision from the votes, next to the shipped corpus's when one was scored."""
    console.print(
        f"precision measured from votes ({source}): {voted.precision:.3f} — {voted.right} of {voted.alerts} "
        f"voted alerts were right ({voted.votes} votes from {voted.channels} channel(s))",
        markup=False,
        highlight=False,
    )
    if corpus is not None:
        console.print(
            f"precision on the shipped corpus: {corpus.precision:.3f} (TP {corpus.tp}, FP {corpus.fp})",
            markup=False,
            highlight=False,
        )

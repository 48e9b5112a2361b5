"""`evradar graph` and `evradar export`: write the network picture or the events table to a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from ..chat.files import TABLES, Attachment, parse_since
from ..core.errors import EvradarError

if TYPE_CHECKING:
    from ..run.tools import Tools

EXIT_OK, EXIT_FAILED = 0, 1


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    graph = commands.add_parser(
        "graph", parents=[common], help="draw a company's partnership network from stored events"
    )
    graph.add_argument("company", nargs="+", help="company name, alias or ticker")
    graph.add_argument("--out", default="", help="FILE.png or FILE.svg (default: <company>-network.png here)")
    graph.add_argument("--depth", type=int, choices=(1, 2), default=1, help="1: its partners; 2: theirs too")
    graph.add_argument("--since", default="", help="only deals published in this period, such as 2y or 90d")
    export = commands.add_parser("export", parents=[common], help="every stored event, one row each")
    export.add_argument("--format", choices=TABLES, default="csv", help="csv (UTF-8 with BOM), json or jsonl")
    export.add_argument("--since", default="", help="only events published in this period, such as 30d")
    export.add_argument("--company", default="", help="only events naming this company")
    export.add_argument("--out", default="", help="file to write (default: standard output)")


def graph(tools: Tools, args: argparse.Namespace, console: Console) -> int:
    """Draw the picture and say where it went; no events means a sentence, exit 1 and no file."""
    company = " ".join(args.company)
    out = Path(args.out) if args.out else None
    fmt = (out.suffix.lower().lstrip(".") if out else "png") or "png"
    if fmt not in ("png", "svg"):
        raise EvradarError(f"{args.out} should end in .png or .svg; evradar draws those two formats.")
    made = tools.files.graph(company, fmt="svg" if fmt == "svg" else "png", depth=args.depth, since=_since(args))
    if isinstance(made, str):
        console.print(made, markup=False, highlight=False)
        return EXIT_FAILED
    target = out or Path(made.filename)
    _write(target, made)
    console.print(f"{made.message} Written to {target.resolve()}.", markup=False, highlight=False)
    return EXIT_OK


def export(tools: Tools, args: argparse.Namespace, console: Console) -> int:
    made = tools.files.export(fmt=args.format, company=args.company, since=_since(args))
    if isinstance(made, str):
        Console(stderr=True).print(made, markup=False, highlight=False)
        return EXIT_FAILED
    if not args.out:
        sys.stdout.buffer.write(made.data)
        sys.stdout.buffer.flush()
        return EXIT_OK
    _write(Path(args.out), made)
    console.print(f"{made.message} Written to {Path(args.out).resolve()}.", markup=False, highlight=False)
    return EXIT_OK


def _since(args: argparse.Namespace) -> float | None:
    if not args.since:
        return None
    try:
        return parse_since(args.since)
    except ValueError as exc:
        raise EvradarError(f"--since {exc}") from None


def _write(path: Path, made: Attachment) -> None:
    try:
        path.write_bytes(made.data)
    except OSError as exc:
        raise EvradarError(f"cannot write {path}: {exc.strerror}; choose another --out") from exc

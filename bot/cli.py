"""The `evradar` command line: parses arguments, runs one command, and owns the exit status."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from handlers.companies import CompanyIndex

from .classify import classify_lines
from .detection import DEFAULT_HANDLERS, config_file, load_companies, load_handlers
from .errors import ConfigError, EvradarError
from .evaluate import Score, evaluate, is_holdout, read_labelled

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evradar",
        description="Tells Slack and Discord channels when electric-vehicle companies strike partnerships.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    classify = commands.add_parser("classify", help="JSON lines in, one verdict per line out")
    classify.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    classify.add_argument(
        "--companies", default="", help="company knowledge file (default: config/companies.toml)"
    )

    evaluation = commands.add_parser("eval", help="score detection on a labelled JSONL corpus")
    evaluation.add_argument("file", help="labelled corpus (JSON lines with label, ev, partners, ...)")
    evaluation.add_argument(
        "--split",
        choices=("all", "tune", "holdout"),
        default="all",
        help="all items, or the tuning four-fifths, or the held-out fifth",
    )
    evaluation.add_argument("--mistakes", action="store_true", help="list every wrong verdict")
    evaluation.add_argument("--companies", default="", help="company knowledge file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    err = Console(stderr=True)
    try:
        if args.command == "classify":
            return _classify(args)
        if args.command == "eval":
            return _eval(args, Console())
    except ConfigError as exc:
        err.print(f"[red]Configuration problem:[/] {exc}")
        return EXIT_CONFIG
    except EvradarError as exc:
        err.print(f"[red]Error:[/] {exc}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    return EXIT_FAILED


def _classify(args: argparse.Namespace) -> int:
    companies = load_companies(config_file("companies.toml", args.companies))
    handlers = load_handlers(DEFAULT_HANDLERS, companies)
    source: TextIO = sys.stdin if args.file == "-" else _open(args.file)
    with source:
        for verdict in classify_lines(source, handlers):
            sys.stdout.write(json.dumps(verdict, ensure_ascii=False) + "\n")
    return EXIT_OK


def _open(name: str) -> TextIO:
    try:
        return Path(name).open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise EvradarError(f"cannot read {name}: {exc.strerror}; check the path") from exc


def _eval(args: argparse.Namespace, console: Console) -> int:
    companies = load_companies(config_file("companies.toml", args.companies))
    handlers = load_handlers(DEFAULT_HANDLERS, companies)
    with _open(args.file) as source:
        try:
            corpus = read_labelled(source)
        except (ValueError, KeyError) as exc:
            raise EvradarError(f"{args.file} is not a labelled corpus: {exc}") from exc
    if args.split != "all":
        corpus = [c for c in corpus if is_holdout(c.item.id) == (args.split == "holdout")]
    with Progress(
        TextColumn("classifying"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("classify", total=len(corpus))
        ours, baseline = evaluate(corpus, handlers, CompanyIndex(companies), progress=lambda: bar.advance(task))
    console.print(_eval_table(ours, baseline, f"{args.file} ({args.split}, {len(corpus)} items)"))
    console.print(_error_table(ours, baseline))
    if args.mistakes:
        for line in ours.mistakes:
            console.print(f"  {line}", markup=False, highlight=False)
    return EXIT_OK


def _eval_table(ours: Score, baseline: Score, title: str) -> Table:
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
    return table


def _error_table(ours: Score, baseline: Score) -> Table:
    table = Table(title="errors by category")
    table.add_column("error")
    table.add_column("evradar", justify="right")
    table.add_column("keyword filter", justify="right")
    for key in sorted(set(ours.errors) | set(baseline.errors)):
        table.add_row(key, str(ours.errors[key]), str(baseline.errors[key]))
    return table

"""`evradar companies check|find`: the company knowledge checked file by file, and asked about a text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from handlers.companies import CompanyIndex
from handlers.company_report import CompanyCheck, Found, check_companies, explain

from ..core.errors import EvradarError
from ..flow.detection import config_file, load_companies, read_company_files

EXIT_OK, EXIT_CONFIG = 0, 2


def add_parser(commands: Any) -> None:
    """The `companies` command and its options."""
    parser = commands.add_parser(
        "companies", help="check the company knowledge, or see which companies a text names and why"
    )
    parser.add_argument("action", choices=("check", "find"))
    parser.add_argument("text", nargs="*", help="for find: the text to read (none or - reads standard input)")
    parser.add_argument(
        "--companies",
        default="",
        help="company knowledge: a folder of sector files or one file (default: config/companies/)",
    )


def run(args: argparse.Namespace, console: Console) -> int:
    path = config_file("companies", args.companies)
    if args.action == "check":
        report = check_companies(read_company_files(path))
        print_check(report, str(path), console)
        return EXIT_OK if report.ok else EXIT_CONFIG
    text = " ".join(args.text)
    if text in ("", "-"):
        text = sys.stdin.read()
    if not text.strip():
        raise EvradarError('give a text to read, e.g. evradar companies find "Xiaomi in talks with GWM"')
    print_found(explain(CompanyIndex(load_companies(path)), text), console)
    return EXIT_OK


def print_check(report: CompanyCheck, where: str, console: Console) -> None:
    table = Table(title=f"company knowledge in {where}")
    table.add_column("file")
    table.add_column("companies", justify="right")
    table.add_column("sectors")
    for count in report.files:
        sectors = ", ".join(f"{name} {n}" for name, n in count.sectors)
        table.add_row(escape(Path(count.file).name), str(count.companies), sectors)
    console.print(table)
    countries = ", ".join(f"{code} {n}" for code, n in report.countries[:12])
    console.print(
        f"{report.companies} companies, {report.aliases} aliases, {report.tickers} tickers, "
        f"{report.local_script_names} names in Chinese, Japanese or Korean script, "
        f"{report.groups} groups whose short name can mean one of their units.\n"
        f"Most companies by country: {countries}.",
        highlight=False,
    )
    if report.ok:
        console.print("[green]No problems found.[/]")
        return
    console.print(f"[red]{len(report.problems)} problem(s); fix these lines:[/]")
    for problem in report.problems:
        console.print(f"  {escape(str(problem))}", highlight=False)


def print_found(found: tuple[Found, ...], console: Console) -> None:
    if not found:
        console.print("No company found in that text.")
        return
    table = Table()
    table.add_column("company")
    table.add_column("as written")
    table.add_column("sector")
    table.add_column("why")
    for each in found:
        name = each.name if each.known else f"{each.name} (not in the list)"
        table.add_row(escape(name), escape(each.surface), each.sector or "-", escape(each.reason))
    console.print(table)

"""How long the partnership-network picture takes for one busy company in a large store, and peak memory.

Builds 10,000 store-like partnership events (deterministic) between the companies of
config/companies/, one hub with 40 partners among them, then times building the hub's
network and rendering it as PNG and SVG, at depth 1 and 2. Each time is the best of
several rounds; the first render, which loads fonts, is shown apart.

    python bench/graph.py [--events 10000] [--partners 40] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.chat.graph import Link, network, render  # noqa: E402
from bot.core.models import KINDS  # noqa: E402

T = TypeVar("T")
HUB = "Xiaomi"
STAGES = ("announced",) * 6 + ("talks",) * 3 + ("ended",)  # most reported deals are done deals


def companies() -> dict[str, str]:
    """Name → sector of every company evradar knows."""
    known: dict[str, str] = {}
    for file in sorted((ROOT / "config" / "companies").glob("*.toml")):
        for entry in tomllib.loads(file.read_text(encoding="utf-8")).get("company", []):
            known[entry["name"]] = entry.get("sector", "other")
    return known


def store_links(events: int, partners: int, seed: int = 2026) -> list[Link]:
    """``events`` links as the store would give them: the hub's deals with ``partners`` companies
    (several events each), and everyone else's deals between random pairs that leave the hub out."""
    rng = random.Random(seed)
    sector = companies()
    names = sorted(n for n in sector if n != HUB)
    friends = rng.sample(names, partners)
    links: list[Link] = []

    def link(a: str, b: str) -> Link:
        return Link(a, b, rng.choice(KINDS), rng.choice(STAGES), rng.randint(2015, 2026), sector[a], sector[b])

    for i in range(partners * 3):
        links.append(link(HUB, friends[i % partners]))
    while len(links) < events:
        a, b = rng.sample(names, 2)
        links.append(link(a, b))
    return links


def best(rounds: int, work: Callable[[], T]) -> tuple[float, T]:
    """The shortest of ``rounds`` timings of ``work``, and what it returned."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--partners", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    links = store_links(args.events, args.partners)
    print(
        f"{len(links)} events between {len({n for x in links for n in (x.a, x.b)})} companies; "
        f"{HUB} has {args.partners} partners"
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    render(network(links, center=HUB), center=HUB, fmt="png")
    print(f"first render (loads fonts)   {time.perf_counter() - started:6.3f} s")
    for depth in (1, 2):
        took, graph = best(args.rounds, lambda d=depth: network(links, center=HUB, depth=d))
        shown = f"{graph.number_of_nodes()} companies, {graph.number_of_edges()} deals"
        omitted = graph.graph["omitted"]
        print(f"depth {depth} network              {took:6.3f} s   ({shown}, {omitted} more left out)")
        for fmt in ("png", "svg"):
            took, picture = best(args.rounds, lambda f=fmt, g=graph: render(g, center=HUB, fmt=f))
            print(f"depth {depth} render {fmt}           {took:6.3f} s   ({len(picture) / 1024:.0f} KB)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    before = f"{rss_before:.0f} MB before drawing: libraries loaded, events built"
    print(f"peak memory                  {peak:6.0f} MB   ({before})")


if __name__ == "__main__":
    main()

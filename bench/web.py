"""How fast the web pages, the lookup, the export and the network picture are on a store of 10,000 events.

Seeds a SQLite store (deterministic) with events between the companies of config/companies/, one
hub (Xiaomi) with 40 partners among them, each event with one to three sources; then serves the
pages on 127.0.0.1 the way `evradar run` does and times each request over HTTP. Each time is the
best of several rounds; the first, which imports and draws, is shown apart where it differs.
Targets: pages and lookups under 300 ms, the picture under 2 s, exporting everything under 5 s.

    python bench/web.py [--events 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bot.chat.files import Files  # noqa: E402
from bot.chat.lookup import Lookup  # noqa: E402
from bot.core.models import KINDS, STAGES  # noqa: E402
from bot.flow.detection import config_file, load_companies  # noqa: E402
from bot.run.server import Server  # noqa: E402
from bot.run.settings import Settings  # noqa: E402
from bot.run.web import Pages  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.schema import event_companies, events, sources  # noqa: E402
from handlers.companies import CompanyIndex  # noqa: E402

HUB = "Xiaomi"
TARGETS = {"page": 0.3, "lookup": 0.3, "graph": 2.0, "export": 5.0}


def seed(store: Store, names: list[str], count: int) -> None:
    """``count`` events over the last five years; the hub deals with 40 companies."""
    rng = random.Random(7)
    partners = rng.sample([n for n in names if n != HUB], 40)
    now = time.time()
    rows, named, reported = [], [], []
    for i in range(1, count + 1):
        pair = (HUB, partners[i % 40]) if i % 50 == 0 else tuple(rng.sample(names, 2))
        when = now - rng.uniform(0, 5 * 365 * 86400)
        title = f"{pair[0]} and {pair[1]} agree a battery and software deal, report {i}"
        rows.append(
            {
                "id": i, "partners_key": "|".join(sorted(pair)), "partners": json.dumps(pair),
                "kind": rng.choice(KINDS), "stage": rng.choice(STAGES), "score": 0.9, "title": title,
                "link": f"https://news.example/{i}", "evidence": f"{pair[0]} and {pair[1]} signed an agreement.",
                "tickers": "[]", "reasons": "[]", "first_seen": when, "last_seen": when, "version": 1,
            }
        )  # fmt: skip
        named += [{"event_id": i, "company": name} for name in pair]
        for s in range(rng.randint(1, 3)):
            reported.append(
                {
                    "event_id": i, "link_key": f"{i}-{s}", "title": title, "link": f"https://news.example/{i}/{s}",
                    "source": f"Wire {s}", "published": when + s * 3600, "added_at": when + s * 3600,
                }
            )  # fmt: skip

    def write(conn) -> None:  # type: ignore[no-untyped-def]
        conn.execute(insert(events), rows)
        conn.execute(insert(event_companies), named)
        conn.execute(insert(sources), reported)

    store.run(write)


def best(label: str, work: Callable[[], object], rounds: int, target: float) -> None:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    _report(label, times, target)


async def best_async(label: str, work: Callable[[], Awaitable[object]], rounds: int, target: float) -> None:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    _report(label, times, target)


def _report(label: str, times: list[float], target: float) -> None:
    first, fastest = times[0], min(times)
    verdict = "ok" if fastest < target else "SLOW"
    shown = f"best {fastest * 1000:8.1f} ms   first {first * 1000:8.1f} ms"
    print(f"{label:<38} {shown}   target {target * 1000:.0f} ms  {verdict}")


async def pages(lookup: Lookup, rounds: int) -> None:
    server = Server(health=_health, metrics=_metrics)
    Pages(Settings(), lookup).mount(server.app)
    await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.port}"
    async with aiohttp.ClientSession() as session:

        def get(path: str) -> Callable[[], Awaitable[object]]:
            async def fetch() -> object:
                async with session.get(base + path) as response:
                    assert response.status == 200, (path, response.status)
                    return await response.read()

            return fetch

        for path in ("/", "/?company=xiaomi", "/?q=battery+software&kind=supply", "/?since=2024-01-01",
                     "/company/xiaomi", "/company/BYD", "/feeds", "/destinations"):  # fmt: skip
            await best_async(f"page {path}", get(path), rounds, TARGETS["page"])
    await server.stop()


async def _health() -> dict[str, object]:
    return {"status": "ok"}


async def _metrics() -> bytes:
    return b""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    companies = load_companies(config_file("companies"))
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        store.migrate()
        started = time.perf_counter()
        seed(store, sorted(c.name for c in companies), args.events)
        print(f"seeded {args.events} events in {time.perf_counter() - started:.1f} s (SQLite)")
        lookup = Lookup(store, CompanyIndex(companies))
        files = Files(lookup)
        best(
            "lookup xiaomi (resolve + 10 events)", lambda: lookup.company("xiaomi"), args.rounds, TARGETS["lookup"]
        )
        best("lookup 'GWM' by alias", lambda: lookup.company("GWM"), args.rounds, TARGETS["lookup"])
        best("lookup recent", lookup.recent, args.rounds, TARGETS["lookup"])
        best("graph xiaomi PNG (40 partners)", lambda: files.graph("xiaomi"), args.rounds, TARGETS["graph"])
        best("graph xiaomi SVG depth 2", lambda: files.graph("xiaomi", fmt="svg", depth=2), 2, TARGETS["graph"])
        exported = files.export(fmt="csv")
        size = len(exported.data) if not isinstance(exported, str) else 0
        best(f"export all as CSV ({size // 1024} KiB)", lambda: files.export(fmt="csv"), 3, TARGETS["export"])
        best("export all as JSON lines", lambda: files.export(fmt="jsonl"), 3, TARGETS["export"])
        asyncio.run(pages(lookup, args.rounds))
        store.close()


if __name__ == "__main__":
    main()

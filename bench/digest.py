"""How fast a digest is built and rendered from a store of 10,000 events.

Seeds the same deterministic SQLite store as bench/web.py (events over five years), then times
building a route's digest from the store (filters and mutes applied) and rendering it for Slack and
Discord within their limits: this week's digest, `evradar digest send --since 30d`, and a year's worth
as a stress case. Each time is the best of several rounds. Target: a digest under 300 ms.

    python bench/digest.py [--events 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from web import seed  # noqa: E402

from bot.adapters.discord.digest import digest_pages  # noqa: E402
from bot.adapters.slack.digest import digest_messages  # noqa: E402
from bot.core.digest import Digest  # noqa: E402
from bot.core.models import Destination  # noqa: E402
from bot.core.schedule import parse_schedule  # noqa: E402
from bot.flow.detection import config_file, load_companies  # noqa: E402
from bot.flow.digest import DigestRoute, DigestSender  # noqa: E402
from bot.flow.router import Rule  # noqa: E402
from bot.store import Store  # noqa: E402

TARGET_MS = 300.0
DAY = 86400.0


def timed(label: str, work: Callable[[], object], rounds: int) -> object:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    verdict = "ok" if min(times) < TARGET_MS else "SLOW"
    print(
        f"{label:<52} best {min(times):8.1f} ms   first {times[0]:8.1f} ms   target {TARGET_MS:.0f} ms  {verdict}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    companies = load_companies(config_file("companies"))
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        store.migrate()
        seed(store, sorted(c.name for c in companies), args.events)
        route = DigestRoute("weekly", Rule(Destination("slack", "C1")), parse_schedule("weekly mon 08:00"), UTC)
        sender = DigestSender(store=store, routes=[route], notifiers={})
        now = time.time()
        for label, since in (("this week", None), ("since 30d", now - 30 * DAY), ("since 365d", now - 365 * DAY)):
            digest = timed(f"build digest, {label}", lambda s=since: sender.current(route, since=s), args.rounds)
            assert isinstance(digest, Digest)
            count = len(digest.events)
            timed(f"  render for Slack ({count} events)", lambda d=digest: digest_messages(d), args.rounds)
            timed(f"  render for Discord ({count} events)", lambda d=digest: digest_pages(d), args.rounds)
        store.close()


if __name__ == "__main__":
    main()

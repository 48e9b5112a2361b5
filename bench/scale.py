"""Cluster mode at scale: 5,000 feeds of 50 items on one PostgreSQL, with one instance and with two.

For each instance count, on a fresh database:
- cold start: every feed is new (250,000 items read and classified);
- one steady cycle: 20% of the feeds change (five new items each, twenty of them partnership news),
  every feed is made due at the same moment T, and the instances poll all 5,000 (the rest answer
  304). It prints the cycle time, feeds per second, the latency from T (the items appearing) to each
  alert arriving at a fake chat server, the peak memory of each instance (its process tree), and the
  PostgreSQL statements run per feed (pg_stat_statements).

    python bench/scale.py [--feeds 5000] [--items 50] [--instances 1,2]

It starts its own throwaway PostgreSQL (with pg_stat_statements) unless EVRADAR_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.memory import tree_rss_mb  # noqa: E402
from bot.flow.detection import config_file, load_companies  # noqa: E402
from bot.flow.evaluate import read_labelled  # noqa: E402
from bot.ingest.feeds import parse_feed  # noqa: E402
from bot.store.events import partners_key  # noqa: E402
from handlers import HandlerContext  # noqa: E402
from handlers.ev_partnership import EvPartnershipHandler  # noqa: E402
from tests.fakes import clean_environment  # noqa: E402
from tests.slack_fake import FakeSlack  # noqa: E402

STORIES_PER_CYCLE, CHANGING, NEW_ITEMS = 20, 0.2, 5
INTERVAL = 600.0  # the default polling interval: the latency target is this plus 5 seconds


# -- what the feeds say -----------------------------------------------------------------------------


def pools() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(ordinary items from real feeds, partnership stories with distinct partners), as (title, summary)."""
    handler = EvPartnershipHandler(HandlerContext(companies=load_companies(config_file("companies"))))
    ordinary = []
    for path in sorted((ROOT / "tests" / "data" / "feeds" / "real").glob("*.xml")):
        for item in parse_feed(path.read_bytes(), url=path.as_uri()).items:
            found = handler.detect(item)
            if item.title and not (found and found.alert):
                ordinary.append((item.title, item.summary[:400]))
    stories: dict[str, tuple[str, str]] = {}
    with (ROOT / "tests" / "data" / "corpus" / "dev.jsonl").open(encoding="utf-8") as lines:
        for case in read_labelled(lines):
            found = handler.detect(case.item) if case.positive else None
            if found and found.alert:
                stories.setdefault(partners_key(found.partners), (case.item.title, case.item.summary))
    return ordinary, list(stories.values())


def feed_body(f: int, version: int, items: int, ordinary: list[tuple[str, str]], stories: list) -> bytes:
    """Feed ``f`` as of ``version``: its newest ``items`` items; a changing feed gains NEW_ITEMS per version."""
    changes = f % int(1 / CHANGING) == 0
    newest = version * NEW_ITEMS if changes else 0
    when = format_datetime(datetime.now(UTC))
    changing_index = f // int(1 / CHANGING)
    parts = [f'<?xml version="1.0"?><rss version="2.0"><channel><title>feed {f}</title>']
    for n in range(newest, newest - items, -1):
        title, summary = ordinary[(f * 131 + n) % len(ordinary)]
        story = version > 0 and n > newest - NEW_ITEMS and n == newest and changing_index < STORIES_PER_CYCLE
        if story:
            title, summary = stories[(version * STORIES_PER_CYCLE + changing_index) % len(stories)]
        parts.append(
            f"<item><title>{html.escape(title)}</title><link>https://bench.example/{f}/{n}</link>"
            f"<guid>bench-{f}-{n}</guid><pubDate>{when}</pubDate>"
            f"<description>{html.escape(summary)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def serve(port: int, feeds: int, items: int, version: multiprocessing.Value, ready: multiprocessing.Event) -> None:  # type: ignore[valid-type]
    """The feed server (its own process): every feed, with ETags, at the current version."""
    from aiohttp import web

    ordinary, stories = pools()
    cache: dict[tuple[int, int], tuple[bytes, str]] = {}

    def body(f: int) -> tuple[bytes, str]:
        v = version.value if f % int(1 / CHANGING) == 0 else 0  # type: ignore[attr-defined]
        if (f, v) not in cache:
            data = feed_body(f, v, items, ordinary, stories)
            cache[(f, v)] = (data, f'"{f}-{v}"')
        return cache[(f, v)]

    async def handle(request: web.Request) -> web.Response:
        f = int(request.match_info["n"])
        if f >= feeds:
            return web.Response(status=404)
        data, tag = body(f)
        if request.headers.get("If-None-Match") == tag:
            return web.Response(status=304, headers={"ETag": tag})
        return web.Response(body=data, content_type="application/rss+xml", headers={"ETag": tag})

    app = web.Application()
    app.router.add_get("/feed/{n:\\d+}.xml", handle)

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=4096).start()
        ready.set()  # type: ignore[attr-defined]
        await asyncio.Event().wait()

    asyncio.run(main())


# -- measuring ----------------------------------------------------------------------------------------


class Instances:
    def __init__(self, count: int, env: dict[str, str], folder: Path) -> None:
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                stdout=(folder / f"instance-{n}.log").open("w"), stderr=subprocess.STDOUT,
            )
            for n in range(count)
        ]  # fmt: skip
        self.peak = [0.0] * count

    def sample(self) -> None:
        for n, proc in enumerate(self.procs):
            self.peak[n] = max(self.peak[n], tree_rss_mb(proc.pid))

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            proc.wait(timeout=60)


async def wait_until(check, instances: Instances, *, limit: float) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while not await asyncio.to_thread(check):
        instances.sample()
        if time.monotonic() - started > limit:
            raise TimeoutError(f"not done after {limit:.0f} s")
        await asyncio.sleep(0.5)
    return time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


async def measure(count: int, server: str, port: int, version, args: argparse.Namespace) -> dict[str, object]:  # type: ignore[no-untyped-def]
    name = f"evradar_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.rsplit("/", 1)[0] + f"/{name}"
    db = create_engine(url, isolation_level="AUTOCOMMIT")
    with db.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
    chat = await FakeSlack(clock=time.time).start()
    version.value = 0
    env = clean_environment()
    env.update({
        "EVRADAR_STORAGE__URL": url,
        "EVRADAR_CLUSTER__ENABLED": "true",
        "EVRADAR_CLUSTER__CONCURRENCY": "50",
        "EVRADAR_POLLING__BACKFILL": "all",
        "EVRADAR_POLLING__PER_HOST": "50",
        "EVRADAR_POLLING__CONCURRENCY": "50",
        "EVRADAR_SERVER__ENABLED": "false",
        "EVRADAR_SLACK__API_URL": chat.api_url,
        "EVRADAR_ROUTES": json.dumps([{"platform": "slack", "webhook_url": chat.webhook_url("alerts")}]),
    })  # fmt: skip

    def polled_since(moment: float) -> bool:
        with db.connect() as conn:
            if conn.execute(text("SELECT to_regclass('feeds')")).scalar() is None:
                return False  # the instances have not created the schema yet
            done = conn.execute(
                text("SELECT count(*) FROM feeds WHERE last_polled_at >= :t"), {"t": moment}
            ).scalar_one()
        return int(done) >= args.feeds

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "scale.toml"  # too many feeds for an environment variable
        config.write_text(
            "".join(f'[[feeds]]\nurl = "http://127.0.0.1:{port}/feed/{f}.xml"\n' for f in range(args.feeds))
        )
        env["EVRADAR_CONFIG"] = str(config)
        instances = Instances(count, env, Path(tmp))
        try:
            cold = await wait_until(lambda: polled_since(0.0), instances, limit=1800)
            await wait_until(lambda: _outbox_empty(db), instances, limit=600)
            version.value = 1
            with db.connect() as conn:
                conn.execute(text("SELECT pg_stat_statements_reset()"))
                posted_before = len(chat.calls("/webhook/alerts"))
                moment = time.time()
                conn.execute(text("UPDATE feeds SET next_poll_at = :t"), {"t": moment})
            cycle = await wait_until(lambda: polled_since(moment), instances, limit=1800)
            await wait_until(lambda: len(chat.calls("/webhook/alerts")) - posted_before >= STORIES_PER_CYCLE,
                             instances, limit=600)  # fmt: skip
            with db.connect() as conn:
                statements = conn.execute(
                    text("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = "
                         "(SELECT oid FROM pg_database WHERE datname = current_database())")
                ).scalar_one()  # fmt: skip
        finally:
            instances.stop()
            await chat.stop()
    latencies = [r.at - moment for r in chat.calls("/webhook/alerts")[posted_before:]]
    db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    return {
        "instances": count,
        "cold": cold,
        "cycle": cycle,
        "feeds_per_second": args.feeds / cycle,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "alerts": len(latencies),
        "peak": instances.peak,
        "queries_per_feed": float(statements) / args.feeds,
    }


def _outbox_empty(db) -> bool:  # type: ignore[no-untyped-def]
    with db.connect() as conn:
        return not conn.execute(text("SELECT count(*) FROM deliveries WHERE status = 'pending'")).scalar_one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--instances", default="1,2")
    args = parser.parse_args()
    server = os.environ.get("EVRADAR_TEST_POSTGRES_URL")
    if not server:  # start our own PostgreSQL, with pg_stat_statements, and run again inside it
        env = {**os.environ, "EVRADAR_TEST_POSTGRES_OPTIONS": "-c shared_preload_libraries=pg_stat_statements"}
        command = [sys.executable, "-m", "tests.with_postgres", sys.executable, __file__, *sys.argv[1:]]
        sys.exit(subprocess.run(command, cwd=ROOT, env=env).returncode)
    port = _free_port()
    version = multiprocessing.Value("i", 0)
    ready = multiprocessing.Event()
    feed_server = multiprocessing.Process(
        target=serve, args=(port, args.feeds, args.items, version, ready), daemon=True
    )
    feed_server.start()
    ready.wait(300)
    rows = []
    try:
        for count in (int(c) for c in args.instances.split(",")):
            print(f"measuring {count} instance(s) over {args.feeds} feeds x {args.items} items ...", flush=True)
            rows.append(asyncio.run(measure(count, server, port, version, args)))
    finally:
        feed_server.terminate()
    print(f"\n{args.feeds} feeds x {args.items} items; steady cycle: {CHANGING:.0%} of feeds change "
          f"({NEW_ITEMS} new items each, {STORIES_PER_CYCLE} partnerships), every feed due at once")  # fmt: skip
    print(f"{'instances':>9} {'cold start':>11} {'cycle':>8} {'feeds/s':>8} {'p50 post':>9} {'p99 post':>9} "
          f"{'alerts':>6} {'peak MB per instance':>22} {'PG statements/feed':>19}")  # fmt: skip
    for r in rows:
        peaks = " / ".join(f"{p:.0f}" for p in r["peak"])  # type: ignore[attr-defined]
        print(f"{r['instances']:>9} {r['cold']:>10.1f}s {r['cycle']:>7.1f}s {r['feeds_per_second']:>8.0f} "
              f"{r['p50']:>8.1f}s {r['p99']:>8.1f}s {r['alerts']:>6} {peaks:>22} "
              f"{r['queries_per_feed']:>19.1f}")  # fmt: skip
    print(
        f"targets: cycle < 120 s on one instance; p99 post < {INTERVAL + 5:.0f} s (poll interval + 5 s); "
        "peak < 500 MB per instance"
    )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    main()

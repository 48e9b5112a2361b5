"""One polling cycle over many feeds: cold, then with every feed answering 304, and peak memory.

A separate process serves N feeds of M items each on 127.0.0.1 (items taken from the real
feed snapshots under tests/data, every item dated now so that all of them are read and
classified); the bot polls them all with `run --once` semantics and a quiet destination.

    python bench/pipeline.py [--feeds 1000] [--items 50]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import io
import multiprocessing
import os
import resource
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from bench.memory import PeakMemory  # noqa: E402
from bot.ingest.feeds import parse_feed  # noqa: E402
from bot.run.settings import (  # noqa: E402
    FeedSettings,
    PollingSettings,
    RouteSettings,
    ServerSettings,
    Settings,
    StorageSettings,
)


def sample_items() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "tests" / "data" / "feeds" / "real").glob("*.xml")):
        for item in parse_feed(path.read_bytes(), url=path.as_uri()).items:
            if item.title:
                out.append((item.title, item.summary[:500]))
    return out


def feed_bodies(feeds: int, items: int) -> dict[str, bytes]:
    pool = sample_items()
    when = format_datetime(datetime.now(UTC))
    bodies = {}
    for f in range(feeds):
        parts = [f'<?xml version="1.0"?><rss version="2.0"><channel><title>feed {f}</title>']
        for i in range(items):
            title, summary = pool[(f * items + i) % len(pool)]
            parts.append(
                f"<item><title>{html.escape(title)}</title><link>https://bench.example/{f}/{i}</link>"
                f"<guid>bench-{f}-{i}</guid><pubDate>{when}</pubDate>"
                f"<description>{html.escape(summary)}</description></item>"
            )
        parts.append("</channel></rss>")
        bodies[f"/feed/{f}.xml"] = "".join(parts).encode()
    return bodies


def serve(port: int, feeds: int, items: int, ready: multiprocessing.Event) -> None:  # type: ignore[valid-type]
    from aiohttp import web

    bodies = feed_bodies(feeds, items)
    tags = {path: '"' + hashlib.sha1(body).hexdigest() + '"' for path, body in bodies.items()}

    async def handle(request: web.Request) -> web.Response:
        path = request.path
        if path not in bodies:
            return web.Response(status=404)
        if request.headers.get("If-None-Match") == tags[path]:
            return web.Response(status=304, headers={"ETag": tags[path]})
        return web.Response(body=bodies[path], content_type="application/rss+xml", headers={"ETag": tags[path]})

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=2048).start()
        ready.set()  # type: ignore[attr-defined]
        await asyncio.Event().wait()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def cycle(settings: Settings) -> tuple[float, object]:
    from bot.run.app import App  # imported here, as `evradar` does, so that worker processes do not load it
    from bot.run.once import run_once

    app = App(settings, console=Console(file=io.StringIO()))
    started = time.perf_counter()
    try:
        summary = await run_once(app)
    finally:
        await app.close()
    return time.perf_counter() - started, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args()
    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, args.feeds, args.items, ready), daemon=True)
    server.start()
    ready.wait(120)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            storage=StorageSettings(url=f"sqlite:///{tmp}/bench.db"),
            polling=PollingSettings(backfill="all", concurrency=50, per_host=50),
            feeds=[FeedSettings(url=f"http://127.0.0.1:{port}/feed/{f}.xml") for f in range(args.feeds)],
            server=ServerSettings(enabled=False),
            routes=[RouteSettings(platform="console")],
        )
        with PeakMemory(os.getpid(), exclude=[server.pid or 0]) as memory:
            cold, first = asyncio.run(cycle(settings))
            warm, second = asyncio.run(cycle(settings))
    server.terminate()
    server.join()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.feeds} feeds x {args.items} items, served from 127.0.0.1 by a separate process")
    print(
        f"cold cycle        {cold:7.1f} s   ({first.new_items} new items, {first.alerts} partnerships, "  # type: ignore[attr-defined]
        f"{first.failed} failed)"
    )  # type: ignore[attr-defined]
    print(f"all-304 cycle     {warm:7.1f} s   ({second.not_modified} not modified)")  # type: ignore[attr-defined]
    print(
        f"peak memory       {memory.peak_mb:7.0f} MB bot process and its parse/detect workers together "
        f"(sampled; the bot process alone peaked at {peak_mb:.0f} MB)"
    )


if __name__ == "__main__":
    main()

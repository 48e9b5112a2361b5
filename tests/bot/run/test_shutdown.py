"""SIGTERM in the middle of a cycle: the bot is gone within 10 seconds and nothing is lost."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import sys
import time
from pathlib import Path

from aiohttp import web

from tests.conftest import ROOT
from tests.fakes import FeedServer, clean_environment

SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"
TITLE = re.compile(r"⚡ (.+?) ─")


async def _drip(request: web.Request) -> web.StreamResponse:
    """A feed that never finishes: one byte every second, so its poll is in flight when SIGTERM comes."""
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    await response.prepare(request)
    with contextlib.suppress(ConnectionError):  # the bot hangs up when it stops
        for _ in range(120):
            await response.write(b" ")
            await asyncio.sleep(1)
    return response


def _env(tmp_path: Path, feeds: list[str]) -> dict[str, str]:
    env = clean_environment()
    env.update({
        "COLUMNS": "200",
        "PYTHONUNBUFFERED": "1",
        "EVRADAR_STORAGE__URL": f"sqlite:///{tmp_path / 'evradar.db'}",
        "EVRADAR_FEEDS": "[" + ",".join(f'{{"url": "{u}"}}' for u in feeds) + "]",
        "EVRADAR_POLLING__BACKFILL": "all",
        "EVRADAR_POLLING__TOTAL_TIMEOUT": "300",
        "EVRADAR_POLLING__READ_TIMEOUT": "300",
        "EVRADAR_POLLING__PER_HOST": "10",  # every feed here is on 127.0.0.1
        "EVRADAR_SERVER__ENABLED": "false",
    })  # fmt: skip
    return env


async def _evradar(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_sigterm_during_a_cycle_exits_within_ten_seconds_and_loses_nothing(tmp_path: Path) -> None:
    server = await FeedServer().start()
    try:
        server.serve_file("sample.xml", SAMPLE)
        for n in range(3):
            server.handlers[f"slow-{n}.xml"] = _drip
        slow = [server.url(f"slow-{n}.xml") for n in range(3)]
        reference = await _evradar(_env(tmp_path / "ref", [server.url("sample.xml")]), "run", "--once")
        expected = TITLE.findall((await reference.communicate())[0].decode())
        assert len(expected) >= 8

        env = _env(tmp_path, [slow[0], server.url("sample.xml"), *slow[1:]])  # polls start 8 s apart
        bot = await _evradar(env, "run")
        assert bot.stdout is not None
        seen = ""
        while not (TITLE.search(seen) and server.hits("slow-0.xml")):
            seen += (await asyncio.wait_for(bot.stdout.readline(), timeout=60)).decode()
        bot.send_signal(signal.SIGTERM)  # alerts are going out, a poll is still downloading
        started = time.monotonic()
        rest, errors = await asyncio.wait_for(bot.communicate(), timeout=10)
        assert time.monotonic() - started < 10
        assert bot.returncode == 0, errors.decode()[-2000:]
        first = TITLE.findall(seen + rest.decode())

        again = await _evradar(_env(tmp_path, [server.url("sample.xml")]), "run", "--once")
        second = TITLE.findall((await again.communicate())[0].decode())
    finally:
        await server.stop()
    assert sorted(first + second) == sorted(expected)  # every alert once: none lost, none doubled

"""Parsing and detection in worker processes, so a big polling cycle uses every core.

feedparser and the handlers are pure Python and hold the interpreter lock; threads only
keep the event loop free, processes also add cores. With one worker everything runs in a
thread of this process instead.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from handlers import Handler

from ..core.models import Detection, Item
from ..flow.detection import detect, load_companies, load_handlers
from ..ingest.feeds import ParsedFeed, parse_feed

_handlers: list[Handler] = []


def _start(specs: Sequence[str], companies: str) -> None:
    global _handlers
    _handlers = load_handlers(specs, load_companies(Path(companies)))


def _detect_in_worker(items: Sequence[Item]) -> list[Detection | None]:
    return [detect(_handlers, item) for item in items]


def worker_count(setting: int, feeds: int) -> int:
    """Processes to use: the setting, or (0) one per core, at most 4, when there are 50+ feeds."""
    if setting:
        return setting
    return min(os.cpu_count() or 1, 4) if feeds >= 50 else 1


class Workers:
    """Runs parse and detect off the event loop, in processes when there is more than one worker."""

    def __init__(self, *, count: int, handlers: Sequence[Handler], specs: Sequence[str], companies: Path) -> None:
        self.handlers = handlers
        self._pool = (
            ProcessPoolExecutor(
                max_workers=count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(list(specs), str(companies)),
            )
            if count > 1
            else None
        )

    async def parse(self, body: bytes, *, url: str, headers: Mapping[str, str]) -> ParsedFeed:
        if self._pool is None:
            return await asyncio.to_thread(parse_feed, body, url=url, headers=headers)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _parse_in_worker, body, url, dict(headers))

    async def detect(self, items: Sequence[Item]) -> list[Detection | None]:
        if not items:
            return []
        if self._pool is None:
            return await asyncio.to_thread(lambda: [detect(self.handlers, i) for i in items])
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _detect_in_worker, list(items))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _parse_in_worker(body: bytes, url: str, headers: dict[str, str]) -> ParsedFeed:
    return parse_feed(body, url=url, headers=headers)

"""One aiohttp session per notifier that POSTs over plain HTTP: opened on first use, closed with it."""

from __future__ import annotations

import asyncio

import aiohttp


class HttpSession:
    """The session a notifier posts through, with its total timeout per request."""

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            await asyncio.sleep(0)  # let aiohttp close its connections before the loop ends
            self._session = None

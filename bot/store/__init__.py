"""The store: one database (SQLite or PostgreSQL) holding everything evradar remembers.

Callers run store functions through :meth:`Store.run`, which gives them one
transaction and turns database failures into :class:`bot.errors.StoreError`.
Everything here is synchronous; the pipeline calls it from worker threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine

from .database import migrate, open_engine, run, throwaway_file

T = TypeVar("T")


class Store:
    """An open, migrated database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._throwaway = throwaway_file(url)  # an in-memory database lives in a temporary file
        self.engine: Engine = open_engine(f"sqlite:///{self._throwaway}" if self._throwaway else url)
        # SQLite has one writer at a time; taking turns here avoids "database is locked" when a
        # transaction that began by reading wants to write while another thread writes.
        self._turn = threading.Lock() if self.engine.dialect.name == "sqlite" else None

    def migrate(self, revision: str = "head") -> None:
        migrate(self.engine, revision)

    def run(self, work: Callable[[Connection], T]) -> T:
        with self._turn or nullcontext():
            return run(self.engine, work)

    def close(self) -> None:
        self.engine.dispose()
        if self._throwaway is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self._throwaway}{suffix}").unlink(missing_ok=True)

"""Resident memory of a process tree, sampled while a benchmark runs."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType


def tree_rss_mb(pid: int, exclude: Iterable[int] = ()) -> float:
    """Resident memory of a process and all its descendants (the parse/detect workers), less ``exclude``
    and their descendants (a benchmark's own servers)."""
    total, stack, skip = 0, [pid], set(exclude)
    while stack:
        p = stack.pop()
        if p in skip:
            continue
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmRSS:")))
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


class PeakMemory:
    """The highest tree_rss_mb seen, sampled every ``every`` seconds from a thread while in the block."""

    def __init__(self, pid: int, exclude: Iterable[int] = (), every: float = 0.1) -> None:
        self.pid, self.exclude, self.every = pid, tuple(exclude), every
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid, self.exclude))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

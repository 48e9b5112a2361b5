"""`evradar run --once`: poll every feed once, deliver everything due, and say what happened and what is left."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from ..core.models import PollOutcome
from ..flow.pipeline import PollReport, isolated
from ..store import outbox
from .app import App

Progress = Callable[[int], AbstractContextManager[Callable[[], None]]]  # total -> a context giving "advance"


@dataclass(slots=True)
class Summary:
    """What one `run --once` cycle did."""

    polled: int = 0
    not_modified: int = 0
    failed: int = 0
    new_items: int = 0
    alerts: int = 0
    updates: int = 0
    sent: int = 0
    digests: int = 0  # digests posted (their periods had ended)
    failures: list[str] = field(default_factory=list)
    store_failed: bool = False  # the database refused a write: the run did not do all it should
    left_to_cluster: bool = False  # cluster mode: alerts were queued for the running instances to post
    left: list[outbox.Waiting] = field(default_factory=list)  # still queued after the cycle, and why

    @property
    def every_feed_failed(self) -> bool:
        """Feeds were polled and not one of them could be read."""
        return self.polled > 0 and self.failed == self.polled

    def add(self, report: PollReport) -> None:
        self.polled += report.outcome != PollOutcome.SKIPPED
        self.not_modified += report.outcome == PollOutcome.NOT_MODIFIED
        self.failed += report.outcome == PollOutcome.FAILED
        self.new_items += report.new_items
        self.alerts += report.alerts
        self.updates += report.updates
        self.store_failed |= report.store_failed
        if report.outcome == PollOutcome.FAILED:
            self.failures.append(f"{report.feed}: {report.error}")


def _no_progress(total: int) -> AbstractContextManager[Callable[[], None]]:
    return nullcontext(lambda: None)


class OnceRunner:
    """Runs one cycle of an :class:`App`: the same pipeline and deliverer as `evradar run`, driven once."""

    def __init__(self, app: App, *, progress: Progress = _no_progress) -> None:
        self.app = app
        self.progress = progress

    async def run(self) -> Summary:
        """Poll every feed once, deliver everything due, and report."""
        rows = await asyncio.to_thread(self.app.prepare)
        active = [r for r in rows if not r.paused]
        summary = Summary()
        with self.progress(len(active)) as advance:
            async with asyncio.TaskGroup() as group:
                for row in active:
                    group.create_task(self._poll_into(row.id, row.url, summary, advance))
        if self.app.settings.cluster.enabled:  # posting is the instances' job: their locks keep channels in order
            summary.left_to_cluster = True
            return summary
        summary.sent = (await self.app.deliverer.deliver_all()).sent
        summary.digests = await self.app.digests.send_due()  # a period that ended since the last run
        summary.left = await asyncio.to_thread(self.app.store.run, outbox.waiting)
        return summary

    async def _poll_into(self, feed_id: int, url: str, summary: Summary, advance: Callable[[], None]) -> None:
        report = await isolated(self.app.pipeline.poll(feed_id), label=url)
        self.app.metrics.record_poll(report)
        summary.add(report)
        advance()


async def run_once(app: App, *, progress: Progress = _no_progress) -> Summary:
    """One cycle of ``app`` (see :class:`OnceRunner`)."""
    return await OnceRunner(app, progress=progress).run()

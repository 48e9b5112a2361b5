"""When feeds are polled: the pure pacing rules, and real APScheduler jobs rescheduled by outcome."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.flow.pipeline import PollReport
from bot.ingest.pacing import poll_delay
from bot.run.scheduler import FeedScheduler, first_run
from bot.store.feeds import FeedRow


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, 600),
        ({"max_age": 1800}, 1800),  # the server asks us to wait longer
        ({"max_age": 60}, 600),  # never sooner than the interval
        ({"ttl_minutes": 60}, 3600),
        ({"failures": 1}, 1200),
        ({"failures": 3}, 4800),
        ({"failures": 30}, 86400),  # bounded
        ({"retry_after": 7200}, 7200),
        ({"retry_after": 10 * 86400}, 86400),
        ({"retry_after": 5}, 600),
    ],
)
def test_poll_delay(kwargs: dict[str, float], expected: float) -> None:
    assert poll_delay(600, min_interval=60, max_interval=86400, **kwargs) == expected


def _feed(feed_id: int, next_poll_at: float | None = None, paused: bool = False) -> FeedRow:
    return FeedRow(
        feed_id,
        f"https://f/{feed_id}",
        "",
        "",
        "config",
        None,
        "",
        "",
        0.0,
        None,
        None,
        next_poll_at,
        "new",
        "",
        0,
        paused,
        "",
        False,
        0,
    )


def test_first_runs_are_staggered_and_respect_stored_due_times() -> None:
    times = [first_run(_feed(i), now=1000.0, position=i, spread=60) for i in range(10)]
    assert len(set(times)) == 10 and all(1000 <= t < 1060 for t in times)
    assert first_run(_feed(1, next_poll_at=5000.0), now=1000.0, position=0, spread=60) == 5000.0


class FakePipeline:
    """Returns prepared reports and signals each poll."""

    def __init__(self, reports: dict[int, PollReport]) -> None:
        self.reports = reports
        self.polled: asyncio.Queue[int] = asyncio.Queue()

    async def poll(self, feed_id: int) -> PollReport:
        await self.polled.put(feed_id)
        if feed_id == 3:
            raise RuntimeError("a bug in one feed")
        return self.reports[feed_id]


async def test_jobs_run_once_each_and_are_rescheduled_by_their_outcome() -> None:
    reports = {
        1: PollReport("one", "ok", delay=600),
        2: PollReport("two", "failed", error="HTTP 503", delay=7200),
        4: PollReport("four", "failed", error="HTTP 404", delay=3600, paused=True),
    }
    pipeline = FakePipeline(reports)
    now = datetime.now(UTC).timestamp()
    # The scheduler's clock is a minute behind the stored due times, so every feed is due now (the stored
    # time wins over the start-up stagger, as first_run says) and no job waits for its stagger on the wall clock.
    started = now - 60
    seen: list[PollReport] = []
    scheduler = FeedScheduler(
        pipeline=pipeline,
        interval=600,
        jitter=0,
        clock=lambda: started,  # type: ignore[arg-type]
        on_report=seen.append,
    )
    scheduler.start([_feed(1, now), _feed(2, now), _feed(3, now), _feed(4, now), _feed(5, now, paused=True)])
    try:
        polled = {await asyncio.wait_for(pipeline.polled.get(), timeout=30) for _ in range(4)}
        assert polled == {1, 2, 3, 4}  # the paused feed has no job; the raising feed did not stop the rest
        await asyncio.sleep(0)  # let the last job record its report
        jobs = {job.id: job for job in scheduler.scheduler.get_jobs()}
        assert "feed-5" not in jobs and "feed-4" not in jobs  # paused feeds leave the schedule
        assert jobs["feed-2"].next_run_time.timestamp() == pytest.approx(started + 7200, abs=1)
        assert jobs["feed-1"].max_instances == 1 and jobs["feed-1"].coalesce
        assert sorted(r.feed for r in seen) == ["four", "one", "two"]
    finally:
        scheduler.shutdown()

"""Faults, one row each: what happened, alerts lost, duplicates, time and peak memory.

Every case runs `evradar` as users do, as a separate process on this machine, against servers this
script runs on 127.0.0.1: a feed server (real feed files, the bundled sample, hostile feeds) and a
fake Slack that records every post. Peak memory is the evradar process's own high-water mark.

    python bench/faults.py [--trials 20] [--only hostile,crash,chat,database,shutdown]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from tests.fakes import FeedServer, clean_environment, now_utc, rss  # noqa: E402
from tests.hostile import cases, good_stories  # noqa: E402
from tests.slack_fake import FakeSlack  # noqa: E402

SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"
REAL = ROOT / "tests" / "data" / "feeds" / "real"
NOISE = ("electrek-1.xml", "insideevs-1.xml", "cnbc-1.xml", "techcrunch-1.xml", "yahoofinance-1.xml")


@dataclass
class Row:
    case: str
    happened: str
    lost: int | str
    duplicates: int | str
    seconds: float
    peak_mb: float | None = None


@dataclass
class Finished:
    """One evradar process: how it ended, how long it ran, its peak memory and its output."""

    status: int  # exit status, or minus the signal that ended it
    seconds: float
    peak_mb: float
    output: str


def evradar(
    args: list[str],
    env: dict[str, str] | None,
    folder: Path,
    *,
    kill_after: float | None = None,
    sig: int = 0,
    file_limit: int | None = None,
    command: tuple[str, ...] = ("-m", "bot"),
) -> Finished:
    """Run `evradar ARGS` to the end (or send ``sig`` after ``kill_after`` seconds) and measure it.

    ``file_limit`` caps the size of every file the process writes, as a nearly full disk would.
    """
    log = folder / f"out-{time.monotonic_ns()}.txt"

    def limit() -> None:
        if file_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the cap fail instead of killing
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    with log.open("w") as out:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, *command, *args], cwd=ROOT, env=env, stdout=out, stderr=out, preexec_fn=limit
        )
        if kill_after is not None:
            try:
                proc.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, sig)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(proc.returncode, time.monotonic() - started, usage.ru_maxrss / 1024, log.read_text())


def environment(folder: Path, feeds: list[str], slack: FakeSlack, **extra: str) -> dict[str, str]:
    env = clean_environment()
    env.update({
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "160",
        "EVRADAR_STORAGE__URL": f"sqlite:///{folder / 'evradar.db'}",
        "EVRADAR_FEEDS": json.dumps([{"url": u} for u in feeds]),
        "EVRADAR_POLLING__BACKFILL": "all",
        "EVRADAR_POLLING__PER_HOST": "20",  # every feed here is on 127.0.0.1
        "EVRADAR_SERVER__ENABLED": "false",
        "EVRADAR_SLACK__API_URL": slack.api_url,
        "EVRADAR_ROUTES": json.dumps([{"platform": "slack", "webhook_url": slack.webhook_url("alerts")}]),
    })  # fmt: skip
    env.update(extra)
    return env


def posts(slack: FakeSlack) -> list[str]:
    """What the channel shows: each post's header (the partners; "Update: …" for an update)."""
    shown = []
    for request in slack.calls("/webhook/alerts"):
        blocks = request.body.get("blocks") or []
        shown.append(blocks[0]["text"]["text"] if blocks else request.body.get("text", ""))
    return shown


def compare(expected: list[str], received: list[str]) -> tuple[int, int]:
    """(lost, duplicates) of ``received`` against ``expected``, both counted with repeats."""
    want, got = Counter(expected), Counter(received)
    return sum((want - got).values()), sum((got - want).values())


def feed_error(folder: Path, path: str) -> str:
    """The feed's status and error as stored, and when it is next polled."""
    with sqlite3.connect(folder / "evradar.db") as conn:
        row = conn.execute(
            "SELECT last_status, last_error, next_poll_at - last_polled_at FROM feeds WHERE url LIKE ?",
            (f"%/{path}",),
        ).fetchone()
    if row is None:
        return "not polled"
    status, error, wait = row
    error = error.split(f"{path}: ", 1)[-1]
    return f"{status}: {error.rstrip('.')}. Next poll in {wait / 60:.0f} min." if error else status


def owed(folder: Path) -> int:
    """Alerts still waiting in the outbox."""
    with sqlite3.connect(folder / "evradar.db") as conn:
        return int(conn.execute("SELECT count(*) FROM deliveries WHERE status = 'pending'").fetchone()[0])


# -- hostile feeds --------------------------------------------------------------------------------


async def hostile(feeds: FeedServer, slack: FakeSlack, work: Path) -> list[Row]:
    rows = []
    for case in cases():
        folder = work / f"hostile-{case.path}"
        folder.mkdir()
        before = len(posts(slack))
        env = environment(folder, [feeds.url(case.path), feeds.url("good.xml")], slack,
                          EVRADAR_POLLING__TOTAL_TIMEOUT="10", EVRADAR_POLLING__READ_TIMEOUT="5")  # fmt: skip
        done = await asyncio.to_thread(evradar, ["run", "--once"], env, folder)
        lost, dupes = compare(["Stellantis × Leapmotor", "Toyota × CATL"], posts(slack)[before:])
        happened = feed_error(folder, case.path) + ("" if done.status == 0 else f" (exit {done.status})")
        rows.append(Row(f"feed: {case.description}", happened, lost, dupes, done.seconds, done.peak_mb))
    return rows


# -- crashes --------------------------------------------------------------------------------------


async def crashes(feeds: FeedServer, slack: FakeSlack, work: Path, trials: int) -> list[Row]:
    urls = [feeds.url("sample.xml"), *(feeds.url(n) for n in NOISE)]
    reference = work / "crash-reference"
    reference.mkdir()
    before = len(posts(slack))
    await asyncio.to_thread(evradar, ["run", "--once"], environment(reference, urls, slack), reference)
    expected = posts(slack)[before:]
    rng = random.Random(2026)
    lost_total = dupes_total = kills = 0
    phases = [0, 0, 0]  # killed before the first post, between posts, after the last
    restarts = 0
    worst = 0.0
    peak = 0.0
    started = time.monotonic()
    for trial in range(trials):
        folder = work / f"crash-{trial}"
        folder.mkdir()
        env = environment(folder, urls, slack)
        before = len(posts(slack))
        moment = rng.uniform(0.5, 4.0 + len(expected))  # start-up, polling, or mid-delivery
        killed = await asyncio.to_thread(evradar, ["run"], env, folder, kill_after=moment, sig=signal.SIGKILL)
        kills += killed.status == -signal.SIGKILL
        out = len(posts(slack)) - before
        phases[0 if out == 0 else 1 if out < len(expected) else 2] += 1
        peak = max(peak, killed.peak_mb)
        # Restart until the outbox is empty: `run --once` polls again and delivers what is owed (a post
        # that fails on a busy machine stays queued for the next run, as it would for a running bot).
        for _ in range(5):
            again = await asyncio.to_thread(evradar, ["run", "--once"], env, folder)
            peak = max(peak, again.peak_mb)
            restarts += 1
            if not owed(folder):
                break
        lost, dupes = compare(expected, posts(slack)[before:])
        lost_total += lost
        dupes_total += dupes
        worst = max(worst, moment)
        if lost or dupes > 1:
            print(f"  trial {trial}: killed at {moment:.1f} s: {lost} lost, {dupes} duplicates", file=sys.stderr)
    happened = (
        f"{trials} trials, {kills} killed (at 0.5–{worst:.0f} s: {phases[0]} before the first post, "
        f"{phases[1]} mid-delivery, {phases[2]} after the last) and restarted; {len(expected)} posts "
        f"expected per trial ({restarts} runs to empty the outbox); at most 1 repeat per kill allowed"
    )
    return [Row("kill -9 during a cycle", happened, lost_total, dupes_total, time.monotonic() - started, peak)]


async def shutdown(feeds: FeedServer, slack: FakeSlack, work: Path) -> list[Row]:
    folder = work / "sigterm"
    folder.mkdir()
    urls = [feeds.url("drip.xml"), feeds.url("sample.xml"), *(feeds.url(n) for n in NOISE)]
    env = environment(
        folder, urls, slack, EVRADAR_POLLING__TOTAL_TIMEOUT="300", EVRADAR_POLLING__READ_TIMEOUT="300"
    )
    before = len(posts(slack))
    stopped = await asyncio.to_thread(evradar, ["run"], env, folder, kill_after=9.0, sig=signal.SIGTERM)
    first = posts(slack)[before:]
    env["EVRADAR_FEEDS"] = json.dumps([{"url": u} for u in urls[1:]])
    await asyncio.to_thread(evradar, ["run", "--once"], env, folder)
    reference = work / "sigterm-reference"
    reference.mkdir()
    middle = len(posts(slack))
    await asyncio.to_thread(evradar, ["run", "--once"], environment(reference, urls[1:], slack), reference)
    expected = posts(slack)[middle:]
    lost, dupes = compare(expected, posts(slack)[before:middle])
    exit_time = stopped.seconds - 9.0
    happened = (
        f"SIGTERM 9 s in (a feed still downloading, {len(first)} of {len(expected)} posts out): "
        f"exit {stopped.status} after {exit_time:.1f} s; the restart sent the rest"
    )
    return [Row("SIGTERM during a cycle", happened, lost, dupes, stopped.seconds, stopped.peak_mb)]


# -- chat platforms failing ------------------------------------------------------------------------


async def chat(work: Path) -> list[Row]:
    """The storm of tests/chat_storm.py, run in a child process so its peak memory is its own."""
    database = f"sqlite:///{work / 'storm.db'}"
    done = await asyncio.to_thread(evradar, ["--storm-child", database], None, work, command=(__file__,))
    storm = json.loads(done.output.strip().splitlines()[-1])
    rows = []
    for channel in storm["channels"]:
        lost, dupes = compare(channel["expected"], _shown(channel["received"]))
        in_order = _shown(channel["received"]) == channel["expected"]
        extra = len(channel["received"]) - channel["failures"] - len(channel["expected"])
        happened = (
            f"{channel['storm']}: {len(channel['expected'])} alerts queued, all arrived "
            f"{'in order' if in_order else 'OUT OF ORDER'} after the platform recovered"
            if not lost
            else f"{channel['storm']}: {lost} never arrived"
        )
        rows.append(
            Row(f"chat: {channel['name']}", happened, lost, dupes + max(extra, 0), storm["seconds"], done.peak_mb)
        )
    tries = ", ".join(f"{name}: {count} post" for name, count in storm["tries_of_the_gone"].items())
    happened = (
        f"paused after one try each ({tries}); {len(storm['paused_lines'])} log lines; shown in /evradar status; "
        f"their alerts stay queued for `evradar destinations resume`"
    )
    rows.append(Row("chat: channel deleted, webhook deleted", happened, 0, 0, storm["seconds"], done.peak_mb))
    return rows


def _shown(received: list[str]) -> list[str]:
    return [key for key, _ in groupby(received)]


def storm_child(database: str) -> None:
    from tests.chat_storm import run_storm

    storm = asyncio.run(run_storm(database))
    print(json.dumps(dataclasses.asdict(storm)))


# -- the database ---------------------------------------------------------------------------------


async def database(feeds: FeedServer, slack: FakeSlack, work: Path) -> list[Row]:
    rows = []
    for name, spoil in DATABASE_FAULTS.items():
        folder = work / f"db-{name.split()[0]}"
        folder.mkdir()
        env = environment(folder, [feeds.url("sample.xml")], slack)
        await asyncio.to_thread(evradar, ["run", "--once"], env, folder)  # a healthy database with history
        with sqlite3.connect(folder / "evradar.db") as conn:
            events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        undo, file_limit = spoil(folder / "evradar.db", env)
        if file_limit is not None:  # the disk fills while new feeds are read
            env["EVRADAR_FEEDS"] = json.dumps([{"url": feeds.url(n)} for n in ("sample.xml", *NOISE)])
        done = await asyncio.to_thread(evradar, ["run", "--once"], env, folder, file_limit=file_limit)
        words = ("database", "disk holding", "error:")
        message = next((ln.strip() for ln in done.output.splitlines() if any(w in ln.lower() for w in words)), "")
        undo()
        after = await asyncio.to_thread(evradar, ["run", "--once"], env, folder)
        with sqlite3.connect(folder / "evradar.db") as conn:
            intact = conn.execute("PRAGMA integrity_check").fetchone()[0]
            kept = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        happened = f"exit {done.status}: {message[:150]}; after the fault is fixed: exit {after.status}, {intact}"
        rows.append(Row(f"database: {name}", happened, max(events - kept, 0), 0, done.seconds, done.peak_mb))
    return rows


Fault = Callable[[Path, dict[str, str]], tuple[Callable[[], None], int | None]]


def _locked(path: Path, env: dict[str, str]) -> tuple[Callable[[], None], int | None]:
    holder = sqlite3.connect(path, timeout=0, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder.close, None


def _read_only(path: Path, env: dict[str, str]) -> tuple[Callable[[], None], int | None]:
    env["EVRADAR_STORAGE__URL"] = f"sqlite:///file:{path}?mode=ro&uri=true"
    return lambda: env.update({"EVRADAR_STORAGE__URL": f"sqlite:///{path}"}), None


def _full(path: Path, env: dict[str, str]) -> tuple[Callable[[], None], int | None]:
    return lambda: None, path.stat().st_size + 32 * 1024  # 32 KB of room left


def _corrupted(path: Path, env: dict[str, str]) -> tuple[Callable[[], None], int | None]:
    saved = path.with_suffix(".saved")
    path.rename(saved)
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    return lambda: saved.rename(path), None


DATABASE_FAULTS: dict[str, Fault] = {
    "locked by another program": _locked,
    "read-only": _read_only,
    "full disk (32 KB left)": _full,
    "corrupted file": _corrupted,
}


# -- the table ------------------------------------------------------------------------------------


async def main_async(args: argparse.Namespace) -> list[Row]:
    feeds = await FeedServer().start()
    slack = await FakeSlack().start()
    feeds.serve_file("sample.xml", SAMPLE)
    for name in NOISE:
        feeds.serve_file(name, REAL / name)
    feeds.bodies["good.xml"] = rss(good_stories(now_utc()))
    for case in cases():
        feeds.handlers[case.path] = case.handler
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            if "hostile" in args.only:
                rows += await hostile(feeds, slack, work)
            if "crash" in args.only:
                rows += await crashes(feeds, slack, work, args.trials)
            if "shutdown" in args.only:
                rows += await shutdown(feeds, slack, work)
            if "chat" in args.only:
                rows += await chat(work)
            if "database" in args.only:
                rows += await database(feeds, slack, work)
    finally:
        await slack.stop()
        await feeds.stop()
    return rows


def main() -> None:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # hostile handlers see hang-ups
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20, help="kill -9 trials (default 20)")
    parser.add_argument("--only", default="hostile,crash,chat,database,shutdown", help="comma-separated sections")
    parser.add_argument("--storm-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.storm_child:
        storm_child(args.storm_child)
        return
    rows = asyncio.run(main_async(args))
    table = Table(title="evradar under faults", show_lines=True)
    for column in ("case", "what happened", "lost", "duplicates", "time", "peak memory"):
        table.add_column(column, overflow="fold")
    for row in rows:
        memory = f"{row.peak_mb:.0f} MB" if row.peak_mb is not None else "—"
        table.add_row(row.case, row.happened, str(row.lost), str(row.duplicates), f"{row.seconds:.1f} s", memory)
    Console(width=max(Console().width, 160)).print(table)


if __name__ == "__main__":
    main()

"""kill -9 after Slack or Discord accepted a digest and before evradar recorded it, then restart: parts lost,
parts doubled, channel reads, and how long the restart took to record the digest.

Each trial seeds a store with one ended period of EVENTS partnerships for a digest route (a Slack channel or a
Discord channel, by bot token), runs `evradar run` against a fake platform on 127.0.0.1, and lets the fake kill
it right after it stored a randomly chosen part of the digest (before answering). evradar is restarted and
timed until the digest is recorded as sent. On Discord the fake forgets its nonces before the restart, as if
the restart came after Discord's few minutes, so only the channel read can prevent a double.

    python bench/digest_recovery.py [--trials 5] [--events 250]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bot.adapters.discord.digest import part_of  # noqa: E402
from tests.discord_fake import BOT_TOKEN as DISCORD_TOKEN  # noqa: E402
from tests.discord_fake import FakeDiscord  # noqa: E402
from tests.fakes import clean_environment, store_with_deals  # noqa: E402
from tests.slack_channels import Channels  # noqa: E402
from tests.slack_fake import BOT_TOKEN, FakeSlack  # noqa: E402

CHANNEL = {"slack": "C0001", "discord": "1100000000000000100"}
LONG_NAME = "with a rather long company name " * 8


def seed(folder: Path, platform: str, events: int) -> tuple[dict[str, str], Path]:
    database = folder / "evradar.db"
    boundary = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    when = (boundary - timedelta(hours=3)).timestamp()
    deals = [((f"Maker {n} {LONG_NAME}", "Great Wall Motor"), "supply", "talks", when) for n in range(events)]
    store_with_deals(f"sqlite:///{database}", deals).close()
    env = clean_environment()
    route = {
        "name": "morning",
        "platform": platform,
        "channel": CHANNEL[platform],
        "digest": f"daily {boundary:%H:%M}",
    }
    env.update({
        "EVRADAR_STORAGE__URL": f"sqlite:///{database}",
        "EVRADAR_FEEDS": "[]",
        "EVRADAR_SERVER__ENABLED": "false",
        "EVRADAR_ROUTES": json.dumps([route | {"timezone": "UTC"}]),
    })  # fmt: skip
    return env, database


def status(database: Path) -> str:
    try:
        with sqlite3.connect(database) as conn:
            return ",".join(r[0] for r in conn.execute("SELECT status FROM digests"))
    except sqlite3.Error:
        return ""


async def trial(platform: str, events: int, rng: random.Random) -> dict[str, float]:
    """One kill -9 and restart; the parts each number shows in the channel, and the costs."""
    with tempfile.TemporaryDirectory() as folder:
        env, database = seed(Path(folder), platform, events)
        log = (Path(folder) / "evradar.log").open("a")
        runs: list[asyncio.subprocess.Process] = []
        chosen: list[int] = []

        async def kill(message: dict[str, Any]) -> None:
            part, parts = _part(platform, message)
            if not chosen:
                chosen.append(rng.randrange(parts))
            if part == chosen[0] and runs[-1].returncode is None:
                runs[-1].send_signal(signal.SIGKILL)
                await runs[-1].wait()

        fake, shown, reads = await _fake(platform)
        if isinstance(fake, FakeSlack):
            env.update({"EVRADAR_SLACK__API_URL": fake.api_url, "SLACK_BOT_TOKEN": BOT_TOKEN})
        else:
            env.update({"EVRADAR_DISCORD__API_URL": fake.api_url, "DISCORD_BOT_TOKEN": DISCORD_TOKEN})
        try:
            _set_hook(fake, kill)
            runs.append(await _evradar(env, log))
            await asyncio.wait_for(runs[0].wait(), timeout=120)
            _set_hook(fake, None)
            start = time.perf_counter()
            second = await _evradar(env, log)
            while status(database) != "sent":
                await asyncio.sleep(0.05)
            took = time.perf_counter() - start
            second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.wait(), timeout=30)
            counts = Counter(shown())
        finally:
            await (fake.stop() if isinstance(fake, FakeSlack) else fake.close())
        parts = max(counts) + 1 if counts else 0
        return {
            "parts": parts,
            "cut after part": chosen[0] + 1 if chosen else 0,
            "lost": sum(1 for n in range(parts) if counts[n] == 0),
            "doubled": sum(c - 1 for c in counts.values() if c > 1),
            "reads": reads(),
            "seconds": took,
        }


def _part(platform: str, message: dict[str, Any]) -> tuple[int, int]:
    if platform == "slack":
        payload = message["metadata"]["event_payload"]
        return int(payload["part"]), int(payload["parts"])
    shown, parts = message["embeds"][0]["footer"]["text"].rsplit(" ", 1)[1].split("/")
    return int(shown) - 1, int(parts)


async def _fake(platform: str) -> tuple[Any, Callable[[], list[int]], Callable[[], int]]:
    """The fake, the part numbers its channel shows (threads included), and how many reads it answered."""
    if platform == "slack":
        slack = await FakeSlack(messages=Channels(ts_clock=time.time)).start()

        def slack_parts() -> list[int]:
            posted = slack.messages.posted.get(CHANNEL["slack"], [])
            return [int(m["metadata"]["event_payload"]["part"]) for m in posted if "metadata" in m]

        def slack_reads() -> int:
            return len(slack.calls("/api/conversations.history") + slack.calls("/api/conversations.replies"))

        return slack, slack_parts, slack_reads
    chat = await FakeDiscord().start()

    def discord_parts() -> list[int]:
        found = [
            part_of(m["embeds"][0]["footer"]["text"], _key(chat)) for m in chat.log.in_channel(CHANNEL["discord"])
        ]
        return [n for n in found if n is not None]

    return chat, discord_parts, lambda: len(chat.of("channel_messages"))


def _key(chat: FakeDiscord) -> str:
    footer = chat.log.in_channel(CHANNEL["discord"])[0]["embeds"][0]["footer"]["text"]
    return footer.removeprefix("evradar digest ").rsplit(" · part ", 1)[0]


def _set_hook(fake: Any, hook: Callable[[dict[str, Any]], Any] | None) -> None:
    fake.after_post = hook
    if hook is None and isinstance(fake, FakeDiscord):
        fake.log.forget_nonces()


async def _evradar(env: dict[str, str], log: Any) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=log, stderr=log
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--events", type=int, default=250)
    args = parser.parse_args()
    rng = random.Random(20261202)
    table = Table(title=f"kill -9 after the platform accepted a digest ({args.events} events), then restart")
    for column in ("platform", "trial", "parts", "cut after part", "lost", "doubled", "reads", "restart to sent"):
        table.add_column(column, justify="right")
    totals: Counter[str] = Counter()
    for platform in ("slack", "discord"):
        for n in range(args.trials):
            row = await trial(platform, args.events, rng)
            totals["lost"] += int(row["lost"])
            totals["doubled"] += int(row["doubled"])
            cells = [str(int(row[k])) for k in ("parts", "cut after part", "lost", "doubled", "reads")]
            table.add_row(platform, str(n + 1), *cells, f"{row['seconds']:.2f} s")
    console = Console()
    console.print(table)
    console.print(f"all trials: {totals['lost']} parts lost, {totals['doubled']} parts doubled")


if __name__ == "__main__":
    asyncio.run(main())

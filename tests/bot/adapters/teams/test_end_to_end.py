"""`evradar run --once --config …` with a teams route, as users run it: the sample's partnership stories,
dressed in hostile text and links, reach a Workflows webhook on 127.0.0.1 as valid cards within Teams'
limits, and the webhook URL's signature shows nowhere in the output."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.ingest.feeds import parse_feed
from tests.conftest import ROOT
from tests.fakes import FeedServer, Story, clean_environment, now_utc, rss

from .fake import SIG, FakeTeams, check_message, texts

SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"
HOSTILE = "<at>Everyone</at> [click](javascript:alert(1)) &lt;at&gt;boss&lt;/at&gt; {{DATE(2017-02-14T06:00:00Z)}}"
LINKS = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "https://ok.example/a|b>c", ""]


def _hostile_stories() -> list[Story]:
    items = parse_feed(SAMPLE.read_bytes(), url=SAMPLE.as_uri()).items
    stories = []
    for n, item in enumerate(items):
        title = f"{HOSTILE} {item.title} {HOSTILE}" + (" tail" * 3000 if n == 0 else "")
        link = LINKS[n % len(LINKS)] if n % 2 else item.link
        stories.append(Story(title, f"{item.summary} {HOSTILE}", link, now_utc(), guid=f"hostile-{n}"))
    return stories


def _config(path: Path, *, feed: str, hook: str, database: Path) -> Path:
    path.write_text(
        f"""
[storage]
url = "sqlite:///{database}"

[server]
enabled = false

[[feeds]]
url = "{feed}"

[teams]
allowed_hosts = ["127.0.0.1"]   # the Workflows webhook of this test runs on this machine

[[routes]]
platform = "teams"
webhook_url = "{hook}"
min_score = 0.0
""",
        encoding="utf-8",
    )
    return path


async def test_run_once_posts_every_alert_to_teams_as_a_card_within_limits(tmp_path: Path) -> None:
    feeds, teams = await FeedServer().start(), await FakeTeams().start()
    try:
        feeds.bodies["hostile.xml"] = rss(_hostile_stories(), title=f"{HOSTILE} feed")
        config = _config(
            tmp_path / "evradar.toml", feed=feeds.url("hostile.xml"), hook=teams.url, database=tmp_path / "e.db"
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--verbose", "run", "--once", "--config", str(config),
            cwd=ROOT, env=clean_environment(),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=240)
    finally:
        await teams.stop()
        await feeds.stop()
    output = out.decode()
    assert proc.returncode == 0, output[-3000:]
    assert SIG not in output
    assert teams.refused == 0 and len(teams.raw) >= 8, output[-3000:]
    headlines = [texts(check_message(raw))[0] for raw in teams.raw]
    assert "Volkswagen × Rivian: joint venture, announced" in headlines, headlines

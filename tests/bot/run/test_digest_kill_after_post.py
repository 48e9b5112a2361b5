"""A digest survives `kill -9` after the platform accepted it and before evradar recorded it: the fake Slack or
Discord stores the message, then kills `evradar run` before answering. On restart evradar reads the channel
back, finds what got through, and posts only the rest: each part of that period's digest is there exactly once."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.adapters.discord.digest import part_of
from tests.discord_fake import BOT_TOKEN as DISCORD_TOKEN
from tests.discord_fake import FakeDiscord
from tests.fakes import clean_environment, store_with_deals
from tests.slack_channels import Channels
from tests.slack_fake import BOT_TOKEN, FakeSlack

ROOT = Path(__file__).resolve().parents[3]
DISCORD_CHANNEL = "1100000000000000100"
LONG_NAME = "with a rather long company name " * 8  # long lines, so the digest needs more than one message
pytestmark = pytest.mark.slow
Hook = Callable[[dict[str, Any]], Awaitable[None]]


def _rows(database: str) -> list[dict[str, Any]]:
    try:
        engine = create_engine(database)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT key, status, sending_at, claimed_at FROM digests")).mappings().all()
        engine.dispose()
        return [dict(r) for r in rows]
    except Exception:  # the table appears once the bot has migrated the database
        return []


def _environment(tmp_path: Path, route: dict[str, str], *, deals: int) -> tuple[dict[str, str], str]:
    database = f"sqlite:///{tmp_path / 'evradar.db'}"
    boundary = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    when = (boundary - timedelta(hours=3)).timestamp()
    made = [((f"Maker {n} {LONG_NAME}", "Great Wall Motor"), "supply", "talks", when) for n in range(deals)]
    store_with_deals(database, made).close()
    env = clean_environment()
    env.update({
        "EVRADAR_STORAGE__URL": database,
        "EVRADAR_FEEDS": "[]",
        "EVRADAR_SERVER__ENABLED": "false",
        "EVRADAR_ROUTES": json.dumps([
            {"name": "morning", "digest": f"daily {boundary:%H:%M}", "timezone": "UTC", **route},
        ]),
    })  # fmt: skip
    return env, database


async def _start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    out = log.open("a")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=out, stderr=out
    )


def _killer(is_last_to_go: Callable[[dict[str, Any]], bool], runs: list[asyncio.subprocess.Process]) -> Hook:
    """A hook for the fake: once the chosen message is stored, kill -9 the running evradar, before the answer."""

    async def kill(message: dict[str, Any]) -> None:
        if is_last_to_go(message) and runs[-1].returncode is None:
            runs[-1].send_signal(signal.SIGKILL)
            await runs[-1].wait()

    return kill


async def _kill_then_restart(
    env: dict[str, str],
    database: str,
    log: Path,
    set_hook: Callable[[Hook | None], None],
    is_last_to_go: Callable[[dict[str, Any]], bool],
) -> str:
    """Run evradar until the fake kills it, check the row was left cut off, restart it until the digest is
    recorded as sent, stop it, and return its log."""
    runs: list[asyncio.subprocess.Process] = []
    set_hook(_killer(is_last_to_go, runs))
    runs.append(await _start(env, log))
    try:
        await asyncio.wait_for(runs[0].wait(), timeout=90)
    finally:
        if runs[0].returncode is None:
            runs[0].kill()
            await runs[0].wait()
    assert runs[0].returncode == -signal.SIGKILL, log.read_text()[-3000:]
    set_hook(None)
    [row] = _rows(database)
    assert row["status"] == "pending" and row["sending_at"] is not None and row["claimed_at"] is not None
    second = await _start(env, log)
    try:
        async with asyncio.timeout(90):
            while [r["status"] for r in _rows(database)] != ["sent"]:
                await asyncio.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(second.wait(), timeout=30)
    said = log.read_text()
    assert code == 0, said[-3000:]
    assert "were being posted when evradar stopped" in said
    return said


@pytest.mark.parametrize("cut", ["after the first part", "after the last part"])
async def test_slack_kill_9_after_slack_accepted_the_digest_leaves_each_part_once(
    tmp_path: Path, cut: str
) -> None:
    slack = await FakeSlack(messages=Channels(ts_clock=time.time)).start()
    try:
        env, database = _environment(tmp_path, {"platform": "slack", "channel": "C0001"}, deals=250)
        env.update({"EVRADAR_SLACK__API_URL": slack.api_url, "SLACK_BOT_TOKEN": BOT_TOKEN})

        def chosen(message: dict[str, Any]) -> bool:
            part = message["metadata"]["event_payload"]
            return part["part"] == (0 if cut == "after the first part" else part["parts"] - 1)

        def set_hook(hook: Hook | None) -> None:
            slack.after_post = hook

        said = await _kill_then_restart(env, database, tmp_path / "evradar.log", set_hook, chosen)
    finally:
        await slack.stop()
    [first] = slack.messages.top_level("C0001")
    payload = first["metadata"]["event_payload"]
    assert payload["part"] == 0 and payload["key"].startswith("morning|") and payload["parts"] >= 2
    replies = slack.messages.replies("C0001", first["ts"])
    assert [r["metadata"]["event_payload"]["part"] for r in replies] == list(range(1, payload["parts"]))
    assert slack.calls("/api/conversations.history")  # it looked before posting again
    assert ("was already in" in said) == (cut == "after the last part")


@pytest.mark.parametrize("cut", ["after the first part", "after the last part"])
async def test_discord_kill_9_after_discord_accepted_the_digest_leaves_each_part_once(
    tmp_path: Path, cut: str
) -> None:
    fake = await FakeDiscord().start()
    try:
        env, database = _environment(tmp_path, {"platform": "discord", "channel": DISCORD_CHANNEL}, deals=30)
        env.update({"EVRADAR_DISCORD__API_URL": fake.api_url, "DISCORD_BOT_TOKEN": DISCORD_TOKEN})

        def chosen(message: dict[str, Any]) -> bool:
            footer = message["embeds"][0]["footer"]["text"]
            shown, parts = footer.rsplit(" ", 1)[1].split("/")
            return shown == ("1" if cut == "after the first part" else parts)

        def set_hook(hook: Hook | None) -> None:
            fake.after_post = hook
            if hook is None:
                fake.log.forget_nonces()  # as if the restart came after Discord's few minutes of nonce memory

        said = await _kill_then_restart(env, database, tmp_path / "evradar.log", set_hook, chosen)
    finally:
        await fake.close()
    [key] = [r["key"] for r in _rows(database)]
    footers = [m["embeds"][0]["footer"]["text"] for m in fake.log.in_channel(DISCORD_CHANNEL)]
    parts = [part_of(f, key) for f in footers]
    assert len(parts) >= 2 and parts == list(range(len(parts)))
    assert fake.of("channel_messages")  # it looked before posting again
    assert ("was already in" in said) == (cut == "after the last part")

"""`evradar discord sync` as users run it: a subprocess that registers /evradar with (a fake) Discord."""

from __future__ import annotations

import asyncio
import sys

from tests.conftest import ROOT
from tests.discord_fake import APPLICATION_ID, BOT_TOKEN, GUILD_ID, FakeDiscord
from tests.fakes import clean_environment


async def _evradar(*args: str, **env: str) -> tuple[int, str]:
    clean = clean_environment()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env={**clean, "COLUMNS": "200", **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode or 0, " ".join(out.decode().split())


async def test_discord_sync_registers_the_command_in_one_guild_and_explains_a_missing_token() -> None:
    fake = await FakeDiscord().start()
    try:
        env = {"EVRADAR_DISCORD__API_URL": fake.api_url, "EVRADAR_DISCORD__APPLICATION_ID": str(APPLICATION_ID)}
        status, said = await _evradar(
            "discord", "sync", "--guild", str(GUILD_ID), DISCORD_BOT_TOKEN=BOT_TOKEN, **env
        )
        assert status == 0, said
        assert f"in guild {GUILD_ID}" in said
        [put] = fake.of("sync_guild")
        assert put.json[0]["name"] == "evradar"
        status, said = await _evradar("discord", "sync", **env)
        assert status == 2 and "DISCORD_BOT_TOKEN is not set" in said and "Traceback" not in said
        assert fake.of("sync_global") == []
    finally:
        await fake.close()

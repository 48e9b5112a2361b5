"""Slack and Discord failing in every way at once: alerts wait, then all arrive once, in order;
destinations that fail for good are paused after one try and reported, never retried in a loop."""

from __future__ import annotations

from tests.chat_storm import run_storm


async def test_alerts_wait_out_every_platform_failure_then_arrive_once_in_order(database_url: str) -> None:
    storm = await run_storm(database_url)
    assert storm.alerts >= 8 and storm.updates == 0  # (updates would add thread posts to the counts below)
    for channel in storm.channels:
        assert channel.shown == channel.expected, channel.name  # every alert, in queue order
        assert len(channel.expected) == storm.alerts, channel.name
        assert len(channel.received) == storm.alerts + channel.failures, channel.name  # no alert twice
    assert storm.tries_of_the_gone == {"slack:CGONE": 1, "discord webhook deleted": 1}  # then paused
    assert "slack:CGONE" in storm.status_text and "channel_not_found" in storm.status_text
    assert "discord:webhook:" in storm.status_text and "Unknown Webhook" in storm.status_text
    assert len(storm.paused_lines) == 2  # said once each in the log

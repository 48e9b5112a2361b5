"""Every bundled feed file, served over HTTP, goes through the whole pipeline without a crash or a hang."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.ingest.feeds import parse_feed
from bot.run.app import App
from bot.run.once import run_once
from bot.run.settings import (
    FeedSettings,
    PollingSettings,
    RouteSettings,
    ServerSettings,
    Settings,
    StorageSettings,
)
from bot.store import feeds as store_feeds
from tests.conftest import FEEDPARSER_FEEDS, REAL_FEEDS
from tests.fakes import FeedServer, Recorder

FILES = sorted(REAL_FEEDS.glob("*.xml")) + sorted(
    p for p in FEEDPARSER_FEEDS.rglob("*") if p.suffix in (".xml", ".json")
)


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FeedServer]:
    fake = await FeedServer().start()
    yield fake
    await fake.stop()


async def test_all_feed_files_are_read_and_counted(tmp_path: Path, server: FeedServer) -> None:
    paths = {}
    for file in FILES:
        name = str(file.relative_to(file.parents[1] if file.is_relative_to(REAL_FEEDS) else FEEDPARSER_FEEDS))
        paths[server.serve_file(name, file)] = name
    settings = Settings(
        storage=StorageSettings(url=f"sqlite:///{tmp_path / 'all.db'}"),
        polling=PollingSettings(backfill="all", concurrency=50, per_host=50, total_timeout=20),
        feeds=[FeedSettings(url=u) for u in paths],
        server=ServerSettings(enabled=False),
        routes=[RouteSettings(platform="console")],
    )
    app = App(settings, notifiers={"console": Recorder()})  # type: ignore[dict-item]
    try:
        summary = await run_once(app)
        rows = app.store.run(store_feeds.all_feeds)
    finally:
        await app.close()
    assert len(rows) == len(FILES) > 2000
    assert all(r.last_status in ("ok", "failed") for r in rows)  # every one finished: no hang
    assert not [r.last_error for r in rows if "unexpected" in r.last_error.lower()]  # failures are explained
    counts = {paths[r.url]: r.items_seen for r in rows}
    report = tmp_path / "items-per-file.tsv"
    with report.open("w", newline="") as out:
        writer = csv.writer(out, delimiter="\t")
        writer.writerow(["file", "items", "status", "error"])
        for r in rows:
            writer.writerow([paths[r.url], r.items_seen, r.last_status, r.last_error[:200]])
    print(
        f"\n{len(rows)} feed files: {summary.failed} unreadable, {sum(counts.values())} items read; "
        f"per-file counts in {report}"
    )
    expected = {
        row["file"]: int(row["items"])
        for row in csv.DictReader((REAL_FEEDS / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t")
    }
    for name, items in expected.items():
        parsed = parse_feed((REAL_FEEDS / name).read_bytes(), url=f"https://x/{name}")
        assert len(parsed.items) == items, name  # the same items feedparser itself finds in the file
        assert counts[f"real/{name}"] == len({i.id for i in parsed.items}), name  # each one stored once
    assert summary.failed < len(FILES) // 10

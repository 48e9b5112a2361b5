"""The database: migrations from empty, a schema that matches the code, and clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from bot.core.errors import StoreError
from bot.store import Store, outbox
from bot.store import feeds as store_feeds
from bot.store.database import schema_version
from bot.store.schema import metadata


def test_migrations_build_the_schema_the_code_expects(database_url: str) -> None:
    store = Store(database_url)
    assert schema_version(store.engine) == ""
    store.migrate()
    store.migrate()  # running again on start is harmless
    assert schema_version(store.engine) == "0006"
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
    row = store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f/x"), origin="cli", now=1.0))
    assert row.url == "https://f/x" and not row.paused
    store.close()


def _queue_one_alert(conn: Connection) -> None:
    """One event with one pending delivery, written as plain SQL that both schema versions accept."""
    conn.exec_driver_sql(
        "INSERT INTO events (partners_key, partners, kind, stage, score, title, link, evidence, tickers, "
        "reasons, first_seen, last_seen, version) VALUES ('A|B', '[\"A\", \"B\"]', 'supply', 'talks', 0.9, "
        "'t', 'https://l', 'e', '[]', '[]', 1.0, 1.0, 1)"
    )
    conn.exec_driver_sql(
        "INSERT INTO deliveries (event_id, version, destination, stage, previous_stage, status, attempts, "
        "next_attempt_at, last_error, created_at, reference) "
        "SELECT id, 1, 'console', 'talks', '', 'pending', 0, 1.0, '', 1.0, '' FROM events"
    )


def test_a_database_of_the_previous_schema_is_upgraded_on_start_and_keeps_its_data(database_url: str) -> None:
    old = Store(database_url)
    old.migrate("0001")  # as the previous release left it
    with old.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO feeds (url, name, title, origin, etag, last_modified, added_at, last_status, last_error, "
            "failures, paused, paused_reason, first_poll_done, items_seen) "
            "VALUES ('https://f/old', 'old', '', 'config', '', '', 1.0, 'ok', '', 0, false, '', true, 7)"
        )
        _queue_one_alert(conn)
    old.close()
    store = Store(database_url)
    store.migrate()
    assert schema_version(store.engine) == "0006"
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    [feed] = store.run(store_feeds.all_feeds)
    assert (feed.url, feed.items_seen, feed.first_poll_done) == ("https://f/old", 7, True)
    [pending] = store.run(lambda c: outbox.due(c, now=2.0))
    assert (pending.destination, pending.stage) == ("console", "talks")  # the queued alert is still owed
    store.close()


def test_a_post_cut_off_by_a_crash_is_reported_and_sent_again(database_url: str) -> None:
    store = Store(database_url)
    store.migrate()
    with store.engine.begin() as conn:
        _queue_one_alert(conn)
    [row] = store.run(lambda c: outbox.due(c, now=2.0))
    store.run(lambda c: outbox.mark_sending(c, row.id, now=3.0))  # ... and then the process was killed
    assert store.run(outbox.interrupted) == 1
    assert store.run(outbox.interrupted) == 0  # reported once
    assert [r.id for r in store.run(lambda c: outbox.due(c, now=4.0))] == [row.id]  # and still owed
    store.close()


def test_corrupted_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "evradar.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="damaged; restore it from a backup"):
        Store(f"sqlite:///{path}").migrate()


def test_read_only_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "evradar.db"
    Store(f"sqlite:///{path}").migrate()
    store = Store(f"sqlite:///file:{path}?mode=ro&uri=true")  # opened read-only, as a read-only mount would be
    with pytest.raises(StoreError, match="read-only"):
        store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f"), origin="cli", now=1.0))


def test_locked_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "evradar.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        with pytest.raises(StoreError, match="locked by another program"):
            store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f"), origin="cli", now=1.0))
    finally:
        holder.rollback()
        holder.close()

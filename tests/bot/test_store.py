"""The database: migrations from empty, a schema that matches the code, and clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.errors import StoreError
from bot.store import Store
from bot.store import feeds as store_feeds
from bot.store.database import schema_version
from bot.store.schema import metadata


def test_migrations_build_the_schema_the_code_expects(database_url: str) -> None:
    store = Store(database_url)
    assert schema_version(store.engine) == ""
    store.migrate()
    store.migrate()  # running again on start is harmless
    assert schema_version(store.engine) == "0001"
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
    row = store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f/x"), origin="cli", now=1.0))
    assert row.url == "https://f/x" and not row.paused
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

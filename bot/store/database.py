"""Opening the database: SQLite (WAL, busy timeout) or PostgreSQL, migrations, clear errors."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..core.errors import StoreError

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000


def throwaway_file(url: str) -> Path | None:
    """For an in-memory SQLite URL (sqlite:// or sqlite:///:memory:), a new empty temporary file to hold
    the database instead, so every thread sees one database that is gone when evradar stops; else None."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or (parsed.database or ":memory:") != ":memory:":
        return None
    handle, name = tempfile.mkstemp(prefix="evradar-", suffix=".db")
    os.close(handle)
    return Path(name)


def open_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created, its pragmas set on every connection."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite"):
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True, pool_size=16, max_overflow=4)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default); an empty database gets the whole schema."""
    from alembic import command  # imported here: commands that never migrate start faster without it
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with guarded(engine), engine.begin() as connection:
        take_turns(connection, "evradar:migrate")  # instances starting together migrate one at a time
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def take_turns(conn: Connection, name: str) -> None:
    """Hold the PostgreSQL advisory lock ``name`` until this transaction ends, so instances doing the same
    thing take turns; on SQLite a write transaction is already alone."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


def schema_version(engine: Engine) -> str:
    with guarded(engine), engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return ""
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return str(row[0]) if row else ""


@contextmanager
def guarded(engine: Engine) -> Iterator[None]:
    """Turn database failures into a StoreError that says what is wrong and what to do."""
    try:
        yield
    except DBAPIError as exc:
        raise StoreError(explain(engine, exc.orig)) from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"the database at {_where(engine)} failed: {exc}") from exc


def explain(engine: Engine, error: BaseException | None) -> str:
    where = _where(engine)
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return f"the database {where} is locked by another program; stop it, or point storage.url elsewhere."
    if "readonly" in text or "read-only" in text or "attempt to write" in text:
        return f"the database {where} is read-only; give evradar write access to it and its folder."
    if "full" in text or "no space" in text:
        return f"the disk holding {where} is full; free some space, then start evradar again."
    if "disk i/o error" in text:
        return (
            f"the disk holding {where} refused a write (full, over a size quota, or failing); "
            "free some space or check the disk, then start evradar again."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"the database {where} is damaged; restore it from a backup or move it aside to start afresh."
    if isinstance(error, sqlite3.OperationalError) and "unable to open" in text:
        return f"the database {where} cannot be opened; check that its folder exists and is writable."
    return f"the database {where} failed: {error}"


def _where(engine: Engine) -> str:
    url = engine.url
    if url.drivername.startswith("sqlite"):
        return f"file {url.database}"
    return f"at {url.render_as_string(hide_password=True)}"


def run(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Do ``work`` in one transaction: all of it is stored, or none of it."""
    with guarded(engine), engine.begin() as connection:
        return work(connection)

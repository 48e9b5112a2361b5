"""Shared fixtures: the company knowledge base, the handler, and paths to shared data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.core.models import Company
from bot.flow.detection import config_file, load_companies
from handlers import HandlerContext
from handlers.ev_partnership import EvPartnershipHandler

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = DATA / "seed" / "xiaomi-great-wall-2021-03-26.txt"
DEV_CORPUS = DATA / "corpus" / "dev.jsonl"
REAL_FEEDS = DATA / "feeds" / "real"
FEEDPARSER_FEEDS = DATA / "feeds" / "feedparser-tests"


@pytest.fixture(scope="session")
def companies() -> tuple[Company, ...]:
    return load_companies(config_file("companies"))


@pytest.fixture(scope="session")
def handler(companies: tuple[Company, ...]) -> EvPartnershipHandler:
    return EvPartnershipHandler(HandlerContext(companies=companies))


# For a test whose subject is not the store (signatures, transports): the PostgreSQL twin would only
# repeat the SQLite one; the store's own tests, and every test that changes or reads it, keep both.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'evradar.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the test PostgreSQL server (for what only PostgreSQL can do)."""
    with fresh_postgres_database() as url:
        yield url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    server = os.environ.get("EVRADAR_TEST_POSTGRES_URL")
    if not server:
        pytest.fail(
            "EVRADAR_TEST_POSTGRES_URL is not set: run the suite with `make test`, which starts a "
            "throwaway PostgreSQL, or point the variable at a server of yours."
        )
    name = f"evradar_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

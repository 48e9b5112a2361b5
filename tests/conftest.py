"""Shared fixtures: the company knowledge base, the handler, and paths to shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.detection import config_file, load_companies
from bot.models import Company
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
    return load_companies(config_file("companies.toml"))


@pytest.fixture(scope="session")
def handler(companies: tuple[Company, ...]) -> EvPartnershipHandler:
    return EvPartnershipHandler(HandlerContext(companies=companies))

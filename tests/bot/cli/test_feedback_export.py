"""`evradar feedback export` round-trips through `evradar eval`: voted stories become labelled corpus lines."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from bot.store import Store
from bot.store import feedback as store_feedback
from bot.store.schema import events
from tests.bot.cli.test_graph_export import _evradar
from tests.fakes import store_with_deals

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "dev.jsonl"
VOTES = [  # (event number, user, vote): event 0 useful, event 1 not a partnership, event 2 wrong companies
    (0, "U1", "useful"),
    (0, "U2", "useful"),
    (0, "U3", "not_ev"),
    (1, "U1", "not_partnership"),
    (2, "U1", "wrong_companies"),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "votes.db"
    store: Store = store_with_deals(f"sqlite:///{path}")
    ids = store.run(lambda c: list(c.execute(events.select().order_by(events.c.id)).scalars()))
    for n, user, vote in VOTES:
        ballot = store_feedback.Ballot(ids[n], "slack", "C0001", user, vote)
        store.run(lambda c, b=ballot: store_feedback.record(c, b, now=time.time()))
    store.close()
    return path


def test_export_writes_one_corpus_line_per_voted_story(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "feedback.jsonl"
    result = _evradar(tmp_path, db, "feedback", "export", "--since", "30d", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 voted stories written" in " ".join(result.stdout.split())
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    schema = {"id", "date", "url", "title", "summary", "label", "ev", "partners", "kind", "stage", "category"}
    assert all(schema | {"votes", "channel"} <= set(line) for line in lines)
    useful, not_partnership, wrong = lines
    assert (useful["label"], useful["ev"], useful["partners"], useful["kind"], useful["stage"]) == (
        "partnership",
        True,
        ["Xiaomi", "Great Wall Motor"],
        "manufacturing",
        "talks",
    )
    assert useful["votes"] == {"not_ev": 1, "useful": 2} and useful["channel"] == "slack:C0001"
    assert (not_partnership["label"], not_partnership["partners"], not_partnership["kind"]) == ("none", [], "")
    assert (wrong["label"], wrong["partners"]) == ("partnership", []) and "Wrong companies" in wrong["note"]


def test_export_round_trips_through_eval(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "feedback.jsonl"
    assert _evradar(tmp_path, db, "feedback", "export", "--out", str(out)).returncode == 0
    scored = _evradar(tmp_path, db, "eval", str(out))  # the file is a corpus like any other
    assert scored.returncode == 0, scored.stderr
    assert "3 items" in scored.stdout
    from_file = _evradar(tmp_path, db, "eval", str(CORPUS), "--feedback", str(out))
    assert from_file.returncode == 0, from_file.stderr
    said = " ".join(from_file.stdout.split())
    assert f"precision measured from votes ({out}): 0.333 — 1 of 3 voted alerts were right" in said
    assert "(5 votes from 1 channel(s))" in said and "precision on the shipped corpus:" in said
    from_store = _evradar(tmp_path, db, "eval", "--feedback")
    assert "precision measured from votes (the database): 0.333" in " ".join(from_store.stdout.split())


def test_export_without_votes_says_how_to_get_some(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    store_with_deals(f"sqlite:///{empty}").close()
    result = _evradar(tmp_path, empty, "feedback", "export")
    assert result.returncode == 1 and "No votes yet" in result.stderr

"""Detection answers on every labelled and recorded item, so a faster detector can prove it answers the same.

``--write`` runs the detector over every labelled corpus and every item of the bundled real
feeds (short, as ``bench/classify.py`` sees them, and with their full text) and stores each
item's whole ``evradar classify`` answer; ``--check`` runs it again and compares. The file
lives under ``build/`` (not kept in git): write it with the code you trust, then check every
change against it. Differences on the held-aside halves of ``more.jsonl`` and ``fresh.jsonl`` are
only counted, never shown, so that judging data stays unseen.

    python bench/golden.py --write [--file F]
    python bench/golden.py --check [--file F]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.models import Item  # noqa: E402
from bot.flow.classify import item_from_json, verdict  # noqa: E402
from bot.flow.detection import DEFAULT_HANDLERS, config_file, detect, load_companies, load_handlers  # noqa: E402
from bot.flow.evaluate import is_holdout  # noqa: E402
from bot.ingest.feeds import parse_feed  # noqa: E402

DATA = ROOT / "tests" / "data"
DEFAULT_FILE = ROOT / "build" / "golden.jsonl"
_HIDDEN = ("corpus/more.jsonl", "corpus/fresh.jsonl")  # their held-aside halves are for judging only


def labelled() -> Iterator[tuple[str, Item]]:
    files = [*sorted((DATA / "corpus").glob("*.jsonl")), DATA / "holdout.jsonl", DATA / "check.jsonl"]
    for path in files:
        source = path.relative_to(DATA).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                data = json.loads(line)
                yield f"{source}:{number}:{data.get('id', '')}", item_from_json(data)


def recorded() -> Iterator[tuple[str, Item]]:
    for path in sorted((DATA / "feeds" / "real").glob("*.xml")):
        for number, item in enumerate(parse_feed(path.read_bytes(), url=path.as_uri()).items):
            key = f"feeds/{path.name}:{number}"
            yield key + ":short", Item(id=item.id, title=item.title, summary=item.summary[:600])
            if item.content:
                yield key + ":full", Item(id=item.id, title=item.title, summary=item.summary, content=item.content)


def answers() -> Iterator[tuple[str, str]]:
    """(key, the classify answer as canonical JSON) for every item."""
    handlers = load_handlers(DEFAULT_HANDLERS, load_companies(config_file("companies")))
    for key, item in [*labelled(), *recorded()]:
        yield key, json.dumps(verdict(item.id, detect(handlers, item)), sort_keys=True, ensure_ascii=False)


def hidden(key: str) -> bool:
    source, _, rest = key.partition(":")
    return source in _HIDDEN and is_holdout(rest.partition(":")[2])


def write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        count = 0
        for key, answer in answers():
            out.write(json.dumps({"key": key, "answer": answer}, ensure_ascii=False) + "\n")
            count += 1
    print(f"wrote {count} answers to {path} in {time.perf_counter() - started:.1f} s")


def check(path: Path) -> int:
    expected = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        expected[row["key"]] = row["answer"]
    started = time.perf_counter()
    seen = differ = unseen_differ = 0
    for key, answer in answers():
        seen += 1
        if expected.pop(key, None) == answer:
            continue
        differ += 1
        if hidden(key):
            unseen_differ += 1
        elif differ - unseen_differ <= 10:
            print(f"differs: {key}\n  now: {answer}")
    elapsed = time.perf_counter() - started
    print(f"{seen} answers checked in {elapsed:.1f} s: {differ} differ ({unseen_differ} held-aside, not shown)")
    if expected:
        print(f"{len(expected)} answers of {path} have no item any more")
    return 1 if differ or expected else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="store the current answers")
    mode.add_argument("--check", action="store_true", help="compare the current answers with the stored ones")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args(argv)
    if args.write:
        write(args.file)
        return 0
    return check(args.file)


if __name__ == "__main__":
    sys.exit(main())

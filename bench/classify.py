"""How fast detection is, beside feedparser parsing the same items as an RSS document.

Prints items per second for short items (headline and RSS description) and for 3 KB
articles, the time of one 1 MB article, and the detection/parsing ratio. Each number
is the best of several interleaved rounds on one core, so a busy machine does not
make one side look worse than the other.

    python bench/classify.py [--rounds N]
"""

from __future__ import annotations

import argparse
import html
import io
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.models import Item  # noqa: E402
from bot.flow.detection import DEFAULT_HANDLERS, config_file, load_companies, load_handlers  # noqa: E402
from bot.ingest.feeds import parse_feed  # noqa: E402

DATA = ROOT / "tests" / "data"


def feed_items() -> list[Item]:
    """Short items as the bot sees them: every item of the bundled real feeds."""
    items: list[Item] = []
    for path in sorted((DATA / "feeds" / "real").glob("*.xml")):
        for item in parse_feed(path.read_bytes(), url=path.as_uri()).items:
            items.append(Item(id=item.id, title=item.title, summary=item.summary[:600]))
    return items


def corpus_items() -> list[Item]:
    """Short items dense with deals: the labelled corpus (headline and summary)."""
    lines = (DATA / "corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [Item(id=d["id"], title=d["title"], summary=d["summary"]) for d in map(json.loads, lines)]


def real_articles(size: int = 3000) -> list[Item]:
    """3 KB articles: the full-text items of the bundled real feeds, cut to ``size`` characters."""
    items: list[Item] = []
    for path in sorted((DATA / "feeds" / "real").glob("*.xml")):
        for item in parse_feed(path.read_bytes(), url=path.as_uri()).items:
            if len(item.content) >= size * 2 // 3:
                items.append(Item(id=item.id, title=item.title, content=item.content[:size]))
    return items


def deal_articles(short: Sequence[Item], size: int = 3000) -> list[Item]:
    """3 KB articles dense with deals: each corpus story followed by others as background."""
    out = []
    for n, item in enumerate(short):
        paragraphs = [item.summary]
        k = n + 1
        while sum(map(len, paragraphs)) < size:
            other = short[k % len(short)]
            paragraphs.append(f"{other.title}. {other.summary}")
            k += 1
        out.append(Item(id=item.id, title=item.title, content="\n\n".join(paragraphs)[:size]))
    return out


def rss(items: Sequence[Item]) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench</title>']
    for n, item in enumerate(items):
        body = html.escape(item.content or item.summary)
        tag = "content:encoded" if item.content else "description"
        parts.append(
            f"<item><title>{html.escape(item.title)}</title><link>https://example.com/{n}</link>"
            f"<guid>{n}</guid><{tag}>{body}</{tag}></item>"
        )
    parts.append("</channel></rss>")
    return (
        "".join(parts)
        .replace("<rss ", '<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" ', 1)
        .encode()
    )


def best(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(name: str, items: Sequence[Item], detect: Callable[[Item], object], rounds: int) -> None:
    document = rss(items)
    parse_time = detect_time = float("inf")
    for _ in range(rounds):  # interleaved, so both see the same machine
        parse_time = min(parse_time, best(lambda: feedparser.parse(io.BytesIO(document)), 1))
        detect_time = min(detect_time, best(lambda: [detect(i) for i in items], 1))
    print(
        f"{name:<34} {len(items):>6} items  detect {len(items) / detect_time:>8.0f}/s  "
        f"feedparser {len(items) / parse_time:>7.0f}/s  ratio {detect_time / parse_time:.2f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    handler = load_handlers(DEFAULT_HANDLERS, load_companies(config_file("companies")))[0]
    feeds, corpus = feed_items(), corpus_items()
    print("detection vs feedparser on the same items (best of interleaved rounds, one core)")
    measure("short items, real feeds", feeds, handler.detect, args.rounds)
    measure("short items, labelled deal news", corpus, handler.detect, args.rounds)
    measure("3 KB articles, real feeds", real_articles(), handler.detect, args.rounds)
    measure("3 KB articles, every paragraph a deal", deal_articles(corpus), handler.detect, args.rounds)
    paragraph = "Tesla and BYD signed an agreement to cooperate on battery cells, Reuters reported. " * 4
    big = Item(id="1mb", title="One long article", content="\n\n".join([paragraph] * (1_000_000 // 340)))
    elapsed = best(lambda: handler.detect(big), 3)
    print(f"{'one 1 MB article':<34} {len(big.content):>6} chars  {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    main()

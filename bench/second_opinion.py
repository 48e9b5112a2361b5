"""What the statistical second opinion costs: detection with and without it on the same items.

Prints items per second for the labelled deal news (short items, most of them alerts: where the
model is asked most) and for the bundled real feeds, each with the model and with the rules only,
and the difference. Rounds are interleaved and the best of each is kept, in CPU time of this
process, so that other work on the machine weighs on both sides alike.

    python bench/second_opinion.py [--rounds N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from classify import corpus_items, feed_items  # noqa: E402

from bot.core.models import Item  # noqa: E402
from bot.flow.detection import config_file, load_companies  # noqa: E402
from handlers import HandlerContext  # noqa: E402
from handlers.ev_partnership import EvPartnershipHandler  # noqa: E402


def best_rounds(handler: EvPartnershipHandler, items: Sequence[Item], rounds: int) -> tuple[float, float]:
    """Best seconds per pass over ``items``: with the model, then with the rules only."""
    model = handler.model
    best = [float("inf"), float("inf")]
    for n in range(rounds):
        sides = [(0, model), (1, None)]
        for side, second in sides if n % 2 else reversed(sides):  # neither side always goes first
            handler.model = second
            start = time.process_time()
            for item in items:
                handler.detect(item)
            best[side] = min(best[side], time.process_time() - start)
    handler.model = model
    return best[0], best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    handler = EvPartnershipHandler(HandlerContext(companies=load_companies(config_file("companies"))))
    for name, items in (
        ("short items, labelled deal news", corpus_items()),
        ("short items, real feeds", feed_items()),
    ):
        with_model, rules_only = best_rounds(handler, items, args.rounds)
        print(
            f"{name:32} {len(items):5} items  with the model {len(items) / with_model:7.0f}/s  "
            f"rules only {len(items) / rules_only:7.0f}/s  cost {100 * (with_model / rules_only - 1):+.1f}%"
        )


if __name__ == "__main__":
    main()

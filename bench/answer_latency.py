"""Time to the first words of a grounded answer on a generated 1,000-note vault (issue 16).

Generates the same seeded 1,000-note vault as bench/sync_latency.py in a temporary folder, indexes
it (the TUI does this once, at open, in a worker; its time is printed but is not the figure), then
times `trainer.recall.answer.answer()` from the call to the first text handed to `on_text`, for
several questions: the first question pays for building the retrieval and decision tables
(cold: `brain ask` on a fresh index); the others are what a user sees in a running app (warm).
Then the same first question as the TUI asks it: on a second fresh index, after the warm-up the
app runs in a worker once the vault is indexed (`VaultIndexer.warm`; its time is printed too).
Words style (no model), BM25 by default; --dense on adds sentence embeddings (the embedding model
loads on the first question). Goal: first words within 2 s on a 2-core machine.

    .venv/bin/python bench/answer_latency.py
    .venv/bin/python bench/answer_latency.py --notes 200 --dense on
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL_S = 2.0
QUESTIONS = ["What do I keep noticing about sleep?", "Why did I decide to change the bike commute?",
             "Who is Mara?", "What mistake do I keep making with my budget?", "Why did I buy a boat?",
             "How did the sourdough go?", "我为什么做这个决定？"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--dense", choices=["off", "on"], default="off")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="brain-answer-bench-"))
    os.environ["BRAIN_HOME"] = str(home)

    from sync_latency import generate_vault

    from trainer.recall.answer import answer
    from trainer.recall.retrieve import Retriever
    from trainer.vault.index import Index
    from trainer.vault.scan import scan_vault

    vault = home / "vault"
    generate_vault(vault, args.notes)
    with Index.open(home / "index.db") as index:
        t0 = time.perf_counter()
        scan_vault(vault, index)
        print(f"indexing {args.notes} notes (once, at app open): {time.perf_counter() - t0:.2f} s")
        retriever = Retriever.open(index, args.dense)
        times = []
        for i, question in enumerate(QUESTIONS):
            first: list[float] = []
            start = time.perf_counter()
            got = answer(index, question, retriever=retriever,
                         on_text=lambda text: first.append(time.perf_counter()) if not first else None)
            took = (first[0] if first else time.perf_counter()) - start
            times.append(took)
            state = "nothing found" if got.nothing_found else f"{len(got.text.split())} words, cites {got.cited}"
            print(f"  {'cold' if i == 0 else 'warm'} {took:6.2f} s  {question}  ({state})")
        retriever.close()
    in_app, warm_up = first_question_in_the_app(vault, QUESTIONS[0], args.dense)
    warm = times[1:]
    print(f"\ntime to first words, {args.notes} notes, {'BM25 + embeddings' if args.dense == 'on' else 'BM25'}, "
          f"{os.cpu_count()} CPUs: cold {times[0]:.2f} s, warm median {statistics.median(warm):.2f} s, "
          f"warm max {max(warm):.2f} s; in the app, after its {warm_up:.2f} s warm-up at open: "
          f"{in_app:.2f} s (goal <= {GOAL_S:.0f} s)")


def first_question_in_the_app(vault: Path, question: str, dense: str) -> tuple[float, float]:
    """(first words, warm-up) for `question` asked in the TUI: its indexer scans the vault into a
    fresh index, warms up in a worker, and the question reads the index through it."""
    from trainer.recall.answer import answer
    from trainer.recall.retrieve import Retriever
    from tui.indexer import VaultIndexer

    indexer = VaultIndexer(vault)
    indexer.refresh()
    t0 = time.perf_counter()
    indexer.warm(dense)
    warm_up = time.perf_counter() - t0
    first: list[float] = []
    with indexer.current() as index:
        retriever = Retriever.open(index, dense)
        start = time.perf_counter()
        answer(index, question, retriever=retriever,
               on_text=lambda text: first.append(time.perf_counter()) if not first else None)
        retriever.close()
    return (first[0] if first else time.perf_counter()) - start, warm_up


if __name__ == "__main__":
    main()

"""How much of a kind of planted secret the privacy scrub catches, and how much ordinary prose
it leaves alone. Prints figures; asserts nothing (speed and rates are not tests).

    .venv/bin/python bench/scrub_recall.py [N]
"""

from __future__ import annotations

import random
import string
import sys
import time
from pathlib import Path

from trainer.data.scrub import find_spans, scrub_text, ScrubConfig

SHARED = Path(__file__).resolve().parents[2] / "shared" / "sample-vault"
B64 = string.ascii_letters + string.digits + "/+"
SENTENCES = ("my aws secret is {} don't share it", "AWS_SECRET_ACCESS_KEY={}", "the key {} expires friday",
             "rotate {}, then redeploy", "secret key: {}")


def aws_secret(rng: random.Random) -> str:
    return "".join(rng.choice(B64) for _ in range(40))


def recall(n: int, seed: int = 0) -> float:
    rng = random.Random(seed)
    caught = 0
    for i in range(n):
        key = aws_secret(rng)
        caught += key not in scrub_text(SENTENCES[i % len(SENTENCES)].format(key)).text
    return caught / n


def prose_false_positives() -> tuple[int, int]:
    """(values flagged, paragraphs) over the sample vault's paragraphs without a planted value."""
    flagged = paragraphs = 0
    for path in sorted(SHARED.rglob("*.md")) if SHARED.is_dir() else []:
        for para in path.read_text(encoding="utf-8", errors="replace").split("\n\n"):
            if "@" in para or "sk-" in para or "+91" in para:
                continue
            paragraphs += 1
            flagged += len(find_spans(para, ScrubConfig()))
    return flagged, paragraphs


def throughput() -> tuple[int, float]:
    """(characters, seconds) to scrub every note of the sample vault once."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SHARED.rglob("*.md"))] \
        if SHARED.is_dir() else []
    scrub_text("warm up: password: x, DE89 3704 0044 0532 0130 00")
    start = time.perf_counter()
    for text in texts:
        scrub_text(text)
    return sum(map(len, texts)), time.perf_counter() - start


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(f"AWS secret keys in prose caught: {recall(n):.2%} of {n}")
    flagged, paragraphs = prose_false_positives()
    print(f"sample-vault paragraphs without a planted value: {paragraphs}, spans flagged in them: {flagged}")
    chars, seconds = throughput()
    print(f"scrub speed over the sample vault: {chars} characters in {seconds:.2f} s "
          f"({chars / max(seconds, 1e-9) / 1000:.0f} k characters/s)")

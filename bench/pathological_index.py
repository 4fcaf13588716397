"""How long `brain index` takes on a vault of hostile notes (issue 10), and the slowest notes.

    .venv/bin/python bench/pathological_index.py

Writes the notes of tests/hostile_notes.py (26 shapes, 14 MB: lines of 2,000 backticks, 64 KB of
"[a](", headings padded with 16,000 spaces, YAML alias bombs, 2 MiB lines, ...) into a temporary
vault, runs `brain index --all` on it in a subprocess with a temporary BRAIN_HOME, and prints
the wall time, the summary and the time parse_note takes on each note, then the privacy scrub's
speed on the same notes and on the scrub's own hostile shapes (tests/scrub_hostile.py). With the regexes of
commit 45f8a04 this run did not finish in 180 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hostile_notes import HOSTILE, write_hostile_vault  # noqa: E402
from scrub_hostile import hostile_texts  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        vault = write_hostile_vault(Path(tmp) / "vault")
        size = sum(p.stat().st_size for p in vault.rglob("*") if p.is_file())
        env = {**os.environ, "BRAIN_HOME": str(Path(tmp) / "home")}
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "tui", "index", "--all", str(vault)], capture_output=True,
                                text=True, env=env, cwd=REPO, check=False)
        wall = time.perf_counter() - started
    print(f"brain index on {len(HOSTILE)} hostile files ({size / 1024 / 1024:.1f} MiB): {wall:.2f} s wall, "
          f"exit code {result.returncode} (includes Python start-up and imports)")
    print("\n".join(result.stdout.splitlines()[2:5]))
    print("\nparse_note per note (in this process):")
    from trainer.vault.parse import parse_note

    timings = []
    for rel, (data, _, _) in HOSTILE.items():
        t = time.perf_counter()
        parse_note(rel, data)
        timings.append((time.perf_counter() - t, rel, len(data)))
    for seconds, rel, n in sorted(timings, reverse=True)[:8]:
        print(f"  {seconds * 1000:8.1f} ms  {rel} ({n:,} bytes)")
    scrub_speed()


def scrub_speed() -> None:
    """The privacy scrub (what brain train, sync and the index run on every note) on the hostile
    notes and the shapes that once made a detector quadratic (tests/scrub_hostile.py)."""
    from trainer.data.scrub import scrub_text

    scrub_text("warm up: password: x, DE89 3704 0044 0532 0130 00, legal winner thank year")
    timings = []
    for name, text in hostile_texts().items():
        t = time.perf_counter()
        scrub_text(text)
        timings.append((time.perf_counter() - t, name, len(text)))
    chars, seconds = sum(n for _, _, n in timings), sum(t for t, _, _ in timings)
    print(f"\nscrub_text on {len(timings)} hostile texts ({chars / 1e6:.1f} M characters): {seconds:.2f} s, "
          f"{chars / max(seconds, 1e-9) / 1000:.0f} k characters/s; slowest:")
    for seconds, name, n in sorted(timings, reverse=True)[:8]:
        print(f"  {seconds * 1000:8.1f} ms  {name} ({n:,} characters, {n / max(seconds, 1e-9) / 1000:.0f} k/s)")


if __name__ == "__main__":
    main()

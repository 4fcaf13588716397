"""An event storm: 5,000 file operations in about 10 s on a real vault, seen by the real watchdog
observer through the real sync service, queue and index.

The trainer is the stand-in `InstantTrainer` (real scan, dataset, coverage and registry; no
training): this test is about coalescing, so what counts is how many runs the storm causes and
that the index ends equal to the disk, not how long a real refresh takes."""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest
from sync_support import InstantTrainer, make_vault, note_text

from trainer.vault.index import Index
from trainer.vault.parse import content_hash
from trainer.paths import index_db, sync_db
from trainer.pipeline import TrainPlan
from trainer.sync.queue import RefreshQueue, SyncStore
from trainer.vault.scan import walk_vault
from trainer.sync.service import SyncService
from trainer.sync.settings import SyncSettings

OPERATIONS = 5000
SECONDS = 10.0


def disk_notes(vault: Path) -> dict[str, str]:
    candidates, _ = walk_vault(vault)
    return {c.rel: content_hash(c.path.read_bytes()) for c in candidates}


def index_notes(vault: Path) -> dict[str, str]:
    with Index.open(index_db(vault)) as index:
        return {p: s.content_hash for p, s in index.file_states().items()}


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def storm(vault: Path, rng: random.Random) -> int:
    """OPERATIONS file operations paced over SECONDS: edits, atomic saves, new notes, deletes,
    renames, a folder rename, and Obsidian's workspace noise. Returns the operations done."""
    notes = sorted(p for p in vault.rglob("*.md"))
    (vault / ".obsidian").mkdir(exist_ok=True)
    start, done, made = time.monotonic(), 0, 0
    while done < OPERATIONS:
        kind = rng.random()
        if kind < 0.35:
            path = rng.choice(notes)
            path.write_text(note_text(rng.randrange(10_000), f" edit {done}"))
        elif kind < 0.55:
            path = rng.choice(notes)
            temp = path.with_name(f".{path.name}.tmp{done}")
            temp.write_text(note_text(rng.randrange(10_000), f" saved {done}"))
            os.replace(temp, path)
        elif kind < 0.75:
            (vault / ".obsidian" / "workspace.json").write_text(f'{{"active": {done}}}')
        elif kind < 0.90:
            folder = vault / f"new{made % 7}"
            folder.mkdir(exist_ok=True)
            path = folder / f"fresh{made}.md"
            path.write_text(note_text(made, " new"))
            notes.append(path)
            made += 1
        elif kind < 0.96 and len(notes) > 50:
            notes.pop(rng.randrange(len(notes))).unlink()
        else:
            path = notes.pop(rng.randrange(len(notes)))
            target = path.with_name(f"renamed-{done}.md")
            path.rename(target)
            notes.append(target)
        done += 1
        if done == OPERATIONS // 2:  # and one folder rename in the middle
            (vault / "journal").rename(vault / "journal-2024")
            notes = sorted(p for p in vault.rglob("*.md"))
        ahead = start + SECONDS * done / OPERATIONS - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    return done


@pytest.mark.slow
def test_an_event_storm_makes_at_most_two_runs_and_the_index_ends_equal_to_the_disk(tmp_path):
    vault = make_vault(tmp_path / "vault", 300)
    trainer = InstantTrainer()
    queue = RefreshQueue(TrainPlan(vault), SyncSettings(), trainer=trainer, bootstrap=True)  # default debounce
    service = SyncService(queue)
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: len(trainer.plans) == 1 and service.state == "watching", 120, "the first full build")
        before = len(trainer.plans)
        done = storm(vault, random.Random(7))
        assert done == OPERATIONS

        def settled() -> bool:
            with SyncStore.open(sync_db(vault)) as store:
                idle = store.pending_count() == 0 and service.watcher.coalescer.pending() == 0
            return idle and service.state == "watching" and index_notes(vault) == disk_notes(vault)

        wait_until(settled, 300, "the storm to be handled")
    finally:
        service.stop()
        thread.join(30)
    runs = len(trainer.plans) - before
    print(f"{done} operations -> {runs} run(s): {trainer.kinds[before:]}")
    assert 1 <= runs <= 2, f"{runs} runs for one storm"
    assert index_notes(vault) == disk_notes(vault)

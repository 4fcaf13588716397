"""The vault watcher with real watchdog observers on real files: editors' atomic saves, folder
renames, deletes, ignored paths, the watch-limit fallback, a dead observer, a lost-event overflow.
The coalescer's timing rules are checked with a hand-moved clock (no sleeps, no timed asserts)."""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from pathlib import Path

import pytest

from trainer.sync.watch import Batch, Coalescer, VaultWatcher, WatchSettings

FAST = WatchSettings(debounce_s=0.3, max_delay_s=5.0, poll_interval_s=0.2)


class Sink:
    """Collects batches; `next()` waits (bounded) for the next one."""

    def __init__(self) -> None:
        self.batches: list[Batch] = []
        self.cond = threading.Condition()

    def __call__(self, batch: Batch) -> None:
        with self.cond:
            self.batches.append(batch)
            self.cond.notify_all()

    def next(self, after: int = 0, timeout: float = 30.0) -> Batch:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.batches) > after, timeout), "no batch arrived"
            return self.batches[after]

    def merged_until(self, predicate, timeout: float = 30.0) -> Batch:
        """All batches merged, once `predicate(merged)` holds (events may split over batches)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.cond:
                merged = Batch()
                for b in self.batches:
                    merged.changed |= b.changed
                    merged.deleted |= b.deleted
                    merged.rescan |= b.rescan
                if predicate(merged):
                    return merged
                left = deadline - time.monotonic()
                assert left > 0, f"gave up waiting; got {self.batches}"
                self.cond.wait(left)


@pytest.fixture
def vault(tmp_path) -> Path:
    root = tmp_path / "vault"
    (root / "projects").mkdir(parents=True)
    (root / "projects" / "alpha.md").write_text("# Alpha\n\nfirst\n")
    (root / "projects" / "beta.md").write_text("# Beta\n\nsecond\n")
    (root / "journal.md").write_text("# Journal\n")
    return root


@pytest.fixture
def watching(vault):
    watchers = []

    def start(settings: WatchSettings = FAST, **kw) -> tuple[VaultWatcher, Sink]:
        sink = Sink()
        watcher = VaultWatcher(vault, sink, settings, **kw)
        watcher.start()
        watchers.append(watcher)
        return watcher, sink

    yield start
    for w in watchers:
        w.stop()


def test_an_atomic_save_is_one_change_of_the_note(vault, watching):
    watcher, sink = watching()
    assert watcher.mode == "events"
    temp = vault / "projects" / ".alpha.md.tmp"  # how Obsidian-like editors and vim save
    temp.write_text("# Alpha\n\nrewritten\n")
    os.replace(temp, vault / "projects" / "alpha.md")
    gedit = vault / ".goutputstream-7XQ1"  # gedit's temp name, also hidden
    gedit.write_text("# Journal\n\nnew\n")
    os.replace(gedit, vault / "journal.md")
    batch = sink.merged_until(lambda b: {"projects/alpha.md", "journal.md"} <= b.changed)
    assert batch.changed == {"projects/alpha.md", "journal.md"} and not batch.deleted and not batch.rescan


def test_a_folder_rename_deletes_the_old_paths_and_changes_the_new(vault, watching):
    _, sink = watching()
    os.rename(vault / "projects", vault / "work")
    batch = sink.merged_until(lambda b: "work/beta.md" in b.changed and "projects/beta.md" in b.deleted)
    assert {"work/", "work/alpha.md", "work/beta.md"} <= batch.changed
    assert {"projects/", "projects/alpha.md", "projects/beta.md"} <= batch.deleted


def test_a_delete_and_a_created_note(vault, watching):
    _, sink = watching()
    (vault / "projects" / "beta.md").unlink()
    (vault / "new").mkdir()
    (vault / "new" / "gamma.md").write_text("# Gamma\n")  # written right after its folder was made
    batch = sink.merged_until(lambda b: "projects/beta.md" in b.deleted and "new/gamma.md" in b.changed)
    assert "projects/beta.md" not in batch.changed


def test_what_the_scan_ignores_never_wakes_the_watcher(vault, watching):
    _, sink = watching()
    (vault / ".obsidian").mkdir()
    for i in range(5):
        (vault / ".obsidian" / "workspace.json").write_text(f'{{"n": {i}}}')
    (vault / ".git" / "objects").mkdir(parents=True)
    (vault / ".git" / "objects" / "ab.md").write_text("not a note: inside a hidden folder")
    (vault / "projects" / ".hidden.md").write_text("hidden file")
    (vault / "projects" / "alpha.md.swp").write_bytes(b"\0vim swap")
    (vault / "picture.png").write_bytes(b"\x89PNG")
    (vault / "projects" / "alpha.md~").write_text("backup")
    (vault / "projects" / "beta.md").write_text("# Beta\n\nthe only real change\n")  # the sentinel
    first = sink.next()
    assert first.changed == {"projects/beta.md"} and not first.deleted and not first.rescan


def test_the_watch_limit_falls_back_to_polling_and_says_how_to_fix_it(vault, watching, caplog):
    def exhausted():
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    with caplog.at_level(logging.WARNING, logger="brain.sync"):
        watcher, sink = watching(observer_factory=exhausted)
    assert watcher.mode == "polling"
    assert "sysctl fs.inotify.max_user_watches=" in watcher.warning
    assert "fs.inotify.max_user_watches" in caplog.text
    (vault / "journal.md").write_text("# Journal\n\npolled\n")
    assert "journal.md" in sink.merged_until(lambda b: "journal.md" in b.changed).changed


def test_too_many_instances_names_the_instance_limit(vault, watching):
    def no_instances():
        raise OSError(errno.EMFILE, "inotify instance limit reached")

    watcher, _ = watching(observer_factory=no_instances)
    assert watcher.mode == "polling" and "fs.inotify.max_user_instances=" in watcher.warning


def test_other_start_errors_are_not_hidden(vault):
    def broken():
        raise OSError(errno.EACCES, "permission denied")

    with pytest.raises(OSError):
        VaultWatcher(vault, Sink(), FAST, observer_factory=broken).start()


def test_a_dead_observer_is_restarted_and_asks_for_a_full_rescan(vault, watching):
    watcher, sink = watching()
    watcher._observer.stop()  # the observer thread dies (as after a network-share outage)
    batch = sink.next()
    assert batch.rescan and "restarted" in batch.reason
    assert watcher.alive()
    (vault / "journal.md").write_text("# Journal\n\nafter the restart\n")
    assert "journal.md" in sink.merged_until(lambda b: "journal.md" in b.changed).changed


def test_an_inotify_overflow_asks_for_a_full_rescan(vault, watching):
    _, sink = watching()
    logging.getLogger("watchdog.observers.inotify_c").warning("Inotify queue overflowed; filesystem events were lost")
    batch = sink.next()
    assert batch.rescan and "overflow" in batch.reason


# --- the coalescer's rules, on a clock the test moves --------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_trailing_debounce_waits_for_quiet():
    clock = Clock()
    c = Coalescer(WatchSettings(debounce_s=2.0, max_delay_s=60.0), clock)
    for _ in range(10):  # an editor autosaving every second
        c.add("note.md")
        clock.now += 1.0
        assert c.take_due() is None
    clock.now += 1.0
    batch = c.take_due()
    assert batch is not None and batch.changed == {"note.md"}
    assert c.take_due() is None and c.wait_time() is None


def test_a_path_that_keeps_changing_is_forced_through_after_the_max_delay():
    clock = Clock()
    c = Coalescer(WatchSettings(debounce_s=2.0, max_delay_s=10.0), clock)
    flushed_at = None
    for second in range(30):
        c.add("busy.md")
        if c.take_due() is not None and flushed_at is None:
            flushed_at = second
        clock.now += 1.0
    assert flushed_at == 10


def test_a_burst_over_the_limit_becomes_one_rescan():
    clock = Clock()
    c = Coalescer(WatchSettings(debounce_s=2.0, max_pending=512), clock)
    for i in range(5000):
        c.add(f"n{i}.md")
    assert c.pending() == 1
    clock.now += 2.0
    batch = c.take_due()
    assert batch.rescan and not batch.changed and "512" in batch.reason


def test_the_newest_kind_of_change_wins():
    clock = Clock()
    c = Coalescer(WatchSettings(debounce_s=1.0), clock)
    c.add("a.md", deleted=True)
    c.add("a.md")  # deleted, then written again: a change
    c.add("b.md")
    c.add("b.md", deleted=True)
    clock.now += 1.0
    batch = c.take_due()
    assert batch.changed == {"a.md"} and batch.deleted == {"b.md"}

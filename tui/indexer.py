"""Keeps the vault's index current for the app: at start, while it is open, and before an answer.

A new user opens the app on a vault that was never indexed; answering from the notes needs the
index, so the app indexes at once (in a thread worker, with progress for the status bar) and
again, incrementally, whenever the sync watcher reports a round, every so often, and right
before a grounded answer. Incremental scans only stat unchanged files, so they are cheap.
Scans are serialised by one lock: two threads writing the same SQLite index would only wait
on each other. Every method blocks: call them from worker threads.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from trainer.paths import index_db

log = logging.getLogger("brain.tui")
Progress = Callable[[int, int], None]  # (files read, files to read)


@dataclass(frozen=True)
class IndexState:
    """What the status bar says about the vault after a scan."""

    notes: int
    problem: str = ""  # empty, or a sentence: the vault is missing, the index is unusable


class VaultIndexer:
    def __init__(self, vault: Path) -> None:
        self.vault = vault
        self.db = index_db(vault)
        self._lock = threading.Lock()

    def refresh(self, progress: Progress | None = None) -> IndexState:
        """Scan the vault into its index (incremental) and count the notes. Never raises for a
        missing vault or a broken index: the state says what is wrong."""
        from trainer.vault.index import Index, IndexUnavailable

        if not self.vault.is_dir():
            return IndexState(0, f"vault not found: {self.vault}")
        try:
            with self.scanning(), Index.open(self.db) as index:
                self._scan(index, progress)
                return IndexState(index.count())
        except (IndexUnavailable, OSError, ValueError) as exc:
            return IndexState(0, f"cannot index the vault: {exc}")
        except Exception as exc:  # noqa: BLE001 - a bug in a parser must not leave "indexing…" forever
            log.exception("indexing %s failed", self.vault)
            return IndexState(0, f"cannot index the vault ({type(exc).__name__}: {exc})")

    @contextmanager
    def scanning(self) -> Iterator[None]:
        """Hold the scan lock: what a scan does, for a caller that must not race one."""
        with self._lock:
            yield

    @contextmanager
    def current(self) -> Iterator:
        """The vault's index, brought up to date first: what a grounded answer reads."""
        from trainer.vault.index import Index

        from trainer.vault.scan import VaultUnavailable

        with Index.open(self.db) as index:
            if self.vault.is_dir():
                with self.scanning(), contextlib.suppress(VaultUnavailable):  # unplugged: answer from the index as it was
                    self._scan(index, None)
            yield index

    def warm(self, dense: str = "auto") -> None:
        """Build what a question builds on first use (the embedding model, the term and vector
        tables, the decision store) ahead of it: on 1,000 notes the decision store alone is about
        a second the first question would otherwise wait for, and again after every round of
        edits (it relinks across notes). Incremental: with nothing changed it costs a few reads.
        Best effort. `dense` as `Retriever.open` takes it."""
        from trainer.recall.decisions import DecisionStore
        from trainer.recall.retrieve import Retriever
        from trainer.vault.index import Index

        try:
            with Index.open(self.db) as index:
                retriever = Retriever.open(index, dense)
                try:
                    retriever.sync()
                    retriever.retrieve("warm up", 1)
                finally:
                    retriever.close()
                store = DecisionStore(index)
                try:
                    store.sync()
                finally:
                    store.close()
        except Exception:  # noqa: BLE001 - the first question will build it, or say what is wrong
            log.warning("warming retrieval up failed", exc_info=True)

    def _scan(self, index, progress: Progress | None) -> None:
        from trainer.data.scrub_settings import index_scrub
        from trainer.vault.scan import scan_vault

        scan_vault(self.vault, index, (lambda done, total, _path: progress(done, total)) if progress else None,
                   scrub=index_scrub(self.vault))

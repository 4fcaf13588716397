"""The sync service: the vault watcher feeding the refresh queue, in one blocking loop.

`brain sync --watch` runs `SyncService.run()` in its main thread; the TUI runs it in a thread
worker. Whoever takes the vault's runner lock runs the queue; another process that finds it
taken only reports that (the TUI then just shows the state the runner writes to sync.db) and
tries again now and then. Requests from the sync panel (sync now, full rebuild, pause) reach
the runner through sync.db, so they work the same whichever process runs the queue.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable

from trainer.engines.base import TrainEvent
from trainer.paths import sync_db
from trainer.sync.queue import Outcome, RefreshQueue, SyncStore, is_corrupt

log = logging.getLogger("brain.sync")

CHECK_S = 1.0  # how often the loop looks at sync.db for requests from another process
LOCK_RETRY_S = 30.0
BACKOFF_BASE_S = 2.0  # after a round fails (vault unplugged, disk full): wait 2, 4, 8 ... seconds
BACKOFF_CAP_S = 600.0  # ... but never more than this between two tries


def backoff_delay(failures: int, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_CAP_S) -> float:
    """Seconds to wait after `failures` rounds in a row failed: exponential, capped."""
    return 0.0 if failures <= 0 else min(cap, base * 2 ** min(failures - 1, 30))


class SyncService:
    def __init__(self, queue: RefreshQueue, watch: bool = True,
                 on_outcome: Callable[[Outcome], None] | None = None,
                 backoff_base_s: float = BACKOFF_BASE_S, backoff_cap_s: float = BACKOFF_CAP_S) -> None:
        self.queue = queue
        self.watch = watch
        self.on_outcome = on_outcome or (lambda outcome: None)
        self.watcher = None
        self.state = "starting"
        """starting | watching | training | paused | elsewhere (another process runs the queue) |
        waiting (a round failed: backing off) | stopped"""
        self.backoff = (backoff_base_s, backoff_cap_s)
        self.failures = 0  # rounds in a row that failed or found the vault unavailable
        self.next_try = 0.0  # time.monotonic() before which automatic rounds wait
        self.rounds = 0  # rounds run (for status and tests)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._kick = threading.Event()  # the user asked: try now, whatever the back-off says

    # -- control (any thread) ------------------------------------------------------------------

    def stop(self) -> None:
        """End the loop; a run in progress is stopped (the active adapter stays as it was).
        Returns at once: the training child is signalled from a helper thread."""
        self._stop.set()
        self._wake.set()
        if self.queue.run is not None:
            threading.Thread(target=self.queue.stop_run, name="brain-sync-stop", daemon=True).start()

    def wake(self) -> None:
        """The user asked for a round (sync now, full rebuild): run it now, even while backing off."""
        self._kick.set()
        self._wake.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> None:
        """Blocks until stop(). KeyboardInterrupt (Ctrl-C, or SIGTERM turned into it) stops the
        training child first and is re-raised."""
        try:
            self._loop()
        finally:
            self._shutdown()

    def _loop(self) -> None:
        due, last_reconcile, next_lock_try = True, time.monotonic(), 0.0
        while not self._stop.is_set():
            if not self.queue.lock.held:
                now = time.monotonic()
                if now < next_lock_try:
                    self._wait(CHECK_S)
                    continue
                if not self._take_lock():
                    next_lock_try = now + LOCK_RETRY_S
                    continue
                due = True
            reconcile = self._reconcile_due(last_reconcile)
            backing_off = time.monotonic() < self.next_try and not self._kick.is_set()
            if not backing_off and (due or reconcile or self.queue.retry_due() or self._asked()):
                if reconcile:
                    last_reconcile = time.monotonic()
                self._kick.clear()
                self._cycle(rehash=reconcile)
            due = self._wait(CHECK_S) or due and backing_off  # a change seen while backing off waits its turn

    def _take_lock(self) -> bool:
        if not self.queue.lock.acquire():
            if self.state != "elsewhere":
                log.info("another brain process (pid %s) syncs this vault; watching its progress only",
                         self.queue.lock.owner() or "?")
            self.state = "elsewhere"
            return False
        self.queue.recover()
        if self.watch:
            self._start_watcher()
        self.state = "watching"
        return True

    def _start_watcher(self) -> None:
        from trainer.sync.watch import VaultWatcher

        self.watcher = VaultWatcher(self.queue.vault, self.notify, self.queue.settings.watch_settings())
        self.watcher.start()
        how = "OS file events" if self.watcher.mode == "events" else "polling"
        log.info("watching %s (%s)", self.queue.vault, how)
        with self.queue.store() as store:
            store.put("watch", f"{how}|{self.watcher.warning}")

    def notify(self, batch) -> None:
        """The watcher's callback (its thread): record what changed, wake the loop. If sync.db
        cannot take it (a full disk), the next round's scan finds the changes anyway."""
        log.info("%s", batch.describe())
        try:
            with self.queue.store() as store:
                store.add_pending(batch.changed, batch.deleted, batch.rescan, self.queue.settings.max_pending)
        except (sqlite3.Error, OSError) as exc:
            log.warning("could not record changes in sync.db (%s); the next scan finds them", exc)
        self._wake.set()

    def _asked(self) -> bool:
        """Work someone else put in sync.db: a request, or changes left from before a restart."""
        try:
            with self.queue.store() as store:
                return bool(store.requested()) or (store.pending_count() > 0 and not store.paused)
        except (sqlite3.Error, OSError) as exc:
            self._failed(Outcome("failed", f"cannot read the sync state: {exc}"))
            return False

    def _reconcile_due(self, last: float) -> bool:
        minutes = self.queue.settings.reconcile_minutes
        return minutes > 0 and time.monotonic() - last >= minutes * 60

    def _cycle(self, rehash: bool) -> None:
        self.state = "training"
        self.rounds += 1
        try:
            outcome = self.queue.cycle(rehash=rehash)
        except Exception as exc:  # a full disk, a broken sync.db, a bug: back off, never die
            if isinstance(exc, sqlite3.DatabaseError) and is_corrupt(exc):
                SyncStore.recheck(sync_db(self.queue.vault))
            if not isinstance(exc, (OSError, sqlite3.Error)):
                log.exception("sync round failed")  # a bug: the traceback helps
            outcome = Outcome("failed", f"{type(exc).__name__}: {exc}")
        if outcome.status in ("failed", "unavailable") and outcome.message:
            self._failed(outcome)
        else:
            self.failures, self.next_try = 0, 0.0
            self.state = "paused" if outcome.status == "paused" else "watching"
            if outcome.status not in ("paused", "current", "idle"):
                log.info("sync: %s (%s)", outcome.status, outcome.message)
        self.on_outcome(outcome)

    def _failed(self, outcome: Outcome) -> None:
        """Back off: the same failure retried every second would fill the log and the CPU."""
        self.failures += 1
        delay = backoff_delay(self.failures, *self.backoff)
        self.next_try = time.monotonic() + delay
        self.state = "waiting"
        log.warning("sync: %s (%s); next try in %.0f s", outcome.status, outcome.message, delay)

    def _wait(self, seconds: float) -> bool:
        woke = self._wake.wait(seconds)
        self._wake.clear()
        return woke and not self._stop.is_set()

    def _shutdown(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        if self.queue.lock.held:
            with self.queue.store() as store:
                store.put("watch", "")
        self.queue.lock.release()
        self.state = "stopped"


def log_events(every_s: float = 30.0) -> Callable[[TrainEvent], None]:
    """A TrainEvent callback that logs a run's start, its progress now and then, and its end."""
    last = [0.0]

    def on_event(event: TrainEvent) -> None:
        if event.kind == "start":
            log.info("training: %s steps, %s rows on %s", event.total_steps, event.data.get("rows"),
                     event.data.get("device"))
        elif event.kind == "step" and (time.monotonic() - last[0] >= every_s or event.step == event.total_steps):
            last[0] = time.monotonic()
            log.info("step %d/%d  loss %.3f  %.0f tok/s", event.step, event.total_steps, event.loss or 0,
                     event.tokens_per_s or 0)
        elif event.kind == "eval" and event.eval_loss is not None:
            log.info("eval loss %.3f (base %s)", event.eval_loss, event.data.get("base_eval_loss"))
        elif event.kind in ("log", "error") and event.message:
            log.info("%s", event.message)

    return on_event


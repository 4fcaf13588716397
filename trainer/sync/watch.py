"""Watch a vault for note changes and hand them on in calm, coalesced batches.

A recursive watchdog observer feeds a `Coalescer`; a small thread flushes it when the vault has
been quiet for `debounce_s` (editors such as Obsidian save every couple of seconds while one
types), or when the oldest pending change has waited `max_delay_s` (a note that never stops
changing still gets through), in the manner of Syncthing's aggregator. What the watcher learned
the hard way (gorakhargosh/watchdog issues, and measurements on this machine):

- It ignores exactly what the scan ignores (`trainer.vault.scan.watched_path`: hidden folders such as
  .obsidian and .git, hidden and non-note files), so editor temp files and Obsidian's constant
  workspace writes never wake anything.
- An atomic save (temp file + rename onto the note) arrives as a move with no "modified" on the
  note: a move counts as a delete of its source and a change of its destination. A folder rename
  is one directory move plus one move per file. A "created" counts as a change: files written
  right after their folder was made may get only a synthesized "created".
- A burst over `max_pending` paths collapses to "rescan everything"; so do an inotify queue
  overflow (#654) and an observer or emitter thread that died (#1065): the observer is restarted
  and the batch says `rescan`. The sync's periodic reconciliation scan covers anything missed.
- The inotify watch limit (ENOSPC, #673) and instance limit (EMFILE, #846): the warning says
  which sysctl raises it, and the watcher falls back to polling. Network file systems give no
  events at all (#409): set `poll` for them.

The batch names paths only so people can see what is pending; the queue always rescans the vault
(cheap: size and mtime per file) and trusts the index, never the events.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from trainer.vault.scan import watched_path

log = logging.getLogger("brain.sync")

IGNORED_EVENTS = {"opened", "closed_no_write", "attrib"}
LIMIT_ERRNOS = {errno.ENOSPC, errno.EMFILE}
HEALTH_CHECK_S = 1.0


@dataclass
class WatchSettings:
    debounce_s: float = 2.0
    """Quiet time after the last change before a batch is handed on (trailing debounce)."""
    max_delay_s: float = 60.0
    """A change waits at most this long, even while the vault keeps changing."""
    max_pending: int = 512
    """More pending paths than this become one "rescan everything"."""
    poll: bool = False
    """Poll instead of OS events (network shares: NFS, SMB, SSHFS send no events)."""
    poll_interval_s: float = 5.0
    """Seconds between polls when polling."""


@dataclass
class Batch:
    """Changes handed on together. Paths are vault-relative (POSIX), folders included."""

    changed: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    rescan: bool = False
    """Too many changes, a lost event or a restarted observer: compare the whole vault."""
    reason: str = ""

    @property
    def size(self) -> int:
        return len(self.changed) + len(self.deleted)

    def describe(self) -> str:
        if self.rescan:
            return f"rescan everything ({self.reason})"
        names = sorted(self.changed | self.deleted)
        shown = ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")
        return f"{len(names)} change{'s' if len(names) != 1 else ''}: {shown}"


class Coalescer:
    """Pending changes, newest kind per path; thread-safe. `take_due` hands them out when due."""

    def __init__(self, settings: WatchSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self.clock = settings, clock
        self._lock = threading.Lock()
        self._paths: dict[str, bool] = {}  # path -> deleted?
        self._rescan = ""
        self._first: float | None = None
        self._last = 0.0

    def add(self, rel: str, deleted: bool = False) -> None:
        with self._lock:
            if not self._rescan:
                self._paths.pop(rel, None)  # re-insert: newest last
                self._paths[rel] = deleted
                if len(self._paths) > self.settings.max_pending:
                    self._collapse(f"more than {self.settings.max_pending} changes at once")
            self._touch()

    def rescan(self, reason: str) -> None:
        with self._lock:
            self._collapse(reason)
            self._touch()

    def pending(self) -> int:
        with self._lock:
            return len(self._paths) + bool(self._rescan)

    def wait_time(self) -> float | None:
        """Seconds until the pending batch is due (0: now); None when nothing is pending."""
        with self._lock:
            if self._first is None:
                return None
            now = self.clock()
            due = min(self._last + self.settings.debounce_s, self._first + self.settings.max_delay_s)
            return max(0.0, due - now)

    def take_due(self) -> Batch | None:
        if self.wait_time() != 0.0:
            return None
        with self._lock:
            batch = Batch({p for p, d in self._paths.items() if not d}, {p for p, d in self._paths.items() if d},
                          bool(self._rescan), self._rescan)
            self._paths, self._rescan, self._first = {}, "", None
            return batch

    def _collapse(self, reason: str) -> None:
        self._paths.clear()
        self._rescan = self._rescan or reason

    def _touch(self) -> None:
        self._last = self.clock()
        if self._first is None:
            self._first = self._last


def watch_limit_message(exc: OSError, settings: WatchSettings) -> str:
    which = "max_user_instances" if exc.errno == errno.EMFILE else "max_user_watches"
    value = 512 if which == "max_user_instances" else 524288
    return (f"The system's limit on file watches was reached ({exc.strerror or exc}); brain falls back to "
            f"polling the vault every {settings.poll_interval_s:g} s, which costs more CPU on a large vault. "
            f"To raise the limit on Linux: `sudo sysctl fs.inotify.{which}={value}`, and to keep it after a "
            f"reboot, add the line `fs.inotify.{which}={value}` to /etc/sysctl.d/90-brain.conf.")


def _native_observer():
    from watchdog.observers import Observer

    return Observer()


def _polling_observer(settings: WatchSettings):
    from watchdog.observers.polling import PollingObserver

    return PollingObserver(timeout=settings.poll_interval_s)


class VaultWatcher:
    """Start, watch, restart. `on_batch` is called from the watcher's own thread: keep it quick."""

    def __init__(self, vault: Path, on_batch: Callable[[Batch], None], settings: WatchSettings | None = None,
                 observer_factory: Callable[[], object] = _native_observer) -> None:
        self.vault = Path(vault)
        self.root = os.path.abspath(self.vault)
        self.on_batch = on_batch
        self.settings = settings or WatchSettings()
        self.coalescer = Coalescer(self.settings)
        self.observer_factory = observer_factory
        self.mode = ""  # "events" or "polling"
        self.warning = ""  # the watch-limit message, when polling because of it
        self._observer = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._overflow = _OverflowHook(self)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        self._start_observer()
        self._overflow.install()
        self._thread = threading.Thread(target=self._loop, name="brain-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._overflow.remove()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)
        self._stop_observer()

    def alive(self) -> bool:
        obs = self._observer
        if obs is None or not obs.is_alive():
            return False
        return all(e.is_alive() for e in getattr(obs, "emitters", ()))

    def _start_observer(self) -> None:
        if self.settings.poll:
            self._start(_polling_observer(self.settings), "polling")
            return
        try:
            self._start(self.observer_factory(), "events")
        except OSError as exc:
            if exc.errno not in LIMIT_ERRNOS:
                raise
            self.warning = watch_limit_message(exc, self.settings)
            log.warning("%s", self.warning)
            self._start(_polling_observer(self.settings), "polling")

    def _start(self, observer, mode: str) -> None:
        observer.schedule(_Handler(self), self.root, recursive=True)
        observer.start()
        self._observer, self.mode = observer, mode

    def _stop_observer(self) -> None:
        obs, self._observer = self._observer, None
        if obs is None:
            return
        try:
            obs.stop()
            if obs.is_alive():
                obs.join(5)
        except Exception as exc:  # noqa: BLE001 - a broken observer must not stop the shutdown
            log.debug("stopping the observer: %s", exc)

    # -- the flush thread ----------------------------------------------------------------------

    def _loop(self) -> None:
        next_check = 0.0
        while not self._stop.is_set():
            wait = self.coalescer.wait_time()
            self._wake.wait(HEALTH_CHECK_S if wait is None else min(wait, HEALTH_CHECK_S))
            self._wake.clear()
            if self._stop.is_set():
                break
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + HEALTH_CHECK_S
                self._check_health()
            batch = self.coalescer.take_due()
            if batch is not None:
                self._hand_on(batch)

    def _hand_on(self, batch: Batch) -> None:
        try:
            self.on_batch(batch)
        except Exception:
            log.exception("the sync queue failed to take a batch of changes")

    def _check_health(self) -> None:
        if self.alive():
            return
        log.warning("the file watcher stopped; restarting it and rescanning everything")
        self._stop_observer()
        self.coalescer.rescan("the file watcher was restarted")
        try:
            self._start_observer()
        except OSError as exc:  # the vault is gone or unreadable for now: try again at the next check
            log.warning("cannot watch %s: %s", self.vault, exc.strerror or exc)

    # -- events --------------------------------------------------------------------------------

    def rel(self, path: bytes | str) -> str | None:
        """Vault-relative POSIX path, or None for a path outside the vault (or the vault itself)."""
        rel = os.path.relpath(os.fsdecode(path), self.root)
        if rel == "." or rel == ".." or rel.startswith(".." + os.sep):
            return None
        return rel.replace(os.sep, "/")

    def feed(self, event) -> None:
        """One watchdog event into the coalescer (public so tests can check the rules)."""
        kind = event.event_type
        if kind in IGNORED_EVENTS or (kind == "modified" and event.is_directory):
            return  # a folder's own mtime moves whenever its entries change; those events say more
        src = self.rel(event.src_path)
        if kind == "moved":
            self._add(src, event.is_directory, deleted=True)
            self._add(self.rel(event.dest_path), event.is_directory, deleted=False)
        else:
            self._add(src, event.is_directory, deleted=kind == "deleted")

    def _add(self, rel: str | None, is_dir: bool, deleted: bool) -> None:
        if rel is not None and watched_path(rel, is_dir):
            self.coalescer.add(rel + ("/" if is_dir else ""), deleted)
            self._wake.set()


class _Handler:
    """watchdog's handler interface (dispatch); never raises into the observer thread."""

    def __init__(self, watcher: VaultWatcher) -> None:
        self.watcher = watcher

    def dispatch(self, event) -> None:
        try:
            self.watcher.feed(event)
        except Exception:
            log.exception("could not handle %r", event)
            self.watcher.coalescer.rescan("an event could not be read")


class _OverflowHook(logging.Handler):
    """watchdog reports an inotify queue overflow only in a log line: listen for it there."""

    LOGGERS = ("watchdog.observers.inotify_c", "watchdog.observers.inotify")

    def __init__(self, watcher: VaultWatcher) -> None:
        super().__init__(logging.WARNING)
        self.watcher = watcher

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.watcher.coalescer.rescan("the OS dropped file events (inotify queue overflow)")
            self.watcher._wake.set()

    def install(self) -> None:
        for name in self.LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(self)
            if logger.getEffectiveLevel() > logging.WARNING:
                logger.setLevel(logging.WARNING)

    def remove(self) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeHandler(self)

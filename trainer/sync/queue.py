"""The refresh queue: decides when and how the adapter catches up with the vault, one run at a time.

State lives in its own SQLite file (`sync.db`, WAL) beside the index: pending changes reported
by the watcher, requests from the user (sync now, full rebuild), pause, the settled notes and
the history of runs. What still needs training is never stored as a to-do list: each cycle scans
the vault and compares the index with what the active adapter learned (`trainer.adapters.coverage`). So
changes that pile up during a run coalesce into the next one, and pending work survives a
restart or a SIGKILL by construction.

Policy, per cycle:
- nothing changed: no run;
- notes changed: an incremental refresh, warm-started from the active adapter, on the changed
  notes plus a replay sample of unchanged ones (`replay_ratio`), with short rows and few steps;
- notes deleted, more than `full_rebuild_share` of the notes changed, `full_rebuild_every`
  refreshes in a row, no adapter yet, or the user asked: a full rebuild, fresh (not warm), from
  the notes as they are. Deleted content leaves the model only this way: a warm start would
  carry what the old adapter learned from it.

One run at a time: within a process the queue is one loop; across processes (the TUI and
`brain sync --watch` on the same vault) a file lock decides who runs and the other only watches
the state. Training itself is the pipeline's child process, at lower CPU priority.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from trainer.db import transaction
from trainer.engines.base import TrainEvent
from trainer.vault.index import Index
from trainer.paths import adapters_dir, index_db, sync_db, vault_data_dir
from trainer.adapters.coverage import Changes, diff, read_coverage, write_coverage
from trainer.adapters.registry import AdapterRegistry
from trainer.data.scrub_settings import index_scrub
from trainer.vault.scan import VaultUnavailable, scan_vault
from trainer.sync.settings import SyncSettings

log = logging.getLogger("brain.sync")

RESCAN = "*"  # the pending row that stands for "rescan everything"


# --- the state file -----------------------------------------------------------------------------

MIGRATIONS = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE pending (
        path TEXT PRIMARY KEY,               -- vault-relative; '*' = rescan everything
        deleted INTEGER NOT NULL DEFAULT 0,
        seen REAL NOT NULL                   -- unix time of the latest event for it
    );
    CREATE TABLE settled (                   -- changed notes that gave nothing to train on
        path TEXT NOT NULL, content_hash TEXT NOT NULL, PRIMARY KEY (path, content_hash)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,                  -- refresh | full
        reason TEXT NOT NULL,
        status TEXT NOT NULL,                -- running | done | failed | stopped | interrupted | settled
        started REAL NOT NULL,
        finished REAL,
        focus INTEGER,                       -- changed notes trained on (refresh)
        version TEXT,                        -- the adapter version it made
        run_dir TEXT,                        -- runs/<id>/ with events.jsonl
        message TEXT NOT NULL DEFAULT ''
    );
    """,
]


@dataclass(frozen=True)
class PendingChange:
    path: str
    deleted: bool
    seen: float


@dataclass(frozen=True)
class RunRecord:
    id: int
    kind: str
    reason: str
    status: str
    started: float
    finished: float | None
    focus: int | None
    version: str | None
    run_dir: str | None
    message: str


class SyncStore:
    """sync.db. Open one per thread; every write is its own short transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn, self.path = conn, path

    _checked: set[Path] = set()  # files whose integrity this process has checked once

    @classmethod
    def open(cls, path: Path) -> SyncStore:
        """Open (creating) sync.db. A corrupt file is set aside as sync.db.corrupt and rebuilt
        empty, with one message: it holds nothing the next scan cannot find again except pause
        and queued requests, and a sync loop that dies on it would never refresh again."""
        try:
            return cls._open(path)
        except sqlite3.DatabaseError as exc:
            if not is_corrupt(exc):
                raise
            log.warning("the sync state %s was unreadable (%s): set aside as %s.corrupt and rebuilt; pause and "
                        "queued requests were reset, changes are found again by the next scan", path, exc, path.name)
            _set_aside(path)
            return cls._open(path)

    @classmethod
    def _open(cls, path: Path) -> SyncStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=10)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if path not in cls._checked:
                found = conn.execute("PRAGMA quick_check").fetchone()[0]
                if found != "ok":
                    raise sqlite3.DatabaseError(f"database disk image is malformed: {found}")
                cls._checked.add(path)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
                conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def recheck(cls, path: Path) -> None:
        """Check the file again at its next open (after an error that may mean corruption)."""
        cls._checked.discard(path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # meta
    def get(self, key: str, default: str = "") -> str:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def put(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def paused(self) -> bool:
        return self.get("paused") == "1"

    def set_paused(self, paused: bool) -> None:
        self.put("paused", "1" if paused else "0")

    def request(self, kind: str) -> None:
        """'sync' (now) or 'full' (rebuild); a full request is never downgraded to a sync."""
        if kind not in ("sync", "full"):
            raise ValueError(kind)
        with self._write():
            if self.get("request") != "full":
                self.put("request", kind)
            self.put("request_at", repr(time.time()))

    def requested(self) -> str:
        return self.get("request")

    def clear_request(self, up_to: float) -> None:
        """A round that started at `up_to` answered the request, unless it came in after that."""
        with self._write():
            if float(self.get("request_at", "0")) <= up_to:
                self._conn.execute("DELETE FROM meta WHERE key IN ('request', 'request_at')")

    # pending changes
    def add_pending(self, changed: Iterable[str], deleted: Iterable[str], rescan: bool, limit: int) -> None:
        now = time.time()
        rows = [(p, 0, now) for p in changed] + [(p, 1, now) for p in deleted]
        if rescan:
            rows.append((RESCAN, 0, now))
        with self._write():
            self._conn.executemany("INSERT OR REPLACE INTO pending VALUES (?, ?, ?)", rows)
            if self._conn.execute("SELECT count(*) FROM pending").fetchone()[0] > limit:
                self._conn.execute("DELETE FROM pending")
                self._conn.execute("INSERT INTO pending VALUES (?, 0, ?)", (RESCAN, now))

    def pending(self, limit: int = 200) -> list[PendingChange]:
        rows = self._conn.execute("SELECT path, deleted, seen FROM pending ORDER BY seen DESC, path LIMIT ?", (limit,))
        return [PendingChange(p, bool(d), s) for p, d, s in rows]

    def pending_count(self) -> int:
        return self._conn.execute("SELECT count(*) FROM pending").fetchone()[0]

    def clear_pending(self, up_to: float) -> None:
        """Forget changes seen before a scan started: that scan saw them. Later ones stay."""
        self._conn.execute("DELETE FROM pending WHERE seen <= ?", (up_to,))

    # settled notes
    def settled(self) -> set[tuple[str, str]]:
        return set(self._conn.execute("SELECT path, content_hash FROM settled"))

    def settle(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._conn.executemany("INSERT OR IGNORE INTO settled VALUES (?, ?)", list(pairs))

    def clear_settled(self) -> None:
        self._conn.execute("DELETE FROM settled")

    # runs
    def begin_run(self, kind: str, reason: str, focus: int | None) -> int:
        cur = self._conn.execute("INSERT INTO runs (kind, reason, status, started, focus) VALUES (?, ?, 'running', ?, ?)",
                                 (kind, reason, time.time(), focus))
        return int(cur.lastrowid)

    def set_run_dir(self, run_id: int, run_dir: Path) -> None:
        self._conn.execute("UPDATE runs SET run_dir = ? WHERE id = ?", (str(run_dir), run_id))

    def finish_run(self, run_id: int, status: str, message: str = "", version: str | None = None) -> None:
        self._conn.execute("UPDATE runs SET status = ?, message = ?, version = ?, finished = ? WHERE id = ?",
                           (status, message, version, time.time(), run_id))

    def runs(self, limit: int = 20) -> list[RunRecord]:
        rows = self._conn.execute("SELECT id, kind, reason, status, started, finished, focus, version, run_dir, "
                                  "message FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [RunRecord(*row) for row in rows]

    def running_dirs(self) -> list[Path]:
        rows = self._conn.execute("SELECT run_dir FROM runs WHERE status = 'running' AND run_dir IS NOT NULL")
        return [Path(d) for (d,) in rows]

    def recover(self) -> int:
        """Runs still marked running belong to a process that died: mark them interrupted."""
        cur = self._conn.execute("UPDATE runs SET status = 'interrupted', finished = ?, "
                                 "message = 'the sync process stopped during the run' WHERE status = 'running'",
                                 (time.time(),))
        return cur.rowcount

    def refreshes_since_full(self) -> int:
        rows = self._conn.execute("SELECT kind FROM runs WHERE status = 'done' ORDER BY id DESC")
        count = 0
        for (kind,) in rows:
            if kind != "refresh":
                break
            count += 1
        return count

    def integrity(self) -> str:
        return self._conn.execute("PRAGMA integrity_check").fetchone()[0]

    def _write(self):
        return transaction(self._conn)


def is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    """A damaged file, as opposed to a busy one ("database is locked") or a full disk."""
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "unsupported file format" in text


def _set_aside(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with contextlib.suppress(FileNotFoundError):
        os.replace(path, path.with_name(path.name + ".corrupt"))


# --- the policy ---------------------------------------------------------------------------------


@dataclass
class Decision:
    kind: str  # "none" | "refresh" | "full"
    reason: str
    focus: set[str] = field(default_factory=set)


def decide(changes: Changes, notes: int, has_adapter: bool, request: str, refreshes: int,
           settings: SyncSettings, bootstrap: bool = True) -> Decision:
    """What to run, given what changed since the active adapter learned the vault."""
    if notes == 0:
        return Decision("none", "the vault has no notes")
    if request == "full":
        return Decision("full", "full rebuild requested")
    if not has_adapter:
        if bootstrap or request:
            return Decision("full", "no adapter yet")
        return Decision("none", "no adapter yet: run a full rebuild (or `brain sync`) to train the first one")
    if changes.deleted:
        return Decision("full", f"{len(changes.deleted)} note{'s' if len(changes.deleted) != 1 else ''} deleted: "
                                "rebuilt from scratch so their content leaves the model")
    if not changes.changed:
        return Decision("none", "the adapter is up to date")
    if len(changes.changed) > settings.full_rebuild_share * notes:
        return Decision("full", f"{len(changes.changed)} of {notes} notes changed "
                                f"(over {settings.full_rebuild_share:.0%})")
    if settings.full_rebuild_every and refreshes >= settings.full_rebuild_every:
        return Decision("full", f"{refreshes} refreshes in a row")
    n = len(changes.changed)
    return Decision("refresh", f"{n} note{'s' if n != 1 else ''} changed", set(changes.changed))


# --- the queue ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str  # "idle" | "current" | "done" | "failed" | "settled" | "paused" | "waiting" | "unavailable"
    message: str
    version: str | None = None


Trainer = Callable[..., object]  # train_vault(plan, on_event, on_run) -> AdapterVersion


class RunnerLock:
    """One queue runner per vault across processes (fcntl.flock; released when the process dies)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = None

    def acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:  # Windows: no cross-process guard; one runner per vault is the user's call
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = open(self.path, "a+")  # noqa: SIM115 - held open for the life of the lock
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        self._file = f
        return True

    def owner(self) -> str:
        try:
            return self.path.read_text().strip()
        except OSError:
            return ""

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None


class RefreshQueue:
    """Scan, compare, decide, train. `cycle()` does one round; the caller owns the loop."""

    def __init__(self, template, settings: SyncSettings, trainer: Trainer | None = None,
                 on_event: Callable[[TrainEvent], None] | None = None, bootstrap: bool = False) -> None:
        """`template` is a pipeline TrainPlan for a full rebuild (vault, model, settings, keep);
        `trainer` defaults to trainer.pipeline.train_vault."""
        self.template = template
        self.vault: Path = template.vault
        self.settings = settings
        self.trainer = trainer
        self.on_event = on_event or (lambda event: None)
        self.bootstrap = bootstrap
        self.lock = RunnerLock(vault_data_dir(self.vault) / "sync.lock")
        self.run = None  # the TrainRun in progress (pipeline), to stop it
        self.retry_after = 0.0
        self.failures = 0

    def store(self) -> SyncStore:
        return SyncStore.open(sync_db(self.vault))

    # -- start-up ------------------------------------------------------------------------------

    def recover(self) -> None:
        """After the lock is taken: stop training children a killed runner left behind, mark its
        run interrupted, remove half-built versions. The active adapter was never touched."""
        with self.store() as store:
            killed = kill_orphan_runs(store.running_dirs())
            interrupted = store.recover()
        cleaned = AdapterRegistry(adapters_dir(self.vault)).clean_staging()
        if killed or interrupted or cleaned:
            log.info("recovered from an interrupted sync: %d run(s) marked interrupted, %d orphan training "
                     "process(es) stopped, %d half-built version(s) removed", interrupted, len(killed), cleaned)

    # -- one round -----------------------------------------------------------------------------

    def cycle(self, rehash: bool = False, automatic: bool = True) -> Outcome:
        """Scan the vault, compare it with the active adapter, and train if the policy says so.
        `automatic` rounds respect pause and the back-off after a failure; explicit ones do not.
        A user's request is answered (cleared) only by a round that finishes, so a killed run's
        request survives the restart."""
        with self.store() as store:
            began = time.time()
            request = store.requested()
            if automatic and store.paused and not request:
                return Outcome("paused", "sync is paused")
            outcome = self._round(store, request, rehash, automatic)
            if outcome.status not in ("waiting", "unavailable"):
                store.clear_request(began)
            return outcome

    def _round(self, store: SyncStore, request: str, rehash: bool, automatic: bool) -> Outcome:
        active = AdapterRegistry(adapters_dir(self.vault)).active_dir()
        if active is None and not (self.bootstrap or request):
            store.clear_pending(time.time())
            return Outcome("idle", "no adapter yet: run a full rebuild (or `brain sync`) to train the first one")
        started = time.time()
        try:
            states = self._scan(rehash)
        except VaultUnavailable as exc:  # unplugged: keep everything as it is, pending changes too
            return Outcome("unavailable", str(exc))
        store.clear_pending(started)
        coverage = self._coverage(active, states)
        changes = diff(states, coverage or {}, store.settled())
        decision = decide(changes, len(states), active is not None, request, store.refreshes_since_full(),
                          self.settings, self.bootstrap)
        store.put("last_check", _now())
        if decision.kind == "none":
            self.retry_after = 0.0  # nothing left to retry
            return Outcome("current", decision.reason)
        if automatic and not request and time.time() < self.retry_after:
            return Outcome("waiting", f"{decision.reason}; retrying {self.retry_after - time.time():.0f} s after "
                                      "the last failure")
        return self._train(store, decision, states)

    def _scan(self, rehash: bool) -> dict[str, str]:
        with Index.open(index_db(self.vault)) as index:
            scan_vault(self.vault, index, rehash=rehash, scrub=index_scrub(self.vault))
            return {path: s.content_hash for path, s in index.file_states().items()}

    def _coverage(self, active: Path | None, states: dict[str, str]) -> dict[str, str] | None:
        coverage = read_coverage(active)
        if active is not None and coverage is None:
            log.info("adapter %s predates sync: taking the vault as it is now as what it learned "
                     "(`brain sync --full` rebuilds from scratch)", active.name)
            write_coverage(active, states)
            coverage = dict(states)
        return coverage

    def plan(self, decision: Decision):
        """The pipeline plan for a decision: a fresh full build, or a short warm refresh."""
        if decision.kind == "full":
            return replace(self.template, warm_start=False, focus=None)
        settings = self.settings.refresh_training(self.template.settings)
        dataset = replace(self.template.dataset, max_tokens=max(64, min(self.template.dataset.max_tokens,
                                                                          settings.max_len - 96)))
        return replace(self.template, settings=settings, dataset=dataset, warm_start=True,
                       focus=set(decision.focus), replay_ratio=self.settings.replay_ratio)

    def _train(self, store: SyncStore, decision: Decision, states: dict[str, str]) -> Outcome:
        from trainer.pipeline import NothingToTrain, TrainFailed, train_vault

        trainer = self.trainer or train_vault
        log.info("%s: %s", "refresh" if decision.kind == "refresh" else "full rebuild", decision.reason)
        run_id = store.begin_run(decision.kind, decision.reason, len(decision.focus) or None)
        try:
            version = trainer(self.plan(decision), self._event, on_run=lambda run: self._started(store, run_id, run))
        except NothingToTrain as exc:
            store.settle((p, states[p]) for p in decision.focus if p in states)
            store.finish_run(run_id, "settled", f"{exc}; marked as handled")
            return Outcome("settled", str(exc))
        except TrainFailed as exc:
            store.finish_run(run_id, "failed", str(exc))
            self.failures += 1
            self.retry_after = time.time() + min(3600, 60 * 2 ** (self.failures - 1))
            log.error("training failed: %s (the active adapter is unchanged)", exc)
            return Outcome("failed", str(exc))
        except BaseException:
            store.finish_run(run_id, "stopped", "stopped before it finished; the active adapter is unchanged")
            raise
        finally:
            self.run = None
        self.failures, self.retry_after = 0, 0.0
        name = getattr(version, "name", None)
        store.finish_run(run_id, "done", version=name)
        if decision.kind == "full":
            store.clear_settled()
        store.put("last_sync", _now())
        log.info("adapter %s is active", name)
        return Outcome("done", decision.reason, name)

    def _started(self, store: SyncStore, run_id: int, run) -> None:
        self.run = run
        store.set_run_dir(run_id, run.run_dir)

    def _event(self, event: TrainEvent) -> None:
        self.on_event(event)

    def retry_due(self) -> bool:
        """A failed run's back-off has passed: time for an automatic retry."""
        return 0 < self.retry_after <= time.time()

    def stop_run(self) -> None:
        """Stop the training child now (from any thread); the cycle then ends as 'stopped'."""
        run = self.run
        if run is not None:
            run.stop()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- orphans ------------------------------------------------------------------------------------


def kill_orphan_runs(run_dirs: list[Path]) -> list[int]:
    """Training children (`python -m trainer.run <run_dir>/job.json`) of runs a dead runner left
    marked as running: a SIGKILLed runner cannot stop them, and they would keep the CPU busy.
    Only those runs' processes are touched (never a `brain train` of the user's); call it only
    while holding the runner lock."""
    killed = []
    for pid in _training_pids(run_dirs):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    for pid in killed:
        _wait_gone(pid)
    return killed


def _training_pids(run_dirs: list[Path]) -> list[int]:
    jobs = {str(d / "job.json") for d in run_dirs}
    if not jobs:
        return []
    return [pid for pid, args in _processes()
            if pid != os.getpid() and "trainer.run" in args and jobs.intersection(args)]


def _processes() -> Iterable[tuple[int, list[str]]]:
    proc = Path("/proc")
    if proc.is_dir():
        for entry in proc.iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    raw = (entry / "cmdline").read_bytes()
                    yield int(entry.name), [os.fsdecode(a) for a in raw.split(b"\0") if a]
        return
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(["ps", "-Ao", "pid=,command="], capture_output=True, text=True, timeout=10,
                             check=False).stdout
        for line in out.splitlines():
            pid, _, command = line.strip().partition(" ")
            if pid.isdigit():
                yield int(pid), command.split()


def _wait_gone(pid: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        time.sleep(0.05)


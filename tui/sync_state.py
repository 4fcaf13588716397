"""What the sync panel shows, read in one go from sync.db, the adapter registry and the index.

Read-only and forgiving (a missing file is an empty state), so the panel works the same whether
the queue runs in this app, in `brain sync --watch`, or nowhere. Call it from a worker thread.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from trainer.paths import adapters_dir, sync_db, vault_data_dir
from trainer.sync.queue import PendingChange, RunRecord, SyncStore
from trainer.adapters.registry import AdapterRegistry
from tui.vault_stats import notes_indexed


@dataclass(frozen=True)
class VersionRow:
    name: str
    created: str
    kind: str  # "full" | "refresh" | "" (made before sync)
    eval_loss: float | None
    base_eval_loss: float | None
    notes: int | None
    active: bool


@dataclass
class RunProgress:
    step: int = 0
    total: int = 0
    losses: list[float] = field(default_factory=list)
    eval_loss: float | None = None
    message: str = ""


@dataclass
class SyncSnapshot:
    notes: int = 0
    pending: list[PendingChange] = field(default_factory=list)
    pending_count: int = 0
    request: str = ""
    paused: bool = False
    last_sync: str = ""
    watch: str = ""  # how the runner watches ("OS file events", "polling"); "" = no runner
    warning: str = ""
    runner: str = ""  # pid of the process running the queue, if it is alive
    runs: list[RunRecord] = field(default_factory=list)
    current: RunRecord | None = None
    progress: RunProgress = field(default_factory=RunProgress)
    versions: list[VersionRow] = field(default_factory=list)


class EventTail:
    """Reads a run's events.jsonl incrementally: each call parses only the lines added since."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.offset = 0
        self.progress = RunProgress()

    def read(self, path: Path) -> RunProgress:
        if path != self.path:
            self.path, self.offset, self.progress = path, 0, RunProgress()
        with contextlib.suppress(OSError), path.open("rb") as f:
            f.seek(self.offset)
            chunk = f.read()
            complete = chunk[: chunk.rfind(b"\n") + 1]
            self.offset += len(complete)
            for line in complete.decode("utf-8", "replace").splitlines():
                self._take(line)
        return self.progress

    def _take(self, line: str) -> None:
        try:
            event = json.loads(line)
        except ValueError:
            return
        p, kind = self.progress, event.get("kind")
        p.total = event.get("total_steps", p.total) or p.total
        if kind == "step":
            p.step = event.get("step", p.step)
            if event.get("loss") is not None:
                p.losses.append(float(event["loss"]))
        elif kind == "eval" and event.get("eval_loss") is not None:
            p.eval_loss = float(event["eval_loss"])
        elif kind in ("log", "error"):
            p.message = event.get("message", "")


def read_snapshot(vault: Path, tail: EventTail | None = None) -> SyncSnapshot:
    snap = SyncSnapshot(notes=notes_indexed(vault))
    if sync_db(vault).is_file():
        with SyncStore.open(sync_db(vault)) as store:
            _from_store(snap, store)
    if snap.current and snap.current.run_dir:
        snap.progress = (tail or EventTail()).read(Path(snap.current.run_dir) / "events.jsonl")
    snap.versions = versions(vault)
    snap.runner = _runner(vault) if snap.watch else ""
    return snap


def _from_store(snap: SyncSnapshot, store: SyncStore) -> None:
    snap.pending, snap.pending_count = store.pending(50), store.pending_count()
    snap.request, snap.paused, snap.last_sync = store.requested(), store.paused, store.get("last_sync")
    snap.watch, _, snap.warning = store.get("watch").partition("|")
    snap.runs = store.runs(10)
    snap.current = next((r for r in snap.runs if r.status == "running"), None)


def versions(vault: Path) -> list[VersionRow]:
    registry = AdapterRegistry(adapters_dir(vault))
    active = registry.active_name()
    rows = []
    for v in reversed(registry.versions()):
        m = v.manifest
        rows.append(VersionRow(v.name, str(m.get("created", ""))[:16].replace("T", " "), m.get("kind", ""),
                               m.get("eval_loss"), m.get("base_eval_loss"), (m.get("dataset") or {}).get("notes"),
                               v.name == active))
    return rows


def _runner(vault: Path) -> str:
    """The pid in the runner lock file, if that process is alive (a SIGKILLed runner leaves it)."""
    try:
        pid = int((vault_data_dir(vault) / "sync.lock").read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return ""
    return str(pid)

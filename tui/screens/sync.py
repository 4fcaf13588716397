"""Sync panel: the vault's state, the refresh queue, the run in progress and the adapter versions.

Everything shown is read once a second by a thread worker (`tui.sync_state`), and every action
writes one small request into sync.db from a thread worker, so the event loop never waits on
SQLite or the registry. The queue itself runs elsewhere: in this app's sync worker or in
`brain sync --watch`; the panel works the same with either.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message as TMessage
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Label,
    ProgressBar,
    Sparkline,
    Static,
)

from tui.screens.confirm import ConfirmScreen
from tui.sync_state import EventTail, SyncSnapshot, read_snapshot

if TYPE_CHECKING:
    from tui.app import BrainApp

REFRESH_S = 1.0


@dataclass
class SnapshotRead(TMessage):
    snapshot: SyncSnapshot

    def can_replace(self, message: TMessage) -> bool:
        return isinstance(message, SnapshotRead)


def ppl_change(loss: float | None, base: float | None) -> str:
    """Perplexity against the base model, in percent (negative = better)."""
    if loss is None or base is None:
        return ""
    import math

    return f"{(math.exp(loss - base) - 1) * 100:+.0f}%"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _ago(stamp: float | None) -> str:
    return "" if stamp is None else time.strftime("%m-%d %H:%M:%S", time.localtime(stamp))


def _local(iso: str) -> str:
    """An ISO time from sync.db, in local time, to the second."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


class SyncScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "sync_now", "Sync now"),
        Binding("f", "full_rebuild", "Full rebuild"),
        Binding("p", "toggle_pause", "Pause/resume"),
        Binding("r", "rollback", "Roll back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: SyncSnapshot | None = None
        self.tail = EventTail()

    @property
    def brain(self) -> BrainApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="sync-main"):
            with Vertical(id="sync-left"):
                yield Static(id="sync-vault")
                yield DataTable(id="sync-queue", cursor_type="row", zebra_stripes=True)
                yield DataTable(id="sync-runs", cursor_type="row", zebra_stripes=True)
            with Vertical(id="sync-right"):
                with Vertical(id="sync-run"):
                    yield Label("no run in progress", id="sync-run-title")
                    yield ProgressBar(id="sync-progress", show_eta=False)
                    yield Sparkline([], id="sync-loss")
                yield DataTable(id="sync-adapters", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"sync · {self.brain.cfg.vault_path.name}"
        for table, title, columns in [
            ("#sync-queue", "Queue", ("change", "path", "seen")),
            ("#sync-runs", "Runs", ("run", "kind", "status", "version", "started", "why")),
            ("#sync-adapters", "Adapter versions", ("", "version", "kind", "created", "eval loss", "base",
                                                    "ppl vs base", "notes")),
        ]:
            widget = self.query_one(table, DataTable)
            widget.border_title = title
            widget.add_columns(*columns)
        self.query_one("#sync-run").border_title = "Current run"
        self.query_one("#sync-loss").tooltip = "training loss, step by step"
        self.reload()
        self.set_interval(REFRESH_S, self.reload)

    # -- reading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sync-state", exit_on_error=False)
    def reload(self) -> None:
        self.post_message(SnapshotRead(read_snapshot(self.brain.cfg.vault_path, self.tail)))

    def on_snapshot_read(self, event: SnapshotRead) -> None:
        self.snapshot = snap = event.snapshot
        self.query_one("#sync-vault", Static).update(self.vault_text(snap))
        self.show_queue(snap)
        self.show_runs(snap)
        self.show_run(snap)
        self.show_versions(snap)

    def vault_text(self, snap: SyncSnapshot) -> str:
        if snap.runner:
            runner = f"watching with {snap.watch} (pid {snap.runner})"
        elif self.brain.cfg.sync.in_app:
            runner = "starting…"
        else:
            runner = "not watching: run `brain sync --watch`, or turn on sync.in_app"
        lines = [
            f"[b]{self.brain.cfg.vault_path}[/b]",
            f"notes indexed  {snap.notes}",
            f"pending        {snap.pending_count} change{'s' if snap.pending_count != 1 else ''}"
            + (f" · {snap.request} requested" if snap.request else ""),
            f"last sync      {_local(snap.last_sync) if snap.last_sync else 'never'}",
            f"sync           {'[b $warning]paused[/]' if snap.paused else 'on'} · {runner}",
        ]
        if snap.warning:
            lines.append(f"[$warning]{snap.warning}[/]")
        return "\n".join(lines)

    def show_queue(self, snap: SyncSnapshot) -> None:
        table = self.query_one("#sync-queue", DataTable)
        table.clear()
        if snap.request:
            table.add_row("request", "full rebuild" if snap.request == "full" else "sync now", "")
        for change in snap.pending:
            what = "rescan" if change.path == "*" else ("deleted" if change.deleted else "changed")
            table.add_row(what, "everything" if change.path == "*" else change.path, _ago(change.seen))

    def show_runs(self, snap: SyncSnapshot) -> None:
        table = self.query_one("#sync-runs", DataTable)
        table.clear()
        for r in snap.runs:
            table.add_row(str(r.id), r.kind, r.status, r.version or "", _ago(r.started), r.message or r.reason)

    def show_run(self, snap: SyncSnapshot) -> None:
        title = self.query_one("#sync-run-title", Label)
        bar = self.query_one("#sync-progress", ProgressBar)
        run, p = snap.current, snap.progress
        if run is None:
            title.update("no run in progress" + (f" · last: {snap.runs[0].status}" if snap.runs else ""))
            bar.update(total=1, progress=0)
        else:
            loss = f" · loss {p.losses[-1]:.3f}" if p.losses else ""
            title.update(f"{run.kind} · {run.reason} · step {p.step}/{p.total or '?'}{loss}")
            bar.update(total=p.total or None, progress=p.step)
        self.query_one("#sync-loss", Sparkline).data = list(p.losses) if run else []

    def show_versions(self, snap: SyncSnapshot) -> None:
        table = self.query_one("#sync-adapters", DataTable)
        table.clear()
        for v in snap.versions:
            table.add_row("*" if v.active else "", v.name, v.kind or "?", v.created, _num(v.eval_loss),
                          _num(v.base_eval_loss), ppl_change(v.eval_loss, v.base_eval_loss),
                          "" if v.notes is None else str(v.notes))

    # -- actions -----------------------------------------------------------------------------

    def action_sync_now(self) -> None:
        self.act("sync", "Sync requested.")

    def action_full_rebuild(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.act("full", "Full rebuild requested.")

        self.app.push_screen(ConfirmScreen("Rebuild the adapter from scratch on every note? On a large vault "
                                           "this takes a long time; the current adapter stays active until "
                                           "the new one is ready.", yes="Rebuild"), answer)

    def action_toggle_pause(self) -> None:
        paused = bool(self.snapshot and self.snapshot.paused)
        self.act("resume" if paused else "pause", "Sync resumed." if paused else "Sync paused: no new runs start.")

    def action_rollback(self) -> None:
        self.act("rollback", "")

    @work(thread=True, group="sync-action", exit_on_error=False)
    def act(self, action: str, done: str) -> None:
        from trainer.paths import adapters_dir, sync_db
        from trainer.sync.queue import SyncStore
        from trainer.adapters.registry import AdapterRegistry

        vault = self.brain.cfg.vault_path
        with SyncStore.open(sync_db(vault)) as store:
            if action in ("sync", "full"):
                store.request(action)
            elif action in ("pause", "resume"):
                store.set_paused(action == "pause")
            elif action == "rollback":
                active = AdapterRegistry(adapters_dir(vault)).rollback()
                store.set_paused(True)
                done = (f"Rolled back to {active or 'the base model'}. Sync is paused so it stays; "
                        "p resumes (the next refresh continues from this version).")
        self.brain.wake_sync()
        self.app.call_from_thread(self.notify, done, markup=False)
        self.app.call_from_thread(self.reload)

    def on_worker_state_changed(self, event) -> None:
        self.brain.report_worker(event)

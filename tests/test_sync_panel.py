"""The sync panel driven by Pilot, and the hot swap it leads to.

The panel reads real state (sync.db, the adapter registry, the index, a run's events.jsonl)
made by the real queue with the stand-in trainer; the chat backend is the scripted one (this is
about the screen). The last test is the whole path for real: `brain sync --watch` in a child
process trains a refresh after a note is edited, and the open TUI, with the bundled model on
llama.cpp, switches to the new adapter without a restart.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sync_support import InstantTrainer, disk_snapshot, make_vault
from tui_support import ScriptedBackend, ScriptedSession, wait_for

from trainer.paths import adapters_dir, sync_db, sync_log
from trainer.pipeline import TrainPlan
from trainer.sync.queue import RefreshQueue, SyncStore
from trainer.adapters.registry import AdapterRegistry
from trainer.sync.settings import SyncSettings
from tui.app import BrainApp
from tui.config import Config
from tui.screens.confirm import ConfirmScreen
from tui.screens.sync import SyncScreen

pytestmark = pytest.mark.anyio


class AdapterBackend(ScriptedBackend):
    """The scripted backend, reporting the adapter it was given (as real backends do)."""

    def __init__(self) -> None:
        super().__init__()
        self.adapter: Path | None = None
        self.swaps: list[str | None] = []

    def load(self, model, adapter: Path | None = None) -> None:
        self.adapter = adapter

    def set_adapter(self, adapter: Path | None) -> None:
        self.adapter = adapter
        self.swaps.append(adapter.name if adapter else None)

    def info(self):
        from backends import BackendInfo

        return BackendInfo("scripted", "scripted-model", self.adapter.name if self.adapter else None)


class LoadingSession(ScriptedSession):
    """ScriptedSession that attaches the active adapter on load, like ChatSession.load."""

    def load(self):
        from tui.session import active_adapter

        self.backend = self.scripted
        self._adapter = active_adapter(self.cfg.vault_path)
        self.scripted.load(None, self._adapter)
        return self.scripted.info()


@pytest.fixture
def synced_vault(tmp_path) -> Path:
    """Two versions made by the real queue (a full build, then a refresh), a pending change, and
    a run in progress with three steps in its events.jsonl."""
    vault = make_vault(tmp_path / "vault", 8)
    queue = RefreshQueue(TrainPlan(vault), SyncSettings(), trainer=InstantTrainer(), bootstrap=True)
    queue.cycle()
    (vault / "projects" / "note03.md").write_text("# Note 3\n\nRewritten: I now think the opposite.\n")
    queue.cycle()
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    events = [{"kind": "start", "total_steps": 4}] + [
        {"kind": "step", "step": i, "total_steps": 4, "loss": loss} for i, loss in enumerate((3.1, 2.7, 2.4), 1)]
    (run_dir / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    with SyncStore.open(sync_db(vault)) as store:
        store.add_pending({"journal/note04.md"}, set(), rescan=False, limit=512)
        run_id = store.begin_run("refresh", "1 note changed", 1)
        store.set_run_dir(run_id, run_dir)
    return vault


def panel_app(vault: Path, backend: AdapterBackend) -> BrainApp:
    cfg = Config(vault=str(vault))
    cfg.sync.in_app = False  # the panel alone: nothing in this app runs the queue
    return BrainApp(cfg, session_factory=lambda c: LoadingSession(c, backend))


def store_value(vault: Path, read):
    with SyncStore.open(sync_db(vault)) as store:
        return read(store)


async def test_the_sync_panel_shows_the_state_and_its_actions_reach_the_queue(synced_vault):
    vault = synced_vault
    backend = AdapterBackend()
    app = panel_app(vault, backend)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state == "ready" and app.adapter == "v0002", what="the model")
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.snapshot is not None,
                       what="the panel")
        screen = app.screen
        text = str(screen.query_one("#sync-vault").render())
        assert "notes indexed  8" in text and "pending        1 change" in text
        queue = screen.query_one("#sync-queue")
        assert queue.get_row_at(0)[:2] == ["changed", "journal/note04.md"]
        versions = screen.query_one("#sync-adapters")
        assert [versions.get_row_at(i)[:3] for i in range(versions.row_count)] == [
            ["*", "v0002", "refresh"], ["", "v0001", "full"]]
        assert versions.get_row_at(0)[4:7] == ["2.500", "3.000", "-39%"]
        bar = screen.query_one("#sync-progress")
        assert (bar.progress, bar.total) == (3, 4)
        assert list(screen.query_one("#sync-loss").data) == [3.1, 2.7, 2.4]
        assert "step 3/4" in str(screen.query_one("#sync-run-title").render())

        await pilot.press("s")
        await wait_for(pilot, lambda: store_value(vault, lambda s: s.requested()) == "sync", what="the request")
        await wait_for(pilot, lambda: screen.query_one("#sync-queue").get_row_at(0)[:2] == ["request", "sync now"],
                       what="the request in the queue")
        await pilot.press("p")
        await wait_for(pilot, lambda: store_value(vault, lambda s: s.paused), what="pause")
        await wait_for(pilot, lambda: "paused" in str(screen.query_one("#sync-vault").render()), what="paused shown")
        await pilot.press("p")
        await wait_for(pilot, lambda: not store_value(vault, lambda s: s.paused), what="resume")

        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: store_value(vault, lambda s: s.requested()) == "full", what="a full rebuild")

        await pilot.press("r")  # roll back: v0001 becomes active, sync pauses so it stays
        await wait_for(pilot, lambda: AdapterRegistry(adapters_dir(vault)).active_name() == "v0001", what="rollback")
        assert store_value(vault, lambda s: s.paused)
        await wait_for(pilot, lambda: app.adapter == "v0001", what="the status bar to follow (hot swap)")
        assert backend.swaps == ["v0001"]
        await wait_for(pilot, lambda: screen.query_one("#sync-adapters").get_row_at(1)[:2] == ["*", "v0001"],
                       what="the table to follow")


async def test_the_command_palette_opens_the_sync_panel(tmp_path):
    vault = make_vault(tmp_path / "vault", 3)
    app = panel_app(vault, AdapterBackend())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Sync")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen), what="the panel")
        await wait_for(pilot, lambda: app.screen.snapshot is not None, what="its state")
        assert "pending        0 changes" in str(app.screen.query_one("#sync-vault").render())
        assert app.screen.query_one("#sync-adapters").row_count == 0


# --- the whole path, for real --------------------------------------------------------------------

TINY = """
[train]
max_steps = 1
max_len = 128
rows_per_step = 1
threads = 2
[train.lora]
rank = 4
alpha = 8.0
[sync]
debounce_seconds = 0.5
refresh_steps = 1
refresh_max_len = 128
refresh_rows_per_step = 1
"""


def brain(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, check=False, **kw)


@pytest.mark.slow
async def test_editing_a_note_under_brain_sync_watch_switches_the_open_tui_to_the_new_adapter(tmp_path, brain_home):
    vault = make_vault(tmp_path / "vault", 6)
    (brain_home / "config").mkdir(parents=True, exist_ok=True)
    (brain_home / "config" / "config.toml").write_text(TINY)
    first = brain("sync", "--vault", str(vault), timeout=900)
    assert first.returncode == 0, first.stderr[-3000:]
    assert AdapterRegistry(adapters_dir(vault)).active_name() == "v0001"
    daemon = subprocess.Popen([sys.executable, "-m", "tui", "sync", "--watch", "--vault", str(vault)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        cfg = Config(vault=str(vault))
        cfg.sync.in_app = False
        app = BrainApp(cfg)  # the real ChatSession: llama.cpp with the bundled model
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.state == "ready", timeout=120, what="the model")
            assert app.adapter == "v0001"
            await wait_for(pilot, lambda: store_value(vault, lambda s: s.get("watch")) != "", timeout=60,
                           what="the watcher to start")
            note = vault / "projects" / "note03.md"
            note.write_text(note.read_text() + "\nNew today: I bake bread on Sundays, slowly.\n")
            expected = disk_snapshot(vault)
            try:
                await wait_for(pilot, lambda: app.adapter == "v0002", timeout=600, what="the refreshed adapter")
            except AssertionError as exc:
                raise AssertionError(f"{exc}; sync.log:\n{sync_log(vault).read_text()[-3000:]}") from None
            assert app.loading.session.info().adapter == "v0002"
            assert disk_snapshot(vault) == expected  # brain never wrote to the vault
    finally:
        daemon.send_signal(signal.SIGTERM)
        out, _ = daemon.communicate(timeout=120)
    assert daemon.returncode == 0, out[-3000:]
    assert "refresh: 1 note changed" in out and "adapter v0002 is active" in out and "stopped" in out
    manifest = AdapterRegistry(adapters_dir(vault)).get("v0002").manifest
    assert manifest["kind"] == "refresh" and manifest["warm_start"] == "v0001"

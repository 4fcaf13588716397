"""BrainApp: owns the config, the chat session (the loaded model) and the chat history.

The model loads in a thread worker after the first frame, so the screen is live at once and
keys typed during a slow load are kept; a message sent meanwhile waits in its own worker
(`wait_for_model`). Nothing here touches a model from the event loop.

The vault is indexed the same way: at start (progress in the status bar), after each round of
the sync watcher, every RESCAN_S seconds, and right before a grounded answer (tui/indexer.py),
so answers from the notes work on a first run and stay current while the app is open.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.binding import Binding, BindingType
from textual.message import Message as TMessage
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from backends import BackendError, BackendInfo
from trainer.data.scrub_settings import index_scrub
from trainer.paths import chats_db
from trainer.recall.private import for_history
from tui.config import Config
from tui.history import ChatHistory
from tui.screens.chat import ChatScreen
from tui.screens.settings import SettingsScreen
from tui.indexer import IndexState, VaultIndexer
from tui.session import ChatSession
from tui.terminal import hangup_safe, terminal_fd


@dataclass
class Loading:
    """One load attempt: worker threads wait on `done`, then read `error`."""

    session: ChatSession
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


ADAPTER_CHECK_S = 2.0  # how often the app looks for a newly activated adapter
RESCAN_S = 30.0  # a light incremental rescan of the vault, whatever the watcher said
HANGUP_CHECK_S = 2.0  # how often the app looks whether its terminal is still there


@dataclass
class IndexProgress(TMessage):
    """Posted by the indexing thread per file; only the latest one matters."""

    done: int
    total: int

    def can_replace(self, message: TMessage) -> bool:
        return isinstance(message, IndexProgress)


@dataclass
class Indexed(TMessage):
    """Posted by the indexing thread when a scan is over."""

    state: IndexState


@dataclass
class SyncOutcome(TMessage):
    """Posted by the sync thread after each round (post_message: safe from any thread, never blocks)."""

    outcome: object


def describe(error: BaseException) -> str:
    """BackendError messages are written for users; anything else gets its type for context."""
    return str(error) if isinstance(error, BackendError) else f"{type(error).__name__}: {error}"


class BrainApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "brain"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s,f2", "settings", "Settings"),
                                             Binding("f3", "reflect", "Reflect", show=False),
                                             Binding("f4", "sync", "Sync", show=False)]

    state: reactive[str] = reactive("loading")
    """loading | ready | generating | error (no model)."""
    model_label: reactive[str] = reactive("")
    adapter: reactive[str] = reactive("base")
    notes: reactive[int] = reactive(0)
    indexing: reactive[tuple[int, int] | None] = reactive((0, 0))
    """(files read, files to read) while the vault is being indexed at start; None once done."""
    index_problem: reactive[str] = reactive("")
    grounded: reactive[bool] = reactive(True)
    """Whether the open chat answers from the notes (the default; ctrl+g turns it off per chat)."""

    def __init__(self, cfg: Config, session_factory: Callable[[Config], ChatSession] = ChatSession) -> None:
        super().__init__()
        self.cfg = cfg
        self.session_factory = session_factory
        self.history = ChatHistory(chats_db(cfg.vault_path), scrub=for_history(index_scrub(cfg.vault_path)))
        self.loading = Loading(session_factory(cfg))
        self.indexer = VaultIndexer(cfg.vault_path)
        self._index_queued = False
        self._early_input: list[events.Event] | None = []  # keys and pastes before the first frame
        self.sync_service = None  # the vault watcher + refresh queue, when it runs in this app
        self._sync_closed = threading.Event()
        self._checking_adapter = False
        self._notice_shown: str | None = None  # the adapter notice already shown (once each)

    def get_driver_class(self) -> type[Driver]:
        return hangup_safe(super().get_driver_class())

    def get_default_screen(self) -> Screen:
        return ChatScreen()

    def on_mount(self) -> None:
        self.load_model(self.loading.session)
        self.index_vault(show_progress=True)
        self.set_interval(ADAPTER_CHECK_S, self.check_adapter)
        self.set_interval(RESCAN_S, self.index_vault)
        if self.cfg.sync.in_app:
            self.run_sync()
        terminal = terminal_fd()
        if terminal is not None:
            self.set_interval(HANGUP_CHECK_S, lambda: self.exit_if_hung_up(terminal))

    def exit_if_hung_up(self, fd: int) -> None:
        """Quit when the terminal is gone (window closed, ssh dropped). A SIGHUP does not always
        arrive (under `make run` it goes to make alone), and then Textual's input thread reads
        EOF in a loop at a third of a core, with the watcher and a training run left behind."""
        if not os.isatty(fd):
            self.exit(return_code=129)

    async def on_event(self, event: events.Event) -> None:
        """Until the first frame nothing has focus, and Textual hands keys to the screen, which
        drops them: what a user (or tmux send-keys) typed while brain started was lost. Keep it
        for the message box instead (`on_ready`)."""
        if self._early_input is not None and isinstance(event, (events.Key, events.Paste)) \
                and not event.is_forwarded:
            self._early_input.append(event)
            return
        await super().on_event(event)

    def on_ready(self) -> None:
        early, self._early_input = self._early_input or [], None
        if isinstance(self.screen, ChatScreen):
            self.screen.take_early_input(early)

    def on_unmount(self) -> None:
        self.stop_sync()
        self.history.close()

    # -- the model ---------------------------------------------------------------------------

    def load_model(self, session: ChatSession) -> None:
        """Start loading `session`'s model in a worker; the status bar shows progress."""
        self.loading = Loading(session)
        self.state = "loading"
        self.model_label = f"{self.cfg.chat.backend} · {self.cfg.chat.model}"
        self._load(self.loading)

    def reload_model(self) -> None:
        """After a settings change of backend or model: a fresh session, loaded in a worker."""
        self.load_model(self.session_factory(self.cfg))

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, loading: Loading) -> None:
        try:
            info = loading.session.load()
        except BaseException as exc:
            loading.error = exc
            self.call_from_thread(self._loaded, loading, None)
            raise  # the StateChanged handler turns it into a notification
        finally:
            loading.done.set()
        self.call_from_thread(self._loaded, loading, info)

    def _loaded(self, loading: Loading, info: BackendInfo | None) -> None:
        if loading is not self.loading:
            return  # a newer load replaced this one
        if info is None:
            self.state = "error"
            return
        self.model_label = f"{info.backend} · {info.model}"
        self.adapter = info.adapter_label
        if self.state == "loading":
            self.state = "ready"
        self.show_notice(loading.session)

    def show_notice(self, session: ChatSession) -> None:
        """Say once why the base model answers although an adapter is active (corrupt, or made
        for another backend): otherwise the user sees only a different voice."""
        if session.notice and session.notice != self._notice_shown:
            self._notice_shown = session.notice
            self.notify(session.notice, title="Adapter not used", severity="warning", timeout=15, markup=False)

    def wait_for_model(self, cancelled: Callable[[], bool]) -> ChatSession | None:
        """Worker threads only: block until the model is loaded. None if cancelled first;
        BackendError if loading failed."""
        while not self.loading.done.wait(0.1):
            if cancelled():
                return None
        loading = self.loading
        if loading.error is not None:
            raise BackendError(f"No model is loaded ({describe(loading.error)}). Fix it in Settings (ctrl+s).")
        return loading.session

    # -- vault sync and hot swap -------------------------------------------------------------

    @work(thread=True, group="sync", exit_on_error=False)
    def run_sync(self) -> None:
        """Thread: watch the vault and refresh the adapter as notes change, until the app closes.
        It never trains a first adapter on its own (that is the sync panel's Full rebuild)."""
        from trainer.sync.service import SyncService
        from tui.commands.sync import build_queue

        service = SyncService(build_queue(self.cfg, bootstrap=False),
                              on_outcome=lambda outcome: self.post_message(SyncOutcome(outcome)))
        self.sync_service = service
        if not self._sync_closed.is_set():  # the app may have closed while this thread started
            service.run()

    def on_sync_outcome(self, event: SyncOutcome) -> None:
        outcome = event.outcome
        self.index_vault()  # the watcher saw changes (or a reconciliation ran): catch the index up
        if outcome.status == "done":
            self.check_adapter()
        elif outcome.status == "failed":
            self.notify(f"Sync failed: {outcome.message}", severity="warning", markup=False)

    def stop_sync(self) -> None:
        """Never waits: a training child is signalled from a helper thread."""
        self._sync_closed.set()
        if self.sync_service is not None:
            self.sync_service.stop()

    def wake_sync(self) -> None:
        """Any thread: a request was written to sync.db; look at it now rather than within a second."""
        if self.sync_service is not None:
            self.sync_service.wake()

    def check_adapter(self) -> None:
        """Between messages, attach a newly activated adapter (hot swap) and show its version."""
        if self.state == "ready" and self.loading.done.is_set() and self.loading.error is None \
                and not self._checking_adapter:
            self._checking_adapter = True
            self._swap_adapter(self.loading.session)

    @work(thread=True, group="adapter", exit_on_error=False)
    def _swap_adapter(self, session: ChatSession) -> None:
        try:
            swapped = session.sync_adapter()
            info = session.info()
        finally:
            self._checking_adapter = False
        label = info.adapter_label if info else "base"
        if swapped or label != self.adapter:
            self.call_from_thread(self._adapter_changed, label, swapped)
        if session.notice != self._notice_shown:
            self.call_from_thread(self.show_notice, session)

    def _adapter_changed(self, label: str, swapped: bool) -> None:
        self.adapter = label
        if swapped:
            self.notify(f"Now answering with adapter {label}." if label != "base" else "Now answering with the base model.")

    # -- the vault's index --------------------------------------------------------------------

    def index_vault(self, show_progress: bool = False) -> None:
        """Bring the index up to date in a worker; a scan already waiting covers this request."""
        if not self._index_queued:
            self._index_queued = True
            self._index(show_progress)

    @work(thread=True, group="index", exit_on_error=False)
    def _index(self, show_progress: bool) -> None:
        progress = (lambda done, total: self.post_message(IndexProgress(done, total))) if show_progress else None
        self._index_queued = False  # from here on, a change needs a scan of its own
        self.post_message(Indexed(self.indexer.refresh(progress)))

    def on_index_progress(self, event: IndexProgress) -> None:
        if self.indexing is not None:
            self.indexing = (event.done, event.total)

    def on_indexed(self, event: Indexed) -> None:
        self.notes, self.index_problem = event.state.notes, event.state.problem
        self.indexing = None
        if self.notes:  # after every round: an edited note must not make the next question wait
            self._warm_retrieval()

    @work(thread=True, group="index-warm", exit_on_error=False)
    def _warm_retrieval(self) -> None:
        self.indexer.warm()

    # -- errors, settings, commands ----------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.report_worker(event)

    def report_worker(self, event: Worker.StateChanged) -> None:
        """The one place worker errors become notifications (screens forward their events here).
        Reads event.state, not worker.state: by now the worker may have moved on."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe(event.worker.error), title="Error", severity="error", timeout=10, markup=False)

    def action_settings(self) -> None:
        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self.cfg), self._settings_closed)

    def action_reflect(self) -> None:
        from tui.screens.reflect import ReflectScreen

        if not isinstance(self.screen, ReflectScreen):
            self.push_screen(ReflectScreen())

    def action_sync(self) -> None:
        from tui.screens.sync import SyncScreen

        if not isinstance(self.screen, SyncScreen):
            self.push_screen(SyncScreen())

    def action_memory(self) -> None:
        from trainer.paths import memory_db
        from tui.screens.memory import MemoryScreen

        if not isinstance(self.screen, MemoryScreen):
            self.push_screen(MemoryScreen(memory_db(self.cfg.vault_path)))

    def _settings_closed(self, reload: bool | None) -> None:
        if reload:
            self.reload_model()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Settings", "Generation options, backend and model (ctrl+s)", self.action_settings)
        yield SystemCommand("Reload model", "Load the configured model again", self.reload_model)
        yield SystemCommand("Index notes now", "Read changed notes into the index and count them",
                            self.index_vault)
        yield SystemCommand("Reflect", "Ask why you decided something; answered from your notes, cited (f3)",
                            self.action_reflect)
        yield SystemCommand("Sync", "Vault sync: pending changes, the run in progress, adapter versions, "
                            "rollback (f4)", self.action_sync)
        yield SystemCommand("Memory", "What each contact told `brain serve`: read it, delete it", self.action_memory)
        if isinstance(screen, ChatScreen):
            yield from screen.commands()

"""Helpers for the TUI tests: a scripted backend for UI mechanics, condition waits, no blinking.

The scripted backend is only for mechanics (stop, responsiveness, deterministic snapshots);
the feature itself is also tested with the real bundled model in test_tui.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from textual.pilot import Pilot

from backends import BackendInfo, GenOpts, Message
from tui.app import BrainApp
from tui.config import DEMO_VAULT, Config
from tui.session import ChatSession


class ScriptedBackend:
    """Yields fixed chunks. With `step` set, waits for step.set() before each chunk after the
    first, so a test decides when the "model" moves on (no sleeps)."""

    name = "scripted"

    def __init__(self, chunks: Sequence[str] = ("Hello", " from", " the", " script."),
                 step: threading.Event | None = None) -> None:
        self.chunks = list(chunks)
        self.step = step
        self.prompts: list[list[Message]] = []
        self.closed = threading.Event()

    def load(self, model, adapter: Path | None = None) -> None:
        pass

    def stream(self, messages: Sequence[Message], opts: GenOpts) -> Iterator[str]:
        self.prompts.append(list(messages))
        try:
            for i, chunk in enumerate(self.chunks):
                if i and self.step is not None:
                    self.step.wait(30)
                    self.step.clear()
                yield chunk
        finally:
            self.closed.set()  # closing the iterator (stop) lands here

    def set_adapter(self, adapter: Path | None) -> None:
        pass

    def info(self) -> BackendInfo:
        return BackendInfo("scripted", "scripted-model")


class ScriptedSession(ChatSession):
    """The real ChatSession (locking, adapter sync, gen options) around the scripted backend.
    `gate`, when given, holds load() until the test sets it."""

    def __init__(self, cfg: Config, backend: ScriptedBackend, gate: threading.Event | None = None) -> None:
        super().__init__(cfg)
        self.scripted, self.gate = backend, gate

    def load(self) -> BackendInfo:
        if self.gate is not None:
            self.gate.wait(30)
        self.backend = self.scripted
        return self.scripted.info()


def demo_config(**chat) -> Config:
    cfg = Config(vault=str(DEMO_VAULT))
    for key, value in chat.items():
        setattr(cfg.chat, key, value)
    return cfg


def scripted_app(backend: ScriptedBackend | None = None, gate: threading.Event | None = None,
                 cfg: Config | None = None) -> BrainApp:
    backend = backend or ScriptedBackend()
    return BrainApp(cfg or demo_config(), session_factory=lambda c: ScriptedSession(c, backend, gate))


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds (an upper bound,
    not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            workers = ", ".join(f"{w.name}/{w.group}: {w.state.name}{f' ({w.error!r})' if w.error else ''}"
                                for w in pilot.app.workers)
            notes = "; ".join(str(n.message) for n in pilot.app._notifications)
            raise AssertionError(f"timed out waiting for {what or condition} (workers: {workers or 'none'}; "
                                 f"notifications: {notes or 'none'})")
        await pilot.pause(0.02)


def idle(app: BrainApp) -> bool:
    """Model loaded (or failed) and no reply in flight."""
    return app.state in ("ready", "error") and getattr(app.screen, "reply", None) is None

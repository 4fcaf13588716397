"""One loaded chat model for one vault: what the TUI, `brain ask` and the API server talk to.

It resolves the configured backend and model, attaches the vault's active adapter, and checks
for a newer active adapter between messages (hot swap). Every method here may block: callers
in the TUI run them in thread workers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from backends import BackendError, BackendInfo, ChatBackend, GenOpts, Message, get_backend, resolve_model
from backends import foreground
from tui.config import Config


def active_adapter(vault: Path) -> Path | None:
    """The vault's active adapter version folder, or None for the base model."""
    try:
        from trainer.adapters.registry import AdapterRegistry
    except ImportError:  # registry not part of this install
        return None
    from trainer.paths import adapters_dir

    return AdapterRegistry(adapters_dir(vault)).active_dir()


class ChatSession:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.backend: ChatBackend | None = None
        self._lock = threading.Lock()  # a backend serves one generation or swap at a time
        self._adapter: Path | None = None
        self._refused: Path | None = None  # an active adapter this backend could not use
        self.notice: str | None = None
        """Why the base model answers although an adapter is active (shown once, kept here)."""

    def load(self) -> BackendInfo:
        """Resolve and load the model (seconds to minutes). Raises BackendError with a clear message.
        An active adapter this backend cannot use (corrupt, or trained for another backend) does
        not stop the chat: the base model answers and `notice` says why."""
        ref = resolve_model(self.cfg.chat.model)
        backend = get_backend(self.cfg.chat.backend, **self.cfg.backend_options())
        adapter = active_adapter(self.cfg.vault_path)
        with self._lock:
            try:
                backend.load(ref, adapter)
            except BackendError as exc:
                if adapter is None:
                    raise
                backend.load(ref, None)
                self._refuse(adapter, exc)
                adapter = None
            self.backend, self._adapter = backend, adapter
        return backend.info()

    def stream(self, messages: Sequence[Message], opts: GenOpts | None = None) -> Iterator[str]:
        """Stream a reply; picks up a newly activated adapter first."""
        self.sync_adapter()
        with self._lock:  # the marker makes a background training run step aside meanwhile
            yield from foreground.track(self._require().stream(messages, opts or self.cfg.chat.gen_opts()))

    def sync_adapter(self) -> bool:
        """Hot swap: attach the registry's active adapter if it changed. True when swapped."""
        backend = self._require()
        wanted = active_adapter(self.cfg.vault_path)
        if wanted == self._adapter or (wanted is not None and wanted == self._refused):
            return False
        with self._lock:
            try:
                backend.set_adapter(wanted)
            except BackendError as exc:
                self._refuse(wanted, exc)
                backend.set_adapter(None)
                wanted = None
            swapped = wanted != self._adapter
            self._adapter = wanted
        return swapped

    def _refuse(self, adapter: Path, exc: BackendError) -> None:
        """Remember an adapter that cannot be used, so it is not retried (and reported) every message."""
        self._refused = adapter
        self.notice = f"The active adapter {adapter.name} cannot be used ({exc}); answering with the base model."
        logging.getLogger("brain.chat").warning("%s", self.notice)

    def info(self) -> BackendInfo | None:
        return self.backend.info() if self.backend else None

    def _require(self) -> ChatBackend:
        if self.backend is None:
            raise RuntimeError("ChatSession.load() has not run")
        return self.backend

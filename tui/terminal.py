"""The terminal brain draws on, and what happens when it goes away.

Closing the window (or dropping ssh) hangs the terminal up. From then on every write to it fails
with EIO. Textual's output thread does not catch that: it dies, its queue (30 writes) fills, and
the next write blocks the event loop forever, at exit too, since leaving the alternate screen is
a write. Seen: `brain` alive for good after its window closed, with the watcher still running.
`hangup_safe` gives that thread an output that drops writes once the terminal is gone, so the
app keeps running until `BrainApp.exit_if_hung_up` notices and quits.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from textual.driver import Driver


def terminal_fd() -> int | None:
    """The terminal the app reads keys from, or None (headless tests, piped input)."""
    stream = sys.__stdin__
    try:
        return stream.fileno() if stream is not None and os.isatty(stream.fileno()) else None
    except (OSError, ValueError):
        return None


class TerminalOutput:
    """A text stream for Textual's output thread that stops writing, silently, after the first
    failed write: the terminal is gone and there is nobody left to read an error."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> None:
        self._guard(self._stream.write, text)

    def flush(self) -> None:
        self._guard(self._stream.flush)

    def fileno(self) -> int:
        return self._stream.fileno()

    def _guard(self, call, *args) -> None:
        if self.gone:
            return
        try:
            call(*args)
        except (OSError, ValueError):  # EIO after a hangup; ValueError once the stream is closed
            self.gone = True


def hangup_safe(driver_class: type[Driver]) -> type[Driver]:
    """`driver_class` (Textual's Linux or Windows driver) writing through `TerminalOutput`.
    A subclass, not a patch: both drivers keep their output stream in `_file` and hand it to the
    output thread when the app starts."""

    class HangupSafe(driver_class):  # type: ignore[valid-type, misc]
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            if hasattr(self, "_file"):
                self._file = TerminalOutput(self._file)

    HangupSafe.__name__ = HangupSafe.__qualname__ = f"HangupSafe{driver_class.__name__}"
    return HangupSafe

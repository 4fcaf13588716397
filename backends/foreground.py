"""Who gets the CPU: a chat that is generating, or a training run in the background.

On a small machine a LoRA refresh and a llama.cpp chat both want every core, and llama.cpp's
threads wait for each other, so one thread without a core stalls the whole token (measured on
2 cores: 91.6 tokens/s idle, 0.4 while a training child ran at nice 10). Niceness does not fix
that; the trainer has to step aside. This module is the signal both sides share:

- the chat side writes `chat-<pid>.json` under `data_home()/foreground` while a reply is being
  generated (`track()` wraps the token stream) and refreshes it as tokens come out;
- the training child writes `training-<pid>.json` while it runs; `TrainerGate.check()`, called
  by the trainer between pieces of work, waits while any chat marker is live.

The folder is per user, not per vault, so a chat on any vault makes every vault's trainer yield.
Nothing here can stall training for good: a marker whose process is gone is ignored (and
removed), a marker not refreshed for `CHAT_TTL_S` is ignored, and the trainer pauses at most
`MAX_PAUSE_S` in one stretch; after that it goes on with `SHARED_THREADS` threads, says so in
its own marker, and the chat takes only the cores that leave free (`chat_threads`). One budget:
chat threads + trainer threads while a chat generates <= the machine's cores.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from backends.paths import data_home

log = logging.getLogger("brain.foreground")

CHAT_TTL_S = 90.0
"""A chat marker not refreshed for this long is stale (a hung chat stops mattering)."""
HEARTBEAT_S = 5.0
"""How often a streaming chat refreshes its marker (well inside CHAT_TTL_S)."""
MAX_PAUSE_S = 120.0
"""The longest the trainer waits in one stretch of chatting; then it shares the machine."""
STRETCH_GAP_S = 5.0
"""Pauses closer together than this count as one stretch (a bot asking non-stop)."""
SHARED_THREADS = 1
"""Trainer threads while it shares the machine with a chat after MAX_PAUSE_S."""
POLL_S = 0.02
"""How often a paused trainer looks again, and the least time between two real checks."""


def signal_dir() -> Path:
    return data_home() / "foreground"


@dataclass
class Marker:
    kind: str  # "chat" or "training"
    pid: int
    expires: float  # wall-clock (time.time) after which the marker no longer counts
    threads_while_chat: int = 0  # training only: threads it keeps while a chat generates
    paused: bool = False  # training only: waiting for a chat right now (status lines, tests)

    def live(self, now: float) -> bool:
        return now < self.expires and pid_alive(self.pid)


def pid_alive(pid: int) -> bool:
    """True while a process with this id runs (also one of another user's). A child that exited
    but was not reaped still answers kill(0): a zombie counts as gone."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _not_zombie(pid)


def _not_zombie(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (macOS): kill(0) is all we know
    return state != "Z"


def _path(kind: str, pid: int) -> Path:
    return signal_dir() / f"{kind}-{pid}.json"


def write_marker(marker: Marker) -> Path:
    """Atomic: readers see the old marker or the new one, never half a file."""
    path = _path(marker.kind, marker.pid)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(asdict(marker)))
    os.replace(tmp, path)
    return path


def clear_marker(kind: str, pid: int | None = None) -> None:
    with contextlib.suppress(FileNotFoundError):
        _path(kind, os.getpid() if pid is None else pid).unlink()


def markers(kind: str, now: float | None = None) -> list[Marker]:
    """The live markers of one kind; those of dead processes are removed on the way."""
    now = time.time() if now is None else now
    found = []
    try:
        paths = list(signal_dir().glob(f"{kind}-*.json"))
    except OSError:
        return []
    for path in paths:
        marker = _read(path)
        if marker is None:
            continue
        if not pid_alive(marker.pid):
            with contextlib.suppress(OSError):
                path.unlink()
        elif marker.live(now):
            found.append(marker)
    return found


def _read(path: Path) -> Marker | None:
    try:
        return Marker(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None  # vanished between listing and reading, or not ours


def chat_active(now: float | None = None) -> bool:
    """Is any chat, in any process of this user, generating right now?"""
    return bool(markers("chat", now))


# ---- the chat side ------------------------------------------------------------------------------

_chat_lock = threading.Lock()
_chat_depth = 0  # generations in flight in this process (the API server may run several)


def chat_begin(ttl: float = CHAT_TTL_S) -> None:
    global _chat_depth
    with _chat_lock:
        _chat_depth += 1
        _write_chat(ttl)


def chat_heartbeat(ttl: float = CHAT_TTL_S) -> None:
    with _chat_lock:
        if _chat_depth:
            _write_chat(ttl)


def chat_end() -> None:
    global _chat_depth
    with _chat_lock:
        _chat_depth = max(0, _chat_depth - 1)
        if not _chat_depth:
            with contextlib.suppress(OSError):
                clear_marker("chat")


def _write_chat(ttl: float) -> None:
    try:
        write_marker(Marker("chat", os.getpid(), time.time() + ttl))
    except OSError as exc:  # a read-only data folder must not break the chat
        log.debug("cannot write the chat marker: %s", exc)


def track(chunks: Iterable[str], heartbeat: float = HEARTBEAT_S) -> Iterator[str]:
    """Yield `chunks` with the chat marker set from before the first until after the last
    (the prompt is processed before the first token, and that is when the trainer must yield)."""
    chat_begin()
    last = time.monotonic()
    try:
        for chunk in chunks:
            if time.monotonic() - last >= heartbeat:
                chat_heartbeat()
                last = time.monotonic()
            yield chunk
    finally:
        chat_end()


def chat_threads(wanted: int, cores: int | None = None) -> int:
    """Threads for the next generation: `wanted`, less the cores a running trainer keeps while
    a chat generates (none while it pauses, SHARED_THREADS once it has paused too long)."""
    cores = cores or os.cpu_count() or 1
    kept = sum(m.threads_while_chat for m in markers("training"))
    return max(1, min(wanted, cores - kept))


# ---- the training side --------------------------------------------------------------------------


class TrainerGate:
    """The training child's side: its marker, and `check()` between pieces of work, which waits
    while a chat generates. `set_threads` (e.g. torch.set_num_threads) lets it go on with fewer
    threads once it has waited MAX_PAUSE_S in one stretch."""

    def __init__(self, threads: int, set_threads: Callable[[int], None] | None = None,
                 max_pause: float = MAX_PAUSE_S, poll: float | None = None) -> None:
        self.threads = threads
        self.set_threads = set_threads
        self.max_pause = max_pause
        self.poll = POLL_S if poll is None else poll
        self.paused_s = 0.0  # total, for the run's report
        self.pauses = 0
        self._stretch = 0.0  # paused seconds in the current stretch of chatting
        self._last_pause_end = -1e9
        self._last_check = -1e9
        self._sharing = False

    def __enter__(self) -> TrainerGate:
        self._mark()
        return self

    def __exit__(self, *exc) -> None:
        self._share(False)
        clear_marker("training")

    def check(self) -> None:
        """Return at once when no chat generates; else wait until it is done (bounded)."""
        now = time.monotonic()
        if now - self._last_check < self.poll:
            return
        self._last_check = now
        if not chat_active():
            self._share(False)
            return
        if self._sharing:
            return
        if now - self._last_pause_end > STRETCH_GAP_S:
            self._stretch = 0.0
        self._wait(now)

    def _wait(self, start: float) -> None:
        self.pauses += 1
        self._mark(paused=True)
        while chat_active():
            if self._stretch + (time.monotonic() - start) >= self.max_pause:
                self._share(True)
                break
            time.sleep(self.poll)
        end = time.monotonic()
        self._stretch += end - start
        self.paused_s += end - start
        self._last_pause_end = end
        self._mark()

    def _share(self, on: bool) -> None:
        """After a long pause go on with a few threads (and say so, for chat_threads); back to
        all of them once the chat is done."""
        if on == self._sharing:
            return
        self._sharing = on
        if self.set_threads:
            self.set_threads(SHARED_THREADS if on else self.threads)
        self._mark()
        if on:
            log.info("a chat has generated for %.0f s; training goes on with %d thread(s)", self.max_pause, SHARED_THREADS)

    def _mark(self, paused: bool = False) -> None:
        kept = SHARED_THREADS if self._sharing else 0
        with contextlib.suppress(OSError):
            write_marker(Marker("training", os.getpid(), float("inf"), kept, paused))

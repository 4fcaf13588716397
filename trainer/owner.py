"""Which process a working folder belongs to (a staging version, a run folder), so cleanup
removes only the leftovers of processes that are gone, never a running `brain train`'s.

The owner is written as `<pid> <start time>` into a small file in the folder. The start time
(from /proc where there is one) tells a live owner from an unrelated process that was later
given the same pid.
"""

from __future__ import annotations

import os
from pathlib import Path

from backends.foreground import pid_alive

__all__ = ["claim", "owner_alive", "pid_alive"]

OWNER_FILE = ".owner"


def claim(folder: Path) -> None:
    """Record this process as the folder's owner (the folder must exist)."""
    (folder / OWNER_FILE).write_text(f"{os.getpid()} {_start_time(os.getpid())}", encoding="utf-8")


def owner_alive(folder: Path) -> bool | None:
    """True while the recorded owner runs, False once it is gone, None when no owner is
    recorded (a folder from an older brain, or one whose owner had not written it yet)."""
    try:
        pid_text, _, started = (folder / OWNER_FILE).read_text(encoding="utf-8").partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    return pid_alive(pid) and (not started or started == _start_time(pid))


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), else "" (pid alone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return ""

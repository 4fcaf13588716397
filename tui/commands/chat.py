"""`brain` / `brain chat`: the full-screen TUI."""

from __future__ import annotations

from tui.commands import add_command, resolve_config


def register(sub) -> None:
    add_command(sub, "chat", "open the full-screen chat (the default command)", run)


def run(args) -> int:
    from tui.app import BrainApp

    BrainApp(resolve_config(args)).run()
    return 0

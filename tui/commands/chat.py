"""`brain` / `brain chat`: the full-screen TUI."""

from __future__ import annotations

from tui.commands import add_command, fail, resolve_config


def register(sub) -> None:
    add_command(sub, "chat", "open the full-screen chat (the default command)", run)


def run(args) -> int:
    from tui.app import BrainApp
    from tui.history import HistoryError

    cfg = resolve_config(args)
    if not cfg.vault_path.is_dir():
        return fail(f"vault is not a folder: {cfg.vault_path} (give --vault PATH)", 2)
    try:
        app = BrainApp(cfg)
    except HistoryError as exc:
        return fail(str(exc))
    app.run()
    return app.return_code or 0  # 129 when the terminal went away

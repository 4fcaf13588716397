"""One line under the chat: vault, notes indexed, backend and model, adapter, and model state.

It only displays the app's reactives (`state`, `model_label`, `adapter`, `notes`, `indexing`,
`index_problem`); it never loads or counts anything itself.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, LoadingIndicator

STATES = {
    "loading": "loading model…",
    "ready": "ready",
    "generating": "generating…",
    "error": "no model (ctrl+s to fix)",
}


def notes_text(notes: int, indexing: tuple[int, int] | None, problem: str) -> str:
    """'indexing 12/43 notes' while the first scan runs, then the count, or what is wrong."""
    if indexing is not None:
        done, total = indexing
        return f"indexing {done}/{total} notes" if total else "indexing notes…"
    if problem:
        return problem
    if notes == 0:
        return "vault is empty: no notes to answer from"
    return f"{notes} note{'s' if notes != 1 else ''} indexed"


class StatusBar(Horizontal):
    def compose(self) -> ComposeResult:
        yield LoadingIndicator(id="status-spinner")
        yield Label(id="status-state")  # first, so a narrow terminal never hides it
        yield Label(id="status-vault")
        yield Label(id="status-notes")
        yield Label(id="status-model")
        yield Label("grounded in notes", id="status-grounded")
        yield Label(id="status-adapter")

    def on_mount(self) -> None:
        app = self.app
        self.query_one("#status-vault", Label).update(f"vault {app.cfg.vault_path.name}")
        for name in ("notes", "indexing", "index_problem"):
            self.watch(app, name, self._show_notes)
        self.watch(app, "model_label", lambda label: self._set("#status-model", label))
        self.watch(app, "adapter", lambda name: self._set("#status-adapter", f"adapter: {name}"))
        self.watch(app, "state", self._show_state)
        self.watch(app, "grounded", self._show_grounded)

    def _set(self, selector: str, text: str) -> None:
        self.query_one(selector, Label).update(text)

    def _show_notes(self, _value: object = None) -> None:
        app = self.app
        self._set("#status-notes", notes_text(app.notes, app.indexing, app.index_problem))
        self.query_one("#status-notes").set_class(bool(app.index_problem) or (app.indexing is None and not app.notes),
                                                  "-warning")

    def _show_grounded(self, on: bool) -> None:
        self.query_one("#status-grounded").display = on  # shown only while on

    def _show_state(self, state: str) -> None:
        self._set("#status-state", STATES.get(state, state))
        self.query_one("#status-spinner").display = state in ("loading", "generating")
        self.set_class(state == "error", "-error")

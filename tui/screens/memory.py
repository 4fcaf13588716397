"""Memory panel: what each contact told `brain serve`, to read and delete (command palette: Memory).

Left, the contacts; right, the selected contact's messages, oldest first. `d` deletes the
highlighted message, `x` the contact's whole memory (both ask first). SQLite is read and written
in thread workers, so the event loop never waits on it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from tui.screens.confirm import ConfirmScreen


class MemoryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("d", "delete_message", "Delete message"),
        Binding("x", "forget_contact", "Forget contact"),
    ]
    DEFAULT_CSS = """
    MemoryScreen #contacts { width: 36; }
    MemoryScreen #messages { width: 1fr; }
    MemoryScreen #memory-status { height: 1; padding: 0 1; }
    """

    def __init__(self, db: Path) -> None:
        super().__init__()
        self.db = db
        self.contact: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="memory-status")
        with Horizontal():
            yield DataTable(id="contacts", cursor_type="row")
            yield DataTable(id="messages", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Memory per contact (brain serve)"
        self.query_one("#contacts", DataTable).add_columns("contact", "messages", "last")
        self.query_one("#messages", DataTable).add_columns("id", "when", "said")
        self.load()

    # --- reading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="memory")
    def load(self) -> None:
        from trainer.recall.memory import MemoryStore

        if not self.db.is_file():
            self.app.call_from_thread(self.show, [], [])
            return
        with MemoryStore.open(self.db) as store:
            contacts = store.contacts()
            if self.contact not in {c.key for c in contacts}:
                self.contact = contacts[0].key if contacts else None
            messages = store.messages(self.contact) if self.contact else []
        self.app.call_from_thread(self.show, contacts, messages)

    def show(self, contacts, messages) -> None:
        table = self.query_one("#contacts", DataTable)
        table.clear()
        for c in contacts:
            table.add_row(c.key, str(c.messages), _when(c.last), key=c.key)
        if self.contact:
            table.move_cursor(row=table.get_row_index(self.contact))
        rows = self.query_one("#messages", DataTable)
        rows.clear()
        for m in messages:
            rows.add_row(str(m.id), _when(m.at), m.text if m.role == "user" else f"(reply) {m.text}", key=str(m.id))
        status = f"{len(contacts)} contact(s)" if contacts else "no memory yet: `brain serve` keeps one per contact"
        if self.contact:
            status += f" · {self.contact}: {len(messages)} message(s) · d delete message · x forget contact"
        self.query_one("#memory-status", Label).update(status)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "contacts" and event.row_key.value and event.row_key.value != self.contact:
            self.contact = event.row_key.value
            self.load()

    # --- deleting ---------------------------------------------------------------------------

    def action_delete_message(self) -> None:
        rows = self.query_one("#messages", DataTable)
        if not self.contact or rows.row_count == 0:
            return
        key = rows.coordinate_to_cell_key(rows.cursor_coordinate).row_key.value
        contact = self.contact
        self.app.push_screen(ConfirmScreen(f"Delete message {key} of {contact}?"),
                             lambda yes: yes and self.delete(contact, [int(key)]))

    def action_forget_contact(self) -> None:
        if not self.contact:
            return
        contact = self.contact
        self.app.push_screen(ConfirmScreen(f"Forget everything {contact} said?", yes="Forget"),
                             lambda yes: yes and self.delete(contact, None))

    @work(thread=True, group="memory-write")
    def delete(self, contact: str, ids: list[int] | None) -> None:
        from trainer.recall.memory import MemoryStore

        with MemoryStore.open(self.db) as store:
            gone = store.forget(contact, ids)
        self.app.call_from_thread(self.notify, f"deleted {gone} message(s) of {contact}")
        self.app.call_from_thread(self.load)


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")

"""The message box: a multi-line TextArea where Enter sends and ctrl+j / alt+enter add a line.

Chat users expect Enter to send. Shift+Enter and Ctrl+Enter are indistinguishable from Enter in
many terminals, so a new line is ctrl+j (what every terminal sends for Ctrl+J) or alt+enter,
as in posting. Pasted text keeps its newlines (a paste is not a key press).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea


class PromptInput(TextArea):
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: TextArea would otherwise take Enter as a newline before any binding sees it
        Binding("enter", "submit", "Send", priority=True),
        Binding("ctrl+j,alt+enter", "newline", "New line"),
    ]

    @dataclass
    class Submitted(Message):
        prompt: PromptInput
        text: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, highlight_cursor_line=False,
                         placeholder="Ask your notes…  (Enter sends, ctrl+j adds a line)")

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self, self.text))

    def action_newline(self) -> None:
        self.insert("\n")

"""The message box: a multi-line TextArea where Enter sends and ctrl+j / alt+enter add a line.

Chat users expect Enter to send. Shift+Enter and Ctrl+Enter are indistinguishable from Enter in
many terminals, so a new line is ctrl+j (what every terminal sends for Ctrl+J) or alt+enter,
as in posting. Pasted text keeps its newlines (a paste is not a key press).

Enter is handled here, in the widget's own key handler, not by a priority binding. A priority
binding runs in the app's queue as soon as the app sees the key, while the letters before it
are still waiting in this widget's queue: a burst such as tmux `send-keys "question" Enter`, a
paste followed by Enter, or an IME committing several characters and Enter at once then sent
half the text ("Wh") or nothing at all. In the widget's queue, keys and pastes are handled in
the order they came, so Enter always sees everything typed before it. For the same reason the
box is emptied here, at the moment of sending, so keys typed right after Enter stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("ctrl+j", "alt+enter")


class PromptInput(TextArea):
    # Shown in the footer; the keys themselves are handled in `_on_key`, in order with typing.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Send"),
        Binding("ctrl+j,alt+enter", "newline", "New line"),
    ]

    @dataclass
    class Submitted(Message):
        """The whole text typed before Enter; the box is already empty again."""

        prompt: PromptInput
        text: str

    @dataclass
    class Held(Message):
        """Enter while sending is not possible (a reply is coming): the text stays in the box."""

        prompt: PromptInput

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, highlight_cursor_line=False,
                         placeholder="Ask your notes…  (Enter sends, ctrl+j adds a line)")
        self.accepting = True
        """Set by the screen: False while a reply is coming, so Enter keeps the text."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" or event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()  # TextArea's own handler would insert a line break
            self.action_submit() if event.key == "enter" else self.action_newline()

    def action_submit(self) -> None:
        if not self.text.strip():
            return
        if not self.accepting:
            self.post_message(self.Held(self))
            return
        text = self.text
        self.clear()
        self.post_message(self.Submitted(self, text))

    def action_newline(self) -> None:
        self.insert("\n")

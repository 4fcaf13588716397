"""The list of saved conversations: Enter or a click resumes one; r renames; d deletes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui.history import Conversation


class Sidebar(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rename", "Rename"),
        Binding("d,delete", "delete", "Delete"),
    ]

    @dataclass
    class Selected(Message):
        conversation_id: int

    @dataclass
    class RenameRequested(Message):
        conversation_id: int

    @dataclass
    class DeleteRequested(Message):
        conversation_id: int

    def show(self, conversations: Iterable[Conversation], current: int | None) -> None:
        """Replace the list, keeping the current conversation highlighted."""
        self.set_options(Option(c.title, id=str(c.id)) for c in conversations)
        if current is not None and self.option_count:
            try:
                self.highlighted = self.get_option_index(str(current))
            except OptionDoesNotExist:  # the current conversation is not saved yet
                self.highlighted = None
        else:
            self.highlighted = None

    @property
    def highlighted_id(self) -> int | None:
        option = self.highlighted_option
        return int(option.id) if option and option.id else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Selected(int(event.option.id)))

    def action_rename(self) -> None:
        if (cid := self.highlighted_id) is not None:
            self.post_message(self.RenameRequested(cid))

    def action_delete(self) -> None:
        if (cid := self.highlighted_id) is not None:
            self.post_message(self.DeleteRequested(cid))

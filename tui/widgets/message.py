"""One chat message, rendered as Markdown.

A reply streams in through `Markdown.get_stream()`, which batches fragments when tokens come
faster than the widget can parse them; at the end the full text is rendered once more, so the
final layout never depends on where the stream happened to split (oterm's finish_stream).
"""

from __future__ import annotations

from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownStream

LABELS = {"user": "you", "assistant": "brain", "system": "system"}


class ChatMessage(Markdown):
    def __init__(self, role: str, content: str = "") -> None:
        super().__init__(content, classes=role, open_links=False)
        self.role = role
        self.border_title = LABELS.get(role, role)
        self._parts: list[str] = [content] if content else []
        self._stream: MarkdownStream | None = None

    @property
    def text(self) -> str:
        """Everything received so far (the stream may still be rendering part of it)."""
        return "".join(self._parts)

    def start_stream(self, note: str = "thinking…") -> None:
        """Call once mounted; fragments then go through `add`."""
        self._stream = Markdown.get_stream(self)
        self.border_subtitle = note
        self.add_class("streaming")

    async def add(self, fragment: str) -> None:
        """Queue one streamed fragment. (Not `append`: MarkdownStream calls Markdown.append.)"""
        self._parts.append(fragment)
        if self._stream is not None:
            await self._stream.write(fragment)

    async def finish(self, note: str = "") -> None:
        """Stop streaming and render the whole reply once, with an optional note (e.g. "stopped")."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        await self.update(self.text or "*(no reply)*")
        self.border_subtitle = note
        self.remove_class("streaming")

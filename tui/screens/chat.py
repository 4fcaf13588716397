"""The main screen: conversations on the left, the chat in the middle, status and keys below.

A reply is generated in a thread worker that posts small messages back (started, chunk); the
screen streams chunks into the reply's Markdown and, when the worker ends (done, stopped or
failed), renders the reply once in full and saves it. Each in-flight reply has an id, so a
late chunk from a stopped worker can never land in the next reply.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message as TMessage
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown
from textual.worker import Worker, WorkerState, get_current_worker

from backends import Message
from tui.history import Conversation, StoredMessage, title_from
from tui.screens.ask_text import AskTextScreen
from tui.screens.confirm import ConfirmScreen
from tui.widgets.message import ChatMessage
from tui.widgets.prompt import PromptInput
from tui.widgets.sidebar import Sidebar
from tui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from tui.app import BrainApp

FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
CONTEXT_CHARS = 6000  # recent history sent with each message: ~1.5k tokens, well inside n_ctx
WELCOME = (
    "Ask anything about your notes. **Enter** sends, **ctrl+j** adds a line, **Esc** stops a reply.\n\n"
    "**ctrl+n** starts a new chat, **ctrl+s** opens settings, **ctrl+p** lists every command."
)


def recent(messages: Sequence[StoredMessage], budget: int = CONTEXT_CHARS) -> list[Message]:
    """The newest messages that fit the budget (always at least the last one), oldest first."""
    picked: list[Message] = []
    for m in reversed(messages):
        if picked and budget - len(m.content) < 0:
            break
        budget -= len(m.content)
        picked.append(Message(m.role, m.content))
    return picked[::-1]


@dataclass
class Reply:
    """The assistant message being generated."""

    id: int
    conversation_id: int
    widget: ChatMessage
    worker: Worker | None = field(default=None, repr=False)


@dataclass
class ReplyStarted(TMessage):
    reply_id: int


@dataclass
class ReplyChunk(TMessage):
    reply_id: int
    text: str


def ground(cfg, messages: list[Message]) -> tuple[list[Message], list]:
    """Thread: the conversation with excerpts matching the last message (see trainer.recall.reflect)."""
    from trainer.vault.index import Index
    from trainer.paths import index_db
    from trainer.recall.reflect import grounded_messages
    from trainer.vault.scan import scan_vault

    with Index.open(index_db(cfg.vault_path)) as index:
        scan_vault(cfg.vault_path, index)  # incremental: only changed files are read
        return grounded_messages(index, messages[-1].content, messages[:-1], cfg.chat.system_prompt)


def citation_check(sources: list):
    from trainer.recall.reflect import CitationCheck

    return CitationCheck(s.n for s in sources) if sources else None


def sources_footer(sources: list) -> str:
    return "\n\n*Notes:* " + "; ".join(f"[{s.n}] {s.title} ({s.date or 'undated'})" for s in sources)


class ChatScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", "Stop"),
        Binding("ctrl+n", "new_chat", "New chat"),
        Binding("ctrl+r", "rename_chat", "Rename"),
        Binding("ctrl+b", "toggle_sidebar", "Chats"),
        Binding("ctrl+g", "toggle_grounding", "Notes on/off", show=False),
    ]
    AUTO_FOCUS = "#prompt"

    def __init__(self) -> None:
        super().__init__()
        self.conversation: Conversation | None = None
        self.reply: Reply | None = None
        self._reply_ids = itertools.count(1)
        self.grounding: dict[int | None, bool] = {}  # per conversation; None = the unsaved new chat

    @property
    def brain(self) -> BrainApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar")
            with Vertical(id="chat"):
                yield VerticalScroll(id="log")
                yield PromptInput(id="prompt")
        yield StatusBar(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#log", VerticalScroll).anchor()
        self.query_one(Sidebar).border_title = "Chats"
        self.refresh_sidebar()
        await self.show([])

    # -- what is on screen -------------------------------------------------------------------

    def refresh_sidebar(self) -> None:
        current = self.conversation.id if self.conversation else None
        self.query_one(Sidebar).show(self.brain.history.conversations(), current)
        self.sub_title = self.conversation.title if self.conversation else "new chat"

    async def show(self, messages: Sequence[StoredMessage]) -> None:
        log = self.query_one("#log", VerticalScroll)
        await log.remove_children()
        if not messages:
            await log.mount(Markdown(WELCOME, id="welcome"))
        await log.mount_all(ChatMessage(m.role, m.content) for m in messages)
        log.anchor()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Footer shows Stop only while a reply is coming; Rename only for a saved chat."""
        if action == "stop":
            return self.reply is not None
        if action == "rename_chat":
            return self.conversation is not None
        return True

    # -- sending and streaming ---------------------------------------------------------------

    async def on_prompt_input_submitted(self, event: PromptInput.Submitted) -> None:
        text = event.text.strip()
        if not text:
            return
        if self.reply is not None:
            self.notify("Still answering. Press Esc to stop it first.", severity="warning")
            return
        event.prompt.clear()
        await self.send(text)

    async def send(self, text: str) -> None:
        history = self.brain.history
        if self.conversation is None:
            self.conversation = history.create(title_from(text))
            self.grounding[self.conversation.id] = self.grounding.pop(None, False)
            self.refresh_sidebar()
        await self.query("#welcome").remove()
        history.add_message(self.conversation.id, "user", text)
        log = self.query_one("#log", VerticalScroll)
        widget = ChatMessage("assistant")
        await log.mount_all([ChatMessage("user", text), widget])
        log.anchor()
        waiting = self.brain.state == "loading"
        widget.start_stream("waiting for the model…" if waiting else "thinking…")
        self.reply = Reply(next(self._reply_ids), self.conversation.id, widget)
        self.reply.worker = self.generate(self.reply.id, recent(history.messages(self.conversation.id)),
                                          self.brain.grounded)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="generate", exit_on_error=False)
    def generate(self, reply_id: int, messages: list[Message], grounded: bool = False) -> None:
        """Thread: wait for the model, then stream. Stopping closes the backend's iterator.
        Grounded: excerpts from the notes go into the prompt, citations are checked, sources listed."""
        worker = get_current_worker()
        session = self.brain.wait_for_model(lambda: worker.is_cancelled)
        if session is None:
            return
        messages, sources = ground(self.brain.cfg, messages) if grounded else (messages, [])
        check = citation_check(sources)
        self.post_message(ReplyStarted(reply_id))
        stream: Iterator[str] = session.stream(messages)
        try:
            for text in stream:
                if worker.is_cancelled:
                    break
                self.post_message(ReplyChunk(reply_id, check.feed(text) if check else text))
        finally:
            stream.close()
        if check and not worker.is_cancelled:
            self.post_message(ReplyChunk(reply_id, check.flush() + sources_footer(sources)))

    def on_reply_started(self, event: ReplyStarted) -> None:
        if self.reply and self.reply.id == event.reply_id:
            self.reply.widget.border_subtitle = "thinking…"
            self.brain.state = "generating"

    async def on_reply_chunk(self, event: ReplyChunk) -> None:
        if self.reply and self.reply.id == event.reply_id:
            if self.reply.widget.border_subtitle:
                self.reply.widget.border_subtitle = ""
            await self.reply.widget.add(event.text)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.brain.report_worker(event)
        if self.reply and event.worker is self.reply.worker and event.state in FINISHED:
            failed = event.state == WorkerState.ERROR
            await self.finish_reply("failed" if failed else "")

    async def finish_reply(self, note: str = "") -> None:
        """Render the reply in full, save what arrived (also a stopped reply's part), go idle."""
        reply, self.reply = self.reply, None
        if reply is None:
            return
        await reply.widget.finish(note)
        history = self.brain.history
        if reply.widget.text.strip() and history.get(reply.conversation_id):
            history.add_message(reply.conversation_id, "assistant", reply.widget.text)
        if self.brain.state == "generating":
            self.brain.state = "ready"
        self.refresh_sidebar()
        self.refresh_bindings()

    async def action_stop(self) -> None:
        """Cancel the worker (its thread closes the stream at the next token) and finish now."""
        if self.reply is None:
            return
        if self.reply.worker is not None:
            self.reply.worker.cancel()
        await self.finish_reply("stopped")

    # -- conversations -----------------------------------------------------------------------

    async def open_conversation(self, conversation: Conversation | None) -> None:
        await self.action_stop()
        self.conversation = conversation
        self.brain.grounded = self.grounding.get(conversation.id if conversation else None, False)
        history = self.brain.history
        await self.show(history.messages(conversation.id) if conversation else [])
        self.refresh_sidebar()
        self.query_one(PromptInput).focus()
        self.refresh_bindings()

    async def on_sidebar_selected(self, event: Sidebar.Selected) -> None:
        await self.open_conversation(self.brain.history.get(event.conversation_id))

    async def action_new_chat(self) -> None:
        await self.open_conversation(None)

    def action_rename_chat(self) -> None:
        if self.conversation is not None:
            self.rename(self.conversation.id)

    def action_delete_chat(self) -> None:
        if self.conversation is not None:
            self.delete(self.conversation.id)

    def on_sidebar_rename_requested(self, event: Sidebar.RenameRequested) -> None:
        self.rename(event.conversation_id)

    def on_sidebar_delete_requested(self, event: Sidebar.DeleteRequested) -> None:
        self.delete(event.conversation_id)

    def rename(self, conversation_id: int) -> None:
        conversation = self.brain.history.get(conversation_id)
        if conversation is None:
            return

        def done(title: str | None) -> None:
            if title:
                self.brain.history.rename(conversation_id, title)
                if self.conversation and self.conversation.id == conversation_id:
                    self.conversation = self.brain.history.get(conversation_id)
                self.refresh_sidebar()

        self.app.push_screen(AskTextScreen("Rename this chat", conversation.title), done)

    def delete(self, conversation_id: int) -> None:
        conversation = self.brain.history.get(conversation_id)
        if conversation is None:
            return

        async def done(yes: bool | None) -> None:
            if not yes:
                return
            current = self.conversation is not None and self.conversation.id == conversation_id
            if current:
                await self.open_conversation(None)
            self.brain.history.delete(conversation_id)
            self.refresh_sidebar()
            self.notify(f"Deleted “{conversation.title}”.", markup=False)

        question = f"Delete “{conversation.title}” and all its messages?"
        self.app.push_screen(ConfirmScreen(question), done)

    def action_toggle_grounding(self) -> None:
        """Per conversation: pure voice, or voice plus excerpts from the notes."""
        key = self.conversation.id if self.conversation else None
        self.grounding[key] = not self.grounding.get(key, False)
        self.brain.grounded = self.grounding[key]
        self.notify("Answers now use your notes." if self.brain.grounded else "Answers no longer use your notes.")

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.query_one(PromptInput).focus()

    def action_focus_prompt(self) -> None:
        self.query_one(PromptInput).focus()

    def action_copy_reply(self) -> None:
        replies = [m for m in self.query(ChatMessage) if m.role == "assistant" and m.text]
        if not replies:
            self.notify("No reply to copy yet.", severity="warning")
            return
        self.app.copy_to_clipboard(replies[-1].text)
        self.notify("Copied the last reply.")

    def commands(self) -> Iterator[SystemCommand]:
        """Command palette entries for this screen's actions (the app adds its own)."""
        yield SystemCommand("New chat", "Start a new conversation (ctrl+n)", self.action_new_chat)
        yield SystemCommand("Rename chat", "Rename the open conversation (ctrl+r)", self.action_rename_chat)
        yield SystemCommand("Delete chat", "Delete the open conversation and its messages",
                            self.action_delete_chat)
        yield SystemCommand("Stop reply", "Stop the reply being generated (Esc)", self.action_stop)
        yield SystemCommand("Toggle chats sidebar", "Show or hide the conversation list (ctrl+b)",
                            self.action_toggle_sidebar)
        yield SystemCommand("Toggle grounding in notes",
                            "Answer with excerpts from your notes, cited, or in your voice alone (ctrl+g)",
                            self.action_toggle_grounding)
        yield SystemCommand("Focus message box", "Move the cursor to the message box", self.action_focus_prompt)
        yield SystemCommand("Copy last reply", "Copy the last answer to the clipboard", self.action_copy_reply)
        for conversation in self.brain.history.conversations():
            yield SystemCommand(f"Open chat: {conversation.title}", "Resume this conversation",
                                lambda c=conversation: self.open_conversation(c), discover=False)


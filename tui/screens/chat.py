"""The main screen: conversations on the left, the chat in the middle, status and keys below.

A reply is generated in a thread worker that posts small messages back (started, chunk); the
screen streams chunks into the reply's Markdown and, when the worker ends (done, stopped or
failed), renders the reply once in full and saves it. Each in-flight reply has an id, so a
late chunk from a stopped worker can never land in the next reply.

A chat answers from the notes unless the user turned that off for it (ctrl+g, kept in chats.db):
the worker brings the index up to date and asks `trainer.recall.answer.answer`, which composes
the reply from the notes' own sentences and calls the model only for the "prose" answer style,
so a grounded answer never waits for a model that is still loading.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
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


def sources_footer(sources: list) -> str:
    return "\n\n*Notes:* " + "; ".join(f"[{s.n}] {s.title} ({s.date or 'undated'})" for s in sources)


def cancellable(worker: Worker, chunks: Iterator[str]) -> Iterator[str]:
    """The model's stream, ending at the next token once the worker is cancelled (Esc)."""
    try:
        for text in chunks:
            if worker.is_cancelled:
                break
            yield text
    finally:
        chunks.close()


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
        self.new_chat_grounded = True  # the unsaved new chat's setting, until its first message

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

    def take_early_input(self, early: Sequence[events.Event]) -> None:
        """Keys and pastes that came before the first frame go to the message box, in order.
        Typed before the terminal left line mode, Enter arrives as ctrl+j (the tty turned its
        CR into LF), so there it counts as Enter: the user meant to send."""
        prompt = self.query_one(PromptInput)
        self.set_focus(prompt)
        for event in early:
            if isinstance(event, events.Paste):
                prompt.post_message(events.Paste(event.text))
            elif isinstance(event, events.Key):
                key = "enter" if event.key == "ctrl+j" else event.key
                prompt.post_message(events.Key(key, "\r" if key == "enter" else event.character))

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
        if self.reply is not None:  # Enter raced the start of a reply: keep the text
            event.prompt.insert(event.text, (0, 0))
            self.on_prompt_input_held(PromptInput.Held(event.prompt))
            return
        await self.send(event.text.strip())

    def on_prompt_input_held(self, _event: PromptInput.Held) -> None:
        self.notify("Still answering. Press Esc to stop it first.", severity="warning")

    async def send(self, text: str) -> None:
        """The reply is claimed before the first await: an Enter that arrives while the messages
        mount (a second burst right behind the first) is held in the box, not sent into a chat
        whose reply has not started, and nothing can see this chat as idle in between."""
        history = self.brain.history
        if self.conversation is None:
            self.conversation = history.create(title_from(text), self.new_chat_grounded)
            self.new_chat_grounded = True
            self.refresh_sidebar()
        history.add_message(self.conversation.id, "user", text)
        widget = ChatMessage("assistant")
        reply = self.reply = Reply(next(self._reply_ids), self.conversation.id, widget)
        self.query_one(PromptInput).accepting = False
        await self.query("#welcome").remove()
        log = self.query_one("#log", VerticalScroll)
        await log.mount_all([ChatMessage("user", text), widget])
        log.anchor()
        if self.reply is not reply:  # stopped (Esc, another chat opened) while the messages mounted
            return
        waiting = self.brain.state == "loading"
        widget.start_stream("waiting for the model…" if waiting else "thinking…")
        grounded = self.conversation.grounded
        if grounded:
            widget.border_subtitle = "reading your notes…"
        self.reply.worker = self.generate(self.reply.id, recent(history.messages(self.conversation.id)), grounded)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="generate", exit_on_error=False)
    def generate(self, reply_id: int, messages: list[Message], grounded: bool = True) -> None:
        """Thread: the answer from the notes, or the model's reply streamed. Stopping closes the
        backend's iterator."""
        worker = get_current_worker()
        if grounded:
            self.answer_from_notes(reply_id, messages, worker)
            return
        session = self.brain.wait_for_model(lambda: worker.is_cancelled)
        if session is None:
            return
        self.post_message(ReplyStarted(reply_id))
        for text in cancellable(worker, session.stream(messages)):
            self.post_message(ReplyChunk(reply_id, text))

    def answer_from_notes(self, reply_id: int, messages: list[Message], worker: Worker) -> None:
        """Thread: index current, then `answer()`; the model is waited for only if it is asked."""
        from trainer.recall.answer import answer

        cfg, shown = self.brain.cfg, []

        def stream(prompt: list[Message], opts) -> Iterator[str]:
            session = self.brain.wait_for_model(lambda: worker.is_cancelled)
            if session is not None:
                self.post_message(ReplyStarted(reply_id))
                yield from cancellable(worker, session.stream(prompt, opts))

        def on_text(text: str) -> None:
            if text and not worker.is_cancelled:
                shown.append(text)
                self.post_message(ReplyChunk(reply_id, text))

        with self.brain.indexer.current() as index:
            result = answer(index, messages[-1].content, style=cfg.chat.answer_style, stream=stream,
                            opts=cfg.chat.gen_opts(), history=messages[:-1], on_text=on_text)
        if worker.is_cancelled:
            return
        if not shown:
            on_text(result.text)
        if result.sources and not result.nothing_found and "*Notes:*" not in result.text:
            on_text(sources_footer(result.cited_sources()))

    def on_reply_started(self, event: ReplyStarted) -> None:
        if self.reply and self.reply.id == event.reply_id:
            self.reply.widget.border_subtitle = "thinking…"
            if self.brain.state == "ready":
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
        self.query_one(PromptInput).accepting = True
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
        self.new_chat_grounded = True
        self.brain.grounded = conversation.grounded if conversation else True
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
        """Per conversation, kept in chats.db: answers from the notes (the default), or the model alone."""
        grounded = not self.brain.grounded
        if self.conversation is None:
            self.new_chat_grounded = grounded
        else:
            self.brain.history.set_grounded(self.conversation.id, grounded)
            self.conversation = self.brain.history.get(self.conversation.id)
        self.brain.grounded = grounded
        self.notify("Answers now come from your notes." if grounded else
                    "Answers no longer use your notes: the model alone replies.")

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
                            "Answer from your notes, cited (the default), or with the model alone (ctrl+g)",
                            self.action_toggle_grounding)
        yield SystemCommand("Focus message box", "Move the cursor to the message box", self.action_focus_prompt)
        yield SystemCommand("Copy last reply", "Copy the last answer to the clipboard", self.action_copy_reply)
        for conversation in self.brain.history.conversations():
            yield SystemCommand(f"Open chat: {conversation.title}", "Resume this conversation",
                                lambda c=conversation: self.open_conversation(c), discover=False)


"""Reflect screen: ask "why did I …?"; the dated timeline on the left, the cited answer on the right.

Retrieval, the decision timeline and the answer (trainer.recall.answer: my own dated sentences, or
the model's prose checked against them) run in one thread worker that posts messages back (found,
chunk, answered). The timeline and sources appear before any answer text.
Choosing a timeline line, a source, or a [n] link in the answer opens that note read-only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message as TMessage
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Markdown, OptionList
from textual.widgets.markdown import MarkdownStream
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

if TYPE_CHECKING:
    from trainer.recall.answer import GroundedAnswer
    from trainer.recall.reflect import Reflection, Source
    from tui.app import BrainApp

CITE = re.compile(r"\[(\d{1,3}(?:, \d{1,3})*)\]")
HELP = ("Ask about your own decisions: *why did I …?*, *what do I keep getting wrong?*\n\n"
        "The timeline of the notes found appears on the left, the answer here, with its sources below. "
        "**Enter** asks, **Esc** goes back; choose a timeline line, a source or a [n] to read the note.")


@dataclass
class Found(TMessage):
    reflection: Reflection


@dataclass
class Chunk(TMessage):
    text: str


@dataclass
class Answered(TMessage):
    answer: GroundedAnswer


def linked(text: str) -> str:
    """[1] and [1, 2] as Markdown links that open the cited note."""
    return CITE.sub(lambda m: ", ".join(f"[\\[{n}\\]](cite:{n})" for n in m.group(1).split(", ")), text)


class NotePreview(ModalScreen[None]):
    """One note, read-only: the index's copy of its text, never the file opened for writing."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, title: str, subtitle: str, body: str) -> None:
        super().__init__()
        self.note_title, self.subtitle, self.body = title, subtitle, body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="preview"):
            yield Markdown(f"# {self.note_title}\n\n*{self.subtitle}*\n\n{self.body}", id="preview-note",
                           open_links=False)

    def on_mount(self) -> None:
        self.query_one("#preview").border_title = "note (read-only) · Esc closes"


class ReflectScreen(Screen[None]):
    BINDINGS = [Binding("escape", "close", "Back"), Binding("ctrl+l", "focus_question", "Ask again")]
    AUTO_FOCUS = "#reflect-question"

    def __init__(self, question: str = "", dense: str = "auto", max_tokens: int | None = None) -> None:
        super().__init__()
        self.question, self.dense, self.max_tokens = question, dense, max_tokens
        self.reflection: Reflection | None = None
        self.answer: GroundedAnswer | None = None
        self.worker: Worker | None = None
        self._stream: MarkdownStream | None = None

    @property
    def brain(self) -> BrainApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self.question, placeholder="Why did I …?", id="reflect-question")
        with Horizontal(id="reflect-main"):
            yield OptionList(id="reflect-timeline")
            with Vertical(id="reflect-right"):
                with VerticalScroll(id="reflect-answer-scroll"):
                    yield Markdown(HELP, id="reflect-answer", open_links=False)
                yield OptionList(id="reflect-sources")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "reflect"
        self.query_one("#reflect-timeline").border_title = "timeline"
        self.query_one("#reflect-sources").border_title = "sources"
        self.query_one("#reflect-answer-scroll").border_title = "answer"
        if self.question:
            self.ask(self.question)

    # -- asking ------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.ask(event.value.strip())

    def ask(self, question: str) -> None:
        if self.worker is not None and not self.worker.is_finished:
            self.worker.cancel()
        self.question, self.reflection, self.answer = question, None, None
        self.query_one("#reflect-timeline", OptionList).clear_options()
        self.query_one("#reflect-sources", OptionList).clear_options()
        self.query_one("#reflect-answer", Markdown).update("*searching your notes…*")
        self.worker = self.run_reflect(question)

    @work(thread=True, exclusive=True, group="reflect", exit_on_error=False)
    def run_reflect(self, question: str) -> None:
        """Thread: retrieve and build the timeline, then the grounded answer: my own sentences by
        default, or ([chat] answer_style = "prose") the model's prose with every sentence its cited
        note does not support removed. The model is waited for only in the prose style."""
        from trainer.recall.answer import answer
        from trainer.recall.reflect import reflect, reflect_opts
        from trainer.recall.retrieve import Retriever

        worker = get_current_worker()
        cfg = self.brain.cfg
        style = cfg.chat.answer_style
        with self.brain.indexer.current() as index:  # one scan at a time with the app's own (indexer.py)
            retriever = Retriever.open(index, self.dense)
            try:
                reflection = reflect(index, question, retriever, system_prompt=cfg.chat.system_prompt)
                self.post_message(Found(reflection))
                if reflection.nothing_found or worker.is_cancelled:
                    return
                stream = None
                if style == "prose":
                    session = self.brain.wait_for_model(lambda: worker.is_cancelled)
                    if session is None:
                        return
                    stream = session.stream
                got = answer(index, question, retriever=retriever, style=style, stream=stream,
                             opts=reflect_opts(cfg.chat.gen_opts(), self.max_tokens),
                             on_text=lambda text: self.post_message(Chunk(text)))
            finally:
                retriever.close()
        if not worker.is_cancelled:
            self.post_message(Answered(got))

    # -- showing -----------------------------------------------------------------------------

    async def on_found(self, event: Found) -> None:
        from trainer.recall.reflect import NOTHING_FOUND

        self.reflection = r = event.reflection
        answer = self.query_one("#reflect-answer", Markdown)
        if r.nothing_found:
            await answer.update(NOTHING_FOUND)
            return
        timeline = self.query_one("#reflect-timeline", OptionList)
        timeline.add_options(Option(f"{e.date or 'undated'}  {e.title} [{e.n}]\n{clip(e.text, 240)}", id=f"t{i}")
                             for i, e in enumerate(r.timeline))
        sources = self.query_one("#reflect-sources", OptionList)
        sources.add_options(Option(s.label, id=f"s{s.n}") for s in r.sources)
        await answer.update("")
        self._stream = Markdown.get_stream(answer)

    async def on_chunk(self, event: Chunk) -> None:
        if self._stream is not None:
            await self._stream.write(event.text)

    async def on_answered(self, event: Answered) -> None:
        self.answer = event.answer
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        text = event.answer.text
        if event.answer.removed:
            text += f"\n\n*({event.answer.removed} model sentence(s) that the cited notes do not support removed)*"
        await self.query_one("#reflect-answer", Markdown).update(linked(text))
        cited = set(event.answer.cited)
        sources = self.query_one("#reflect-sources", OptionList)  # the answer numbers its own sources
        sources.clear_options()
        sources.add_options(Option(s.label + ("" if s.n in cited else "  (not cited)"), id=f"s{s.n}")
                            for s in event.answer.sources)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.brain.report_worker(event)
        if event.worker is self.worker and event.state == WorkerState.ERROR and self._stream is None:
            self.query_one("#reflect-answer", Markdown).update("*Could not answer (see the notification).*")

    # -- opening notes -----------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.reflection is None or event.option.id is None:
            return
        if event.option.id.startswith("t"):  # the timeline numbers notes as the retrieval did
            self.open_note(self.reflection.source(self.reflection.timeline[int(event.option.id[1:])].n))
        else:
            self.open_source(int(event.option.id[1:]))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        if event.href.startswith("cite:"):
            event.prevent_default()
            self.open_source(int(event.href[5:]))

    def open_source(self, n: int) -> None:
        """Show source n (of the answer once there is one) in a read-only preview."""
        if self.answer is not None:  # [n] in the answer and the source list count the answer's sources
            self.open_note(next((s for s in self.answer.sources if s.n == n), None))
        elif self.reflection is not None:
            self.open_note(self.reflection.source(n))

    def open_note(self, source: Source | None) -> None:
        """A quick read of the index's copy of the note, on this thread; never the file for writing."""
        from trainer.vault.index import Index
        from trainer.paths import index_db

        if source is None:
            return
        n = source.n
        with Index.open(index_db(self.brain.cfg.vault_path)) as index:
            note = index.get(source.path)
        body = note.body if note else "*This note is no longer in the index.*"
        self.app.push_screen(NotePreview(source.title, f"[{n}] {source.date or 'undated'} · {source.path}", body))

    def action_focus_question(self) -> None:
        self.query_one("#reflect-question", Input).focus()

    def action_close(self) -> None:
        if self.worker is not None and not self.worker.is_finished:
            self.worker.cancel()
        self.app.pop_screen()


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

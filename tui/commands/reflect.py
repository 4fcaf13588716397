"""`brain reflect "why did I …?"`: the dated timeline from the notes, then a grounded answer.

The answer is `trainer.recall.answer`: by default ("words") my own sentences from the notes,
dated and cited, with what a later note took back; with `--style prose` the configured model
writes over them and every sentence its cited note does not support is removed.
"""

from __future__ import annotations

import shutil
import sys
import textwrap

from backends import BackendError
from tui.commands import add_command, fail, resolve_config


def register(sub) -> None:
    p = add_command(sub, "reflect", "ask why you decided something; answered from your notes, with citations",
                    run, description="Answer a question about your own decisions from your notes: a dated "
                    "timeline of the notes found, then an answer in your voice citing them as [1], [2].\n\n"
                    "  brain reflect \"why did I move from Notion to Obsidian?\"\n"
                    "  brain reflect \"what mistakes do I keep making?\"")
    p.add_argument("question", help="the question; '-' reads it from standard input")
    p.add_argument("--dense", choices=["auto", "on", "off"], default="auto",
                   help="embeddings beside BM25: auto uses them when 'second-brain[embed]' is installed")
    p.add_argument("-k", type=int, default=None, help="notes to retrieve (default 5; 8 for pattern questions)")
    p.add_argument("--max-tokens", type=int, help="cap the answer length (default 256)")
    p.add_argument("--no-answer", action="store_true", help="show the timeline and sources only")
    p.add_argument("--style", choices=["words", "prose"], default=None,
                   help="words: composed from your notes' sentences (no model); prose: the model writes, "
                   "unsupported sentences are removed (default: [chat] answer_style)")
    p.add_argument("--long", action="store_true", help="a longer answer (about 300 words instead of 120)")


def run(args) -> int:
    question = (sys.stdin.read() if args.question == "-" else args.question).strip()
    if not question:
        return fail("the question is empty", 2)
    cfg = resolve_config(args)
    style = args.style or cfg.chat.answer_style
    if style not in ("words", "prose"):
        return fail(f"answer_style should be 'words' or 'prose', not {style!r}", 2)
    out = Printer()
    try:
        return reflect_and_answer(cfg, question, args, style, out)
    except BackendError as exc:
        return fail(f"{exc}\n(the timeline above is from your notes; prose answers need a model: "
                    "--style words needs none)")
    except (OSError, RuntimeError, ValueError) as exc:
        return fail(str(exc))


def reflect_and_answer(cfg, question: str, args, style: str, out: Printer) -> int:
    """Bring the index up to date (incremental, read-only on the vault), show the timeline, then
    the grounded answer (trainer.recall.answer): my own sentences, or checked model prose."""
    from trainer.paths import index_db
    from trainer.recall.answer import answer
    from trainer.recall.reflect import reflect
    from trainer.recall.retrieve import Retriever
    from trainer.vault.index import Index
    from trainer.data.scrub_settings import index_scrub
    from trainer.vault.scan import scan_vault

    with Index.open(index_db(cfg.vault_path)) as index:
        scan_vault(cfg.vault_path, index, scrub=index_scrub(cfg.vault_path))
        retriever = Retriever.open(index, args.dense)
        try:
            reflection = reflect(index, question, retriever, args.k, cfg.chat.system_prompt)
            if not reflection.nothing_found:
                out.timeline(reflection)
            if args.no_answer:
                if reflection.nothing_found:
                    from trainer.recall.compose import language, nothing_found

                    out.para(nothing_found(language(question)))
                else:
                    out.sources(reflection.sources, [])
                return 0
            stream, opts, label = model_for(cfg, style, args.max_tokens)
            if not reflection.nothing_found:
                out.heading(f"Answer ({label})")
            got = answer(index, question, retriever=retriever, style=style, stream=stream, opts=opts,
                         long=args.long, on_text=out.stream)
        finally:
            retriever.close()
    out.end_stream()
    if got.nothing_found:
        return 0
    out.sources(got.sources, got.cited)
    if got.removed:
        s = "s" if got.removed != 1 else ""
        out.para(f"(removed {got.removed} model sentence{s} that the cited notes do not support)")
    return 0


def model_for(cfg, style: str, max_tokens: int | None):
    """(stream, opts, label): no model at all for "words"."""
    if style == "words":
        return None, None, "my own words from the notes"
    from trainer.recall.reflect import reflect_opts
    from tui.session import ChatSession

    session = ChatSession(cfg)
    info = session.load()
    return session.stream, reflect_opts(cfg.chat.gen_opts(), max_tokens), \
        f"{info.model}, adapter: {info.adapter_label}, checked against the notes"


TIMELINE_CHARS = 320  # the timeline shows the gist; the full excerpt went to the model


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Printer:
    """Plain text for a terminal or a pipe, wrapped to the terminal width."""

    def __init__(self) -> None:
        self.width = min(100, shutil.get_terminal_size((100, 20)).columns)

    def heading(self, text: str) -> None:
        print(f"\n{text}\n{'─' * min(len(text), self.width)}")

    def para(self, text: str) -> None:
        for line in text.splitlines():
            print(textwrap.fill(line, self.width, subsequent_indent="  " if line.startswith("- ") else "",
                                break_on_hyphens=False, break_long_words=False) if line.strip() else "")

    def timeline(self, reflection) -> None:
        self.heading(f"Timeline: {reflection.question}")
        indent = " " * 12
        for e in reflection.timeline:
            print(f"{(e.date or 'undated'):<11} {e.title} [{e.n}]")
            print(textwrap.fill(clip(e.text, TIMELINE_CHARS), self.width, initial_indent=indent,
                                subsequent_indent=indent, break_on_hyphens=False))

    def stream(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def end_stream(self) -> None:
        sys.stdout.write("\n")

    def sources(self, sources, cited) -> None:
        from trainer.recall.reflect import sources_markdown

        self.heading("Sources")
        print(sources_markdown(sources, cited))  # unwrapped: paths stay whole, to copy

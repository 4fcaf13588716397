"""`brain reflect "why did I …?"`: the dated timeline from the notes, then a cited answer.

The timeline and the sources are printed before the model says a word, so the facts are on
screen even when the model (the bundled 135M one by default) writes little of use; the answer
streams with its citations checked, then comes what changed and the Sources list.
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
    p.add_argument("--no-answer", action="store_true", help="show the timeline and sources only; no model")


def run(args) -> int:
    question = (sys.stdin.read() if args.question == "-" else args.question).strip()
    if not question:
        return fail("the question is empty", 2)
    cfg = resolve_config(args)
    try:
        reflection = build(cfg, question, args.dense, args.k)
    except (OSError, RuntimeError, ValueError) as exc:
        return fail(str(exc))
    out = Printer()
    if reflection.nothing_found:
        from trainer.recall.reflect import NOTHING_FOUND

        out.para(NOTHING_FOUND)
        return 0
    out.timeline(reflection)
    if args.no_answer:
        out.sources(reflection.sources, [])
        return 0
    return answer(cfg, reflection, args.max_tokens, out)


def build(cfg, question: str, dense: str, k: int | None):
    """Bring the index up to date (incremental, read-only on the vault), then reflect."""
    from trainer.vault.index import Index
    from trainer.paths import index_db
    from trainer.recall.reflect import reflect
    from trainer.recall.retrieve import Retriever
    from trainer.vault.scan import scan_vault

    with Index.open(index_db(cfg.vault_path)) as index:
        scan_vault(cfg.vault_path, index)
        retriever = Retriever.open(index, dense)
        try:
            return reflect(index, question, retriever, k, cfg.chat.system_prompt)
        finally:
            retriever.close()


def answer(cfg, reflection, max_tokens: int | None, out: Printer) -> int:
    from trainer.recall.reflect import generate, reflect_opts
    from tui.session import ChatSession

    session = ChatSession(cfg)
    try:
        info = session.load()
    except BackendError as exc:
        return fail(f"{exc}\n(the timeline above is from your notes; the answer needs a model)")
    out.heading(f"Answer ({info.model}, adapter: {info.adapter_label})")
    opts = reflect_opts(cfg.chat.gen_opts(), max_tokens)
    try:
        result = generate(reflection, session.stream, opts, on_text=out.stream)
    except BackendError as exc:
        return fail(str(exc))
    out.end_stream()
    if result.appendix:
        out.para("\n" + result.appendix)
    out.sources(reflection.sources, result.cited)
    if result.removed:
        s = "s" if result.removed != 1 else ""
        out.para(f"(removed {result.removed} citation{s} that pointed at no retrieved note)")
    return 0


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

"""`brain ask "question"`: one answer streamed to stdout; the exit code says whether it worked.

It answers from the notes by default, as the chat does: the vault is indexed first (incremental,
read-only), then `trainer.recall.answer.answer` composes the reply from the notes' own sentences
("words", no model loaded at all) or has the model write over them ("prose"). `--no-notes` asks
the model alone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from backends import BackendError, Message
from tui.commands import add_command, fail, resolve_config


def register(sub) -> None:
    p = add_command(sub, "ask", "ask one question, stream the answer to stdout",
                    run, description="Ask one question and stream the answer to stdout. It answers from "
                    "your notes, cited, unless --no-notes is given.\n\n"
                    "  brain ask \"why did I move to Obsidian?\"\n  echo question | brain ask -\n"
                    "  brain ask --no-notes \"write a haiku about tomatoes\"")
    p.add_argument("question", help="the question; '-' reads it from standard input")
    p.add_argument("--no-notes", action="store_true", help="the model alone: no notes, no citations")
    p.add_argument("--long", action="store_true", help="a longer answer from the notes (default about 120 words)")
    p.add_argument("--max-tokens", type=int, help="cap the answer length (default from config)")
    p.add_argument("--temperature", type=float, help="sampling temperature (default from config)")
    p.add_argument("--seed", type=int, help="fix the sampling seed for a repeatable answer")


def run(args) -> int:
    question = sys.stdin.read() if args.question == "-" else args.question
    if not question.strip():
        return fail("the question is empty", 2)
    cfg = resolve_config(args)
    opts = cfg.chat.gen_opts()
    opts.max_tokens = args.max_tokens or opts.max_tokens
    opts.temperature = opts.temperature if args.temperature is None else args.temperature
    opts.seed = args.seed
    try:
        if args.no_notes:
            return model_alone(cfg, question.strip(), opts)
        return from_notes(cfg, question.strip(), opts, args.long)
    except BackendError as exc:
        return fail(str(exc))


def model_alone(cfg, question: str, opts) -> int:
    from tui.session import ChatSession

    session = ChatSession(cfg)
    session.load()
    for delta in session.stream([Message("user", question)], opts):
        write(delta)
    write("\n")
    return 0


def from_notes(cfg, question: str, opts, long: bool) -> int:
    """Index, answer, list the sources. The model is loaded only if the answer style asks for it."""
    from trainer.recall.answer import answer
    from tui.indexer import VaultIndexer

    if not cfg.vault_path.is_dir():
        return fail(f"vault not found: {cfg.vault_path} (pass --vault PATH, or --no-notes to ask the model alone)", 2)
    indexer = VaultIndexer(cfg.vault_path)
    with indexer.current() as index:
        result = answer(index, question, style=cfg.chat.answer_style, stream=lazy_stream(cfg), opts=opts,
                        long=long, on_text=write)
    write("\n")
    if result.sources and not result.nothing_found:
        write("\nNotes:\n" + "".join(f"  [{s.n}] {s.date or 'undated'} · {s.title} — {s.path}\n"
                                     for s in result.cited_sources()))
    if result.removed:
        print(f"({result.removed} sentence(s) of the model's were removed: no note supports them)", file=sys.stderr)
    return 0


def lazy_stream(cfg):
    """The model's stream, loading the model on first use: the "words" style never calls it."""
    session = None

    def stream(messages, opts) -> Iterator[str]:
        nonlocal session
        if session is None:
            from tui.session import ChatSession

            session = ChatSession(cfg)
            session.load()
        yield from session.stream(messages, opts)

    return stream


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()

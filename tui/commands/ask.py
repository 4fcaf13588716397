"""`brain ask "question"`: one answer streamed to stdout; the exit code says whether it worked."""

from __future__ import annotations

import sys

from backends import BackendError, Message
from tui.commands import add_command, fail, resolve_config


def register(sub) -> None:
    p = add_command(sub, "ask", "ask one question, stream the answer to stdout",
                    run, description="Ask one question and stream the answer to stdout.\n\n"
                    "  brain ask \"why did I move to Obsidian?\"\n  echo question | brain ask -")
    p.add_argument("question", help="the question; '-' reads it from standard input")
    p.add_argument("--max-tokens", type=int, help="cap the answer length (default from config)")
    p.add_argument("--temperature", type=float, help="sampling temperature (default from config)")
    p.add_argument("--seed", type=int, help="fix the sampling seed for a repeatable answer")


def run(args) -> int:
    from tui.session import ChatSession

    question = sys.stdin.read() if args.question == "-" else args.question
    if not question.strip():
        return fail("the question is empty", 2)
    cfg = resolve_config(args)
    opts = cfg.chat.gen_opts()
    opts.max_tokens = args.max_tokens or opts.max_tokens
    opts.temperature = opts.temperature if args.temperature is None else args.temperature
    opts.seed = args.seed
    session = ChatSession(cfg)
    try:
        session.load()
        for delta in session.stream([Message("user", question.strip())], opts):
            sys.stdout.write(delta)
            sys.stdout.flush()
    except BackendError as exc:
        return fail(str(exc))
    sys.stdout.write("\n")
    return 0

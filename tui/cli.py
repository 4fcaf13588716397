"""`brain`: the command line. With no command it opens the full-screen TUI.

Each subcommand lives in its own module under `tui/commands/` exposing
`register(subparsers)`; adding a command is one file plus one line in COMMANDS.
Heavy imports (models, torch, textual) happen inside the commands, so `brain --help` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = [
    "tui.commands.chat",
    "tui.commands.index",
    "tui.commands.ask",
    "tui.commands.doctor",
    "tui.commands.import_chats",
    "tui.commands.serve",
    "tui.commands.train",
    "tui.commands.adapters",
    "tui.commands.forget",
    "tui.commands.memory",
    "tui.commands.sync",
    "tui.commands.eval",
    "tui.commands.export",
    "tui.commands.reflect",
    "tui.commands.eval_questions",
]

EPILOG = """\
examples:
  brain                               open the chat TUI on your default vault (or the demo vault)
  brain --vault ~/notes               open it on another vault
  brain index ~/notes                 index a vault (read-only) and report skipped files
  brain ask "what did I decide about the car?"
  brain reflect "why did I move from Notion to Obsidian?"
  brain train                         learn the vault into a new adapter (Ctrl-C keeps the old one)
  brain sync --watch                  keep the adapter current as you write
  brain serve                         OpenAI-compatible API on 127.0.0.1 for chat bots
  brain doctor                        check Python, packages, model, GPU and data folders

Settings live in the config file (see `brain doctor`); flags override it for one run.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brain",
        description="A second brain that learns your notes and answers in your voice. Fully local.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every command takes (also accepted after the command name)."""
    parser.add_argument("--vault", metavar="PATH", default=argparse.SUPPRESS,
                        help="notes vault folder (default: from config, else the bundled demo vault)")
    parser.add_argument("--backend", default=argparse.SUPPRESS,
                        help="chat backend: llamacpp, transformers, openai (default: from config)")
    parser.add_argument("--model", default=argparse.SUPPRESS,
                        help="'default', a .gguf file, a Hugging Face folder or a hub id")
    parser.add_argument("--allow-network", action="store_true", default=argparse.SUPPRESS,
                        help="let hub models download for this run (default: offline)")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["chat", *(argv if argv is not None else sys.argv[1:])])
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `brain index | head`: the reader left; not an error worth a traceback
        sys.stderr.close()
        return 0

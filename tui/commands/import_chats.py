"""`brain import KIND FILE`: read a chat export so the model can learn to talk like you."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from tui.commands import add_command, fail, resolve_config

KINDS = ("wechat", "telegram", "whatsapp", "jsonl")
DESCRIPTION = """\
Import a chat export: keep text messages (system notes, stickers, images, recalled messages and
link cards are dropped and counted), scrub private data, merge each sender's consecutive
messages, split conversations on long gaps, and store them in the vault's database (never next
to the export). Examples are built with you as the assistant.

  brain import wechat  chats/li-wei.csv --me 我        PyWxDump / MemoTrace / WeClone CSV
  brain import telegram ChatExport/result.json --me Asha
  brain import whatsapp "WhatsApp Chat with Amma.txt"   asks who you are when run in a terminal
  brain import jsonl   log.jsonl --me asha              {"time", "sender", "text"} per line

Importing the same file again replaces its earlier import.
"""


def register(sub) -> None:
    p = add_command(sub, "import", "import a chat export (WeChat, Telegram, WhatsApp, JSONL)", run, DESCRIPTION)
    p.add_argument("kind", choices=KINDS, metavar="KIND", help=f"export format: {', '.join(KINDS)}")
    p.add_argument("file", type=Path, metavar="FILE", help="the exported file")
    p.add_argument("--me", metavar="NAME", help="which sender is you (name, first name, or Telegram user id)")
    p.add_argument("--gap-minutes", type=int, default=360, metavar="N",
                   help="start a new conversation after N minutes of silence (default 360)")


def run(args) -> int:
    from trainer.data.chats import ChatFormatError, read_export
    from trainer.data.chats.build import build
    from trainer.data.chats.store import save_import
    from trainer.paths import imports_db

    if not args.file.is_file():
        return fail(f"no such file: {args.file}", 2)
    if args.gap_minutes < 1:
        return fail("--gap-minutes must be at least 1", 2)
    cfg = resolve_config(args)
    try:
        export = read_export(args.kind, args.file)
    except ChatFormatError as exc:
        return fail(str(exc), 2)
    except OSError as exc:
        return fail(f"cannot read {args.file}: {exc.strerror or exc}", 2)
    me = choose_me(export, args.me)
    if me is None:
        return 2
    scrub = cfg.scrub.to_config()
    built = build(export, me, timedelta(minutes=args.gap_minutes), scrub, pseudonyms(cfg.vault_path, scrub))
    db = imports_db(cfg.vault_path)
    if scrub.pseudonyms:
        from trainer.data.chats.store import pseudonymise_legacy

        if pseudonymise_legacy(db, pseudonyms(cfg.vault_path, scrub)):
            print("  earlier imports now use pseudonyms too")
    save_import(db, args.file, args.kind, args.gap_minutes, built)
    print(f"Imported {args.file.name} ({args.kind}) speaking as {me!r}"
          + (f", stored as {built.me!r}" if built.me != me else ""))
    print("\n".join(built.summary.lines()))
    print(f"  stored in        {db}")
    report_problems(export)
    return 0


def pseudonyms(vault: Path, scrub):
    """The vault's stable pseudonyms for chat senders (`[scrub] pseudonyms`, `[scrub] names`)."""
    from trainer.data.chats.pseudonyms import Pseudonyms, load_key
    from trainer.paths import pseudonym_key

    return Pseudonyms(load_key(pseudonym_key(vault)), dict(scrub.names), scrub.pseudonyms)


def report_problems(export) -> None:
    """Each skipped row as a sentence with its file and line, on stderr; the good rows are in."""
    if not export.unreadable:
        return
    print(f"brain: {export.unreadable} row(s) could not be read and were skipped:", file=sys.stderr)
    for problem in export.problems:
        print(f"  {problem}", file=sys.stderr)
    if export.unreadable > len(export.problems):
        print(f"  ... and {export.unreadable - len(export.problems)} more", file=sys.stderr)


def choose_me(export, name: str | None) -> str | None:
    """--me if given; else the owner the export marks; else ask in a terminal; else fail."""
    from trainer.data.chats.build import match_me

    senders = export.senders()
    if not senders:
        fail("the export has no text messages to learn from")
        return None
    if name:
        found = match_me(export, name)
        if found is None:
            fail(f"--me {name!r} matches no single sender. Senders: {', '.join(senders)}")
        return found
    if export.owner:
        print(f"You are {export.owner!r} (the export marks its owner; --me NAME to choose another)")
        return export.owner
    if sys.stdin.isatty():
        return prompt_me(senders)
    fail("who are you in this chat? Pass --me NAME. Senders: " + ", ".join(senders))
    return None


def prompt_me(senders: list[str]) -> str | None:
    print("Who are you in this chat?")
    for number, sender in enumerate(senders, 1):
        print(f"  {number}) {sender}")
    for _ in range(3):
        try:
            answer = input(f"number (1-{len(senders)}): ").strip()
        except EOFError:
            break
        if answer.isdigit() and 1 <= int(answer) <= len(senders):
            return senders[int(answer) - 1]
    fail("no sender chosen; pass --me NAME")
    return None

"""`brain memory list | show CONTACT | forget CONTACT [ID...]`: what each contact told `brain serve`."""

from __future__ import annotations

from datetime import datetime

from tui.commands import add_command, fail, resolve_config

HELP = """\
`brain serve` remembers what each contact (the request's `user` field, or an X-Brain-Contact
header) said, scrubbed of private values, in memory.db in the vault's data folder, and gives
each contact's earlier messages back to that contact only. Start it with --no-memory to keep none.
The contact's id is not stored: rows are keyed by a pseudonym ("contact-3f2a…", a keyed hash of
the id). Name a contact by the id the bot sends or by the pseudonym the list shows.

  brain memory list                 contacts (pseudonyms), with how many messages and when they last wrote
  brain memory show alice           what alice said, oldest first (with entry ids)
  brain memory forget alice         delete alice's whole memory (the text leaves the disk)
  brain memory forget alice 12 14   delete only those entries
"""


def register(sub) -> None:
    p = add_command(sub, "memory", "read or delete what each API contact said", run, description=HELP)
    p.add_argument("action", choices=["list", "show", "forget"], nargs="?", default="list")
    p.add_argument("contact", nargs="?", help="the id the bot sends, or the pseudonym `brain memory list` shows")
    p.add_argument("ids", nargs="*", type=int, help="with forget: only these entries")


def run(args) -> int:
    from trainer.paths import memory_db
    from trainer.recall.memory import MemoryStore

    db = memory_db(resolve_config(args).vault_path)
    if args.action != "list" and not args.contact:
        return fail(f"`brain memory {args.action}` needs a contact (see `brain memory list`)", 2)
    if not db.is_file():
        if args.action == "list":
            print("no memory yet: `brain serve` keeps one per contact")
            return 0
        return fail(f"no memory for {args.contact!r}")
    with MemoryStore.open(db) as store:
        if args.action == "list":
            return list_contacts(store)
        if args.action == "show":
            return show(store, args.contact)
        known = {c.key for c in store.contacts()}
        if store.pseudonym(args.contact) not in known:
            return fail(f"no memory for {args.contact!r}; contacts: {', '.join(sorted(known)) or 'none'}")
        gone = store.forget(args.contact, args.ids or None)
        if args.ids and gone < len(set(args.ids)):
            print(f"{len(set(args.ids)) - gone} of the ids were not {args.contact}'s")
    print(f"forgot {gone} message{'s' if gone != 1 else ''} of {args.contact}")
    return 0


def list_contacts(store) -> int:
    contacts = store.contacts()
    if not contacts:
        print("no memory yet: `brain serve` keeps one per contact")
        return 0
    print(f"{'contact':<32}{'messages':>9}  last")
    for c in contacts:
        print(f"{c.key:<32}{c.messages:>9}  {_when(c.last)}")
    return 0


def show(store, contact: str) -> int:
    memories = store.messages(contact)
    if not memories:
        return fail(f"no memory for {contact!r}")
    for m in memories:
        print(f"[{m.id}] {_when(m.at)} {m.role}: {m.text}")
    return 0


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")

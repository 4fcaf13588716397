"""`brain index [VAULT]`: scan a vault (read-only) into its index; say what was skipped and why."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui.commands import add_command, fail, resolve_config

DESCRIPTION = """\
Index a notes vault: read every note (.md, .markdown, .txt), never writing to the vault, and store
titles, tags, links, headings and full text in the vault's index. Only changed files are re-read.
Files that are skipped, or indexed with a problem, are listed with the reason.
"""
LIST_LIMIT = 20  # lines per reason unless --all: a vault with 5,000 images should not flood the screen


def register(sub) -> None:
    parser = add_command(sub, "index", "index a vault (read-only) and report skipped files", run, DESCRIPTION)
    parser.add_argument("vault_arg", nargs="?", metavar="VAULT",
                        help="vault folder (overrides --vault and the config)")
    parser.add_argument("--max-size", metavar="SIZE", type=parse_size, default=None,
                        help="skip notes larger than this, e.g. 500K, 4M (default 2M)")
    parser.add_argument("--rebuild", action="store_true", help="delete the index first and re-read every note")
    parser.add_argument("--all", dest="show_all", action="store_true",
                        help=f"list every skipped file (default: at most {LIST_LIMIT} per reason)")


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)i?B?\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(text)
    number, unit = match.groups()
    return int(float(number) * 1024 ** " KMG".index(unit.upper() or " "))


def run(args) -> int:
    from trainer.vault.index import Index, IndexUnavailable, delete_index
    from trainer.paths import index_db
    from trainer.data.scrub_settings import index_scrub
    from trainer.vault.scan import DEFAULT_MAX_BYTES, VaultUnavailable, scan_vault

    if args.vault_arg:
        args.vault = args.vault_arg
    vault = resolve_config(args).vault_path  # also records the [scrub] values the index applies
    if not vault.exists():
        return fail(f"vault not found: {vault}")
    if not vault.is_dir():
        return fail(f"vault is not a folder: {vault}")
    db = index_db(vault)
    if args.rebuild:
        delete_index(db)
    try:
        with Index.open(db) as index, progress_bar() as progress:
            report = scan_vault(vault, index, progress, max_bytes=args.max_size or DEFAULT_MAX_BYTES,
                                scrub=index_scrub(vault))
    except (IndexUnavailable, ValueError, VaultUnavailable) as exc:
        return fail(str(exc))
    print_report(vault, db, report, args.show_all)
    return 0


@contextmanager
def progress_bar() -> Iterator:
    """A rich progress bar on stderr while reading; nothing at all when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[path]}", markup=False))
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("index", total=None, path="")

        def update(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, path=shown(path)[-60:])

        yield update


def print_report(vault: Path, db: Path, report, show_all: bool) -> None:
    print(f"Indexed {shown(str(vault))}")
    print(f"  index     {db}")
    print(f"  notes     {report.notes}: {report.indexed} indexed, {report.unchanged} unchanged, "
          f"{report.renamed} renamed, {report.removed} removed")
    print(f"  skipped   {_by_reason(report.skipped_by_reason())}")
    print(f"  warnings  {_by_reason(report.warnings_by_reason())}")
    for old, new in report.renames:
        print(f"renamed  {shown(old)} -> {shown(new)}")
    _list("skipped", report.skipped, show_all)
    _list("warning", report.warnings, show_all)


def _by_reason(counts: Counter) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{n} {reason}" for reason, n in sorted(counts.items()))
    return f"{total}" + (f" ({parts})" if parts else "")


def _list(label: str, items: list, show_all: bool) -> None:
    shown_per_reason: Counter = Counter()
    for item in sorted(items, key=lambda s: (s.reason, s.path)):
        shown_per_reason[item.reason] += 1
        if show_all or shown_per_reason[item.reason] <= LIST_LIMIT:
            print(f"{label:<8} {shown(str(item))}")
    for reason, n in sorted(shown_per_reason.items()):
        if not show_all and n > LIST_LIMIT:
            print(f"{label:<8} ... and {n - LIST_LIMIT} more: {reason} (--all lists them)")


def shown(text: str) -> str:
    """One line per file, whatever its name: control characters (a newline in a name) escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)

"""`brain forget PATH... [--matching TEXT] [--dry-run] [--undo]`: a note leaves everything brain keeps."""

from __future__ import annotations

from tui.commands import add_command, fail, resolve_config

HELP = """\
Take notes out of the index, retrieval, the embedding cache, every run folder and every adapter
version that learned them, then rebuild the active adapter without them: with a sharded adapter
(`brain train --shards K`) only the shards that held them are retrained, on their remaining notes;
else a replay from the newest version that never saw them when there is one, else a full rebuild.
Afterwards every file under the data folder is searched for the notes' own sentences (those no
other note shares). The vault is not touched: a forgotten note stays on disk and brain skips it
from now on (`--undo` lets it back in).

examples:
  brain forget journal/2025-06-21.md --dry-run     what would be removed and retrained, how long
  brain forget journal/2025-06-21.md               do it
  brain forget --matching "Rotterdam"              every note that mentions it
  brain forget --undo journal/2025-06-21.md        index it again from the next scan
"""


def register(sub) -> None:
    p = add_command(sub, "forget", "remove notes from the index, retrieval and every adapter", run, description=HELP)
    p.add_argument("paths", nargs="*", metavar="PATH", help="notes, relative to the vault (or absolute inside it)")
    p.add_argument("--matching", metavar="TEXT", help="also every note whose title or text contains TEXT")
    p.add_argument("--dry-run", action="store_true", help="show what would be removed and retrained; change nothing")
    p.add_argument("--no-retrain", action="store_true",
                   help="remove the versions that saw the notes without training a replacement")
    p.add_argument("--undo", action="store_true", help="let the named notes back in (indexed at the next scan)")


def run(args) -> int:
    from trainer.forget import ForgetError, find_targets, forget, plan_forget, retrainer

    cfg = resolve_config(args)
    vault = cfg.vault_path
    if not vault.is_dir():
        return fail(f"vault is not a folder: {vault}", 2)
    if args.undo:
        return undo(vault, args.paths)
    try:
        targets = find_targets(vault, args.paths, args.matching)
    except ForgetError as exc:
        return fail(str(exc), 2)
    plan = plan_forget(vault, targets)
    print(plan.describe())
    if args.dry_run:
        print("dry run: nothing changed")
        return 0
    from trainer.pipeline import TrainPlan

    template = TrainPlan(vault, cfg.chat.model, cfg.train, keep=cfg.keep_adapters)
    try:
        result = forget(plan, None if args.no_retrain else retrainer(template, cfg.sync, progress))
    except KeyboardInterrupt:
        print("\nstopped: the notes are out of the index; run `brain forget` again to finish the adapters")
        return 130
    print(f"removed {len(result.removed_versions)} adapter version(s) ({', '.join(result.removed_versions) or '-'}) "
          f"and {result.removed_runs} run folder(s) in {result.seconds:.0f} s")
    print(f"active adapter: {result.version or plan.clean or 'base model'}")
    if result.message:
        print(result.message)
    if result.residue:
        print("still holding the note's text (not brain's to rewrite; delete them yourself):")
        for path in result.residue:
            print(f"  {path}")
        return 1
    print("the note's text is in no file under the data folder")
    return 0


def progress(event) -> None:
    if event.kind == "step":
        print(f"\rretraining: step {event.step}/{event.total_steps}", end="", flush=True)
    elif event.kind == "done":
        print()


def undo(vault, paths: list[str]) -> int:
    from trainer.paths import vault_data_dir
    from trainer.vault.forgotten import remove_forgotten
    from trainer.vault.parse import content_hash

    if not paths:
        return fail("--undo needs the paths to let back in", 2)
    pairs = []
    for raw in paths:
        file = vault / raw
        pairs.append((raw, content_hash(file.read_bytes()) if file.is_file() else None))
    dropped = remove_forgotten(vault_data_dir(vault), pairs)
    if not dropped:
        return fail("none of these notes was forgotten")
    print(f"{len(paths)} note(s) will be indexed again at the next scan")
    return 0

"""`brain eval --membership NOTE`: did an adapter version learn NOTE? (trainer.adapters.membership)"""

from __future__ import annotations

from pathlib import Path

from tui.commands import fail, resolve_config


def run_membership(args) -> int:
    from trainer.adapters.coverage import read_coverage
    from trainer.adapters.membership import membership, pick_references
    from trainer.adapters.registry import AdapterRegistry, RegistryError
    from trainer.paths import adapters_dir, index_db
    from trainer.vault.index import Index
    from trainer.vault.parse import parse_note

    cfg = resolve_config(args)
    vault = cfg.vault_path
    reg = AdapterRegistry(adapters_dir(vault))
    try:
        version = reg.get(args.version) if args.version else reg.get(reg.active_name() or "")
    except RegistryError:
        return fail("no adapter to test: run `brain train` first (or pass --version)")
    targets = []
    for raw in args.membership:
        file = Path(raw) if Path(raw).is_absolute() else vault / raw
        if not file.is_file():
            return fail(f"{raw}: no such note in {vault}", 2)
        rel = file.resolve().relative_to(vault.resolve()).as_posix()
        targets.append(parse_note(rel, file.read_bytes(), file.stat().st_mtime_ns).note)
    with Index.open(index_db(vault)) as index:
        notes = list(index.notes())
    exclude = {t.path for t in targets} | {t.content_hash for t in targets}
    unseen, trained = pick_references(notes, read_coverage(version.path), _dataset(), exclude)
    if not unseen or not trained:
        return fail("the vault needs both held-out and trained notes to compare with")
    print(f"membership test of {version.name}: {len(targets)} note(s) against {len(unseen)} never-seen and "
          f"{len(trained)} trained notes (loads the model on the CPU)…")
    report = membership(version.manifest["base_model"]["spec"], version.path, targets, unseen, trained,
                        cfg.train, _dataset())
    print("\n".join(report.lines()))
    return 0


def _dataset():
    """The dataset settings `brain train` uses (TrainPlan's default), so notes are chunked alike."""
    from trainer.data.dataset import DatasetConfig

    return DatasetConfig()

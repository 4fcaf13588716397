"""What forgetting one note costs against a full rebuild, and whether the adapter forgot it.

1. Generates the sync bench's seeded vault (bench/sync_latency.py: 1,000 notes by default).
2. Full rebuild, monolithic (what brain does on a deleted note today): timed, scan to activation.
3. The replay design on that version: the note was in the first full build, so no kept version
   is clean and forgetting IS a full rebuild (the plan is printed; not run again).
4. Sharded build (--shards K, each shard 1/K of the steps, summed): timed, for reference.
5. `brain forget` of one training note on the sharded version: timed end to end (index, derived
   tables, shard retrain in a child, combine, GGUF export, commit, purge, VACUUM, residue check).
6. Membership scores (base loss - adapter loss on the note's own examples) of the note before and
   after, against never-seen (held-out) notes and trained notes.

    .venv/bin/python bench/forget_latency.py                         # 1,000 notes, 32 steps, 16 shards
    .venv/bin/python bench/forget_latency.py --notes 200 --steps 8 --shards 4   # a quicker look
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL_SHARE = 0.10


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notes", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=32, help="optimizer steps of a full build (sharded: split)")
    ap.add_argument("--shards", type=int, default=16)
    ap.add_argument("--weight", type=float, default=1.0, help="shard weight in the sum (1 = plain sum)")
    ap.add_argument("--refs", type=int, default=12, help="never-seen and trained notes in the membership test")
    ap.add_argument("--model", default="default", help="base model spec (default: the bundled SmolLM2)")
    ap.add_argument("--threads", type=int, default=0, help="torch threads per training run (0 = all cores)")
    ap.add_argument("--pin", action="store_true",
                    help="on a machine with >= 4 cores: time the full rebuild and the forget on cores 0-1 only "
                         "(this project's 2-core machine, quiet) and build the sharded version meanwhile on the "
                         "other cores (its build time is then not comparable and is not reported)")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="brain-forget-bench-"))
    os.environ["BRAIN_HOME"] = str(work / "home")
    from sync_latency import generate_vault

    from trainer.adapters.coverage import read_coverage
    from trainer.adapters.membership import membership, pick_references
    from trainer.adapters.registry import AdapterRegistry
    from trainer.data.dataset import DatasetConfig, assign_splits
    from trainer.engines.base import LoraSettings, TrainSettings
    from trainer.forget import find_targets, forget, plan_forget, retrainer
    from trainer.paths import adapters_dir, index_db
    from trainer.pipeline import TrainPlan, train_vault
    from trainer.sharded import train_sharded
    from trainer.sync.settings import SyncSettings
    from trainer.vault.index import Index

    try:
        vault = work / "vault"
        paths = generate_vault(vault, args.notes)
        settings = TrainSettings(max_steps=args.steps, max_len=256, rows_per_step=4, learning_rate=3e-4,
                                 lora=LoraSettings(rank=16, alpha=32.0), threads=args.threads)
        dataset = DatasetConfig(max_tokens=160)
        template = TrainPlan(vault, args.model, settings=settings, dataset=dataset, keep=50)
        quiet = lambda event: None  # noqa: E731
        print(f"vault: {args.notes} notes; full build {args.steps} steps x 4 rows x 256 tokens; "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")

        find_targets(vault, [paths[0]])  # the first scan, so the builds below only re-check the index
        from backends import resolve_model
        from backends.hf_folder import hf_source

        hf_source(resolve_model(args.model))  # the dequantized cache once, before two builds race to make it
        timed_cores = {0, 1} if args.pin else None
        others = set(range(2, os.cpu_count() or 2)) if args.pin else None
        built: dict = {}

        def build_sharded() -> None:
            if others:
                os.sched_setaffinity(0, others)  # this thread, and the training children it starts
            plan = replace(template, settings=replace(settings, threads=len(others))) if others else template
            t0 = time.monotonic()
            built["sharded"] = train_sharded(plan, args.shards, quiet, weight=args.weight)
            built["sharded_s"] = time.monotonic() - t0

        side = threading.Thread(target=build_sharded) if args.pin else None
        if side:
            side.start()
            os.sched_setaffinity(0, timed_cores)
        t = time.monotonic()
        mono = train_vault(template, quiet)
        full_s = time.monotonic() - t
        print(f"full rebuild (monolithic, {mono.name}): {full_s:.1f} s")

        splits = assign_splits(paths, dataset)
        target = random.Random(5).choice(sorted(p for p in paths if splits.get(p) == "train"))
        targets = find_targets(vault, [target])
        replay = plan_forget(vault, targets)
        print(f"\nreplay design on {mono.name}:\n  " + replay.describe().replace("\n", "\n  "))

        if side:
            side.join()
        else:
            build_sharded()
        sharded, sharded_s = built["sharded"], built["sharded_s"]
        AdapterRegistry(adapters_dir(vault)).activate(sharded.name)
        print(f"\nsharded build ({args.shards} shards x {max(1, -(-args.steps // args.shards))} steps, "
              f"{sharded.name}): {sharded_s:.1f} s{' (on the other cores, at the same time: not comparable)' if side else ''}")

        with Index.open(index_db(vault)) as index:
            notes = list(index.notes())
        note = next(n for n in notes if n.path == target)
        unseen, trained = pick_references(notes, read_coverage(sharded.path), dataset, {note.path}, args.refs)
        before = membership(args.model, sharded.path, [note], unseen, trained, settings, dataset)
        before_mono = membership(args.model, mono.path, [note], unseen, trained, settings, dataset)

        if timed_cores:
            os.sched_setaffinity(0, timed_cores)
        plan = plan_forget(vault, targets)
        print(f"\nforget on {sharded.name}:\n  " + plan.describe().replace("\n", "\n  "))
        t = time.monotonic()
        result = forget(plan, retrainer(template, SyncSettings(), quiet))
        forget_s = time.monotonic() - t
        if timed_cores:
            os.sched_setaffinity(0, set(range(os.cpu_count() or 2)))
        registry = AdapterRegistry(adapters_dir(vault))
        after = membership(args.model, registry.get(result.version).path, [note], unseen, trained, settings, dataset)

        print(f"\nforget one note: {forget_s:.1f} s -> {result.version} active; removed {result.removed_versions}; "
              f"residue files: {len(result.residue)}; load {os.getloadavg()[0]:.2f}")
        share = forget_s / full_s
        print(f"forget / monolithic full rebuild: {forget_s:.1f} / {full_s:.1f} s = {share:.1%} "
              f"(goal <= {GOAL_SHARE:.0%}: {'ok' if share <= GOAL_SHARE else 'MISSED'})")
        if not side:
            print(f"forget / sharded full build:      {forget_s:.1f} / {sharded_s:.1f} s = {forget_s / sharded_s:.1%}")
        for name, report in ((f"monolithic {mono.name}", before_mono), (f"sharded {sharded.name}, before", before),
                             (f"{result.version}, after forgetting", after)):
            print(f"\nmembership under {name}:")
            print("  " + "\n  ".join(report.lines()))
        print(f"\nforgotten note scores like a never-seen note after: {after.forgotten()}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

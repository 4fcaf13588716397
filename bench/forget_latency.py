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
PINNED = False
"""--pin runs two builds at once: waiting for every child there would wait for the other build's."""


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
    ap.add_argument("--keep", action="store_true", help="keep the work folder (vault, data folder) and say where")
    ap.add_argument("--no-full", action="store_true",
                    help="skip the monolithic full rebuild (a quick look at the forget's phases; no ratio)")
    ap.add_argument("--no-membership", action="store_true", help="skip the membership scoring")
    ap.add_argument("--vault", type=Path, help="an existing vault (read only) instead of the generated one")
    ap.add_argument("--eval-fraction", type=float, default=None,
                    help="share of notes held out (never trained on: the membership test's never-seen notes)")
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--max-len", type=int, default=256, help="tokens per packed row")
    ap.add_argument("--target", help="the note to forget (default: a seeded pick among trained notes; 'auto': "
                                     "the trained note the sharded version knows best, the hardest one to forget)")
    ap.add_argument("--documents-only", action="store_true",
                    help="train on the notes' own text only (no question pairs): more epochs for the same time")
    args = ap.parse_args()
    global PINNED
    PINNED = args.pin

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
    from trainer.sharded import Phases, train_sharded
    from trainer.sync.settings import SyncSettings
    from trainer.vault.index import Index

    try:
        if args.vault:
            vault = args.vault.expanduser().resolve()
            paths = sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md"))
        else:
            vault = work / "vault"
            paths = generate_vault(vault, args.notes)
        settings = TrainSettings(max_steps=args.steps, max_len=args.max_len, rows_per_step=4, learning_rate=args.lr,
                                 lora=LoraSettings(rank=16, alpha=32.0), threads=args.threads)
        dataset = DatasetConfig(max_tokens=160)
        if args.eval_fraction is not None:
            dataset = replace(dataset, eval_fraction=args.eval_fraction)
        if args.documents_only:
            dataset = replace(dataset, topic_pairs=False, section_pairs=False, decision_pairs=False)
        template = TrainPlan(vault, args.model, settings=settings, dataset=dataset, keep=50)
        quiet = lambda event: None  # noqa: E731
        print(f"vault: {len(paths)} notes ({vault}); full build {args.steps} steps x 4 rows x {args.max_len} tokens, "
              f"lr {args.lr}, eval fraction {dataset.eval_fraction}; "
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
            t0, c0 = time.monotonic(), cpu_s()
            built["sharded"] = train_sharded(plan, args.shards, quiet, weight=args.weight)
            built["sharded_s"], built["sharded_cpu"] = time.monotonic() - t0, cpu_s() - c0

        side = threading.Thread(target=build_sharded) if args.pin else None
        if side:
            side.start()
            os.sched_setaffinity(0, timed_cores)
        t, c = time.monotonic(), cpu_s()
        full_clock = Phases()
        mono = None if args.no_full else train_vault(template, full_clock.follow(quiet))
        full_s, full_cpu = time.monotonic() - t, cpu_s() - c
        if mono:
            full_clock.lap("commit")
            print(f"full rebuild (monolithic, {mono.name}): {full_s:.1f} s ({full_cpu:.0f} CPU s); "
                  f"load {os.getloadavg()[0]:.2f}")
            print_phases(full_clock.seconds, {})

        splits = assign_splits(paths, dataset)
        target = args.target or random.Random(5).choice(sorted(p for p in paths if splits.get(p) == "train"))
        if mono and target != "auto":
            replay = plan_forget(vault, find_targets(vault, [target]))
            print(f"\nreplay design on {mono.name}:\n  " + replay.describe().replace("\n", "\n  "))

        if side:
            side.join()
        else:
            build_sharded()
        sharded, sharded_s = built["sharded"], built["sharded_s"]
        AdapterRegistry(adapters_dir(vault)).activate(sharded.name)
        print(f"\nsharded build ({args.shards} shards, {args.steps} steps shared by examples, "
              f"{sharded.name}): {sharded_s:.1f} s ({built['sharded_cpu']:.0f} CPU s)"
              f"{' (on the other cores, at the same time: not comparable)' if side else ''}; "
              f"load {os.getloadavg()[0]:.2f}")

        with Index.open(index_db(vault)) as index:
            notes = list(index.notes())
        score = not args.no_membership
        if target == "auto":
            target, before = best_known(notes, sharded.path, args, settings, dataset)
            print(f"\ntarget: {target}, the trained note {sharded.name} knows best (score "
                  f"{before.target[target]:.3f}, z {before.z(before.target[target]):.1f})")
            unseen = [n for n in notes if n.path in before.unseen]
            trained = [n for n in notes if n.path in before.trained]
            note = next(n for n in notes if n.path == target)
        else:
            note = next(n for n in notes if n.path == target)
            unseen, trained = pick_references(notes, read_coverage(sharded.path), dataset, {note.path}, args.refs)
            before = membership(args.model, sharded.path, [note], unseen, trained, settings, dataset) if score else None
        before_mono = membership(args.model, mono.path, [note], unseen, trained, settings, dataset) \
            if score and mono else None

        if timed_cores:
            os.sched_setaffinity(0, timed_cores)
        t = time.monotonic()
        plan = plan_forget(vault, find_targets(vault, [target]))  # what `brain forget` does before it asks
        plan_s = time.monotonic() - t
        print(f"\nforget on {sharded.name}:\n  " + plan.describe().replace("\n", "\n  "))
        t, c = time.monotonic(), cpu_s()
        result = forget(plan, retrainer(template, SyncSettings(), quiet))
        forget_s, forget_cpu = time.monotonic() - t, cpu_s() - c
        if timed_cores:
            os.sched_setaffinity(0, set(range(os.cpu_count() or 2)))
        registry = AdapterRegistry(adapters_dir(vault))
        new = registry.get(result.version)
        after = membership(args.model, new.path, [note], unseen, trained, settings, dataset) if score else None

        print(f"\nforget one note: {forget_s:.1f} s ({forget_cpu:.0f} CPU s; + {plan_s:.1f} s to find and plan) -> "
              f"{result.version} active; "
              f"removed {result.removed_versions}; residue files: {len(result.residue)}; "
              f"load {os.getloadavg()[0]:.2f}")
        for file in result.residue:
            print(f"  residue: {file}")
        print_phases(result.phases, new.manifest.get("shards", {}).get("phases", {}))
        if mono:
            share = forget_s / full_s
            print(f"forget / monolithic full rebuild: {forget_s:.1f} / {full_s:.1f} s = {share:.1%} "
                  f"(goal <= {GOAL_SHARE:.0%}: {'ok' if share <= GOAL_SHARE else 'MISSED'}); "
                  f"CPU seconds {forget_cpu:.0f} / {full_cpu:.0f} = {forget_cpu / full_cpu:.1%}")
        if not side:
            print(f"forget / sharded full build:      {forget_s:.1f} / {sharded_s:.1f} s = {forget_s / sharded_s:.1%}; "
                  f"CPU seconds {forget_cpu:.0f} / {built['sharded_cpu']:.0f} = {forget_cpu / built['sharded_cpu']:.1%}")
        if score:
            for name, report in ((f"monolithic {mono.name}" if mono else "", before_mono),
                                 (f"sharded {sharded.name}, before", before),
                                 (f"{result.version}, after forgetting", after)):
                if report is not None:
                    print(f"\nmembership under {name}:")
                    print("  " + "\n  ".join(report.lines()))
            print(f"\nforgotten note scores like a never-seen note after: {after.forgotten()}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def best_known(notes, version: Path, args, settings, dataset):
    """Score every trained note under `version` and take the best-known one as the target: the
    hardest case for forgetting, and one whose score before is well above the never-seen range, so
    "like a never-seen note" afterwards is evidence rather than where it started."""
    from trainer.adapters.coverage import read_coverage
    from trainer.adapters.membership import MembershipReport, membership, pick_references

    unseen, trained = pick_references(notes, read_coverage(version), dataset, set(), len(notes))
    scored = membership(args.model, version, [], unseen[:args.refs], trained, settings, dataset)
    print("  per trained note: " + ", ".join(f"{p} {s:.2f}" for p, s in sorted(scored.trained.items(),
                                                                            key=lambda kv: -kv[1])))
    best = max(scored.trained, key=scored.trained.get)
    rest = {p: s for p, s in scored.trained.items() if p != best}
    return best, MembershipReport(target={best: scored.trained[best]}, unseen=scored.unseen, trained=rest)


def cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children (the training runs):
    a figure that a busy shared machine distorts far less than wall time."""
    import resource

    while not PINNED:  # wait for the training children to exit: only waited-for children count, and a
        try:     # run returns at the child's "done" event, before the child has exited (or been reaped)
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                               resource.getrusage(resource.RUSAGE_CHILDREN)))


def print_phases(forget_phases: dict, retrain_phases: dict) -> None:
    """Where the forget's seconds went: its own phases, the retrain's inside "retrain"."""
    print("  where the time went (s):")
    for name, seconds in forget_phases.items():
        print(f"    {name:<28}{seconds:>8.1f}")
        if name == "retrain":
            for sub, sec in retrain_phases.items():
                print(f"      {sub:<26}{sec:>8.1f}")


if __name__ == "__main__":
    main()

"""Membership before and after `forget`, on a data folder a bench already trained (resumable).

bench/forget_latency.py --vault ... --keep builds a sharded version and keeps its work folder;
scoring every reference note there is the slow part on a busy 2-core machine. This script takes
that folder (BRAIN_HOME = WORK/home), scores the note under the active version against a few
never-seen (held-out) and trained notes, forgets it (retrains its shard with the same per-shard
step budget, from the version's own manifest), and scores it again. Prints seconds per phase.

    .venv/bin/python bench/forget_membership.py WORK --vault /work/shared/sample-vault \
        --target lessons/estimates.md --eval-fraction 0.5 --documents-only --refs 8
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", type=Path, help="a work folder kept by bench/forget_latency.py --keep")
    ap.add_argument("--vault", type=Path, required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--eval-fraction", type=float, default=0.1)
    ap.add_argument("--documents-only", action="store_true")
    ap.add_argument("--refs", type=int, default=8)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    os.environ["BRAIN_HOME"] = str(args.work.resolve() / "home")

    import torch

    from trainer.adapters.coverage import read_coverage
    from trainer.adapters.membership import membership, pick_references
    from trainer.adapters.registry import AdapterRegistry
    from trainer.data.dataset import DatasetConfig
    from trainer.engines.base import LoraSettings, TrainSettings
    from trainer.forget import find_targets, forget, plan_forget, retrainer
    from trainer.paths import adapters_dir, index_db
    from trainer.pipeline import TrainPlan
    from trainer.sync.settings import SyncSettings
    from trainer.vault.index import Index

    if args.threads:
        torch.set_num_threads(args.threads)
    vault = args.vault.expanduser().resolve()
    registry = AdapterRegistry(adapters_dir(vault))
    version = registry.get(registry.active_name())
    saved = version.manifest["settings"]
    settings = TrainSettings(**{**saved, "lora": LoraSettings(**saved["lora"]), "max_steps": saved["max_steps"]})
    dataset = DatasetConfig(max_tokens=160, eval_fraction=args.eval_fraction)
    if args.documents_only:
        dataset = replace(dataset, topic_pairs=False, section_pairs=False, decision_pairs=False)
    with Index.open(index_db(vault)) as index:
        notes = list(index.notes())
    note = next(n for n in notes if n.path == args.target)
    unseen, trained = pick_references(notes, read_coverage(version.path), dataset, {note.path}, args.refs)
    spec = version.manifest["base_model"]["spec"]

    t = time.monotonic()
    before = membership(spec, version.path, [note], unseen, trained, settings, dataset)
    print(f"membership under {version.name} (sharded, before), {time.monotonic() - t:.0f} s:", flush=True)
    print("  " + "\n  ".join(before.lines()), flush=True)

    template = TrainPlan(vault, spec, settings=settings, dataset=dataset, keep=50)
    plan = plan_forget(vault, find_targets(vault, [args.target]))
    print("\n" + plan.describe(), flush=True)
    t = time.monotonic()
    result = forget(plan, retrainer(template, SyncSettings()))
    new = AdapterRegistry(adapters_dir(vault)).get(result.version)
    print(f"forget: {time.monotonic() - t:.0f} s -> {result.version}; residue files {len(result.residue)}; "
          f"phases {result.phases}; retrain {new.manifest['shards'].get('phases')}", flush=True)

    t = time.monotonic()
    after = membership(spec, new.path, [note], unseen, trained, settings, dataset)
    print(f"\nmembership under {new.name} (after forgetting), {time.monotonic() - t:.0f} s:")
    print("  " + "\n  ".join(after.lines()))
    z = after.z(after.target[note.path])
    mean, sd = after.band(after.unseen)[0], after.spread(after.unseen)
    print(f"\nforgotten note {after.target[note.path]:.3f} vs never-seen mean +- sd {mean:.3f} +- {sd:.3f} "
          f"(z {z:.1f}); before: {before.target[note.path]:.3f} (z {before.z(before.target[note.path]):.1f}); "
          f"the test separates trained from never-seen: before {before.separates()}, after {after.separates()}")


if __name__ == "__main__":
    main()

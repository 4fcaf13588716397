"""A sharded build: one LoRA per shard of the notes, summed into the version's adapter.

    adapters/vNNNN/
      shards/s000/peft/  s001/peft/ ...   each trained from the base model on its notes only
      peft/  lora.gguf                    their sum (trainer.adapters.shards.combine)
      notes.json  manifest.json           manifest["shards"] = {"count": k, "weight": w}

A full sharded build trains every shard (k children, each with its share of the steps: the share
of the training examples it holds, so every shard sees its notes the same number of times).
Forgetting a note (trainer.forget) retrains only its shard on that shard's remaining notes, at
that same number of passes, and reuses every other shard's weights from the active version: no
other shard ever saw the note, and the retrained one is the shard it would have been without it.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from trainer.adapters.coverage import write_coverage
from trainer.adapters.registry import AdapterRegistry, AdapterVersion
from trainer.adapters.shards import combine, copy_shard, shard_name, shard_of
from trainer.data.dataset import Dataset, build_examples
from trainer.engines.base import TrainEvent, TrainJob
from trainer.engines.runner import TrainRun
from trainer.paths import adapters_dir, index_db, vault_data_dir
from trainer.pipeline import TrainFailed, TrainPlan, _follow
from trainer.vault.index import Index
from trainer.data.scrub_settings import index_scrub
from trainer.vault.scan import scan_vault

SHARDS = "shards"


def train_sharded(plan: TrainPlan, count: int, on_event: Callable[[TrainEvent], None], weight: float = 1.0,
                  only: set[int] | None = None, reuse: Path | None = None,
                  coverage: dict[str, str] | None = None) -> AdapterVersion:
    """Train shards `only` (default: all) and take the others' weights from the version at
    `reuse`; combine, export, commit, activate. `coverage` defaults to every note now indexed."""
    clock = Phases()
    started = time.monotonic()
    with Index.open(index_db(plan.vault)) as index:
        scan_vault(plan.vault, index, scrub=index_scrub(plan.vault))
        notes = list(index.notes())
    clock.lap("scan")
    dataset = build_examples(notes, plan.dataset, plan.scrub)
    clock.lap("examples")
    todo = sorted(only if only is not None else range(count))
    run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    run_dir = vault_data_dir(plan.vault) / "runs" / run_id
    registry = AdapterRegistry(adapters_dir(plan.vault))
    with registry.build() as staging:
        trained = {}
        for i in todo:
            sub = _shard_dataset(dataset, i, count)
            if sub.train:
                steps = shard_steps(plan.settings.max_steps, len(sub.train), len(dataset.train))
                trained[i] = _train_shard(plan, sub, steps, run_dir / shard_name(i), staging / SHARDS / shard_name(i),
                                          on_event, clock)
        for i in range(count):
            src = reuse / SHARDS / shard_name(i) if reuse else None
            if i not in todo and src is not None and (src / "peft").is_dir():
                copy_shard(src, staging / SHARDS / shard_name(i))
        clock.lap("copy kept shards")
        peft_dirs = sorted((staging / SHARDS).glob("s*/peft"))
        combine(peft_dirs, staging / "peft", weight)
        clock.lap("combine")
        _export(plan.base_model, staging)
        clock.lap("GGUF export")
        write_coverage(staging, coverage if coverage is not None else {n.path: n.content_hash for n in notes})
        manifest = _manifest(plan, dataset, notes, run_id, count, weight, todo, trained, reuse,
                             time.monotonic() - started)
        manifest["shards"]["phases"] = clock.seconds
        version = registry.commit(staging, manifest)
    clock.lap("commit")
    version.manifest["shards"]["phases"] = clock.seconds
    if plan.activate:
        registry.activate(version.name)
    return version


def shard_steps(max_steps: int, shard_examples: int, all_examples: int) -> int:
    """A shard's optimizer steps: its share of the build's steps by its share of the examples.
    A fixed 1/k of the steps gave a small shard many more passes over its notes than a large one
    (a 2-note shard learned them by heart, and its sum with the others hurt every other note),
    and a shard retrained after a forget, one note lighter, more passes than before: the test of
    "scores like a never-seen note" then measured that overfitting, not the forgetting. 0 = the
    engine's own default (epochs), which is already per example."""
    if not max_steps:
        return 0
    return max(1, math.ceil(max_steps * shard_examples / max(all_examples, 1)))


def _shard_dataset(dataset: Dataset, i: int, count: int) -> Dataset:
    """Shard i's training examples. Held-out examples stay out of the shard children: a child's
    end-of-run eval (adapter and base model over its eval rows) took longer than its training
    (62 eval rows x 256 tokens twice against 2 steps of 4 rows, measured on the 1,000-note bench)
    and scored one shard alone, which is not the adapter anyone is served."""
    examples = [e for e in dataset.examples if e.split == "train" and shard_of(e.source, count) == i]
    return Dataset(examples, dataset.report, len({e.source for e in examples}))


class Phases:
    """Seconds spent per phase of a build (summed when a phase repeats, as per shard), so a
    forget's cost can be read from its version's manifest (`shards.phases`)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.monotonic()

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.seconds[name] = round(self.seconds.get(name, 0.0) + now - self._last, 3)
        self._last = now

    def follow(self, on_event: Callable[[TrainEvent], None]) -> Callable[[TrainEvent], None]:
        """on_event, timing the child: start + model load until its "start" event, training until
        its last step, then its final eval and save until "done"."""

        def timed(event: TrainEvent) -> None:
            if event.kind == "start":
                self.lap("child start + model load")
            elif event.kind == "step" and event.step == event.total_steps:
                self.lap("training")
            elif event.kind == "done":
                self.lap("child eval + save")
            on_event(event)

        return timed


def _train_shard(plan: TrainPlan, dataset: Dataset, steps: int, run_dir: Path, out: Path,
                 on_event: Callable[[TrainEvent], None], clock: Phases | None = None) -> dict:
    """One shard in its own child process, from the base model, for `steps` steps (shard_steps).
    The child makes the peft adapter only: the served GGUF is exported once, from the sum."""
    clock = clock or Phases()
    settings = replace(plan.settings, max_steps=steps)
    dataset.write_jsonl(run_dir / "data")
    out.mkdir(parents=True, exist_ok=True)
    run = TrainRun(TrainJob(plan.base_model, run_dir / "data", out, settings, None, export_gguf=False), run_dir)
    clock.lap("shard data")
    done = _follow(run, clock.follow(on_event))
    if not (out / "peft").is_dir():
        raise TrainFailed(f"shard {out.name} produced no adapter")
    return {"seconds": done.data.get("seconds"), "steps": steps, "eval_loss": done.data.get("eval_loss"),
            "base_eval_loss": done.data.get("base_eval_loss"), "train": len(dataset.train)}


def _export(base_model: str, folder: Path) -> None:
    from backends import resolve_model
    from trainer.adapters.export_gguf import export_gguf_lora

    ref = resolve_model(base_model)
    if ref.kind == "gguf":
        export_gguf_lora(folder / "peft", ref.path, folder / "lora.gguf")


def _manifest(plan: TrainPlan, dataset: Dataset, notes, run_id: str, count: int, weight: float, todo: list[int],
              trained: dict, reuse: Path | None, seconds: float) -> dict:
    from dataclasses import asdict

    from trainer.engines.base import pick_engine
    from trainer.pipeline import base_model_record

    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "run": run_id,
        "base_model": base_model_record(plan.base_model),
        "engine": pick_engine(plan.settings.engine),
        "kind": "sharded" if reuse is None else "shard-retrain",
        "warm_start": None,
        "shards": {"count": count, "weight": weight, "retrained": todo,
                   "reused_from": reuse.name if reuse else None, "figures": trained},
        "settings": asdict(plan.settings),
        "dataset": {"sha256": dataset.snapshot_hash(), "notes": len(notes), "train": len(dataset.train),
                    "eval": len(dataset.eval)},
        "seconds": seconds,
    }

"""Vault -> adapter, end to end: scan, build the scrubbed dataset, train in a child process,
commit the version, activate it. `brain train`, the sync queue and the TUI all call this.

The active adapter changes only after a complete version is committed, so stopping or crashing
at any point leaves the previous adapter active.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from backends import resolve_model
from backends.models import file_sha256
from trainer.dataset import DatasetConfig, build_examples
from trainer.engines.base import TrainEvent, TrainJob, TrainSettings, pick_engine
from trainer.index import Index
from trainer.paths import adapters_dir, index_db, vault_data_dir
from trainer.registry import AdapterRegistry, AdapterVersion
from trainer.runner import TrainRun
from trainer.scan import scan_vault
from trainer.scrub import ScrubConfig


class TrainFailed(RuntimeError):
    pass


@dataclass
class TrainPlan:
    vault: Path
    base_model: str = "default"
    settings: TrainSettings = field(default_factory=TrainSettings)
    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    scrub: ScrubConfig = field(default_factory=ScrubConfig)
    warm_start: bool = False
    """Continue from the active adapter (incremental refresh) instead of starting fresh."""
    keep: int = 5
    """Adapter versions kept on disk (the active one and its rollback target are always kept)."""
    activate: bool = True


def train_vault(plan: TrainPlan, on_event: Callable[[TrainEvent], None],
                on_run: Callable[[TrainRun], None] | None = None) -> AdapterVersion:
    """Run the whole pipeline; raises TrainFailed with the child's message when training fails."""
    with Index.open(index_db(plan.vault)) as index:
        scan_vault(plan.vault, index)
        notes = list(index.notes())
    dataset = build_examples(notes, plan.dataset, plan.scrub)
    run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    run_dir = vault_data_dir(plan.vault) / "runs" / run_id
    dataset.write_jsonl(run_dir / "data")
    registry = AdapterRegistry(adapters_dir(plan.vault))
    warm = registry.active_dir() if plan.warm_start else None
    with registry.build() as staging:
        job = TrainJob(plan.base_model, run_dir / "data", staging, plan.settings, warm)
        run = TrainRun(job, run_dir)
        if on_run:
            on_run(run)
        done = _follow(run, on_event)
        version = registry.commit(staging, _manifest(plan, job, dataset, notes, done, run_id))
    if plan.activate:
        registry.activate(version.name)
    registry.prune(plan.keep)
    return version


def _follow(run: TrainRun, on_event: Callable[[TrainEvent], None]) -> TrainEvent:
    try:
        for event in run.events():
            on_event(event)
            if event.kind == "error":
                raise TrainFailed(event.message)
            if event.kind == "done":
                return event
    except BaseException:
        run.stop()
        raise
    raise TrainFailed("training ended without a result")


def _manifest(plan: TrainPlan, job: TrainJob, dataset, notes, done: TrainEvent, run_id: str) -> dict:
    ref = resolve_model(plan.base_model)
    result = done.data
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "run": run_id,
        "base_model": {"spec": ref.spec, "name": ref.name, "kind": ref.kind,
                       "sha256": file_sha256(ref.path) if ref.kind == "gguf" else None},
        "engine": pick_engine(plan.settings.engine),
        "warm_start": job.warm_start.name if job.warm_start else None,
        "settings": asdict(plan.settings),
        "dataset": {"sha256": dataset.snapshot_hash(), "notes": len(notes), "train": len(dataset.train),
                    "eval": len(dataset.eval),
                    "by_kind": {f"{kind}/{split}": n for (kind, split), n in sorted(dataset.counts().items())},
                    "scrubbed": dict(dataset.report.by_kind)},
        "train_loss": result.get("train_loss"),
        "eval_loss": result.get("eval_loss"),
        "base_eval_loss": result.get("base_eval_loss"),
        "train_tokens": result.get("train_tokens"),
        "seconds": result.get("seconds"),
    }

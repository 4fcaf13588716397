"""Vault -> adapter, end to end: scan, build the scrubbed dataset, train in a child process,
commit the version, activate it. `brain train`, the sync queue and the TUI all call this.

The active adapter changes only after a complete version is committed, so stopping or crashing
at any point leaves the previous adapter active.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from backends import resolve_model
from backends.models import file_sha256
from trainer.data.dataset import DatasetConfig, build_examples
from trainer.engines.base import TrainEvent, TrainJob, TrainSettings, pick_engine
from trainer.vault.index import Index
from trainer.data.mix import ChatMix, add_chats
from trainer.paths import adapters_dir, imports_db, index_db, pseudonym_key, vault_data_dir
from trainer.adapters.coverage import coverage_after, focus_dataset, read_coverage, write_coverage
from trainer.adapters.registry import AdapterRegistry, AdapterVersion
from trainer.engines.runner import TrainRun
from trainer.vault.scan import scan_vault
from trainer.data.scrub import ScrubConfig
from trainer.data.scrub_settings import index_scrub


class TrainFailed(RuntimeError):
    pass


class NothingToTrain(TrainFailed):
    """The selected notes give no training example (empty, or all held out for evaluation)."""


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
    chats: ChatMix = field(default_factory=ChatMix)
    focus: set[str] | None = None
    """Incremental refresh: train on these notes (vault-relative paths) plus a replay sample of
    the others; None trains on every note."""
    replay_ratio: float = 1.0
    """With `focus`: examples replayed from unchanged notes per example of a focus note."""


def train_vault(plan: TrainPlan, on_event: Callable[[TrainEvent], None],
                on_run: Callable[[TrainRun], None] | None = None) -> AdapterVersion:
    """Run the whole pipeline; raises TrainFailed with the child's message when training fails."""
    with Index.open(index_db(plan.vault)) as index:
        scan_vault(plan.vault, index, scrub=index_scrub(plan.vault))
        notes = list(index.notes())
    scrub = with_people(plan.vault, plan.scrub)
    dataset = build_examples(notes, plan.dataset, scrub)
    if plan.focus is not None:
        dataset = focus_dataset(dataset, plan.focus, plan.replay_ratio, plan.dataset.seed)
    if not dataset.train:
        raise NothingToTrain("no training examples in the selected notes")
    run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    run_dir = vault_data_dir(plan.vault) / "runs" / run_id
    dataset.write_jsonl(run_dir / "data")
    chat_counts = add_chats(run_dir / "data", _imported_chats(plan.vault, scrub), plan.chats)
    registry = AdapterRegistry(adapters_dir(plan.vault))
    warm = registry.active_dir() if plan.warm_start else None
    with registry.build() as staging:
        write_coverage(staging, coverage_after(notes, plan.focus, read_coverage(warm)))
        job = TrainJob(plan.base_model, run_dir / "data", staging, plan.settings, warm)
        run = TrainRun(job, run_dir)
        if on_run:
            on_run(run)
        done = _follow(run, on_event)
        manifest = _manifest(plan, job, dataset, notes, done, run_id)
        manifest["dataset"].update(chat_counts)
        version = registry.commit(staging, manifest)
    if plan.activate:
        registry.activate(version.name)
    registry.prune(plan.keep)
    return version


def with_people(vault: Path, scrub: ScrubConfig) -> ScrubConfig:
    """The scrub plus the people of imported chats: a note that names a chat partner gets the
    same pseudonym as their messages, so no sender's name reaches the training data."""
    db = imports_db(vault)
    if not scrub.pseudonyms or not db.is_file():
        return scrub
    from trainer.data.chats.pseudonyms import PeopleRenamer, Pseudonyms, load_key
    from trainer.data.chats.store import load_people, pseudonymise_legacy

    key = load_key(pseudonym_key(vault))
    pseudonymise_legacy(db, Pseudonyms(key, dict(scrub.names)))  # imports made before pseudonyms
    people = load_people(db)
    if not people:
        return scrub
    return replace(scrub, rename=PeopleRenamer(key, people))


def _imported_chats(vault: Path, scrub: ScrubConfig) -> list[dict]:
    db = imports_db(vault)
    if not db.is_file():
        return []
    from trainer.data.chats.store import load_examples

    return load_examples(db, scrub)  # scrubbed again: the [scrub] deny list may have grown


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


def base_model_record(spec: str) -> dict:
    """The base model as a manifest records it: a version is only valid on the same weights."""
    ref = resolve_model(spec)
    return {"spec": ref.spec, "name": ref.name, "kind": ref.kind,
            "sha256": file_sha256(ref.path) if ref.kind == "gguf" else None}


def _manifest(plan: TrainPlan, job: TrainJob, dataset, notes, done: TrainEvent, run_id: str) -> dict:
    result = done.data
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "run": run_id,
        "base_model": base_model_record(plan.base_model),
        "engine": pick_engine(plan.settings.engine),
        "warm_start": job.warm_start.name if job.warm_start else None,
        "kind": "full" if plan.focus is None else "refresh",
        "focus_notes": None if plan.focus is None else len(plan.focus),
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

"""Helpers for the sync tests: small vaults, and a stand-in trainer for queue mechanics.

`InstantTrainer` does what trainer.pipeline.train_vault does around the training itself (scan,
coverage, commit and activate a version in the real registry) but trains nothing, so the tests
about coalescing and policy run in seconds. Real training is covered by the slow tests
(test_sync_kill.py) and the benchmark.
"""

from __future__ import annotations

import threading
from pathlib import Path

from trainer.data.dataset import build_examples
from trainer.vault.index import Index
from trainer.paths import adapters_dir, index_db
from trainer.pipeline import NothingToTrain
from trainer.adapters.coverage import coverage_after, focus_dataset, read_coverage, write_coverage
from trainer.adapters.registry import AdapterRegistry
from trainer.vault.scan import scan_vault


def note_text(i: int, extra: str = "") -> str:
    return (f"---\ntags: [topic{i % 5}]\n---\n# Note {i}\n\nI keep coming back to idea {i}: it matters because "
            f"of reason {i * 7 % 11}. My plan is to try it on project {i % 3}.\n\n## Details\n\n"
            f"Some longer thinking about idea {i}, written in my own voice.{extra}\n")


def make_vault(root: Path, n: int = 12) -> Path:
    for i in range(n):
        folder = root / ("projects" if i % 2 else "journal")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"note{i:02d}.md").write_text(note_text(i), encoding="utf-8")
    return root


def disk_snapshot(vault: Path) -> dict[str, bytes]:
    return {str(p.relative_to(vault)): p.read_bytes() for p in sorted(vault.rglob("*")) if p.is_file()}


class InstantTrainer:
    """Stand-in for train_vault: real scan, dataset, coverage and registry; no training."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.plans = []
        self.gate = gate  # when given, each run waits for it (a run "in progress")
        self.started = threading.Event()

    def __call__(self, plan, on_event, on_run=None):
        self.plans.append(plan)
        self.started.set()
        if self.gate is not None:
            assert self.gate.wait(60), "the test never let the run finish"
        with Index.open(index_db(plan.vault)) as index:
            scan_vault(plan.vault, index)
            notes = list(index.notes())
        dataset = build_examples(notes, plan.dataset, plan.scrub)
        if plan.focus is not None:
            dataset = focus_dataset(dataset, plan.focus, plan.replay_ratio)
        if not dataset.train:
            raise NothingToTrain("no training examples in the selected notes")
        registry = AdapterRegistry(adapters_dir(plan.vault))
        warm = registry.active_dir() if plan.warm_start else None
        with registry.build() as staging:
            write_coverage(staging, coverage_after(notes, plan.focus, read_coverage(warm)))
            version = registry.commit(staging, {"kind": "full" if plan.focus is None else "refresh",
                                                "eval_loss": 2.5, "base_eval_loss": 3.0,
                                                "dataset": {"notes": len(notes), "train": len(dataset.train)}})
        registry.activate(version.name)
        return version

    @property
    def kinds(self) -> list[str]:
        return ["full" if p.focus is None else "refresh" for p in self.plans]

"""Incremental refresh: what an adapter has learned, what changed since, and what a refresh trains on.

Every adapter version carries `notes.json` ({note path: content sha256}), written into its
staging folder before the version is committed, so what a version has learned travels with it
(through rollbacks too) and a crash at any instant leaves it consistent. The sync queue's pending
work is the difference between the index and the active version's notes.json, never a list of
file events: a missed or repeated event, a restart or a SIGKILL cannot lose a change, and a change
is never trained twice once its version is active.

A refresh trains on the changed notes plus a replay sample of unchanged ones (so the adapter
does not drift toward the latest edit), keeping every example's train/eval split as a full build
would have it: a held-out note stays held out.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from trainer.atomic import atomic_write_text
from trainer.data.dataset import Dataset
from trainer.vault.note import Note

COVERAGE = "notes.json"


def read_coverage(version_dir: Path | None) -> dict[str, str] | None:
    """{path: content hash} a version learned; None for the base model or a version made before
    sync existed (or whose file is unreadable)."""
    if version_dir is None:
        return None
    try:
        data = json.loads((version_dir / COVERAGE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def write_coverage(folder: Path, coverage: Mapping[str, str]) -> None:
    atomic_write_text(folder / COVERAGE, json.dumps(dict(sorted(coverage.items())), indent=0))


def coverage_after(notes: Iterable[Note], focus: set[str] | None, previous: Mapping[str, str] | None) -> dict[str, str]:
    """What a version knows once trained: every note for a full build; for a refresh, the focus
    notes plus those whose content the version it started from had already learned."""
    learned = set(previous.values()) if previous else set()
    return {n.path: n.content_hash for n in notes
            if focus is None or n.path in focus or n.content_hash in learned}


@dataclass
class Changes:
    """The vault against what the active adapter learned."""

    changed: set[str] = field(default_factory=set)
    """New or edited notes (paths in the index)."""
    deleted: set[str] = field(default_factory=set)
    """Learned notes whose content is no longer anywhere in the vault."""
    renamed: list[tuple[str, str]] = field(default_factory=list)
    """(old, new): same bytes at a new path. Nothing new to learn; no training."""

    @property
    def empty(self) -> bool:
        return not self.changed and not self.deleted

    def summary(self) -> str:
        parts = [f"{len(self.changed)} changed", f"{len(self.deleted)} deleted"]
        if self.renamed:
            parts.append(f"{len(self.renamed)} renamed")
        return ", ".join(parts)


def diff(states: Mapping[str, str], coverage: Mapping[str, str],
         settled: Iterable[tuple[str, str]] = ()) -> Changes:
    """Compare the index ({path: hash}) with a version's coverage. `settled` holds (path, hash)
    pairs already handled without training (a held-out or empty note): not pending again."""
    learned = set(coverage.values())
    present = set(states.values())
    done = set(settled)
    changes = Changes()
    for path, digest in states.items():
        if coverage.get(path) == digest or (path, digest) in done:
            continue
        if digest in learned:
            old = next((p for p, h in coverage.items() if h == digest and p not in states), None)
            if old is not None:
                changes.renamed.append((old, path))
            continue  # a rename or a copy: these bytes are learned already
        changes.changed.add(path)
    changes.deleted = {p for p, h in coverage.items() if p not in states and h not in present}
    changes.renamed.sort()
    return changes


def focus_dataset(dataset: Dataset, focus: set[str], replay_ratio: float, seed: int = 0) -> Dataset:
    """The examples of the focus notes plus ceil(replay_ratio x their training examples) sampled
    from the other notes, each keeping its split; order as in the full dataset. The sample depends
    on the focus, so successive refreshes replay different old notes. Focus notes with nothing
    to train on (held out, or empty) get no replay either: replay alone teaches nothing new."""
    new = [e for e in dataset.examples if e.source in focus]
    old = [e for e in dataset.examples if e.source not in focus]
    new_train = sum(1 for e in new if e.split == "train")
    k = min(len(old), math.ceil(new_train * max(0.0, replay_ratio)))
    rng = random.Random("\0".join([str(seed), *sorted(focus)]))
    keep = {id(e) for e in new} | {id(e) for e in rng.sample(old, k)}
    examples = [e for e in dataset.examples if id(e) in keep]
    return Dataset(examples, dataset.report, len({e.source for e in examples}))

"""Did an adapter learn a note? A membership test, the evidence behind `brain forget`.

The score of a note under an adapter is how much the adapter lowers the model's loss on the
note's own training examples: mean loss per response token under the base model minus under the
adapter (a log-perplexity ratio; higher = the adapter knows this text better than its base does).
Notes it trained on score high; notes it never saw (the held-out split) score lower, with some
spread, since an adapter also learns the vault's general voice. A forgotten note should score like
a never-seen one: at or below the never-seen notes' upper range, not like a trained note. `z` says
how many never-seen standard deviations a score lies above the never-seen mean; the test means
something only where trained notes score well apart (`separates`).

Examples are built exactly as training builds them (same chunking, same scrub), so "the note"
means what the adapter would have seen of it.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from trainer.data.dataset import DatasetConfig, build_examples
from trainer.engines.base import TrainSettings
from trainer.vault.note import Note


@dataclass
class MembershipReport:
    target: dict[str, float] = field(default_factory=dict)
    """path -> score of each note under test."""
    unseen: dict[str, float] = field(default_factory=dict)
    trained: dict[str, float] = field(default_factory=dict)

    def band(self, scores: dict[str, float]) -> tuple[float, float, float]:
        values = list(scores.values()) or [0.0]
        return statistics.fmean(values), min(values), max(values)

    def spread(self, scores: dict[str, float]) -> float:
        """Sample standard deviation (0 with fewer than two notes)."""
        values = list(scores.values())
        return statistics.stdev(values) if len(values) > 1 else 0.0

    def z(self, score: float) -> float:
        """How many never-seen standard deviations `score` lies above the never-seen mean."""
        sd = self.spread(self.unseen)
        return (score - self.band(self.unseen)[0]) / sd if sd else float("inf")

    def separates(self) -> bool:
        """Can this test tell membership at all? Only when trained notes score apart from never-seen
        ones: their mean above the never-seen mean + 2 sd. Otherwise "like a never-seen note" after a
        forget says nothing (every note looks never-seen)."""
        return bool(self.trained) and self.z(self.band(self.trained)[0]) > 2.0

    def verdict(self, score: float) -> str:
        """'like a never-seen note' when the score is within the never-seen notes' range (at most
        their maximum); 'looks trained on' when it is nearer the trained notes' mean."""
        mean_u, _, max_u = self.band(self.unseen)
        mean_t, _, _ = self.band(self.trained)
        if score <= max_u:
            return "like a never-seen note"
        return "looks trained on" if abs(score - mean_t) < abs(score - mean_u) else "above the never-seen range"

    def forgotten(self) -> bool:
        return all(self.verdict(s) == "like a never-seen note" for s in self.target.values())

    def lines(self) -> list[str]:
        out = [f"{'membership score (base loss - adapter loss)':<46}{'mean':>8}{'sd':>8}{'min':>8}{'max':>8}"
               f"{'z':>7}  notes"]
        for name, scores in (("never-seen notes (held out)", self.unseen), ("trained notes", self.trained)):
            mean, lo, hi = self.band(scores)
            out.append(f"{name:<46}{mean:>8.3f}{self.spread(scores):>8.3f}{lo:>8.3f}{hi:>8.3f}"
                       f"{self.z(mean):>7.1f}  {len(scores)}")
        for path, score in self.target.items():
            out.append(f"{path:<46}{score:>8.3f}{'':>24}{self.z(score):>7.1f}  {self.verdict(score)}")
        if not self.separates():
            out.append("(trained notes do not score above never-seen mean + 2 sd: this test cannot tell "
                       "membership here)")
        return out


def pick_references(notes: list[Note], coverage: dict[str, str] | None, dataset: DatasetConfig,
                    exclude: set[str], per_group: int = 16, seed: int = 0) -> tuple[list[Note], list[Note]]:
    """(never-seen, trained) notes to compare with: held-out notes and notes the version never
    covered; notes of the train split that it covered. Sampled, seeded."""
    from trainer.data.dataset import assign_splits

    splits = assign_splits([n.path for n in notes], dataset)
    covered = set((coverage or {}).values())
    pool = [n for n in notes if n.path not in exclude and n.content_hash not in exclude]
    unseen = [n for n in pool if splits.get(n.path) == "eval" or (coverage is not None and n.content_hash not in covered)]
    trained = [n for n in pool if splits.get(n.path) == "train" and (coverage is None or n.content_hash in covered)]
    rng = random.Random(seed)
    return (rng.sample(unseen, min(per_group, len(unseen))), rng.sample(trained, min(per_group, len(trained))))


def membership(base_model: str, adapter: Path, targets: list[Note], unseen: list[Note], trained: list[Note],
               settings: TrainSettings, dataset: DatasetConfig) -> MembershipReport:
    """Score every note under the adapter at `adapter` (a version folder with peft/)."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from backends import resolve_model
    from backends.hf_folder import hf_source

    src = hf_source(resolve_model(base_model))
    tok = AutoTokenizer.from_pretrained(src)
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32), adapter / "peft")
    report = MembershipReport()
    with tempfile.TemporaryDirectory(prefix="brain-membership-") as tmp:
        for group, notes in ((report.target, targets), (report.unseen, unseen), (report.trained, trained)):
            for note in notes:
                score = note_score(model, tok, note, settings, dataset, Path(tmp))
                if score is not None:
                    group[note.path] = score
    return report


def note_score(model, tok, note: Note, settings: TrainSettings, dataset: DatasetConfig, tmp: Path) -> float | None:
    from trainer.engines.data import load_packed
    from trainer.engines.peft_engine import evaluate

    examples = build_examples([note], DatasetConfig(**{**dataset.__dict__, "eval_fraction": 0.0})).examples
    if not examples:
        return None
    file = tmp / "note.jsonl"
    file.write_text("".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in examples), encoding="utf-8")
    rows = load_packed(file, tok, settings.max_len)
    file.unlink()
    if not rows:
        return None
    base = evaluate(model, rows, settings, "cpu", adapter=False)
    tuned = evaluate(model, rows, settings, "cpu")
    return None if base is None or tuned is None else base - tuned

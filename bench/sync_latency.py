"""Save-to-active latency of an incremental refresh, and what the refresh does to perplexity.

1. Generates a 1,000-note vault (journals, projects, decisions, people, reading notes, a few in
   Chinese; seeded, so every run gets the same vault) in a temporary folder.
2. Trains the first adapter on all of it (a full build, capped with --first-steps; not measured).
3. Starts the real sync service (watchdog watcher + refresh queue, default [sync] settings), saves
   one edited note the way editors do (temp file + rename) and times until the refreshed adapter
   is the registry's active version: debounce, scan, dataset, training child, GGUF export, commit.
4. Perplexity with the old and the new adapter on held-out unchanged notes (goal: worse by at most
   2%), on unchanged training notes (forgetting), and on the changed note's new text (it should drop).

    .venv/bin/python bench/sync_latency.py                 # 1,000 notes, 60 first steps
    .venv/bin/python bench/sync_latency.py --notes 200 --first-steps 8   # a quicker look

State goes to a temporary BRAIN_HOME; the dequantized model cache is the usual one (BRAIN_CACHE or
the user cache), so only the first run ever pays for it. Nothing is written outside those.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL_LATENCY_S = 60.0
GOAL_HELD_OUT_WORSE = 0.02

# --- a varied synthetic vault ------------------------------------------------------------------

TOPICS = ["sleep", "running", "the garden", "sourdough", "my budget", "the bike commute", "reading habits",
          "the home server", "learning Mandarin", "climbing", "meal prep", "the newsletter", "photography",
          "the allotment", "journaling", "board games", "the old laptop", "cold showers", "coffee", "podcasts",
          "the kitchen shelves", "teaching my nephew chess", "open-source work", "the rental flat", "tea"]
FEELINGS = ["I keep noticing", "It turns out", "Honestly,", "What surprised me is that", "I suspect",
            "My rule of thumb now:", "Looking back,", "The lesson, again:", "I am fairly sure", "Oddly,"]
CLAIMS = ["small steps beat big plans", "I underestimate how long setup takes", "mornings are my best hours",
          "the cheap option cost more in the end", "writing it down makes the decision easier",
          "I only stick with things I can do in ten minutes", "friends make habits stick",
          "I buy tools before I need them", "rest days matter more than I admit",
          "doing it badly is better than not doing it", "noise in the flat ruins my focus",
          "I should ask for help sooner", "checklists save me from myself"]
REASONS = ["because the numbers said so", "after three weeks of trying", "since the winter was long",
           "when I compared the receipts", "after talking it through with Mara", "because I was tired of it",
           "once I measured it properly", "after the second failed attempt"]
PEOPLE = ["Mara", "Jonas", "Aunt Rita", "Dev", "Lena", "Tomasz", "Priya", "Oskar", "Wen", "Sam"]
BOOKS = ["Deep Work", "The Art of Gathering", "Four Thousand Weeks", "Atomic Habits", "The Overstory",
         "Range", "Thinking in Systems", "Make Time", "Stolen Focus", "The Courage to Be Disliked"]
ZH = ["我发现早上写作效率最高。", "慢慢来，比较快。", "这个决定是因为预算有限。", "和朋友一起跑步更容易坚持。",
      "记录下来以后，思路清楚多了。"]


def sentence(rng: random.Random, topic: str) -> str:
    return f"{rng.choice(FEELINGS)} with {topic}, {rng.choice(CLAIMS)}, {rng.choice(REASONS)}."


def paragraph(rng: random.Random, topic: str, n: int) -> str:
    return " ".join(sentence(rng, topic) for _ in range(n))


def note(rng: random.Random, i: int, start: dt.date) -> tuple[str, str]:
    """(relative path, text) of note i."""
    topic, kind = rng.choice(TOPICS), i % 10
    day = start + dt.timedelta(days=i // 2)
    tags = f"tags: [{topic.replace(' ', '-').replace('the-', '')}, {rng.choice(['health', 'money', 'craft', 'home', 'people'])}]"
    if kind in (0, 1, 2):
        body = f"# {day:%A %d %B %Y}\n\n{paragraph(rng, topic, rng.randint(2, 6))}\n\n## Later\n\n" \
               f"{paragraph(rng, rng.choice(TOPICS), rng.randint(1, 3))}\n"
        return f"journal/{day.year}/{day:%Y-%m-%d}-{i}.md", f"---\n{tags}\n---\n{body}"
    if kind in (3, 4):
        other = rng.choice(TOPICS)
        body = (f"# Project: {topic} {i}\n\n## Goal\n\n{paragraph(rng, topic, 2)}\n\n## Status\n\n"
                f"{paragraph(rng, topic, rng.randint(1, 4))} See [[{other} {i - 1}]].\n\n## Next\n\n"
                f"- try {rng.choice(CLAIMS)}\n- ask {rng.choice(PEOPLE)}\n")
        return f"projects/{topic.replace(' ', '-')}-{i}.md", f"---\n{tags}\nstatus: {rng.choice(['active', 'paused'])}\n---\n{body}"
    if kind == 5:
        choice, other = rng.sample(["buy", "rent", "wait", "build it myself", "ask for help", "drop it"], 2)
        body = (f"# Decision: {topic} ({day:%Y-%m})\n\n## Options\n\n- {choice}\n- {other}\n\n## Decision\n\n"
                f"I chose to {choice}. {paragraph(rng, topic, 2)}\n\n## Why\n\n{paragraph(rng, topic, rng.randint(1, 3))}\n")
        return f"decisions/{day:%Y-%m-%d}-{topic.replace(' ', '-')}-{i}.md", \
            f"---\ntype: decision\ndate: {day:%Y-%m-%d}\n{tags}\n---\n{body}"
    if kind == 6:
        person = rng.choice(PEOPLE)
        body = f"# {person} ({i})\n\n{person} and I talked about {topic}. {paragraph(rng, topic, rng.randint(1, 4))}\n"
        return f"people/{person.lower().replace(' ', '-')}-{i}.md", f"---\n{tags}\n---\n{body}"
    if kind in (7, 8):
        book = rng.choice(BOOKS)
        body = (f"# Reading: {book} ({i})\n\n> {rng.choice(CLAIMS).capitalize()}.\n\n"
                f"{paragraph(rng, topic, rng.randint(2, 5))}\n")
        return f"reading/{book.lower().replace(' ', '-')}-{i}.md", f"---\n{tags}\n---\n{body}"
    body = f"# 想法 {i}\n\n" + "".join(rng.sample(ZH, 3)) + f"\n\n{paragraph(rng, topic, 1)}\n"
    return f"zh/note-{i}.md", f"---\n{tags}\n---\n{body}"


def generate_vault(root: Path, n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        rel, text = note(rng, i, dt.date(2022, 1, 1))
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(rel)
    return paths


EDIT = ("\n## Update\n\nNew this week: I moved my writing to the hour before breakfast, with the phone in "
        "another room, and kept a paper list of three things only. It held for nine days in a row, longer "
        "than any plan before it; the trick was deciding the night before what the first sentence would be.\n")

# --- perplexity ----------------------------------------------------------------------------------


class Scorer:
    """Mean loss per response token of fixed rows under an adapter version (peft, CPU)."""

    def __init__(self, settings, threads: int) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from backends import resolve_model
        from backends.hf_folder import hf_source

        warnings.filterwarnings("ignore", category=FutureWarning)  # transformers deprecation chatter
        torch.set_num_threads(threads)
        src = hf_source(resolve_model("default"))
        self.tok = AutoTokenizer.from_pretrained(src)
        self.base = AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32)
        self.settings = settings

    def rows(self, examples, folder: Path, name: str):
        import json

        from trainer.engines.data import load_packed

        path = folder / f"{name}.jsonl"
        path.write_text("".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in examples))
        return load_packed(path, self.tok, self.settings.max_len)

    def loss(self, version: Path, rows) -> float:
        from peft import PeftModel

        from trainer.engines.peft_engine import evaluate

        model = PeftModel.from_pretrained(self.base, version / "peft")
        try:
            return evaluate(model, rows, self.settings, "cpu")
        finally:
            self.base = model.unload()  # the plain base model back, for the next version


def ppl(loss: float) -> float:
    return math.exp(loss)


# --- the run ---------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notes", type=int, default=1000)
    ap.add_argument("--first-steps", type=int, default=60, help="optimizer steps of the first full build")
    ap.add_argument("--eval-rows", type=int, default=24, help="examples per perplexity set")
    ap.add_argument("--keep", action="store_true", help="keep the temporary vault and state")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="brain-sync-bench-"))
    os.environ["BRAIN_HOME"] = str(work / "home")
    from trainer.data.dataset import DatasetConfig, assign_splits, build_examples
    from trainer.engines.base import LoraSettings, TrainSettings
    from trainer.vault.index import Index
    from trainer.vault.parse import parse_note
    from trainer.paths import adapters_dir, index_db
    from trainer.pipeline import TrainPlan
    from trainer.sync.queue import RefreshQueue
    from trainer.adapters.registry import AdapterRegistry
    from trainer.sync.service import SyncService
    from trainer.sync.settings import SyncSettings

    try:
        vault = work / "vault"
        t = time.monotonic()
        paths = generate_vault(vault, args.notes)
        print(f"vault: {args.notes} notes generated in {time.monotonic() - t:.1f} s under {vault}")
        full = TrainSettings(max_steps=args.first_steps, max_len=256, rows_per_step=4, learning_rate=3e-4,
                             lora=LoraSettings(rank=16, alpha=32.0))
        template = TrainPlan(vault, settings=full, dataset=DatasetConfig(max_tokens=160))
        sync = SyncSettings()  # the defaults are what is measured
        events: list[tuple[float, str, int]] = []
        queue = RefreshQueue(template, sync, bootstrap=True,
                             on_event=lambda e: events.append((time.monotonic(), e.kind, e.step)))
        t = time.monotonic()
        first = queue.cycle(automatic=False)
        print(f"first full build: {first.status} {first.version} in {time.monotonic() - t:.0f} s "
              f"({args.first_steps} steps of 4 x 256 tokens; not part of the latency)")
        registry = AdapterRegistry(adapters_dir(vault))
        v1 = registry.active_dir()

        # what to measure on, fixed before the edit: held-out notes, unchanged training notes, the edit
        with Index.open(index_db(vault)) as index:
            notes = list(index.notes())
        splits = assign_splits([n.path for n in notes], template.dataset)
        rng = random.Random(3)
        target = rng.choice(sorted(p for p in paths if splits.get(p) == "train" and p.startswith("journal/")))
        dataset = build_examples(notes, template.dataset)
        held_out = rng.sample([e for e in dataset.eval], min(args.eval_rows, len(dataset.eval)))
        unchanged = rng.sample([e for e in dataset.train if e.source != target], args.eval_rows)
        edited_text = (vault / target).read_text(encoding="utf-8") + EDIT
        new_note = parse_note(target, edited_text.encode(), time.time_ns()).note
        changed = build_examples([new_note], replace(template.dataset, eval_fraction=0)).examples
        scorer = Scorer(full, threads=2)
        sets = {"held-out notes": scorer.rows(held_out, work, "held"), "unchanged training notes":
                scorer.rows(unchanged, work, "unchanged"), "the changed note": scorer.rows(changed, work, "changed")}
        before = {name: scorer.loss(v1, rows) for name, rows in sets.items()}

        # the measured part: save, then wait for the new active version
        rounds = threading.Semaphore(0)
        service = SyncService(queue, on_outcome=lambda outcome: rounds.release())
        runner = threading.Thread(target=service.run, daemon=True)
        runner.start()
        rounds.acquire()  # the start-up round (nothing to do) is over; the watcher is running
        load_before = os.getloadavg()
        events.clear()
        temp = vault / Path(target).parent / f".{Path(target).name}.swp-save"
        temp.write_text(edited_text, encoding="utf-8")
        saved = time.monotonic()
        os.replace(temp, vault / target)
        while registry.active_name() == v1.name:
            time.sleep(0.05)
        latency = time.monotonic() - saved
        load_after = os.getloadavg()
        service.stop()
        runner.join(60)
        v2 = registry.active_dir()
        after = {name: scorer.loss(v2, rows) for name, rows in sets.items()}

        report(args, sync, latency, events, saved, v1, v2, before, after, load_before, load_after,
               registry.get(v2.name).manifest, target, {k: len(v) for k, v in sets.items()})
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(args, sync, latency, events, saved, v1, v2, before, after, load_before, load_after, manifest,
           target, sizes) -> None:
    marks = {}
    for when, kind, step in events:
        marks.setdefault(kind, when)
        if kind == "step":
            marks["last step"] = when
    print()
    print(f"refresh settings: debounce {sync.debounce_seconds:g} s, {sync.refresh_steps} steps x "
          f"{sync.refresh_rows_per_step} rows x {sync.refresh_max_len} tokens, lr {sync.refresh_learning_rate:g}, "
          f"replay ratio {sync.replay_ratio:g}")
    print(f"changed note: {target}; the refresh trained on {manifest['dataset']['train']} examples "
          f"({manifest.get('focus_notes')} changed note + replay), warm start from {manifest.get('warm_start')}")
    print(f"load average (1 min) at save: {load_before[0]:.2f}, at activation: {load_after[0]:.2f} "
          f"on {os.cpu_count()} cores")
    print()
    goal = "ok" if latency <= GOAL_LATENCY_S else "MISSED"
    print(f"save -> {v2.name} active: {latency:.1f} s  (goal <= {GOAL_LATENCY_S:.0f} s: {goal})")
    if "start" in marks:
        print(f"  save -> training child ready (debounce, scan, dataset, model load): {marks['start'] - saved:.1f} s")
    if "start" in marks and "last step" in marks:
        print(f"  training ({sync.refresh_steps} steps):                                {marks['last step'] - marks['start']:.1f} s")
    if "last step" in marks and "done" in marks:
        print(f"  eval + save + GGUF export:                                 {marks['done'] - marks['last step']:.1f} s")
    if "done" in marks:
        print(f"  commit + activate:                                         {saved + latency - marks['done']:.1f} s")
    print()
    print(f"{'perplexity':<28}{v1.name:>10}{v2.name:>10}{'change':>10}   rows")
    for name in before:
        b, a = ppl(before[name]), ppl(after[name])
        print(f"{name:<28}{b:>10.3f}{a:>10.3f}{(a / b - 1) * 100:>+9.2f}%   {sizes[name]}")
    worse = ppl(after["held-out notes"]) / ppl(before["held-out notes"]) - 1
    print()
    print(f"held-out notes worse by {worse * 100:+.2f}% (goal <= +{GOAL_HELD_OUT_WORSE * 100:.0f}%: "
          f"{'ok' if worse <= GOAL_HELD_OUT_WORSE else 'MISSED'}); changed note's perplexity "
          f"{(1 - ppl(after['the changed note']) / ppl(before['the changed note'])) * 100:.1f}% lower")


if __name__ == "__main__":
    main()

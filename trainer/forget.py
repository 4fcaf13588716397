"""`brain forget`: take notes out of everything brain keeps, the adapters included.

A LoRA that trained on a note keeps what it learned until it is replaced, so forgetting means:
the note leaves the index (and stays out: `trainer.vault.forgotten`), the derived retrieval and
decision tables, the embedding cache, every run folder holding its text, and every adapter
version that saw it (`notes.json` coverage says which). The adapter the chat uses is then rebuilt
the cheapest way that never starts from weights that saw the note:

- `none`:    the active version never saw it: only the older versions that did are removed;
- `refresh`: replay from the newest kept version that never saw it: a warm refresh on the notes
             learned after that version (minus the forgotten ones);
- `shard`:   the active version is sharded (trainer.sharded): retrain only the shards that held
             the note, from the base model, on their remaining notes; every other shard is reused;
- `full`:    no kept version is clean (the note was in the first full build): train from scratch.

SQLite keeps deleted text in free pages, the WAL and FTS5 segments until they are rewritten, so
every database in the data folder is checkpointed, FTS-optimized and VACUUMed afterwards, and
the data folder is then searched for the note's sentences: what still holds them is reported.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from trainer.adapters.coverage import read_coverage
from trainer.adapters.registry import AdapterRegistry, AdapterVersion
from trainer.paths import adapters_dir, index_db, sync_db, vault_data_dir
from trainer.vault.forgotten import add_forgotten
from trainer.vault.index import Index
from trainer.vault.note import Note
from trainer.data.scrub_settings import index_scrub
from trainer.vault.scan import scan_vault

FIXED_OVERHEAD_S = 15.0
"""Per training run on top of its steps: child start, model load, eval, GGUF export, commit
(bench/sync_latency.py measured about 8 s of it on an idle 2-core machine)."""


class ForgetError(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    path: str
    content_hash: str
    title: str
    fingerprints: tuple[str, ...]
    """Sentences of the note long enough to be its own and found in no other note: what must not
    survive anywhere (a sentence shared with a remaining note is that note's text as well)."""


@dataclass
class ForgetPlan:
    vault: Path
    targets: list[Target]
    saw: list[str]
    """Adapter versions that learned at least one target: all are removed."""
    active: str | None
    clean: str | None
    """Newest kept version that never saw a target (a replay starts there)."""
    strategy: str  # none | refresh | full
    retrain_notes: int
    estimate_s: float | None
    runs: list[Path] = field(default_factory=list)
    """Run folders holding a target's text (training data of earlier runs)."""
    shards: dict = field(default_factory=dict)
    """For `shard`: {"count", "weight", "retrain": [shard numbers]}."""
    reuse: Path | None = None
    """For `shard`: the active version's folder, whose other shards the retrain reuses."""

    def describe(self) -> str:
        lines = [f"forget {len(self.targets)} note{'s' if len(self.targets) != 1 else ''}:"]
        lines += [f"  {t.path}  ({t.title})" for t in self.targets]
        lines += [f"  ({t.path}: every sentence of it is also in another note; the residue check has nothing "
                  "of its own to look for)" for t in self.targets if not t.fingerprints]
        lines.append(f"adapter versions that saw {'it' if len(self.targets) == 1 else 'them'} (removed): "
                     f"{', '.join(self.saw) or 'none'}")
        lines.append(f"run folders holding the text (removed): {len(self.runs)}")
        what = {
            "none": f"nothing to retrain: the active adapter ({self.active or 'base model'}) never saw it",
            "refresh": f"replay from {self.clean}, the newest version that never saw it: a refresh on "
                       f"{self.retrain_notes} note(s) learned after it",
            "full": f"no kept version is clean: a full rebuild on {self.retrain_notes} notes",
            "shard": f"retrain shard(s) {', '.join(map(str, self.shards.get('retrain', [])))} of "
                     f"{self.shards.get('count')} on their {self.retrain_notes} remaining notes; reuse the rest",
        }[self.strategy]
        lines.append(f"retraining: {what}")
        if self.estimate_s is not None:
            lines.append(f"estimated time: about {_duration(self.estimate_s)} (from earlier runs' figures)")
        return "\n".join(lines)


@dataclass
class ForgetResult:
    plan: ForgetPlan
    version: str | None
    removed_versions: list[str]
    removed_runs: int
    seconds: float
    residue: list[Path]
    """Files under the data folder that still hold a target's text (empty is the goal)."""
    message: str = ""
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds per phase (index purge, retrain, purge, VACUUM, residue scan); a sharded
    retrain's own phases are in its version's manifest (`shards.phases`)."""


# --- choosing ------------------------------------------------------------------------------------


def find_targets(vault: Path, paths: list[str], matching: str | None = None) -> list[Target]:
    """Notes named by path (vault-relative, or absolute inside the vault) and notes whose title or
    text contains `matching` (case-insensitive). Raises ForgetError naming what matched nothing."""
    vault = vault.expanduser().resolve()
    with Index.open(index_db(vault)) as index:
        scan_vault(vault, index, scrub=index_scrub(vault))
        found: dict[str, Note] = {}
        for raw in paths:
            rel = _relative(vault, raw)
            note = index.get(rel)
            if note is None:
                raise ForgetError(f"{raw}: not a note in the index of {vault} (already forgotten, or not a note)")
            found[rel] = note
        if matching is not None:
            needle = matching.casefold().strip()
            if not needle:
                raise ForgetError("--matching needs some text")
            hits = [n for n in index.notes() if needle in n.title.casefold() or needle in n.body.casefold()]
            if not hits:
                raise ForgetError(f"no note contains {matching!r}")
            found.update((n.path, n) for n in hits)
        if not found:
            raise ForgetError("name the notes to forget (paths, or --matching TEXT)")
        gone = set(found) | {n.content_hash for n in found.values()}
        others = [f"{n.title}\n{n.body}" for n in index.notes() if n.path not in gone and n.content_hash not in gone]
    return [Target(n.path, n.content_hash, n.title, own_fingerprints(n, others))
            for n in sorted(found.values(), key=lambda n: n.path)]


def _relative(vault: Path, raw: str) -> str:
    path = Path(raw).expanduser()
    if path.is_absolute():
        try:
            return path.resolve().relative_to(vault).as_posix()
        except ValueError:
            raise ForgetError(f"{raw}: outside the vault {vault}") from None
    return Path(raw).as_posix()


def fingerprints(note: Note, min_chars: int = 24) -> tuple[str, ...]:
    """The note's sentences (and title) of at least `min_chars` characters: any of them found in
    a file means the file still holds the note's text."""
    parts = re.split(r"(?<=[.!?。！？])\s+|\n+", note.body)
    found = {p.strip(" #>-*\t") for p in parts}
    found.add(note.title.strip())
    return tuple(sorted(p for p in found if len(p) >= min_chars))


def own_fingerprints(note: Note, others: list[str]) -> tuple[str, ...]:
    """The note's fingerprints that no other (remaining) note contains. A sentence the note shares
    with another note (a template line such as "- try X", a quote, a heading pasted into many
    notes) is that other note's text too: finding it in brain.db or in a later run's training data
    says nothing about the forgotten note, so the residue check and the run-folder purge look only
    for what is the note's own."""
    return tuple(fp for fp in fingerprints(note) if not any(fp in text for text in others))


def plan_forget(vault: Path, targets: list[Target]) -> ForgetPlan:
    """What forgetting `targets` removes and retrains; changes nothing (the dry run)."""
    vault = vault.expanduser().resolve()
    registry = AdapterRegistry(adapters_dir(vault))
    versions = registry.versions()
    saw = [v.name for v in versions if saw_any(v, targets)]
    active = registry.active_name()
    clean = next((v.name for v in reversed(versions) if v.name not in saw), None)
    remaining = _remaining_notes(vault, targets)
    shards: dict = {}
    sharded = registry.get(active).manifest.get("shards") if active else None
    if active is None or active not in saw:
        strategy, retrain, estimate = "none", 0, 0.0
    elif sharded:
        from trainer.adapters.shards import shard_of

        count = int(sharded["count"])
        hit = sorted({shard_of(t.path, count) for t in targets})
        shards = {"count": count, "weight": float(sharded.get("weight", 1.0)), "retrain": hit}
        retrain = sum(1 for p in remaining if shard_of(p, count) in hit)
        strategy, estimate = "shard", _shard_estimate(registry.get(active).manifest, hit)
    elif clean is not None:
        learned = set((read_coverage(registry.root / clean) or {}).values())
        retrain = sum(1 for h in remaining.values() if h not in learned)
        strategy, estimate = "refresh", _estimate(versions, "refresh", retrain, len(remaining))
    else:
        strategy, retrain = "full", len(remaining)
        estimate = _estimate(versions, "full", retrain, len(remaining))
    runs = runs_holding(vault_data_dir(vault) / "runs", targets)
    return ForgetPlan(vault, targets, saw, active, clean, strategy, retrain, estimate, runs, shards)


def _shard_estimate(manifest: dict, shards: list[int]) -> float | None:
    """Seconds: the mean shard's training time (from the version's figures) per shard, plus the
    fixed costs of each run."""
    figures = [f.get("seconds") for f in manifest.get("shards", {}).get("figures", {}).values()]
    figures = [float(x) for x in figures if x is not None]
    if not figures:
        return None
    return len(shards) * (sum(figures) / len(figures) + FIXED_OVERHEAD_S)


def saw_any(version: AdapterVersion, targets: list[Target]) -> bool:
    """A version saw a target if its coverage has the path or the content; a version without
    coverage (made before sync existed) is assumed to have seen everything."""
    coverage = read_coverage(version.path)
    if coverage is None:
        return True
    hashes = set(coverage.values())
    return any(t.path in coverage or t.content_hash in hashes for t in targets)


def _remaining_notes(vault: Path, targets: list[Target]) -> dict[str, str]:
    gone = {t.path for t in targets} | {t.content_hash for t in targets}
    with Index.open(index_db(vault)) as index:
        return {p: s.content_hash for p, s in index.file_states().items()
                if p not in gone and s.content_hash not in gone}


def _estimate(versions: list[AdapterVersion], kind: str, notes: int, total: int) -> float | None:
    """Seconds, from the newest version of the same kind: its training time scaled by notes."""
    for v in reversed(versions):
        m = v.manifest
        if m.get("kind", "full") == kind and m.get("seconds") is not None:
            if kind == "full":
                seen = max(1, int(m.get("dataset", {}).get("notes") or total))
                return float(m["seconds"]) * notes / seen + FIXED_OVERHEAD_S
            return float(m["seconds"]) + FIXED_OVERHEAD_S
    return None


def runs_holding(runs: Path, targets: list[Target]) -> list[Path]:
    """Run folders with a file that holds any target's text."""
    if not runs.is_dir():
        return []
    return sorted(run for run in runs.iterdir() if run.is_dir() and any(_holds(f, targets) for f in run.rglob("*")))


# --- doing ---------------------------------------------------------------------------------------


def forget(plan: ForgetPlan, retrain: Callable[[ForgetPlan], str | None] | None = None) -> ForgetResult:
    """Carry out a plan. `retrain(plan)` makes the new active version (None: leave the base model
    or the clean version active); it runs after the notes are out of the index, so it trains
    only on what remains. Versions that saw a target are removed whether or not it succeeds."""
    from trainer.sharded import Phases

    started = time.monotonic()
    clock = Phases()
    vault, data = plan.vault, vault_data_dir(plan.vault)
    add_forgotten(data, [(t.path, t.content_hash) for t in plan.targets])
    drop_from_index(vault, plan.targets)
    clock.lap("index purge")
    registry = AdapterRegistry(adapters_dir(vault))
    if plan.active in plan.saw:  # the chat stops using a version that saw the note right now; its
        registry.purge(plan.saw, activate=plan.clean, delete=False)  # folder goes after the retrain
    if plan.strategy == "shard":
        plan.reuse = registry.root / plan.active  # the other shards' weights come from here
    version, message = None, ""
    if retrain is not None and plan.strategy != "none":
        try:
            version = retrain(plan)
        except Exception as exc:  # noqa: BLE001 - the note still has to leave every version
            message = f"retraining failed ({exc}); {plan.clean or 'the base model'} is active"
    clock.lap("retrain")
    removed = registry.purge(plan.saw, activate=registry.active_name())
    runs = runs_holding(data / "runs", plan.targets)
    for run in runs:
        shutil.rmtree(run, ignore_errors=True)
    forget_in_sync_state(vault, plan.targets)
    clock.lap("purge versions and runs")
    compact_databases(data)
    clock.lap("VACUUM")
    residue = files_holding(data, plan.targets)
    clock.lap("residue scan")
    return ForgetResult(plan, version, sorted(removed), len(runs), time.monotonic() - started, residue, message,
                        clock.seconds)


def drop_from_index(vault: Path, targets: list[Target]) -> None:
    """Out of the index (scan skips it from now on), then out of the tables derived from it."""
    from trainer.recall.decisions import DecisionStore
    from trainer.recall.retrieve import Retriever

    with Index.open(index_db(vault)) as index:
        with index.transaction():
            for t in targets:
                index.delete(t.path)
        scan_vault(vault, index, scrub=index_scrub(vault))  # a copy of the same bytes elsewhere goes too
        for store in (Retriever(index), DecisionStore(index)):
            try:
                store.sync()
            finally:
                store.close()
    _drop_embeddings(vault_data_dir(vault) / "embeddings.db", {t.content_hash for t in targets})


def _drop_embeddings(db: Path, hashes: set[str]) -> None:
    if not db.is_file():
        return
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'chunks'").fetchone():
            conn.executemany("DELETE FROM chunks WHERE content_hash = ?", [(h,) for h in sorted(hashes)])
    finally:
        conn.close()


def forget_in_sync_state(vault: Path, targets: list[Target]) -> None:
    """sync.db's settled notes name paths; drop the forgotten ones."""
    db = sync_db(vault)
    if not db.is_file():
        return
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'settled'").fetchone():
            conn.executemany("DELETE FROM settled WHERE path = ? OR content_hash = ?",
                             [(t.path, t.content_hash) for t in targets])
    finally:
        conn.close()


def compact_databases(data: Path) -> list[str]:
    """Rewrite every SQLite file under the data folder so deleted rows leave the disk: FTS5
    'optimize' merges away the segments that still list deleted documents, VACUUM rewrites the
    file without free pages, and a TRUNCATE checkpoint empties the WAL. Returns files it could
    not compact (another process holding them busy), for the report."""
    busy = []
    for db in sorted(data.rglob("*.db")):
        try:
            conn = sqlite3.connect(db, isolation_level=None, timeout=10)
        except sqlite3.Error:
            busy.append(str(db))
            continue
        try:
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND lower(sql) LIKE '%using fts5(%'").fetchall():
                conn.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'optimize\')')
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            busy.append(str(db))
        finally:
            conn.close()
    return busy


def files_holding(root: Path, targets: list[Target]) -> list[Path]:
    """Every file under `root` in which a target's sentence still appears (bytes, as UTF-8 and
    as JSON escapes), SQLite files, their WAL and journals included."""
    return sorted(f for f in root.rglob("*") if _holds(f, targets))


def _holds(file: Path, targets: list[Target]) -> bool:
    if not file.is_file():
        return False
    try:
        raw = file.read_bytes()
    except OSError:
        return False
    return any(needle in raw for needle in _needles(targets))


def _needles(targets: list[Target]) -> set[bytes]:
    """Each fingerprint as UTF-8 and as a JSON string body (\\u escapes, escaped quotes); one
    search when both are the same bytes (plain ASCII), since weights files make the scan long."""
    return {form for t in targets for text in t.fingerprints
            for form in (text.encode(), json.dumps(text)[1:-1].encode())}


# --- retraining ----------------------------------------------------------------------------------


def retrainer(template, sync_settings, on_event=lambda event: None) -> Callable[[ForgetPlan], str | None]:
    """The retrain step for `forget()`, with the user's training and sync settings: a replay
    refresh from the clean version, or a full rebuild. `template` is a pipeline TrainPlan."""

    def run(plan: ForgetPlan) -> str | None:
        from trainer.pipeline import NothingToTrain, train_vault
        from trainer.sync.queue import Decision, RefreshQueue

        queue = RefreshQueue(template, sync_settings)
        if plan.strategy == "shard":
            return _retrain_shards(plan, template, on_event)
        if plan.strategy == "full":
            job = queue.plan(Decision("full", "forget"))
        else:
            registry = AdapterRegistry(adapters_dir(plan.vault))
            learned = set((read_coverage(registry.root / plan.clean) or {}).values())
            focus = {p for p, h in _remaining_notes(plan.vault, plan.targets).items() if h not in learned}
            if not focus:
                return plan.clean
            job = queue.plan(Decision("refresh", "forget", focus))
        try:
            return train_vault(replace(job, keep=max(job.keep, 1)), on_event).name
        except NothingToTrain:
            return plan.clean

    return run


def _retrain_shards(plan: ForgetPlan, template, on_event) -> str:
    """The hit shards from scratch on their remaining notes; the others' weights as they were."""
    from trainer.sharded import train_sharded

    remaining = _remaining_notes(plan.vault, plan.targets)
    version = train_sharded(template, plan.shards["count"], on_event, plan.shards["weight"],
                            only=set(plan.shards["retrain"]), reuse=plan.reuse, coverage=remaining)
    return version.name


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"

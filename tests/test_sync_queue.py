"""The refresh queue's policy and persistence, on real files, a real index, a real registry and a
real sync.db. Training is the stand-in `InstantTrainer` (see sync_support): these tests are about
what runs when and on which notes; the slow tests and the benchmark train for real."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from sync_support import InstantTrainer, make_vault

from trainer.data.dataset import DatasetConfig, assign_splits, build_examples
from trainer.engines.base import TrainSettings
from trainer.vault.index import Index
from trainer.vault.note import Note
from trainer.paths import adapters_dir, index_db, sync_db
from trainer.pipeline import TrainFailed, TrainPlan
from trainer.sync.queue import RefreshQueue, SyncStore
from trainer.adapters.coverage import diff, focus_dataset, read_coverage
from trainer.adapters.registry import AdapterRegistry
from trainer.sync.settings import SyncSettings


@pytest.fixture
def vault(tmp_path) -> Path:
    return make_vault(tmp_path / "vault", 12)


def queue_for(vault: Path, trainer, bootstrap: bool = True, **settings) -> RefreshQueue:
    template = TrainPlan(vault, settings=TrainSettings(max_steps=3, max_len=512), keep=5)
    return RefreshQueue(template, SyncSettings(**settings), trainer=trainer, bootstrap=bootstrap)


def active(vault: Path) -> str | None:
    return AdapterRegistry(adapters_dir(vault)).active_name()


def edit(vault: Path, rel: str, extra: str) -> None:
    path = vault / rel
    path.write_text(path.read_text() + extra)


def test_first_sync_builds_from_scratch_and_then_has_nothing_to_do(vault):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer)
    first = q.cycle()
    assert (first.status, first.version) == ("done", "v0001") and trainer.kinds == ["full"]
    assert not trainer.plans[0].warm_start
    assert q.cycle().status == "current" and len(trainer.plans) == 1


def test_without_bootstrap_no_first_adapter_is_trained_until_asked(vault):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer, bootstrap=False)
    assert q.cycle().status == "idle" and trainer.plans == []
    with SyncStore.open(sync_db(vault)) as store:
        store.request("sync")
    assert q.cycle().status == "done" and trainer.kinds == ["full"]


def test_an_edited_note_is_a_warm_refresh_on_it_plus_replay(vault):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer, replay_ratio=0.5, refresh_steps=3, refresh_max_len=192)
    q.cycle()
    edit(vault, "projects/note03.md", "\nA new habit: I write before breakfast.\n")
    outcome = q.cycle()
    plan = trainer.plans[-1]
    assert outcome.status == "done" and trainer.kinds == ["full", "refresh"]
    assert plan.warm_start and plan.focus == {"projects/note03.md"} and plan.replay_ratio == 0.5
    assert (plan.settings.max_steps, plan.settings.max_len, plan.settings.warmup_ratio) == (3, 192, 0.0)
    assert plan.dataset.max_tokens <= 192 - 64
    coverage = read_coverage(AdapterRegistry(adapters_dir(vault)).active_dir())
    with Index.open(index_db(vault)) as index:
        assert coverage == {p: s.content_hash for p, s in index.file_states().items()}
    assert q.cycle().status == "current"


def test_a_deleted_note_rebuilds_from_scratch_without_it(vault):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer)
    q.cycle()
    (vault / "journal" / "note04.md").unlink()
    outcome = q.cycle()
    assert outcome.status == "done" and trainer.kinds == ["full", "full"] and "deleted" in outcome.message
    assert not trainer.plans[-1].warm_start
    assert "journal/note04.md" not in read_coverage(AdapterRegistry(adapters_dir(vault)).active_dir())


def test_renaming_notes_and_folders_trains_nothing(vault):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer)
    q.cycle()
    (vault / "projects").rename(vault / "work")
    (vault / "journal" / "note00.md").rename(vault / "journal" / "day-zero.md")
    assert q.cycle().status == "current" and len(trainer.plans) == 1


def test_changing_more_than_the_share_rebuilds_from_scratch(vault):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer, full_rebuild_share=0.25)
    q.cycle()
    for i in (3, 5, 7, 9):  # 4 of 12 notes > 25%
        edit(vault, f"projects/note{i:02d}.md", f"\nchanged {i}\n")
    outcome = q.cycle()
    assert trainer.kinds == ["full", "full"] and "4 of 12" in outcome.message


def test_changes_during_a_run_coalesce_into_one_more_run(vault):
    gate = threading.Event()
    trainer = InstantTrainer(gate)
    q = queue_for(vault, trainer)
    gate.set()
    q.cycle()
    gate.clear()
    trainer.started.clear()
    edit(vault, "projects/note09.md", "\nfirst edit\n")
    running = threading.Thread(target=q.cycle)
    running.start()
    assert trainer.started.wait(30)
    for i in (3, 5):  # while the first refresh runs
        edit(vault, f"projects/note{i:02d}.md", f"\nduring the run {i}\n")
    gate.set()
    running.join(30)
    q.cycle()
    assert trainer.kinds == ["full", "refresh", "refresh"]
    assert trainer.plans[2].focus == {"projects/note03.md", "projects/note05.md"}
    assert q.cycle().status == "current"


def test_pending_work_survives_a_crash_in_the_middle_of_a_run(vault):
    trainer = InstantTrainer()
    queue_for(vault, trainer).cycle()

    def crash(plan, on_event, on_run=None):
        raise KeyboardInterrupt  # the process dies before the new version is active

    edit(vault, "journal/note02.md", "\nwritten just before the crash\n")
    with pytest.raises(KeyboardInterrupt):
        queue_for(vault, crash).cycle()
    assert active(vault) == "v0001"
    restarted = queue_for(vault, trainer)  # a new process: nothing in memory
    restarted.recover()
    assert restarted.cycle().status == "done"
    assert trainer.plans[-1].focus == {"journal/note02.md"}
    with SyncStore.open(sync_db(vault)) as store:
        assert [r.status for r in store.runs()] == ["done", "stopped", "done"]
        assert store.integrity() == "ok"


def test_a_request_survives_a_killed_run(vault):
    queue_for(vault, InstantTrainer()).cycle()
    with SyncStore.open(sync_db(vault)) as store:
        store.request("full")

    def killed(plan, on_event, on_run=None):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        queue_for(vault, killed).cycle()
    with SyncStore.open(sync_db(vault)) as store:
        assert store.requested() == "full"
    trainer = InstantTrainer()
    queue_for(vault, trainer).cycle()
    with SyncStore.open(sync_db(vault)) as store:
        assert trainer.kinds == ["full"] and store.requested() == ""


def test_pause_holds_automatic_runs_but_not_requests(vault):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer)
    q.cycle()
    edit(vault, "projects/note09.md", "\nwhile paused\n")
    with SyncStore.open(sync_db(vault)) as store:
        store.set_paused(True)
    assert q.cycle().status == "paused" and len(trainer.plans) == 1
    with SyncStore.open(sync_db(vault)) as store:
        store.request("sync")
    assert q.cycle().status == "done" and len(trainer.plans) == 2


def test_a_change_with_nothing_to_train_is_settled_not_retried(vault):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer)
    q.cycle()
    paths = sorted(str(p.relative_to(vault)) for p in vault.rglob("*.md"))
    held_out = [p for p, split in assign_splits(paths, DatasetConfig()).items() if split == "eval"]
    edit(vault, held_out[0], "\nan edit to a note kept for evaluation\n")
    assert q.cycle().status == "settled"
    assert q.cycle().status == "current" and len(trainer.plans) == 2


def test_a_failed_run_backs_off_until_asked(vault):
    trainer = InstantTrainer()
    queue_for(vault, trainer).cycle()

    def failing(plan, on_event, on_run=None):
        raise TrainFailed("out of memory")

    q = queue_for(vault, failing)
    edit(vault, "projects/note09.md", "\nx\n")
    assert q.cycle().status == "failed"
    assert q.cycle().status == "waiting" and not q.retry_due()
    with SyncStore.open(sync_db(vault)) as store:
        store.request("sync")  # asking overrides the back-off
    assert q.cycle().status == "failed"
    q.retry_after = time.time() - 1  # the back-off has passed: the service retries on its own
    assert q.retry_due()
    q.trainer = trainer
    assert q.cycle().status == "done" and active(vault) == "v0002" and not q.retry_due()


def test_recovery_marks_a_dead_runners_run_and_removes_half_built_versions(vault):
    queue_for(vault, InstantTrainer()).cycle()
    with SyncStore.open(sync_db(vault)) as store:
        store.begin_run("refresh", "1 note changed", 1)
    leftover = adapters_dir(vault) / ".staging-dead"
    (leftover / "peft").mkdir(parents=True)
    (leftover / ".owner").write_text("999999999 ")  # the crashed process that built it is gone
    live = adapters_dir(vault) / ".staging-live"  # a `brain train` running in another terminal
    (live / "peft").mkdir(parents=True)
    (live / ".owner").write_text(f"{os.getpid()} ")
    queue_for(vault, InstantTrainer()).recover()
    assert not leftover.exists() and active(vault) == "v0001"
    assert (live / "peft").is_dir()
    with SyncStore.open(sync_db(vault)) as store:
        assert store.runs()[0].status == "interrupted"


def test_only_one_runner_per_vault(vault):
    a, b = queue_for(vault, InstantTrainer()), queue_for(vault, InstantTrainer())
    assert a.lock.acquire()
    assert not b.lock.acquire()
    assert b.lock.owner() == str(__import__("os").getpid())
    a.lock.release()
    assert b.lock.acquire()
    b.lock.release()


def test_older_versions_stay_for_rollback_below_the_keep_limit(vault):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer)
    q.cycle()
    for i in (3, 5):
        edit(vault, f"projects/note{i:02d}.md", f"\nedit {i}\n")
        q.cycle()
    assert AdapterRegistry(adapters_dir(vault)).names() == ["v0001", "v0002", "v0003"]


def test_pending_changes_persist_and_collapse_past_the_limit(tmp_path):
    with SyncStore.open(tmp_path / "sync.db") as store:
        store.add_pending({"a.md", "b/"}, {"c.md"}, rescan=False, limit=10)
    with SyncStore.open(tmp_path / "sync.db") as store:  # a restart
        assert {(c.path, c.deleted) for c in store.pending()} == {("a.md", False), ("b/", False), ("c.md", True)}
        store.add_pending({f"n{i}.md" for i in range(20)}, set(), rescan=False, limit=10)
        assert [c.path for c in store.pending()] == ["*"]


# --- the pieces ---------------------------------------------------------------------------------


def test_diff_tells_edits_from_renames_and_deletes():
    coverage = {"a.md": "h1", "b.md": "h2", "c.md": "h3", "d.md": "h4"}
    states = {"a.md": "h1", "b2.md": "h2", "c.md": "h3x", "e.md": "h5"}  # b renamed, c edited, d gone, e new
    changes = diff(states, coverage)
    assert changes.changed == {"c.md", "e.md"} and changes.deleted == {"d.md"}
    assert changes.renamed == [("b.md", "b2.md")]
    assert diff(states, coverage, settled={("e.md", "h5")}).changed == {"c.md"}


def _note(path: str, body: str) -> Note:
    return Note(path=path, title=path, body=body, frontmatter={}, tags=(), links=(), headings=(), date=None,
                content_hash=path, size=len(body), mtime_ns=0)


def test_focus_keeps_the_changed_notes_a_replay_sample_and_every_split():
    notes = [_note(f"n{i}.md", f"Thought number {i}. " * 30) for i in range(30)]
    full = build_examples(notes)
    focus = {"n3.md", "n4.md"}
    picked = focus_dataset(full, focus, replay_ratio=1.0)
    new = [e for e in picked.examples if e.source in focus]
    old = [e for e in picked.examples if e.source not in focus]
    assert new == [e for e in full.examples if e.source in focus]
    assert len(old) == sum(e.split == "train" for e in new) > 0
    split_of = {e.source: e.split for e in full.examples}
    assert all(e.split == split_of[e.source] for e in picked.examples)  # a held-out note stays held out
    assert all(e in full.examples for e in picked.examples)
    assert len(focus_dataset(full, focus, replay_ratio=0.0).examples) == len(new)


def test_refresh_training_settings_come_from_the_sync_section():
    full = TrainSettings(max_steps=0, max_len=512, rows_per_step=4, learning_rate=3e-4, warmup_ratio=0.05)
    refresh = SyncSettings(refresh_steps=5, refresh_max_len=128, refresh_rows_per_step=2,
                           refresh_learning_rate=1e-4).refresh_training(full)
    assert (refresh.max_steps, refresh.max_len, refresh.rows_per_step, refresh.learning_rate) == (5, 128, 2, 1e-4)
    assert full.max_len == 512 and refresh.lora is not full.lora


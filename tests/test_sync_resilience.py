"""The sync loop under conditions that used to break it: a corrupt sync.db, an unplugged vault,
an empty mount point, a full disk. Each keeps the index and the active adapter as they were,
says what is wrong once, and backs off instead of retrying every second. Real files, a real
index and registry; training is the stand-in from sync_support (it is not what is tested)."""

from __future__ import annotations

import errno
import logging
import shutil
import threading
import time
from pathlib import Path

import pytest
from sync_support import InstantTrainer, make_vault

from trainer.adapters.registry import AdapterRegistry
from trainer.engines.base import TrainSettings
from trainer.paths import adapters_dir, index_db, sync_db
from trainer.pipeline import TrainPlan
from trainer.sync.queue import RefreshQueue, SyncStore
from trainer.sync.service import SyncService, backoff_delay
from trainer.sync.settings import SyncSettings
from trainer.vault.index import Index


@pytest.fixture
def vault(tmp_path) -> Path:
    return make_vault(tmp_path / "vault", 8)


def queue_for(vault: Path, trainer, bootstrap: bool = True) -> RefreshQueue:
    template = TrainPlan(vault, settings=TrainSettings(max_steps=3, max_len=512), keep=5)
    return RefreshQueue(template, SyncSettings(reconcile_minutes=0), trainer=trainer, bootstrap=bootstrap)


def indexed(vault: Path) -> int:
    with Index.open(index_db(vault)) as index:
        return index.count()


def wait_until(condition, what: str, timeout: float = 60.0) -> None:
    """Poll a condition; the timeout only catches a hang, it is not a speed requirement."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_corrupt_sync_db_is_rebuilt_with_one_message(vault, caplog):
    path = sync_db(vault)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database at all" * 100)
    with caplog.at_level(logging.WARNING, logger="brain.sync"):
        with SyncStore.open(path) as store:
            assert store.pending_count() == 0 and not store.paused
    assert [r.message for r in caplog.records if "set aside" in r.message]
    assert path.with_name("sync.db.corrupt").read_bytes().startswith(b"this is not")
    trainer = InstantTrainer()
    assert queue_for(vault, trainer).cycle().status == "done"  # and the queue works on the new file


def test_an_unplugged_vault_keeps_index_adapter_and_pending_changes(vault, tmp_path):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer)
    assert q.cycle().status == "done"
    before = indexed(vault)
    with SyncStore.open(sync_db(vault)) as store:
        store.add_pending(["journal/note00.md"], [], False, 100)
    vault.rename(tmp_path / "unplugged")
    outcome = q.cycle()
    assert outcome.status == "unavailable" and "unplugged" in outcome.message
    assert indexed(vault) == before and len(trainer.plans) == 1
    assert AdapterRegistry(adapters_dir(vault)).active_name() == "v0001"
    with SyncStore.open(sync_db(vault)) as store:
        assert store.pending_count() == 1  # the change is still to be handled once it is back
    (tmp_path / "unplugged").rename(vault)
    assert q.cycle().status == "current"


def test_an_empty_mount_point_is_not_every_note_deleted(vault, tmp_path):
    trainer = InstantTrainer()
    q = queue_for(vault, trainer)
    assert q.cycle().status == "done"
    before = indexed(vault)
    parked = tmp_path / "parked"
    shutil.move(vault, parked)
    vault.mkdir()  # the mount point, with the disk gone
    outcome = q.cycle()
    assert outcome.status == "unavailable" and "empty" in outcome.message and "brain index --rebuild" in outcome.message
    assert indexed(vault) == before and len(trainer.plans) == 1  # no rebuild without the notes


def test_backoff_is_exponential_and_capped():
    assert [backoff_delay(n, 2, 60) for n in range(8)] == [0, 2, 4, 8, 16, 32, 60, 60]
    assert backoff_delay(10_000) == 600


class DiskFull:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, plan, on_event, on_run=None):
        self.calls += 1
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_backs_off_until_the_user_asks(vault, caplog):
    """Pending changes stay in sync.db while the disk is full; the loop does not retry them every
    second, but a user's "sync now" (wake) tries at once."""
    trainer = DiskFull()
    service = SyncService(queue_for(vault, trainer), watch=False, backoff_base_s=300)
    thread = threading.Thread(target=service.run, daemon=True)
    with caplog.at_level(logging.WARNING, logger="brain.sync"):
        thread.start()
        try:
            wait_until(lambda: service.failures == 1, "the first failure")
            assert service.state == "waiting" and trainer.calls == 1
            with SyncStore.open(sync_db(vault)) as store:
                store.add_pending(["journal/note00.md"], [], False, 100)  # work is waiting...
            service._wake.set()  # ...and the watcher rings: still backing off
            time.sleep(2.5)  # two turns of the loop (CHECK_S = 1 s) that must not retry
            assert trainer.calls == 1
            service.wake()  # the user: "sync now"
            wait_until(lambda: service.failures == 2, "the asked-for retry")
            assert trainer.calls == 2
        finally:
            service.stop()
            thread.join(30)
    assert not thread.is_alive()
    warnings = [r.message for r in caplog.records if "No space left" in r.message]
    assert len(warnings) == 2 and "next try in 300 s" in warnings[0] and "next try in 600 s" in warnings[1]


def test_brain_sync_on_an_empty_mount_point_says_so_and_fails(vault, tmp_path):
    """`brain sync` (once) as a timer or a user runs it: a sentence and a non-zero exit, no
    traceback, no training without the notes; a missing vault is refused the same way."""
    import subprocess
    import sys

    def brain(*args):
        return subprocess.run([sys.executable, "-m", "tui", *args, "--vault", str(vault)], capture_output=True,
                              text=True, timeout=300, check=False)

    assert brain("index").returncode == 0
    shutil.move(vault, tmp_path / "parked")
    vault.mkdir()
    result = brain("sync")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "unavailable: the vault folder" in result.stderr and "is empty" in result.stderr
    assert "Traceback" not in result.stderr and AdapterRegistry(adapters_dir(vault)).names() == []
    assert indexed(vault) == 8
    vault.rmdir()
    result = brain("sync")
    assert result.returncode != 0 and "vault is not a folder" in result.stderr and "Traceback" not in result.stderr

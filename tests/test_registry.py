"""Adapter registry: versions, atomic activation, rollback, pruning, and crash safety."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from pathlib import Path

import pytest

from trainer.adapters.registry import AdapterRegistry, RegistryError


def make_version(reg: AdapterRegistry, payload: str = "weights") -> str:
    with reg.build() as staging:
        (staging / "lora.gguf").write_text(payload)
        return reg.commit(staging, {"engine": "test", "payload": payload}).name


def test_versions_are_numbered_and_activation_rolls_back(tmp_path):
    reg = AdapterRegistry(tmp_path / "adapters")
    assert reg.active_dir() is None
    v1, v2 = make_version(reg, "a"), make_version(reg, "b")
    assert (v1, v2) == ("v0001", "v0002")
    reg.activate(v1)
    reg.activate(v2)
    assert reg.active_dir() == tmp_path / "adapters" / "v0002"
    assert reg.rollback() == "v0001"
    assert reg.active_name() == "v0001"
    assert reg.rollback() is None  # back to the base model
    with pytest.raises(RegistryError, match="base model"):
        reg.rollback()


def test_active_version_cannot_be_removed_and_prune_spares_it(tmp_path):
    reg = AdapterRegistry(tmp_path)
    names = [make_version(reg, str(i)) for i in range(5)]
    reg.activate(names[0])
    reg.activate(names[1])
    with pytest.raises(RegistryError, match="active"):
        reg.remove(names[1])
    removed = reg.prune(keep=2)
    assert set(reg.names()) == {names[0], names[1], names[3], names[4]}
    assert removed == [names[2]]


def test_a_failed_build_leaves_nothing_behind(tmp_path):
    reg = AdapterRegistry(tmp_path)
    with pytest.raises(ValueError):
        with reg.build() as staging:
            (staging / "half-written").write_text("x")
            raise ValueError("training diverged")
    assert reg.names() == [] and not list(tmp_path.glob(".staging-*"))


def test_pointer_to_a_vanished_version_falls_back_to_history(tmp_path):
    reg = AdapterRegistry(tmp_path)
    v1, v2 = make_version(reg), make_version(reg)
    reg.activate(v1)
    reg.activate(v2)
    os.rename(tmp_path / v2, tmp_path / "gone")  # e.g. deleted by hand
    assert reg.active_name() == v1


def _crash_while_committing(root: str) -> None:
    reg = AdapterRegistry(Path(root))
    with reg.build() as staging:
        (staging / "lora.gguf").write_bytes(b"\0" * 1_000_000)
        os._exit(9)  # the process dies mid-write, before commit: no cleanup runs


def test_crash_mid_write_keeps_previous_adapter_active(tmp_path):
    reg = AdapterRegistry(tmp_path)
    v1 = make_version(reg, "good")
    reg.activate(v1)
    proc = mp.get_context("fork").Process(target=_crash_while_committing, args=(str(tmp_path),))
    proc.start()
    proc.join()
    assert proc.exitcode == 9
    assert reg.active_name() == v1 and reg.names() == [v1]
    assert (reg.active_dir() / "lora.gguf").read_text() == "good"
    assert reg.clean_staging() == 1


def test_torn_pointer_write_is_impossible(tmp_path, monkeypatch):
    reg = AdapterRegistry(tmp_path)
    v1, v2 = make_version(reg), make_version(reg)
    reg.activate(v1)

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        reg.activate(v2)
    monkeypatch.undo()
    assert reg.active_name() == v1
    assert json.loads((tmp_path / "active.json").read_text())["active"] == v1


# --- working folders of live and dead processes ---------------------------------------------

LIVE_BUILD = """
import sys, time
from pathlib import Path
from trainer.adapters.registry import AdapterRegistry
with AdapterRegistry(Path(sys.argv[1])).build() as staging:
    (staging / "lora.gguf").write_text("half")
    print(staging, flush=True)
    time.sleep(600)
"""


def test_staging_of_a_running_train_is_kept_and_removed_once_it_dies(tmp_path):
    """`brain sync` starting while `brain train` runs in another terminal must not delete its
    half-built version; once that process is gone (kill -9), its leftovers go."""
    import subprocess
    import sys

    reg = AdapterRegistry(tmp_path / "adapters")
    proc = subprocess.Popen([sys.executable, "-c", LIVE_BUILD, str(reg.root)], stdout=subprocess.PIPE, text=True)
    try:
        staging = Path(proc.stdout.readline().strip())
        assert reg.clean_staging() == 0 and (staging / "lora.gguf").read_text() == "half"
    finally:
        proc.kill()
        proc.wait()
    assert reg.clean_staging() == 1 and not staging.exists()


def test_staging_without_an_owner_is_removed_only_when_old(tmp_path):
    reg = AdapterRegistry(tmp_path)
    young, old = tmp_path / ".staging-young", tmp_path / ".staging-old"
    young.mkdir(), old.mkdir()
    os.utime(old, (1, 1))  # an older brain's leftover, untouched for decades
    assert reg.clean_staging() == 1
    assert young.exists() and not old.exists()


def _run_folder(runs: Path, run_id: str, owner_pid: int | None = None) -> Path:
    folder = runs / run_id
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "train.jsonl").write_text('{"text": "a note deleted since"}\n')
    if owner_pid is not None:
        (folder / ".owner").write_text(f"{owner_pid} ")
    return folder


def test_run_folders_are_pruned_with_their_versions(tmp_path):
    """runs/<id>/data holds the scrubbed text of every note: once no version made from it is
    left, it leaves the disk (a deleted note must not stay there forever)."""
    reg = AdapterRegistry(tmp_path / "adapters")
    runs = tmp_path / "runs"
    names = []
    for i in range(4):
        _run_folder(runs, f"run{i}", owner_pid=999_999_999)  # a dead owner
        with reg.build() as staging:
            names.append(reg.commit(staging, {"run": f"run{i}"}).name)
        reg.activate(names[-1])
    live = _run_folder(runs, "in-progress", owner_pid=os.getpid())  # this process: alive
    reg.prune(keep=2)
    assert sorted(p.name for p in runs.iterdir()) == ["in-progress", "run2", "run3"]
    reg.remove("v0003")
    assert sorted(p.name for p in runs.iterdir()) == ["in-progress", "run3"]
    assert live.exists()


def test_corrupt_pointer_and_manifest_fall_back_without_raising(tmp_path):
    reg = AdapterRegistry(tmp_path)
    v1, v2 = make_version(reg), make_version(reg)
    reg.activate(v1)
    reg.activate(v2)
    (tmp_path / v2 / "manifest.json").write_bytes(b"\x00{not json")
    assert reg.active_name() == v1  # the broken version is skipped, its rollback target used
    (tmp_path / "active.json").write_text("[1, 2")
    assert reg.active_name() is None and reg.names() == [v1]


def test_staging_named_by_a_dead_process_is_removed_even_before_it_claimed_it(tmp_path):
    """Killed between creating its staging folder and writing the owner file: the pid in the
    folder's name still tells whose it was."""
    reg = AdapterRegistry(tmp_path)
    (tmp_path / ".staging-999999999-abc").mkdir()
    (tmp_path / f".staging-{os.getpid()}-def").mkdir()
    assert reg.clean_staging() == 1
    assert [p.name for p in tmp_path.glob(".staging-*")] == [f".staging-{os.getpid()}-def"]

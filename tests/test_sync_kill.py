"""SIGKILL a real `brain sync` (real scan, real training child with tiny settings, real commit)
at random moments, again and again. After every kill: the active adapter is one that was
complete, and llama.cpp loads it and generates with it; every SQLite file passes
`PRAGMA integrity_check`; the vault is byte-identical to what the test itself wrote. Then one
more sync runs to completion and leaves nothing behind (no orphan trainer, no half-built version).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sync_support import disk_snapshot, make_vault

from backends import GenOpts, Message, get_backend, resolve_model
from trainer.data.dataset import DatasetConfig, assign_splits
from trainer.vault.index import Index
from trainer.paths import adapters_dir, index_db, sync_db, vault_data_dir
from trainer.adapters.coverage import read_coverage
from trainer.adapters.registry import AdapterRegistry

pytestmark = pytest.mark.slow
KILLS = 10
TINY = """
[train]
max_steps = 1
max_len = 128
rows_per_step = 1
threads = 1
[train.lora]
rank = 4
alpha = 8.0
[sync]
refresh_steps = 1
refresh_max_len = 128
refresh_rows_per_step = 1
"""


def brain_sync(vault: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tui", "sync", "--vault", str(vault), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def trainer_processes(vault: Path) -> list[int]:
    runs = str(vault_data_dir(vault) / "runs")
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"trainer.run" in args and any(a.decode(errors="replace").startswith(runs) for a in args):
                found.append(int(entry.name))
    return found


@pytest.fixture
def llama():
    backend = get_backend("llamacpp", n_threads=1, n_ctx=256)
    backend.load(resolve_model("default"))
    yield backend
    backend.close()


def check_loadable(backend, version_dir: Path) -> None:
    """llama.cpp attaches the version's GGUF LoRA and answers with it; the peft copy is complete."""
    backend.set_adapter(version_dir)
    text = "".join(backend.stream([Message("user", "What do I think?")], GenOpts(temperature=0.0, max_tokens=4)))
    assert backend.info().adapter == version_dir.name and text
    config = json.loads((version_dir / "peft" / "adapter_config.json").read_text())
    assert config["r"] == 4 and list((version_dir / "peft").glob("adapter_model.*"))
    assert read_coverage(version_dir) is not None


def test_sigkill_at_random_moments_never_breaks_the_adapter_the_databases_or_the_vault(tmp_path, brain_home, llama):
    vault = make_vault(tmp_path / "vault", 8)
    (brain_home / "config").mkdir(parents=True, exist_ok=True)
    (brain_home / "config" / "config.toml").write_text(TINY)
    paths = sorted(str(p.relative_to(vault)) for p in vault.rglob("*.md"))
    trained = [p for p, split in assign_splits(paths, DatasetConfig()).items() if split == "train"]
    expected = disk_snapshot(vault)
    first = brain_sync(vault)
    assert first.wait(900) == 0, first.stderr.read()[-3000:]
    registry = AdapterRegistry(adapters_dir(vault))
    assert registry.active_name() == "v0001"
    rng = random.Random(20240611)
    kills, i = 0, 0
    try:
        while kills < KILLS:
            assert i < 3 * KILLS, "the syncs kept finishing before the kill"
            note = vault / trained[i % len(trained)]
            if i % 3 == 2:
                proc = brain_sync(vault, "--full")  # a full rebuild on demand, nothing edited
            else:
                note.write_text(note.read_text() + f"\nA thought added on day {i}.\n")  # as the user would
                expected = disk_snapshot(vault)
                proc = brain_sync(vault)
            complete = set(registry.names())
            time.sleep(rng.uniform(0.2, 20.0))
            proc.kill()
            kills += proc.wait(60) == -9  # a sync that finished before its kill does not count
            i += 1
            active = registry.active_dir()
            assert active is not None and (active.name in complete or active.name > max(complete))
            check_loadable(llama, active)
            for db in (index_db(vault), sync_db(vault)):
                if db.exists():
                    assert integrity(db) == "ok", db
            assert disk_snapshot(vault) == expected
        final = brain_sync(vault)
        err = final.stderr.read()
        assert final.wait(900) == 0, err[-3000:]
        assert "done:" in err or "current:" in err or "settled:" in err
        active = registry.active_dir()
        check_loadable(llama, active)
        with Index.open(index_db(vault)) as index:
            states = {p: s.content_hash for p, s in index.file_states().items()}
        assert read_coverage(active) == states or "settled:" in err  # the adapter has caught up
        conn = sqlite3.connect(sync_db(vault))
        assert conn.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 0
        conn.close()
        assert not list(adapters_dir(vault).glob(".staging-*"))
        assert trainer_processes(vault) == []
        assert disk_snapshot(vault) == expected
    finally:
        for pid in trainer_processes(vault):  # orphans of the killed syncs, should a check above fail
            os.kill(pid, 9)

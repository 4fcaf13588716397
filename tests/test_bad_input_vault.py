"""Hostile input, the vault and state half (issue 10): pathological notes, vault conditions and
broken state files. Each case asserts a bounded outcome, a clear message and nothing lost.

Bounded, not timed: the pathological vault is indexed by `brain index` in a subprocess whose
generous timeout only catches a hang (the old patterns took minutes on these notes); no test
asserts a speed. The figure itself comes from bench/pathological_index.py.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_notes import HOSTILE, write_hostile_vault

from trainer.paths import adapters_dir, index_db, vault_data_dir
from trainer.vault.index import Index
from trainer.vault.parse import decode, normalise_newlines
from trainer.vault.scan import VaultUnavailable, scan_vault

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks, FIFOs")
SECRET = "aws_secret_access_key = wJalrXUtnFEMI-planted-K7MDENG"
HANG = 300  # seconds: far beyond any healthy run here, far below "never finishes"


def brain(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], check=False, capture_output=True, text=True,
                          timeout=HANG, env=env)


def lines_for(out: str, path: str) -> list[str]:
    return [line for line in out.splitlines() if line.split(None, 1)[-1].startswith(f"{path}: ")]


# --- pathological notes: one `brain index` run over all of them -----------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(vault, `brain index --all` result, state folder). Module-wide: one bounded run for all."""
    home = tmp_path_factory.mktemp("hostile-home")
    vault = write_hostile_vault(tmp_path_factory.mktemp("hostile") / "vault")
    result = brain("index", "--all", str(vault), env={**os.environ, "BRAIN_HOME": str(home)})
    return vault, result, home


@pytest.mark.parametrize("rel", sorted(HOSTILE))
def test_each_hostile_note_is_indexed_or_reported(hostile, rel, monkeypatch):
    vault, result, home = hostile
    assert result.returncode == 0, result.stderr[-2000:]
    data, outcome, reason = HOSTILE[rel]
    reported = lines_for(result.stdout, rel)
    if outcome == "ok":
        assert reported == [], reported
    else:
        label = "skipped" if outcome == "skip" else "warning"
        assert [line.split(":", 1)[0] for line in reported] == [f"{label:<8} {rel}"], result.stdout
        assert f": {reason}" in reported[0]
    monkeypatch.setenv("BRAIN_HOME", str(home))
    with Index.open(index_db(vault)) as index:
        note = index.get(rel)
    if outcome == "skip":
        assert note is None
    else:  # nothing lost: the whole (scrubbed) text is searchable, whatever the parser made of it
        from trainer.data.scrub import IndexScrub

        assert note is not None and note.size == len(data)
        text = IndexScrub()(normalise_newlines(decode(data)[0]))  # 380 K times "word" holds a seed checksum
        assert text in "---\n" + note.body or note.body in text


def test_the_hostile_vault_summary_counts_every_file(hostile):
    _, result, _ = hostile
    notes = sum(1 for _, outcome, _ in HOSTILE.values() if outcome != "skip")
    assert f"notes     {notes}: {notes} indexed" in result.stdout


def test_a_note_over_its_parse_budget_is_kept_as_plain_text(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "slow.md").write_text("# Slow\n\n[[a link]] #tag\n")
    with Index.open(tmp_path / "s" / "brain.db") as index:
        report = scan_vault(vault, index, parse_budget_s=-1)
        note = index.get("slow.md")
    assert [(w.path, w.reason) for w in report.warnings] == [("slow.md", "too slow to parse")]
    assert note.body == "# Slow\n\n[[a link]] #tag\n" and note.links == ()


# --- vault conditions -----------------------------------------------------------------------


@pytest.fixture
def index(tmp_path):
    with Index.open(tmp_path / "state" / "brain.db") as ix:
        yield ix


def small_vault(root: Path, n: int = 3) -> Path:
    for i in range(n):
        (root / f"n{i}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / f"n{i}.md").write_text(f"# Note {i}\n\nbody {i}\n")
    return root


def reasons(report) -> dict[str, str]:
    return {s.path: s.reason for s in report.skipped}


def no_secret_under(folder: Path) -> bool:
    return all(SECRET.encode() not in p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_a_note_symlinked_to_a_file_outside_is_never_read(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    (tmp_path / "credentials").write_text(SECRET)
    os.symlink(tmp_path / "credentials", vault / "aws.md")
    report = scan_vault(vault, index)
    assert reasons(report)["aws.md"] == "outside the vault"
    assert index.get("aws.md") is None and no_secret_under(index.path.parent)


def test_a_folder_symlinked_from_outside_is_never_read(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    (tmp_path / "dotfiles").mkdir()
    (tmp_path / "dotfiles" / "keys.md").write_text(SECRET)
    os.symlink(tmp_path / "dotfiles", vault / "linked")
    report = scan_vault(vault, index)
    assert reasons(report)["linked"] == "outside the vault" and "symlink to" in str(report.skipped[0])
    assert index.count() == 3 and no_secret_under(index.path.parent)


def test_symlinks_inside_the_vault_keep_working(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    os.symlink("n0.md", vault / "alias.md")
    report = scan_vault(vault, index)
    assert "alias.md" not in reasons(report) and index.get("alias.md").body == "# Note 0\n\nbody 0\n"


def test_a_symlink_loop_and_a_link_to_the_root_are_reported(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    os.symlink(".", vault / "here")
    os.symlink("/", vault / "root")
    os.symlink("self.md", vault / "self.md")
    found = reasons(scan_vault(vault, index))
    assert found["here"] == found["root"] == found["self.md"] == "symlink loop"
    assert index.count() == 3


def test_a_fifo_named_like_a_note_does_not_block(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    os.mkfifo(vault / "pipe.md")  # opening it for reading would wait for a writer forever
    assert reasons(scan_vault(vault, index))["pipe.md"] == "not a regular file"


def test_a_note_that_cannot_be_opened_is_reported_and_kept(tmp_path, index, monkeypatch):
    vault = small_vault(tmp_path / "v")
    scan_vault(vault, index)
    (vault / "n1.md").write_text("# Note 1\n\nedited")
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if os.fspath(path).endswith("n1.md"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    report = scan_vault(vault, index)
    assert reasons(report)["n1.md"] == "unreadable" and "Permission denied" in str(report.skipped[0])
    assert index.get("n1.md").body == "# Note 1\n\nbody 1\n"  # the last good version stays


def test_a_note_deleted_mid_scan_is_reported_as_vanished(tmp_path, index):
    vault = small_vault(tmp_path / "v")

    def delete_next(done, total, path):
        if path == "n1.md":
            (vault / "n1.md").unlink()

    report = scan_vault(vault, index, progress=delete_next)
    assert reasons(report)["n1.md"] == "vanished" and index.get("n1.md") is None and index.count() == 2


def test_a_vault_unplugged_mid_scan_removes_nothing(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    scan_vault(vault, index)
    (vault / "n0.md").write_text("# Note 0\n\nedited")

    def unplug(done, total, path):
        if path == "n1.md":
            vault.rename(tmp_path / "gone")

    with pytest.raises(VaultUnavailable, match="disappeared"):
        scan_vault(vault, index, progress=unplug)
    assert index.count() == 3


def test_an_empty_mount_point_is_refused_and_the_index_kept(tmp_path):
    vault = small_vault(tmp_path / "v")
    assert brain("index", str(vault)).returncode == 0
    for note in vault.iterdir():
        note.rename(tmp_path / note.name)  # the disk is gone; its mount point stays
    result = brain("index", str(vault))
    assert result.returncode == 1 and "empty" in result.stderr and "--rebuild" in result.stderr
    assert "Traceback" not in result.stderr
    with Index.open(index_db(vault)) as index:
        assert index.count() == 3
    assert brain("index", "--rebuild", str(vault)).returncode == 0  # emptied on purpose: say so


def test_a_missing_vault_root_is_one_sentence(tmp_path):
    result = brain("index", str(tmp_path / "unplugged"))
    assert result.returncode == 1 and "vault not found" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_named_like_a_note_is_walked_as_a_folder(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    (vault / "odd.md").mkdir()
    (vault / "odd.md" / "inner.md").write_text("# Inner")
    scan_vault(vault, index)
    assert index.get("odd.md/inner.md").title == "Inner"


def test_a_corrupt_index_is_named_and_rebuilt_on_request(tmp_path):
    vault = small_vault(tmp_path / "v")
    db = index_db(vault)
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"garbage, not SQLite" * 500)
    result = brain("index", str(vault))
    assert result.returncode == 1 and "cannot use the index" in result.stderr and "Traceback" not in result.stderr
    assert brain("index", "--rebuild", str(vault)).returncode == 0
    with Index.open(db) as index:
        assert index.count() == 3


def test_a_reader_is_never_locked_out_by_a_scan(tmp_path, index):
    """What the TUI's grounded chat and the server do during a long walk: read, then write."""
    vault = small_vault(tmp_path / "v", 120)
    seen = []

    def read_and_write(done, total, path):
        if done == 60:
            other = sqlite3.connect(index.path, timeout=0, isolation_level=None)
            seen.append(other.execute("SELECT count(*) FROM notes").fetchone()[0])
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
            other.close()

    scan_vault(vault, index, progress=read_and_write)
    assert seen and index.count() == 120


# --- state: a broken active adapter falls back to the base model (real bundled model) ---------


def _version(vault: Path, files: dict[str, bytes], manifest: dict | None = None) -> str:
    from trainer.adapters.registry import AdapterRegistry

    reg = AdapterRegistry(adapters_dir(vault))
    with reg.build() as staging:
        for rel, data in files.items():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_bytes(data)
        name = reg.commit(staging, manifest or {"engine": "test"}).name
    reg.activate(name)
    return name


def _session(vault: Path):
    from tui.config import Config
    from tui.session import ChatSession

    session = ChatSession(Config(vault=str(vault)))
    session.cfg.chat.backend = "llamacpp"
    return session


def _answer(session) -> str:
    from backends import GenOpts, Message

    return "".join(session.stream([Message("user", "Say hello.")], GenOpts(max_tokens=6, seed=1)))


def test_an_mlx_only_active_adapter_falls_back_to_the_base_model(tmp_path):
    vault = small_vault(tmp_path / "v")
    _version(vault, {"mlx/adapters.safetensors": b"mlx weights"}, {"engine": "mlx"})
    session = _session(vault)
    info = session.load()
    assert info.adapter is None and "v0001" in session.notice and "base model" in session.notice
    assert _answer(session).strip()
    assert _answer(session).strip()  # and again: no error on every message


def test_a_corrupt_gguf_adapter_is_refused_once_and_chat_goes_on(tmp_path, caplog):
    import logging

    vault = small_vault(tmp_path / "v")
    session = _session(vault)
    assert session.load().adapter is None and session.notice is None
    _version(vault, {"lora.gguf": b"GGUF" + b"\xff" * 4096})  # activated while the chat is open
    with caplog.at_level(logging.WARNING, logger="brain.chat"):
        assert _answer(session).strip() and _answer(session).strip()
    assert "v0001" in session.notice and session.info().adapter is None
    assert len([r for r in caplog.records if "cannot be used" in r.message]) == 1


def test_a_corrupt_active_pointer_means_the_base_model(tmp_path):
    vault = small_vault(tmp_path / "v")
    _version(vault, {"mlx/x": b"x"})
    (adapters_dir(vault) / "active.json").write_bytes(b"\x00{half a json")
    session = _session(vault)
    assert session.load().adapter is None and _answer(session).strip()


def test_nothing_from_outside_the_vault_reaches_the_data_folder(tmp_path):
    """End to end through the CLI: a planted credential behind a symlink never lands on disk."""
    vault = small_vault(tmp_path / "v")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "creds").write_text(SECRET)
    os.symlink(tmp_path / "outside" / "creds", vault / "creds.md")
    os.symlink(tmp_path / "outside", vault / "outside-folder")
    result = brain("index", str(vault))
    assert result.returncode == 0 and "outside the vault" in result.stdout
    assert no_secret_under(vault_data_dir(vault))


TRAINING_TEXT = """
import sys
sys.path.insert(0, sys.argv[1])
from hostile_notes import HOSTILE
from trainer.data.chunking import sections
from trainer.data.dataset import clean_body
from trainer.vault.parse import parse_note
for name, (data, outcome, _) in HOSTILE.items():
    if outcome != "skip":
        note = parse_note(name, data).note
        assert isinstance(sections(note.body), list) and isinstance(clean_body(note.body, note.title, False), str)
print("done", flush=True)
"""


def test_hostile_notes_cut_into_training_text_in_bounded_time():
    """The training side reads the same notes: headings and wiki links there were quadratic too."""
    result = subprocess.run([sys.executable, "-c", TRAINING_TEXT, str(Path(__file__).parent)], check=False,
                            capture_output=True, text=True, timeout=HANG)
    assert result.returncode == 0 and result.stdout.strip() == "done", result.stderr[-2000:]


@pytest.mark.parametrize("line, expected", [
    ("## Two `code` ##", (2, "Two `code`")), ("# C#", (1, "C")), ("#  ", (1, " ")), ("####### x", None),
    ("# a" + " " * 5000 + "b", (1, "a" + " " * 5000 + "b")),
])
def test_training_headings_keep_their_meaning(line, expected):
    from trainer.data.chunking import heading

    assert heading(line) == expected

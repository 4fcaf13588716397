"""`brain index` as a user runs it: a subprocess, its summary, its lines, its exit code."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_scan import EXPECTED, SHARED, build_trap_vault

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the trap vault needs symlinks and FIFOs")


def brain(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], check=False, capture_output=True,
                          text=True, timeout=120)


def test_trap_vault_summary_names_every_trap(tmp_path):
    vault = build_trap_vault(tmp_path / "vault")
    result = brain("index", str(vault))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "notes     " in out and " indexed, 0 unchanged, 0 renamed, 0 removed" in out
    lines = out.splitlines()
    for path, (outcome, reason) in EXPECTED.items():
        if outcome == "ok" or path == "unreadable.md":  # root reads chmod 000 files
            continue
        shown = path.replace("\n", "\\n")
        label = "skipped" if outcome == "skip" else "warning"
        assert any(line.startswith(f"{label:<8} {shown}: {reason}") for line in lines), (path, out)
    assert "skipped   " in out and "hidden folder" in out and "symlink loop" in out


def test_second_run_is_unchanged_and_positional_beats_vault_option(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("# A")
    assert brain("index", str(vault)).returncode == 0
    result = brain("index", "--vault", str(tmp_path / "missing"), str(vault))
    assert result.returncode == 0, result.stderr
    assert "notes     1: 0 indexed, 1 unchanged, 0 renamed, 0 removed" in result.stdout


def test_vault_from_the_vault_option(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("# A")
    result = brain("--vault", str(vault), "index")
    assert result.returncode == 0 and "1 indexed" in result.stdout


def test_missing_vault_or_a_file_fails_clearly(tmp_path):
    missing = brain("index", str(tmp_path / "nope"))
    assert missing.returncode != 0 and "vault not found" in missing.stderr
    (tmp_path / "file.md").write_text("x")
    not_folder = brain("index", str(tmp_path / "file.md"))
    assert not_folder.returncode != 0 and "not a folder" in not_folder.stderr


def test_max_size_option_and_rebuild(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "big.md").write_text("x" * 5000)
    (vault / "small.md").write_text("x")
    result = brain("index", str(vault), "--max-size", "4K")
    assert "skipped  big.md: too large (4.9 KiB > 4.0 KiB cap)" in result.stdout
    rebuilt = brain("index", str(vault), "--rebuild")
    assert "notes     2: 2 indexed, 0 unchanged" in rebuilt.stdout


def test_sample_vault_output(tmp_path):
    vault = SHARED / "sample-vault"
    if not vault.is_dir():
        pytest.skip("../shared/sample-vault is not present on this machine")
    result = brain("index", str(vault))
    assert result.returncode == 0, result.stderr
    for line in [
        "skipped  .obsidian: hidden folder",
        "skipped  attachments/diagram.png: not a note (.png)",
        "skipped  attachments/notes.pdf: not a note (.pdf)",
        "warning  inbox/old-export-latin1.md: invalid UTF-8",
        "warning  projects/climbing-grade-predictor.md: broken frontmatter",
        "warning  inbox/meeting-notes-draft.md: broken frontmatter",
        "warning  journal/2025-10-27.md: empty note",
        "warning  inbox/untitled.md: empty note",
    ]:
        assert line in result.stdout, result.stdout

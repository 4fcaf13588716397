"""Scanning a vault into the index: every trap reported, nothing lost, nothing written to the vault.

The trap vault is built in tmp_path at test time (symlink loops, a FIFO, a non-UTF-8 file name and
unreadable files cannot live in git); the shared sample vault is used as well where it exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from trainer.vault import parse as parse_module
from trainer.vault.index import Index, IndexUnavailable
from trainer.vault.note import Link
from trainer.vault.parse import parse_note
from trainer.vault.scan import scan_vault

SHARED = Path(__file__).resolve().parents[2] / "shared"
ZH_NOTE = "# 学习日记\n\n这个月我用自己做的闪卡机器人复习，比 Anki 方便多了。\n"
HUB = ("---\ntitle: Hub\ntags: [hub]\n---\n# Hub\n\n[[gps]] [[lessons/debugging]] [[gps|the tracker]] "
       "[[gps#Numbers]] ![[image.png]] [[doc.pdf]] [[Missing note]] #inline\n")

# path -> (outcome, reason): "skip" = not indexed, "warn" = indexed with a problem.
EXPECTED = {
    "crlf.md": ("ok", ""),
    "bom.md": ("ok", ""),
    "latin1.md": ("warn", "invalid UTF-8"),
    "gbk.md": ("warn", "invalid UTF-8"),
    "broken/unclosed.md": ("warn", "broken frontmatter"),
    "broken/bad-yaml.md": ("warn", "broken frontmatter"),
    "broken/a-list.md": ("warn", "broken frontmatter"),
    "empty.md": ("warn", "empty note"),
    "long.md": ("ok", ""),
    "huge.md": ("skip", "too large"),
    "binary.md": ("skip", "binary content"),
    "hub.md": ("ok", ""),
    "projects/gps.md": ("ok", ""),
    "lessons/debugging.md": ("ok", ""),
    "notes.txt": ("ok", ""),
    "with space.md": ("ok", ""),
    "unicode 笔记 é.md": ("ok", ""),
    "new\nline.md": ("ok", ""),
    "zh/学习日记-2025-08.md": ("ok", ""),
    ".obsidian": ("skip", "hidden folder"),
    ".trash": ("skip", "hidden folder"),
    ".git": ("skip", "hidden folder"),
    ".hidden.md": ("skip", "hidden file"),
    "attachments/image.png": ("skip", "not a note"),
    "attachments/doc.pdf": ("skip", "not a note"),
    "bad\\xff.md": ("skip", "bad file name"),
    "loop": ("skip", "symlink loop"),
    "up": ("skip", "symlink loop"),
    "projects-again": ("skip", "folder seen twice"),
    "shared": ("skip", "outside the vault"),
    "credentials.md": ("skip", "outside the vault"),
    "inside-link.md": ("ok", ""),
    "self.md": ("skip", "symlink loop"),
    "dangling.md": ("skip", "broken symlink"),
    "pipe.md": ("skip", "not a regular file"),
    "unreadable.md": ("skip", "unreadable"),
}


def build_trap_vault(root: Path) -> Path:
    """A small vault holding one of every kind of bad input (and a few good notes)."""
    files = {
        "crlf.md": b"---\r\ntitle: CRLF note\r\n---\r\n# CRLF\r\n\r\nline\r\n",
        "bom.md": b"\xef\xbb\xbf---\ndate: 2025-08-24\n---\n# BOM note\n",
        "latin1.md": "# Café\n\ncrème brûlée\n".encode("latin-1"),
        "gbk.md": "# 周记\n\n这周我重新加入了攀岩队。\n".encode("gb18030"),
        "broken/unclosed.md": b"---\ntitle: Draft\ntags: [x\n\nStill here.\n",
        "broken/bad-yaml.md": b"---\na: 1\nb: x: y\n---\n# Bad YAML\n",
        "broken/a-list.md": b"---\n- one\n- two\n---\n# A list\n",
        "empty.md": b"",
        "long.md": ("# Long\n\n" + "word " * 200_000 + "THE END\n").encode(),
        "huge.md": b"x" * (2 * 1024 * 1024 + 1),
        "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR",
        "hub.md": HUB.encode(),
        "projects/gps.md": b"# GPS tracker\n\n## Numbers\n\nforty phones\n",
        "lessons/debugging.md": b"# Debugging\n\nsee [[gps]]\n",
        "notes.txt": b"plain text note",
        "with space.md": b"spaces in the name",
        "unicode 笔记 é.md": "统一码".encode(),
        "new\nline.md": b"a newline in the name",
        "zh/学习日记-2025-08.md": ZH_NOTE.encode(),
        ".obsidian/app.json": b"{}",
        ".trash/old.md": b"# deleted",
        ".git/config": b"[core]",
        ".hidden.md": b"dotfile",
        "attachments/image.png": b"\x89PNG\r\n\x1a\n",
        "attachments/doc.pdf": b"%PDF-1.4",
        "unreadable.md": b"secret",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    os.chmod(root / "unreadable.md", 0)
    (root / os.fsdecode(b"bad\xff.md")).write_bytes(b"name is not UTF-8")
    os.symlink(".", root / "loop")
    os.symlink("..", root / "up")  # holds the vault: following it would walk everything around it
    os.symlink("projects", root / "projects-again")
    (root.parent / "outside").mkdir()
    (root.parent / "outside" / "outside.md").write_bytes(b"# Shared from elsewhere")
    os.symlink("../outside", root / "shared")  # a folder linked in from outside: never read
    (root.parent / "secret").write_bytes(b"aws_secret_access_key = planted-secret")
    os.symlink("../secret", root / "credentials.md")  # a note linked to a file outside: never read
    os.symlink("projects/gps.md", root / "inside-link.md")  # a link inside the vault works as before
    os.symlink("self.md", root / "self.md")
    os.symlink("nowhere.md", root / "dangling.md")
    os.mkfifo(root / "pipe.md")
    return root


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks, FIFOs and byte names")


@pytest.fixture
def trap_vault(tmp_path, monkeypatch) -> Path:
    vault = build_trap_vault(tmp_path / "vault")
    _make_unreadable(vault / "unreadable.md", monkeypatch)
    return vault


def _make_unreadable(path: Path, monkeypatch) -> None:
    """chmod 000 stops everyone but root; as root, refuse opening that one file instead."""
    try:
        path.read_bytes()
    except PermissionError:
        return
    real_open = os.open

    def open_refusing(file, flags, *args, **kwargs):
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_refusing)


@pytest.fixture
def index(tmp_path) -> Index:
    with Index.open(tmp_path / "state" / "brain.db") as ix:
        yield ix


def outcomes(report) -> dict[str, tuple[str, str]]:
    found = {s.path: ("skip", s.reason) for s in report.skipped}
    found.update({w.path: ("warn", w.reason) for w in report.warnings})
    return found


def digests(vault: Path) -> dict[str, str]:
    """sha256 of every file and the target of every link: what 'untouched' means."""
    result = {}
    for dirpath, dirnames, filenames in os.walk(vault):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            if path.is_symlink():
                result[str(path)] = "-> " + os.readlink(path)
            elif path.is_file() and os.access(path, os.R_OK):
                result[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                result[str(path)] = oct(path.lstat().st_mode)
    return result


# --- the trap vault --------------------------------------------------------------------------


def test_every_trap_gets_one_line_with_its_reason(trap_vault, index):
    report = scan_vault(trap_vault, index)
    found = outcomes(report)
    for path, (outcome, reason) in EXPECTED.items():
        if outcome != "ok":
            assert found.get(path) == (outcome, reason), path
    assert len(report.skipped) + len(report.warnings) == sum(o != "ok" for o, _ in EXPECTED.values())
    assert {p for p, (o, _) in EXPECTED.items() if o in ("ok", "warn")} == {n.path for n in index.notes()}


def test_trap_contents_are_handled(trap_vault, index):
    scan_vault(trap_vault, index)
    assert index.get("crlf.md").body == "# CRLF\n\nline\n"
    assert index.get("crlf.md").title == "CRLF note"
    assert index.get("bom.md").title == "BOM note" and index.get("bom.md").date == "2025-08-24"
    assert index.get("latin1.md").body == "# Café\n\ncrème brûlée\n"
    assert index.get("gbk.md").title == "周记"
    assert "Still here." in index.get("broken/unclosed.md").body
    assert index.get("broken/bad-yaml.md").title == "Bad YAML"
    assert index.get("long.md").body.endswith("THE END\n")
    assert index.get("new\nline.md").body == "a newline in the name"


def test_warning_details_name_the_problem(trap_vault, index):
    report = scan_vault(trap_vault, index)
    detail = {w.path: w.detail for w in report.warnings} | {s.path: s.detail for s in report.skipped}
    assert "cp1252" in detail["latin1.md"] and "GB18030" in detail["gbk.md"]
    assert "line 3" in detail["broken/bad-yaml.md"] and "not a mapping" in detail["broken/a-list.md"]
    assert detail["huge.md"] == "2,097,153 bytes > 2,097,152 bytes cap" and detail["unreadable.md"] == "Permission denied"
    assert detail["loop"] == "points back to ."


def test_links_are_recorded_and_resolved_like_obsidian(trap_vault, index):
    scan_vault(trap_vault, index)
    assert index.get("hub.md").links == (
        Link("gps"), Link("lessons/debugging"), Link("gps", alias="the tracker"), Link("gps", heading="Numbers"),
        Link("image.png", embed=True), Link("doc.pdf"), Link("Missing note"))
    assert index.get("hub.md").tags == ("hub", "inline")
    assert index.resolve_link("GPS") == "projects/gps.md"
    assert index.resolve_link("lessons/debugging") == "lessons/debugging.md"
    assert index.resolve_link("Missing note") is None and index.resolve_link("doc.pdf") is None
    assert index.backlinks("projects/gps.md") == ["hub.md", "lessons/debugging.md"]
    assert index.backlinks("Missing note") == ["hub.md"]


def test_scanning_never_changes_the_vault(trap_vault, tmp_path):
    before = digests(trap_vault)
    with Index.open(tmp_path / "state" / "brain.db") as ix:
        scan_vault(trap_vault, ix)
        scan_vault(trap_vault, ix)
    assert digests(trap_vault) == before


def test_size_cap_is_configurable(trap_vault, index):
    report = scan_vault(trap_vault, index, max_bytes=1024)
    too_large = {s.path for s in report.skipped if s.reason == "too large"}
    assert too_large == {"huge.md", "long.md"}


def test_progress_reports_every_note(trap_vault, index):
    calls = []
    scan_vault(trap_vault, index, progress=lambda done, total, path: calls.append((done, total, path)))
    total = calls[-1][1]
    assert calls[-1] == (total, total, "") and [c[0] for c in calls] == list(range(total + 1))


def test_missing_vault_raises(tmp_path, index):
    with pytest.raises(NotADirectoryError):
        scan_vault(tmp_path / "nope", index)


def test_index_inside_the_vault_is_refused(tmp_path):
    (tmp_path / "a.md").write_text("x")
    with Index.open(tmp_path / ".brain" / "brain.db") as ix, pytest.raises(ValueError, match="inside the vault"):
        scan_vault(tmp_path, ix)


# --- incremental re-index --------------------------------------------------------------------


def small_vault(root: Path) -> Path:
    for name, text in {"a.md": "# A\n\nalpha", "b.md": "# B\n\nbravo", "sub/c.md": "# C\n\ncharlie"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def counts(report) -> tuple[int, int, int, int]:
    return report.indexed, report.unchanged, report.renamed, report.removed


def test_incremental_touch_edit_rename_delete(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    assert counts(scan_vault(vault, index)) == (3, 0, 0, 0)
    assert counts(scan_vault(vault, index)) == (0, 3, 0, 0)
    os.utime(vault / "a.md", ns=(1, 1_000_000_000))  # touched, same bytes
    assert counts(scan_vault(vault, index)) == (0, 3, 0, 0)
    assert index.file_states()["a.md"].mtime_ns == 1_000_000_000
    (vault / "b.md").write_text("# B\n\nbravo, edited")
    assert counts(scan_vault(vault, index)) == (1, 2, 0, 0)
    assert "edited" in index.get("b.md").body
    (vault / "sub/c.md").rename(vault / "moved.md")
    report = scan_vault(vault, index)
    assert counts(report) == (0, 2, 1, 0) and report.renames == [("sub/c.md", "moved.md")]
    assert index.get("sub/c.md") is None and index.get("moved.md").title == "C"
    (vault / "a.md").unlink()
    assert counts(scan_vault(vault, index)) == (0, 2, 0, 1)
    assert index.get("a.md") is None and index.search("alpha") == []


def test_renamed_and_edited_is_delete_plus_add(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    scan_vault(vault, index)
    (vault / "a.md").rename(vault / "z.md")
    (vault / "z.md").write_text("# A\n\nalpha, changed")
    assert counts(scan_vault(vault, index)) == (1, 2, 0, 1)


def test_a_crash_mid_scan_leaves_the_previous_index(tmp_path, index):
    vault = small_vault(tmp_path / "v")
    scan_vault(vault, index)
    before = list(index.notes())
    (vault / "a.md").write_text("# A\n\nchanged")
    (vault / "b.md").unlink()

    def crash(done, total, path):
        if path == "sub/c.md":  # after a.md was re-indexed, before b.md's removal
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scan_vault(vault, index, progress=crash)
    assert list(index.notes()) == before


def test_a_note_that_cannot_be_read_now_is_kept(tmp_path, index, monkeypatch):
    vault = small_vault(tmp_path / "v")
    scan_vault(vault, index)
    (vault / "a.md").write_text("# A\n\nnew text")
    _make_unreadable(vault / "a.md", monkeypatch)
    os.chmod(vault / "a.md", 0)
    report = scan_vault(vault, index)
    assert [(s.path, s.reason) for s in report.skipped] == [("a.md", "unreadable")]
    assert report.removed == 0 and index.get("a.md").body == "# A\n\nalpha"


def test_notes_in_a_folder_that_cannot_be_listed_are_kept(tmp_path, index, monkeypatch):
    vault = small_vault(tmp_path / "v")
    scan_vault(vault, index)
    real_scandir = os.scandir

    def refuse(path):
        if Path(path) == vault / "sub":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    report = scan_vault(vault, index)
    assert [str(s) for s in report.skipped] == ["sub: unreadable folder (Permission denied)"]
    assert report.removed == 0 and index.get("sub/c.md") is not None


def test_a_parser_upgrade_reparses_unchanged_files(tmp_path, index, monkeypatch):
    vault = small_vault(tmp_path / "v")
    scan_vault(vault, index)
    monkeypatch.setattr(parse_module, "PARSER_VERSION", 999)
    monkeypatch.setattr("trainer.vault.scan.PARSER_VERSION", 999)
    assert counts(scan_vault(vault, index)) == (3, 0, 0, 0)
    assert counts(scan_vault(vault, index)) == (0, 3, 0, 0)


# --- the index itself ------------------------------------------------------------------------


def test_a_note_reads_back_exactly_as_parsed(tmp_path, index):
    raw = HUB.encode()
    note = parse_note("hub.md", raw, 123).note
    index.put(note)
    assert index.get("hub.md") == note
    assert index.count() == 1 and index.stats().links == len(note.links)


def test_search_weights_title_above_body(index):
    index.put(parse_note("body.md", b"# Something\n\npostgres postgres postgres").note)
    index.put(parse_note("title.md", b"# Postgres over Mongo\n\nwhy I chose it").note)
    hits = index.search("postgres")
    assert [h.path for h in hits] == ["title.md", "body.md"]
    assert "**postgres**" in hits[1].snippet.lower() and hits[0].score > hits[1].score


def test_search_any_word_when_no_note_has_all(index):
    index.put(parse_note("a.md", b"climbing wall").note)
    index.put(parse_note("b.md", b"finance dashboard").note)
    assert [h.path for h in index.search("climbing dashboard")] in (["a.md", "b.md"], ["b.md", "a.md"])
    assert [h.path for h in index.search("climbing wall")] == ["a.md"]


def test_short_queries_fall_back_to_like(index):
    index.put(parse_note("zh.md", ZH_NOTE.encode()).note)
    index.put(parse_note("ai.md", b"# Kettle AI\n\nmaintains things").note)
    index.put(parse_note("other.md", b"maintains nothing").note)
    assert [h.path for h in index.search("闪卡")] == ["zh.md"]
    assert [h.path for h in index.search("AI")] == ["ai.md"]  # a word, not the "ai" in "maintains"
    assert [h.path for h in index.search("闪卡 机器人")] == ["zh.md"]
    assert index.search("  ") == []
    assert index.search('"quotes" 100% a_b') == []


def test_resolve_link_prefers_the_nearest_of_equal_names(index):
    for path in ("a/note.md", "b/note.md", "note.md"):
        index.put(parse_note(path, b"x").note)
    assert index.resolve_link("note") == "note.md"
    assert index.resolve_link("note", src="b/other.md") == "b/note.md"
    assert index.resolve_link("A/Note.md") == "a/note.md"


def test_schema_version_and_migrations(tmp_path, monkeypatch):
    db = tmp_path / "brain.db"
    Index.open(db).close()
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 1
    import trainer.vault.index as index_module
    step = "ALTER TABLE notes ADD COLUMN extra TEXT NOT NULL DEFAULT 'x';"
    monkeypatch.setattr(index_module, "MIGRATIONS", [*index_module.MIGRATIONS, step])
    with Index.open(db) as ix:
        ix.put(parse_note("a.md", b"kept").note)
    with Index.open(db) as ix:  # a second open runs nothing again
        assert ix.get("a.md").body == "kept"
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 2


def test_newer_or_corrupt_index_is_refused_clearly(tmp_path):
    db = tmp_path / "brain.db"
    sqlite3.connect(db).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(IndexUnavailable, match="newer"):
        Index.open(db)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexUnavailable, match="delete it"):
        Index.open(junk)


# --- the shared sample vault -----------------------------------------------------------------


def test_sample_vault_traps(sample_vault, index):
    traps = json.loads((SHARED / "sample-vault-traps.json").read_text())
    report = scan_vault(sample_vault, index)
    warned = {(w.path, w.reason) for w in report.warnings}
    skipped = {s.path: s.reason for s in report.skipped}
    assert index.get(traps["crlf"]).body.count("\r") == 0
    assert not index.get(traps["bom"]).body.startswith("\ufeff") and index.get(traps["bom"]).title.startswith("学习日记")
    assert (traps["invalid_utf8"], "invalid UTF-8") in warned and "Café" in index.get(traps["invalid_utf8"]).body
    for path in traps["broken_frontmatter"]:
        assert (path, "broken frontmatter") in warned and index.get(path).body.strip()
    for path in traps["empty"]:
        assert (path, "empty note") in warned and index.get(path) is not None
    for path in traps["no_frontmatter"]:
        assert index.get(path).frontmatter == {} and path not in {w.path for w in report.warnings}
    long_note = traps["long_note"]
    assert index.get(long_note).body == (sample_vault / long_note).read_text().split("---\n", 2)[2]
    for path in traps["not_notes"]:
        assert index.get(path) is None
        assert skipped.get(path) == "not a note" or skipped.get(path.split("/")[0]) == "hidden folder"


def test_sample_vault_links(sample_vault, index):
    scan_vault(sample_vault, index)
    dangling = Link("Vipassana retreat")
    assert dangling in index.get("journal/2025-03-14.md").links
    assert index.resolve_link("Vipassana retreat") is None
    assert Link("gps-tracker", heading="Numbers") in index.get("lessons/estimates.md").links
    assert Link("homelab-k3s", alias="home lab") in index.get("projects/finance-dashboard.md").links
    assert Link("diagram.png", embed=True) in index.get("projects/gps-tracker.md").links
    assert Link("notes.pdf") in index.get("projects/newsletter.md").links
    assert index.resolve_link("lessons/debugging") == "lessons/debugging.md"
    assert index.resolve_link("学习日记-2025-05") == "zh/学习日记-2025-05.md"
    assert "lessons/estimates.md" in index.backlinks("projects/gps-tracker.md")


def test_sample_vault_chinese_search_and_untouched_bytes(sample_vault, index):
    before = digests(sample_vault)
    scan_vault(sample_vault, index)
    assert index.search("闪卡机器人")[0].path == "zh/学习日记-2025-08.md"
    assert index.search("postgres")[0].path == "decisions/2024-02-postgres-over-mongodb.md"
    assert counts(scan_vault(sample_vault, index)) == (0, index.count(), 0, 0)
    assert digests(sample_vault) == before


def test_other_writers_are_not_locked_out_during_a_walk(tmp_path, index):
    """The TUI's grounded chat, the server and `brain train` write to the index too: while a scan
    reads its notes, another connection that will not wait at all still gets to write."""
    vault = tmp_path / "v"
    vault.mkdir()
    for i in range(250):
        (vault / f"n{i:03d}.md").write_text(f"# Note {i}\n\nbody {i}\n")
    writes = []

    def write_elsewhere(done, total, path):
        if done % 50 == 25:
            other = sqlite3.connect(index.path, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("INSERT OR REPLACE INTO meta VALUES ('other-writer', ?)", (path,))
                other.execute("COMMIT")
                writes.append(path)
            finally:
                other.close()

    report = scan_vault(vault, index, progress=write_elsewhere)
    assert report.indexed == 250 and len(writes) == 5
    assert index.get_meta("other-writer") == "n225.md"


def test_a_file_swapped_for_a_symlink_after_the_walk_is_not_followed(tmp_path, index, monkeypatch):
    """Between the walk and the read a note is replaced by a link to a file outside: not read."""
    from trainer.vault import scan as scan_module

    vault = small_vault(tmp_path / "v")
    (tmp_path / "secret").write_text("aws_secret_access_key = planted")
    real_walk = scan_module.walk_vault

    def walk_then_swap(root):
        found = real_walk(root)
        (vault / "a.md").unlink()
        os.symlink(tmp_path / "secret", vault / "a.md")
        return found

    monkeypatch.setattr(scan_module, "walk_vault", walk_then_swap)
    report = scan_vault(vault, index)
    assert ("a.md", "unreadable") in {(s.path, s.reason) for s in report.skipped}
    assert all("planted" not in note.body for note in index.notes())

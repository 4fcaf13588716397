"""Walk a vault and bring its index up to date, incrementally and strictly read-only.

A file is re-read only when its size or mtime changed, and re-parsed only when its bytes did
(sha256). A note that vanished from one path and appeared at another with the same bytes is a
rename. Bad input never stops the scan: every file that is skipped, or indexed with a problem,
comes back as one `Skip(path, reason, detail)` line. Files that resolve outside the vault (a
symlink to ~/.aws/credentials, a linked folder elsewhere) are never read.

Parsing happens outside any transaction and the results are written in short batches, so the
TUI, the API server and `brain train` can read and write the index while a long walk runs.
Notes are removed only once a walk is complete: a crash or Ctrl+C never removes a note, and
loses at most the batch being written.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from trainer.vault.forgotten import load_forgotten
from trainer.vault.index import Index, now_iso
from trainer.vault.note import Note
from trainer.vault.parse import PARSE_BUDGET_S, PARSER_VERSION, content_hash, is_note_name, looks_binary, parse_note

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
BATCH_NOTES = 100  # notes per write transaction...
BATCH_BYTES = 8 * 1024 * 1024  # ...or this much note text...
BATCH_SECONDS = 0.5  # ...or this long since the first one waited, whichever comes first
Progress = Callable[[int, int, str], None]  # (done, total, path being read)
Scrub = Callable[[str], str]  # private values -> typed placeholders (trainer.data.scrub.IndexScrub)


class VaultUnavailable(NotADirectoryError):
    """The vault folder is missing, or looks unplugged: nothing is removed from the index."""


@dataclass(frozen=True)
class Skip:
    path: str  # vault-relative POSIX path ("." for the vault itself)
    reason: str  # short category: "not a note", "too large", "broken frontmatter"
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class ScanReport:
    indexed: int = 0  # new or changed notes parsed and written
    unchanged: int = 0
    renamed: int = 0
    removed: int = 0
    skipped: list[Skip] = field(default_factory=list)  # not indexed
    warnings: list[Skip] = field(default_factory=list)  # indexed, with a problem
    renames: list[tuple[str, str]] = field(default_factory=list)  # (old path, new path)

    @property
    def notes(self) -> int:
        return self.indexed + self.unchanged + self.renamed

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(s.reason for s in self.skipped)

    def warnings_by_reason(self) -> Counter[str]:
        return Counter(w.reason for w in self.warnings)


@dataclass(frozen=True)
class Candidate:
    """A file that looks like a note, with the stat taken while walking (symlinks followed)."""

    rel: str
    path: Path  # inside the vault, with no symlink as its last part (a link's resolved target)
    size: int
    mtime_ns: int


def scan_vault(vault: Path, index: Index, progress: Progress | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, rehash: bool = False,
               parse_budget_s: float | None = PARSE_BUDGET_S, scrub: Scrub | None = None) -> ScanReport:
    """Bring `index` in line with the notes in `vault`. Raises only if `vault` is not a folder.
    `rehash` reads every note even when its size and mtime look unchanged (the sync's periodic
    reconciliation: an edit that kept both is still found). A note that takes longer than
    `parse_budget_s` to parse is indexed as plain text and reported. `scrub` replaces private
    values in what is stored (title, body, headings, frontmatter, link aliases); the content hash
    stays that of the raw bytes. It is passed in because this layer may not import the scrub
    (trainer/data): every caller builds it from the user's [scrub] settings
    (`trainer.data.scrub.IndexScrub`); tests/test_index_scrub.py fails if a caller leaves it out."""
    vault = Path(vault)
    check_vault(vault, index.count())
    _refuse_index_inside(vault, index)
    candidates, skipped = walk_vault(vault)
    scan = _Scan(index, max_bytes, ScanReport(skipped=skipped), rehash, parse_budget_s, scrub)
    for done, candidate in enumerate(candidates):
        if progress:
            progress(done, len(candidates), candidate.rel)
        scan.file(candidate)
    scan.flush()
    if not vault.is_dir():  # unplugged during the walk: its notes "vanished", but are not gone
        raise VaultUnavailable(f"the vault folder {vault} disappeared during the scan (unplugged?); "
                               "nothing was removed from the index")
    with index.transaction():
        scan.finish()
    index.set_meta("vault", str(vault.resolve()))  # where an answer reads a phone number asked for
    if progress:
        progress(len(candidates), len(candidates), "")
    scan.report.warnings = [Skip(*w) for w in index.warnings()]
    return scan.report


def check_vault(vault: Path, indexed: int) -> None:
    """Raise VaultUnavailable when scanning `vault` would wrongly count every note as deleted: the
    folder is missing (an unplugged disk, a network share down) or has nothing visible at its top
    although `indexed` notes were found there before (the empty mount point of an unplugged disk)."""
    try:
        if not vault.is_dir():
            raise VaultUnavailable(f"vault is not a folder: {vault}" + (
                f" (it held {indexed} notes: an unplugged disk? nothing was removed)" if indexed else ""))
        with os.scandir(vault) as entries:
            empty = not any(not hidden(e.name) for e in entries)
    except OSError as exc:  # permission denied, a dead network mount (EIO, ENOTCONN)
        raise VaultUnavailable(f"the vault folder {vault} cannot be read: {exc.strerror or exc}") from exc
    if empty and indexed:
        raise VaultUnavailable(
            f"the vault folder {vault} is empty, but {indexed} notes were indexed from it: an unplugged disk "
            "or an empty mount point? Nothing was removed. If you emptied it on purpose, run "
            "`brain index --rebuild`.")


def _refuse_index_inside(vault: Path, index: Index) -> None:
    """The vault is read-only: an index stored inside it would write there."""
    if index.path.resolve().is_relative_to(vault.resolve()):
        raise ValueError(f"the index {index.path} is inside the vault; move the data folder (BRAIN_HOME)")


class _Scan:
    """State of one scan: what the index knew, what was seen on disk, what was written."""

    def __init__(self, index: Index, max_bytes: int, report: ScanReport, rehash: bool = False,
                 parse_budget_s: float | None = PARSE_BUDGET_S, scrub: Scrub | None = None):
        self.index, self.max_bytes, self.report, self.rehash = index, max_bytes, report, rehash
        self.parse_budget_s, self.scrub = parse_budget_s, scrub
        self.known = index.file_states()
        # a new parser or a different scrub (none before, or new [scrub] settings): read every note again
        self.reparse = (index.get_meta("parser_version") != str(PARSER_VERSION)
                        or index.get_meta("scrub") != scrub_fingerprint(scrub))
        self.seen: set[str] = set()
        self.new: dict[str, str] = {}  # path not in the index before -> content hash
        self.forgotten = load_forgotten(index.path.parent)  # `brain forget`: never indexed again
        self.batch: list[Callable[[], None]] = []  # writes waiting for the next short transaction
        self.batch_bytes, self.batch_since = 0, 0.0

    def later(self, write: Callable[[], None], size: int = 0) -> None:
        """Queue one write; commit the batch once it is big or old enough."""
        if not self.batch:
            self.batch_since = time.monotonic()
        self.batch.append(write)
        self.batch_bytes += size
        if (len(self.batch) >= BATCH_NOTES or self.batch_bytes >= BATCH_BYTES
                or time.monotonic() - self.batch_since >= BATCH_SECONDS):
            self.flush()

    def flush(self) -> None:
        """Write the queued notes in one short transaction (the index lock is held only here)."""
        if self.batch:
            with self.index.transaction():
                for write in self.batch:
                    write()
        self.batch, self.batch_bytes = [], 0

    def file(self, c: Candidate) -> None:
        self.seen.add(c.rel)  # present on disk: never removed, even when it cannot be read now
        old = self.known.get(c.rel)
        if self.forgotten.path(c.rel):
            return self.skip(c.rel, "forgotten", "`brain forget` removed it; `brain forget --undo` lets it back", drop=True)
        if c.size > self.max_bytes:
            return self.skip(c.rel, "too large", _over_cap(c.size, self.max_bytes), drop=True)
        if old and not self.reparse and not self.rehash and (old.size, old.mtime_ns) == (c.size, c.mtime_ns):
            self.report.unchanged += 1
            return None
        raw = self.read(c)
        if raw is not None:
            self.store(c, raw, old)
        return None

    def read(self, c: Candidate) -> bytes | None:
        try:
            raw = read_bytes(c.path, self.max_bytes)
        except FileNotFoundError:
            return self.skip(c.rel, "vanished", "deleted while the scan ran", drop=True)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return self.skip(c.rel, "unreadable", "became a symlink while the scan ran; not followed")
            return self.skip(c.rel, "unreadable", exc.strerror or str(exc))
        if len(raw) > self.max_bytes:
            return self.skip(c.rel, "too large", f"grew past the {_mib(self.max_bytes)} cap", drop=True)
        if looks_binary(raw):
            return self.skip(c.rel, "binary content", "NUL bytes in a note-named file", drop=True)
        return raw

    def store(self, c: Candidate, raw: bytes, old) -> None:
        digest = content_hash(raw)
        if self.forgotten.content(digest):
            self.skip(c.rel, "forgotten", "same content as a note `brain forget` removed", drop=True)
            return
        if old and not self.reparse and old.content_hash == digest:
            self.later(lambda: self.index.touch(c.rel, c.size, c.mtime_ns))
            self.report.unchanged += 1
            return
        try:
            parsed = parse_note(c.rel, raw, c.mtime_ns, self.parse_budget_s)
        except Exception as exc:  # noqa: BLE001 - one bad note must never stop the scan
            self.skip(c.rel, "parse failed", f"{type(exc).__name__}: {exc}", drop=True)
            return
        note = scrubbed(parsed.note, self.scrub) if self.scrub else parsed.note
        self.later(lambda: self.index.put(note, parsed.problems), len(raw))
        if old is None:
            self.new[c.rel] = digest
        self.report.indexed += 1

    def skip(self, rel: str, reason: str, detail: str, drop: bool = False) -> None:
        """Report a file; `drop` also takes it out of the index (it is no longer indexable)."""
        self.report.skipped.append(Skip(rel, reason, detail))
        if drop:
            self.seen.discard(rel)

    def hidden_by_error(self, path: str) -> bool:
        """Notes under a folder that could not be listed this time are kept, not removed."""
        unlisted = [s.path for s in self.report.skipped if s.reason == "unreadable folder"]
        blocked = ["" if folder == "." else folder + "/" for folder in unlisted]
        return any(path.startswith(prefix) for prefix in blocked)

    def finish(self) -> None:
        """Pair vanished notes with new ones of the same bytes (renames); remove the rest."""
        gone = sorted(p for p in set(self.known) - self.seen if not self.hidden_by_error(p))
        by_hash = {}
        for path in gone:
            by_hash.setdefault(self.known[path].content_hash, []).append(path)
        for path, digest in sorted(self.new.items()):
            if by_hash.get(digest):
                self.report.renames.append((by_hash[digest].pop(0), path))
        renamed = {old for old, _ in self.report.renames}
        for path in gone:
            self.index.delete(path)
        self.report.renamed = len(renamed)
        self.report.indexed -= len(renamed)
        self.report.removed = len(gone) - len(renamed)
        self.index.set_meta("parser_version", str(PARSER_VERSION))
        self.index.set_meta("scrub", scrub_fingerprint(self.scrub))
        self.index.set_meta("last_scan", now_iso())


def scrub_fingerprint(scrub: Scrub | None) -> str:
    """What the index records about the scrub its notes went through; a change re-reads them."""
    return "off" if scrub is None else str(getattr(scrub, "fingerprint", "on"))


def scrubbed(note: Note, scrub: Scrub) -> Note:
    """The note as the index may keep it: every text a person wrote, scrubbed. Paths and link
    targets stay (they name notes, and links must resolve); headings keep their line numbers
    because the scrub keeps a replaced value's line breaks."""
    return replace(
        note, title=scrub(note.title), body=scrub(note.body), frontmatter=_scrub_values(note.frontmatter, scrub),
        tags=tuple(scrub(t) for t in note.tags),
        links=tuple(replace(ln, alias=scrub(ln.alias)) if ln.alias else ln for ln in note.links),
        headings=tuple(replace(h, text=scrub(h.text)) for h in note.headings))


def _scrub_values(value, scrub: Scrub):
    """Strings inside frontmatter (nested lists and maps too); keys, numbers and dates stay."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrub_values(v, scrub) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_values(v, scrub) for v in value]
    return value


def _over_cap(size: int, cap: int) -> str:
    shown = f"{_mib(size)} > {_mib(cap)} cap"
    return shown if _mib(size) != _mib(cap) else f"{size:,} bytes > {cap:,} bytes cap"


def _mib(size: int) -> str:
    """Human size: "2.0 MiB", "4.9 KiB"."""
    return f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size / 1024:.1f} KiB"


def read_bytes(path: Path, limit: int) -> bytes:
    """At most limit + 1 bytes, read-only; no atime update where the OS allows, never blocking
    on a FIFO that replaced the file after the walk, and never following a symlink that did
    (the walk checked where the note resolves; a link swapped in later could point anywhere)."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_NOATIME", 0))
    except PermissionError:  # O_NOATIME needs ownership; retry plainly
        fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as f:
        return f.read(limit + 1)


# --- walking --------------------------------------------------------------------------------


def hidden(name: str) -> bool:
    """Names the walk never enters or indexes: .obsidian, .git, .DS_Store, editors' temp files."""
    return name.startswith(".")


def watched_path(rel: str, is_dir: bool) -> bool:
    """Whether a change at vault-relative `rel` can matter to the index, by the walk's own name
    rules (hidden folders and files, files that are not notes), without touching the disk.
    The file watcher asks this, so it ignores exactly what the scan ignores."""
    parts = [p for p in rel.split("/") if p]
    if not parts or any(hidden(p) for p in parts):
        return False
    return is_dir or is_note_name(parts[-1])


def walk_vault(vault: Path) -> tuple[list[Candidate], list[Skip]]:
    """Notes under `vault` (sorted) and a Skip for everything else worth mentioning."""
    walker = _Walker(Path(vault))
    walker.run()
    return sorted(walker.found, key=lambda c: c.rel), walker.skipped


class _Walker:
    """Depth-first walk that follows symlinks inside the vault only: a link to a folder holding
    the vault (., .., ~, /) is a loop, a link to a folder inside the vault is scanned at its real
    path, and anything that resolves outside the vault (a linked folder elsewhere, a note linked
    to ~/.aws/credentials) is skipped and reported, never read: the vault is what the user
    chose to share with brain. Hidden folders (.obsidian, .git) get one line."""

    def __init__(self, vault: Path):
        self.vault = vault
        self.real = vault.resolve()
        self.found: list[Candidate] = []
        self.skipped: list[Skip] = []
        self.seen: set[tuple[int, int]] = set()

    def run(self) -> None:
        root = _dir_id(os.stat(self.vault))
        self.seen.add(root)
        stack = [(self.vault, "", (root,))]
        while stack:
            folder, rel, chain = stack.pop()
            subs = [self.visit(e, f"{rel}/{e.name}" if rel else e.name, chain) for e in self.entries(folder, rel)]
            stack.extend(reversed([sub for sub in subs if sub]))  # popped in name order

    def entries(self, folder: Path, rel: str) -> list[os.DirEntry]:
        try:
            with os.scandir(folder) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.skipped.append(Skip(rel or ".", "unreadable folder", exc.strerror or str(exc)))
            return []

    def visit(self, entry: os.DirEntry, rel: str, chain: tuple):
        """Classify one entry; return (path, rel, chain) for a folder to descend into."""
        if not _valid_name(entry.name):
            return self.skip(_printable(rel), "bad file name", "not valid UTF-8")
        try:
            st = entry.stat()  # follows symlinks
        except OSError as exc:
            self.skipped.append(_stat_failure(entry, rel, exc))
            return None
        if stat.S_ISDIR(st.st_mode):
            return self.folder(entry, rel, _dir_id(st), chain)
        reason = _file_skip(entry.name, st)
        if reason:
            return self.skip(rel, *reason)
        path = Path(entry.path)
        if entry.is_symlink():
            path = path.resolve()
            if not path.is_relative_to(self.real):
                return self.skip(rel, "outside the vault", f"symlink to {_link_target(entry)}; not read")
        self.found.append(Candidate(rel, path, st.st_size, st.st_mtime_ns))
        return None

    def folder(self, entry: os.DirEntry, rel: str, key: tuple, chain: tuple):
        if hidden(entry.name):
            return self.skip(rel, "hidden folder")
        target = Path(entry.path).resolve() if entry.is_symlink() else None
        if key in chain or (target and self.real.is_relative_to(target)):
            return self.skip(rel, "symlink loop", f"points back to {_link_target(entry)}")
        if key in self.seen or (target and target.is_relative_to(self.real)):
            return self.skip(rel, "folder seen twice", f"symlink to {_link_target(entry)}, scanned there")
        if target:
            return self.skip(rel, "outside the vault", f"symlink to {_link_target(entry)}; not read")
        self.seen.add(key)
        return Path(entry.path), rel, (*chain, key)

    def skip(self, rel: str, reason: str, detail: str = "") -> None:
        self.skipped.append(Skip(rel, reason, detail))


def _file_skip(name: str, st: os.stat_result) -> tuple[str, str] | None:
    if hidden(name):
        return ("hidden file", "")
    if not stat.S_ISREG(st.st_mode):
        return ("not a regular file", "FIFO, socket or device")
    if not is_note_name(name):
        return ("not a note", Path(name).suffix.lower() or "no extension")
    return None


def _stat_failure(entry: os.DirEntry, rel: str, exc: OSError) -> Skip:
    if exc.errno == errno.ELOOP:
        return Skip(rel, "symlink loop", f"points to {_link_target(entry)}")
    if entry.is_symlink() and exc.errno == errno.ENOENT:
        return Skip(rel, "broken symlink", f"points to {_link_target(entry)}")
    return Skip(rel, "unreadable", exc.strerror or str(exc))


def _link_target(entry: os.DirEntry) -> str:
    try:
        return os.readlink(entry.path)
    except OSError:
        return "?"


def _dir_id(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


def _valid_name(name: str) -> bool:
    """Names that are not UTF-8 arrive with surrogate escapes; SQLite cannot store those."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(rel: str) -> str:
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")

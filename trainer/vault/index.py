"""The note index: one SQLite file (WAL) per vault with notes, links, headings and full-text search.

Derivable from the vault, so safe to delete: a scan rebuilds it. Schema changes are ordered
migrations counted by PRAGMA user_version (as oterm and simonw/llm do). Full-text search uses
FTS5's trigram tokenizer, which needs no word boundaries and so works for Chinese; terms shorter
than three characters cannot match trigrams and fall back to LIKE.
"""

from __future__ import annotations

import json
import posixpath
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from trainer.db import transaction
from trainer.vault.note import Heading, Link, Note
from trainer.vault.parse import link_key

MIGRATIONS = [
    # 1: notes, links, headings, trigram FTS kept in sync by triggers, key-value meta.
    """
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,            -- stable rowid for the FTS table (VACUUM-safe)
        path TEXT NOT NULL UNIQUE,         -- vault-relative POSIX path: the note's identity
        title TEXT NOT NULL,
        date TEXT,
        tags TEXT NOT NULL DEFAULT '[]',         -- JSON list
        frontmatter TEXT NOT NULL DEFAULT '{}',  -- JSON object
        body TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        indexed_at TEXT NOT NULL,
        key TEXT NOT NULL,                 -- link_key(path): "projects/gps-tracker"
        stem TEXT NOT NULL,                -- last part of key: "gps-tracker"
        warnings TEXT NOT NULL DEFAULT '[]'      -- JSON [[reason, detail], ...] from parsing
    );
    CREATE INDEX notes_stem ON notes(stem);
    CREATE INDEX notes_hash ON notes(content_hash);
    CREATE TABLE links (
        src TEXT NOT NULL REFERENCES notes(path) ON DELETE CASCADE ON UPDATE CASCADE,
        target TEXT NOT NULL,
        target_key TEXT NOT NULL,
        heading TEXT NOT NULL DEFAULT '',
        alias TEXT NOT NULL DEFAULT '',
        embed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX links_src ON links(src);
    CREATE INDEX links_target ON links(target_key);
    CREATE TABLE headings (
        path TEXT NOT NULL REFERENCES notes(path) ON DELETE CASCADE ON UPDATE CASCADE,
        level INTEGER NOT NULL,
        text TEXT NOT NULL,
        line INTEGER NOT NULL
    );
    CREATE INDEX headings_path ON headings(path);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE VIRTUAL TABLE notes_fts USING fts5(
        title, tags, body, content='notes', content_rowid='id', tokenize='trigram');
    CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts(rowid, title, tags, body) VALUES (new.id, new.title, new.tags, new.body);
    END;
    CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, title, tags, body)
        VALUES ('delete', old.id, old.title, old.tags, old.body);
    END;
    CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, tags, body ON notes BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, title, tags, body)
        VALUES ('delete', old.id, old.title, old.tags, old.body);
        INSERT INTO notes_fts(rowid, title, tags, body) VALUES (new.id, new.title, new.tags, new.body);
    END;
    """,
]

UPSERT = """
INSERT INTO notes (path, title, date, tags, frontmatter, body, content_hash, size, mtime_ns,
                   indexed_at, key, stem, warnings)
VALUES (:path, :title, :date, :tags, :frontmatter, :body, :content_hash, :size, :mtime_ns,
        :indexed_at, :key, :stem, :warnings)
ON CONFLICT(path) DO UPDATE SET
    title = excluded.title, date = excluded.date, tags = excluded.tags,
    frontmatter = excluded.frontmatter, body = excluded.body, content_hash = excluded.content_hash,
    size = excluded.size, mtime_ns = excluded.mtime_ns, indexed_at = excluded.indexed_at,
    key = excluded.key, stem = excluded.stem, warnings = excluded.warnings
"""
TITLE_WEIGHT, TAGS_WEIGHT, BODY_WEIGHT = 10.0, 4.0, 1.0
SNIPPET_TOKENS = 48  # trigram tokens are about one character each


class IndexUnavailable(RuntimeError):
    """The index file cannot be used (corrupt, newer schema, SQLite without trigram FTS5)."""


@dataclass(frozen=True)
class SearchHit:
    path: str
    title: str
    date: str | None
    snippet: str  # matches wrapped in ** **
    score: float  # higher is better; comparable within one result list


@dataclass(frozen=True)
class IndexStats:
    notes: int
    links: int
    last_indexed: str | None  # ISO time of the last completed scan


@dataclass(frozen=True)
class FileState:
    """What the scanner compares to decide whether a file changed."""

    size: int
    mtime_ns: int
    content_hash: str


class Index:
    """One vault's index. Use from one thread; each thread opens its own."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, db_path: Path) -> Index:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(db_path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            _configure(conn)
            _migrate(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise IndexUnavailable(f"cannot use the index {db_path}: {exc} (delete it to rebuild)") from exc
        except IndexUnavailable:
            conn.close()
            raise
        return cls(conn, db_path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def transaction(self):
        """All writes inside commit together or not at all; nested uses join the outer one."""
        return transaction(self._conn)

    # --- writing ----------------------------------------------------------------------------

    def put(self, note: Note, warnings: Iterable[tuple[str, str]] = ()) -> None:
        """Insert or replace one note with its links, headings and parse warnings."""
        with self.transaction():
            self._conn.execute(UPSERT, _row(note, warnings))
            self._conn.execute("DELETE FROM links WHERE src = ?", (note.path,))
            self._conn.execute("DELETE FROM headings WHERE path = ?", (note.path,))
            self._conn.executemany(
                "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?)",
                [(note.path, ln.target, link_key(ln.target), ln.heading, ln.alias, ln.embed) for ln in note.links])
            self._conn.executemany(
                "INSERT INTO headings VALUES (?, ?, ?, ?)",
                [(note.path, h.level, h.text, h.line) for h in note.headings])

    def delete(self, path: str) -> None:
        """Remove a note; its links and headings go with it (foreign keys cascade)."""
        with self.transaction():
            self._conn.execute("DELETE FROM notes WHERE path = ?", (path,))

    def touch(self, path: str, size: int, mtime_ns: int) -> None:
        """Record new file times for a note whose bytes did not change."""
        with self.transaction():
            self._conn.execute("UPDATE notes SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, path))

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # --- reading ----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def get(self, path: str) -> Note | None:
        row = self._conn.execute("SELECT * FROM notes WHERE path = ?", (path,)).fetchone()
        return self._note(row) if row else None

    def notes(self) -> Iterator[Note]:
        """Every note, by path. Reads lazily, so a large vault never sits in memory at once."""
        rows = self._conn.execute("SELECT * FROM notes ORDER BY path")
        for row in rows:
            yield self._note(row)

    def count(self) -> int:
        return self._conn.execute("SELECT count(*) FROM notes").fetchone()[0]

    def file_states(self) -> dict[str, FileState]:
        rows = self._conn.execute("SELECT path, size, mtime_ns, content_hash FROM notes")
        return {path: FileState(size, mtime, digest) for path, size, mtime, digest in rows}

    def warnings(self) -> list[tuple[str, str, str]]:
        """(path, reason, detail) for every indexed note that had a problem when parsed."""
        rows = self._conn.execute("SELECT path, warnings FROM notes WHERE warnings != '[]' ORDER BY path")
        return [(path, reason, detail) for path, found in rows for reason, detail in json.loads(found)]

    def stats(self) -> IndexStats:
        notes = self.count()
        links = self._conn.execute("SELECT count(*) FROM links").fetchone()[0]
        last = self.get_meta("last_scan") or self._conn.execute("SELECT max(indexed_at) FROM notes").fetchone()[0]
        return IndexStats(notes, links, last)

    def _note(self, row: sqlite3.Row) -> Note:
        path = row["path"]
        links = self._conn.execute(
            "SELECT target, heading, alias, embed FROM links WHERE src = ? ORDER BY rowid", (path,))
        headings = self._conn.execute(
            "SELECT level, text, line FROM headings WHERE path = ? ORDER BY rowid", (path,))
        return Note(path=path, title=row["title"], body=row["body"], frontmatter=json.loads(row["frontmatter"]),
                    tags=tuple(json.loads(row["tags"])), links=tuple(Link(t, h, a, bool(e)) for t, h, a, e in links),
                    headings=tuple(Heading(*h) for h in headings), date=row["date"],
                    content_hash=row["content_hash"], size=row["size"], mtime_ns=row["mtime_ns"])

    # --- links ------------------------------------------------------------------------------

    def resolve_link(self, target: str, src: str | None = None) -> str | None:
        """The note a link points to, the way Obsidian resolves it: by file name or by a
        folder-qualified path, case-insensitively; among equals the one nearest `src`."""
        key = link_key(target)
        if not key:
            return None
        rows = self._conn.execute("SELECT path, key FROM notes WHERE stem = ?", (key.rsplit("/", 1)[-1],))
        candidates = [path for path, k in rows if k == key or k.endswith("/" + key)]
        return _nearest(candidates, src)

    def backlinks(self, name: str) -> list[str]:
        """Paths of notes that link to `name` (a note path, a link target, or a missing note)."""
        path = name if self._has(name) else self.resolve_link(name)
        if path is None:
            rows = self._conn.execute("SELECT DISTINCT src FROM links WHERE target_key = ?", (link_key(name),))
            return sorted(src for (src,) in rows)
        parts = link_key(path).split("/")
        suffixes = ["/".join(parts[i:]) for i in range(len(parts))]
        rows = self._conn.execute(
            f"SELECT DISTINCT src, target FROM links WHERE target_key IN ({','.join('?' * len(suffixes))})",
            suffixes)
        return sorted({src for src, target in rows if self.resolve_link(target, src) == path})

    def _has(self, path: str) -> bool:
        return self._conn.execute("SELECT 1 FROM notes WHERE path = ?", (path,)).fetchone() is not None

    # --- search -----------------------------------------------------------------------------

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Notes matching every word of `query` (any word, if none match them all), best first."""
        terms = query.split()
        if not terms:
            return []
        hits = self._search(terms, limit, "AND")
        if not hits and len(terms) > 1:
            hits = self._search(terms, limit, "OR")
        return hits

    def _search(self, terms: list[str], limit: int, op: str) -> list[SearchHit]:
        long = [t for t in terms if len(t) >= 3]
        short = [t for t in terms if len(t) < 3]
        if not long:
            return self._search_like(short, limit, op)
        return self._search_fts(long, short if op == "AND" else [], limit, op)

    def _search_fts(self, terms: list[str], short: list[str], limit: int, op: str) -> list[SearchHit]:
        match = f" {op} ".join('"' + t.replace('"', '""') + '"' for t in terms)
        like, params = _like_clauses(short, "AND", "n.")
        sql = f"""
            SELECT n.path, n.title, n.date,
                   snippet(notes_fts, -1, '**', '**', '…', {SNIPPET_TOKENS}),
                   bm25(notes_fts, {TITLE_WEIGHT}, {TAGS_WEIGHT}, {BODY_WEIGHT}) AS rank
            FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid
            WHERE notes_fts MATCH ? {'AND ' + like if like else ''}
            ORDER BY rank LIMIT ?"""
        rows = self._conn.execute(sql, [match, *params, limit])
        return [SearchHit(path, title, date, snip, -rank) for path, title, date, snip, rank in rows]

    def _search_like(self, terms: list[str], limit: int, op: str) -> list[SearchHit]:
        """Terms too short for trigrams ("AI", "闪卡"): LIKE narrows, Python matches and scores."""
        where, params = _like_clauses(terms, op)
        rows = self._conn.execute(f"SELECT path, title, date, tags, body FROM notes WHERE {where}", params)
        patterns = [_term_pattern(t) for t in terms]
        hits = [hit for row in rows if (hit := _like_hit(row, patterns, op))]
        return sorted(hits, key=lambda h: (-h.score, h.path))[:limit]


# --- helpers --------------------------------------------------------------------------------


def delete_index(db_path: Path) -> None:
    """Remove an index with its WAL files (it is derivable: the next scan rebuilds it)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")  # a replaced body (an unscrubbed one) leaves no copy in free pages
    conn.execute("PRAGMA busy_timeout = 30000")  # a scan in one worker must not fail a question in another


def _migrate(conn: sqlite3.Connection) -> None:
    """Run the migrations this file has not seen yet, each in its own transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise IndexUnavailable(f"the index has schema version {version}, newer than this brain "
                               f"knows ({len(MIGRATIONS)}): upgrade brain or delete the index")
    for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if "tokenizer" in str(exc):
                raise IndexUnavailable(f"this Python's SQLite {sqlite3.sqlite_version} has no FTS5 "
                                       "trigram tokenizer (needs SQLite >= 3.34)") from exc
            raise


def _row(note: Note, warnings: Iterable[tuple[str, str]]) -> dict:
    key = link_key(note.path)
    return {
        "path": note.path, "title": note.title, "date": note.date,
        "tags": json.dumps(list(note.tags), ensure_ascii=False),
        "frontmatter": json.dumps(note.frontmatter, ensure_ascii=False),
        "body": note.body, "content_hash": note.content_hash, "size": note.size,
        "mtime_ns": note.mtime_ns, "indexed_at": now_iso(), "key": key, "stem": key.rsplit("/", 1)[-1],
        "warnings": json.dumps([list(w) for w in warnings], ensure_ascii=False),
    }


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _nearest(paths: list[str], src: str | None) -> str | None:
    """Same folder as the linking note first, then the shortest path, then alphabetical."""
    folder = posixpath.dirname(src) if src else None
    ranked = sorted(paths, key=lambda p: (posixpath.dirname(p) != folder, p.count("/"), p))
    return ranked[0] if ranked else None


def _like_clauses(terms: list[str], op: str, table: str = "") -> tuple[str, list[str]]:
    clauses, params = [], []
    for term in terms:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(" + " OR ".join(f"{table}{col} LIKE ? ESCAPE '\\'" for col in ("title", "tags", "body")) + ")")
        params += [pattern] * 3
    return f" {op} ".join(clauses), params


def _term_pattern(term: str) -> re.Pattern:
    """ASCII words match whole words ("AI" is not in "maintain"); other scripts match anywhere."""
    pattern = re.escape(term)
    if term.isascii() and term.isalnum():
        pattern = rf"(?<![A-Za-z0-9]){pattern}(?![A-Za-z0-9])"
    return re.compile(pattern, re.IGNORECASE)


def _like_hit(row: sqlite3.Row, patterns: list[re.Pattern], op: str) -> SearchHit | None:
    path, title, date, tags, body = row
    counts = [(len(p.findall(title)), len(p.findall(tags)), len(p.findall(body))) for p in patterns]
    found = [sum(c) > 0 for c in counts]
    if not (all(found) if op == "AND" else any(found)):
        return None
    score = sum(TITLE_WEIGHT * bool(t) + TAGS_WEIGHT * bool(g) + BODY_WEIGHT * b for t, g, b in counts)
    return SearchHit(path, title, date, _snippet(body, patterns), score)


def _snippet(body: str, patterns: list[re.Pattern], width: int = 30) -> str:
    spots = [m for p in patterns if (m := p.search(body))]
    if not spots:
        return body[: 2 * width].replace("\n", " ")
    first = min(spots, key=lambda m: m.start())
    start, end = max(0, first.start() - width), first.end()
    text = body[start:first.start()] + "**" + first.group(0) + "**" + body[end:end + width]
    return ("…" if start else "") + text.replace("\n", " ") + ("…" if end + width < len(body) else "")

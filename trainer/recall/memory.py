"""A memory per contact for `brain serve`: what each bot conversation told the twin, kept apart.

A chat bot in front of `brain serve` talks to many people; a twin that forgets each of them
between messages answers "want to grab dinner?" with an unrelated story. So the server keeps
what each contact said (keyed by the OpenAI `user` field or an `X-Brain-Contact` header) in
`memory.db` beside the index, scrubbed of private values before it is stored, and puts that
contact's relevant earlier messages into the system prompt of their next request.

The contact's id never reaches the disk: a bot's `user` field is often a phone number or a
name, so rows are keyed by a keyed hash of it ("contact-3f2a…", HMAC with the vault's pseudonym
key beside memory.db). The server, `brain memory show alice` and the panel pass the id or that
pseudonym; either finds the same rows.

Never mixing contacts is the invariant: every read and every delete is filtered by the contact's
key inside the SQL, and a request without a key is neither remembered nor given any memory.
Deleting (`brain memory forget`, the TUI panel) compacts the file (FTS optimize, VACUUM, WAL
truncate) so the deleted text leaves the disk, not just the table.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from backends.base import Message
from trainer.data.chats.pseudonyms import load_key
from trainer.data.scrub import scrub_text
from trainer.db import transaction
from trainer.recall.retrieve import VERSION as TERMS_VERSION
from trainer.recall.terms import query_terms, terms

SCHEMA = """
CREATE TABLE IF NOT EXISTS memories (
    id INTEGER PRIMARY KEY,
    contact TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS memories_contact ON memories(contact, at);
CREATE VIRTUAL TABLE IF NOT EXISTS memories_fts USING fts5(terms);
"""
MAX_CONTACT_CHARS = 200
MAX_TEXT_CHARS = 2000
RECENT = 3  # the contact's latest messages always come back (what we were just talking about)
RELEVANT = 4  # plus the best term matches for the new message
PSEUDONYM = re.compile(r"contact-[0-9a-f]{12}")


@dataclass(frozen=True)
class Memory:
    id: int
    contact: str
    role: str
    text: str
    at: float


@dataclass(frozen=True)
class Contact:
    key: str
    messages: int
    first: float
    last: float


def contact_key(user: str | None, header: str | None) -> str | None:
    """The contact a request speaks for: the X-Brain-Contact header, else the OpenAI `user`
    field; None (no memory at all) when neither names one."""
    for raw in (header, user):
        key = (raw or "").strip()
        if key:
            return key[:MAX_CONTACT_CHARS]
    return None


class MemoryStore:
    """memory.db. One per thread; writes are short transactions. Every method takes a contact as
    the id the bot sent or as its pseudonym, and stores and returns only pseudonyms."""

    def __init__(self, conn: sqlite3.Connection, path: Path, key: bytes) -> None:
        self._conn, self.path, self._key = conn, path, key

    @classmethod
    def open(cls, path: Path) -> MemoryStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = load_key(path.with_name("pseudonym.key"))  # the vault's key (trainer.paths.pseudonym_key)
        conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed, not left in free pages
        with transaction(conn):
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
        store = cls(conn, path, key)
        store._pseudonymise_legacy()
        if conn.execute("PRAGMA user_version").fetchone()[0] != TERMS_VERSION:
            store._reindex()
        return store

    def _reindex(self) -> None:
        """The search terms of every memory again, after the term splitter changed (accents,
        new words), so what a contact said before still matches what they ask now."""
        rows = self._conn.execute("SELECT id, text FROM memories").fetchall()
        with transaction(self._conn):
            self._conn.execute("DELETE FROM memories_fts")
            self._conn.executemany("INSERT INTO memories_fts (rowid, terms) VALUES (?, ?)",
                                   [(i, " ".join(terms(text))) for i, text in rows])
            self._conn.execute(f"PRAGMA user_version = {int(TERMS_VERSION)}")

    def pseudonym(self, contact: str) -> str:
        """The key rows are stored under: a keyed hash of the contact's id (a pseudonym stays)."""
        if PSEUDONYM.fullmatch(contact):
            return contact
        return "contact-" + hmac.new(self._key, contact.encode(), hashlib.sha256).hexdigest()[:12]

    def _pseudonymise_legacy(self) -> None:
        """Rows written before pseudonyms carried the raw id: rekey them and take the ids off the disk."""
        raw = [r[0] for r in self._conn.execute("SELECT DISTINCT contact FROM memories")
               if not PSEUDONYM.fullmatch(r[0])]
        if raw:
            with transaction(self._conn):
                self._conn.executemany("UPDATE memories SET contact = ? WHERE contact = ?",
                                       [(self.pseudonym(c), c) for c in raw])
            self.compact()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- writing -----------------------------------------------------------------------------

    def remember(self, contact: str, role: str, text: str) -> Memory | None:
        """Store one message, scrubbed; empty text is not stored."""
        clean = scrub_text(text.strip()[:MAX_TEXT_CHARS]).text
        if not clean:
            return None
        contact, now = self.pseudonym(contact), time.time()
        with transaction(self._conn):
            cur = self._conn.execute("INSERT INTO memories (contact, role, text, at) VALUES (?, ?, ?, ?)",
                                     (contact, role, clean, now))
            self._conn.execute("INSERT INTO memories_fts (rowid, terms) VALUES (?, ?)",
                               (cur.lastrowid, " ".join(terms(clean))))
        return Memory(int(cur.lastrowid), contact, role, clean, now)

    def forget(self, contact: str, ids: list[int] | None = None) -> int:
        """Delete a contact's memory (or only the given entries of it); the file is compacted so
        the text leaves the disk. Returns how many entries went."""
        rows = self._conn.execute("SELECT id FROM memories WHERE contact = ?", (self.pseudonym(contact),)).fetchall()
        doomed = [r[0] for r in rows if ids is None or r[0] in set(ids)]
        with transaction(self._conn):
            self._conn.executemany("DELETE FROM memories_fts WHERE rowid = ?", [(i,) for i in doomed])
            self._conn.executemany("DELETE FROM memories WHERE id = ?", [(i,) for i in doomed])
        if doomed:
            self.compact()
        return len(doomed)

    def compact(self) -> None:
        self._conn.execute("INSERT INTO memories_fts(memories_fts) VALUES ('optimize')")
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.execute("VACUUM")
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- reading -----------------------------------------------------------------------------

    def contacts(self) -> list[Contact]:
        rows = self._conn.execute("SELECT contact, count(*), min(at), max(at) FROM memories "
                                  "GROUP BY contact ORDER BY max(at) DESC")
        return [Contact(*row) for row in rows]

    def messages(self, contact: str, limit: int = 1000) -> list[Memory]:
        """A contact's memory, oldest first."""
        rows = self._conn.execute("SELECT id, contact, role, text, at FROM memories WHERE contact = ? "
                                  "ORDER BY at DESC, id DESC LIMIT ?", (self.pseudonym(contact), limit)).fetchall()
        return [Memory(*row) for row in reversed(rows)]

    def recall(self, contact: str, message: str) -> list[Memory]:
        """What this contact said before that bears on `message`: their latest few messages plus
        the best term matches, oldest first. Only ever this contact's rows."""
        recent = self.messages(contact, RECENT)
        found = {m.id: m for m in recent}
        wanted = query_terms(message)
        if wanted:
            query = " OR ".join('"' + t.replace('"', '""') + '"' for t in wanted)
            rows = self._conn.execute(
                "SELECT m.id, m.contact, m.role, m.text, m.at FROM memories_fts f JOIN memories m ON m.id = f.rowid "
                "WHERE memories_fts MATCH ? AND m.contact = ? ORDER BY bm25(memories_fts) LIMIT ?",
                (query, self.pseudonym(contact), RELEVANT)).fetchall()
            found.update((row[0], Memory(*row)) for row in rows)
        return sorted(found.values(), key=lambda m: (m.at, m.id))


def memory_prompt(contact: str, memories: list[Memory]) -> str:
    """The system-prompt block a contact's memory adds."""
    lines = [f"Earlier in your conversations with {contact}, they said:"]
    lines += [f"- {m.text}" for m in memories if m.role == "user"]
    lines += [f"- (you replied) {m.text}" for m in memories if m.role == "assistant"]
    return "\n".join(lines)


def with_memory(db: Path, contact: str, messages: list[Message]) -> list[Message]:
    """The request's messages with the contact's relevant memory in the system message, and the
    new user message remembered (after recall, so it is not fed back to itself)."""
    last = next((m for m in reversed(messages) if m.role == "user"), None)
    if last is None:
        return messages
    with MemoryStore.open(db) as store:
        memories = store.recall(contact, last.content)
        store.remember(contact, "user", last.content)
    if not memories:
        return messages
    block = memory_prompt(contact, memories)
    if messages and messages[0].role == "system":
        return [Message("system", f"{messages[0].content}\n\n{block}"), *messages[1:]]
    return [Message("system", block), *messages]

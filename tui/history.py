"""Chat history: conversations and their messages, in one SQLite file per vault.

History is not derivable from the vault, so it lives in its own file (`chats.db`), apart from
the rebuildable index. Every change is one transaction and the journal is WAL with
synchronous=FULL: once a method returns, its message survives a crash of the app or the OS.
The schema is versioned with `PRAGMA user_version`; each step in MIGRATIONS upgrades by one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from trainer.db import transaction

MIGRATIONS = [
    """
    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
    """,
    # 2: whether the conversation answers from the notes (on unless the user turned it off)
    "ALTER TABLE conversations ADD COLUMN grounded INTEGER NOT NULL DEFAULT 1",
]
TITLE_CHARS = 48


class HistoryError(RuntimeError):
    """The history file cannot be used (e.g. written by a newer brain)."""


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    created: str
    updated: str
    grounded: bool = True  # answers come from the notes (ctrl+g in the chat turns it off)


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: int
    role: str
    content: str
    created: str


def now() -> str:
    """UTC ISO-8601 with microseconds: sorts as text, readable in the sqlite3 shell."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def title_from(text: str) -> str:
    """A conversation title from its first user message: first line, trimmed to fit the sidebar."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "") or "New chat"
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


class ChatHistory:
    """Owns one connection; use it from one thread (the TUI's event loop)."""

    def __init__(self, path: Path, scrub: Callable[[str], str] | None = None) -> None:
        """`scrub`: what is kept of a title or a message (`trainer.recall.private.for_history`:
        an answer may show a phone number read from a note; the history keeps it scrubbed)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.scrub = scrub or (lambda text: text)
        self._db = sqlite3.connect(path, isolation_level=None)  # explicit BEGIN/COMMIT below
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._migrate()

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise HistoryError(
                f"{self.path} has schema version {version}, newer than this brain knows "
                f"({len(MIGRATIONS)}). Upgrade brain to read it."
            )
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            # One script, one transaction: the schema change and its version number land together.
            try:
                self._db.executescript(f"BEGIN IMMEDIATE; {step}; PRAGMA user_version = {number}; COMMIT;")
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _write(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        with self._transaction():
            return self._db.execute(sql, params)

    def _transaction(self):
        return transaction(self._db)

    def conversations(self) -> list[Conversation]:
        rows = self._db.execute("SELECT * FROM conversations ORDER BY updated DESC, id DESC")
        return [_conversation(row) for row in rows]

    def get(self, conversation_id: int) -> Conversation | None:
        row = self._db.execute("SELECT * FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return _conversation(row) if row else None

    def create(self, title: str, grounded: bool = True) -> Conversation:
        stamp, title = now(), self.scrub(title)
        cur = self._write("INSERT INTO conversations (title, created, updated, grounded) VALUES (?, ?, ?, ?)",
                          (title, stamp, stamp, int(grounded)))
        return Conversation(cur.lastrowid, title, stamp, stamp, grounded)

    def set_grounded(self, conversation_id: int, grounded: bool) -> None:
        self._write("UPDATE conversations SET grounded = ? WHERE id = ?", (int(grounded), conversation_id))

    def rename(self, conversation_id: int, title: str) -> None:
        self._write("UPDATE conversations SET title = ? WHERE id = ?", (self.scrub(title.strip()) or "Untitled", conversation_id))

    def delete(self, conversation_id: int) -> None:
        """Deletes the conversation and, by cascade, its messages, in one transaction."""
        self._write("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def add_message(self, conversation_id: int, role: str, content: str) -> StoredMessage:
        """Saves one completed message and touches the conversation, atomically."""
        stamp, content = now(), self.scrub(content)
        with self._transaction():
            cur = self._db.execute(
                "INSERT INTO messages (conversation_id, role, content, created) VALUES (?, ?, ?, ?)",
                (conversation_id, role, content, stamp),
            )
            self._db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (stamp, conversation_id))
        return StoredMessage(cur.lastrowid, conversation_id, role, content, stamp)

    def messages(self, conversation_id: int) -> list[StoredMessage]:
        rows = self._db.execute(
            "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (conversation_id,)
        )
        return [StoredMessage(**row) for row in rows]

    def close(self) -> None:
        self._db.close()


def _conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(**{**dict(row), "grounded": bool(row["grounded"])})


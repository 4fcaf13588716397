"""Imported chats in the vault's SQLite database (never beside the source file).

Tables are prefixed `chat_` and created if missing, so they live beside the note index in the
same file without touching its migrations. One import is one transaction: a crash leaves the
previous import or the new one, never half of each. Importing the same file again (same path,
or the same bytes from elsewhere) replaces its earlier import instead of duplicating it.
Only scrubbed, merged turns are stored: no dropped message and no private value reaches disk.
Senders, chat names and "me" arrive here already pseudonymised (`pseudonyms.py`), and the
export's path, which often names a person ("WhatsApp Chat with Amma.txt"), is kept only as a
hash: it serves to recognise a re-import, nothing else.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from trainer.data.chats.build import Built, to_example
from trainer.data.chats.model import ChatMessage, Conversation
from trainer.data.scrub import ScrubConfig, scrub_text
from trainer.db import transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_imports (
    id INTEGER PRIMARY KEY,
    source_path TEXT NOT NULL,          -- "sha256:" + hash of the export file's resolved path
    source_sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- wechat, telegram, whatsapp, jsonl
    me TEXT NOT NULL,                   -- the sender the model learns to speak as
    gap_minutes INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    summary TEXT NOT NULL               -- JSON counts (ImportSummary.to_dict), no message text
);
CREATE INDEX IF NOT EXISTS chat_imports_path ON chat_imports(source_path);
CREATE INDEX IF NOT EXISTS chat_imports_sha ON chat_imports(source_sha256);
CREATE TABLE IF NOT EXISTS chat_conversations (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES chat_imports(id) ON DELETE CASCADE,
    chat TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    turns INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_conversations_import ON chat_conversations(import_id);
CREATE TABLE IF NOT EXISTS chat_messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES chat_conversations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    time TEXT NOT NULL,
    sender TEXT NOT NULL,
    role TEXT NOT NULL,                 -- assistant (me) or user
    text TEXT NOT NULL                  -- scrubbed
);
CREATE INDEX IF NOT EXISTS chat_messages_conversation ON chat_messages(conversation_id, seq);
CREATE TABLE IF NOT EXISTS chat_people (
    digest TEXT PRIMARY KEY,            -- keyed digest of a sender's name (pseudonyms.name_digest)
    pseudonym TEXT NOT NULL             -- so notes naming them get the same pseudonym in training
);
"""


def connect(db: Path) -> sqlite3.Connection:
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)  # transactions are explicit below
    # secure_delete: a replaced import or a name rewritten to its pseudonym leaves no old bytes
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON", "busy_timeout = 5000",
                   "secure_delete = ON"):
        conn.execute(f"PRAGMA {pragma}")
    conn.executescript(SCHEMA)
    return conn


def save_import(db: Path, source: Path, kind: str, gap_minutes: int, built: Built) -> int:
    """Store one import, replacing any earlier import of the same file. Returns its id."""
    path, sha = path_key(source), hashlib.sha256(source.read_bytes()).hexdigest()
    conn = connect(db)
    try:
        with transaction(conn):
            conn.execute("DELETE FROM chat_imports WHERE source_path = ? OR source_sha256 = ?", (path, sha))
            import_id = conn.execute(
                "INSERT INTO chat_imports (source_path, source_sha256, kind, me, gap_minutes, imported_at, summary)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (path, sha, kind, built.me, gap_minutes, datetime.now(UTC).isoformat(),
                 json.dumps(built.summary.to_dict(), ensure_ascii=False))).lastrowid
            for conv in built.conversations:
                _insert_conversation(conn, import_id, conv, built.me)
            conn.executemany("INSERT OR REPLACE INTO chat_people (digest, pseudonym) VALUES (?, ?)",
                             sorted(built.people.items()))
        return import_id
    finally:
        conn.close()


def path_key(source: Path) -> str:
    """What identifies an export file's location without showing it."""
    return "sha256:" + hashlib.sha256(str(source.resolve()).encode()).hexdigest()


def load_conversations(db: Path) -> Iterator[tuple[str, Conversation]]:
    """Every stored conversation with the "me" of its import, oldest import first."""
    conn = connect(db)
    try:
        convs = conn.execute("SELECT c.id, c.chat, i.me FROM chat_conversations c "
                             "JOIN chat_imports i ON i.id = c.import_id ORDER BY i.id, c.id").fetchall()
        for conv_id, chat, me in convs:
            rows = conn.execute("SELECT time, sender, text FROM chat_messages WHERE conversation_id = ? "
                                "ORDER BY seq", (conv_id,))
            messages = [ChatMessage(datetime.fromisoformat(t), sender, text) for t, sender, text in rows]
            yield me, Conversation(chat, messages)
    finally:
        conn.close()


def pseudonymise_legacy(db: Path, names) -> int:
    """Imports stored before pseudonyms (their path is not a hash) get them now: senders, "me",
    chat names and mentions in the text, in one transaction. Returns how many were rewritten."""
    conn = connect(db)
    try:
        with transaction(conn):
            legacy = conn.execute("SELECT id, source_path, me FROM chat_imports "
                                  "WHERE source_path NOT LIKE 'sha256:%'").fetchall()
            for import_id, path, me in legacy:
                _pseudonymise_import(conn, import_id, path, me, names)
            conn.executemany("INSERT OR REPLACE INTO chat_people (digest, pseudonym) VALUES (?, ?)",
                             sorted(names.people().items()))
        if legacy:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the old pages must not linger in the WAL
        return len(legacy)
    finally:
        conn.close()


def _pseudonymise_import(conn: sqlite3.Connection, import_id: int, path: str, me: str, names) -> None:
    convs = [c for (c,) in conn.execute("SELECT id FROM chat_conversations WHERE import_id = ?", (import_id,))]
    marks = ",".join("?" * len(convs))
    rows = conn.execute(f"SELECT id, sender, text FROM chat_messages WHERE conversation_id IN ({marks})",
                        convs).fetchall()
    names.learn([me, *{sender for _, sender, _ in rows}])
    conn.executemany("UPDATE chat_messages SET sender = ?, text = ? WHERE id = ?",
                     [(names.of(sender), names.in_text(text), row) for row, sender, text in rows])
    for conv_id, chat in conn.execute(f"SELECT id, chat FROM chat_conversations WHERE id IN ({marks})",
                                      convs).fetchall():
        conn.execute("UPDATE chat_conversations SET chat = ? WHERE id = ?", (names.chat(chat), conv_id))
    key = "sha256:" + hashlib.sha256(path.encode()).hexdigest()
    conn.execute("UPDATE chat_imports SET source_path = ?, me = ? WHERE id = ?", (key, names.of(me), import_id))


def load_people(db: Path) -> dict[str, str]:
    """Every imported sender as {keyed name digest: pseudonym}."""
    conn = connect(db)
    try:
        return dict(conn.execute("SELECT digest, pseudonym FROM chat_people"))
    finally:
        conn.close()


def load_examples(db: Path, scrub: ScrubConfig | None = None) -> list[dict]:
    """The chat examples of every stored import (what the training mix reads). With `scrub`,
    every turn is scrubbed again, so deny names added to the config since the import apply."""
    examples = [ex for me, conv in load_conversations(db) if (ex := to_example(conv, me))]
    if scrub is not None:
        for example in examples:
            for turn in example["messages"]:
                turn["content"] = scrub_text(turn["content"], scrub).text
    return examples


def _insert_conversation(conn: sqlite3.Connection, import_id: int, conv: Conversation, me: str) -> None:
    conv_id = conn.execute(
        "INSERT INTO chat_conversations (import_id, chat, started_at, ended_at, turns) VALUES (?, ?, ?, ?, ?)",
        (import_id, conv.chat, conv.started.isoformat(), conv.ended.isoformat(), len(conv.messages))).lastrowid
    conn.executemany(
        "INSERT INTO chat_messages (conversation_id, seq, time, sender, role, text) VALUES (?, ?, ?, ?, ?, ?)",
        [(conv_id, seq, m.time.isoformat(), m.sender, "assistant" if m.sender == me else "user", m.text)
         for seq, m in enumerate(conv.messages)])

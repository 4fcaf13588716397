"""Tables derived from the notes (search terms, decisions) kept beside the index, in its db file.

The index owns `notes` and its own migrations (PRAGMA user_version); derived tables are caches
of it, so each set carries a version in `derived_meta` and is simply rebuilt when that version
changes. Each set tracks the content hash it last saw per note, so a sync re-reads only notes
that changed since, whoever scanned them (CLI, TUI, watcher).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from trainer.db import transaction


def connect(db_path: Path) -> sqlite3.Connection:
    """A second connection to the index file, for derived tables; same pragmas as the index."""
    conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")  # a scan in one worker must not fail a question in another
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE IF NOT EXISTS derived_meta (name TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    return conn


def ensure_schema(conn: sqlite3.Connection, name: str, version: int, create: str, drop: list[str]) -> None:
    """Create the set's tables, or drop and recreate them when their version changed."""
    row = conn.execute("SELECT version FROM derived_meta WHERE name = ?", (name,)).fetchone()
    if row and row[0] == version:
        return
    with transaction(conn):
        for table in drop:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        _run_script(conn, create)
        conn.execute("INSERT OR REPLACE INTO derived_meta VALUES (?, ?)", (name, version))


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """executescript would COMMIT the open transaction; run the statements one by one instead."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def stale(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[str]]:
    """(notes new or changed since `table` last saw them, paths `table` has that are gone)."""
    changed = [r[0] for r in conn.execute(
        f"SELECT n.path FROM notes n LEFT JOIN {table} d ON d.path = n.path "
        f"WHERE d.content_hash IS NULL OR d.content_hash != n.content_hash ORDER BY n.path")]
    gone = [r[0] for r in conn.execute(
        f"SELECT d.path FROM {table} d LEFT JOIN notes n ON n.path = d.path WHERE n.path IS NULL")]
    return changed, gone

"""SQLite plumbing every store shares (index, derived tables, imported chats, sync queue, chat
history): connections run in autocommit mode and group their writes explicitly."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any error; a nested use joins the outer one.
    Readers keep seeing the last committed state, so a crash mid-write loses only this batch."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")

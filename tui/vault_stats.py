"""How many notes the vault's index holds, for the status bar.

Read-only and forgiving: no index yet, an index being rebuilt, or an older install without
`trainer.vault.index` all show 0 rather than an error. Call it from a worker thread (it opens SQLite).
"""

from __future__ import annotations

import logging
from pathlib import Path

from trainer.paths import index_db

log = logging.getLogger("brain.tui")


def notes_indexed(vault: Path) -> int:
    db = index_db(vault)
    if not db.is_file():
        return 0
    try:
        from trainer.vault.index import Index
    except ImportError:
        return 0
    try:
        with Index.open(db) as index:
            return index.count()
    except Exception as exc:  # noqa: BLE001 - a locked or half-built index must not break the UI
        log.warning("cannot count notes in %s: %s", db, exc)
        return 0

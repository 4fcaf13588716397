"""Per-vault state lives in one data directory, keyed by the vault's resolved path."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from backends.paths import data_home


def vault_data_dir(vault: Path) -> Path:
    """`<data_home>/vaults/<name>-<hash8>/`: readable name, unique per vault location."""
    resolved = vault.expanduser().resolve()
    slug = re.sub(r"[^\w.-]+", "-", resolved.name).strip("-") or "vault"
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:8]
    return data_home() / "vaults" / f"{slug}-{digest}"


def index_db(vault: Path) -> Path:
    """The note index (derivable from the vault: safe to delete, `brain index` rebuilds it)."""
    return vault_data_dir(vault) / "brain.db"


def chats_db(vault: Path) -> Path:
    """Chat history (not derivable: kept apart from the index so a rebuild never touches it)."""
    return vault_data_dir(vault) / "chats.db"


def imports_db(vault: Path) -> Path:
    """Imported chat exports (not derivable from the vault: apart from the index, like chats)."""
    return vault_data_dir(vault) / "imports.db"


def pseudonym_key(vault: Path) -> Path:
    """The random key behind the vault's chat pseudonyms (owner-only; losing it only means new
    pseudonyms for later imports)."""
    return vault_data_dir(vault) / "pseudonym.key"


def adapters_dir(vault: Path) -> Path:
    return vault_data_dir(vault) / "adapters"


def sync_db(vault: Path) -> Path:
    """The sync queue's state (pending changes, run history, pause): its own file, so a busy
    index never blocks it and deleting it loses nothing the next scan cannot find again."""
    return vault_data_dir(vault) / "sync.db"


def sync_log(vault: Path) -> Path:
    """What `brain sync --watch` did, for a background service nobody is looking at."""
    return vault_data_dir(vault) / "sync.log"


def memory_db(vault: Path) -> Path:
    """What each contact told `brain serve` (trainer.recall.memory): not derivable, kept apart."""
    return vault_data_dir(vault) / "memory.db"

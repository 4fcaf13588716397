"""The notes the user told brain to forget (`brain forget`): kept out of the index for good.

The vault is read-only, so a forgotten note usually stays on disk; without this list the next
scan would index it again. The list holds only SHA-256 digests of the note's vault-relative path
and of its content, never the text or the name, so the data folder keeps nothing readable of it.
A note is skipped if either matches: a copy of the same bytes elsewhere is forgotten too, and so
is a later edit of the forgotten path (until `brain forget --undo PATH`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from trainer.atomic import atomic_write_text

FILE = "forgotten.json"


def path_digest(rel: str) -> str:
    return hashlib.sha256(("path\0" + rel).encode("utf-8")).hexdigest()


@dataclass
class Forgotten:
    paths: set[str] = field(default_factory=set)
    """path_digest() of each forgotten vault-relative path."""
    contents: set[str] = field(default_factory=set)
    """Content hashes (the index's content_hash) of the forgotten notes."""

    def path(self, rel: str) -> bool:
        return bool(self.paths) and path_digest(rel) in self.paths

    def content(self, digest: str) -> bool:
        return digest in self.contents

    def __bool__(self) -> bool:
        return bool(self.paths or self.contents)


def load_forgotten(data_dir: Path) -> Forgotten:
    """The list in a vault's data folder; an absent or unreadable file is an empty list."""
    try:
        raw = json.loads((data_dir / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Forgotten()
    if not isinstance(raw, dict):
        return Forgotten()
    return Forgotten(set(raw.get("paths", [])), set(raw.get("contents", [])))


def save_forgotten(data_dir: Path, forgotten: Forgotten) -> None:
    atomic_write_text(data_dir / FILE, json.dumps(
        {"paths": sorted(forgotten.paths), "contents": sorted(forgotten.contents)}, indent=0))


def add_forgotten(data_dir: Path, notes: list[tuple[str, str]]) -> Forgotten:
    """Record (path, content hash) pairs; returns the whole list."""
    forgotten = load_forgotten(data_dir)
    forgotten.paths |= {path_digest(p) for p, _ in notes}
    forgotten.contents |= {h for _, h in notes}
    save_forgotten(data_dir, forgotten)
    return forgotten


def remove_forgotten(data_dir: Path, notes: list[tuple[str, str | None]]) -> int:
    """Let notes back in (`--undo`); returns how many entries were dropped."""
    forgotten = load_forgotten(data_dir)
    before = len(forgotten.paths) + len(forgotten.contents)
    forgotten.paths -= {path_digest(p) for p, _ in notes}
    forgotten.contents -= {h for _, h in notes if h}
    save_forgotten(data_dir, forgotten)
    return before - len(forgotten.paths) - len(forgotten.contents)

"""The training mix: imported chat conversations join the note examples.

Notes teach what the user thinks; chats teach how they talk. Chat rows get the persona system
prompt, a deterministic held-out split by conversation (so `brain eval` can measure the style
effect on messages the adapter never saw), and a cap on their share of the training rows so a
large chat history does not drown the notes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from trainer.atomic import atomic_write_text

DEFAULT_PERSONA = "You are me. Reply the way I write to friends: my words, my length, my tone."


@dataclass
class ChatMix:
    enabled: bool = True
    """Train on imported chats (`brain import`) alongside the notes."""
    max_share: float = 0.5
    """At most this share of the training rows are chat conversations."""
    eval_fraction: float = 0.1
    persona: str = DEFAULT_PERSONA
    """System prompt of chat examples; use the same one when chatting as your twin."""


def split_chats(rows: list[dict], mix: ChatMix) -> tuple[list[dict], list[dict]]:
    """Persona prompt on each conversation, then a stable train/eval split by content hash."""
    train, held = [], []
    for row in rows:
        messages = [{"role": "system", "content": mix.persona}, *row["messages"]]
        key = hashlib.sha256(json.dumps(row["messages"], ensure_ascii=False).encode()).digest()
        (held if key[0] / 256 < mix.eval_fraction else train).append({"messages": messages})
    return train, held


def cap(rows: list[dict], note_rows: int, share: float) -> list[dict]:
    """Keep at most share/(1-share) chat rows per note row, choosing a stable subset."""
    if share >= 1 or not rows:
        return rows
    limit = int(note_rows * share / (1 - share)) if share > 0 else 0
    ordered = sorted(rows, key=lambda r: hashlib.sha256(json.dumps(r, ensure_ascii=False).encode()).digest())
    return ordered[:limit]


def add_chats(data_dir: Path, rows: list[dict], mix: ChatMix) -> dict:
    """Append chat rows to train.jsonl and write eval_chats.jsonl; returns counts for the manifest."""
    if not mix.enabled or not rows:
        return {"chat_train": 0, "chat_eval": 0}
    train_file = data_dir / "train.jsonl"
    note_lines = train_file.read_text(encoding="utf-8").splitlines() if train_file.is_file() else []
    train, held = split_chats(rows, mix)
    train = cap(train, len(note_lines), mix.max_share)
    chat_lines = [json.dumps(r, ensure_ascii=False) for r in train]
    atomic_write_text(train_file, "".join(line + "\n" for line in note_lines + chat_lines))
    atomic_write_text(data_dir / "eval_chats.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in held))
    return {"chat_train": len(train), "chat_eval": len(held)}

"""Training rows for the torch engine: JSONL conversations -> chat-template tokens -> packed rows."""

from __future__ import annotations

import json
from pathlib import Path

from trainer.data.tokenize import IGNORE, PackedRow, pack, tokenize_example


def read_conversations(path: Path) -> list[list[dict]]:
    """The `messages` of each row of a dataset JSONL file (missing file: no rows)."""
    if not path.is_file():
        return []
    return [json.loads(line)["messages"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_packed(path: Path, tokenizer, max_len: int) -> list[PackedRow]:
    return pack((tokenize_example(m, tokenizer, max_len) for m in read_conversations(path)), max_len)


def n_targets(row: PackedRow) -> int:
    """Tokens that carry loss (reply tokens)."""
    return sum(1 for label in row.labels if label != IGNORE)

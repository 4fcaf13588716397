"""Shared helpers for the reflect tests: index a vault into a throwaway database."""

from __future__ import annotations

from pathlib import Path

from trainer.vault.index import Index
from trainer.vault.scan import scan_vault

FIXTURE_VAULT = Path(__file__).parent / "fixtures" / "reflect-vault"
QUESTIONS = Path(__file__).parent / "fixtures" / "questions-sample-vault.jsonl"


def indexed(vault: Path, tmp_path: Path) -> Index:
    index = Index.open(tmp_path / "brain.db")
    scan_vault(vault, index)
    return index

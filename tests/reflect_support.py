"""Shared helpers for the reflect tests: index a vault into a throwaway database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from trainer.recall.decisions import DecisionStore
from trainer.recall.retrieve import Retriever
from trainer.vault.index import Index
from trainer.vault.scan import scan_vault

FIXTURE_VAULT = Path(__file__).parent / "fixtures" / "reflect-vault"
QUESTIONS = Path(__file__).parent / "fixtures" / "questions-sample-vault.jsonl"


def answered(vault: Path, question: str, tmp_path: Path, scrub=None):
    """`question` answered in my words over `vault`, indexed afresh (scrubbed by `scrub`, if given)."""
    from trainer.recall.answer import answer

    index = Index.open(tmp_path / "answered.db")
    scan_vault(vault, index, scrub=scrub)
    retriever = Retriever(index)
    try:
        return answer(index, question, retriever=retriever)
    finally:
        retriever.close()
        index.close()


def indexed(vault: Path, tmp_path: Path) -> Index:
    index = Index.open(tmp_path / "brain.db")
    scan_vault(vault, index)
    return index


def written_vault(root: Path, notes: dict[str, str]) -> Path:
    """A small vault made of `notes` (vault-relative path -> text)."""
    for path, text in notes.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def bm25_over(notes: dict[str, str], tmp_path: Path) -> Iterator[tuple[Index, Retriever]]:
    """For a fixture: the notes written, indexed and searched with BM25 only (no embeddings)."""
    yield from bm25_in(written_vault(tmp_path / "vault", notes), tmp_path)


def bm25_in(vault: Path, tmp_path: Path) -> Iterator[tuple[Index, Retriever]]:
    """An existing vault (tests/fixtures/answer-vault-N) indexed and searched with BM25 only."""
    index = indexed(vault, tmp_path)
    retriever = Retriever(index)
    try:
        yield index, retriever
    finally:
        retriever.close()
        index.close()


def decision_story(index: Index, path: str):
    """The decision store's timeline of one decision note (reasons, revisions), synced first."""
    store = DecisionStore(index)
    try:
        store.sync()
        return store.timeline(path)
    finally:
        store.close()


def dated_notes(saying: str) -> dict[str, str]:
    """Fourteen journal notes of early 2024, each `saying` one sentence (with its day): notes that
    share a question's words and hold none of its evidence, for a search to rank first."""
    return {f"journal/2024-0{m}-0{d}.md": f"---\ndate: 2024-0{m}-0{d}\n---\n# Day\n\n{saying}, day {m}{d}.\n"
            for m in range(1, 8) for d in range(1, 3)}

"""The TUI's vault indexer: the index and what questions read from it are built in the background,
before the first question, and again after each round of edits."""

from __future__ import annotations

import pytest
from reflect_support import FIXTURE_VAULT, written_vault

from trainer.recall.decisions import DecisionStore
from trainer.vault.index import Index
from tui.indexer import VaultIndexer


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    """Text retrieval only: the embedding model is not what these tests are about."""
    monkeypatch.setattr("trainer.recall.retrieve.open_dense", lambda *args, **kwargs: None)


def stale_decisions(indexer: VaultIndexer) -> int:
    """How many notes the first question would still have to read for decisions."""
    with Index.open(indexer.db) as index:
        store = DecisionStore(index)
        try:
            return store.sync()
        finally:
            store.close()


def test_warming_up_builds_the_decision_store_so_the_first_question_does_not():
    indexer = VaultIndexer(FIXTURE_VAULT)
    assert indexer.refresh().notes > 0
    indexer.warm()
    assert stale_decisions(indexer) == 0


def test_warming_up_after_an_edit_reads_the_edited_note(tmp_path):
    vault = written_vault(tmp_path / "vault", {
        "decisions/2024-05-10-bicycle.md": "---\ndate: 2024-05-10\n---\n# Bicycle instead of a scooter\n\n"
                                           "I decided to buy a bicycle because parking a scooter costs €40 a month.\n"})
    indexer = VaultIndexer(vault)
    indexer.refresh()
    indexer.warm()
    (vault / "journal").mkdir()
    (vault / "journal" / "2025-02-01.md").write_text(
        "---\ndate: 2025-02-01\n---\nHonestly, the [[2024-05-10-bicycle|bicycle]] was about getting fit, "
        "not the parking.\n", encoding="utf-8")
    indexer.refresh()
    indexer.warm()
    assert stale_decisions(indexer) == 0


@pytest.mark.anyio
async def test_the_app_warms_up_again_after_a_round_of_edits(tmp_path):
    from tui_support import scripted_app, wait_for

    from tui.config import Config

    vault = written_vault(tmp_path / "vault", {"journal/2024-01-02.md": "# Morning\n\nSlept badly again.\n"})
    app = scripted_app(cfg=Config(vault=str(vault)))
    async with app.run_test(size=(100, 30)) as pilot:
        def settled() -> bool:
            return app.indexing is None and not any(w.group in ("index", "index-warm") and not w.is_finished
                                                    for w in app.workers)

        await wait_for(pilot, settled, what="the startup index and warm-up")
        (vault / "decisions").mkdir()
        (vault / "decisions" / "2024-05-10-bicycle.md").write_text(
            "# Bicycle\n\nI decided to buy a bicycle because parking costs €40 a month.\n", encoding="utf-8")
        app.index_vault()
        await wait_for(pilot, lambda: app.notes == 2 and settled(), what="the second round and its warm-up")
        assert stale_decisions(app.indexer) == 0

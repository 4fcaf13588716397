"""Why answers carry the figures a decision rests on, not only its prose: a decision note whose
"Why" paragraph is long still gives the table's total and the share it works out to.

Each test writes its own small vault, so the behaviour is checked apart from the evaluation
fixtures.
"""

from __future__ import annotations

import pytest

from trainer.recall.answer import answer
from trainer.recall.retrieve import Retriever
from trainer.vault.index import Index
from trainer.vault.scan import scan_vault

STUDIO = """---
type: decision
date: 2025-04-02
---
# Not renting a studio

Decided on 2025-04-02: no studio, I keep working from the kitchen table.

## The costs

Per month, a shared studio in town against what I pay now:

| item | studio | now |
|---|---|---|
| rent | €420 | – |
| electricity | €35 | €12 |
| bus pass | €40 | – |
| **total** | **€495** | **€12** |

€495 is about 31% of what I earn in a slow month.

## Why not

The kitchen table gets the morning light, and that is when I draw best. The studio is forty minutes
away by bus in each direction. Most of my clients never visit, they only want files on time. I tried
a coworking day in March and spent it talking instead of drawing. My partner is out at work all day,
so the flat is quiet enough. The real reason was that a studio felt like what a proper illustrator
is supposed to have. I wanted the feeling, not the room.
"""

SHOP = """---
date: 2025-05-10
---
# Saturday

Bought new brushes at the art shop near the station. The studio on Rua Nova had a sign up again.
"""


@pytest.fixture
def vault(tmp_path):
    root = tmp_path / "vault"
    for path, text in {"decisions/2025-04-02-no-studio.md": STUDIO, "journal/2025-05-10.md": SHOP}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    index = Index.open(tmp_path / "index.db")
    scan_vault(root, index)
    retriever = Retriever(index)  # BM25 only
    yield index, retriever
    retriever.close()
    index.close()


def test_a_why_answer_gives_the_sums_and_the_share_beside_the_reasons_paragraph(vault):
    index, retriever = vault
    got = answer(index, "Why did I decide not to rent a studio?", retriever=retriever)
    assert not got.nothing_found
    assert "€495" in got.text and "€12" in got.text  # the table's total row, both columns
    assert "31%" in got.text  # what the total works out to
    assert "real reason" in got.text  # and the reasons paragraph still speaks


def test_a_table_row_other_than_the_total_stays_out_of_a_why_answer(vault):
    index, retriever = vault
    got = answer(index, "Why did I decide not to rent a studio?", retriever=retriever)
    assert "€420" not in got.text and "€35" not in got.text

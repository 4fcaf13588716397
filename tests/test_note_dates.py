"""A note's date comes from the note itself, never from the name of a note it links to."""

from pathlib import Path

from trainer.vault.parse import parse_note

DEMO = Path(__file__).resolve().parents[1] / "tui" / "demo-vault"


def test_a_linked_notes_date_does_not_date_the_note():
    raw = b"# Ideas\n\n- Ask again in February (see [[2025-02-03-take-the-rotterdam-job]]).\n"
    assert parse_note("inbox/ideas.md", raw).note.date is None


def test_a_markdown_link_to_a_dated_note_does_not_date_it_either():
    raw = b"# Jonas\n\nMentioned in [the job](decisions/2025-02-03-take-the-rotterdam-job.md).\n"
    assert parse_note("people/jonas.md", raw).note.date is None


def test_a_date_written_in_the_text_still_counts():
    raw = b"# Meeting\n\nWritten 2024-03-02, about [[2025-02-03-take-the-rotterdam-job]].\n"
    assert parse_note("inbox/meeting.md", raw).note.date == "2024-03-02"


def test_demo_vault_ideas_and_jonas_are_undated():
    for path in ("inbox/ideas.md", "people/jonas.md"):
        assert parse_note(path, (DEMO / path).read_bytes()).note.date is None, path


def test_a_paragraph_opening_with_a_link_to_a_dated_note_keeps_its_notes_date():
    """"[[2024-07-14-etf]]: inflation and pensions were true." in the 2025 review is said in 2025: the
    linked note's name is not a dated entry ("2024-07-14: sold it." is)."""
    from trainer.recall.compose import note_sentences

    note = parse_note("reviews/2025-12-28.md", "---\ndate: 2025-12-28\n---\n# Review\n\n[[2024-07-14-etf]]: inflation and "
                      "pensions were all true. Honestly it was Felix's lunch.\n\n2024-03-02: sold the old bike to Ana.\n".encode()).note
    dated = {c.text: c.date for c in note_sentences(note, 1, 0)}
    assert dated["Honestly it was Felix's lunch."] == "2025-12-28", dated
    assert dated["sold the old bike to Ana."] == "2024-03-02", dated


def test_a_portuguese_dated_heading_dates_the_note_and_its_sections():
    """"# 15 Fev 2026 — um ano depois" and "## 3 de março de 2025" are dates as "## 14 Mar 2025" is:
    the review was undated, so no later word in it could follow the decision it takes back, and
    each journal section was quoted under the note's first date. An English "set 3 2025" is no
    date ("set" is September only written day first, in Portuguese)."""
    from trainer.recall.compose import note_sentences

    review = parse_note("revisoes/olhar-para-tras.md", "# 15 Fev 2026 — um ano depois\n\nFui reler.\n".encode()).note
    assert review.date == "2026-02-15"
    raw = "# Março\n\n## 3 de março de 2025\nCorri 12 km sem dor.\n\n## 20 mar 2025\nParei outra vez.\n"
    journal = parse_note("diario/marco.md", raw.encode()).note
    assert journal.date == "2025-03-03"
    assert [(c.date, c.text) for c in note_sentences(journal, 1, 0)] == [
        ("2025-03-03", "Corri 12 km sem dor."), ("2025-03-20", "Parei outra vez.")]
    assert parse_note("inbox/goals.md", b"# Goals\n\nI set 3 2025 goals.\n").note.date is None

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

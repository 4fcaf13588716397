"""Chat history in SQLite: what a user relies on (chats come back, renames and deletes stick)."""

from __future__ import annotations

import sqlite3

import pytest

from tui.history import MIGRATIONS, ChatHistory, HistoryError, title_from


@pytest.fixture
def db(tmp_path):
    return tmp_path / "chats.db"


def test_create_add_and_resume_after_reopen(db):
    history = ChatHistory(db)
    chat = history.create("Car decision")
    history.add_message(chat.id, "user", "What did I decide about the car?")
    history.add_message(chat.id, "assistant", "You sold it and bought a cargo bike.")
    history.close()

    reopened = ChatHistory(db)
    assert [c.title for c in reopened.conversations()] == ["Car decision"]
    assert [(m.role, m.content) for m in reopened.messages(chat.id)] == [
        ("user", "What did I decide about the car?"),
        ("assistant", "You sold it and bought a cargo bike."),
    ]


def test_most_recently_used_conversation_comes_first(db):
    history = ChatHistory(db)
    first, second = history.create("first"), history.create("second")
    assert [c.id for c in history.conversations()] == [second.id, first.id]
    history.add_message(first.id, "user", "back to the first one")
    assert [c.id for c in history.conversations()] == [first.id, second.id]


def test_rename_persists_and_blank_title_is_refused(db):
    history = ChatHistory(db)
    chat = history.create("old")
    history.rename(chat.id, "  Garden plans  ")
    history.rename(chat.id, "   ")  # a blank title would be an invisible sidebar row
    history.close()
    assert ChatHistory(db).get(chat.id).title == "Untitled"
    history = ChatHistory(db)
    history.rename(chat.id, "Garden plans")
    assert history.get(chat.id).title == "Garden plans"


def test_delete_removes_the_conversation_and_its_messages(db):
    history = ChatHistory(db)
    keep, drop = history.create("keep"), history.create("drop")
    history.add_message(keep.id, "user", "stay")
    history.add_message(drop.id, "user", "go")
    history.delete(drop.id)
    assert [c.id for c in history.conversations()] == [keep.id]
    assert history.messages(drop.id) == []
    raw = sqlite3.connect(db).execute("SELECT content FROM messages").fetchall()
    assert raw == [("stay",)]


def test_new_file_is_migrated_to_the_latest_schema_in_wal_mode(db):
    history = ChatHistory(db)
    assert history.schema_version == len(MIGRATIONS)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_does_not_rerun_migrations_or_lose_data(db):
    history = ChatHistory(db)
    chat = history.create("kept")
    history.close()
    ChatHistory(db).close()  # a second migration run would fail on CREATE TABLE
    assert ChatHistory(db).get(chat.id).title == "kept"


def test_a_file_from_a_newer_brain_is_refused_with_a_clear_error(db):
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(HistoryError, match="newer than this brain"):
        ChatHistory(db)


def test_a_saved_message_is_visible_to_another_connection_at_once(db):
    """Committed per message: another process (or a restarted app) sees it without a close()."""
    history = ChatHistory(db)
    chat = history.create("live")
    history.add_message(chat.id, "user", "saved before any crash")
    other = sqlite3.connect(db)
    assert other.execute("SELECT content FROM messages").fetchall() == [("saved before any crash",)]


def test_failed_write_rolls_back_and_the_connection_stays_usable(db):
    history = ChatHistory(db)
    with pytest.raises(sqlite3.IntegrityError):
        history.add_message(12345, "user", "no such conversation")  # foreign key
    chat = history.create("after the error")
    assert history.get(chat.id) is not None
    assert history.messages(12345) == []


def test_title_from_first_message():
    assert title_from("\n  What did I decide about the car?\nmore") == "What did I decide about the car?"
    long = title_from("word " * 40)
    assert len(long) <= 48 and long.endswith("…")
    assert title_from("   ") == "New chat"


def test_answering_from_notes_is_kept_per_conversation(db):
    history = ChatHistory(db)
    on, off = history.create("from my notes"), history.create("model alone", grounded=False)
    history.set_grounded(on.id, False)
    history.set_grounded(off.id, True)
    history.close()
    reopened = ChatHistory(db)
    assert (reopened.get(on.id).grounded, reopened.get(off.id).grounded) == (False, True)


def test_chats_from_before_the_notes_setting_answer_from_notes(db):
    raw = sqlite3.connect(db)
    raw.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    raw.execute("INSERT INTO conversations (title, created, updated) VALUES ('old chat', '', '')")
    raw.commit()
    raw.close()
    history = ChatHistory(db)
    assert [(c.title, c.grounded) for c in history.conversations()] == [("old chat", True)]


def test_a_number_an_answer_showed_is_kept_scrubbed(db):
    """An answer may show a phone number read from a note (trainer.recall.private); chats.db keeps
    it scrubbed, as the note index does, in words a markdown view shows ("[phone scrubbed]", not
    a bare <PHONE> tag it would hide); a number typed in a question and its title too."""
    from trainer.data.scrub import IndexScrub
    from trainer.recall.private import for_history

    history = ChatHistory(db, scrub=for_history(IndexScrub()))
    chat = history.create("is 07700 900461 Shona's?")
    history.add_message(chat.id, "user", "is 07700 900461 Shona's?")
    history.add_message(chat.id, "assistant", "In my note “Shona Baird” I wrote: Mobile: 07700 900461 [1].")
    history.add_message(chat.id, "assistant", "在笔记《Lulu》里，我写道：微信：lulu_sz_88 [1].")
    history.close()
    stored = b"".join(f.read_bytes() for f in db.parent.glob("chats.db*"))
    assert b"900461" not in stored and b"lulu_sz_88" not in stored
    reopened = ChatHistory(db)
    assert [m.content for m in reopened.messages(chat.id)] == [
        "is [phone scrubbed] Shona's?", "In my note “Shona Baird” I wrote: Mobile: [phone scrubbed] [1].",
        "在笔记《Lulu》里，我写道：微信：[im id scrubbed] [1]."]

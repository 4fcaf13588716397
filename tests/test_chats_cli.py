"""`brain import`: choosing "me", the printed summary, and what lands in the vault's database."""

from __future__ import annotations

import io
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from trainer.data.chats import store
from trainer.data.chats.store import load_examples
from trainer.paths import imports_db
from tui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "chats"
PLANTED = ["98450 12345", "9845012345", "asha.test@example.com", "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R",
           "sk-test-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"]


@pytest.fixture
def vault(tmp_path) -> Path:
    folder = tmp_path / "vault"
    folder.mkdir()
    return folder


@pytest.fixture
def no_tty(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def brain_import(vault: Path, kind: str, path: Path, *extra: str) -> int:
    return main(["import", kind, str(path), "--vault", str(vault), *extra])


def pseudonym(vault: Path, name: str) -> str:
    """The name `brain import` stores for `name` in this vault (stable: keyed per vault)."""
    from trainer.data.chats.pseudonyms import Pseudonyms, load_key
    from trainer.paths import pseudonym_key

    return Pseudonyms(load_key(pseudonym_key(vault))).of(name)


def rows(vault: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(imports_db(vault)) as conn:
        return conn.execute(sql).fetchall()


def test_import_prints_the_summary_and_stores_scrubbed_turns(vault, capsys, no_tty):
    assert brain_import(vault, "whatsapp", FIXTURES / "whatsapp-android.txt", "--me", "Meera") == 0
    out = capsys.readouterr().out
    for line in ("messages read    11", "kept             7", "dropped          4", "merged           1",
                 "conversations    2", "examples         2", "scrubbed         1  (phone 1)"):
        assert line in out
    assert "98450" not in out  # counts by kind, never values
    [(kind, me)] = rows(vault, "SELECT kind, me FROM chat_imports")
    assert kind == "whatsapp" and me.startswith("Person-")  # a pseudonym, not the name
    assert rows(vault, "SELECT count(*) FROM chat_conversations") == [(2,)]
    assert ("assistant", "Anytime! call me at <PHONE>") in rows(vault, "SELECT role, text FROM chat_messages")
    assert rows(vault, "PRAGMA journal_mode") == [("wal",)]


@pytest.mark.parametrize("kind, name, me", [
    ("wechat", "wechat-current.csv", "我"), ("wechat", "wechat-legacy.csv", "我"),
    ("telegram", "telegram-chat.json", "Asha"), ("telegram", "telegram-full.json", "user1001"),
    ("whatsapp", "whatsapp-android.txt", "Meera"), ("whatsapp", "whatsapp-ios.txt", "meera"),
    ("jsonl", "chat.jsonl", "asha"),
])
def test_every_fixture_imports_and_no_planted_secret_is_stored(vault, tmp_path, kind, name, me, brain_home,
                                                                no_tty, capsys):
    source = tmp_path / "exports" / name
    source.parent.mkdir()
    shutil.copy(FIXTURES / name, source)
    assert brain_import(vault, kind, source, "--me", me) == 0
    assert [p.name for p in source.parent.iterdir()] == [name]  # nothing written beside the export
    assert list(vault.iterdir()) == []  # nor into the vault
    examples = load_examples(imports_db(vault))
    assert examples
    for example in examples:
        assert example["messages"][0]["role"] == "user" and example["messages"][-1]["role"] == "assistant"
    stored = b"".join(p.read_bytes() for p in brain_home.rglob("*") if p.is_file())
    dumped = repr(examples) + capsys.readouterr().out
    for secret in PLANTED:
        assert secret.encode() not in stored and secret not in dumped


def test_reimporting_a_file_replaces_its_earlier_import(vault, tmp_path, no_tty):
    source = tmp_path / "chat.jsonl"
    shutil.copy(FIXTURES / "chat.jsonl", source)
    for _ in range(2):
        assert brain_import(vault, "jsonl", source, "--me", "asha") == 0
    copy = tmp_path / "same-bytes-elsewhere.jsonl"
    shutil.copy(source, copy)
    assert brain_import(vault, "jsonl", copy, "--me", "asha") == 0
    assert rows(vault, "SELECT count(*) FROM chat_imports") == [(1,)]
    assert rows(vault, "SELECT count(*) FROM chat_conversations") == [(2,)]
    assert brain_import(vault, "wechat", FIXTURES / "wechat-current.csv", "--me", "我") == 0
    assert rows(vault, "SELECT count(*) FROM chat_imports") == [(2,)]  # another file adds


def test_a_failed_import_leaves_the_previous_one_intact(vault, monkeypatch, no_tty):
    assert brain_import(vault, "wechat", FIXTURES / "wechat-current.csv", "--me", "我") == 0
    before = rows(vault, "SELECT seq, sender, text FROM chat_messages ORDER BY id")
    calls = []

    def fail_on_second(conn, import_id, conv, me):
        calls.append(conv)
        if len(calls) == 2:
            raise OSError("disk full")
        original(conn, import_id, conv, me)

    original = store._insert_conversation
    monkeypatch.setattr(store, "_insert_conversation", fail_on_second)
    with pytest.raises(OSError):
        brain_import(vault, "wechat", FIXTURES / "wechat-current.csv", "--me", "我", "--gap-minutes", "60")
    assert rows(vault, "SELECT seq, sender, text FROM chat_messages ORDER BY id") == before
    assert rows(vault, "SELECT gap_minutes FROM chat_imports") == [(360,)]


def test_without_me_and_without_a_terminal_it_fails_listing_the_senders(vault, capsys, no_tty):
    assert brain_import(vault, "whatsapp", FIXTURES / "whatsapp-ios.txt") == 2
    err = capsys.readouterr().err
    assert "--me" in err and "Meera" in err and "Ravi" in err
    assert not imports_db(vault).exists()


def test_in_a_terminal_it_asks_with_a_numbered_list(vault, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", type("Tty", (io.StringIO,), {"isatty": lambda self: True})())
    answers = iter(["7", "two", "2"])  # out of range and not a number are asked again
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert brain_import(vault, "whatsapp", FIXTURES / "whatsapp-ios.txt") == 0
    out = capsys.readouterr().out
    assert "1) Meera" in out and "2) Ravi" in out
    assert rows(vault, "SELECT me FROM chat_imports") == [(pseudonym(vault, "Ravi"),)]


def test_an_export_that_marks_its_owner_needs_no_me(vault, capsys, no_tty):
    assert brain_import(vault, "telegram", FIXTURES / "telegram-full.json") == 0
    assert "You are 'Asha Rao'" in capsys.readouterr().out
    assert brain_import(vault, "wechat", FIXTURES / "wechat-legacy.csv") == 0
    assert rows(vault, "SELECT me FROM chat_imports ORDER BY id") == [(pseudonym(vault, "Asha Rao"),), ("我",)]


def test_bad_input_is_a_clear_error(vault, capsys, no_tty):
    assert brain_import(vault, "whatsapp", FIXTURES / "whatsapp-ios.txt", "--me", "Nobody") == 2
    assert "matches no single sender" in capsys.readouterr().err
    assert brain_import(vault, "telegram", FIXTURES / "chat.jsonl", "--me", "x") == 2
    assert "not Telegram" in capsys.readouterr().err
    assert brain_import(vault, "jsonl", vault / "missing.jsonl") == 2
    assert brain_import(vault, "jsonl", FIXTURES / "chat.jsonl", "--gap-minutes", "0") == 2
    with pytest.raises(SystemExit):
        brain_import(vault, "signal", FIXTURES / "chat.jsonl")


def test_the_gap_flag_changes_the_split(vault, no_tty):
    assert brain_import(vault, "whatsapp", FIXTURES / "whatsapp-ios.txt", "--me", "Meera", "--gap-minutes", "60") == 0
    assert rows(vault, "SELECT count(*), min(turns) FROM chat_conversations") == [(2, 2)]

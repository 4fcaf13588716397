"""Broken, hostile and private chat exports through `brain import` (issue 10): every bad row is
a sentence naming the file and line, the good rows still import, and no sender's name, chat
name or planted secret is stored in clear."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from trainer.data.chats.pseudonyms import Pseudonyms, load_key
from trainer.data.chats.store import load_examples
from trainer.paths import imports_db, pseudonym_key
from tui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "chats"
SHARED = Path(__file__).resolve().parents[2] / "shared"
HEADER = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"


@pytest.fixture
def vault(tmp_path) -> Path:
    folder = tmp_path / "vault"
    folder.mkdir()
    return folder


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def brain_import(vault: Path, kind: str, path: Path, *extra: str) -> int:
    return main(["import", kind, str(path), "--vault", str(vault), *extra])


def stored_texts(vault: Path) -> list[str]:
    with sqlite3.connect(imports_db(vault)) as conn:
        return [t for (t,) in conn.execute("SELECT text FROM chat_messages ORDER BY id")]


def wechat_row(n: int, mine: int, text: str, when: str = "2025-04-08 22:0{n}:00") -> str:
    talker = "我" if mine else "Li Wei"
    return f'{n},{n}00,文本,{mine},{talker},wxid_liwei88,{text},,{when.format(n=n)}\n'


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- broken files: the good rows still import, each bad one is a sentence ---------------------


def test_wechat_unbalanced_quote_skips_only_its_line(vault, tmp_path, capsys):
    csv = write(tmp_path / "li.csv", HEADER + wechat_row(1, 0, "在吗") + wechat_row(2, 1, '"broken quote, never closed')
                + wechat_row(3, 0, "周末爬山？") + wechat_row(4, 1, "好的"))
    assert brain_import(vault, "wechat", csv) == 0
    err = capsys.readouterr().err
    assert "li.csv line 3: a quote is never closed; the line was skipped" in err
    assert stored_texts(vault) == ["在吗\n周末爬山？", "好的"]


def test_wechat_message_over_128_kib_imports(vault, tmp_path, capsys):
    long = "长" * 200_000
    csv = write(tmp_path / "long.csv", HEADER + wechat_row(1, 0, "看这个") + wechat_row(2, 1, f'"{long}"'))
    assert brain_import(vault, "wechat", csv) == 0
    assert stored_texts(vault)[-1] == long


def test_wechat_row_with_a_bad_date_is_named(vault, tmp_path, capsys):
    csv = write(tmp_path / "d.csv", HEADER + wechat_row(1, 0, "hi") + wechat_row(2, 1, "yo", "yesterday-ish")
                + wechat_row(3, 1, "ok"))
    assert brain_import(vault, "wechat", csv) == 0
    assert "d.csv line 3: no readable CreateTime ('yesterday-ish')" in capsys.readouterr().err
    assert stored_texts(vault) == ["hi", "ok"]


def test_jsonl_deeply_nested_and_broken_lines_are_skipped_by_line(vault, tmp_path, capsys):
    good = [json.dumps({"time": f"2025-04-08T22:0{i}:00", "sender": s, "text": t})
            for i, (s, t) in enumerate([("Li", "hi"), ("asha", "hello"), ("Li", "ok?"), ("asha", "yes")])]
    lines = [good[0], "[" * 100_000 + "]" * 100_000, good[1], "{not json", '{"time": 1, "sender": "x"}',
             json.dumps({"time": "soon", "sender": "Li", "text": "x"}), good[2], good[3]]
    path = write(tmp_path / "log.jsonl", "\n".join(lines))
    assert brain_import(vault, "jsonl", path, "--me", "asha") == 0
    err = capsys.readouterr().err
    assert "log.jsonl line 2: " in err and "line 4: not JSON" in err
    assert "line 5: \"text\" is missing or not a string" in err and "line 6: \"time\" is not a date ('soon')" in err
    assert stored_texts(vault) == ["hi", "hello", "ok?", "yes"]


def test_telegram_json_nested_too_deep_is_a_sentence(vault, tmp_path, capsys):
    path = write(tmp_path / "result.json", '{"messages": ' + "[" * 200_000 + "]" * 200_000 + "}")
    assert brain_import(vault, "telegram", path, "--me", "x") == 2
    err = capsys.readouterr().err
    assert "result.json is not Telegram's result.json" in err and "Traceback" not in err


def test_telegram_bad_messages_skipped_good_kept(vault, tmp_path, capsys):
    data = json.loads((FIXTURES / "telegram-chat.json").read_text(encoding="utf-8"))
    data["messages"].insert(1, "not an object")
    data["messages"].insert(2, {"type": "message", "date": "someday", "from": "Marco", "text": "x"})
    path = write(tmp_path / "result.json", json.dumps(data))
    assert brain_import(vault, "telegram", path, "--me", "Asha") == 0
    err = capsys.readouterr().err
    assert "result.json: message 2 of chat" in err and "message 3 of chat" in err
    assert stored_texts(vault)


def test_whatsapp_impossible_date_names_its_line(vault, tmp_path, capsys):
    path = write(tmp_path / "WhatsApp Chat with Ravi.txt",
                 "01/06/2025, 10:00 - Ravi: hi\n31/02/2025, 10:01 - Ravi: no such day\n"
                 "01/06/2025, 10:02 - Meera: hello\n")
    assert brain_import(vault, "whatsapp", path, "--me", "Meera") == 0
    assert "line 2: 31/02/2025 10:01 is not a real date and time" in capsys.readouterr().err


@pytest.mark.parametrize("kind, content, says", [
    ("wechat", "", "not a WeChat CSV export"),
    ("wechat", "a,b,c\n1,2,3\n", "missing column(s) type_name"),
    ("telegram", "", "not Telegram's result.json"),
    ("telegram", "[1, 2]", "top level is not an object"),
    ("whatsapp", "hello there\n", "not a WhatsApp chat export"),
    ("jsonl", "garbage\n", "no line is a JSON object"),
])
def test_a_file_of_the_wrong_kind_is_one_clear_sentence(vault, tmp_path, capsys, kind, content, says):
    path = write(tmp_path / "export.txt", content)
    assert brain_import(vault, kind, path, "--me", "x") == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_binary_garbage_is_refused_cleanly(vault, tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_bytes(bytes(range(256)) * 64)
    assert brain_import(vault, "telegram", path, "--me", "x") == 2
    assert "not Telegram's result.json" in capsys.readouterr().err


def test_a_folder_instead_of_a_file(vault, tmp_path, capsys):
    assert brain_import(vault, "jsonl", tmp_path) == 2
    assert "no such file" in capsys.readouterr().err


# --- pseudonyms ------------------------------------------------------------------------------


GROUP = [("2025-05-01T10:00:00", "Li Wei", "Asha, are you coming? ask Ravi Kumar too"),
         ("2025-05-01T10:01:00", "+91 98220 45671", "I'm in, Li Wei"),
         ("2025-05-01T10:02:00", "Asha Rao", "yes! Ravi, bring the map")]


def group_export(tmp_path: Path) -> Path:
    rows = [{"time": t, "sender": s, "text": x, "chat": "Hiking with Li Wei"} for t, s, x in GROUP]
    return write(tmp_path / "group.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))


def test_senders_chat_names_and_mentions_become_stable_pseudonyms(vault, tmp_path, brain_home):
    path = group_export(tmp_path)
    assert brain_import(vault, "jsonl", path, "--me", "Asha") == 0
    stored = b"".join(p.read_bytes() for p in brain_home.rglob("*") if p.is_file())
    for private in ("Li Wei", "Asha", "98220", "Hiking with", str(path)):
        assert private.encode() not in stored, private
    names = Pseudonyms(load_key(pseudonym_key(vault)))
    [example] = load_examples(imports_db(vault))
    user = example["messages"][0]["content"]  # a group: user turns carry the speaker's pseudonym
    assert user.startswith(f"{names.of('Li Wei')}: {names.of('Asha Rao')}, are you coming?")
    assert f"{names.of('+91 98220 45671')}: I'm in, {names.of('Li Wei')}" in user
    again = tmp_path / "again"
    again.mkdir()
    assert brain_import(vault, "jsonl", group_export(again), "--me", "Asha") == 0
    assert [ex["messages"][0]["content"] for ex in load_examples(imports_db(vault))] == [user]  # same names


def test_key_file_is_private(vault, tmp_path):
    assert brain_import(vault, "jsonl", group_export(tmp_path), "--me", "Asha") == 0
    assert pseudonym_key(vault).stat().st_mode & 0o077 == 0


def test_configured_names_and_pseudonyms_off(vault, tmp_path, brain_home):
    config = brain_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[scrub]\nnames = {"Li Wei" = "Lee"}\ndeny = ["Ravi"]\n', encoding="utf-8")
    assert brain_import(vault, "jsonl", group_export(tmp_path), "--me", "Asha") == 0
    first = load_examples(imports_db(vault))[0]["messages"][0]["content"]
    assert first.startswith("Lee: ") and "<REDACTED>" in first and "Ravi" not in first
    config.write_text("[scrub]\npseudonyms = false\n", encoding="utf-8")
    assert brain_import(vault, "jsonl", group_export(tmp_path), "--me", "Asha") == 0
    assert load_examples(imports_db(vault))[0]["messages"][0]["content"].startswith("Li Wei: Asha, are")


def test_a_bad_scrub_config_stops_the_import_with_the_key_named(vault, tmp_path, brain_home, capsys):
    config = brain_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[scrub]\npseudonyms = \"yes\"\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        brain_import(vault, "jsonl", group_export(tmp_path), "--me", "Asha")
    assert "scrub.pseudonyms should be true or false" in str(exit_.value)
    assert not imports_db(vault).exists()


# --- the done-when: shared samples leave no secret or sender under the data folder --


SENDERS = ["Li Wei", "wxid_liwei88", "Marco", "user2002", "Amma", "Asha Rao", "user1001"]
SHARED_IMPORTS = [("wechat", "wechat-memotrace.csv", "我"), ("wechat", "wechat-legacy.csv", "我"),
                  ("telegram", "telegram-result.json", "Asha"), ("whatsapp", "whatsapp-android.txt", "Asha"),
                  ("whatsapp", "whatsapp-ios.txt", "Asha")]


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "chat-exports").is_dir() or not (SHARED / "sample-vault-secrets.json").is_file():
        pytest.skip("../shared sample data is not present")
    return SHARED


def test_shared_samples_leave_no_secret_or_sender_under_the_data_folder(shared, tmp_path, brain_home, capsys):
    from trainer.data.dataset import DatasetConfig, build_examples
    from trainer.data.mix import ChatMix, add_chats
    from trainer.data.scrub import ScrubConfig
    from trainer.paths import index_db, vault_data_dir
    from trainer.pipeline import with_people
    from trainer.vault.index import Index
    from trainer.vault.scan import scan_vault

    vault = shared / "sample-vault"
    for kind, name, me in SHARED_IMPORTS:
        copy = tmp_path / name
        shutil.copy(shared / "chat-exports" / name, copy)
        assert brain_import(vault, kind, copy, "--me", me) == 0
    with Index.open(index_db(vault)) as index:
        scan_vault(vault, index)
        notes = list(index.notes())
    scrub = with_people(vault, ScrubConfig())  # what `brain train` builds its dataset with
    dataset = build_examples(notes, DatasetConfig(), scrub)
    data = vault_data_dir(vault) / "runs" / "test" / "data"
    dataset.write_jsonl(data)
    add_chats(data, load_examples(imports_db(vault), scrub), ChatMix())
    secrets = [item["value"] for item in json.loads((shared / "sample-vault-secrets.json").read_text())]
    secrets += ["+91 98220 45671", "sk-"]  # the chat exports' planted phone and key prefix
    leaks = []
    for path in sorted(p for p in brain_home.rglob("*") if p.is_file()):
        if path.name.startswith("brain.db"):
            continue  # the note index: covered by the test below
        blob = path.read_bytes()
        leaks += [f"{path.name}: {v}" for v in secrets + SENDERS if v.encode() in blob]
    assert leaks == []


def test_the_note_index_holds_no_planted_secret(shared, brain_home):
    """`brain index` stores scrubbed notes: no planted secret in brain.db (or its WAL), while
    the people the notes name stay findable."""
    from trainer.paths import index_db
    from trainer.vault.index import Index

    vault = shared / "sample-vault"
    assert main(["index", str(vault)]) == 0
    blob = b"".join(p.read_bytes() for p in index_db(vault).parent.glob("brain.db*"))
    secrets = [item["value"] for item in json.loads((shared / "sample-vault-secrets.json").read_text())]
    assert [v for v in secrets if v.encode() in blob] == []
    with Index.open(index_db(vault)) as index:
        assert index.search("Meera")  # a name is not a secret: "Who is Meera?" still finds her notes


def test_notes_that_name_a_chat_partner_get_the_same_pseudonym_in_training(vault, tmp_path):
    from trainer.data.scrub import ScrubConfig, scrub_text
    from trainer.pipeline import with_people

    rows = [{"time": "2025-05-01T10:00:00", "sender": "李伟", "text": "周六爬山？"},
            {"time": "2025-05-01T10:01:00", "sender": "Asha Rao", "text": "好"}]
    path = write(tmp_path / "c.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    assert brain_import(vault, "jsonl", path, "--me", "Asha") == 0
    names = Pseudonyms(load_key(pseudonym_key(vault)))
    scrub = with_people(vault, ScrubConfig())
    note = "Hiked with 李伟 today; asha and ASHA RAO both tired. Ashanti is someone else."
    me = names.of("Asha Rao")
    assert scrub_text(note, scrub).text == f"Hiked with {names.of('李伟')} today; {me} and {me} both tired. " \
                                           "Ashanti is someone else."
    assert "我和李伟去" not in scrub_text("我和李伟去了", scrub).text
    assert with_people(vault, ScrubConfig(pseudonyms=False)).rename is None


def test_imports_made_before_pseudonyms_are_rewritten_on_the_next_import(vault, tmp_path, brain_home):
    from trainer.data.chats import read_export
    from trainer.data.chats.build import build
    from trainer.data.chats.store import save_import

    old = group_export(tmp_path)
    built = build(read_export("jsonl", old), "Asha Rao")  # as the previous version stored it: names in clear
    save_import(imports_db(vault), old, "jsonl", 360, built)
    with sqlite3.connect(imports_db(vault)) as conn:
        conn.execute("UPDATE chat_imports SET source_path = ?", (str(old),))
    other = write(tmp_path / "other.jsonl", json.dumps({"time": "2025-06-01T10:00:00", "sender": "Asha Rao",
                                                        "text": "new"}))
    assert brain_import(vault, "jsonl", other, "--me", "Asha") == 0
    stored = b"".join(p.read_bytes() for p in brain_home.rglob("*") if p.is_file())
    for private in ("Li Wei", "Asha", "98220", "Hiking with", str(old)):
        assert private.encode() not in stored, private

"""Telegram Desktop result.json: one chat or a full export; text as a string or entity list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.data.chats import read_export
from trainer.data.chats.build import build, match_me
from trainer.data.chats.model import ChatFormatError
from trainer.data.chats.telegram import plain_text

FIXTURES = Path(__file__).parent / "fixtures" / "chats"


def test_single_chat_counts_merges_splits_and_scrubs():
    export = read_export("telegram", FIXTURES / "telegram-chat.json")
    assert export.owner is None  # a single-chat export does not say who exported it
    built = build(export, "Asha Rao")
    s = built.summary
    assert (s.read, s.kept, s.merged, s.conversations, s.examples) == (13, 7, 1, 2, 2)
    assert s.dropped == {"system": 1, "sticker": 1, "image": 1, "forwarded": 1, "link": 1, "unreadable": 1}
    assert s.scrubbed == {"secret": 1}
    assert built.examples[0]["messages"] == [
        {"role": "user", "content": "are you around?"},
        {"role": "assistant", "content": "sure, give me 5\nwhat's up"},  # entity list flattened, then merged
        {"role": "user", "content": "can you send me the staging key?"},
        {"role": "assistant", "content": "here: <SECRET>"},
    ]


@pytest.mark.parametrize("name", ["Asha Rao", "asha rao", "Asha", "user1001"])
def test_me_by_name_first_name_or_user_id(name):
    export = read_export("telegram", FIXTURES / "telegram-chat.json")
    assert match_me(export, name) == "Asha Rao"


def test_unknown_me_matches_nobody():
    assert match_me(read_export("telegram", FIXTURES / "telegram-chat.json"), "Priya") is None


def test_full_export_knows_its_owner_and_reads_every_chat():
    export = read_export("telegram", FIXTURES / "telegram-full.json")
    assert export.owner == "Asha Rao"  # from personal_information.user_id
    assert [log.chat for log in export.logs] == ["Marco", "Climbing", "Old group"]  # left_chats too
    built = build(export, export.owner)
    assert (built.summary.conversations, built.summary.examples) == (3, 2)
    group = built.examples[1]["messages"]  # two other people: their turns say who spoke
    assert group == [{"role": "user", "content": "Priya: who's in for saturday?\nMarco: me"},
                     {"role": "assistant", "content": "count me in"}]


def test_text_is_a_string_or_a_list_of_strings_and_entities():
    assert plain_text("plain") == "plain"
    assert plain_text(["read ", {"type": "bold", "text": "DDIA"}, " ch. 5"]) == "read DDIA ch. 5"
    assert plain_text([{"type": "link", "text": "https://x.org"}, 7, None]) == "https://x.org"
    assert plain_text(None) == ""


def test_not_a_telegram_export(tmp_path):
    (tmp_path / "a.json").write_text("[1, 2]")
    (tmp_path / "b.json").write_text(json.dumps({"about": "no chats here"}))
    with pytest.raises(ChatFormatError, match="top level"):
        read_export("telegram", tmp_path / "a.json")
    with pytest.raises(ChatFormatError, match="no chats"):
        read_export("telegram", tmp_path / "b.json")
    with pytest.raises(ChatFormatError, match="not Telegram"):
        read_export("telegram", FIXTURES / "wechat-current.csv")

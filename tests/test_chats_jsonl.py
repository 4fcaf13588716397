"""Generic JSONL {time, sender, text}; and the build steps every format shares."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from trainer.data.chats import read_export
from trainer.data.chats.build import build, match_me, merge, split, to_example
from trainer.data.chats.model import ChatFormatError, ChatMessage, Conversation
from trainer.data.chats.timestamps import parse_timestamp

FIXTURES = Path(__file__).parent / "fixtures" / "chats"
T0 = datetime(2025, 1, 1, 12, 0)


def test_jsonl_counts_chats_and_scrubs():
    export = read_export("jsonl", FIXTURES / "chat.jsonl")
    assert export.senders() == ["asha", "bo", "kim"]
    assert match_me(export, "ASHA") == "asha"
    built = build(export, "asha")
    s = built.summary
    assert (s.read, s.kept, s.merged, s.conversations, s.examples) == (11, 7, 1, 2, 2)
    assert s.dropped == {"unreadable": 2, "empty": 1, "image": 1}
    assert s.scrubbed == {"secret": 1}
    assert [c.chat for c in built.conversations] == ["jsonl", "work"]
    assert built.examples[0]["messages"][-1] == {"role": "assistant", "content": "congrats!! use my token <SECRET>"}


def test_a_file_with_no_usable_line_is_refused(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"who": "a"}\nnot json\n')
    with pytest.raises(ChatFormatError, match="time, sender and text"):
        read_export("jsonl", path)


def test_timestamps_in_the_shapes_exporters_write():
    assert parse_timestamp("2025-04-08 22:03:45") == datetime(2025, 4, 8, 22, 3, 45)
    assert parse_timestamp("2024/10/4 11:42") == datetime(2024, 10, 4, 11, 42)
    assert parse_timestamp(1735900000) == parse_timestamp("1735900000") == parse_timestamp(1735900000000)
    assert parse_timestamp("2025-01-02T10:00:00Z") == parse_timestamp(1735812000)
    assert parse_timestamp("soon") is None and parse_timestamp(True) is None and parse_timestamp(None) is None


def msg(minutes: float, sender: str, text: str = "x") -> ChatMessage:
    return ChatMessage(T0 + timedelta(minutes=minutes), sender, text)


def test_split_cuts_only_on_gaps_longer_than_the_threshold():
    messages = [msg(0, "a"), msg(60, "b"), msg(121, "a"), msg(122, "b")]
    assert [len(p) for p in split(messages, timedelta(minutes=60))] == [2, 2]


def test_merge_joins_runs_of_one_sender_and_keeps_the_last_time():
    turns = merge([msg(0, "a", "1"), msg(1, "a", "2"), msg(2, "b", "3"), msg(3, "a", "4")])
    assert [(t.sender, t.text) for t in turns] == [("a", "1\n2"), ("b", "3"), ("a", "4")]
    assert turns[0].time == T0 + timedelta(minutes=1)


def test_examples_start_with_user_end_with_assistant_and_alternate():
    conv = Conversation("c", [msg(0, "me", "early"), msg(1, "you", "q1"), msg(2, "me", "a1"),
                              msg(3, "you", "q2"), msg(4, "me", "a2"), msg(5, "you", "bye")])
    roles = [t["role"] for t in to_example(conv, "me")["messages"]]
    assert roles == ["user", "assistant", "user", "assistant"]
    assert to_example(Conversation("c", [msg(0, "you", "anyone?")]), "me") is None
    assert to_example(Conversation("c", [msg(0, "me", "monologue")]), "me") is None

"""Chat history joins the training set with a persona prompt, a stable split and a share cap."""

from __future__ import annotations

import json

from trainer.data.mix import ChatMix, add_chats, cap, split_chats


def convo(i: int) -> dict:
    return {"messages": [{"role": "user", "content": f"hey, dinner {i}?"},
                         {"role": "assistant", "content": f"sure, {i} works for me"}]}


def test_split_adds_persona_and_is_stable():
    rows = [convo(i) for i in range(200)]
    mix = ChatMix(persona="Talk like me.")
    train, held = split_chats(rows, mix)
    assert len(train) + len(held) == 200 and 5 <= len(held) <= 40
    assert all(r["messages"][0] == {"role": "system", "content": "Talk like me."} for r in train + held)
    held_again = split_chats(list(reversed(rows)), mix)[1]
    assert sorted(map(str, held_again)) == sorted(map(str, held))  # the split ignores order


def test_cap_limits_the_share_of_chats():
    rows = [convo(i) for i in range(100)]
    kept = cap(rows, note_rows=30, share=0.5)
    assert len(kept) == 30 and kept == cap(list(reversed(rows)), 30, 0.5)
    assert cap(rows, 30, 0.0) == [] and cap(rows, 30, 1.0) == rows


def test_add_chats_appends_to_train_and_writes_held_out_chats(tmp_path):
    (tmp_path / "train.jsonl").write_text(json.dumps({"messages": [{"role": "user", "content": "note"}]}) + "\n")
    counts = add_chats(tmp_path, [convo(i) for i in range(50)], ChatMix(max_share=0.5))
    lines = (tmp_path / "train.jsonl").read_text().splitlines()
    assert counts["chat_train"] == 1 and len(lines) == 2  # one note row allows one chat row at 50%
    held = (tmp_path / "eval_chats.jsonl").read_text().splitlines()
    assert len(held) == counts["chat_eval"] > 0
    assert add_chats(tmp_path, [convo(1)], ChatMix(enabled=False)) == {"chat_train": 0, "chat_eval": 0}

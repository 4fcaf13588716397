"""WhatsApp "Export chat" text: Android and iOS styles, date order, 12/24 h, continuations."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from trainer.data.chats import read_export
from trainer.data.chats.build import build
from trainer.data.chats.model import ChatFormatError
from trainer.data.chats.whatsapp import classify, read_whatsapp

FIXTURES = Path(__file__).parent / "fixtures" / "chats"


def test_android_counts_merges_splits_and_scrubs():
    built = build(read_export("whatsapp", FIXTURES / "whatsapp-android.txt"), "Meera")
    s = built.summary
    assert (s.read, s.kept, s.merged, s.conversations, s.examples) == (11, 7, 1, 2, 2)
    assert s.dropped == {"system": 1, "media": 1, "recalled": 1, "link": 1}
    assert s.scrubbed == {"phone": 1}
    assert built.examples[0]["messages"] == [
        {"role": "user", "content": "Morning! Coffee?"},
        {"role": "assistant", "content": "Yes please\nUsual place?"},
        {"role": "user", "content": "See you at 9"},
        # continuation lines belong to the message; the "edited" marker is not the sender's words
        {"role": "assistant", "content": "Ok. Here is the plan:\nfirst we get coffee\nthen we walk"},
    ]
    assert built.conversations[1].started == datetime(2025, 5, 14, 19, 30)  # day first: 14/05


def test_ios_month_first_twelve_hour_clock_and_marks():
    export = read_export("whatsapp", FIXTURES / "whatsapp-ios.txt")
    built = build(export, "Meera")
    s = built.summary
    assert (s.read, s.kept, s.merged, s.conversations, s.examples) == (10, 5, 1, 1, 1)
    assert s.dropped == {"system": 1, "image": 2, "sticker": 1, "recalled": 1}
    times = [m.time for m in export.logs[0].messages]
    assert times[1] == datetime(2025, 5, 13, 8, 1, 10)  # 5/13/25: month first, since 13 > 12
    assert times[-1] == datetime(2025, 5, 13, 12, 32)  # 12:32 PM is noon, not midnight
    assert built.examples[0]["messages"][1]["content"] == "Yes please\nLunch was great\nit really was"


def test_a_shorter_gap_splits_the_morning_from_lunch():
    built = build(read_export("whatsapp", FIXTURES / "whatsapp-ios.txt"), "Meera", gap=timedelta(hours=1))
    assert (built.summary.conversations, built.summary.merged, built.summary.examples) == (2, 0, 2)


def test_ambiguous_dates_default_to_day_first_unless_told(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text("03/04/2025, 10:00 - A: hi\n03/04/2025, 10:01 - B: hello\n")
    assert read_whatsapp(path).logs[0].messages[0].time == datetime(2025, 4, 3, 10, 0)
    assert read_whatsapp(path, day_first=False).logs[0].messages[0].time == datetime(2025, 3, 4, 10, 0)


def test_not_a_whatsapp_export():
    with pytest.raises(ChatFormatError, match="no line starts with a date"):
        read_export("whatsapp", FIXTURES / "chat.jsonl")


@pytest.mark.parametrize("body, marked, kind", [
    ("hello there", False, "text"),
    ("<Media omitted>", False, "media"),
    ("image omitted", True, "image"),
    ("sticker omitted", True, "sticker"),
    ("GIF omitted", True, "sticker"),
    ("video omitted", True, "media"),
    ("<attached: 00000012-PHOTO-2025-05-13-08-04-00.jpg>", True, "image"),
    ("<attached: 00000013-STICKER-2025-05-13.webp>", True, "sticker"),
    ("IMG-20250513-WA0001.jpg (file attached)", False, "image"),
    ("This message was deleted", False, "recalled"),
    ("You deleted this message.", True, "recalled"),
    ("Missed voice call", True, "system"),
    ("https://example.com/x", False, "link"),
    ("see https://example.com/x", False, "text"),
])
def test_bodies_by_kind(body, marked, kind):
    assert classify(body, marked) == kind

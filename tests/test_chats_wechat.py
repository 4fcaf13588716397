"""WeChat CSV import: both layouts, BOM/CRLF and GB18030 files, the owner from is_sender."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from trainer.data.chats import read_export
from trainer.data.chats.build import build
from trainer.data.chats.model import ChatFormatError
from trainer.data.chats.wechat import classify

FIXTURES = Path(__file__).parent / "fixtures" / "chats"


def test_current_layout_counts_merges_splits_and_scrubs():
    export = read_export("wechat", FIXTURES / "wechat-current.csv")  # UTF-8 BOM, CRLF
    assert export.owner == "我"
    assert set(export.senders()) == {"我", "Li Wei"}
    built = build(export, "我")
    s = built.summary
    assert (s.read, s.kept, s.merged, s.conversations, s.examples) == (17, 10, 2, 2, 2)
    assert s.dropped == {"system": 1, "sticker": 1, "image": 1, "recalled": 1, "link": 1,
                         "unreadable": 1, "empty": 1}
    assert s.scrubbed == {"phone": 1, "email": 1}
    assert built.examples[0]["messages"] == [
        {"role": "user", "content": "早上好"},
        {"role": "assistant", "content": "早！\n今天去爬山吗"},
        {"role": "user", "content": "好啊，几点"},
        {"role": "assistant", "content": "我的电话是 <PHONE>"},
    ]
    # a quoted multi-line field survives CRLF; the other side's two messages became one turn
    assert built.examples[1]["messages"][-2:] == [{"role": "user", "content": "好的\n路上小心"},
                                                  {"role": "assistant", "content": "收到\n谢谢"}]


def test_legacy_layout_reads_the_json_content_column():
    export = read_export("wechat", FIXTURES / "wechat-legacy.csv")
    # WeClone's sample puts one wxid in `talker` on both sides: the owner is named 我, not the wxid
    assert export.owner == "我"
    built = build(export, "我")
    s = built.summary
    assert (s.read, s.kept, s.merged, s.conversations, s.examples) == (6, 4, 1, 2, 1)
    assert s.dropped == {"image": 1, "sticker": 1}
    assert built.examples[0]["messages"] == [
        {"role": "user", "content": "Little Maldives?"},
        {"role": "assistant", "content": "Worthy of the name\nwent there last year"},
    ]


def test_the_split_gap_is_configurable():
    export = read_export("wechat", FIXTURES / "wechat-legacy.csv")
    assert build(export, "我", gap=timedelta(hours=24)).summary.conversations == 1
    assert build(export, "我", gap=timedelta(seconds=30)).summary.conversations == 4


def test_gb18030_files_from_older_windows_tools(tmp_path):
    text = (FIXTURES / "wechat-current.csv").read_bytes().decode("utf-8-sig")
    path = tmp_path / "old.csv"
    path.write_bytes(text.encode("gb18030"))
    built = build(read_export("wechat", path), "我")
    assert built.examples[0]["messages"][0]["content"] == "早上好"


def test_a_file_that_is_not_a_wechat_csv_says_what_is_missing():
    with pytest.raises(ChatFormatError, match="missing column.*is_sender"):
        read_export("wechat", FIXTURES / "whatsapp-android.txt")


@pytest.mark.parametrize("type_name, text, kind", [
    ("文本", "hi", "text"),
    ("带有引用的文本消息", "引用", "text"),  # PyWxDump (49, 57): a reply quoting another message
    ("系统通知", "你已添加了Li Wei", "system"),
    ("系统通知", '"Li Wei" 撤回了一条消息', "recalled"),
    ("撤回消息", "你撤回了一条消息", "recalled"),
    ("消息撤回1", "", "recalled"),  # PyWxDump's newer (10000, 1)
    ("动画表情", "表情", "sticker"),
    ("用户上传的GIF表情", "", "sticker"),
    ("图片", "图片", "image"),
    ("Image", "Image", "image"),  # WeClone's English docs
    ("卡片式链接", "", "link"),
    ("(分享)卡片式链接", "", "link"),
    ("分享的小程序", "【美团】", "link"),
    ("语音", "", "media"),
    ("文件", "", "media"),
])
def test_type_names_from_pywxdump_and_weclone(type_name, text, kind):
    assert classify(type_name, text) == kind

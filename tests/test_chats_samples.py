"""The shared sample exports (../shared/chat-exports): what a user would see importing them."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from trainer.data.chats.store import load_examples
from trainer.paths import imports_db
from tui.cli import main

EXPORTS = Path(__file__).resolve().parents[2] / "shared" / "chat-exports"
PLANTED = ["+91 98450 12345", "98450 12345", "asha.rao.notes@example.com",
           "sk-test-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e", "4f9a8b7c6d5e4f3a2b1c"]
SAMPLES = [  # file, kind, --me, (read, kept, merged, conversations, examples), scrubbed
    ("wechat-memotrace.csv", "wechat", "我", (37, 30, 6, 6, 6), "phone 1, email 1"),
    ("wechat-legacy.csv", "wechat", "我", (37, 30, 6, 6, 6), "phone 1, email 1"),
    ("telegram-result.json", "telegram", "Asha", (22, 19, 3, 4, 4), "secret 1"),
    ("whatsapp-android.txt", "whatsapp", "Asha", (19, 16, 2, 4, 3), None),
    ("whatsapp-ios.txt", "whatsapp", "Asha", (18, 15, 2, 3, 3), None),
]


@pytest.fixture
def exports() -> Path:
    if not EXPORTS.is_dir():
        pytest.skip("../shared/chat-exports is not present on this machine")
    return EXPORTS


@pytest.mark.parametrize("name, kind, me, counts, scrubbed", SAMPLES)
def test_sample_import(exports, tmp_path, brain_home, monkeypatch, capsys, name, kind, me, counts, scrubbed):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["import", kind, str(exports / name), "--me", me, "--vault", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    labels = ("messages read", "kept", "merged", "conversations", "examples")
    for label, number in zip(labels, counts, strict=True):
        assert f"{label:<17}{number}" in out
    if scrubbed:
        assert f"({scrubbed})" in out
    examples = load_examples(imports_db(tmp_path))
    assert len(examples) == counts[-1]
    stored = b"".join(p.read_bytes() for p in brain_home.rglob("*") if p.is_file())
    for secret in PLANTED:
        assert secret.encode() not in stored
        assert secret not in repr(examples) and secret not in out

"""Chat history importers: WeChat, Telegram, WhatsApp and a generic JSONL, one module each.

`read_export(kind, path)` reads a file into a `ChatExport`; `build.build` cleans, scrubs,
splits and merges it into conversations and {"messages": [...]} examples; `store.save_import`
keeps the result in the vault's database. The CLI (`brain import`) composes the three.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from trainer.data.chats.jsonl import read_jsonl
from trainer.data.chats.model import ChatExport, ChatFormatError
from trainer.data.chats.telegram import read_telegram
from trainer.data.chats.wechat import read_wechat
from trainer.data.chats.whatsapp import read_whatsapp

READERS: dict[str, Callable[[Path], ChatExport]] = {
    "wechat": read_wechat,
    "telegram": read_telegram,
    "whatsapp": read_whatsapp,
    "jsonl": read_jsonl,
}


def read_export(kind: str, path: Path) -> ChatExport:
    """Read one export file. Raises ChatFormatError (a ValueError) when it is not that format."""
    if kind not in READERS:
        raise ChatFormatError(f"unknown chat format {kind!r}; choose one of {', '.join(READERS)}")
    return READERS[kind](path)

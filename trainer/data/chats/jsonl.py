"""A generic chat log: one JSON object per line, {"time", "sender", "text"}.

The escape hatch for any app without its own importer. Optional keys: "chat" (to keep several
chats in one file apart) and "kind" (one of the model's kinds, default "text"). "time" is ISO
8601 or Unix epoch seconds/milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path

from trainer.data.chats.model import KINDS, TEXT, ChatExport, ChatFormatError, ChatLog, ChatMessage
from trainer.data.chats.timestamps import parse_timestamp


def read_jsonl(path: Path) -> ChatExport:
    logs: dict[str, ChatLog] = {}
    unreadable = seen = 0
    for line in path.read_bytes().decode("utf-8-sig", errors="replace").splitlines():
        if not line.strip():
            continue
        seen += 1
        item = _record(line)
        if item is None:
            unreadable += 1
            continue
        chat, message = item
        logs.setdefault(chat, ChatLog(chat)).messages.append(message)
    if seen and unreadable == seen:
        raise ChatFormatError(f"{path.name}: no line is a JSON object with time, sender and text, "
                              'e.g. {"time": "2025-04-08T22:03:45", "sender": "Asha", "text": "hi"}')
    return ChatExport("jsonl", list(logs.values()), unreadable=unreadable)


def _record(line: str) -> tuple[str, ChatMessage] | None:
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or data.get("sender") in (None, ""):
        return None
    time = parse_timestamp(data.get("time"))
    if time is None:
        return None
    kind = data.get("kind") if data.get("kind") in KINDS else TEXT
    message = ChatMessage(time, str(data["sender"]), data["text"].strip(), kind)
    return str(data.get("chat") or "jsonl"), message

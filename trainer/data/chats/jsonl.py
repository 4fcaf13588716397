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
    export = ChatExport("jsonl", [])
    logs: dict[str, ChatLog] = {}
    seen = 0
    for number, line in enumerate(path.read_bytes().decode("utf-8-sig", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        seen += 1
        item = _record(line)
        if isinstance(item, str):
            export.unreadable += 1
            export.problem(f"{path.name} line {number}: {item}; the line was skipped")
            continue
        chat, message = item
        logs.setdefault(chat, ChatLog(chat)).messages.append(message)
    if seen and export.unreadable == seen:
        raise ChatFormatError(f"{path.name}: no line is a JSON object with time, sender and text, "
                              'e.g. {"time": "2025-04-08T22:03:45", "sender": "Asha", "text": "hi"}'
                              + (f" ({export.problems[0]})" if export.problems else ""))
    export.logs = list(logs.values())
    return export


def _record(line: str) -> tuple[str, ChatMessage] | str:
    """(chat, message), or a sentence saying what is wrong with the line."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return "JSON nested too deeply to read"
    if not isinstance(data, dict):
        return "not a JSON object"
    if not isinstance(data.get("text"), str):
        return '"text" is missing or not a string'
    if data.get("sender") in (None, "") or isinstance(data.get("sender"), dict | list):
        return '"sender" is missing or not a name'
    time = parse_timestamp(data.get("time"))
    if time is None:
        return f'"time" is not a date ({str(data.get("time"))[:40]!r})'
    kind = data.get("kind") if data.get("kind") in KINDS else TEXT
    message = ChatMessage(time, str(data["sender"]), data["text"].strip(), kind)
    return str(data.get("chat") or "jsonl"), message

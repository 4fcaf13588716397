"""Telegram Desktop's JSON export (`result.json`), checked against tdesktop's
`export_output_json.cpp`.

Two shapes: one chat ({"name", "type", "id", "messages"}) or a full account export
({"personal_information": {"user_id", ...}, "chats": {"list": [...]}, "left_chats": {...}}).
A message has "type" "message" or "service" ("unsupported" for media Telegram cannot export);
"from"/"from_id" ("user1001"); "text" as a string or a list mixing strings and entity objects
{"type", "text"}; media as "photo", or "file" with "media_type" (sticker, animation,
voice_message, video_message, video_file, audio_file); "forwarded_from" on forwards.
"""

from __future__ import annotations

import json
from pathlib import Path

from trainer.data.chats.model import (FORWARDED, IMAGE, LINK, MEDIA, STICKER, SYSTEM, TEXT, ChatExport,
                                 ChatFormatError, ChatLog, ChatMessage)
from trainer.data.chats.timestamps import parse_timestamp

MEDIA_KEYS = ("file", "contact_information", "location_information", "poll", "game_title",
              "invoice_information", "place_name")
LINK_ENTITIES = {"link", "text_link"}


def read_telegram(path: Path) -> ChatExport:
    data = _load(path)
    chats = _chats(data, path)
    aliases: dict[str, str] = {}
    export = ChatExport("telegram", [], aliases=aliases)
    for chat in chats:
        log, bad = _log(chat, aliases)
        export.logs.append(log)
        export.unreadable += len(bad)
        for index in bad:
            export.problem(f"{path.name}: message {index + 1} of chat {log.chat!r} has no readable date "
                           "or is not an object; it was skipped")
    export.owner = _owner(data, aliases)
    return export


def plain_text(text: object) -> str:
    """`text` as Telegram writes it: a string, or a list of strings and {"type", "text"} parts."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", ""))
                       for part in text if isinstance(part, (str, dict)))
    return ""


def classify(message: dict) -> str:
    if message.get("type") != "message":
        return SYSTEM if message.get("type") == "service" else MEDIA
    if "forwarded_from" in message:
        return FORWARDED
    media_type = message.get("media_type")
    if media_type == "sticker":
        return STICKER
    if "photo" in message:
        return IMAGE
    if media_type or any(key in message for key in MEDIA_KEYS):
        return MEDIA
    return LINK if _only_links(message.get("text")) else TEXT


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ChatFormatError(f"{path.name} is not Telegram's result.json: {exc}") from exc
    except RecursionError as exc:
        raise ChatFormatError(f"{path.name} is not Telegram's result.json: its JSON is nested too deeply "
                              "to read (an export nests a few levels, not hundreds)") from exc
    if not isinstance(data, dict):
        raise ChatFormatError(f"{path.name} is not Telegram's result.json: the top level is not an object")
    return data


def _chats(data: dict, path: Path) -> list[dict]:
    if isinstance(data.get("messages"), list):
        return [data]
    chats = [c for key in ("chats", "left_chats") for c in _list(data.get(key))]
    if not chats:
        raise ChatFormatError(f"{path.name} has no chats: expected Telegram Desktop's JSON export "
                              "(Export chat history → Format: JSON) with 'messages' or 'chats.list'.")
    return chats


def _list(section: object) -> list[dict]:
    items = section.get("list") if isinstance(section, dict) else None
    return [c for c in items if isinstance(c, dict) and isinstance(c.get("messages"), list)] if isinstance(items, list) else []


def _log(chat: dict, aliases: dict[str, str]) -> tuple[ChatLog, list[int]]:
    """The chat's messages, and the positions of those that could not be read."""
    log = ChatLog(str(chat.get("name") or chat.get("type") or chat.get("id") or "telegram"))
    bad = []
    for index, raw in enumerate(chat["messages"]):
        message = _message(raw, aliases) if isinstance(raw, dict) else None
        if message is None:
            bad.append(index)
        else:
            log.messages.append(message)
    return log, bad


def _message(raw: dict, aliases: dict[str, str]) -> ChatMessage | None:
    time = parse_timestamp(raw.get("date")) or parse_timestamp(raw.get("date_unixtime"))
    if time is None:
        return None
    sender = str(raw.get("from") or raw.get("actor") or "Deleted Account")
    sender_id = raw.get("from_id") or raw.get("actor_id")
    if sender_id:
        aliases.setdefault(str(sender_id), sender)
    return ChatMessage(time, sender, plain_text(raw.get("text")).strip(), classify(raw))


def _only_links(text: object) -> bool:
    """A message made of link entities and whitespace only: a shared URL, not the sender's words."""
    if not isinstance(text, list):
        return isinstance(text, str) and text.strip().startswith(("http://", "https://")) and " " not in text.strip()
    parts = [p for p in text if not (isinstance(p, str) and not p.strip())]
    return bool(parts) and all(isinstance(p, dict) and p.get("type") in LINK_ENTITIES for p in parts)


def _owner(data: dict, aliases: dict[str, str]) -> str | None:
    """A full export names its owner in personal_information; a single chat does not."""
    info = data.get("personal_information")
    if not isinstance(info, dict) or not info.get("user_id"):
        return None
    user_id = f"user{info['user_id']}"
    name = " ".join(str(info.get(k) or "") for k in ("first_name", "last_name")).strip()
    return aliases.get(user_id) or name or None

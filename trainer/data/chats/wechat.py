"""WeChat chat history as the CSV that PyWxDump, MemoTrace and WeClone use.

Two layouts exist (checked against PyWxDump's `export_csv` and WeClone's readers):
- current: id, MsgSvrID, type_name, is_sender, talker, room_name, msg, src, CreateTime
- legacy: the same with one `content` column holding JSON {"src": ..., "msg": ...}
`is_sender` = 1 marks the account owner; `talker` is "我" (PyWxDump's default name for the
owner), a display name, or a wxid; `type_name` is a Chinese label such as 文本 or 图片
(WeClone's English docs write Text, Image). Some exporters add a UTF-8 BOM and CRLF line ends;
older Windows tools write GB18030.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from trainer.data.chats.model import (IMAGE, LINK, MEDIA, RECALLED, STICKER, SYSTEM, TEXT, ChatExport,
                                 ChatFormatError, ChatLog, ChatMessage)
from trainer.data.chats.timestamps import parse_timestamp

SELF_NAME = "我"
MAX_RECORD_LINES = 2000  # a message may span lines inside quotes; beyond this a quote is broken
MAX_RECORD_CHARS = 8 << 20  # a message may be long (csv's own limit, 128 KiB, is lifted below)
REQUIRED = ("type_name", "is_sender", "CreateTime")
TEXT_TYPES = {"文本", "text", "带有引用的文本消息", "引用回复"}
SYSTEM_TYPES = {"系统通知", "系统消息", "拍一拍", "添加好友", "群公告", "邀请加群", "system", "notice"}
STICKER_TYPES = {"动画表情", "用户上传的gif表情", "表情", "animated emoji", "sticker", "emoji"}
IMAGE_TYPES = {"图片", "image", "photo"}
LINK_WORDS = ("链接", "小程序", "分享", "视频号", "link", "share")
RECALL_WORDS = ("撤回", "recall")


csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_CHARS))


def read_wechat(path: Path) -> ChatExport:
    rows, problems = _read_rows(path)
    owner = _owner_name([row for _, row in rows])
    logs: dict[str, ChatLog] = {}
    export = ChatExport("wechat", [], owner=owner, unreadable=len(problems))
    for message in problems:
        export.problem(message)
    for line, row in rows:
        message = _message(row, owner)
        if message is None:
            export.unreadable += 1
            export.problem(f"{path.name} line {line}: no readable CreateTime "
                           f"({_cell(row, 'CreateTime')[:40]!r}); the row was skipped")
            continue
        chat = _cell(row, "room_name") or "wechat"
        logs.setdefault(chat, ChatLog(chat)).messages.append(message)
    export.logs = list(logs.values())
    return export


def classify(type_name: str, text: str) -> str:
    """Map a `type_name` label (and, for notices, the text) to one of the model's kinds."""
    label = type_name.strip().lower()
    if any(w in label for w in RECALL_WORDS) or (label in SYSTEM_TYPES and "撤回" in text):
        return RECALLED
    for kind, labels in ((TEXT, TEXT_TYPES), (SYSTEM, SYSTEM_TYPES), (STICKER, STICKER_TYPES),
                         (IMAGE, IMAGE_TYPES)):
        if label in labels:
            return kind
    return LINK if any(w in label for w in LINK_WORDS) else MEDIA


def _read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(line, row) for every readable record, and a sentence for every record skipped. A
    broken record (a quote never closed, a NUL byte) costs only its own line, never the file."""
    lines = _decode(path.read_bytes()).splitlines(keepends=True)
    header = [name.strip() for name in next(csv.reader(lines[:1]), [])]
    _check_header(path, header)
    rows, problems, i = [], [], 1
    while i < len(lines):
        end = _record_end(lines, i)
        try:
            cells = next(csv.reader(lines[i:end]), []) if end else None
        except csv.Error as exc:
            cells, end = None, None
            problems.append(f"{path.name} line {i + 1}: {exc}; the line was skipped")
        else:
            if cells is None:
                problems.append(f"{path.name} line {i + 1}: a quote is never closed; the line was skipped")
        if cells and any(c.strip() for c in cells):
            rows.append((i + 1, dict(zip(header, cells, strict=False))))
        i = end or i + 1
    return rows, problems


def _check_header(path: Path, header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if "msg" not in header and "content" not in header:
        missing.append("msg (or content)")
    if missing:
        raise ChatFormatError(f"{path.name} is not a WeChat CSV export: missing column(s) {', '.join(missing)}. "
                              "Expected id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime "
                              "(PyWxDump/MemoTrace/WeClone) or the older layout with a JSON content column.")


def _record_end(lines: list[str], start: int) -> int | None:
    """The line after the record starting at `start`: quotes balance there (a quoted cell may
    span lines). None when they never balance within MAX_RECORD_LINES / MAX_RECORD_CHARS."""
    quotes = size = 0
    for end in range(start, min(len(lines), start + MAX_RECORD_LINES)):
        quotes += lines[end].count('"')
        size += len(lines[end])
        if size > MAX_RECORD_CHARS:
            return None
        if quotes % 2 == 0:
            return end + 1
    return None


def _decode(data: bytes) -> str:
    """UTF-8 (BOM or not) first; GB18030 is what older Windows exporters wrote."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _owner_name(rows: list[dict[str, str]]) -> str:
    """The owner's display name: their `talker` if it is one consistent name nobody else uses
    (WeClone's sample puts the chat's wxid on both sides), else PyWxDump's "我"."""
    mine = {_cell(r, "talker") for r in rows if _is_sender(r)}
    theirs = {_cell(r, "talker") for r in rows if not _is_sender(r)}
    name = next(iter(mine)) if len(mine) == 1 else ""
    return name if name and name not in theirs else SELF_NAME


def _message(row: dict[str, str], owner: str) -> ChatMessage | None:
    time = parse_timestamp(_cell(row, "CreateTime"))
    if time is None:
        return None
    text = _text(row)
    sender = owner if _is_sender(row) else (_cell(row, "talker") or _cell(row, "room_name") or "?")
    return ChatMessage(time, sender, text, classify(_cell(row, "type_name"), text))


def _text(row: dict[str, str]) -> str:
    if "msg" in row:
        return (row.get("msg") or "").strip()
    content = row.get("content") or ""
    try:
        data = json.loads(content)
    except json.JSONDecodeError:
        return content.strip()
    return str(data.get("msg") or "").strip() if isinstance(data, dict) else content.strip()


def _is_sender(row: dict[str, str]) -> bool:
    return _cell(row, "is_sender").lower() in {"1", "1.0", "true"}


def _cell(row: dict[str, str], name: str) -> str:
    return (row.get(name) or "").strip()

"""WhatsApp's "Export chat" text file, Android and iOS styles.

  Android: 15/06/2025, 21:09 - Amma: Your cousin is getting married
  iOS:     [15/06/25, 9:09:47 PM] Amma: Your cousin is getting married
Dates are day/month or month/day by locale (inferred from the whole file: a first number above
12 means day first), the clock 12 or 24 hours, seconds optional. A message continues on
following lines until the next dated line. iOS marks system notes and attachments with a
left-to-right mark (U+200E) and attributes even "Messages and calls are end-to-end encrypted"
to a sender; newer iOS writes a narrow no-break space before AM/PM. Checked against
joweich/chat-miner's WhatsApp parser and the exports in ../shared/chat-exports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from trainer.data.chats.model import (IMAGE, LINK, MEDIA, RECALLED, STICKER, SYSTEM, TEXT, ChatExport,
                                 ChatFormatError, ChatLog, ChatMessage)

LRM = "\u200e"
DATE = r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
TIME = r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[AaPp]\.?\s?[Mm]\.?)?)"
IOS = re.compile(rf"^\[{DATE},? {TIME}\] (?P<rest>.*)$")
ANDROID = re.compile(rf"^{DATE},? {TIME} [-–] (?P<rest>.*)$")
SYSTEM_PHRASES = (  # notes iOS attributes to a sender; the mark before them may have been lost
    "messages and calls are end-to-end encrypted", "messages to this group are now secured",
    "security code changed", "missed voice call", "missed video call",
)
DELETED = ("this message was deleted", "you deleted this message")
STICKER_NOTES = ("sticker omitted", "gif omitted")
IMAGE_NOTES = ("image omitted", "photo omitted")
MEDIA_NOTES = ("<media omitted>", "video omitted", "audio omitted", "document omitted",
               "contact card omitted", "media omitted", "(file attached)", "null", "location:")
EDITED = "<this message was edited>"
URL = re.compile(r"^https?://\S+$")


@dataclass
class _Raw:
    date: str
    time: str
    rest: str  # "Name: text" or a system note
    extra: list[str]
    line: int = 0  # where it starts in the file, for error messages


def read_whatsapp(path: Path, day_first: bool | None = None) -> ChatExport:
    raws = _raw_messages(_lines(path))
    if not raws:
        raise ChatFormatError(f"{path.name} is not a WhatsApp chat export: no line starts with a date "
                              "such as '15/06/2025, 21:09 - Name: text' or '[15/06/25, 9:09:47 PM] Name: text'.")
    order = _date_order(raws, day_first)
    log = ChatLog(_chat_name(path))
    export = ChatExport("whatsapp", [log])
    for raw in raws:
        message = _message(raw, order)
        if message is None:
            export.unreadable += 1
            export.problem(f"{path.name} line {raw.line}: {raw.date} {raw.time} is not a real date and time; "
                           "the message was skipped")
        else:
            log.messages.append(message)
    return export


def classify(body: str, marked: bool) -> str:
    """Kind of a message body; `marked` is True when iOS put a left-to-right mark before it."""
    low = body.strip().lower().rstrip(".")
    if low in DELETED:
        return RECALLED
    if low.startswith("<attached:") or low.endswith("(file attached)"):
        return _attachment_kind(low)
    for kind, notes in ((STICKER, STICKER_NOTES), (IMAGE, IMAGE_NOTES), (MEDIA, MEDIA_NOTES)):
        if any(low == n or low.startswith(n) for n in notes):
            return kind
    if marked:
        return SYSTEM
    return LINK if URL.match(body.strip()) else TEXT


def _attachment_kind(low: str) -> str:
    if "sticker" in low or low.split("(")[0].strip().endswith(".webp>") or "stk-" in low:
        return STICKER
    if any(w in low for w in ("photo", "img-", ".jpg", ".jpeg", ".png", ".heic")):
        return IMAGE
    return MEDIA


def _lines(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return [unicodedata.normalize("NFKC", line.replace("\u202f", " ")) for line in text.splitlines()]


def _raw_messages(lines: list[str]) -> list[_Raw]:
    raws: list[_Raw] = []
    for number, line in enumerate(lines, 1):
        start = line.lstrip(LRM)
        match = IOS.match(start) or ANDROID.match(start)
        if match:
            raws.append(_Raw(match["date"], match["time"], match["rest"], [], number))
        elif raws:
            raws[-1].extra.append(line)
    return raws


def _date_order(raws: list[_Raw], day_first: bool | None) -> str:
    """"ymd", "dmy" or "mdy". Ambiguous files (no number above 12) are read day first, the
    order of most locales; pass day_first=False for a US export with only early-month dates."""
    parts = [re.split(r"[./-]", r.date) for r in raws]
    if all(len(p[0]) == 4 for p in parts):
        return "ymd"
    if day_first is not None:
        return "dmy" if day_first else "mdy"
    if any(int(p[1]) > 12 for p in parts) and not any(int(p[0]) > 12 for p in parts):
        return "mdy"
    return "dmy"


def _message(raw: _Raw, order: str) -> ChatMessage | None:
    time = _when(raw.date, raw.time, order)
    if time is None:
        return None
    sender, sep, body = raw.rest.partition(": ")
    if not sep:  # Android system note: "Amma created group ..."
        return ChatMessage(time, "", raw.rest.strip(LRM).strip(), SYSTEM)
    marked = body.startswith(LRM)
    body = "\n".join([body, *raw.extra]).replace(LRM, "").strip()
    body = body[: -len(EDITED)].rstrip() if body.lower().endswith(EDITED) else body
    kind = classify(body, marked)
    if kind == TEXT and any(body.lower().startswith(p) for p in SYSTEM_PHRASES):
        kind = SYSTEM
    return ChatMessage(time, sender.strip(LRM).strip(), body, kind)


def _when(date: str, clock: str, order: str) -> datetime | None:
    a, b, c = (int(x) for x in re.split(r"[./-]", date))
    year, month, day = {"ymd": (a, b, c), "dmy": (c, b, a), "mdy": (c, a, b)}[order]
    year += 2000 if year < 100 else 0
    hour, minute, second = _clock(clock)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _clock(clock: str) -> tuple[int, int, int]:
    digits = re.findall(r"\d+", clock)
    hour, minute = int(digits[0]), int(digits[1])
    second = int(digits[2]) if len(digits) > 2 else 0
    meridiem = re.sub(r"[^ap]", "", clock.lower())[:1]
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    return hour, minute, second


def _chat_name(path: Path) -> str:
    """"WhatsApp Chat with Amma.txt" -> "Amma"; iOS names every file "_chat.txt"."""
    stem = path.stem
    for prefix in ("WhatsApp Chat with ", "WhatsApp Chat - "):
        if stem.startswith(prefix):
            return stem[len(prefix):]
    return "whatsapp" if stem.startswith("_chat") else stem

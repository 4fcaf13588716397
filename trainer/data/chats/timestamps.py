"""Timestamps as chat exporters write them: ISO strings, slash dates, or Unix epochs."""

from __future__ import annotations

from datetime import datetime

SLASH_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y.%m.%d %H:%M:%S")
MS_EPOCH = 10**11  # larger values are milliseconds: 10**11 s is the year 5138


def parse_timestamp(value: object) -> datetime | None:
    """A naive local datetime, or None when the value is not a time we recognise.

    Accepts "2025-04-08 22:03:45" (PyWxDump, MemoTrace), "2024/10/4 11:42" (WeClone's docs),
    ISO 8601 with or without an offset (converted to local time), and epoch seconds or
    milliseconds as numbers or digit strings.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    text = str(value).strip()
    if text.lstrip("-").replace(".", "", 1).isdigit():
        return _from_epoch(float(text))
    return _from_iso(text) or _from_formats(text)


def _from_epoch(seconds: float) -> datetime | None:
    if abs(seconds) >= MS_EPOCH:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds)
    except (OverflowError, OSError, ValueError):
        return None


def _from_iso(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text)  # 3.11+ reads "Z" too
    except ValueError:
        return None
    return parsed.astimezone().replace(tzinfo=None) if parsed.tzinfo else parsed


def _from_formats(text: str) -> datetime | None:
    for fmt in SLASH_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None

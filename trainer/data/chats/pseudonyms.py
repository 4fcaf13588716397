"""Stable pseudonyms for the people in imported chats.

A sender's name is private data like a phone number (in WhatsApp an unsaved contact's sender
*is* their number), and in a group chat it reaches training as "Li Wei: ...". So every sender,
every chat name and every mention of a sender's name in a message becomes a pseudonym such as
"Person-3f9a2c" before anything is stored. The same person gets the same pseudonym in every
import of the vault (the model still learns who says what), because it is an HMAC of the name
under a random key kept in the vault's data folder (mode 0600): without the key, a pseudonym
cannot be reversed by hashing a list of candidate names or numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

GENERIC = {"", "?", "我", "me", "you", "deleted account", "wechat", "telegram", "whatsapp", "jsonl"}
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def load_key(path: Path) -> bytes:
    """The vault's pseudonym key, created on first use (random, owner-only)."""
    try:
        key = path.read_bytes()
        if len(key) >= 16:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    return key


class Pseudonyms:
    """name -> pseudonym, plus replacing known names inside message text.

    `chosen` holds the user's own pseudonyms ({"Li Wei": "Lee"}, config `[scrub] names`);
    `enabled=False` keeps every name as it is (`[scrub] pseudonyms = false`)."""

    def __init__(self, key: bytes, chosen: dict[str, str] | None = None, enabled: bool = True) -> None:
        self.key, self.enabled = key, enabled
        self.chosen = {k.strip().casefold(): v for k, v in (chosen or {}).items()}
        self._names: dict[str, str] = {}

    def of(self, name: str, prefix: str = "Person") -> str:
        """The pseudonym of one name (case and surrounding spaces do not matter)."""
        if not self.enabled or name.strip().casefold() in GENERIC:
            return name
        folded = name.strip().casefold()
        if folded in self.chosen:
            return self.chosen[folded]
        digest = hmac.new(self.key, folded.encode(), hashlib.sha256).hexdigest()[:6]
        return f"{prefix}-{digest}"

    def learn(self, names: list[str]) -> None:
        """Remember these senders, so their names are replaced where messages mention them."""
        for name in names:
            if self.enabled and name.strip().casefold() not in GENERIC:
                for variant in _variants(name):
                    self._names.setdefault(variant, self.of(name))

    def chat(self, name: str) -> str:
        """A chat's name: a sender's pseudonym when it is one (WhatsApp names a chat after the
        person), else a chat pseudonym."""
        folded = name.strip().casefold()
        if not self.enabled or folded in GENERIC:
            return name
        return self._names.get(folded) or self.of(name, "Chat")

    def in_text(self, text: str) -> str:
        """Every mention of a known sender replaced by their pseudonym, longest names first."""
        if not self._names:
            return text
        return self._pattern().sub(lambda m: self._names.get(m.group().casefold()) or self.of(m.group()), text)

    def _pattern(self) -> re.Pattern:
        parts = []
        for name in sorted(self._names, key=len, reverse=True):
            escaped = re.escape(name)
            parts.append(escaped if CJK.search(name) else rf"(?<!\w){escaped}(?!\w)")
        return re.compile("|".join(parts), re.IGNORECASE)


def _variants(name: str) -> list[str]:
    """The full name, and a first name of 3+ letters ("Asha" of "Asha Rao"); CJK names whole."""
    full = " ".join(name.split()).casefold()
    found = [full] if len(full) >= 2 else []
    words = full.split()
    if len(words) > 1 and len(words[0]) >= 3 and words[0] not in GENERIC:
        found.append(words[0])
    return found

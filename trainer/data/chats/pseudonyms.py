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

    def people(self) -> dict[str, str]:
        """{keyed digest of a name variant: pseudonym} for every learned sender: what the store
        keeps so that notes mentioning these people can get the same pseudonyms, with no name in
        clear (`PeopleRenamer`)."""
        return {name_digest(self.key, variant): pseudonym for variant, pseudonym in self._names.items()}

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


def name_digest(key: bytes, name: str) -> str:
    """A keyed digest of a name (case and spacing ignored); blake2b for speed over notes."""
    folded = " ".join(name.split()).casefold()
    return hashlib.blake2b(folded.encode(), key=key[:64], digest_size=10).hexdigest()


WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


class PeopleRenamer:
    """Replaces, in any text (a note), the names of people known from chat imports by their
    pseudonyms. Knows them only as keyed digests, so it checks every run of one to three
    words (and, inside Chinese or Japanese text, every 2-4 character stretch) against them."""

    def __init__(self, key: bytes, people: dict[str, str]) -> None:
        self.key, self.people = key, people

    def __call__(self, text: str) -> str:
        if not self.people:
            return text
        spans = self._spans(text)
        out, last = [], 0
        for start, end, pseudonym in spans:
            out += [text[last:start], pseudonym]
            last = end
        return "".join(out) + text[last:]

    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        words = list(WORD.finditer(text))
        found, i = [], 0
        while i < len(words):
            hit = self._longest(text, words, i)
            if hit:
                found.append(hit[:3])
                i += hit[3]
                continue
            found += self._inside(words[i])
            i += 1
        return found

    def _longest(self, text: str, words: list[re.Match], i: int) -> tuple[int, int, str, int] | None:
        for n in (3, 2, 1):
            group = words[i:i + n]
            if len(group) < n or any(text[a.end():b.start()] not in (" ", "\u00a0") for a, b in zip(group, group[1:])):
                continue
            pseudonym = self.people.get(name_digest(self.key, text[group[0].start():group[-1].end()]))
            if pseudonym:
                return group[0].start(), group[-1].end(), pseudonym, n
        return None

    def _inside(self, word: re.Match) -> list[tuple[int, int, str]]:
        """Names written without spaces around them, as Chinese and Japanese are."""
        token = word.group()
        if not CJK.search(token):
            return []
        found, j = [], 0
        while j < len(token):
            for size in (4, 3, 2):
                pseudonym = self.people.get(name_digest(self.key, token[j:j + size])) if j + size <= len(token) else None
                if pseudonym:
                    found.append((word.start() + j, word.start() + j + size, pseudonym))
                    j += size
                    break
            else:
                j += 1
        return found

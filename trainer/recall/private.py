"""A phone number, an e-mail or a messaging ID the user asks their notes for, read at answer time.

The index keeps private values out of brain.db (trainer.data.scrub): the line "WhatsApp: +1 (416)
555-0187" is stored as "WhatsApp: <PHONE>". Asked "what's Bruno's WhatsApp number?", the user wants
the number, not "[phone scrubbed]": so when an answer in my own words is shown, each such
placeholder in it is read back from the note in the vault (read, never written), matched by the
words before it on the same line. Only these kinds (a WeChat or Telegram ID too: "微信：mia_zh_en"):
they are what one asks a notebook for; keys, passwords, cards and official IDs stay scrubbed. The
value is shown, not kept: the chat history saves answers scrubbed again (tui.history), and a model
never sees it (the prose style is left alone).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from trainer.vault.scan import DEFAULT_MAX_BYTES, read_bytes

SHOWN = ("PHONE", "EMAIL", "IM_ID")
PLACEHOLDER = re.compile(r"<(PHONE|EMAIL|IM_ID)>")
CONTEXT_WORDS = 2  # the words before a placeholder that find its line ("whatsapp" in "WhatsApp: <PHONE>")


def line_values(raw: str, scrub: Callable[[str], str]) -> list[tuple[str, str, str]]:
    """(the line as the index holds it, kind, value) for each phone or e-mail on each line of the
    raw note: the scrubbed line is the raw one with values swapped for placeholders, so lining
    the two up gives each value."""
    out = []
    for line in raw.splitlines():
        scrubbed = scrub(line)
        if not PLACEHOLDER.search(scrubbed):
            continue
        parts = re.split(r"(<[A-Z_]+>)", scrubbed)
        pattern = "".join("(.+?)" if re.fullmatch(r"<[A-Z_]+>", p) else re.escape(p) for p in parts)
        match = re.fullmatch(pattern, line, re.DOTALL)
        if match is None:
            continue
        kinds = [p[1:-1] for p in parts if re.fullmatch(r"<[A-Z_]+>", p)]
        out += [(scrubbed, kind, value.strip()) for kind, value in zip(kinds, match.groups()) if kind in SHOWN]
    return out


def read_note(vault: str, path: str) -> str | None:
    """The note's text as it is in the vault now, read as the scan reads it (`read_bytes`: read-only,
    never following a link swapped in since, never waiting on a FIFO, capped); None when it is gone,
    unreadable, too large, or outside the vault (brain never reads outside it)."""
    root = Path(vault).resolve()
    target = root / path
    if not target.resolve().is_relative_to(root):
        return None
    try:
        raw = read_bytes(target, DEFAULT_MAX_BYTES)
    except OSError:
        return None
    return raw.decode("utf-8", errors="replace") if len(raw) <= DEFAULT_MAX_BYTES else None


def key(text: str) -> str:
    """Words and placeholders only, lower case: "**WhatsApp:** <PHONE>" and "WhatsApp: <PHONE>" agree."""
    return " ".join(re.findall(r"<[a-z_]+>|\w+", text.lower()))


def restore(text: str, raw: str, scrub: Callable[[str], str]) -> str:
    """`text` (sentences of the note as the index holds them) with each phone and e-mail read
    back: the value on the note's line whose words before it are the same; the only value of
    its kind in the note when no line says which."""
    found = line_values(raw, scrub)
    if not found:
        return text

    def value(m: re.Match) -> str:
        kind = m.group(1)
        mine = [(line, v) for line, k, v in found if k == kind]
        before = key(re.split(r"<[A-Z_]+>|\n", text[:m.start()])[-1]).split()[-CONTEXT_WORDS:]
        wanted = " ".join(before + [f"<{kind.lower()}>"])
        for line, v in mine:
            if wanted in key(line):
                return v
        return mine[0][1] if len({v for _, v in mine}) == 1 else m.group(0)

    return PLACEHOLDER.sub(value, text)


def shown(pieces: Sequence, sources: Sequence, vault: str | None, scrub: Callable[[str], str]) -> list:
    """The pieces with their phones and e-mails read from the vault's notes (`vault`: where the
    index was scanned from). A note that is gone or unreadable keeps its placeholders."""
    if not vault:
        return list(pieces)
    paths = {s.n: s.path for s in sources}
    raws: dict[int, str | None] = {}
    out = []
    for p in pieces:
        if PLACEHOLDER.search(p.text) and p.n in paths:
            if p.n not in raws:
                raws[p.n] = read_note(vault, paths[p.n])
            if raws[p.n]:
                p = replace(p, text=restore(p.text, raws[p.n], scrub))
        out.append(p)
    return out


def for_history(scrub: Callable[[str], str]) -> Callable[[str], str]:
    """What the chat history keeps of a message or a title: private values scrubbed again (an
    answer showed a number read from a note; a question may carry one typed), each shown as a
    markdown view can show it ("[phone scrubbed]", not a bare <PHONE> tag)."""
    from trainer.recall.compose import TEMPLATES, unscrubbed

    def kept(text: str) -> str:
        # one chunk between citation markers at a time: the phone matcher passes over a number
        # followed by " [1]" (a bracket may be part of a bigger token), the way an answer cites it
        parts = CITATION.split(text)
        return unscrubbed("".join(p if CITATION.fullmatch(p) else scrub(p) for p in parts), TEMPLATES["en"])

    return kept


CITATION = re.compile(r"(\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])")

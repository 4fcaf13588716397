"""Markdown into budgeted chunks: sections on headings, paragraphs on blank lines, never a
fenced code block mistaken for either, and pieces under a token budget.

Long notes are cut where the author put a boundary (a heading, then a paragraph, then a line,
then a sentence); a hard cut only for a single sentence over the budget.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import NamedTuple

TokenCounter = Callable[[str], int]


class Section(NamedTuple):
    heading: str  # "" for the text before the first heading
    level: int
    text: str  # the section's own text, without its heading line or sub-sections


class Chunk(NamedTuple):
    heading: str  # the heading its text starts under ("" before any heading)
    text: str


HEADING_START = re.compile(r"(#{1,6})\s+")
FENCE = re.compile(r"^\s*(```|~~~)")


def heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading, closing #s dropped. String work, not the lazy regex
    `^(#{1,6})\\s+(.+?)\\s*#*\\s*$` it replaces (same results), which took quadratic time on a
    heading padded with spaces: one such line could stall a training run."""
    m = HEADING_START.match(line)
    if not m:
        return None
    rest = line[m.end():]
    if not rest:  # only whitespace after the #s: the text is its last character, if two or more
        space = line[len(m.group(1)):]
        return (len(m.group(1)), space[-1]) if len(space) >= 2 else None
    return len(m.group(1)), rest.rstrip().rstrip("#").rstrip() or rest[0]


def sections(body: str) -> list[Section]:
    """Split on ATX headings outside fenced code."""
    out, title, level, lines, fenced = [], "", 0, [], False
    for line in body.split("\n"):
        fenced ^= bool(FENCE.match(line))
        found = None if fenced else heading(line)
        if found:
            out.append(Section(title, level, "\n".join(lines).strip()))
            title, level, lines = _plain(found[1]), found[0], []
        else:
            lines.append(line)
    out.append(Section(title, level, "\n".join(lines).strip()))
    return [s for s in out if s.text or s.heading]


def _plain(markdown: str) -> str:
    return re.sub(r"[*_`]", "", markdown).strip()


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks; a fenced code block stays whole."""
    out, block, fenced = [], [], False
    for line in text.split("\n"):
        fenced ^= bool(FENCE.match(line))
        if not line.strip() and not fenced:
            out.append("\n".join(block).strip())
            block = []
        else:
            block.append(line)
    out.append("\n".join(block).strip())
    return [p for p in out if p]


PIECE_SPLITS = (
    (re.compile(r"\n\s*\n"), "\n\n"),
    (re.compile(r"\n"), "\n"),
    (re.compile(r"(?<=[.!?])(?=\s)|(?<=[。！？；])"), ""),  # sentences, whitespace kept
)


def fit(text: str, budget: int, count: TokenCounter, level: int = 0) -> list[str]:
    """Pieces of `text` under `budget`: by paragraphs, then lines, then sentences, then a cut."""
    if count(text) <= budget:
        return [text]
    if level < len(PIECE_SPLITS):
        splitter, joiner = PIECE_SPLITS[level]
        parts = [p for p in splitter.split(text) if p.strip()]
        small = [q for p in parts for q in fit(p, budget, count, level + 1)]
        return [t.strip() for t in pack([("", s) for s in small], budget, count, joiner)[1]]
    size = max(1, len(text) * budget // max(1, count(text)))
    return [text[i : i + size] for i in range(0, len(text), size)]


def pack(
    units: list[tuple[str, str]], budget: int, count: TokenCounter, joiner: str = "\n\n"
) -> tuple[list[str], list[str]]:
    """Greedy: (heading, text) units joined while the joined text stays under budget (measured
    whole: token counts do not add up exactly across a join). Returns the heading each chunk
    starts under and the chunk texts."""
    heads: list[str] = []
    texts: list[str] = []
    cur: list[str] = []
    for head, text in units:
        if cur and count(joiner.join([*cur, text])) > budget:
            texts.append(joiner.join(cur))
            cur = []
        if not cur:
            heads.append(head)
        cur.append(text)
    if cur:
        texts.append(joiner.join(cur))
    return heads, texts


def chunk_sections(secs: list[Section], budget: int, count: TokenCounter) -> list[Chunk]:
    """Whole sections where they fit, else their paragraphs (the heading line goes with the
    first); consecutive pieces are then joined up to the budget."""
    units = []
    for s in secs:
        text = f"{'#' * s.level} {s.heading}\n\n{s.text}".strip() if s.heading else s.text
        units += [(s.heading, piece) for piece in fit(text, budget, count)]
    heads, texts = pack(units, budget, count)
    return [Chunk(h, t) for h, t in zip(heads, texts, strict=True)]


def estimate_tokens(text: str) -> int:
    """No tokenizer needed: ~3.5 ASCII characters per token, 2 tokens per other character
    (SmolLM2's byte-level BPE measured ~4 and ~2), so estimates err towards small chunks."""
    ascii_chars = sum(1 for c in text if c.isascii())
    return math.ceil(ascii_chars / 3.5) + 2 * (len(text) - ascii_chars)

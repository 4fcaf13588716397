"""The record of one parsed note: what the scanner produces and everything downstream reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    target: str  # note name or path as written, without alias/heading: "gps-tracker"
    heading: str = ""  # "[[gps-tracker#Numbers]]" -> "Numbers"
    alias: str = ""  # "[[homelab-k3s|home lab]]" -> "home lab"
    embed: bool = False  # "![[diagram.png]]"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int  # 0-based line in the body


@dataclass(frozen=True)
class Note:
    path: str  # POSIX path relative to the vault root: "decisions/2025-03-notion-to-obsidian.md"
    title: str
    body: str  # text without the frontmatter block, normalised to "\n" line ends, no BOM
    frontmatter: dict = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    headings: tuple[Heading, ...] = ()
    date: str | None = None  # ISO date "2025-03-09": frontmatter, else file name, else text
    content_hash: str = ""  # sha256 of the raw bytes
    size: int = 0
    mtime_ns: int = 0

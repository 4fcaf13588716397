"""Parse one note's bytes into a `Note`: decoding, frontmatter, title, tags, links, headings, date.

Pure functions over bytes and text, no file system access: the scanner decides what to read and
tests feed strings directly. Bad input never raises here; each problem comes back as a `Problem`
next to the note, so the caller can index the note and still tell the user what was wrong.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import itertools
import posixpath
import re
import time
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import unquote

import yaml

from trainer.vault.note import Heading, Link, Note

PARSER_VERSION = 5  # 2: dates inside links no longer date the note; 3: CommonMark code spans, frontmatter cap;
# 4: a date in the folder path (daily/2025/03/04.md) dates the note; 5: broken frontmatter keeps its readable lines
"""Bump when parsing changes: the next scan then re-parses notes whose bytes did not change."""

NOTE_SUFFIXES = (".md", ".markdown", ".txt")
DATE_KEYS = ("date", "created", "created_at", "creation_date", "day")
TEXT_DATE_LINES = 10  # a date in the text counts only near the top ("Created: March 2, 2024")
FRONTMATTER_NODES = 5000  # more YAML nodes than this is an attack or an accident, not metadata
FRONTMATTER_MAX_CHARS = 64 * 1024  # metadata, not a document: YAML is slow on a megabyte
FRONTMATTER_MAX_DEPTH = 64  # [ and { nesting; real metadata nests two or three levels
PARSE_BUDGET_S = 5.0
"""Seconds one note may take to parse; past it the note is kept as plain text. Parsing is linear
in the note's size (a 2 MiB note takes well under a second), so this only guards against a
machine so loaded, or a note so strange, that one file would otherwise stall a whole scan."""


class Problem(NamedTuple):
    reason: str  # short category, for grouping: "broken frontmatter"
    detail: str = ""  # specifics for the user: "YAML error on line 3: ..."


class Parsed(NamedTuple):
    note: Note
    problems: tuple[Problem, ...]


class OverBudget(Exception):
    """Parsing one note ran past its time budget (raised between steps, never mid-write)."""


class Deadline:
    """A cooperative time limit: parsing steps call `check()` between pieces of work."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.until = None if seconds is None else time.monotonic() + seconds

    def check(self, step: str) -> None:
        if self.until is not None and time.monotonic() > self.until:
            raise OverBudget(f"still parsing ({step}) after {self.seconds:g} s")


def parse_note(path: str, raw: bytes, mtime_ns: int = 0, budget_s: float | None = PARSE_BUDGET_S) -> Parsed:
    """Everything downstream needs from one note. `path` is vault-relative POSIX. A note that
    takes longer than `budget_s` is kept as plain text with a problem saying so."""
    deadline = Deadline(budget_s)
    try:
        return _parse(path, raw, mtime_ns, deadline)
    except OverBudget as exc:
        return plain_note(path, raw, mtime_ns, Problem("too slow to parse", f"{exc}; indexed as plain text "
                                                       "(no links, tags or headings)"))


def _parse(path: str, raw: bytes, mtime_ns: int, deadline: Deadline) -> Parsed:
    text, problems = decode(raw)
    deadline.check("decoding")
    meta, body, fm_problem = split_frontmatter(normalise_newlines(text))
    problems += [fm_problem] if fm_problem else []
    if not body.strip():
        problems.append(Problem("empty note", "indexed, but it has no text"))
    deadline.check("frontmatter")
    prose = blank_code(body, deadline)
    headings = find_headings(body, prose)
    deadline.check("headings")
    tags, links = find_tags(meta, prose), find_links(prose, path)
    deadline.check("links")
    note = Note(
        path=path, title=find_title(meta, headings, path), body=body, frontmatter=meta,
        tags=tags, links=links, headings=headings,
        date=find_date(meta, path, body), content_hash=content_hash(raw), size=len(raw),
        mtime_ns=mtime_ns,
    )
    return Parsed(note, tuple(problems))


def plain_note(path: str, raw: bytes, mtime_ns: int, problem: Problem) -> Parsed:
    """The note as text only, titled by its file name: what is left when parsing gave up."""
    text, problems = decode(raw)
    body = normalise_newlines(text)
    note = Note(path=path, title=note_stem(path), body=body, date=first_date(note_stem(path), iso_only=True),
                content_hash=content_hash(raw), size=len(raw), mtime_ns=mtime_ns)
    return Parsed(note, (*problems, problem))


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def is_note_name(name: str) -> bool:
    return name.lower().endswith(NOTE_SUFFIXES)


def looks_binary(raw: bytes) -> bool:
    """NUL bytes in a file without a UTF-16 BOM: an attachment with a note's name."""
    return b"\x00" in raw[:8192] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


# --- decoding -------------------------------------------------------------------------------

CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]{2,}")


def decode(raw: bytes) -> tuple[str, list[Problem]]:
    """UTF-8 (BOM stripped, not a problem); UTF-16 with a BOM; else the best guess, reported."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", "replace"), []
    try:
        return raw.decode("utf-8").removeprefix("\ufeff"), []
    except UnicodeDecodeError as exc:
        where = f"byte 0x{raw[exc.start]:02x} at offset {exc.start}"
        text, how = _fallback(raw)
        return text, [Problem("invalid UTF-8", f"{where}; {how}")]


def _fallback(raw: bytes) -> tuple[str, str]:
    """GB18030 when the result reads as Chinese, else cp1252 (Latin-1), else replacement chars."""
    text = _strict(raw, "gb18030")
    if text is not None and _reads_as_chinese(text):
        return text, "decoded as GB18030"
    text = _strict(raw, "cp1252")
    if text is not None:
        return text, "decoded as cp1252 (Latin-1)"
    return raw.decode("utf-8", "replace").removeprefix("\ufeff"), "bad bytes replaced with U+FFFD"


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _reads_as_chinese(text: str) -> bool:
    """Real Chinese comes in runs of CJK characters; Latin-1 misread as GB18030 gives lone ones."""
    non_ascii = sum(1 for c in text if ord(c) > 127)
    in_runs = sum(len(run) for run in CJK_RUN.findall(text))
    return non_ascii > 0 and in_runs >= 0.8 * non_ascii


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- frontmatter ----------------------------------------------------------------------------

OPEN_FENCE = re.compile(r"---[ \t]*\n")
CLOSE_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def split_frontmatter(text: str) -> tuple[dict, str, Problem | None]:
    """(frontmatter, body, problem). Broken frontmatter gives {} and the note is still usable."""
    opening = OPEN_FENCE.match(text)
    if not opening:
        return {}, text, None
    closing = CLOSE_FENCE.search(text, opening.end())
    if not closing:
        lines = list(itertools.takewhile(KEY_LINE.match, text[opening.end():].split("\n")))
        meta = salvage(lines)
        detail = "opened with '---' but never closed; the whole note is read as text" + kept(meta)
        return meta, text[opening.end():], Problem("broken frontmatter", detail)
    block = text[opening.end():closing.start()]
    if len(block) > FRONTMATTER_MAX_CHARS:
        detail = f"the block is {len(block):,} characters, over the {FRONTMATTER_MAX_CHARS:,} limit; not read"
        return {}, text[closing.end():].removeprefix("\n"), Problem("broken frontmatter", detail)
    if flow_depth(block) > FRONTMATTER_MAX_DEPTH:
        detail = f"nested more than {FRONTMATTER_MAX_DEPTH} levels deep; not read"
        return {}, text[closing.end():].removeprefix("\n"), Problem("broken frontmatter", detail)
    meta, problem = load_frontmatter(block)
    return meta, text[closing.end():].removeprefix("\n"), problem


def flow_depth(block: str) -> int:
    """How deep `[` and `{` nest: YAML recursion that deep is slow before it fails, so a block
    nested past any real metadata is refused before it reaches the YAML parser."""
    depth = deepest = 0
    for char in re.findall(r"[\[\]{}]", block):
        depth = depth + 1 if char in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def load_frontmatter(block: str) -> tuple[dict, Problem | None]:
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        meta = salvage(block.split("\n"))
        return meta, Problem("broken frontmatter", _yaml_error(exc) + kept(meta))
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. "date: 2025-02-30"
        return {}, Problem("broken frontmatter", f"bad value: {exc}")
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, Problem("broken frontmatter", f"not a mapping of keys to values (a {type(data).__name__})")
    try:
        return _plain(data, [FRONTMATTER_NODES], 0), None
    except (ValueError, RecursionError):
        return {}, Problem("broken frontmatter", "too large or self-referencing")


KEY_LINE = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(?:[ \t]+\S.*)?$")


def salvage(lines: list[str]) -> dict:
    """The top-level `key: value` lines of a block YAML refused, each read alone: an unclosed
    "tags: [tools, money" should not cost the note its "date: 2025-05-10" (a decision without a
    date has no later note to revise it). A line that does not read alone is left out."""
    meta: dict = {}
    for line in lines:
        if not KEY_LINE.match(line) or flow_depth(line) > FRONTMATTER_MAX_DEPTH:
            continue
        try:
            data = yaml.safe_load(line)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            continue
        if isinstance(data, dict):
            meta.update({str(k): _plain(v, [FRONTMATTER_NODES], 0) for k, v in data.items()
                         if v is not None and not isinstance(v, (dict, list))})
    return meta


def kept(meta: dict) -> str:
    return f"; kept the lines that read alone ({', '.join(meta)})" if meta else ""


def _yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    return f"YAML error on line {mark.line + 2}: {problem}" if mark else f"YAML error: {problem}"


def _plain(value, budget: list[int], depth: int):
    """JSON-safe copy (dates become ISO strings), so a Note reads back from SQLite unchanged."""
    budget[0] -= 1
    if budget[0] < 0 or depth > 50:
        raise ValueError("frontmatter too large")
    if isinstance(value, dict):
        return {str(k): _plain(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v, budget, depth + 1) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- code blocks ----------------------------------------------------------------------------

FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
BACKTICKS = re.compile(r"`+")


def fenced(body: str) -> Iterator[tuple[int, str, bool]]:
    """Each line of the body, numbered, and whether it is part of a fenced code block (its
    fences included): a fence closes on the same character, at least as many times."""
    fence = ""
    for number, line in enumerate(body.split("\n")):
        match = FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            yield number, line, True
        elif match:
            fence = match.group(1)
            yield number, line, True
        else:
            yield number, line, False


def blank_code(body: str, deadline: Deadline | None = None) -> str:
    """The body with code blanked out (same lines): `#include` in a code block is no tag."""
    out = []
    for number, line, code in fenced(body):
        if deadline and number % 1024 == 0:
            deadline.check("code blocks")
        out.append("" if code else blank_inline_code(line))
    return "\n".join(out)


CALLOUT = re.compile(r"^\s*>\s*\[!\w+\][+-]?.*$")
QUOTE_MARK = re.compile(r"^\s*>\s?")
HTML_LINE = re.compile(r"^\s*(?:<!--.*|</?[a-z][a-z0-9-]*(?:\s[^>]*)?/?>(?:.*>)?)\s*$")
"""An HTML element on its own line (lower-case tags, as written by hand or pasted): a
scrubbed "<REDACTED> told me…" is prose."""
NOT_PROSE = re.compile(r"^\s*(?:!\[\[[^\]]*\]\]|!\[[^\]]*\]\([^)]*\)|"
                       r"(?:tags?\s*:\s*)?(?:#[\w/-]+[\s,]*)+|[\w][\w -]{0,30}::\s.*)\s*$", re.IGNORECASE)
"""Lines that are not prose: a lone embed, a line of tags, a Dataview field ("status:: sold")."""


def prose(body: str) -> str:
    """The body as someone reading it aloud would: fenced code, HTML lines, lone embeds, tag
    lines and Dataview fields blanked; blockquotes and callouts (> [!note] …) kept as their
    text, without the callout's type line. Line count kept, so paragraphs stay where they were."""
    out = []
    for _, line, code in fenced(body):
        skip = code or CALLOUT.match(line) or NOT_PROSE.match(line) or HTML_LINE.match(line)
        out.append("" if skip else QUOTE_MARK.sub("", line))
    return "\n".join(out)


EMPHASIS = re.compile(r"\*\*|__|~~|==|`")
GLUED_EMPHASIS = re.compile(r"(?<=\d[,.])(?:\*\*|__|~~|==|`)(?=\d)")


def unemphasised(text: str) -> str:
    """Bold, italics-by-underscore, strike, highlight and code marks dropped; a mark glued between a
    number's comma and the next number leaves a space: "6,500,**6 months**" is not 6,500,6."""
    return EMPHASIS.sub("", GLUED_EMPHASIS.sub(" ", text))


def blank_inline_code(line: str) -> str:
    """Code spans blanked, CommonMark's way: a run of n backticks opens a span that the next
    run of exactly n closes; a run without a partner is plain text. One pass over the runs
    (a backreference regex took cubic time: 2,000 backticks in a line ran for over a minute)."""
    if "`" not in line:
        return line
    runs = [(m.start(), m.end()) for m in BACKTICKS.finditer(line)]
    later: dict[int, list[int]] = {}  # run length -> indexes of runs of that length, last first
    for i in range(len(runs) - 1, -1, -1):
        later.setdefault(runs[i][1] - runs[i][0], []).append(i)
    spans, i = [], 0
    while i < len(runs):
        same = later[runs[i][1] - runs[i][0]]
        while same and same[-1] <= i:
            same.pop()
        if same:
            spans.append((runs[i][0], runs[same[-1]][1]))
            i = same[-1]
        i += 1
    return _blank(line, spans)


def _blank(line: str, spans: list[tuple[int, int]]) -> str:
    parts, at = [], 0
    for start, end in spans:
        parts += [line[at:start], " " * (end - start)]
        at = end
    return "".join(parts) + line[at:]


# --- title, headings, tags ------------------------------------------------------------------

HEADING_START = re.compile(r"(#{1,6})[ \t]")
TAG = re.compile(r"(?:^|(?<=\s))#([\w/-]+)")


def find_headings(body: str, prose: str) -> tuple[Heading, ...]:
    lines = body.split("\n")
    found = []
    for number, line in enumerate(prose.split("\n")):
        heading = parse_heading(lines[number]) if line.startswith("#") else None  # code lines are blank
        if heading:
            found.append(Heading(heading[0], heading[1], number))
    return tuple(found)


def parse_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line ("## Text ##"), else None. Plain string work: the
    lazy regex it replaces was quadratic on a heading padded with spaces."""
    start = HEADING_START.match(line)
    rest = line[start.end():] if start else ""
    if not rest:
        return None
    text = rest.rstrip(" \t")
    closed = text.rstrip("#")
    if closed != text and closed[-1:] in (" ", "\t") and closed.rstrip(" \t"):
        text = closed
    return len(start.group(1)), text.strip()


def find_title(meta: dict, headings: tuple[Heading, ...], path: str) -> str:
    """Frontmatter title, else the first H1, else the file name."""
    title = meta.get("title")
    if isinstance(title, (str, int, float)) and str(title).strip():
        return str(title).strip()
    h1 = next((h.text for h in headings if h.level == 1), "")
    return h1 or note_stem(path)


def find_tags(meta: dict, prose: str) -> tuple[str, ...]:
    """Frontmatter `tags`/`tag` first, then inline #tags; '#' dropped, duplicates (any case) once."""
    tags = _meta_tags(meta.get("tags", meta.get("tag")))
    tags += [t.strip("/") for t in TAG.findall(prose) if t.strip("/-0123456789")]
    unique: dict[str, str] = {}
    for tag in tags:
        if tag:
            unique.setdefault(tag.casefold(), tag)
    return tuple(unique.values())


def _meta_tags(value) -> list[str]:
    if isinstance(value, str):
        return [t.lstrip("#") for t in re.split(r"[,\s]+", value)]
    if isinstance(value, list):
        return [str(t).strip().lstrip("#") for t in value if t is not None]
    return []


# --- links ----------------------------------------------------------------------------------

WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+)\]\]")
URL = re.compile(r"^[a-zA-Z][\w+.-]*:")


class MdLink(NamedTuple):
    start: int  # offset of "[" (or of "!" for an embed)
    end: int
    embed: bool
    text: str
    target: str


def find_links(prose: str, path: str) -> tuple[Link, ...]:
    """[[wikilinks]] (alias, heading, embed) and local markdown links, in order of appearance."""
    found = [(m.start(), _wikilink(m)) for m in WIKILINK.finditer(prose)]
    found += [(m.start, _mdlink(m, path)) for m in markdown_links(prose) if not URL.match(m.target)]
    return tuple(link for _, link in sorted(found, key=lambda pair: pair[0]) if link)


def markdown_links(text: str) -> list[MdLink]:
    """`[text](target "title")` and `![alt](target)`, found in one left-to-right pass.

    Same matches as the regex `(!?)\\[([^\\]\\n]*)\\]\\(<?([^)<>\\s]+)>?(?:\\s+"[^"]*")?\\)` it
    replaces, which re-read the rest of the line from every "[" or "](" (a 64 KB line of "[a](" took
    22 s): each "]" is tried once, and the next stop character or quote is looked up once and reused."""
    found: list[MdLink] = []
    finders = (_NextOf(r"[)<>\s]"), _NextOf(r"\S"), _NextOf(r'"'))
    floor = 0  # where the text of the next link may start: after the last "]", newline or link
    for close in _positions(text, "]"):
        if close < floor:  # a "]" inside the title of the link just found
            continue
        opened = _first_open(text, floor, close)
        floor = close + 1
        if opened < 0 or text[close + 1:close + 2] != "(":
            continue
        tail = _link_tail(text, close + 2, *finders)
        if tail is None:
            continue
        target, end = tail
        embed = opened > 0 and text[opened - 1] == "!" and opened - 1 >= _floor_before(found)
        start = opened - 1 if embed else opened
        found.append(MdLink(start, end, embed, text[opened + 1:close], target))
        floor = end
    return found


def _positions(text: str, char: str):
    at = text.find(char)
    while at >= 0:
        yield at
        at = text.find(char, at + 1)


def _first_open(text: str, floor: int, close: int) -> int:
    """The first "[" of this line between floor and close, or -1: the link text holds no "]" or newline."""
    line_start = text.rfind("\n", floor, close) + 1
    return text.find("[", max(floor, line_start), close)


def _floor_before(found: list[MdLink]) -> int:
    return found[-1].end if found else 0


def _link_tail(text: str, at: int, stop: _NextOf, solid: _NextOf, quote: _NextOf) -> tuple[str, int] | None:
    """`<?target>?( "title")?)` from `at`: (target, end of the link) or None."""
    begin = at + 1 if text[at:at + 1] == "<" else at
    end = stop.find(text, begin)
    if end == begin:
        return None
    target, at = text[begin:end], end
    if text[at:at + 1] == ">":
        at += 1
    if text[at:at + 1] == ")":
        return target, at + 1
    spaced = solid.find(text, at)
    if spaced == at or text[spaced:spaced + 1] != '"':
        return None
    closing = quote.find(text, spaced + 1)
    if closing < len(text) and text[closing + 1:closing + 2] == ")":
        return target, closing + 2
    return None


class _NextOf:
    """The next position (from a given one) of a character class, remembered: asked again from
    any point before that position, the answer is the same, so a long line is read once."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)
        self.asked, self.found = -1, -1

    def find(self, text: str, at: int) -> int:
        if not self.asked <= at <= self.found:
            match = self.pattern.search(text, at)
            self.asked, self.found = at, match.start() if match else len(text)
        return self.found


def _wikilink(match: re.Match) -> Link:
    inner, _, alias = match.group(2).partition("|")
    target, _, heading = inner.partition("#")
    return Link(target.strip().rstrip("\\").strip(), heading.strip(), alias.strip(), bool(match.group(1)))


def _mdlink(match: MdLink, path: str) -> Link | None:
    """Markdown links are relative to the note's folder: made vault-relative here."""
    target, _, heading = unquote(match.target).partition("#")
    if not target:
        return None
    if not target.startswith("/"):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return Link(target.lstrip("/"), heading, match.text.strip(), match.embed)


def link_key(target: str) -> str:
    """How Obsidian compares names: case-insensitive, NFC, no './', no note suffix."""
    key = unicodedata.normalize("NFC", target).strip().replace("\\", "/")
    key = re.sub(r"^(?:\./|/)+", "", key).casefold()
    for suffix in NOTE_SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


def note_stem(path: str) -> str:
    name = posixpath.basename(path)
    for suffix in NOTE_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


# --- dates ----------------------------------------------------------------------------------

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
MONTHS = {name: n for n, name in enumerate(MONTH_NAMES, 1)} | {name[:3]: n for n, name in enumerate(MONTH_NAMES, 1)}
MONTHS["sept"] = 9
ENGLISH_MONTHS = dict(MONTHS)  # "May 3, 2025"; Portuguese writes the day first ("3 de maio de 2025")
MESES = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
         "novembro", "dezembro")
MONTHS |= {name: n for n, name in enumerate(MESES, 1)} | {name[:3]: n for n, name in enumerate(MESES, 1)}
MONTHS["marco"] = 3  # "## 3 fev 2025", "# 15 de março de 2026": a Portuguese note's dated heading
DATE_FORMS = [
    (re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"), "ymd"),
    (re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]"), "ymd"),
    (re.compile(r"\b(?P<m>[A-Za-z]{3,9})\.? (?P<d>\d{1,2})(?:st|nd|rd|th)?,? (?P<y>\d{4})\b"), "english"),
    (re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th|º)?(?: de)? (?P<m>[^\W\d_]{3,9})\.?,?(?: de)? (?P<y>\d{4})\b"), "name"),
]


def find_date(meta: dict, path: str, body: str) -> str | None:
    """ISO date: frontmatter (date, created, ...), else the file name, else the note's top lines."""
    lowered = {k.lower(): v for k, v in meta.items()}
    for key in DATE_KEYS:
        if isinstance(lowered.get(key), str) and (found := first_date(lowered[key])):
            return found
    top = "\n".join(body.split("\n")[:TEXT_DATE_LINES])
    return (first_date(note_stem(path), iso_only=True) or path_date(path)
            or first_date(without_links(top)))


PATH_DATE = re.compile(r"(?<!\d)(\d{4})/(\d{2})/(\d{2})(?!\d)")


def path_date(path: str) -> str | None:
    """Daily notes filed by folder ("daily/2025/03/04.md") are dated by their path."""
    found = PATH_DATE.search(posixpath.splitext(path)[0])
    if not found:
        return None
    y, m, d = (int(g) for g in found.groups())
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= m <= 12 and 1 <= d <= 31 else None


def without_links(text: str) -> str:
    """A date inside a link names another note ("see [[2025-02-03-take-the-rotterdam-job]]"),
    not the day this note was written: it must not become this note's date."""
    return _replace_spans(text, link_spans(text), " ")


def link_spans(text: str) -> list[tuple[int, int]]:
    """Where `!?[[...]]` and `[...](...)` stand, in one pass: the same spans as the regex
    `!?\\[\\[[^\\]\\n]*\\]\\]|\\[[^\\]\\n]*\\]\\([^)\\n]*\\)`, which re-read the rest of a
    line from every "[" (quadratic on a line of brackets)."""
    spans: list[tuple[int, int]] = []
    paren = _NextOf(r"[)\n]")
    floor = 0
    for close in _positions(text, "]"):
        if close < floor:
            continue
        span = _link_span(text, max(floor, text.rfind("\n", floor, close) + 1), close, paren)
        if span and span[1] == close + 2 and span[0] > (spans[-1][1] if spans else 0) \
                and text[span[0] - 1] == "!":  # an embed: ![[...]]
            span = (span[0] - 1, span[1])
        if span:
            spans.append(span)
        floor = span[1] if span else close + 1
    return spans


def _link_span(text: str, lo: int, close: int, paren: _NextOf) -> tuple[int, int] | None:
    """The leftmost link ending at the "]" at `close` whose text starts at or after `lo`."""
    single = text.find("[", lo, close)
    if single < 0:
        return None
    double = text.find("[[", single, close)
    wiki = text[close + 1:close + 2] == "]"
    if double == single and wiki:
        return single, close + 2
    if text[close + 1:close + 2] == "(":
        end = paren.find(text, close + 2)
        if text[end:end + 1] == ")":
            return single, end + 1
    if double >= 0 and wiki:
        return double, close + 2
    return None


def _replace_spans(text: str, spans: list[tuple[int, int]], by: str) -> str:
    parts, at = [], 0
    for start, end in spans:
        parts += [text[at:start], by]
        at = end
    return "".join(parts) + text[at:]


def first_date(text: str, iso_only: bool = False) -> str | None:
    """The earliest real calendar date written in `text`, as "YYYY-MM-DD"."""
    found = []
    for pattern, kind in DATE_FORMS[:1] if iso_only else DATE_FORMS:
        for m in pattern.finditer(text):
            day = _date(m, kind)
            if day:
                found.append((m.start(), day))
                break
    return min(found)[1] if found else None


def _date(match: re.Match, kind: str) -> str | None:
    names = ENGLISH_MONTHS if kind == "english" else MONTHS
    month = names.get(match["m"].lower()) if kind in ("name", "english") else int(match["m"])
    try:
        return dt.date(int(match["y"]), month or 0, int(match["d"])).isoformat()
    except ValueError:
        return None


LINE_END = "\u2029"
"""Put by `line_ends` where a line ended a sentence that its writer left without a full stop."""
OPEN_END = re.compile(r"(?:[.!?:;,…\-–—(/&+]|\b(?:and|or|but|to|the|a|an|of|with|for|in|on|at|my|his|her|our|their|"
                      r"by|from|than|that|as|e|ou|de|da|do|que|com|para|y|o|und|oder|et|ou)\b)\s*$", re.IGNORECASE)
WRAPPED = 100  # the widest line of prose wrapped by an editor


def wrapped(lines: list[str]) -> bool:
    """Prose wrapped by an editor: each line is as full as it can be, the next line's first word would not fit on it."""
    width = max(len(line.rstrip()) for line in lines)
    return width <= WRAPPED and all(len(line.rstrip()) + 1 + len((nxt.split() or [""])[0]) > width
                                    for line, nxt in zip(lines, lines[1:]))


def line_ends(paragraph: str) -> str:
    """A paragraph written a line at a time ("Bruce Mackay. Nobody's called him Bruce since 1962" / "Stock agent
    with Wrightsons 38 yrs" / "Retired 2011"): a line whose next one opens with a capital ends its sentence, though
    no full stop says so; otherwise the answer quotes "Retired 2011 Known him since Dipton School" as one run-on.
    Not prose wrapped by an editor (lines of one length), nor a line that stops on "and" or "the"."""
    lines = paragraph.split("\n")
    if len(lines) < 2:
        return paragraph
    if wrapped(lines):
        return paragraph
    out = [lines[0]]
    for before, line in zip(lines, lines[1:]):
        ends = (line[:1].isupper() and len(before.split()) >= 3 and not OPEN_END.search(before)
                and not before.lstrip().startswith("|"))
        out.append(f"{LINE_END}{line}" if ends else f"\n{line}")
    return "".join(out)

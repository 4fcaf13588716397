"""Privacy scrub: find private values in text and replace each with a typed placeholder.

Everything that reaches a training set (notes, chat imports) goes through `scrub_text` first,
because an adapter memorises what it sees and cannot be made to forget. Detectors are ordered
by confidence; where two overlap, the more specific one wins (a URL's credentials before the
e-mail-like `pass@host` inside it, a Chinese ID number before a Luhn-valid card number).

Phone numbers come from Google's `phonenumbers` (worldwide, offline); secrets follow gitleaks'
rules (known token prefixes, keyword assignments, Shannon entropy >= 3.5 for generic tokens).
The report aggregates counts by kind and file and never holds a matched value.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

import phonenumbers

from trainer.data import scrub_detectors as more

PHONE_REGIONS = ("CN", "TW", "HK", "SG", "IN", "US", "CA", "GB", "IE", "AU", "NZ", "ZA", "BR", "PT", "ES", "FR", "DE")
"""Where a number written without "+country" may be from: the languages brain reads (English,
Portuguese, Chinese) and their neighbours. With "CN", "IN", "US" alone, "Cel: (81) 98812-4470",
"Tlm: 912 345 678" and "手機：0912-345-678" reached the index as written."""
KINDS = ("email", "phone", "cn_id", "card", "ip", "secret", "url_credentials", "iban", "ssn", "passport",
         "address", "dob", "im_id", "seed_phrase")
DENY = "deny"  # the user's own list: always on, whatever `enabled_kinds` says
PLACEHOLDERS = {kind: f"<{kind.upper()}>" for kind in KINDS} | {DENY: "<REDACTED>"}


@dataclass(frozen=True)
class ScrubConfig:
    """What to scrub. `allow`/`deny` hold literal strings, compiled `re.Pattern`s, or strings
    written "re:PATTERN" (the form a TOML config can carry)."""

    allow: tuple = ()  # never scrubbed, e.g. the user's own public e-mail or site
    deny: tuple = ()  # always scrubbed (case-insensitive literals), e.g. a friend's name
    enabled_kinds: frozenset[str] = frozenset(KINDS)
    phone_regions: tuple[str, ...] = PHONE_REGIONS  # numbers written without "+country"
    entropy_threshold: float = 3.5  # bits per character, gitleaks' generic-key threshold
    pseudonyms: bool = True  # chat senders become stable pseudonyms (trainer/data/chats/pseudonyms.py)
    names: tuple[tuple[str, str], ...] = ()  # the user's own pseudonym for a person: (name, pseudonym)
    rename: Callable[[str], str] | None = None  # applied first: people from chat imports -> pseudonyms

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple((str(k), str(v)) for k, v in dict(self.names).items()))
        for name in ("allow", "deny", "phone_regions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "enabled_kinds", frozenset(self.enabled_kinds))
        unknown = self.enabled_kinds - set(KINDS)
        if unknown:
            raise ValueError(f"unknown scrub kinds {sorted(unknown)}; known: {', '.join(KINDS)}")


@dataclass(frozen=True)
class IndexScrub:
    """The scrub the note index applies before a note's text reaches brain.db: the user's
    [scrub] settings without pseudonyms, so names of people stay findable ("Who is Jonas?")
    while keys, passwords, cards, phones, e-mails, IDs and the deny list become placeholders.
    Passed to `scan_vault` by every caller (the vault layer cannot import this one)."""

    config: ScrubConfig = ScrubConfig()

    def __call__(self, text: str) -> str:
        if not text:
            return text
        return scrub_text(text, replace(self.config, rename=None), keep_lines=True).text

    @property
    def fingerprint(self) -> str:
        """Changes when the settings or the detectors change, so the index is scrubbed again."""
        import hashlib

        c = self.config
        settings = repr((SCRUB_VERSION, c.allow, c.deny, sorted(c.enabled_kinds), c.phone_regions, c.entropy_threshold))
        return hashlib.sha256(settings.encode()).hexdigest()[:16]


SCRUB_VERSION = 2  # bump when a detector changes what it finds: indexes are scrubbed again


@dataclass
class ScrubResult:
    text: str
    counts: Counter = field(default_factory=Counter)  # kind -> number of values replaced

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Span(NamedTuple):
    start: int
    end: int
    kind: str
    rank: int  # lower wins an overlap


def scrub_text(text: str, config: ScrubConfig | None = None, keep_lines: bool = False) -> ScrubResult:
    """Replace every private value in `text` with its placeholder, e.g. `<EMAIL>`. `keep_lines`
    keeps the line breaks of a replaced value (a private-key block) after its placeholder, so
    line numbers stay valid (the note index stores headings by line)."""
    config = config or ScrubConfig()
    if config.rename is not None:
        text = config.rename(text)
    allowed = [m.span() for p in _patterns(config.allow, False) for m in p.finditer(text)]
    spans = find_spans(text, config)
    if allowed:
        spans = [s for s in spans if not _covered(s, allowed)]
    chosen = _non_overlapping(spans)
    out, counts, last = [], Counter(), 0
    for span in chosen:
        breaks = "\n" * text.count("\n", span.start, span.end) if keep_lines else ""
        out += [text[last : span.start], PLACEHOLDERS[span.kind] + breaks]
        counts[span.kind] += 1
        last = span.end
    out.append(text[last:])
    return ScrubResult("".join(out), counts)


def find_spans(text: str, config: ScrubConfig) -> list[Span]:
    """All candidate spans, overlapping ones included."""
    spans = [Span(m.start(), m.end(), DENY, 0) for p in _patterns(config.deny, True) for m in p.finditer(text)]
    for rank, (kind, detect) in enumerate(DETECTORS, start=1):
        if kind in config.enabled_kinds:
            spans += [Span(a, b, kind, rank) for a, b in detect(text, config)]
    return spans


def _covered(span: Span, allowed: list[tuple[int, int]]) -> bool:
    """Inside an allow-list match (the deny list beats the allow list)."""
    return span.kind != DENY and any(a <= span.start and span.end <= b for a, b in allowed)


def _non_overlapping(spans: list[Span]) -> list[Span]:
    """Best-ranked first, then longest; a span that overlaps a chosen one is dropped. The chosen
    spans are kept sorted and never overlap, so one bisect finds the only neighbours that can
    clash (comparing with every chosen span was quadratic in a note of 100,000 e-mails)."""
    starts: list[int] = []
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.rank, s.start - s.end, s.start)):
        i = bisect.bisect_right(starts, span.start)
        if i and chosen[i - 1].end > span.start:
            continue
        if i < len(chosen) and chosen[i].start < span.end:
            continue
        starts.insert(i, span.start)
        chosen.insert(i, span)
    return chosen


@lru_cache(maxsize=64)
def _patterns(items: tuple, deny: bool) -> tuple[re.Pattern, ...]:
    return tuple(_pattern(item, deny) for item in items if item)


def _pattern(item: str | re.Pattern, deny: bool) -> re.Pattern:
    if isinstance(item, re.Pattern):
        return item
    if item.startswith("re:"):
        return re.compile(item[3:])
    word = r"(?<!\w)" if item[0].isalnum() else ""
    end = r"(?!\w)" if item[-1].isalnum() else ""
    return re.compile(word + re.escape(item) + end, re.IGNORECASE if deny else 0)


# --- detectors: each yields (start, end) pairs -----------------------------------------------

Found = Iterator[tuple[int, int]]

# the scheme is bounded: unbounded, "a.a.a.a..." was scanned again from every dot (quadratic)
URL_CREDENTIALS = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{0,40}://[^\s:/@]+:[^\s/@]+@[^\s/?#]+")
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
CN_ID = re.compile(  # region, birth date YYYYMMDD, sequence, check digit
    r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
CARD = re.compile(r"(?<![\d+\-.])\d(?:[ -]?\d){12,18}(?![\d\-]|\.\d)")
CN_MOBILE = re.compile(r"(?<![\d+])1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"(?<![\w.]){OCTET}(?:\.{OCTET}){{3}}(?![\w]|\.\d)")
IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
TOKEN_PREFIXES = re.compile(
    "|".join(
        [
            r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}",  # OpenAI, Anthropic
            r"\bgh[pousr]_[A-Za-z0-9]{30,}",  # GitHub tokens
            r"\bgithub_pat_[A-Za-z0-9_]{22,}",
            r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b",  # AWS access key ids
            r"\bxox[abprs]-[A-Za-z0-9-]{10,}",  # Slack
            r"\bAIza[0-9A-Za-z_-]{35}",  # Google API keys
            r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}",  # Stripe
            r"\bhf_[A-Za-z0-9]{30,}",  # Hugging Face
            r"\bglpat-[A-Za-z0-9_-]{20,}",  # GitLab
            r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",  # JWT
        ]
    )
)
KEYWORD_VALUE = re.compile(
    r"(?i)(?:(?<![a-z0-9])[a-z0-9]*[_-]|(?<![a-z]))(?:api[_-]?key|secret|token|passw(?:or)?d|passwd|pwd|access[_-]?key)"
    r"""(?![a-z])["']?\s*[:=]\s*["']?([^\s"'`,;]{6,})|\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)"""
)
PLACEHOLDER = re.compile(r"<[A-Z_]+>")
TOKEN_RUN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{20,}")


def _regex(pattern: re.Pattern, valid: Callable[[str], bool] = lambda s: True) -> Callable:
    def detect(text: str, config: ScrubConfig) -> Found:
        return ((m.start(), m.end()) for m in pattern.finditer(text) if valid(m.group()))

    return detect


def cn_id_valid(number: str) -> bool:
    """GB 11643-1999 check digit over the first 17 digits."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    odd = sum(digits[-1::-2])
    even = sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
    return (odd + even) % 10 == 0


def ipv6_valid(candidate: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return sum(1 for group in candidate.split(":") if group) >= 3  # "::1" and "a::b" pass


def _phones(text: str, config: ScrubConfig) -> Found:
    if sum(c.isdigit() for c in text) < 7:
        return
    for region in (None, *config.phone_regions):
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            if _plausible_phone(match):
                yield match.start, match.end
    yield from _regex(CN_MOBILE)(text, config)


def _plausible_phone(match: phonenumbers.PhoneNumberMatch) -> bool:
    """A bare run of digits (no "+", no separators, no trunk "0") is a phone number only if it
    is a mobile number: "1725184800" is a Unix time, not a landline in Chandigarh. Without a "+",
    a date ("30.01.2026"), a sum ("168.000", "R$ 130.000") or a reading ("164/100") is none,
    whichever country's plan it fits."""
    raw = match.raw_string
    if raw.startswith("+"):
        return True
    if NOT_A_PHONE.fullmatch(raw) or sum(c.isdigit() for c in raw) < 8:
        return False
    if raw.startswith("0") or not raw.isdigit():
        return True
    mobile = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.number_type(match.number) in mobile


NOT_A_PHONE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,3}(?:\.\d{3})+(?:,\d+)?|.*/.*")


def _keyword_values(text: str, config: ScrubConfig) -> Found:
    """`password = hunter2`, `api_key: ...`, `Bearer ...`: the value only, if not a plain word."""
    for m in KEYWORD_VALUE.finditer(text):
        group = 1 if m.group(1) else 2
        value = m.group(group).rstrip(".!?:)")
        if not value.isalpha() and not PLACEHOLDER.match(value):
            yield m.start(group), m.end(group)


def _high_entropy(text: str, config: ScrubConfig) -> Found:
    """Long base64/hex-like runs; in a path ("a/b/c") each piece is judged on its own."""
    for m in TOKEN_RUN.finditer(text):
        pieces = m.group().split("/")
        if any(_wordy(p) for p in pieces):
            offset = m.start()
            for piece in pieces:
                if looks_random(piece, config.entropy_threshold):
                    yield offset, offset + len(piece)
                offset += len(piece) + 1
        elif looks_random(m.group(), config.entropy_threshold):
            yield m.start(), m.end()


def _wordy(piece: str) -> bool:
    return bool(re.fullmatch(r"[a-z][a-z_-]*|\d+", piece))


def looks_random(token: str, threshold: float = 3.5) -> bool:
    """A 20+ character token with letters and digits mixed in one long segment and high
    Shannon entropy; ordinary words, file names and dates split into short segments."""
    if len(token) < 20 or shannon_entropy(token) < threshold:
        return False
    longest = max(re.split(r"[-_.+=/]", token), key=len)
    return len(longest) >= 16 and _has_letter_and_digit(longest)


def _has_letter_and_digit(s: str) -> bool:
    return any(c.isdigit() for c in s) and any(c.isalpha() for c in s)


def shannon_entropy(s: str) -> float:
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values()) if n else 0.0


DETECTORS: tuple[tuple[str, Callable[[str, ScrubConfig], Found]], ...] = (
    ("secret", more.private_keys),
    ("url_credentials", _regex(URL_CREDENTIALS)),
    ("secret", _regex(TOKEN_PREFIXES)),
    ("secret", more.maintained_tokens),
    ("seed_phrase", more.seed_phrases),
    ("email", _regex(EMAIL)),
    ("cn_id", _regex(CN_ID, cn_id_valid)),
    ("iban", more.ibans),
    ("ssn", more.ssns),
    ("passport", more.cued(more.PASSPORT)),
    ("dob", more.cued(more.DOB)),
    ("im_id", more.im_ids),
    ("secret", more.passwords),
    ("card", _regex(CARD, luhn_valid)),
    ("phone", _phones),
    ("ip", _regex(IPV4)),
    ("ip", _regex(IPV6, ipv6_valid)),
    ("secret", _keyword_values),
    ("secret", more.aws_secrets),
    ("address", more.addresses),
    ("secret", _high_entropy),
)


# --- report ---------------------------------------------------------------------------------


@dataclass
class ScrubReport:
    """Counts by kind and by file. Holds no matched value, so it is safe to print and store."""

    by_kind: Counter = field(default_factory=Counter)
    by_file: dict[str, Counter] = field(default_factory=dict)

    def add(self, path: str, result: ScrubResult) -> None:
        if not result.counts:
            return
        self.by_kind.update(result.counts)
        self.by_file.setdefault(path, Counter()).update(result.counts)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    def summary_lines(self) -> list[str]:
        if not self.total:
            return ["privacy scrub: nothing found"]
        head = f"privacy scrub: {self.total} value(s) replaced in {len(self.by_file)} file(s): "
        lines = [head + _kinds(self.by_kind)]
        lines += [f"  {path}: {_kinds(counts)}" for path, counts in sorted(self.by_file.items())]
        return lines

    def to_dict(self) -> dict:
        return {"by_kind": dict(self.by_kind), "by_file": {p: dict(c) for p, c in self.by_file.items()}}


def _kinds(counts: Counter) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))

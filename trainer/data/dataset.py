"""Training examples from notes: what the adapter learns, and nothing private.

Four kinds, each switchable: (a) the note as a document under a short header, (b) "Explain my
thoughts on {topic}" pairs (the classic recipe: topic = title or tag) and section pairs from
headings, (c) decision pairs ("Why did I decide …?" -> the passage, with its date). Every string
is scrubbed before it enters an example. The held-out split is decided by a hash of the note's
path, so a note stays on one side across rebuilds and never leaks into its own evaluation.

Takes plain `Note` records, so it works from the index, a scan, or a test's literals.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from trainer.atomic import atomic_write_text
from trainer.data.chunking import FENCE, Section, TokenCounter, chunk_sections, estimate_tokens, fit, paragraphs, sections
from trainer.vault.note import Note
from trainer.data.scrub import ScrubConfig, ScrubReport, ScrubResult, scrub_text

KINDS = ("document", "topic", "section", "decision")
DEFAULT_SYSTEM_PROMPT = (
    "You are my second brain. Answer as me, in the first person and in my own voice, "
    "from what I have written in my notes."
)


@dataclass(frozen=True)
class DatasetConfig:
    documents: bool = True  # (a) the note itself; loss on the body only
    topic_pairs: bool = True  # (b) "Explain my thoughts on {title | tag}"
    section_pairs: bool = True  # (b) "What do I think about {heading} in {title}?"
    decision_pairs: bool = True  # (c) "Why did I decide …?" -> the passage, with its date
    max_tokens: int = 384  # one chunk of note text; the template and the question add ~60
    eval_fraction: float = 0.1  # share of notes (not examples) held out
    seed: int = 0  # changes which notes are held out
    system_prompt: str = DEFAULT_SYSTEM_PROMPT  # the chat backend should send the same one
    keep_wikilinks: bool = False  # False: "[[homelab-k3s|home lab]]" becomes "home lab"


@dataclass(frozen=True)
class Example:
    kind: str  # one of KINDS
    source: str  # vault-relative path of the note it came from
    split: str  # "train" | "eval"
    messages: tuple[dict, ...]  # [system], user, assistant; loss goes on the assistant turn

    @property
    def prompt(self) -> str:
        return self.messages[-2]["content"]

    @property
    def completion(self) -> str:
        return self.messages[-1]["content"]

    def to_json(self) -> dict:
        """The `{"messages": [...]}` shape that mlx-lm and Hugging Face chat templates read."""
        return {"messages": [dict(m) for m in self.messages]}


@dataclass
class Dataset:
    examples: list[Example]
    report: ScrubReport = field(default_factory=ScrubReport)
    notes: int = 0  # notes that gave at least one example

    @property
    def train(self) -> list[Example]:
        return [e for e in self.examples if e.split == "train"]

    @property
    def eval(self) -> list[Example]:
        return [e for e in self.examples if e.split == "eval"]

    def counts(self) -> Counter:
        """(kind, split) -> number of examples."""
        return Counter((e.kind, e.split) for e in self.examples)

    def summary_lines(self) -> list[str]:
        counts = self.counts()
        lines = [f"{len(self.examples)} examples from {self.notes} notes"]
        lines += [f"  {k}: {counts[k, 'train']} train, {counts[k, 'eval']} eval" for k in KINDS]
        return lines + self.report.summary_lines()

    def write_jsonl(self, folder: Path, eval_name: str = "eval") -> dict[str, Path]:
        """train.jsonl and {eval_name}.jsonl (mlx-lm wants "valid"), each written atomically."""
        paths = {"train": Path(folder) / "train.jsonl", "eval": Path(folder) / f"{eval_name}.jsonl"}
        for split, path in paths.items():
            lines = [json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in self.examples if e.split == split]
            atomic_write_text(path, "".join(lines))
        return paths

    def snapshot_hash(self) -> str:
        """sha256 over every example in order: names the exact data an adapter was trained on."""
        h = hashlib.sha256()
        for e in self.examples:
            record = {"kind": e.kind, "source": e.source, "split": e.split, "messages": list(e.messages)}
            h.update(json.dumps(record, ensure_ascii=False, sort_keys=True).encode() + b"\n")
        return h.hexdigest()


def build_examples(
    notes: Iterable[Note],
    config: DatasetConfig | None = None,
    scrub_config: ScrubConfig | None = None,
    count_tokens: TokenCounter | None = None,
) -> Dataset:
    """Scrub, chunk and pair every note; split by note; drop exact duplicates.

    `count_tokens` measures chunk budgets (pass the model tokenizer's length for exact chunks);
    the default is a conservative estimate that needs no tokenizer."""
    config = config or DatasetConfig()
    report = ScrubReport()
    sources = [s for n in sorted(notes, key=lambda n: n.path) if (s := prepare(n, scrub_config, report, config)).body]
    splits = assign_splits([s.path for s in sources], config)
    builder = _Builder(config, count_tokens or estimate_tokens)
    examples = [e for s in sources for e in builder.examples(s, splits[s.path])]
    examples = dedupe(examples)
    return Dataset(examples, report, len({e.source for e in examples}))


# --- preparing a note -----------------------------------------------------------------------


class Source(NamedTuple):
    """A note after scrubbing and clean-up: the only text examples are made from."""

    path: str
    title: str
    body: str
    tags: tuple[str, ...]
    date: str
    decision: bool  # frontmatter `type: decision`
    lang: str  # "en" | "zh": the language of the questions


def prepare(note: Note, scrub_config: ScrubConfig | None, report: ScrubReport, config: DatasetConfig) -> Source:
    results = [scrub_text(s, scrub_config) for s in (note.title, note.body, note.date or "", *note.tags)]
    report.add(note.path, ScrubResult("", sum((r.counts for r in results), Counter())))
    title, body, date, *tags = (r.text.strip() for r in results)
    body = clean_body(body, title, config.keep_wikilinks)
    kind = str(note.frontmatter.get("type", "")).lower() if isinstance(note.frontmatter, dict) else ""
    return Source(note.path, title, body, tuple(tags), date, kind == "decision", language(title + body))


WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#]*)(?:#([^\[\]|]*))?(?:\|([^\[\]]*))?\]\]")
"""No "[" inside: from every "[[" the match then stops at the next bracket, so a line of brackets
takes linear time (with "[" allowed it re-read the rest of the line from each one)."""


def clean_body(body: str, title: str, keep_wikilinks: bool) -> str:
    """Drop a leading "# {title}" (the header says it) and render wiki links as plain words."""
    lines = body.strip().split("\n")
    if lines and lines[0].lstrip("# ").strip() == title and lines[0].startswith("# "):
        lines = lines[1:]
    text = "\n".join(lines).strip()
    return text if keep_wikilinks else WIKILINK.sub(_link_words, text)


def _link_words(m: re.Match) -> str:
    embed, target, heading, alias = m.groups()
    if embed:
        return ""
    return alias or target.rsplit("/", 1)[-1].removesuffix(".md") or heading or ""


def language(text: str) -> str:
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    letters = sum(1 for c in text if c.isalpha())
    return "zh" if letters and cjk / letters > 0.3 else "en"


def assign_splits(paths: list[str], config: DatasetConfig) -> dict[str, str]:
    """Held out if hash(seed, path) falls under eval_fraction; with none held out but several
    notes, the lowest hash is, so there is always something to evaluate on."""
    score = {p: _unit_hash(f"{config.seed}\0{p}") for p in paths}
    splits = {p: "eval" if s < config.eval_fraction else "train" for p, s in score.items()}
    if config.eval_fraction > 0 and len(paths) > 1 and "eval" not in splits.values():
        splits[min(paths, key=score.get)] = "eval"
    return splits


def _unit_hash(text: str) -> float:
    return int(hashlib.sha256(text.encode()).hexdigest()[:15], 16) / 16**15


def dedupe(examples: list[Example]) -> list[Example]:
    seen: set[str] = set()
    kept = []
    for e in examples:
        key = json.dumps(e.messages, ensure_ascii=False, sort_keys=True)
        if key not in seen:
            seen.add(key)
            kept.append(e)
    return kept


# --- questions ------------------------------------------------------------------------------

PROMPTS = {
    "en": {
        "document": "Write my note “{title}”{part}.",
        "topic": "Explain my thoughts on {topic}{part}",
        "section": "What do I think about {heading} in “{title}”{part}?",
        "decision": "Why did I {phrase}{part}?",
        "decision_note": "Why did I decide what I decided in “{title}”{part}?",
        "part": " (part {i} of {n})",
        "date": "Date: {date}",
        "tags": "Tags: {tags}",
    },
    "zh": {
        "document": "写出我的笔记《{title}》{part}。",
        "topic": "说说我对{topic}的想法{part}",
        "section": "在《{title}》里，我对“{heading}”怎么看{part}？",
        "decision": "我为什么{phrase}{part}？",
        "decision_note": "我在《{title}》里为什么做了那个决定{part}？",
        "part": "（第{i}部分，共{n}部分）",
        "date": "日期：{date}",
        "tags": "标签：{tags}",
    },
}


def ask(lang: str, key: str, i: int = 0, n: int = 1, **fields: str) -> str:
    """The question for part i (0-based) of n, in the note's language."""
    prompts = PROMPTS[lang]
    part = prompts["part"].format(i=i + 1, n=n) if n > 1 else ""
    return prompts[key].format(part=part, **fields)


DECISION_WORDS = re.compile(r"(?i)\b(decided|chose|going with|switched to)\b|决定")
BASE_VERB = {"decided": "decide", "chose": "choose", "going with": "go with", "switched to": "switch to"}
DATE_CLAUSE = re.compile(r"^\s*on\s+[\w ,-]{4,24}?:\s*")  # "Decided on 2025-03-09: move …"
PRONOUNS = {"I", "we", "it", "he", "she", "they", "there", "this"}
NOT_A_VERB = {"no", "not", "a", "an", "the", "my", "this", "that", "to", "on", "against", "between"}


def decision_phrase(paragraph: str) -> tuple[str, str] | None:
    """("en", "decide to leave Kettle AI") from the first decision sentence, or None."""
    m = DECISION_WORDS.search(paragraph)
    if not m:
        return None
    rest = re.sub(r"\s*\([^)]*\)|[*_`]", "", paragraph[m.end() :])
    rest = re.split(r"[.!?;,。！？；，\n]", DATE_CLAUSE.sub("", rest))[0].strip(" :：")
    if m.group() == "决定":
        return ("zh", "决定" + rest[:40]) if rest else None
    rest = " ".join(rest.split()[:14])
    verb = BASE_VERB[m.group().lower()]
    if not rest:
        return None
    if verb == "decide":
        rest = _decide_joiner(rest.split()[0]) + rest
    return "en", f"{verb} {rest}"


def _decide_joiner(first: str) -> str:
    """"decided to move…", "decided on Postgres", "decided that I needed…"."""
    if first in ("to", "on", "against", "that"):
        return ""
    if first in PRONOUNS:
        return "that "
    return "on " if not first.islower() or first in NOT_A_VERB else "to "


# --- examples -------------------------------------------------------------------------------


Pair = tuple[str, str, str]  # kind, question, answer


def numbered(kind: str, lang: str, key: str, answers: list[str], **fields: str) -> list[Pair]:
    """One pair per answer; the question names the part when there are several."""
    return [(kind, ask(lang, key, i, len(answers), **fields), a) for i, a in enumerate(answers)]


class _Builder:
    def __init__(self, config: DatasetConfig, count: TokenCounter):
        self.config, self.count = config, count

    def examples(self, src: Source, split: str) -> list[Example]:
        secs = sections(src.body)
        chunks = [c.text for c in chunk_sections(secs, self.config.max_tokens, self.count)]
        if not chunks:
            return []
        made = self.documents(src, chunks) if self.config.documents else []
        made += self.topics(src, chunks) if self.config.topic_pairs else []
        made += self.sections(src, secs) if self.config.section_pairs else []
        made += self.decisions(src, secs) if self.config.decision_pairs else []
        return [self.example(kind, src, split, q, a) for kind, q, a in made]

    def example(self, kind: str, src: Source, split: str, question: str, answer: str) -> Example:
        system = [{"role": "system", "content": self.config.system_prompt}] if self.config.system_prompt else []
        turns = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
        return Example(kind, src.path, split, tuple(system + turns))

    def documents(self, src: Source, chunks: list[str]) -> list[Pair]:
        """The header (title, date, tags) is the prompt, so the loss falls on the body alone."""
        p = PROMPTS[src.lang]
        meta = [p["date"].format(date=src.date)] if src.date else []
        meta += [p["tags"].format(tags=", ".join(src.tags))] if src.tags else []
        pairs = numbered("document", src.lang, "document", chunks, title=src.title)
        return [(kind, "\n".join([q, *meta]), a) for kind, q, a in pairs]

    def topics(self, src: Source, chunks: list[str]) -> list[Pair]:
        tags = [("topic", ask(src.lang, "topic", topic=t), chunks[0]) for t in topic_tags(src)]
        return numbered("topic", src.lang, "topic", chunks, topic=src.title) + tags

    def sections(self, src: Source, secs: list[Section]) -> list[Pair]:
        """Only where a note has two or more sections: one section would repeat the topic pair."""
        if len([s for s in secs if s.text]) < 2:
            return []
        named = [s for s in secs if s.heading and s.text and not s.heading.startswith(src.title)]
        return [
            pair for s in named
            for pair in numbered("section", src.lang, "section", self.fit(s.text), heading=s.heading, title=src.title)
        ]

    def decisions(self, src: Source, secs: list[Section]) -> list[Pair]:
        """A decision note as a whole; elsewhere, each paragraph that says "decided", "chose"…
        The date line comes out of the budget."""
        budget = self.config.max_tokens - (self.count(self.dated(src, "")) if src.date else 0)
        if src.decision:
            chunks = [c.text for c in chunk_sections(secs, budget, self.count)]
            return self.decision_pairs(src, decision_phrase(src.body), chunks)
        passages = [para for s in secs for para in paragraphs(s.text) if not FENCE.match(para)]
        found = [(decision_phrase(para), para) for para in passages if DECISION_WORDS.search(para)]
        return [pair for phrase, para in found for pair in self.decision_pairs(src, phrase, self.fit(para, budget))]

    def decision_pairs(self, src: Source, found: tuple[str, str] | None, texts: list[str]) -> list[Pair]:
        """"Why did I decide …?" -> the passage under its date line."""
        dated = [self.dated(src, t) for t in texts]
        if found:
            return numbered("decision", found[0], "decision", dated, phrase=found[1])
        return numbered("decision", src.lang, "decision_note", dated, title=src.title)

    def dated(self, src: Source, text: str) -> str:
        return f"{PROMPTS[src.lang]['date'].format(date=src.date)}\n\n{text}" if src.date else text

    def fit(self, text: str, budget: int | None = None) -> list[str]:
        return fit(text, budget or self.config.max_tokens, self.count)


def topic_tags(src: Source) -> list[str]:
    """Tags as topics, minus those that only repeat the note's folder or type ("decision" in
    decisions/): "Explain my thoughts on decision" teaches nothing."""
    folder = src.path.split("/")[0].lower().rstrip("s") if "/" in src.path else ""
    generic = {folder, "decision" if src.decision else ""}
    topics = []
    for tag in src.tags:
        word = re.sub(r"[-_]+", " ", tag.lstrip("#").rsplit("/", 1)[-1]).strip()
        if word and word.lower().rstrip("s") not in generic and word not in topics:
            topics.append(word)
    return topics

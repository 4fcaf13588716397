"""Score grounded answers on a file of questions with known answers: retrieval, facts, refusals.

Each JSONL line: {"question": …, "sources": [vault paths that answer it], "answer": reference
text, "kind": optional label, "facts": [[alternatives], …]}. An empty `sources` marks a question
the notes cannot answer. Reported:
- recall@5: share of a question's sources among the first five notes retrieved;
- key-fact recall: each fact is a group of alternative substrings ("€190", "190 a month"); a
  group counts when any of them appears in the answer (case-insensitive); by question kind;
- invented facts: answers holding a name or number that no note holds (`trainer.recall.support`);
- median answer length in words (two Chinese characters count as one word);
- citation precision: cited notes that are among the sources;
- ROUGE-L F1 of the answer against the reference (LCS over words; CJK by character);
- nothing-found rate on unanswerable questions, and how often an answerable one got "nothing".
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from backends.base import GenOpts
from trainer.recall.answer import GroundedAnswer, answer
from trainer.recall import private
from trainer.recall.compose import count_words
from trainer.recall.reflect import StreamFn, is_pattern_question
from trainer.recall.retrieve import Retriever
from trainer.recall.support import unknown_facts
from trainer.recall.terms import ASKING_TERMS, rouge_tokens
from trainer.vault.index import Index
from trainer.vault.parse import first_date

MARKERS = re.compile(r"\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\]")


@dataclass(frozen=True)
class Question:
    question: str
    sources: tuple[str, ...]
    answer: str
    kind: str = ""
    facts: tuple[tuple[str, ...], ...] = ()

    @property
    def answerable(self) -> bool:
        return bool(self.sources)


@dataclass
class Result:
    question: str
    kind: str
    answerable: bool
    retrieved: list[str]
    nothing_found: bool
    answer: str
    cited: list[str]  # note paths cited in the answer
    removed: int  # model sentences removed by the support check (prose style)
    recall_at_5: float | None
    rouge_l: float | None
    correct_cites: int = 0
    facts_found: int = 0
    facts_total: int = 0
    invented: list[str] = field(default_factory=list)  # names/numbers in the answer that no note holds
    words: int = 0


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    def summary(self) -> dict:
        answerable = [r for r in self.results if r.answerable]
        unanswerable = [r for r in self.results if not r.answerable]
        out = {
            "questions": len(self.results),
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "recall_at_5": mean(r.recall_at_5 for r in answerable),
            "key_fact_recall": fact_recall(answerable),
            "answers_with_invented_facts": sum(1 for r in self.results if r.invented),
            "median_words": statistics.median([r.words for r in answerable]) if answerable else None,
            "citation_precision": ratio(sum(r.correct_cites for r in answerable),
                                        sum(len(r.cited) for r in answerable)),
            "answers_citing_a_source": ratio(sum(1 for r in answerable if r.correct_cites), len(answerable)),
            "rouge_l": mean(r.rouge_l for r in answerable),
            "nothing_found_on_unanswerable": ratio(sum(r.nothing_found for r in unanswerable), len(unanswerable)),
            "nothing_found_on_answerable": ratio(sum(r.nothing_found for r in answerable), len(answerable)),
            "sentences_removed": sum(r.removed for r in self.results),
        }
        for kind in sorted({r.kind for r in answerable if r.kind}):
            out[f"key_fact_recall[{kind}]"] = fact_recall([r for r in answerable if r.kind == kind])
        return out


def fact_recall(results: list[Result]) -> float | None:
    """Mean over questions with facts of the share of their fact groups found."""
    return mean(r.facts_found / r.facts_total for r in results if r.facts_total)


def load_questions(path: Path) -> list[Question]:
    """Read the JSONL file; a bad line raises ValueError naming its line number."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            row = json.loads(line)
            facts = tuple(tuple(str(a) for a in ([g] if isinstance(g, str) else g)) for g in row.get("facts") or ())
            questions.append(Question(row["question"], tuple(row.get("sources") or ()), row.get("answer", ""),
                                      row.get("kind", ""), facts))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a question line ({exc})") from exc
    return questions


def vault_text(index: Index) -> str:
    """Everything the notes hold, for the invented-facts check: paths, titles, frontmatter, bodies,
    and each note's and dated section's date as the answer writes it ("## 8 Jan 2025" is "On
    2025-01-08 I wrote:")."""
    indexed = "\n".join(f"{n.path}\n{n.title}\n{n.date or ''}\n{section_dates(n.body)}\n"
                        f"{json.dumps(n.frontmatter, ensure_ascii=False, default=str)}\n{n.body}"
                        for n in index.notes())
    return indexed + "\n" + shown_values(index)


def section_dates(body: str) -> str:
    return " ".join(d for line in body.splitlines() if line.startswith("#") and (d := first_date(line)))


def shown_values(index: Index) -> str:
    """The phones and e-mails an answer reads back from the notes (`trainer.recall.private`):
    held by a note, though not by the scrubbed index."""
    vault = index.get_meta("vault")
    if not vault:
        return ""
    from trainer.data.scrub_settings import index_scrub

    scrub, out = index_scrub(Path(vault)), []
    for n in index.notes():
        if private.PLACEHOLDER.search(n.body) and (raw := private.read_note(vault, n.path)):
            out += [value for _, _, value in private.line_values(raw, scrub)]
    return "\n".join(out)


def evaluate(index: Index, questions: list[Question], retriever: Retriever, stream: StreamFn | None = None,
             opts: GenOpts | None = None, style: str = "words",
             on_result: Callable[[Result], None] | None = None) -> Report:
    """Answer every question; "words" never calls the model, "prose" needs `stream`."""
    report = Report()
    corpus = vault_text(index)
    for q in questions:
        got = answer(index, q.question, retriever=retriever, style=style, stream=stream, opts=opts)
        result = score(q, got, retrieved_paths(retriever, q.question), corpus)
        report.results.append(result)
        if on_result:
            on_result(result)
    return report


def retrieved_paths(retriever: Retriever, question: str) -> list[str]:
    """The top five as the answer searches them (a pattern question by its subject words)."""
    drop = ASKING_TERMS if is_pattern_question(question) else frozenset()
    return [h.path for h in retriever.retrieve(question, 5, drop=drop).hits]


def score(q: Question, got: GroundedAnswer, retrieved: list[str], corpus: str) -> Result:
    paths = {s.n: s.path for s in got.sources}
    cited = list(dict.fromkeys(paths[n] for n in got.cited if n in paths))
    wanted = set(q.sources)
    recall = len(wanted & set(retrieved[:5])) / len(wanted) if wanted else None
    text = got.text.casefold()
    found = sum(1 for group in q.facts if any(alt.casefold() in text for alt in group))
    invented = [] if got.nothing_found else sorted(unknown_facts(MARKERS.sub("", got.text), corpus))
    return Result(q.question, q.kind, q.answerable, retrieved, got.nothing_found, got.text, cited, got.removed,
                  recall, rouge_l(got.text, q.answer) if q.answerable else None,
                  sum(1 for p in cited if p in wanted), found, len(q.facts), invented,
                  0 if got.nothing_found else count_words(MARKERS.sub("", got.text)))


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1: longest common subsequence of tokens, as precision and recall against the reference."""
    a, b = rouge_tokens(candidate), rouge_tokens(reference)
    if not a or not b:
        return 0.0
    lcs = lcs_length(a, b)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(a), lcs / len(b)
    return 2 * precision * recall / (precision + recall)


def lcs_length(a: list[str], b: list[str]) -> int:
    """Classic dynamic programme, one row at a time (O(len(b)) memory)."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def to_jsonl(report: Report) -> str:
    return "\n".join(json.dumps(asdict(r), ensure_ascii=False) for r in report.results) + "\n"

"""Score reflect on a file of questions with known answers: retrieval, citations, answers, refusals.

Each JSONL line: {"question": …, "sources": [vault paths that answer it], "answer": reference
text, "kind": optional label}. An empty `sources` marks a question the notes cannot answer.
Reported:
- recall@5: share of a question's sources among the first five notes retrieved;
- citation precision: cited notes that are among the sources (the full answer, and the model's
  prose alone, since the full answer adds cited facts deterministically);
- ROUGE-L F1 of the answer against the reference (LCS over words; CJK by character);
- nothing-found rate on unanswerable questions, and how often an answerable one got "nothing".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from backends.base import GenOpts
from trainer.vault.index import Index
from trainer.recall.reflect import StreamFn, finish, generate, nothing_found_answer, reflect
from trainer.recall.retrieve import Retriever
from trainer.recall.terms import rouge_tokens


@dataclass(frozen=True)
class Question:
    question: str
    sources: tuple[str, ...]
    answer: str
    kind: str = ""

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
    prose: str
    cited: list[str]  # note paths cited anywhere in the answer
    prose_cited: list[str]  # note paths the model itself cited
    removed: int  # citation markers removed as pointing at no retrieved note
    recall_at_5: float | None
    rouge_l: float | None
    prose_rouge_l: float | None
    correct_cites: int = 0
    correct_prose_cites: int = 0


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    def summary(self) -> dict:
        answerable = [r for r in self.results if r.answerable]
        unanswerable = [r for r in self.results if not r.answerable]
        return {
            "questions": len(self.results),
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "recall_at_5": mean(r.recall_at_5 for r in answerable),
            "citation_precision": ratio(sum(r.correct_cites for r in answerable),
                                        sum(len(r.cited) for r in answerable)),
            "prose_citation_precision": ratio(sum(r.correct_prose_cites for r in answerable),
                                              sum(len(r.prose_cited) for r in answerable)),
            "answers_citing_a_source": ratio(sum(1 for r in answerable if r.correct_cites), len(answerable)),
            "rouge_l": mean(r.rouge_l for r in answerable),
            "prose_rouge_l": mean(r.prose_rouge_l for r in answerable),
            "nothing_found_on_unanswerable": ratio(sum(r.nothing_found for r in unanswerable), len(unanswerable)),
            "nothing_found_on_answerable": ratio(sum(r.nothing_found for r in answerable), len(answerable)),
            "citations_removed": sum(r.removed for r in self.results),
        }


def load_questions(path: Path) -> list[Question]:
    """Read the JSONL file; a bad line raises ValueError naming its line number."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            row = json.loads(line)
            questions.append(Question(row["question"], tuple(row.get("sources") or ()), row.get("answer", ""),
                                      row.get("kind", "")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a question line ({exc})") from exc
    return questions


def evaluate(index: Index, questions: list[Question], retriever: Retriever, stream: StreamFn | None = None,
             opts: GenOpts | None = None, system_prompt: str = "",
             on_result: Callable[[Result], None] | None = None) -> Report:
    """Reflect on every question; with `stream` None the answer is the deterministic part only."""
    report = Report()
    for q in questions:
        result = score(q, *answer_one(index, q.question, retriever, stream, opts, system_prompt))
        report.results.append(result)
        if on_result:
            on_result(result)
    return report


def answer_one(index, question, retriever, stream, opts, system_prompt):
    reflection = reflect(index, question, retriever, system_prompt=system_prompt)
    if reflection.nothing_found:
        return reflection, nothing_found_answer()
    if stream is None:
        return reflection, finish(reflection, "")
    return reflection, generate(reflection, stream, opts or GenOpts())


def score(q: Question, reflection, answer) -> Result:
    retrieved = [h.path for h in reflection.retrieval.hits] if reflection.retrieval else []
    paths = {s.n: s.path for s in reflection.sources}
    cited = list(dict.fromkeys(paths[n] for n in answer.cited if n in paths))
    prose_cited = list(dict.fromkeys(paths[n] for n in answer.prose_cited if n in paths))
    wanted = set(q.sources)
    recall = len(wanted & set(retrieved[:5])) / len(wanted) if wanted else None
    return Result(q.question, q.kind, q.answerable, retrieved, reflection.nothing_found, answer.text, answer.prose,
                  cited, prose_cited, answer.removed, recall,
                  rouge_l(answer.text, q.answer) if q.answerable else None,
                  rouge_l(answer.prose, q.answer) if q.answerable else None,
                  sum(1 for p in cited if p in wanted), sum(1 for p in prose_cited if p in wanted))


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

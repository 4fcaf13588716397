"""`brain eval-questions --questions FILE.jsonl`: score reflect against questions with known answers.

Prints one line per question, then recall@5, citation precision, ROUGE-L and the nothing-found
rates (see trainer/qa_eval.py for what each means). Uses the configured model and the vault's
active adapter, so running it before and after training compares base and adapter.
"""

from __future__ import annotations

import json
from pathlib import Path

from backends import BackendError
from tui.commands import add_command, fail, resolve_config

LABELS = [
    ("recall_at_5", "retrieval recall@5"),
    ("citation_precision", "citation precision (answer)"),
    ("prose_citation_precision", "citation precision (model prose only)"),
    ("answers_citing_a_source", "answers citing a right note"),
    ("rouge_l", "ROUGE-L F1 (answer)"),
    ("prose_rouge_l", "ROUGE-L F1 (model prose only)"),
    ("nothing_found_on_unanswerable", "'nothing found' on unanswerable"),
    ("nothing_found_on_answerable", "'nothing found' on answerable (false)"),
]


def register(sub) -> None:
    p = add_command(sub, "eval-questions", "score reflect answers against a JSONL file of questions",
                    run, description="Score `brain reflect` on questions with known answers.\n\n"
                    "Each line of FILE.jsonl: {\"question\": ..., \"sources\": [note paths], \"answer\": ...};\n"
                    "empty sources mark a question the notes cannot answer.\n\n"
                    "  brain eval-questions --vault ../shared/sample-vault \\\n"
                    "      --questions tests/fixtures/questions-sample-vault.jsonl")
    p.add_argument("--questions", required=True, type=Path, metavar="FILE.jsonl", help="the questions")
    p.add_argument("--dense", choices=["auto", "on", "off"], default="auto", help="embeddings beside BM25")
    p.add_argument("--max-tokens", type=int, default=160, help="answer length cap per question (default 160)")
    p.add_argument("--no-model", action="store_true", help="score retrieval and the deterministic answer only")
    p.add_argument("--out", type=Path, help="write per-question results as JSONL here")


def run(args) -> int:
    from trainer.recall.qa_eval import load_questions

    try:
        questions = load_questions(args.questions)
    except (OSError, ValueError) as exc:
        return fail(str(exc), 2)
    cfg = resolve_config(args)
    try:
        report, label = evaluate(cfg, questions, args)
    except BackendError as exc:
        return fail(str(exc))
    summary = report.summary()
    print(f"\n{label}: {summary['questions']} questions "
          f"({summary['answerable']} answerable, {summary['unanswerable']} unanswerable)")
    for key, text in LABELS:
        value = summary[key]
        print(f"  {text:<42} {'n/a' if value is None else f'{value:.2f}'}")
    print(f"  {'citation markers removed':<42} {summary['citations_removed']}")
    if args.out:
        from trainer.recall.qa_eval import to_jsonl

        args.out.write_text(to_jsonl(report) + json.dumps({"summary": summary}) + "\n", encoding="utf-8")
    return 0


def evaluate(cfg, questions, args):
    from trainer.vault.index import Index
    from trainer.paths import index_db
    from trainer.recall.qa_eval import evaluate as run_eval
    from trainer.recall.reflect import reflect_opts
    from trainer.recall.retrieve import Retriever
    from trainer.vault.scan import scan_vault

    stream, label = None, "retrieval + deterministic answer (no model)"
    if not args.no_model:
        from tui.session import ChatSession

        session = ChatSession(cfg)
        info = session.load()
        stream, label = session.stream, f"{info.model}, adapter: {info.adapter_label}"
    with Index.open(index_db(cfg.vault_path)) as index:
        scan_vault(cfg.vault_path, index)
        retriever = Retriever.open(index, args.dense)
        label += ", embeddings" if retriever.dense is not None else ", BM25 only"
        try:
            report = run_eval(index, questions, retriever, stream, reflect_opts(cfg.chat.gen_opts(), args.max_tokens),
                              cfg.chat.system_prompt, on_result=show)
        finally:
            retriever.close()
    return report, label


def show(result) -> None:
    if not result.answerable:
        mark = "ok  " if result.nothing_found else "MISS"
        print(f"{mark} unanswerable  {result.question}")
        return
    recall = "-" if result.recall_at_5 is None else f"{result.recall_at_5:.2f}"
    cites = f"{result.correct_cites}/{len(result.cited)}"
    print(f"r@5={recall} cites={cites} rougeL={result.rouge_l:.2f}  {result.question}")

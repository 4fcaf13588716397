"""`brain eval-questions --questions FILE.jsonl`: score grounded answers against known answers.

Prints one line per question, then retrieval recall@5, key-fact recall (overall and by kind),
answers with invented names or numbers, median answer length, citation precision, ROUGE-L and
the nothing-found rates (trainer/recall/qa_eval.py says what each means). "words" answers are
composed from the notes without a model; "prose" answers are written by the configured model and
checked, once with the vault's active adapter and once with the base model, side by side.
"""

from __future__ import annotations

import json
from pathlib import Path

from backends import BackendError
from tui.commands import add_command, fail, resolve_config

LABELS = [
    ("recall_at_5", "retrieval recall@5"),
    ("key_fact_recall", "key-fact recall"),
    ("key_fact_recall[why-decision]", "  why questions"),
    ("key_fact_recall[recall]", "  recall questions"),
    ("key_fact_recall[pattern]", "  pattern questions"),
    ("answers_with_invented_facts", "answers with invented names/numbers"),
    ("median_words", "median answer length (words)"),
    ("citation_precision", "citation precision (answer)"),
    ("answers_citing_a_source", "answers citing a right note"),
    ("rouge_l", "ROUGE-L F1 (answer)"),
    ("nothing_found_on_unanswerable", "'nothing found' on unanswerable"),
    ("nothing_found_on_answerable", "'nothing found' on answerable (false)"),
    ("sentences_removed", "model sentences removed (unsupported)"),
]


def register(sub) -> None:
    p = add_command(sub, "eval-questions", "score grounded answers against a JSONL file of questions",
                    run, description="Score grounded answers on questions with known answers.\n\n"
                    "Each line of FILE.jsonl: {\"question\": ..., \"sources\": [note paths], \"answer\": ...,\n"
                    "\"kind\": ..., \"facts\": [[\"alternative\", ...], ...]}; empty sources mark a question\n"
                    "the notes cannot answer.\n\n"
                    "  brain eval-questions --vault ../shared/sample-vault \\\n"
                    "      --questions tests/fixtures/questions-sample-vault.jsonl")
    p.add_argument("--questions", required=True, type=Path, metavar="FILE.jsonl", help="the questions")
    p.add_argument("--dense", choices=["auto", "on", "off"], default="auto", help="embeddings beside BM25")
    p.add_argument("--style", choices=["words", "prose"], default=None,
                   help="answer style (default: [chat] answer_style of the config)")
    p.add_argument("--max-tokens", type=int, default=160, help="answer length cap for prose (default 160)")
    p.add_argument("--no-model", action="store_true", help="same as --style words: no model is loaded")
    p.add_argument("--out", type=Path, help="write per-question results as JSONL here")


def run(args) -> int:
    from trainer.recall.qa_eval import load_questions

    try:
        questions = load_questions(args.questions)
    except (OSError, ValueError) as exc:
        return fail(str(exc), 2)
    cfg = resolve_config(args)
    style = "words" if getattr(args, "no_model", False) else (getattr(args, "style", None) or cfg.chat.answer_style)
    if style not in ("words", "prose"):
        return fail(f"answer_style should be 'words' or 'prose', not {style!r}", 2)
    try:
        columns = evaluate(cfg, questions, args, style)
    except BackendError as exc:
        return fail(str(exc))
    print_table(columns)
    if getattr(args, "out", None):
        from trainer.recall.qa_eval import to_jsonl

        report = columns[0][1]
        args.out.write_text(to_jsonl(report) + json.dumps({"summary": report.summary()}) + "\n", encoding="utf-8")
    return 0


def print_table(columns) -> None:
    first = columns[0][1].summary()
    print(f"\n{first['questions']} questions ({first['answerable']} answerable, {first['unanswerable']} unanswerable)")
    print(f"  {'':<42} " + "  ".join(f"{label:>14}" for label, _ in columns))
    summaries = [report.summary() for _, report in columns]
    for key, text in LABELS:
        if key not in first:
            continue
        cells = [s.get(key) for s in summaries]
        print(f"  {text:<42} " + "  ".join(f"{cell_text(c):>14}" for c in cells))


def cell_text(value) -> str:
    if value is None:
        return "n/a"
    return str(value) if isinstance(value, int) else f"{value:.2f}"


def evaluate(cfg, questions, args, style: str):
    """[(column label, Report)]: one column for words; adapter and base for prose."""
    from trainer.paths import index_db
    from trainer.recall.retrieve import Retriever
    from trainer.vault.index import Index
    from trainer.data.scrub_settings import index_scrub
    from trainer.vault.scan import scan_vault

    with Index.open(index_db(cfg.vault_path)) as index:
        scan_vault(cfg.vault_path, index, scrub=index_scrub(cfg.vault_path))
        retriever = Retriever.open(index, args.dense)
        search = "embeddings" if retriever.dense is not None else "BM25 only"
        try:
            if style == "words":
                print(f"my words (no model), {search}")
                return [("words", run_one(index, questions, retriever, None, None, "words"))]
            return prose_columns(cfg, index, questions, retriever, args, search)
        finally:
            retriever.close()


def prose_columns(cfg, index, questions, retriever, args, search):
    from trainer.recall.reflect import reflect_opts
    from tui.session import ChatSession

    session = ChatSession(cfg)
    info = session.load()
    opts = reflect_opts(cfg.chat.gen_opts(), args.max_tokens)
    columns = []
    if info.adapter is not None and session.backend is not None:
        print(f"prose by {info.model}, adapter {info.adapter_label}, {search}")
        columns.append(("adapter", run_one(index, questions, retriever, session.stream, opts, "prose")))
        session.backend.set_adapter(None)
    print(f"prose by {info.model}, base model, {search}")
    base = run_one(index, questions, retriever, lambda m, o: session.backend.stream(m, o), opts, "prose")
    return [("base", base)] + columns


def run_one(index, questions, retriever, stream, opts, style):
    from trainer.recall.qa_eval import evaluate as run_eval

    return run_eval(index, questions, retriever, stream, opts, style, on_result=show)


def show(result) -> None:
    if not result.answerable:
        mark = "ok  " if result.nothing_found else "MISS"
        print(f"{mark} unanswerable  {result.question}")
        return
    recall = "-" if result.recall_at_5 is None else f"{result.recall_at_5:.2f}"
    facts = f"{result.facts_found}/{result.facts_total}"
    invented = f" INVENTED {', '.join(result.invented)}" if result.invented else ""
    print(f"r@5={recall} facts={facts} words={result.words:<3} {result.question}{invented}")

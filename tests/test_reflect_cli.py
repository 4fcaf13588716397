"""`brain reflect` and `brain eval-questions` as a user runs them."""

from __future__ import annotations

import json

from reflect_support import FIXTURE_VAULT, QUESTIONS

from trainer.recall.qa_eval import lcs_length, load_questions, rouge_l
from tui.cli import main


def test_reflect_prints_the_dated_timeline_and_sources(capsys):
    assert main(["reflect", "--vault", str(FIXTURE_VAULT), "--dense", "off", "--no-answer",
                 "why did I buy a bicycle instead of a scooter?"]) == 0
    out = capsys.readouterr().out
    assert out.index("2024-05-10  Bicycle instead of a scooter [1]") < out.index("2025-02 ")
    assert "I took back the reason “Parking”" in out
    assert "[1] 2024-05-10 · Bicycle instead of a scooter — `decisions/2024-05-bike-over-scooter.md`" in out


def test_reflect_says_nothing_found_instead_of_inventing(capsys):
    assert main(["reflect", "--vault", str(FIXTURE_VAULT), "--dense", "off", "why did I buy a boat?"]) == 0
    out = capsys.readouterr().out
    assert "couldn't find anything in my notes" in out and "Answer" not in out


def test_reflect_on_notion_to_obsidian_answers_in_my_words(sample_vault, capsys):
    assert main(["reflect", "--vault", str(sample_vault), "--dense", "off", "--max-tokens", "40",
                 "why did I move from Notion to Obsidian?"]) == 0
    out = capsys.readouterr().out
    timeline, rest = out.split("\nAnswer (", 1)
    assert "2025-03-09  Moving my notes from Notion to Obsidian [1]" in timeline
    assert "2025-10     Moving my notes from Notion to Obsidian (Update 2025-10) [1]" in timeline
    assert "On 2025-10 I admitted:" in rest and "It was not one" in rest
    sources = rest.split("\nSources\n", 1)[1]
    assert "[1] 2025-03-09 · Moving my notes from Notion to Obsidian — `decisions/2025-03-notion-to-obsidian.md`" \
        in sources
    assert "journal/2025-03-14.md" in sources


def test_rouge_l_is_lcs_f1():
    assert lcs_length(list("abcbdab"), list("bdcaba")) == 4
    assert rouge_l("I chose Postgres for sums", "I chose Postgres for sums") == 1.0
    assert rouge_l("", "anything") == 0.0
    assert 0 < rouge_l("因为晚上太累了", "因为晚上我太累了") < 1


def test_question_file_has_every_kind():
    questions = load_questions(QUESTIONS)
    kinds = {q.kind for q in questions}
    assert len(questions) >= 15 and kinds == {"why-decision", "recall", "pattern", "unanswerable"}
    assert all(not q.sources for q in questions if q.kind == "unanswerable")


def test_eval_questions_prints_its_figures(sample_vault, tmp_path, capsys):
    out_file = tmp_path / "results.jsonl"
    assert main(["eval-questions", "--vault", str(sample_vault), "--questions", str(QUESTIONS),
                 "--no-model", "--dense", "off", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    for label in ("retrieval recall@5", "citation precision (answer)", "ROUGE-L F1 (answer)",
                  "'nothing found' on unanswerable"):
        assert label in out
    summary = json.loads(out_file.read_text().splitlines()[-1])["summary"]
    assert summary["nothing_found_on_unanswerable"] == 1.0
    assert summary["recall_at_5"] >= 0.7


def test_eval_questions_rejects_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"question": "ok", "sources": []}\nnot json\n')
    assert main(["eval-questions", "--vault", str(FIXTURE_VAULT), "--questions", str(bad), "--no-model"]) == 2
    assert "q.jsonl:2" in capsys.readouterr().err

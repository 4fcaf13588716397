"""Grounded answers from the user's own sentences (issue 16): dated, cited, never invented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backends.base import GenOpts, Message
from trainer.recall.answer import ProseCheck, answer
from trainer.recall.qa_eval import vault_text
from trainer.recall.retrieve import Retriever
from trainer.recall.support import supported, unknown_facts
from trainer.vault.index import Index
from trainer.vault.scan import scan_vault

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VAULT = FIXTURES / "answer-vault"
DEMO = Path(__file__).resolve().parents[1] / "tui" / "demo-vault"


def open_index(vault: Path, tmp_path: Path):
    index = Index.open(tmp_path / f"{vault.name}.db")
    scan_vault(vault, index)
    return index


@pytest.fixture
def vault(tmp_path):
    index = open_index(VAULT, tmp_path)
    retriever = Retriever(index)  # BM25 only: the words answer must not need embeddings
    yield index, retriever
    retriever.close()
    index.close()


def no_model(messages, opts):
    raise AssertionError("the words style must never call the model")


def ask(vault, question, **kw):
    index, retriever = vault
    return answer(index, question, retriever=retriever, stream=no_model, **kw)


def test_why_answer_quotes_my_reasons_dated_and_cited(vault):
    got = ask(vault, "Why did I sell the van?")
    assert not got.nothing_found and got.style == "words"
    assert "On 2025-06-20 I wrote:" in got.text
    for fact in ("€170 a month", "nine times since January", "3 km", "revisit"):
        assert fact in got.text
    numbers = {s.number: s.path for s in got.sources}
    assert numbers[got.cited[0]] == "decisions/2025-06-20-sell-the-van.md"
    assert "I wanted the space in the yard for the workshop" in got.text  # the real reason, said after "not the real reason"


def test_a_note_that_drops_the_i_is_quoted_in_the_first_person():
    from trainer.recall.compose import first_person

    assert first_person("Decided to sell the old Transit and buy a cargo bike instead.", "en").startswith(
        "I decided to sell the old Transit")
    assert first_person("Decidi vender a carrinha.", "pt") == "Decidi vender a carrinha."


def test_a_later_note_taking_a_reason_back_is_said_with_its_date(vault):
    got = ask(vault, "Why did I sell the van?")
    admitted = re.search(r"On 2025-06-27 I admitted: .*not the real reason\. I wanted the space .* \[(\d)\]", got.text)
    assert admitted, got.text
    source = next(s for s in got.sources if s.number == int(admitted.group(1)))
    assert source.path == "journal/2025-06-27.md" and source.date == "2025-06-27"
    assert got.text.index("2025-06-20") < got.text.index("2025-06-27")  # date order


def test_every_name_and_number_comes_from_a_note(vault):
    index, _ = vault
    corpus = vault_text(index)
    for question in ("Why did I sell the van?", "What mistake do I keep making with big jobs?",
                     "Por que escolhi o Banco Azul?", "我为什么决定学水彩画？"):
        got = ask(vault, question)
        assert not got.nothing_found, question
        assert unknown_facts(re.sub(r"\[\d+\]", "", got.text), corpus) == set(), got.text


def test_connecting_words_follow_the_questions_language(vault):
    pt = ask(vault, "Por que escolhi o Banco Azul?")
    assert pt.language == "pt" and pt.text.startswith("Em 2025-04-10 escrevi:")
    assert "9 euros por mês" in pt.text
    zh = ask(vault, "我为什么决定学水彩画？")
    assert zh.language == "zh" and zh.text.startswith("2025-05-01，我写道：")
    assert "因为工作日太忙了" in zh.text and "[1]" in zh.text


def test_nothing_found_is_said_not_invented_in_the_questions_language(vault):
    for question, words in (("Why did I buy a boat?", "couldn't find anything"),
                            ("Por que comprei um barco?", "Não encontrei nada"),
                            ("我为什么决定搬到上海？", "没有找到")):
        got = ask(vault, question)
        assert got.nothing_found and got.sources == [] and words in got.text, question


def test_pattern_question_cites_at_least_two_notes(vault):
    got = ask(vault, "What mistake do I keep making with big jobs?")
    paths = {s.path for s in got.sources if s.number in got.cited}
    assert got.pattern and {"journal/2024-09-14.md", "journal/2025-03-02.md"} <= paths
    assert "more than one note" in got.text or "across these notes" in got.text


def test_answers_are_short_unless_asked_for_more(vault):
    short = ask(vault, "Why did I sell the van?")
    long = ask(vault, "Why did I sell the van?", long=True)
    assert len(short.text.split()) <= 140
    assert len(long.text) >= len(short.text)


def test_on_text_receives_the_answer(vault):
    shown: list[str] = []
    got = ask(vault, "Why did I sell the van?", on_text=shown.append)
    assert "".join(shown) == got.text


def test_a_follow_up_without_a_subject_is_searched_with_the_last_question(vault):
    history = [Message("user", "Why did I sell the van?"), Message("assistant", "…")]
    got = ask(vault, "and the real reason?", history=history)
    assert "€170 a month" in got.text


def test_a_question_that_names_someone_is_not_searched_with_the_last_one(tmp_path):
    """In the TUI, "Who is Jonas and how do I know him?" after "Why did I sell the car?" got the
    car's answer again: "Jonas" is one subject word, and one was taken for a follow-up's."""
    index = open_index(DEMO, tmp_path)
    retriever = Retriever(index)
    try:
        history = [Message("user", "Why did I sell the car?"), Message("assistant", "…")]
        got = answer(index, "Who is Jonas and how do I know him?", retriever=retriever, history=history)
        assert "people/jonas.md" in {s.path for s in got.cited_sources()}, got.text
        assert "cargo bike" not in got.text, got.text
    finally:
        retriever.close()
        index.close()


def test_who_someone_is_is_told_beside_the_birthday_asked_in_the_same_breath(tmp_path):
    """"Who is Jonas and how do I know him? When is his birthday exactly?" (the demo, typed in the
    TUI): the birthday line was lifted as the asked fact, and every other line of his note fell
    under the share of it a sentence needs, so the answer said his birthday and not who he is."""
    index = open_index(DEMO, tmp_path)
    try:
        got = answer(index, "Who is Jonas and how do I know him? When is his birthday exactly?",
                     retriever=Retriever(index))
    finally:
        index.close()
    assert "September" in got.text and "Neighbour on the fourth floor" in got.text, got.text


def test_bad_style_is_refused_clearly(vault):
    with pytest.raises(ValueError, match="'words' or 'prose'"):
        ask(vault, "Why did I sell the van?", style="poetry")
    index, retriever = vault
    with pytest.raises(ValueError, match="needs a model"):
        answer(index, "Why did I sell the van?", retriever=retriever, style="prose")


def test_demo_vault_sell_the_car_gives_my_reasons(tmp_path):
    index = open_index(DEMO, tmp_path)
    try:
        got = answer(index, "Why did I sell the car?", retriever=Retriever(index))
    finally:
        index.close()
    for fact in ("eleven times since January", "€190 a month", "compost", "revisit"):
        assert fact in got.text, got.text
    assert "On 2025-06-20 I wrote:" in got.text and "Maverick" not in got.text


# --- prose: the model writes, the checker keeps what the excerpts support ---------------------


def test_support_check_needs_the_names_and_numbers_of_the_excerpt():
    excerpt = "Insurance, tax and parking come to about €170 a month. I drove it nine times since January."
    assert supported("Insurance and parking came to about €170 a month.", excerpt)
    assert not supported("Insurance came to about €250 a month.", excerpt)
    assert not supported("I sold it to Jack in Barcelona.", excerpt)
    assert unknown_facts("I moved to Barcelona in 2019.", excerpt) == {"Barcelona", "2019"}


def test_a_possessive_name_is_supported_by_the_name_in_a_link():
    excerpt = "it was about [[Derek]]'s Tahoe."
    assert unknown_facts("it was about Derek's Tahoe.", excerpt) == set()
    assert unknown_facts("it was about Dana's Tahoe.", excerpt) == {"Dana"}


def test_prose_check_removes_and_counts_unsupported_sentences():
    check = ProseCheck({1: "I drove it nine times since January. Parking comes to about €170 a month.",
                        2: "The insurance and parking money was not the real reason."})
    text = ("I drove it nine times since January [1]. I sold it to Jack for 5,000 euros [1]. "
            "The parking money was not the real reason. A fishing boat called Maverick waited [2].")
    kept = list(check.feed(text)) + list(check.flush())
    assert kept == ["I drove it nine times since January [1].",
                    "The parking money was not the real reason [2]"] or kept[0].endswith("[1].")
    assert check.removed == 2
    assert not any("Jack" in k or "Maverick" in k for k in kept)


def test_prose_style_with_a_scripted_model(vault):
    def model(messages, opts):
        assert "Excerpts from my notes" in messages[-1].content and "€170" in messages[-1].content
        yield "Insurance and parking came to about €170 a month [1]. "
        yield "I also wanted to sail to Ibiza with 12 friends [1]."

    index, retriever = vault
    shown: list[str] = []
    got = answer(index, "Why did I sell the van?", retriever=retriever, style="prose", stream=model,
                 on_text=shown.append)
    assert got.style == "prose" and got.removed == 1
    assert "€170" in got.text and "Ibiza" not in got.text and "Ibiza" not in "".join(shown)
    assert "On 2025-06-27 I admitted" in got.text  # the change is never left to the model


def test_prose_falls_back_to_my_words_when_nothing_stands(vault):
    index, retriever = vault
    got = answer(index, "Why did I sell the van?", retriever=retriever, style="prose",
                 stream=lambda m, o: iter(["A boat named Maverick's Revenge and my friend Jack [1]."]))
    assert got.removed == 1 and "€170 a month" in got.text and "Maverick" not in got.text


@pytest.mark.slow
def test_prose_style_with_the_real_bundled_model(vault):
    """The bundled 135M model through llama.cpp: whatever it writes, no invented fact survives."""
    from backends import get_backend, resolve_model

    index, retriever = vault
    backend = get_backend("llamacpp", n_threads=2, n_ctx=2048)
    backend.load(resolve_model("default"))
    try:
        got = answer(index, "Why did I sell the van?", retriever=retriever, style="prose",
                     stream=backend.stream, opts=GenOpts(temperature=0.0, max_tokens=120, seed=1))
    finally:
        backend.close()
    assert got.style == "prose" and not got.nothing_found and got.cited
    assert unknown_facts(re.sub(r"\[\d+\]", "", got.text), vault_text(index)) == set(), got.text



def test_prose_too_short_to_answer_gets_my_words_after_it(vault):
    index, retriever = vault
    got = answer(index, "Why did I sell the van?", retriever=retriever, style="prose",
                 stream=lambda m, o: iter(["I drove it nine times since January [1]."]))
    first, rest = got.text.split("\n\n", 1)
    assert first == "I drove it nine times since January [1]." and got.removed == 0
    assert "€170 a month" in rest and "On 2025-06-20 I wrote:" in rest


def test_a_pattern_question_about_decisions_sets_stated_against_later_reasons(vault):
    got = ask(vault, "How do I time big decisions?")
    cited = {s.path for s in got.sources if s.number in got.cited}
    assert got.pattern and not got.nothing_found
    assert {"decisions/2024-11-02-cheap-drill.md", "journal/2025-06-27.md"} <= cited  # two decisions' later words
    assert "On 2025-05 I admitted: The second reason was wrong" in got.text and "(“Rare use”)" in got.text
    assert "On 2025-06-27 I admitted:" in got.text


def test_eval_questions_prints_key_facts_invented_and_length(tmp_path, capsys):
    from tui.cli import main

    out_file = tmp_path / "results.jsonl"
    assert main(["eval-questions", "--vault", str(VAULT), "--questions", str(FIXTURES / "questions-answer-vault.jsonl"),
                 "--dense", "off", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "facts=3/4" in out  # "Caravan" is in no note: the one fact group it cannot have
    summary = json.loads(out_file.read_text().splitlines()[-1])["summary"]
    assert summary["key_fact_recall"] == (3 / 4 + 1) / 2
    assert summary["answers_with_invented_facts"] == 0 and summary["nothing_found_on_unanswerable"] == 1.0
    assert 0 < summary["median_words"] <= 120
    for label in ("key-fact recall", "answers with invented names/numbers", "median answer length (words)"):
        assert label in out


def test_invented_facts_are_counted(vault):
    from trainer.recall.answer import GroundedAnswer
    from trainer.recall.qa_eval import Question, score

    index, _ = vault
    made_up = GroundedAnswer("I sold the van to Jack in Barcelona for 4,000 euros [1].", [], False)
    result = score(Question("Why did I sell the van?", ("decisions/2025-06-20-sell-the-van.md",), ""),
                   made_up, [], vault_text(index))
    assert result.invented == ["4000", "Barcelona", "Jack"]


def test_a_name_glued_to_chinese_is_the_name_alone():
    """"[[Grace]]晚上发微信" is quoted as "Grace晚上发微信": the check read "Grace晚上发微信" as one
    name that no note holds (seen on a blind vault), and it still catches a made-up name there."""
    from trainer.recall.support import unknown_facts

    note = "[[Grace]]晚上发微信：辛苦了，明年可能还有一轮，先别声张。"
    assert unknown_facts("我写道：Grace晚上发微信：辛苦了。", note) == set()
    assert unknown_facts("我写道：Lucas晚上发微信：辛苦了。", note) == {"Lucas"}


def test_a_date_read_from_a_heading_is_no_invented_number(tmp_path):
    """"## 8 Jan 2025" dates the note 2025-01-08, and the answer says "On 2025-01-08 I wrote:": the
    eval counted "08" as a number no note holds (seen on a blind vault)."""
    from reflect_support import bm25_over

    from trainer.recall.qa_eval import Question, score

    notes = {"decisions/drop-course.md": "# Course: stop\n\n## 8 Jan 2025\n\nI stopped the evening course because "
             "the twenty hours a week were eating every weekend.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "Why did I stop the evening course?", retriever=retriever)
        assert "2025-01-08" in got.text
        result = score(Question("Why did I stop the evening course?", ("decisions/drop-course.md",), ""),
                       got, [], vault_text(index))
        assert result.invented == []


def test_an_answer_gathered_from_many_notes_stays_short(tmp_path):
    """Each note adds its "On … I wrote:"; the weakest sentences go until the answer is about the
    default length again (a pattern still cites two notes or more)."""
    from reflect_support import bm25_over

    from trainer.recall.answer import WORDS
    from trainer.recall.compose import FIT_SLACK, count_words

    notes = {f"journal/2025-0{m}-1{d}.md": f"# 2025-0{m}-1{d}\n\nSpent too much on takeaway again, about €{20 + m + d} "
             f"this week, because I got home late from the workshop and could not face the cooking at all.\n"
             for m in range(1, 7) for d in range(2)}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "What mistake do I keep making with money and takeaway?", retriever=retriever)
        assert got.pattern and len(set(got.cited)) >= 2
        assert count_words(got.text) <= WORDS + FIT_SLACK, got.text


def test_why_answers_quote_the_reasons_not_the_merits_of_an_option_not_taken(tmp_path):
    from reflect_support import bm25_over

    note = """---
date: 2024-06-03
---
# Leaving Ferrol Labs

Decided on 2024-06-03: accept the offer from Quayside and leave Ferrol Labs after two years.

## Options

- **Stay at Ferrol.** Six people, kind founders, the work is mine.
- **Quayside.** A real data team of eight, routing problems, an office by the river.
- **The remote offer from Brightwater.** More money than Quayside. Fraud models.

## The reasons

1. I had been the only data person for a year and a half. Nobody reviewed my work.
2. The runway was eight months.
3. The salary is 30% higher.
"""
    for index, retriever in bm25_over({"decisions/2024-06-leaving.md": note}, tmp_path):
        got = answer(index, "Why did I leave Ferrol Labs for Quayside?", retriever=retriever)
        assert "nobody reviewed my work" in got.text.lower() and "30%" in got.text, got.text
        assert "More money than Quayside" not in got.text, got.text



def test_a_question_with_a_subject_of_its_own_is_not_searched_with_the_last_one(tmp_path):
    """In the TUI, "Why did I leave the startup?" after "what's Rohan's number again?" said nothing
    found: one subject word ("startup") was taken for a follow-up's, and the two questions were
    searched as one. A follow-up leans on the last question in words ("and", "it", "that")."""
    from reflect_support import bm25_over

    notes = {"decisions/2024-06-leaving-the-startup.md": "---\ndate: 2024-06-03\n---\n# Leaving Kettle AI\n\n"
                                                         "Decided to leave Kettle AI. Nobody reviewed my code.\n",
             "people/rohan.md": "# Rohan\n\nSponsor contact for the meetup. Wants the slot in March.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        history = [Message("user", "when does Rohan want the slot?"), Message("assistant", "…")]
        got = answer(index, "Why did I leave the startup?", retriever=retriever, history=history)
        assert "Nobody reviewed my code" in got.text, got.text
        followed = answer(index, "and what does he sponsor?", retriever=retriever, history=history)
        assert "meetup" in followed.text, followed.text


def test_a_first_day_is_told_by_the_start(tmp_path):
    """"When was my first day at Brightwater?" (answer-vault-188) is told by "Start 2023-01-09" in the
    decision to take the job; "First YE close at Brightwater done" holds the word "first" and no start."""
    from reflect_support import bm25_over

    notes = {"Decisions/2022-11-14 Leaving Harlow.md": "---\ndate: 2022-11-14\n---\n# Leaving Harlow for Brightwater\n\n"
                                                       "Taking the Controller job at Brightwater Foods. Told her yes "
                                                       "today. Start 2023-01-09.\n\n"
                                                       "- commute: get back ~1.5 hrs a day\n",
             "Journal/2023-03-03.md": "---\ndate: 2023-03-03\n---\nFirst YE close at Brightwater done. Auditors out "
                                      "the door today. First time I left before 7.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "When was my first day at Brightwater?", retriever=retriever)
        assert "2023-01-09" in got.text, got.text

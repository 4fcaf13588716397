"""Reflect: grounded prompt, checked citations, what changed, pattern answers, nothing found."""

from __future__ import annotations

import pytest
from reflect_support import FIXTURE_VAULT, indexed

from backends import GenOpts, Message
from trainer.recall.reflect import (
    NOTHING_FOUND,
    CitationCheck,
    EchoFilter,
    finish,
    generate,
    grounded_messages,
    reflect,
    reflect_opts,
    tidy,
)


@pytest.fixture
def index(tmp_path):
    index = indexed(FIXTURE_VAULT, tmp_path)
    yield index
    index.close()


def scripted(*chunks: str):
    """A stand-in model that streams fixed text (UI-free mechanics; real-model tests below)."""
    def stream(messages, opts):
        yield from chunks
    return stream


def test_citations_to_unknown_notes_are_removed_and_counted():
    check = CitationCheck([1, 2])
    text = check.check("I chose it for cost [1]. Parking mattered too [7]. Both [2, 9].")
    assert text == "I chose it for cost [1]. Parking mattered too. Both [2]."
    assert check.removed == 2 and check.cited == [1, 2]


def test_citation_split_across_chunks_is_still_checked():
    check = CitationCheck([1])
    shown = "".join(check.feed(part) for part in ["Cost mattered [", "1", "] and more [", "3]", "."])
    shown += check.flush()
    assert shown == "Cost mattered [1] and more." and check.removed == 1


def test_recited_instructions_are_dropped_but_quotes_from_notes_kept():
    echo = EchoFilter("After each sentence put the number of the excerpt it comes from in brackets, like [1] or [2].")
    out = echo.feed("After each sentence put the number of the excerpt in brackets, like [1] or [2]. ")
    out += echo.feed("A scooter costs four times as much [1].") + echo.flush()
    assert out == "A scooter costs four times as much [1]." and echo.dropped == 1


def test_prompt_numbers_dated_excerpts_and_asks_for_first_person(index):
    r = reflect(index, "why did I buy a bicycle instead of a scooter?")
    assert r.sources[0].path == "decisions/2024-05-bike-over-scooter.md"
    system, user = r.messages
    assert "first person" in system.content
    assert "[1] 2024-05-10 · Bicycle instead of a scooter" in user.content
    assert "Question: why did I buy a bicycle instead of a scooter?" in user.content


def test_changed_reasons_are_stated_with_their_date_whatever_the_model_writes(index):
    r = reflect(index, "why did I buy a bicycle instead of a scooter?")
    answer = generate(r, scripted("I liked bikes."), GenOpts())
    assert "**What changed:**" in answer.appendix
    assert "2025-02: I took back the reason “Parking”" in answer.appendix
    assert "2025-03-02: I reversed the decision" in answer.appendix
    assert [e.date for e in r.timeline] == sorted(e.date for e in r.timeline)


def test_nothing_found_answers_without_calling_the_model(index):
    def no_model(messages, opts):
        raise AssertionError("the model must not be called when nothing was found")

    r = reflect(index, "why did I buy a motorbike?")
    answer = generate(r, no_model, GenOpts())
    assert r.nothing_found and r.messages == []
    assert answer.nothing_found and answer.text == NOTHING_FOUND and answer.cited == []


def test_pattern_question_cites_at_least_two_notes(index):
    r = reflect(index, "what do I keep choosing for the commute?")
    assert r.pattern
    answer = finish(r, "I keep going with the cheap option [1].")
    assert len({r.source(n).path for n in answer.cited}) >= 2


def test_grounded_chat_messages_carry_excerpts_only_when_relevant(index):
    history = [Message("user", "hi"), Message("assistant", "hello")]
    messages, sources = grounded_messages(index, "why the bicycle and not a scooter?", history, "Be brief.")
    assert messages[0].role == "system" and "Be brief." in messages[0].content
    assert "[1] 2024-05-10 · Bicycle instead of a scooter" in messages[0].content
    assert messages[1:3] == history and messages[-1] == Message("user", "why the bicycle and not a scooter?")
    assert sources[0].path == "decisions/2024-05-bike-over-scooter.md"
    messages, sources = grounded_messages(index, "what is the capital of Peru?", history)
    assert sources == [] and "Nothing in my notes matches" in messages[0].content


@pytest.mark.slow
def test_real_model_answer_keeps_only_valid_citations(index):
    from tui.config import Config
    from tui.session import ChatSession

    session = ChatSession(Config())
    session.load()
    r = reflect(index, "why did I buy a bicycle instead of a scooter?")
    shown: list[str] = []
    answer = generate(r, session.stream, reflect_opts(GenOpts(), max_tokens=48), on_text=shown.append)
    assert tidy("".join(shown)) == answer.prose  # what streamed is what was checked
    valid = {s.n for s in r.sources}
    assert set(answer.cited) <= valid and answer.cited  # the appendix always stands on a note
    assert "2025-02: I took back the reason “Parking”" in answer.text

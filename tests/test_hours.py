""""What time of day do my big decisions get made?" is answered by the hours I settled things at,
in notes that share no word with the question (`trainer.recall.hours`)."""

from __future__ import annotations

from reflect_support import bm25_over, dated_notes

from trainer.recall.answer import answer
from trainer.recall.compose import cite, recurring_line, Piece
from trainer.recall.shapes import asked, shaped_notes

FILLER = dated_notes("Big decisions about the garden and the time of day the light is best for it")
"""Notes that share the question's words ("big decisions", "time of day") and hold no hour."""
NOTES = {
    **FILLER,
    "journal/2025-02-11.md": "---\ndate: 2025-02-11\n---\n# Tuesday\n\nCouldn't sleep. Half past midnight last night "
                             "I WhatsApped Dewald: \"Ma and I will do it.\" No going back.\n",
    "work/hme.md": "---\ndate: 2025-03-02\n---\n# HME review\n\nReplied to Thabo at 00:40 — \"OK, I'm in, two days a "
                   "week.\" Had been going back and forth all evening.\n",
    "journal/2024-09-06.md": "---\ndate: 2024-09-06\n---\n# Clinic\n\nThe monitoring scans are at 8am on weekdays.\n",
}


def test_an_hour_is_asked_in_chinese_as_a_time_or_a_stretch_of_the_day():
    assert asked("我拍板大事一般都是在什么时间段？").via == "hour"
    assert asked("我做大决定通常系一日边个时间？").via == "hour"
    assert asked("我啲大決定通常喺咩時候拍板？").via == "hour"  # Cantonese: "at what time"


def test_the_notes_that_hold_an_hour_i_acted_at(tmp_path):
    for index, _ in bm25_over(NOTES, tmp_path):
        found = {n.path for n in shaped_notes(index, asked("what time of day do I make big calls?"))}
    assert found == {"journal/2025-02-11.md", "work/hme.md"}  # not the scans at 8am: nothing I settled


def test_an_hour_question_quotes_the_hours_from_notes_it_shares_no_word_with(tmp_path):
    for index, retriever in bm25_over(NOTES, tmp_path):
        got = answer(index, "what time of day do my big decisions actually get made?", retriever=retriever)
    assert not got.nothing_found
    assert "Half past midnight" in got.text and "00:40" in got.text, got.text


def test_an_abbreviation_keeps_its_dot_beside_the_citation():
    assert cite("Did the withdrawal request online at 12:40 a.m.", 3) == "Did the withdrawal request online at 12:40 a.m. [3]"
    assert cite("Sold it in May.", 2) == "Sold it in May [2]."


def test_half_an_hour_is_no_word_that_recurs():
    pieces = [Piece("I signed the offer at 1.47am.", 1, "2025-05-02", 0), Piece("I signed at 1.47am again.", 2,
                                                                                    "2025-05-03", 0)]
    line = recurring_line(pieces, "en")
    assert "47am" not in line and "signed" in line, line


def test_a_contraction_is_no_word_that_recurs():
    """"What comes back across these notes: “it's”." said nothing; "Papa's" is Papa."""
    pieces = [Piece("Writing this at 12:50am because it's on Papa's mind.", 1, "2024-07-02", 0),
              Piece("It's 12:40am and Papa's asleep.", 2, "2025-06-22", 0)]
    line = recurring_line(pieces, "en")
    assert "it's" not in line.lower() and "“Papa”" in line, line


def test_an_hour_is_written_loosely_too():
    """"Às 2 e tal", "já passava das duas", "gone 2", "twenty to one", "half 12" are hours; "gone 3
    weeks" and "half 2 days" are not."""
    from trainer.recall.hours import CLOCK
    for said in ("Às 2 e tal mandei a mensagem.", "já passava das duas quando assinei", "Sent it, gone 2.",
                 "twenty to one and I signed", "Rang her at half 12.", "Decided half eleven."):
        assert CLOCK.search(said), said
    for said in ("It's gone 3 weeks since.", "half 2 days of work"):
        assert not CLOCK.search(said), said


def test_whether_my_decisions_are_made_at_night_asks_the_hours(tmp_path):
    """"be like say I dey make all my big decisions for night. true?" and "我是不是做大决定都在半夜"
    ask the hours I settled things at, as "what time of day…?" does (they were read as questions
    about sleep, and about nothing in particular); "how do I sleep at night when work is bad?" is
    still about sleep."""
    assert asked("be like say I dey make all my big decisions for night. true?").via == "hour"
    assert asked("我是不是做大决定都在半夜").via == "hour"
    assert asked("how do I sleep at night when work is bad?").via == "strain"
    for index, retriever in bm25_over(NOTES, tmp_path):
        got = answer(index, "do I make all my big decisions late at night?", retriever=retriever)
    assert "Half past midnight" in got.text and "00:40" in got.text, got.text


def decision(day: str, title: str, text: str) -> dict[str, str]:
    return {f"decisions/{title}.md": f"---\ndate: {day}\ntype: decision\n---\n# {title}\n\n{text}\n"}


DECISIONS = {
    **FILLER,
    **decision("2024-03-02", "Kiln", "Decided on the second-hand kiln. Reasons: it fits the garage, and Barb is moving "
               "away. Venmo'd Barb the $500 deposit at 2:15 in the morning."),
    **decision("2024-06-10", "Duplex", "Decided to buy the duplex on Grandview. Reasons: rent from the other half. "
               "I decided after the second viewing. Signed the DocuSign at 12:50 a.m."),
    **decision("2024-09-14", "Van", "Decided to sell the van. Reasons: the market stall pays for itself without it. "
               "I decided it over coffee with Lena."),
    **decision("2025-01-20", "Stall", "Decided to drop the Sunday market. Reasons: Sundays are the one day off. "
               "I decided on the drive home."),
    **decision("2025-04-02", "Coaching", "Decided to stop coaching. Reasons: the Tuesday nights. I decided in the car park."),
    **{path: text for day, name in (("2025-05-01", "Allotment"), ("2025-06-01", "Piano"), ("2025-07-01", "Loft"))
       for path, text in decision(day, name, f"Committing to the {name.lower()}, the big stuff of the year. "
                                             "Reasons: I usually end up wanting it.").items()},
}


def test_every_decision_note_found_tells_its_hour_with_no_act_word_beside_it(tmp_path):
    """"Venmo'd Barb the $500 deposit at 2:15 in the morning" is in a decision's own note: the hour
    is when I settled it, whether or not that decision is one the answer tells as a story."""
    for index, retriever in bm25_over(DECISIONS, tmp_path):
        got = answer(index, "what time of day do I usually end up committing to the big stuff?", retriever=retriever)
    assert "2:15 in the morning" in got.text and "12:50 a.m." in got.text, got.text


def test_a_shift_workers_hours_have_no_colon():
    """"0340 on a Thursday", "Got off nights at 0700", "2130 hrs": a nurse's or a medic's hours, read
    as hours; a year ("in 2024") or a distance ("0500 km") is not one. And "我是不是做大决定都在半夜"
    asks what recurs."""
    from trainer.recall.hours import CLOCK
    from trainer.recall.reflect import is_pattern_question

    for said in ("0340 on a Thursday, signed it", "Got off nights at 0700", "Handover done, 2130 hrs"):
        assert CLOCK.search(said), said
    for said in ("Moved in 2024 with Sam.", "Odometer 0500 km"):
        assert not CLOCK.search(said), said
    assert is_pattern_question("我是不是做大决定都在半夜") and not is_pattern_question("我是不是很喜欢他？")

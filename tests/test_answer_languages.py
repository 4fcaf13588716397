"""Answers across languages and notes: accented words, Portuguese notes and questions, a question in
one language over notes in the other, "who is X?", and pattern questions gathered across notes.

Each test writes its own small vault (English and Portuguese, the way a person writes notes), so
the behaviour is checked apart from the evaluation fixtures.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reflect_support import answered, bm25_in, bm25_over, decision_story

from trainer.recall.answer import answer
from trainer.recall.reflect import is_pattern_question
from trainer.recall.support import unknown_facts
from trainer.recall.terms import terms
from trainer.recall.qa_eval import vault_text

DEMO = Path(__file__).resolve().parents[1] / "tui" / "demo-vault"

NOTES = {
    "decisions/2024-09-15-sair-de-lisboa.md": """---
type: decision
date: 2024-09-15
tags: [decisão]
---
# Sair de Lisboa

Decidi sair de Lisboa e mudar-me para Coimbra.

## Porquê
- A renda em Lisboa subiu para 1.150 € em julho.
- Trabalho remoto desde 2023.
- Fico perto da Beatriz.

## Atualização 2025-03
Escrevi que era pela renda. Não era bem isso: gastei mais em obras do que poupei. A verdadeira razão era estar perto da Beatriz, e essa continua a valer.
""",
    "people/beatriz.md": """---
tags: [pessoa]
---
# Beatriz

A minha irmã mais nova. Professora de música em Coimbra.

- Toca violoncelo na orquestra da cidade.
- Ligo-lhe antes de qualquer decisão grande.
""",
    "journal/2025-01-10.md": """---
date: 2025-01-10
---
# Friday

Lunch with Beatriz at the market. She wants to move to Porto next year.
""",
    "projects/exam.md": """# Exam

Passed the TOEFL in March: 104 out of 120. Speaking was the weak part.
""",
    "lessons/money.md": """---
tags: [lesson, money]
---
# What I got wrong with money

- Accepted the first quote for the roof without asking for a second one.
- Paid the annual gym fee in January and stopped going in March.
""",
    "journal/2025-06-08.md": """---
date: 2025-06-08
---
# Sunday

Accepted the first quote for the bathroom again, without a second one. The same mistake as the roof.
""",
    "journal/2025-07-01.md": """---
date: 2025-07-01
---
# Tuesday

Rained again all day. Read two chapters of the novel on the sofa.
""",
    "decisions/2025-08-22-parar-a-guitarra.md": """---
date: 2025-08-22
tags: [decisão]
---
# Parar as aulas de guitarra

Decidi parar as aulas de guitarra depois das férias.

Razões:
- Custam 45 € por mês e eu não praticava.
- As terças à noite agora são do coro.
""",
}


@pytest.fixture
def vault(tmp_path):
    yield from bm25_over(NOTES, tmp_path)


def ask(vault, question):
    index, retriever = vault
    return answer(index, question, retriever=retriever)


def cited_paths(got) -> list[str]:
    numbers = {s.number: s.path for s in got.sources}
    return [numbers[n] for n in got.cited]


FIXTURES = Path(__file__).parent / "fixtures"


def test_accented_words_are_whole_terms_typed_with_or_without_accents():
    assert terms("A Inês disse") == terms("a Ines disse") and len(terms("Inês")) == 1
    assert terms("o orçamento") == ["orcamento"]


def test_a_name_typed_without_its_accent_finds_the_note(vault):
    got = ask(vault, "Quem é a Beatriz?")
    assert not got.nothing_found and cited_paths(got)[0] == "people/beatriz.md"
    got = ask(vault, "Porque e que sai de Lisboa?")  # no accents at all
    assert not got.nothing_found and "1.150 €" in got.text


def test_a_portuguese_decision_gives_its_reasons_and_the_later_revision_in_portuguese(vault):
    got = ask(vault, "Porque é que saí de Lisboa?")
    assert got.language == "pt" and got.text.startswith("Em 2024-09-15 escrevi:")
    assert "1.150 €" in got.text and "remoto" in got.text
    assert "Em 2025-03" in got.text and "A verdadeira razão era estar perto da Beatriz" in got.text
    index, _ = vault
    story = decision_story(index, "decisions/2024-09-15-sair-de-lisboa.md")
    assert [r.n for r in story.reasons] == [1, 2, 3]
    assert any(e.kind == "confirmed" and e.date == "2025-03" and e.reason == "Fico perto da Beatriz"
               for e in story.events)  # "a verdadeira razão … continua a valer" ties to the third reason


def test_a_reasons_label_over_a_list_is_read_as_the_reasons(vault):
    index, _ = vault
    story = decision_story(index, "decisions/2025-08-22-parar-a-guitarra.md")
    assert story is not None and len(story.reasons) == 2 and "45 €" in story.reasons[0].text
    got = ask(vault, "Porque é que parei as aulas de guitarra?")
    assert "45 €" in got.text and "coro" in got.text


def test_an_english_question_over_portuguese_notes_by_everyday_words_and_names(vault):
    got = ask(vault, "Who is Beatriz?")
    assert not got.nothing_found and "irmã" in got.text
    got = ask(vault, "Why did I leave Lisboa?")
    assert not got.nothing_found and "1.150 €" in got.text


def test_a_portuguese_question_over_an_english_note_holding_its_names(vault):
    got = ask(vault, "Qual foi a minha nota no TOEFL?")
    assert not got.nothing_found and "104 out of 120" in got.text
    assert ask(vault, "Por que decidi comprar uma mota?").nothing_found  # no name, no such note


def test_who_is_answers_lead_with_the_persons_own_note(vault):
    got = ask(vault, "Who is Beatriz?")
    first = got.text.split("\n\n")[0]
    assert cited_paths(got)[0] == "people/beatriz.md" and "irmã mais nova" in first
    assert got.text.index("irmã mais nova") < got.text.index("Lunch with Beatriz")


def test_demo_vault_jonas_answer_starts_with_the_jonas_note(tmp_path):
    got = answered(DEMO, "Who is Jonas and how do I know him?", tmp_path)
    first = got.text.split("\n\n")[0]
    assert "ship's engineer" in first and "[1]" in first
    assert {s.number: s.path for s in got.sources}[got.cited[0]] == "people/jonas.md"


def test_a_pattern_answer_cites_two_notes_and_names_what_recurs(vault):
    got = ask(vault, "What mistake do I keep making with money?")
    paths = cited_paths(got)
    assert got.pattern and {"lessons/money.md", "journal/2025-06-08.md"} <= set(paths)
    assert "journal/2025-07-01.md" not in paths  # "again" about the rain is not the pattern
    assert got.text.startswith("What comes back across these notes:") and "“first”" in got.text
    index, _ = vault
    assert unknown_facts(re.sub(r"\[\d+\]", "", got.text), vault_text(index)) == set()


def test_why_questions_about_one_thing_are_not_pattern_questions():
    assert not is_pattern_question("Why did I stop my guitar lessons?")
    assert not is_pattern_question("Porque é que deixei as aulas?")
    assert is_pattern_question("What have I learned about talking to users?")
    assert is_pattern_question("Que erro volto sempre a cometer?")


def test_other_ways_of_asking_why_in_portuguese_get_the_reasons(vault):
    got = ask(vault, "Qual foi o motivo para sair de Lisboa?")
    assert got.language == "pt" and not got.pattern and "1.150 €" in got.text and "remoto" in got.text
    assert is_pattern_question("Há algum padrão nas minhas decisões?")


def test_meaning_alone_does_not_answer_a_portuguese_question(vault):
    """The bundled embedding model reads English; two Portuguese texts look close to it whatever
    they say, so a Portuguese question needs its words (or names) in a note to count as found."""
    index, retriever = vault
    from trainer.recall.retrieve import Hit

    hit = Hit("journal/x.md", "x", None, 1.0, 0.1, "meaning", cosine=0.9)
    assert retriever._strong(hit) and not retriever._strong(hit, by_meaning=False)
    assert retriever.retrieve("Quanto custou o carro novo?").nothing_found


def test_an_everyday_english_word_finds_the_portuguese_lesson(tmp_path):
    notes = {
        "lessons/orcamentos.md": "# Orçamentos\n\n- Pedir sempre três orçamentos antes das obras.\n"
                                 "- Somar 30% a qualquer obra, porque há sempre surpresas.\n",
        "journal/2025-03-01.md": "---\ndate: 2025-03-01\n---\n# Saturday\n\nLong walk by the river, then soup.\n",
    }
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "What have I learned about quotes?", retriever=retriever)
        assert not got.nothing_found and "três orçamentos" in got.text
        assert cited_paths(got) == ["lessons/orcamentos.md"]


def test_an_undated_note_is_named_by_its_title(vault):
    got = ask(vault, "Who is Beatriz?")
    assert "In my note “Beatriz” I wrote: A minha irmã mais nova" in got.text
    assert "undated" not in got.text
    got = ask(vault, "Quem é a Beatriz?")
    assert "Na nota “Beatriz” escrevi:" in got.text


def test_an_instruction_with_again_is_not_a_recurrence_of_mine():
    from trainer.recall.compose import about_me

    mine = ["Accepted the first quote for the bathroom again, without a second one.",  # a diary drops the I
            "I took on a second client again.", "Voltei a fazer o mesmo: aceitei o primeiro orçamento.",
            "Com a carrinha em 2022 foi igual.", "My estimate was one weekend again.", "我又一次接受了第一个报价。"]
    not_mine = ["Then count it again.", "Halve it. Halve it again.", "She brought up the flat again.",
                "Ela voltou a falar do apartamento.", "Then read it again and cut “honestly”, which I use too much."]
    mine += ["Again I said yes before I had seen the brief.", "The basil is losing to aphids again; my mother says ladybirds."]
    assert [about_me(t) for t in mine] == [True] * 8
    assert [about_me(t) for t in not_mine] == [False] * 5


def test_what_recurs_names_the_subject_not_the_word_again(tmp_path):
    notes = {
        "journal/2025-06-08.md": "---\ndate: 2025-06-08\n---\n# Sunday\n\n"
                                 "Accepted the first quote for the bathroom again, without a second one.\n",
        "journal/2025-09-01.md": "---\ndate: 2025-09-01\n---\n# Monday\n\n"
                                 "Took the first quote for the car repair again and paid too much.\n",
    }
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "What mistake do I keep making with quotes?", retriever=retriever)
        line = got.text.split("\n")[0]
        assert line.startswith("What comes back across these notes:") and "“first”" in line
        assert "“again”" not in line


def test_a_name_alone_does_not_answer_across_languages_when_the_asked_word_is_missing(vault):
    """The Portuguese note on Beatriz shares her name with an English question, and nothing else
    the question asks: a dog the glossary knows as "cão" is in no note."""
    index, retriever = vault
    got = ask(vault, "What is the name of Beatriz's dog?")
    assert got.nothing_found, got.text
    got = ask(vault, "Como se chama o cão da Beatriz?")
    assert got.nothing_found, got.text
    got = ask(vault, "What does Beatriz teach?")  # "Professora de música": answerable through the name
    assert not got.nothing_found and "Professora de música" in got.text


def test_a_portuguese_question_finds_a_note_that_uses_another_form_of_its_verb(tmp_path):
    notes = {"decisions/2025-08-25-quatro-dias.md": "---\ndate: 2025-08-25\ntype: decision\n---\n"
                                                   "# Passar a quatro dias\n\nDecidi passar a trabalho de quatro dias "
                                                   "porque perdi dois enxames em junho.\n",
             "journal/2025-03-01.md": "---\ndate: 2025-03-01\n---\n# Saturday\n\nLong walk by the river, then soup.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "Porque é que passei a trabalhar quatro dias por semana?", retriever=retriever)
        assert not got.nothing_found and "perdi dois enxames" in got.text, got.text


def test_a_question_in_the_third_person_singular_is_a_pattern_question_too():
    assert is_pattern_question("What keeps going wrong with the money side of the house?")
    assert is_pattern_question("What tends to go wrong when I travel?")


def test_what_i_do_in_a_kind_of_situation_is_a_pattern_question():
    assert is_pattern_question("What happens to my nights when I'm anxious about cash?")
    assert is_pattern_question("What do I do when a client pays late?")
    assert is_pattern_question("O que é que o meu corpo costuma sentir nas semanas de mais trabalho?")
    assert is_pattern_question("O que me acontece quando durmo pouco?")
    assert not is_pattern_question("What happened when I moved to Lisbon?")  # one time, in the past
    assert not is_pattern_question("What did I do when the bank changed its CSV?")


def test_everyday_ways_of_asking_about_a_habit_are_pattern_questions():
    """Asked as people type them ("what wrecks my sleep?", "o que eu vivo fazendo quando…"), these
    were searched as one fact: a word no note holds ("wreck") then meant "nothing found"."""
    for question in ("what wrecks my sleep?", "what happens to my sleep whenever there's a deadline?",
                     "what happens to me after I DJ a wedding?", "what actually works when I'm stuck on a layout?",
                     "what's the trick for getting Owen to open up?", "what does my sleep look like before a deadline?",
                     "o que eu vivo fazendo quando alguém me pede um favor?", "o q acontece comigo qdo eu durmo pouco?",
                     "o que eu faço pra esfriar a cabeça depois de uma discussão?", "eu sou de deixar tudo pra última hora?",
                     "qual jeito de estudar funciona melhor pra mim?", "o que acontece com a glicose toda vez que há festa?",
                     "tenho conseguido não trabalhar às sextas?", "心里有事的时候，我晚上睡得咋样？"):
        assert is_pattern_question(question), question
    for question in ("what did I buy in May?", "What does Jonas do?", "o que eu fiz em maio?",
                     "what time does the market open?", "你什么时候去的上海？"):
        assert not is_pattern_question(question), question


def test_a_question_about_what_i_am_like_is_a_pattern_question():
    """Before, these were searched like a fact and, sharing few words with any one note, got
    "nothing found"."""
    assert is_pattern_question("Do I undercharge people I like?")
    assert is_pattern_question("Am I any good at asking my sister for help?")
    assert is_pattern_question("How consistent am I with looking after my back?")
    assert is_pattern_question("When in the day do I actually manage to learn things?")
    assert not is_pattern_question("How much do I pay to use the oven on Saturdays?")  # one fact
    assert not is_pattern_question("Did I ever pay Rui back?")
    assert is_pattern_question("what time of day should I be doing the fiddly guitar work?")  # advice: my lessons


def test_the_pronoun_i_is_not_a_name_a_question_shares_with_notes():
    from trainer.recall.terms import names
    assert names("What did I give Beatriz for her birthday?") == ["beatriz"]
    assert names("Qual foi a minha nota no HSK 3?") == ["hsk", "3"]


def test_a_portuguese_question_in_the_plural_we_finds_our_decision(tmp_path):
    notes = {"decisions/2025-03-10-mudar-para-almada.md": "---\ntype: decision\ndate: 2025-03-10\n---\n"
             "# Mudar para Almada\n\nDecidido com a Niamh: vamos para o T2 em Almada.\n\n## Porquê\n"
             "- A renda passa de 950€ para 1.180€ a partir de junho.\n- O T2 em Almada custa 890€.\n",
             "journal/2025-03-27.md": "---\ndate: 2025-03-27\n---\n# Thursday\n\nSaw the flat in Almada again, "
             "measured the kitchen.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "Porque é que decidimos mudar para Almada?", retriever=retriever)  # "decidimos": how it is asked
        assert "1.180€" in got.text and "890€" in got.text, got.text


CHINESE_PATTERN = {
    "journal/2025-01-12.md": "# 2025-01-12\n\n又跟妈吵架了，她又提相亲的事。挂了电话我下楼跑了五公里，回来才冷静。\n",
    "journal/2025-04-03.md": "# 2025-04-03\n\n今天开会跟领导争吵，很生气。下班后没回家，去江边跑到天黑才冷静。\n",
    "journal/2025-06-20.md": "# 2025-06-20\n\n搬家公司把柜子摔坏了。晚饭吃了一碗面，早点睡。\n",
    "money/2025-02.md": "# 二月开销\n\n房租 ¥3,200，饭钱 ¥1,500。\n",
}


def test_a_chinese_pattern_question_gathers_what_recurs_across_notes(tmp_path):
    """"一般" asks what I usually do; "发火" is in no note, the notes say it in words of the same
    part of life ("吵架", "争吵"): both notes are found. (Only the "又" sentence is quoted: the
    sentence after it, what I did, is not near the question's words; see notes/reflect-eval.md.)"""
    assert is_pattern_question("我生气的时候一般会干嘛？") and is_pattern_question("一吵架我就会去干嘛")
    assert not is_pattern_question("我一个月就花了多少钱？")  # "一个月就": one month, not "whenever"
    vault = bm25_over(CHINESE_PATTERN, tmp_path)
    got = ask(next(vault), "我发火以后一般会干嘛？")
    shown = [s.path for s in got.sources]
    assert got.pattern and {"journal/2025-01-12.md", "journal/2025-04-03.md"} <= set(shown), got.text
    assert "journal/2025-01-12.md" in cited_paths(got) and "money/2025-02.md" not in cited_paths(got)


def test_chinese_words_in_an_english_question_are_its_names():
    """"How much does 林涛 still owe me?" shares only 林涛 with the Chinese note that answers it: the
    name is what retrieval across languages requires a note to hold."""
    from trainer.recall.terms import names

    assert "林涛" in names("How much does 林涛 still owe me?")
    assert {"小满"} <= set(names("What time was 小满 born, and how much did she weigh?"))
    assert names("林涛还欠我多少钱？") == []  # in a Chinese question they are its words, not its names


def test_how_long_in_chinese_asks_for_a_number(tmp_path):
    """"广马我最后跑了多久来着？" asks a duration (多久), and "最后" (in the end) and "来着" frame
    it: they name nothing a note must hold (an OKR note's "最后折中" is no race)."""
    from trainer.recall.compose import ASKS_NUMBER
    from trainer.recall.terms import is_frame

    assert ASKS_NUMBER.search("广马我最后跑了多久来着？")
    assert is_frame("最后") and is_frame("来着")
    notes = {"running/2024-12-08 广马.md": "---\ndate: 2024-12-08\n---\n# 广马\n\n早上五点起床，地铁到天河体育中心。"
             "前半程配速很稳，跟着 4:30 的兔子。30 公里以后开始抽筋，最后 5 公里基本是跑走结合。净成绩 4:41:27，"
             "枪声成绩 4:48:03。终点拿了奖牌就去吃早茶。\n",
             "work/okr.md": "# Q3 OKR\n\n付费会员渗透率最后折中到 10.5%。会员页改版他问多久，我说两周够了。\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "广马我最后跑了多久来着？", retriever=retriever)
        assert "4:41:27" in got.text, got.text


def test_what_recurs_keeps_a_name_capitalised():
    from collections import Counter

    from trainer.recall.compose import Piece, recurring_line

    pieces = [Piece("Argued with Renee about the garage again.", 1, "2025-03-01"),
              Piece("Renee wanted the trailer gone, again.", 2, "2025-05-01"),
              Piece("Since the fight I sleep in the trailer. I have slept badly since March.", 3, "2025-06-01"),
              Piece("Since then the trailer is my office.", 4, "2025-07-01")]
    line = recurring_line(pieces, "en")
    assert "“Renee”" in line and "“renee”" not in line, line
    assert "“trailer”" in line, line
    assert "“since”" not in line, line  # in two notes, and says nothing of what recurs


TAIPEI = {
    "decisions/2025-03-02 辭掉外包.md": "---\ndate: 2025-03-02\ntype: decision\n---\n# 辭掉外包的工作\n\n"
    "決定三月底離職，不再做外包的測試案子。\n\n## 為什麼\n- 每天通勤兩個半小時，回到家已經十點。\n"
    "- 薪水三年沒有調，月薪還是 42,000。\n- 爸爸住院以後，我需要白天能請假。\n",
    "journal/2025-09-14.md": "---\ndate: 2025-09-14\n---\n# 9月14日\n\n"
    "回頭看辭掉外包那件事，說白了不是通勤，是我怕被主管看不起。月薪 42,000 只是藉口。\n",
    "journal/2025-05-01.md": "---\ndate: 2025-05-01\n---\n# 5月1日\n\n帶爸爸去台大醫院回診，排了三個小時。\n",
}


def test_a_vault_in_traditional_characters_answers_in_them(tmp_path):
    """A note written in Taipei says 決定, 為什麼, 說白了; the same cues in simplified characters read
    them (one table: OpenCC's), a question in either script finds the note, and the connecting words
    follow the question's script (我寫道, not 我写道). The quotes stay as I wrote them."""
    for index, retriever in bm25_over(TAIPEI, tmp_path):
        got = answer(index, "我為什麼辭掉外包的工作？", retriever=retriever)
        assert "通勤兩個半小時" in got.text and "寫道" in got.text and "写道" not in got.text, got.text
        assert "說白了不是通勤" in got.text, got.text  # the later note's turn, read by the simplified cue
        simple = answer(index, "我为什么辞掉外包的工作？", retriever=retriever)
        assert "通勤兩個半小時" in simple.text and "写道" in simple.text, simple.text


def test_habits_asked_by_what_i_end_up_doing_or_how_i_fare_are_pattern_questions():
    """"What do I end up doing when…", "how do I sleep before…", "what's my routine…", "do my
    plans ever…", "ando a…?", "quando eu faço X, …?", "…的时候，我会…吗？" ask what recurs across
    notes; as single-fact questions they found no one note holding enough of them."""
    for question in ["what do I end up doing with my evenings when work is bad?",
                     "what do I do about lunch after a night shift?", "what goes wrong with my budget in December?",
                     "how do I sleep the night before a big exam?", "what's my routine before a match?",
                     "do my savings plans ever last past March?", "which bill blows out every single time?",
                     "ando a dormir o suficiente antes dos plantões?", "como é que eu como nos dias de folga?",
                     "quando eu peço um orçamento, o preço final fica perto?", "跟同事吵架的时候，我会先道歉吗？",
                     "一压力大我都吃什么？"]:
        assert is_pattern_question(question), question
    for question in ["what did I do after the interview at Tidewell?", "quando eu fui a Braga, onde fiquei?",
                     "how do I get to the clinic?", "what did I pay for the routine service on the car?"]:
        assert not is_pattern_question(question), question


def test_a_short_chinese_sentence_with_a_sum_joins_its_neighbour_instead_of_being_dropped():
    """"¥2,800/月,我出。" has three characters: too short to quote alone, and it is the sum. It joins
    the sentence after it; at a paragraph's end, the one before it."""
    from trainer.recall.compose import note_sentences
    from trainer.vault.parse import parse_note

    body = ("# 爸不来深圳\n\n**替代方案:** 王阿姨介绍了一个钟点工刘姐,周一到周五上午来三个小时。¥2,800/月,我出。从五月开始。\n\n"
            "请了保姆以后，爸的饭按时了。每月¥3,000。\n\nSold it. Insurance was €170 a month.\n")
    note = parse_note("decisions/爸.md", ("---\ndate: 2025-04-20\n---\n" + body).encode()).note
    said = [c.text for c in note_sentences(note, 1, 0)]
    assert "¥2,800/月,我出。从五月开始。" in said, said
    assert "请了保姆以后，爸的饭按时了。每月¥3,000。" in said, said
    assert "Sold it. Insurance was €170 a month." in said, said  # English as before


def test_everyday_words_of_health_and_home_find_notes_in_the_other_language(tmp_path):
    """"stitches" is 缝针, "flood" inundação, "shoulder" ombro: a question in English over notes in
    Chinese or Portuguese finds them by these words, not only by names."""
    notes = {
        "journal/2024-12-09.md": "---\ndate: 2024-12-09\n---\n# 摔车\n\n下班骑电瓶车回家出了车祸，在文一西路前轮压到井盖一滑，摔出去了。"
                                 "去医院缝针，左手肘缝了六针，花了¥380。\n",
        "diario/2025-02-03.md": "---\ndate: 2025-02-03\n---\n# Cheia\n\nA inundação da cave estragou o secador e a arca. "
                                "Estivemos fechados onze dias.\n",
        "diario/2025-05-10.md": "---\ndate: 2025-05-10\n---\n# Feira\n\nFeira de artesanato em Tavira. Vendi onze taças.\n",
        "journal/2025-03-01.md": "---\ndate: 2025-03-01\n---\n# Saturday\n\nLong walk by the river, then soup.\n",
    }
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "how many stitches did I get after the scooter crash?", retriever=retriever)
        assert not got.nothing_found and "六针" in got.text, got.text
        got = answer(index, "tell me about the flood", retriever=retriever)
        assert not got.nothing_found and "secador" in got.text, got.text
        got = answer(index, "what happened at the craft fair?", retriever=retriever)
        assert not got.nothing_found and "Vendi" in got.text, got.text


MARATONA = """---
date: 2025-09-08
---
# Desistir da maratona de Lisboa

Decidi não correr a maratona de Lisboa em outubro.

## Porquê
- O tendão de Aquiles ainda dói depois de 15 km.
- Faltam seis semanas e perdi três de treino.
"""

MUDANCA = """---
date: 2024-03-10
---
# Mudança para Santa Clara

Decidi mudar para Santa Clara: a renda é 180€ mais barata.
"""


def test_a_why_question_in_english_finds_the_decision_written_in_portuguese_by_its_word_starts(tmp_path):
    """"What was really behind pulling out of the Lisbon marathon?" shares no word with "Desistir
    da maratona de Lisboa", only word starts (lisbo-n/a, marat-hon/ona): the one decision holding
    two such is its answer, quoted; a question whose words start like no decision's gets nothing."""
    from reflect_support import bm25_over
    from trainer.recall.answer import answer

    notes = {"decisoes/desistir-maratona-lisboa.md": MARATONA, "decisoes/mudanca-santa-clara.md": MUDANCA}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "what was really behind pulling out of the Lisbon marathon?", retriever=retriever)
        assert not got.nothing_found and "tendão de Aquiles" in got.text, got.text
        assert answer(index, "why did I quit the Berlin triathlon?", retriever=retriever).nothing_found


def test_a_why_question_naming_the_decision_as_its_file_does_finds_it(tmp_path):
    """"Why did I leave the startup?": the note is `decisions/2024-06-leaving-the-startup.md`,
    titled "Leaving Kettle AI for a bigger company", and "startup" is in no note's text. Typed in
    the TUI on the sample vault, it said "nothing found"."""
    from reflect_support import bm25_over
    from trainer.recall.answer import answer

    startup = ("---\ndate: 2024-06-03\n---\n# Leaving Kettle AI for a bigger company\n\n"
               "Decided on 2024-06-03: accept the offer from Tarang and leave Kettle AI.\n\n"
               "## Why\n- I had been the only ML person for eighteen months.\n- The runway was nine months.\n")
    notes = {"decisions/2024-06-leaving-the-startup.md": startup, "decisoes/mudanca-santa-clara.md": MUDANCA}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "Why did I leave the startup?", retriever=retriever)
        assert not got.nothing_found and "only ML person" in got.text, got.text


def test_what_was_it_for_is_a_why_question_and_back_then_no_subject(tmp_path):
    """"买秦PLUS那会儿到底是为了啥？" said nothing found ("会儿" of 那会儿 was a word the note must
    hold), then, once found, quoted the car's model and not why: "为了啥" asks why."""
    notes = {"decisions/买车.md": "---\ndate: 2025-03-14\n---\n# 买车\n\n## 选的\n比亚迪 秦PLUS，2025款。插混。\n\n"
                                  "## 为什么买\n- 下夜班早上打车难，一个月打车 800 多\n- 周末要去黄冈看她爸妈，大巴来回五个小时\n",
             "journal/2025-05-01.md": "---\ndate: 2025-05-01\n---\n# 五一\n\n等了一会儿才到，路上堵。\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "买秦PLUS那会儿到底是为了啥？", retriever=retriever)
        assert not got.nothing_found and "打车难" in got.text and "黄冈" in got.text, got.text


def test_a_hinglish_question_is_searched_by_its_subject_not_its_hindi_function_words(tmp_path):
    """"rishta meetings pause karne ka real reason kya tha?": "karne ka … kya tha" frames the question
    (like "what was"), and a note need not hold them to answer it."""
    notes = {
        "decisions/rishta-pause.md": "---\ndate: 2024-06-02\n---\n# Rishta pause\n\nCalled Mummy at 11 pm: no rishta "
                                     "meetings till Dec 2025. Want to settle at Kestrel first, 2025 is my promotion year.\n",
        "journal/2024-06-20.md": "---\ndate: 2024-06-20\n---\nStandup ran long. Ordered biryani.\n",
        "journal/2024-07-02.md": "---\ndate: 2024-07-02\n---\nGym at 7, then the sprint review.\n",
    }
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "rishta meetings pause karne ka real reason kya tha?", retriever=retriever)
        assert "settle at Kestrel" in got.text, got.text


SPANISH = {
    "decisiones/2023-02-mudanza.md": "---\ndate: 2023-02-12\ntags: [decision]\n---\n# me mudo a lavapiés\n\n"
                                     "me voy a la habitación de la calle Argumosa. 480 euros al mes con gastos incluidos.\n\n"
                                     "por qué:\n- el curro está a diez minutos en bici\n- el piso de Usera se come "
                                     "media nómina\n",
    "diario/2023-06-01.md": "---\ndate: 2023-06-01\n---\nvale, lo de la bici era verdad. pero si soy sincero me mudé "
                            "porque no aguantaba más a mi compañero de Usera.\n",
    "diario/2023-03-04.md": "---\ndate: 2023-03-04\n---\nescalada en la Pedriza con Marta. frío de narices.\n",
}


def test_a_spanish_question_is_searched_by_its_subject_and_answered_in_spanish(tmp_path):
    """"cuánto pago por la habitación de Argumosa?": Spanish function words ("cuánto", "por",
    "la", "de") weighed as subject words, so no note held enough of the question and nothing was
    found; and the answer came in English or Portuguese templates."""
    from trainer.recall.asks import expected
    from trainer.recall.compose import language

    assert language("¿por qué me mudé a Lavapiés?") == "es"
    assert language("Porque é que saí de Lisboa?") == "pt" and language("why did I move?") == "en"
    assert expected("cuánto pago por la habitación de Argumosa?").kind == "cost"
    assert expected("¿por cuánto vendí la moto?").kind == "cost"
    for index, retriever in bm25_over(SPANISH, tmp_path):
        got = answer(index, "cuánto pago por la habitación de Argumosa?", retriever=retriever)
        assert got.language == "es" and "480 euros" in got.text, got.text
        got = answer(index, "¿por qué me mudé a Lavapiés?", retriever=retriever)
        assert got.text.startswith("El 2023-02-12 escribí:"), got.text
        assert "diez minutos en bici" in got.text, got.text


GERMAN = {
    "entscheidungen/2022-leipzig.md": "---\ndate: 2022-03-10\n---\n# Zusage an Hartwig\n\nIch gehe nach Leipzig zu "
                                      "Hartwig. Gründe: die Stelle ist voll finanziert, das Labor hat den Krios, und "
                                      "die Miete ist halb so hoch wie in Heidelberg.\n",
    "tagebuch/2023-01-08.md": "---\ndate: 2023-01-08\n---\nLeipzig, Hartwig, der Krios: ehrlich gesagt wollte ich vor allem weg von Brandauer, "
                              "der mich schon im Master angeschrien hat.\n",
    "tagebuch/2023-02-11.md": "---\ndate: 2023-02-11\n---\nWG-Abend, Jonas kam aus Hamburg. Lasagne für sechs.\n",
}


def test_a_german_question_is_searched_by_its_subject_and_answered_in_german(tmp_path):
    """"Warum bin ich damals eigentlich nach Leipzig zu Hartwig gegangen?": German function words
    ("warum", "bin", "ich", "nach", "zu") and the verb ("gegangen") weighed as subject words, the answer
    came in English, and "ehrlich gesagt" owned up to nothing."""
    from trainer.recall.compose import language

    assert language("Warum bin ich nach Leipzig gegangen?") == "de"
    assert language("Papa ka kitna haath hai mere decisions mein?") == "en"  # Hinglish "mein" is "in"
    for index, retriever in bm25_over(GERMAN, tmp_path):
        got = answer(index, "Warum bin ich damals eigentlich nach Leipzig zu Hartwig gegangen?", retriever=retriever)
        assert got.text.startswith("Am 2022-03-10 schrieb ich:"), got.text
        assert "voll finanziert" in got.text, got.text
        assert "Am 2023-01-08" in got.text and "weg von Brandauer" in got.text, got.text  # "ehrlich gesagt"


def test_a_japanese_question_is_answered_in_japanese_not_chinese(tmp_path):
    """Kanji alone read as Chinese: a question in Japanese got "2022-02-14，我写道：" (or 我寫道,
    where a kanji has a traditional form), a sentence in the wrong language around the user's own."""
    from trainer.recall.compose import language

    assert language("なんで定休日を月火にしたんやっけ？") == "ja"
    assert language("为什么我决定卖车？") == "zh" and language("為什麼我決定賣車？") == "zh-hant"
    notes = {"決めたこと/定休日変更.md": "---\ndate: 2022-09-05\n---\n# 定休日変更\n\n10月から月火連休。"
                                    "火曜はもともと売上が一番少ない。ケンジの休みが週1しかない。\n",
             "日記/2022-10-01.md": "---\ndate: 2022-10-01\n---\nシュトーレンの仕込み。\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "なんで定休日を月火にしたんやっけ？", retriever=retriever)
        assert got.text.startswith("2022-09-05、こう書いた："), got.text
        assert "売上が一番少ない" in got.text, got.text


def test_habits_asked_in_spanish_german_and_japanese_are_pattern_questions():
    """"¿a quién llamo siempre primero?" found nothing: only English, Portuguese and Chinese words
    for "always" and "usually" made a pattern question, so it was searched as one event."""
    for question in ("¿a quién llamo siempre primero antes de decidir?", "¿a qué hora suelo decidir las cosas?",
                     "Wofür gebe ich immer zu viel Geld aus?", "Was passiert mit meinen Vorsätzen?",
                     "大事なこと、いつも誰に相談してる？", "予算って結局どうなってる？"):
        assert is_pattern_question(question), question
    for question in ("¿por qué vendí la moto?", "Warum bin ich nach Leipzig gegangen?", "なんで定休日を変えたんやっけ？"):
        assert not is_pattern_question(question), question


FRENCH = {
    "décisions/2023-jardin.md": "---\ndate: 2023-03-04\n---\n# Jardin partagé\n\nJ’ai pris la parcelle 14 aux "
                               "Jardins de la Muette. Raisons : l’appartement n’a pas de balcon, la parcelle est à "
                               "dix minutes à pied, et la cotisation n’est que de 45 € par an.\n",
    "journal/2024-06-02.md": "---\ndate: 2024-06-02\n---\nÀ vrai dire, la parcelle à la Muette c’était surtout pour voir "
                            "Odette le samedi matin depuis que Bernard ne sort plus.\n",
    "journal/2024-06-09.md": "---\ndate: 2024-06-09\n---\nRépétition de la chorale, le Requiem de Fauré.\n",
}


ITALIAN = {
    "decisioni/2022-chiusura-lunedi.md": "---\ndate: 2022-10-03\n---\n# Chiusura il lunedì\n\nHo deciso di chiudere "
                                         "il bar il lunedì. Motivi: il lunedì incassiamo meno di 300 €, Marco fa già "
                                         "sei giorni, e la farina arriva il martedì.\n",
    "diario/2023-05-14.md": "---\ndate: 2023-05-14\n---\nA dire il vero il lunedì chiuso era per portare papà "
                            "alla dialisi, nn per l'incasso.\n",
    "diario/2023-05-20.md": "---\ndate: 2023-05-20\n---\nPagato la farina dei Molini Bassi: 1.240 € per il mese.\n",
}


@pytest.mark.parametrize("notes, lang, why, wrote, reason, later, cost, total", [
    (FRENCH, "fr", "Pourquoi j’ai pris la parcelle aux Jardins de la Muette ?", "Le 2023-03-04, j’ai écrit",
     "pas de balcon", ("Le 2024-06-02", "voir Odette"), "Combien je paie de cotisation pour la parcelle ?", "45 €"),
    (ITALIAN, "it", "Perché ho deciso di chiudere il lunedì?", "Il 2022-10-03 ho scritto", "meno di 300 €",
     ("Il 2023-05-14", "dialisi"), "Quanto ho pagato la farina dei Molini Bassi?", "1.240 €"),
], ids=["french", "italian"])
def test_a_french_or_italian_question_is_searched_by_its_subject_and_answered_in_its_language(
        tmp_path, notes, lang, why, wrote, reason, later, cost, total):
    """"Pourquoi j’ai pris la parcelle…?", "Perché ho deciso di chiudere il lunedì?": their function
    words ("j’ai", "la", "perché", "ho", "di") weighed as subject words, the question read as Portuguese
    or Spanish, the answer came in another language, "à vrai dire" and "a dire il vero" owned up to
    nothing, and a cost question ("combien je paie", "quanto ho pagato") asked no cost."""
    from trainer.recall.asks import expected
    from trainer.recall.compose import language

    assert language(why) == lang and expected(cost).kind == "cost"
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, why, retriever=retriever)
        assert got.text.startswith(wrote) and reason in got.text, got.text
        assert all(part in got.text for part in later), got.text  # the later note owns up
        assert total in answer(index, cost, retriever=retriever).text


def test_an_elided_word_is_its_own_term_and_other_romance_questions_keep_their_language():
    """"l’appartement" was the term "l" (the stemmer cut at the apostrophe), "dell'affitto" was "dell"."""
    from trainer.recall.compose import language

    assert terms("l’appartement") == terms("appartement") and terms("dell'affitto") == terms("affitto")
    assert language("Porque é que saí de Lisboa?") == "pt" and language("¿por qué me mudé a Lavapiés?") == "es"


def test_habits_asked_in_french_and_italian_are_pattern_questions():
    """"À qui je demande toujours conseil ?" was searched as one event."""
    for question in ("À qui je demande toujours conseil avant une grosse décision ?", "Qu’est-ce qui se passe avec mes budgets ?",
                     "Chi chiamo sempre prima di decidere?", "Cosa succede ai miei preventivi?"):
        assert is_pattern_question(question), question
    for question in ("Pourquoi j’ai vendu la voiture ?", "Perché ho chiuso il lunedì?"):
        assert not is_pattern_question(question), question


def test_habits_asked_in_the_present_or_under_a_kind_of_moment_are_pattern_questions():
    """"when work gets heavy, what's the first thing i let go?", "con chi ne parlo?", "我都在什麼時候拍板":
    no "always" in them, so they were searched as one event; a moment that was one event is not a habit."""
    for question in ("when work gets heavy, what's the first thing i let go?",
                     "What kind of self-improvement things do I start and then drop?",
                     "Quand qqn me blesse ou m'agace, comment est-ce que je réagis ?",
                     "Les projets que je me fixe en début d'année, qu'est-ce qu'ils deviennent ?",
                     "Prima di decidere qlcs di grosso per il forno, con chi ne parlo?",
                     "Quando i soldi nn bastano, cosa sacrifico io per prima?",
                     "我都在什麼時候、什麼地方拍板重要的事？", "壓力大的時候，我的錢都花去哪？",
                     "Wenn ich müde bin, was mache ich dann?"):
        assert is_pattern_question(question), question
    for question in ("When I sold the car, how much did I get for it?", "when does my Portuguese passport expire?",
                     "Why'd I bump the crop insurance up to 85% in 2023 when Dad always ran 75?",
                     "Quand j'ai quitté Lyon, qui m'a aidée ?"):
        assert not is_pattern_question(question), question


def test_why_in_spanish_german_french_and_italian_asks_for_reasons():
    """"¿por qué…?" was no why question ("por qu[eê]" missed "qué"), nor "warum", "pourquoi", "perché"."""
    from trainer.recall.retrieve import WHY_QUESTION

    for question in ("¿por qué me mudé a Lavapiés?", "Warum bin ich nach Leipzig gegangen?",
                     "Pourquoi j’ai vendu la voiture ?", "Perché ho chiuso il lunedì?", "Come mai ho lasciato Gino?"):
        assert WHY_QUESTION.search(question), question
    assert not WHY_QUESTION.search("Combien m’a coûté la chaudière ?")


def test_a_sum_written_after_its_euro_sign_counts_in_french_notes_only(tmp_path):
    """"45 €" is how French and Italian notes write a price, so it holds "combien je paie"; in a
    Portuguese note a "Trespasse de 55.000 €" answered "quanto pagamos de renda…?", which no note
    answers. And the new function words take no word from the other languages: "mês" is the month."""
    from trainer.recall.terms import query_terms

    assert "mes" in query_terms("quanto é que a Giulia pagava de renda por mês?")
    assert "dai" in query_terms("what's Dai's number again?") and "sono" in query_terms("como anda o meu sono?")
    assert "ben" in query_terms("what did Ben say about the van?")
    notes = {"diario/2025-05-19.md": "---\ndate: 2025-05-19\n---\nO Rui encontrou um espaço na Rua da Cozinha "
                                     "Económica, com cozinha montada. Trespasse de 55.000 €. Ele quer usar o nome Casa Lume.\n",
             "pessoas/rui.md": "# Rui\n\nSócio desde 2019, 50/50 na Casa Lume.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "quanto pagamos de renda pelo espaço da Casa Lume?", retriever=retriever)
        assert got.nothing_found, got.text


def test_or_something_else_asks_for_the_reasons_of_the_decision_named(tmp_path):
    """"Why did I go for Nordlicht instead of a postdoc – was it the money and Jonas, or something
    else?" (answer-vault-174): "else" weighed as a subject word no note holds, and the answer lost
    the rejected fellowship the later letter owns up to."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-174", tmp_path):
        got = answer(index, "Why did I go for Nordlicht instead of a postdoc – was it the money and Jonas, or "
                            "something else?", retriever=retriever)
        assert "62.000" in got.text and "Zürich" in got.text, got.text


def test_a_french_later_note_owns_up_in_its_own_words_and_au_fond_de_mon_sac_is_no_owning_up(tmp_path):
    """answer-vault-177: "j'ai fini par le dire … même si je l'ai écrit. J'avais besoin d'un public."
    owned up to nothing, while "Le badge … est au fond de mon sac" (at the bottom of my bag) did."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-177", tmp_path):
        got = answer(index, "Pour quelle raison ai-je accepté de faire les conférences de l'UTL, au juste ? "
                            "La transmission ?", retriever=retriever)
        assert "besoin d'un public" in got.text and "gym douce" not in got.text, got.text


def test_habits_asked_in_french_and_spanish_find_their_shapes(tmp_path):
    """When I decide, whether my budgets hold, whom I ask first: their evidence shares no word with
    the question ("4 h du matin", "300 € prévus, 470 € payés", "le marqué a Fer"), and only English,
    Portuguese and Chinese questions were read as asking for those shapes."""
    (tmp_path / "fr").mkdir()
    (tmp_path / "es").mkdir()
    for index, retriever in bm25_in(FIXTURES / "answer-vault-177", tmp_path / "fr"):
        got = answer(index, "À quel moment est-ce que je finis par trancher, en général ?", retriever=retriever)
        assert "nuit blanche" in got.text or "du matin" in got.text, got.text
        got = answer(index, "Et mes prévisions de dépenses, elles tiennent la route ?", retriever=retriever)
        assert "9 950 €" in got.text, got.text
    for index, retriever in bm25_in(FIXTURES / "answer-vault-142", tmp_path / "es"):
        got = answer(index, "a quién le pregunto siempre primero antes de decidir algo?", retriever=retriever)
        assert "Fer" in got.text, got.text


def test_where_i_make_up_my_mind_is_answered_by_the_places_i_decided_at(tmp_path):
    """"where do i actually make my mind up about things?": the answer is where the decision notes
    say I decided ("decided on the walk round alexandra park", "Deciso salendo a San Luca"), which
    shares no word with the question; it got the words "Amma", "asked" instead."""
    notes = {"decisions/2022-10-choir.md": "---\ndate: 2022-10-02\n---\n# packing in the choir\n\ni'm leaving the "
                                           "choir.\n\ndecided on the walk round alexandra park this morning.\n",
             "decisions/2023-06-job.md": "---\ndate: 2023-06-18\n---\n# no applying\n\nno applying for the senior "
                                         "post. made up my mind on the walk round alexandra park, two laps.\n",
             "journal/2023-02-12.md": "---\ndate: 2023-02-12\n---\ncaseload's 31. i cannae do 31 families in four days.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "where do i actually make my mind up about things?", retriever=retriever)
        assert got.text.count("alexandra park") >= 2, got.text


def test_what_i_let_go_first_when_busy_is_answered_by_what_i_quit_and_when(tmp_path):
    """"when work gets heavy, what's the first thing i let go?": what I gave up, counted ("stopped the
    swimming … hadnae been in three weeks", "went 6 tuesdays … that was that"), shares no word with it."""
    notes = {"journal/2022-11-13.md": "---\ndate: 2022-11-13\n---\ni've stopped the swimming at tollcross - hadnae "
                                      "been in three weeks anyway.\n",
             "journal/2024-06-09.md": "---\ndate: 2024-06-09\n---\nthe yoga at the church hall is away. went 6 tuesdays "
                                      "from april, then the mitchell case went to court and that was that.\n",
             "journal/2024-06-10.md": "---\ndate: 2024-06-10\n---\nwork is heavy. caseload 31.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "when work gets heavy, what's the first thing i let go?", retriever=retriever)
        assert "swimming" in got.text and "yoga" in got.text, got.text


def test_what_a_spanish_offer_paid_is_found_whatever_the_verb_form(tmp_path):
    """"¿Cuánto me ofrecía Rodri al mes…?" over "Rodri me ofreció … $38,000 al mes" (answer-vault-187):
    the offering frames the sum, as paying does; "ofrecía" and "ofreció" share no stem, and the
    answer was "nothing found"."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-187", tmp_path):
        got = answer(index, "¿Cuánto me ofrecía Rodri al mes en Norte Ambiental?", retriever=retriever)
        assert "$38,000" in got.text, got.text


def test_a_table_of_options_side_by_side_says_which_option_each_cell_is(tmp_path):
    """"| | Madrid | Tucson |" over "| con quién | Dr. Julián Bermúdez | Dra. Karen Whitfield |": the row
    was "con quién: Dr. Julián Bermúdez, Dra. Karen Whitfield", which says nothing of Tucson, so
    "¿Con quién hice la estancia en Tucson?" never found it. A row whose label names no sum holds
    none ("horário — Santa Amélia: 12x36, noturno" is no answer to what the night bonus paid)."""
    from trainer.recall.compose import table_row

    assert table_row(["con quién", "Bermúdez", "Whitfield"], ["", "Madrid", "Tucson"]) == \
        "con quién — Madrid: Bermúdez; Tucson: Whitfield"
    assert table_row(["removals", "£650", "£890"], ["", "budget", "actual"]) == "removals: £650, £890"
    for index, retriever in bm25_in(FIXTURES / "answer-vault-187", tmp_path):
        got = answer(index, "¿Con quién hice la estancia en Tucson?", retriever=retriever)
        assert "Karen Whitfield" in got.text, got.text
    notes = {"decisoes/2024-11-12-emprego.md": "---\ndate: 2024-11-12\n---\n# Santa Amélia ou Centro Oncológico\n\n"
                                               "Duas propostas, tenho de responder até sexta.\n\n| | Santa Amélia (UTI) | Centro Oncológico |\n|---|---|---|\n"
                                               "| salário base | R$ 4.900 | R$ 5.800 |\n"
                                               "| horário | 12x36, noturno | seg-sex 7h às 16h |\n"}
    (tmp_path / "pt").mkdir()
    for index, retriever in bm25_over(notes, tmp_path / "pt"):
        got = answer(index, "how much was my adicional noturno at the Santa Amélia?", retriever=retriever)
        assert got.nothing_found, got.text
        got = answer(index, "quanto era o salário base no Centro Oncológico?", retriever=retriever)
        assert "R$ 5.800" in got.text, got.text


def test_habits_asked_in_mexican_spanish_and_german_find_their_shapes(tmp_path):
    """Whom I talk a decision over with first ("¿con quién lo platico antes que con nadie?"), how my
    time estimates go ("¿qué tan bien me salen los cálculos de cuánto me voy a tardar?") and where I
    decide ("Wo und wann fallen bei mir die Entscheidungen?" over "hab's entschieden … am Kanal")
    were not read as asking for those shapes, and found nothing (answer-vaults 187 and 185)."""
    (tmp_path / "es").mkdir()
    (tmp_path / "de").mkdir()
    for index, retriever in bm25_in(FIXTURES / "answer-vault-187", tmp_path / "es"):
        got = answer(index, "Cuando tengo que decidir algo grande, ¿con quién lo platico antes que con nadie?",
                     retriever=retriever)
        assert got.text.count("Doña Chayo") >= 2, got.text
        got = answer(index, "¿Qué tan bien me salen los cálculos de cuánto me voy a tardar con las cosas de la "
                            "tesis?", retriever=retriever)
        assert "semanas" in got.text and not got.nothing_found, got.text
    for index, retriever in bm25_in(FIXTURES / "answer-vault-185", tmp_path / "de"):
        got = answer(index, "Wo und wann fallen bei mir eigentlich die Entscheidungen?", retriever=retriever)
        assert got.text.count("Kanal") >= 2, got.text


def test_a_chinese_sum_asked_as_x_shi_duoshao_is_a_sum_of_x(tmp_path):
    """"青藤的期权行权价是多少？" asks the exercise price: "期权 … 12万股" (how many shares) is no answer,
    nor is a 13% of my pay an answer to "房贷利率是多少" (answer-vault-184). Chinese puts the head of
    what is asked last; asked for the options themselves, the row answers."""
    notes = {"决定/2022-11-离开鲸选.md": "---\ndate: 2022-11-06\n---\n# 离开鲸选去青藤\n\n先写下来再说。\n\n"
                                         "| | 鲸选 | 青藤 |\n|---|---|---|\n| base | 36k × 16 | 32k × 14 |\n"
                                         "| 期权 | 无 | 12万股，4年vest |\n",
             "日记/2023-08-13.md": "---\ndate: 2023-08-13\n---\n合肥那套房是爸妈住的。每月给爸妈转4000，占到手的 13% 左右。\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        for question in ("青藤的期权行权价是多少？", "合肥那套房的房贷利率是多少"):
            got = answer(index, question, retriever=retriever)
            assert got.nothing_found, (question, got.text)
        got = answer(index, "青藤的期权是多少？", retriever=retriever)
        assert "12万股" in got.text, got.text


def test_para_que_asks_what_for_which_is_why(tmp_path):
    """"¿Para qué compré la moto?" asks what I bought it for: the decision's stated reasons (the
    fieldwork at six, not depending on the lab's Urvan), not the lines that count trips to the field
    (answer-vault-187). "Para que" inside a sentence is "so that", no question."""
    from trainer.recall.retrieve import WHY_QUESTION

    assert not WHY_QUESTION.search("Comprei a bicicleta para que a Ana possa ir à escola.")
    for index, retriever in bm25_in(FIXTURES / "answer-vault-187", tmp_path):
        got = answer(index, "¿Para qué compré la moto, güey? ¿Sí era por el campo?", retriever=retriever)
        assert "Urvan" in got.text, got.text


def test_what_i_let_go_shows_in_sessions_missed_and_in_german_quitting(tmp_path):
    """"not been to club in 3 weeks, missed Tuesday intervals" and "haven't been to club in 5 weeks"
    are what I let go (answer-vault-183); "seit drei Wochen nicht mehr da … die Kündigung geschickt" and
    "Woche 4 von 9 war das Ende. Ich hab die App gelöscht" are what never lasts (answer-vault-185),
    asked in a German that read as English: "was", "als" and "nie" are English-looking words."""
    from trainer.recall.terms import text_language

    assert text_language("Was hält bei mir eigentlich nie länger als ein paar Wochen?") == "de"
    assert text_language("Moved to Zürich with Müller in 2021, the rent was higher.") == "en"
    assert is_pattern_question("Was mach ich eigentlich, wenn's im Job mies läuft?")
    assert is_pattern_question("Cuando algo me sale mal, ¿qué hago con mi mamá?")
    notes = {"journal/2023-01-15.md": "---\ndate: 2023-01-15\n---\nmum's fall. not slept since 6pm yesterday. not been "
                                      "to club in 3 weeks either, missed Tuesday intervals again.\n",
             "journal/2024-10-20.md": "---\ndate: 2024-10-20\n---\nthe move. boxes everywhere. haven't been to club in "
                                      "5 weeks. not one Tuesday since the move.\n",
             "journal/2024-03-02.md": "---\ndate: 2024-03-02\n---\nlong day on the ward. something big happened to "
                                      "the rota again.\n"}
    (tmp_path / "en").mkdir()
    (tmp_path / "de").mkdir()
    for index, retriever in bm25_over(notes, tmp_path / "en"):
        got = answer(index, "what's the first thing I let go of when something big happens?", retriever=retriever)
        assert got.text.count("club") >= 2, got.text
    for index, retriever in bm25_in(FIXTURES / "answer-vault-185", tmp_path / "de"):
        got = answer(index, "Was hält bei mir eigentlich nie länger als ein paar Wochen?", retriever=retriever)
        assert "Boulder" in got.text and "Couch-to-5k" in got.text, got.text


def test_what_i_do_after_an_awful_stretch_is_what_i_bought_then(tmp_path):
    """"what do I end up doing after a truly awful shift?" (answer-vault-183) and "工作上被否、很糟的那几周，
    我一般会干嘛" (answer-vault-184) ask how I get through a bad stretch: the trainers ordered in bed,
    the camera ordered on the way home; "awful" and "很糟" were no bad stretch."""
    notes = {"journal/2023-06-10.md": "---\ndate: 2023-06-10\n---\nnight 4 of 4. a death at 3am. ordered trainers "
                                      "again (Ghost 15, £130) at 9:40am. bed.\n",
             "journal/2025-02-02.md": "---\ndate: 2025-02-02\n---\nhorrible night. drove home with the radio off. "
                                      "ordered Ghost 16s at 9:15 in bed, £140.\n",
             "journal/2024-08-03.md": "---\ndate: 2024-08-03\n---\nPRD 又被打回。回家路上在淘宝下单了理光 GR3x，¥7,299。\n",
             "journal/2023-12-02.md": "---\ndate: 2023-12-02\n---\n被CEO在周会上点名。下班在天猫上就下单了按摩椅，1.58万。\n",
             "journal/2024-03-01.md": "---\ndate: 2024-03-01\n---\nshift was fine. tea with Shaz.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "what do I end up doing after a truly awful shift?", retriever=retriever)
        assert "Ghost 15" in got.text and "Ghost 16s" in got.text, got.text
        got = answer(index, "工作上被否、很糟的那几周，我一般会干嘛", retriever=retriever)
        assert "GR3x" in got.text and "按摩椅" in got.text, got.text


def test_a_granted_reason_is_quoted_with_the_turn_that_says_what_it_was(tmp_path):
    """A year review item that names the stated reasons, grants them ("all true-ish.") and turns ("but
    i'd boxed up the Cedar St house …") is quoted through the turn: the answer stopped at the grant, and
    the real reason was never said (answer-vault-170)."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-170", tmp_path):
        got = answer(index, "why did i re-sign w/ Hal on Manor instead of moving to the Mueller spot? was it "
                            "really the parking lot?", retriever=retriever)
        assert "all true-ish" in got.text and "packing up the school" in got.text, got.text


def test_where_i_decide_is_a_place_not_the_story_of_my_reasons(tmp_path):
    """"Where and when do I usually make my big calls?" asks for a place: the decisions' later take-backs
    ("i told everybody it was the parking lot …") filled the answer and left out the diner I decide in
    (answer-vault-170)."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-170", tmp_path):
        got = answer(index, "where and when do i usually end up making the big calls?", retriever=retriever)
        assert "whataburger" in got.text and "told everybody it was the parking lot" not in got.text, got.text


def test_taglish_questions_ask_why_when_and_what_the_notes_do_not_hold(tmp_path):
    """Taglish (answer-vault-194): "bakit" asks why; "Ano apelyido ni Kring?", "Magkano sweldo ni Pao…?" and
    "Ilang taon si Lola Ising nung namatay sya?" ask a surname, a salary and an age that no note gives, and were
    answered with whatever note named Kring, Pao or Lola Ising; "Kelan at saan ako nag-take ng CBT?" is about the
    CBT, not about "ako", "ng" and "nag"."""
    from trainer.recall.retrieve import WHY_QUESTION

    assert WHY_QUESTION.search("bakit UK ang pinili ko over Canada?")
    assert terms("Kelan at saan ako nag-take ng CBT?") == ["tak", "cbt"]
    for index, retriever in bm25_in(FIXTURES / "answer-vault-194", tmp_path):
        for question in ("Ano apelyido ni Kring?", "Magkano sweldo ni Pao monthly sa BPO?",
                         "Ilang taon si Lola Ising nung namatay sya?"):
            assert answer(index, question, retriever=retriever).nothing_found, question
        got = answer(index, "Kelan at saan ako nag-take ng CBT?", retriever=retriever)
        assert "March 14" in got.text, got.text


def test_rioplatense_habits_where_i_decide_what_i_drop_and_how_i_cope(tmp_path):
    """Asked in Rioplatense Spanish (answer-vault-193): "¿Dónde o cuándo termino tomando las decisiones
    importantes?" read as no pattern at all ("decisiones" is no "decid…") and found nothing; "¿Qué pasa con las
    actividades que pago…?" quoted every note that says "pago"; "¿Qué hago cuando algo me angustia…?" had no shape."""
    notes = {"diario/2022-05-22.md": "---\ndate: 2022-05-22\n---\nme voy de la clínica. lo terminé de decidir en el "
                                     "micro volviendo de Rosario, el domingo.\n",
             "diario/2023-08-20.md": "---\ndate: 2023-08-20\n---\nmando los papeles a España. lo terminé de decidir "
                                     "en el micro de vuelta de Rosario, como siempre.\n",
             "diario/2023-06-10.md": "---\ndate: 2023-06-10\n---\nel pase anual del gimnasio que pagué en marzo lo usé "
                                     "6 veces. no voy desde mayo.\n",
             "diario/2023-11-20.md": "---\ndate: 2023-11-20\n---\ndejé las clases de inglés, había pagado el paquete "
                                     "de 3 meses, fui a 4.\n",
             "diario/2024-03-15.md": "---\ndate: 2024-03-15\n---\nme peleé con papá. a la mañana me fui al vivero y me "
                                     "compré una monstera.\n",
             "diario/2022-06-18.md": "---\ndate: 2022-06-18\n---\nlo de mamá en el hospital. volviendo me compré un "
                                     "potus en el vivero.\n",
             "plata/alquiler.md": "---\ndate: 2023-04-16\n---\nel alquiler: yo pago $180.000 por mes, él paga $140.000.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "¿Dónde o cuándo termino tomando las decisiones importantes?", retriever=retriever)
        assert got.text.count("Rosario") >= 2, got.text
        got = answer(index, "¿Qué pasa con las actividades que pago de una para ponerme las pilas?", retriever=retriever)
        assert "6 veces" in got.text and "fui a 4" in got.text and "alquiler" not in got.text, got.text
        got = answer(index, "¿Qué hago cuando algo me angustia o pasa algo feo?", retriever=retriever)
        assert "monstera" in got.text and "potus" in got.text, got.text


def test_an_unlabelled_list_in_a_decision_note_is_what_i_weighed(tmp_path):
    """A decision note that labels no reasons ("Numbers as I see them" over "- $45,000 would have to come off the
    line of credit …", "Saying no." over "- Shauna's on 12 hr nights …") gave the store no reasons, and a why
    answer quoted its opening lines instead (answer-vault-189)."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-189", tmp_path):
        story = decision_story(index, "decisions/2023-01-15 Fort Mac offer.md")
        assert [r.key for r in story.reasons][:2] == ["Shauna's on 12 hr nights at NRGH", "Kenzie's in grade 9"]
        got = answer(index, "Len offered me a piece of Harbour Hopper, why'd I pass — was it the numbers?",
                     retriever=retriever)
        assert "line of credit" in got.text and "$2.19/L" in got.text, got.text


def test_cantonese_xi_mai_wei_zo_asks_why_and_sixty_something_asks_no_age(tmp_path):
    """"六十几岁仲去康乐颐养院揸接送车，我系咪为咗帮补？" (answer-vault-190) asks whether I took the driving job for
    the money: "系咪为咗" is "was it for", a why; "六十几岁" is how old I am, not "几岁", how old is…, and the age
    it asked for was in no note, so nothing was found."""
    from trainer.recall import asks
    from trainer.recall.retrieve import WHY_QUESTION

    assert WHY_QUESTION.search("搬去橫琴其實係咪為咗慳租啫？")
    assert asks.expected("乐乐今年几岁？").kind == "age"
    for index, retriever in bm25_in(FIXTURES / "answer-vault-190", tmp_path):
        got = answer(index, "六十几岁仲去康乐颐养院揸接送车，我系咪为咗帮补？", retriever=retriever)
        assert "2200蚊" in got.text and "理财锁死" in got.text, got.text


def test_whom_i_go_to_first_outranks_whom_i_tell_things(tmp_path):
    """"before a big call, who do I end up talking it over with first" (answer-vault-189): "Gus first, Tim's,
    saturday." lost its name with the sentence's first word (as "Rang" is no name), and "told Shauna it was
    lumpy", in more notes, made Shauna the one I go to. "where am I when I … make up my mind" asks a place."""
    from trainer.recall import shapes

    assert shapes.confidants([(1, "Gus first, Tim's, saturday."), (2, "Talked to Gus first on Terminal."),
                              (3, "told Shauna it was lumpy."), (4, "told Shauna it was around ten."),
                              (5, "told Shauna about the pool.")]) == {"Gus"}
    assert shapes.asked("where am I when I actually make up my mind on the big stuff").via == "place"
    assert is_pattern_question("where am I when I actually make up my mind on the big stuff")


def test_money_figures_against_what_i_planned_are_my_budgets(tmp_path):
    """"how do my money figures usually turn out vs what I planned" (answer-vault-189) asks whether my budgets hold:
    "came in at $49,800, not the $58,000 I figured in March", not "$31/hr vs $27.50 on the tug" alone."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-189", tmp_path):
        got = answer(index, "how do my money figures usually turn out vs what I planned", retriever=retriever)
        assert "$49,800" in got.text, got.text


def test_asking_whether_a_stated_reason_was_the_reason_is_a_why_question(tmp_path):
    """111 of the fixtures' why questions were read as plain questions, and lost the decision's reasons and
    take-backs: "¿qué me llevó a …?", "o Sienta foi mesmo comprado p/ o pai?", "was the octavia really bought for
    Pip's crate", "到底是不是为了豆豆上学". Asking for a fact in the same words is not a why."""
    from trainer.recall.retrieve import WHY_QUESTION

    for question in ("¿qué me llevó a arrancar la homologación del título en España?",
                     "o Sienta foi mesmo comprado p/ o pai?", "saí do coro por causa do joelho, certo?",
                     "was the octavia really bought for Pip's crate or what",
                     "What actually decided Kauri Ridge over Hillcrest for Ella?", "what got me to sign up for the rye?",
                     "be honest, was the crab price the reason I sold my half to Terry?",
                     "was war der echte grund, dass ich ausgezogen bin?", "kwa nini tulinunua the Isuzu?",
                     "买七宝那套房子 到底是不是为了豆豆上学？", "我幹嘛跑去登記工作室？", "なんで定休日を二日にしたんやっけ？",
                     "Did I take Kasia in for the money, or was there more to it?", "Whit made me sell Balnacraig?",
                     "왜 약사 언니 paid consults 시작했지? like what was I really going for"):
        assert WHY_QUESTION.search(question), question
    for question in ("how much did I end up owing CRA for 2024 because of the RRSP withdrawal?",
                     "O que é que a vizinha me disse sobre a zanga por causa do dinheiro do lar?",
                     "表叔找我借了多少，干嘛用的，还了没？", "what did the physio say was actually wrong wi my shoulder?",
                     "be honest — can I turn down family when they ask for something?", "工作上一受挫我通常会干嘛"):
        assert not WHY_QUESTION.search(question), question
    for index, retriever in bm25_in(FIXTURES / "answer-vault-193", tmp_path):
        got = answer(index, "¿qué me llevó a arrancar la homologación del título en España?", retriever=retriever)
        assert "113%" in got.text and "plan B" in got.text, got.text  # the first reason under "## por qué"


def test_a_table_that_says_no_beside_a_reason_takes_no_reason_back(tmp_path):
    """A review's income table ("| fev | R$ 7.100 | mudança, 1 semana parado |" … "não cobrei nada") names the
    reason "mudança" and says "não": it was quoted whole, 84 words, as my taking back why I moved to Pinheiros
    (answer-vault-162)."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-162", tmp_path):
        got = answer(index, "o que realmente pesou na mudança pra Pinheiros? foi o escritório?", retriever=retriever)
        assert "| mês |" not in got.text and "quarto extra" in got.text, got.text


def test_half_a_name_in_another_decisions_title_does_not_name_it(tmp_path):
    """"What actually decided Kauri Ridge over Hillcrest for Ella?" (answer-vault-192): the DP decision's title
    says "Kauri Park", and its "Kauri" was taken for the school asked about, so the answer told my reasons for not
    applying to be DP ("Nikau is only 8 and still needs me at 3pm")."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-192", tmp_path):
        got = answer(index, "What actually decided Kauri Ridge over Hillcrest for Ella?", retriever=retriever)
        assert "Ruby and Mia" in got.text and "Nikau" not in got.text, got.text


def test_am_i_good_at_guessing_what_things_cost_asks_about_my_budgets(tmp_path):
    """"sou boa a prever quanto as coisas vão custar?" (answer-vault-161), "am I any good at costing the big
    things", "¿le atino a lo que me van a costar las cosas?" ask whether my sums hold, as "do my budgets hold?"
    does; they quoted sentences that shared a word with the question instead. A single sum asked in the same
    words is no such question."""
    from trainer.recall import shapes
    from trainer.recall.answer import asks_a_shape

    for question in ("am I any good at costing the big things or do I always come in under?",
                     "¿le atino a lo que me van a costar las cosas o siempre me quedo corta?"):
        assert shapes.asked(question).via == "budget", question
    for index, retriever in bm25_in(FIXTURES / "answer-vault-161", tmp_path):
        got = answer(index, "sou boa a prever quanto as coisas vão custar?", retriever=retriever)
        assert "1.450 €" in got.text and "2.380 €" in got.text, got.text
        assert not asks_a_shape(index, "what did the ER visit at Mission end up costing us after insurance?")


def test_whom_i_talk_to_first_in_taglish(tmp_path):
    """"Sino ba una kong kinakausap bago ako mag-decide sa malalaking bagay?" (answer-vault-194) found no one:
    "kinausap ko muna si Kring", "si Kring ang una kong kinausap" name whom I went to first, and "nag sign up ako
    sa Fitness First" (a gym) was read as someone I went to first."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-194", tmp_path):
        got = answer(index, "Sino ba una kong kinakausap bago ako mag-decide sa malalaking bagay?", retriever=retriever)
        assert got.text.count("Kring") >= 2 and "Fitness First" not in got.text, got.text


def test_a_take_back_of_short_sentences_is_quoted_until_it_says_what_was(tmp_path):
    """"That's what I wrote and it's not false. But I'd have found the hours. I've always found the hours; that's
    my whole problem." stopped three sentences in, one short of "The board thing was really the give/get"
    (answer-vault-29): a take-back is quoted to about 30 words, whatever its sentences."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-29", tmp_path):
        got = answer(index, "what really made me quit the girls code board?", retriever=retriever)
        assert "give/get" in got.text, got.text


def test_where_my_big_decisions_get_made_on_the_way_somewhere(tmp_path):
    """"Where do my big decisions actually get made?" was no pattern question and found nothing over notes
    that say "Entschieden im ICE nach Hamburg" (answer-vault-174); "在什么地方拍板" found no 高铁 (answer-vault-184):
    a decision made in the van, on the train, on the drive home is where I decide. A question that asks when
    as well as where ("我都在什麼時候、什麼地方拍板") still asks the hour."""
    from trainer.recall import shapes

    assert shapes.asked("我都在什麼時候、什麼地方拍板重要的事？").via == "hour"
    for index, retriever in bm25_in(FIXTURES / "answer-vault-174", tmp_path / "de"):
        got = answer(index, "Where do my big decisions actually get made?", retriever=retriever)
        assert got.text.count("Entschieden") >= 3 and "ICE" in got.text, got.text
    for index, retriever in bm25_in(FIXTURES / "answer-vault-184", tmp_path / "zh"):
        got = answer(index, "我那些大决定通常是在什么地方拍板的", retriever=retriever)
        assert "G7196" in got.text and "G7197" in got.text, got.text
    for index, retriever in bm25_in(FIXTURES / "answer-vault-26", tmp_path / "en"):
        got = answer(index, "where do my big decisions actually get made, looking back?", retriever=retriever)
        assert "Riceville Road" in got.text and "Told Renee" not in got.text, got.text


def test_a_finnish_question_finds_the_words_its_endings_change(tmp_path):
    """"Miksi vaihdoin Corollan e-Niroon? Oliko bensan hinta oikeesti se syy?" found nothing in a Finnish vault
    (answer-vault-203): its "Corollan", "e-Niroon", "bensan" are the notes' "Corolla", "e-Niro", "bensa", and
    "oliko", "oikeesti", "miksi" weighed as subjects no note has. Finnish little words that are names or words
    elsewhere ("Kai", "Tama" for "tämä", "Kun", "Jo", Portuguese "multa") stay words."""
    assert {"kai", "tama", "kun", "jo", "multa"} <= set(terms("我跟 Kai 分手, Tama's number, Kun and Jo, a multa do IVA"))
    for index, retriever in bm25_in(FIXTURES / "answer-vault-203", tmp_path):
        got = answer(index, "Miksi vaihdoin Corollan e-Niroon? Oliko bensan hinta oikeesti se syy?",
                     retriever=retriever)
        assert "Päätökset/Auto e-Niro.md" in {s.path for s in got.sources} and "Corolla vaihdossa" in got.text, got.text


def test_hinglish_little_words_do_not_hide_the_subject(tmp_path):
    """"Vicky ka exit sach mein mutual tha ya kuch aur scene tha?" and "koi bhi bada call lene se pehle mera pehla
    phone kisko jaata hai?" found nothing (answer-vault-205): "kuch", "kisko", "pehla", "jaata" weighed as subjects
    no note has. They frame the question; and "kisko … pehla phone" asks whom I ring first. Hinglish words that are
    English ones stemmed ("tak": take, "jab", "diye": DIY) or names ("Len", "Bola", "Hui") are left as they are."""
    from trainer.recall.terms import is_frame

    assert not any(is_frame(t) for t in terms("take jabs DIY Len Bola Hui"))
    for index, retriever in bm25_in(FIXTURES / "answer-vault-205", tmp_path):
        got = answer(index, "Vicky ka exit sach mein mutual tha ya kuch aur scene tha?", retriever=retriever)
        assert "decisions/vicky-exit-terms.md" in {s.path for s in got.sources}, got.text
        got = answer(index, "koi bhi bada call lene se pehle mera pehla phone kisko jaata hai?", retriever=retriever)
        assert "Ravi mama first" in got.text, got.text


def test_instead_and_arabizi_little_words_do_not_hide_the_subject(tmp_path):
    """"what was really behind bringing o pai to live with me instead of the lar?" (answer-vault-91) and "3ashan eh
    gebt Sabah instead of bringing mama to live with us in Zahraa Gardens?" (answer-vault-202) found nothing: no note
    says "instead", "3ashan" or "eh", and a word no note has weighs the most. They frame the question."""
    for vault, question, path in (
            ("answer-vault-91", "what was really behind bringing o pai to live with me instead of the lar?",
             "decisoes/decisao-pai-em-casa.md"),
            ("answer-vault-202", "3ashan eh gebt Sabah instead of bringing mama to live with us in Zahraa Gardens?",
             "decisions/mama - live-in carer.md")):
        for index, retriever in bm25_in(FIXTURES / vault, tmp_path / vault):
            got = answer(index, question, retriever=retriever)
            assert path in {s.path for s in got.sources}, got.text


def test_where_i_decide_said_right_after_the_verb(tmp_path):
    """"Décidé sur la caisse de lait dans la ruelle" (answer-vault-204) and "decided at the whataburger on riverside"
    (answer-vault-170) say where, right after the verb, in words no list of places has; "decided in the end",
    "I decided: no Atlanta next year", "Entschieden im Juni" say no place."""
    from trainer.recall import shapes

    assert not shapes.DECIDED_OUTDOORS.search("I decided in the end to stay.")
    assert not shapes.DECIDED_OUTDOORS.search("I decided: no Atlanta next year.")
    assert not shapes.DECIDED_OUTDOORS.search("Entschieden im Juni, nach langem Hin und Her.")
    for index, retriever in bm25_in(FIXTURES / "answer-vault-204", tmp_path):
        got = answer(index, "Où pis quand est-ce que je finis par trancher mes décisions?", retriever=retriever)
        assert got.text.count("caisse de lait") >= 3, got.text


def test_whom_i_ring_first_in_finnish(tmp_path):
    """"Kenen kanssa mä käyn isot päätökset läpi ensimmäisenä …?" found nothing (answer-vault-203): "Soitin ensin
    Sirpalle", "Soitin Sirpalle ekana" say whom I rang first. The answer's own lines are English, not German (its
    "ja" and "mä" read as German)."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-203", tmp_path):
        got = answer(index, "Kenen kanssa mä käyn isot päätökset läpi ensimmäisenä, ja kuka kuulee niistä viimeisenä?",
                     retriever=retriever)
        assert got.text.count("Sirpalle") >= 3 and got.language == "en", got.text


def test_a_name_a_sum_or_a_day_asked_in_french_hinglish_or_finnish_that_no_note_has(tmp_path):
    """"Comment y s'appelle, le resto de Kev à Verdun?" (answer-vault-204), "Appa ki angioplasty … total bill kitna
    aaya tha?" (205) and "Milloin Eero valmistuu?" (203) ask a name, a sum and a day that no note has; they were
    answered with whatever sentences shared a word ("Y regarde des locaux à Verdun", the seed round's amounts)."""
    for vault, question in (("answer-vault-204", "Comment y s'appelle, le resto de Kev à Verdun?"),
                            ("answer-vault-205", "Appa ki angioplasty ka Jayadeva mein total bill kitna aaya tha?"),
                            ("answer-vault-203", "Milloin Eero valmistuu?")):
        for index, retriever in bm25_in(FIXTURES / vault, tmp_path / vault):
            got = answer(index, question, retriever=retriever)
            assert got.nothing_found, (question, got.text)


def test_a_korean_question_finds_its_notes_and_is_answered_in_korean(tmp_path):
    """A vault in Korean (answer-vault-208) said "nothing found" to 14 of its 16 answerable questions: Hangul was no
    token at all, so "레이 왜 샀더라 장보기 때문이었나" had no terms. A Korean word is a noun with its particle or a
    verb with its ending ("때문이었나", "수빈이한테"): the notes are searched by syllable pairs, and a question's
    words without their endings. "Who do I ask first" and "where do I decide" are asked in Korean too."""
    assert "때문" in terms("진짜 아빠 때문이었음?") and "레이" in terms("레이가 좋아")
    for index, retriever in bm25_in(FIXTURES / "answer-vault-208", tmp_path):
        got = answer(index, "레이 왜 샀더라 장보기 때문이었나", retriever=retriever)
        assert "decisions/차 - 레이.md" in {s.path for s in got.sources} and "가락시장" in got.text, got.text
        assert got.language == "ko" and "에 이렇게 적었다" in got.text, got.text
        got = answer(index, "큰 결정할 때 나 누구한테 제일 먼저 물어봄?", retriever=retriever)
        assert got.text.count("수빈") >= 3, got.text
        got = answer(index, "나 결정 보통 어디서 내림?", retriever=retriever)
        assert "목욕탕" in got.text, got.text


def test_a_town_an_age_and_a_sum_typed_short_ask_for_what_they_ask(tmp_path):
    """"a daiane tá em q cidade msm …?" (answer-vault-209) found nothing: the town was asked by its word, and her
    note says "moram em Braga". "qto o anderson ganha por mês no aplicativo?" is Portuguese typed to a chat ("qto"
    is "quanto"): no note has it, and "nothing found" is said in Portuguese. "how old was dora when i got her"
    (answer-vault-211, in lower case) was answered by "an 80 year old man" in a note on the land."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-209", tmp_path / "pt"):
        got = answer(index, "a daiane tá em q cidade msm e trabalha com o q?", retriever=retriever)
        assert "Braga" in got.text and "lar de idosos" in got.text, got.text
        got = answer(index, "qto o anderson ganha por mês no aplicativo?", retriever=retriever)
        assert got.nothing_found and got.language == "pt", got.text
    for index, retriever in bm25_in(FIXTURES / "answer-vault-211", tmp_path / "en"):
        assert answer(index, "how old was dora when i got her", retriever=retriever).nothing_found


def test_scots_little_words_do_not_hide_the_subject(tmp_path):
    """"when did mum move intae fernlea and whit room is she" found nothing (answer-vault-207): "intae" and "whit"
    weighed as subjects no note has, as did "bein" (being, its g dropped) in "was it really the mortgage bein
    cheaper than rent". And "whit's Callum's partner called again?" asks a name (answer-vault-129), which no note
    gives."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-207", tmp_path / "207"):
        got = answer(index, "when did mum move intae fernlea and whit room is she", retriever=retriever)
        assert "room 12" in got.text, got.text
        got = answer(index, "why did i buy the flat in partick, was it really the mortgage bein cheaper than rent",
                     retriever=retriever)
        assert "decisions/flat partick.md" in {s.path for s in got.sources}, got.text
    for index, retriever in bm25_in(FIXTURES / "answer-vault-129", tmp_path / "129"):
        got = answer(index, "whit's Callum's partner called again? mortifying that I cannae mind", retriever=retriever)
        assert got.nothing_found, got.text


def test_again_and_another_question_asks_to_be_reminded():
    """"who was the landlady in lisboa again and quanto per month" (answer-vault-211) was read as a pattern question
    ("again") and answered with "what comes back across these notes"; "again and again" does ask what recurs."""
    assert not is_pattern_question("who was the landlady in lisboa again and quanto per month")
    assert not is_pattern_question("who's dr otieno again and how do i know him")
    assert is_pattern_question("why do I end up in the same fight again and again?")


def test_japanese_katakana_words_and_where_and_whom_i_decide_with(tmp_path):
    """In a Japanese vault (answer-vault-212) katakana was no token ("スマホ", "ヤンマースタジアム" were not
    searched), and "茂って名古屋のどこ住んでて何の仕事してるんやったっけ" found nothing: 何 ("what") weighed as a
    subject. Where I make up my mind ("長居公園歩きながら決めた", "窯の前で決めた") and whom I tell first ("まず
    和ちゃんに電話", "佳代に先に見せた") are said in Japanese too."""
    assert "スマ" in terms("ガラケーやめてスマホにする")
    for index, retriever in bm25_in(FIXTURES / "answer-vault-212", tmp_path / "212"):
        got = answer(index, "茂って名古屋のどこ住んでて何の仕事してるんやったっけ", retriever=retriever)
        assert "税理士" in got.text, got.text
        got = answer(index, "私って大きいこと、どこで腹くくってる？なんか決まった場所ある？", retriever=retriever)
        assert got.text.count("長居") >= 2, got.text
    for index, retriever in bm25_in(FIXTURES / "answer-vault-172", tmp_path / "172"):
        got = answer(index, "大きいこと決める時、私だいたい最初に誰に話してる？", retriever=retriever)
        assert got.text.count("佳代") >= 2, got.text


def test_swahili_little_words_and_verbs_do_not_hide_the_subject(tmp_path):
    """"njeri anafanya kazi wapi, and how do i reach her coz she never picks" and "nilihama ngong lini and the rent
    was how much" found nothing (answer-vault-210): "wapi" (where), "lini" (when), "anafanya", "coz" weighed as
    subjects no note has, and "nilihama" (I moved) is the note "kuhama" with its person and tense."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-210", tmp_path):
        got = answer(index, "njeri anafanya kazi wapi, and how do i reach her coz she never picks", retriever=retriever)
        assert "KCB" in got.text, got.text
        got = answer(index, "nilihama ngong lini and the rent was how much", retriever=retriever)
        assert "16,500" in got.text, got.text


def test_where_i_decide_in_portuguese_at_the_waterfront(tmp_path):
    """"onde q eu costumo bater o martelo nas minhas decisões?" (answer-vault-209) got the story of my reasons: the
    notes say "fui na orla com a cuia … e foi ali q eu decidi" and "fechei a ideia domingo no banco da orla"."""
    from trainer.recall import shapes

    assert shapes.asked("onde q eu costumo bater o martelo nas minhas decisões?").via == "place"
    for index, retriever in bm25_in(FIXTURES / "answer-vault-209", tmp_path):
        got = answer(index, "onde q eu costumo bater o martelo nas minhas decisões?", retriever=retriever)
        assert got.text.count("orla") >= 2, got.text


def test_i_telt_everybody_takes_a_reason_back(tmp_path):
    """"I telt everybody it was my back … it was the Drumchapel job" (answer-vault-207, Scots) takes back the reason
    I gave for leaving the road, as "I told everybody" does; the answer said only the back."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-207", tmp_path):
        got = answer(index, "why did i actually leave the road, was it the back like i told folk", retriever=retriever)
        assert "Drumchapel" in got.text, got.text


def test_a_word_that_ends_in_in_is_not_a_dropped_g(tmp_path):
    """"bein" is "being" typed with the g dropped, a function word; "thin" is a word, not "thing"."""
    notes = {"health/weight.md": "# Weight\n\n2024-03-01: the doctor said I'm too thin since the flu, eat more.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        assert "thin" in retriever.terms_of("why was I so thin last spring?")
        assert "bein" not in retriever.terms_of("was it really the mortgage bein cheaper than rent")


def test_japanese_cost_asked_with_nanbo_or_ikura(tmp_path):
    """"田村さんの時給、いくらにしてたっけ？" (answer-vault-172) was answered with the bakery's other sums: いくら and
    なんぼ were no cost ask, and 円 no sum. The group home's "月16万5千円" still answers a question that asks its
    name and its monthly fee at once, and kanji in a Japanese question are its words, not names."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-172", tmp_path):
        assert answer(index, "田村さんの時給、いくらにしてたっけ？", retriever=retriever).nothing_found
        got = answer(index, "お母ちゃんのグループホーム、名前と月額なんぼやった？", retriever=retriever)
        assert "16万5千円" in got.text, got.text


def test_turkish_and_polish_questions_are_searched_by_their_stems(tmp_path):
    """Turkish and Polish change a word's end ("plakasını", "kupiłem"), and their question words ("neden", "czemu")
    weighed as subjects no note has: most questions in answer-vault-216 (Kraków) and 217 (Istanbul) found nothing.
    They are searched as Finnish is, by the start of each word, and a phone-typed "i" finds "ı"."""
    from trainer.recall.terms import fold, inflecting

    assert inflecting("taksi plakasını neden satmıştım ya, gerçekten bel yüzünden miydi?")
    assert inflecting("czemu ja właściwie kupiłem ten drugi piec?")
    assert not inflecting("¿por qué me traje a mi amá a vivir conmigo?")
    assert fold("satmıştım") == "satmistim" and fold("kupiłem") == "kupilem"
    for index, retriever in bm25_in(FIXTURES / "answer-vault-217", tmp_path):
        got = answer(index, "dükkanın kirası kaçtı, kontratı hangi tarihte kimle imzaladık", retriever=retriever)
        assert "27.500" in got.text, got.text
        assert not got.text.startswith(("Am ", "Na ")), got.text  # Turkish is not German or Portuguese
    for index, retriever in bm25_in(FIXTURES / "answer-vault-216", tmp_path):
        got = answer(index, "ile było tego kredytu, na ile lat i jaka rata?", retriever=retriever)
        assert "120 000" in got.text, got.text


def test_habit_words_in_polish_turkish_vietnamese_and_hinglish_ask_a_pattern():
    for question in ("jaki błąd z mąką ja ciągle robię??", "kararlarımı hep nerde veriyorum, bi yer var mı",
                     "mình thường chốt quyết định ở đâu, lúc nào?", "kaunsi galti baar baar repeat karta hoon yaar"):
        assert is_pattern_question(question), question
    assert not is_pattern_question("kiedy Danka ma urodziny, znowu zapomniałem")


def test_sums_in_lira_zloty_dong_and_lakh():
    from trainer.recall import asks

    for text in ("4.850.000 TL", "68 000 zł", "2,65 tỷ", "13,3 triệu", "₹3 lakh"):
        assert asks.SUM.search(text), text
    assert asks.expected("ile kosztował drugi piec?").kind == "cost"
    assert asks.expected("căn hộ giá bao nhiêu?").kind == "cost"


def test_whom_i_ask_first_and_where_i_decide_in_vietnamese_polish_and_turkish(tmp_path):
    """"mình thường chốt quyết định ở đâu?" (where do I settle decisions) and "kogo ja się pierwszego pytam…?" (whom
    do I ask first) were read as plain questions: the notes say "gọi anh Tùng trước tiên", "Hỏi ông Tùng trước đã",
    "đi bộ quanh hồ Văn Quán … thì biết là mình ko đi" (answer-vault-214, Hanoi)."""
    from trainer.recall import shapes

    assert shapes.asked("kogo ja się pierwszego pytam jak mam coś dużego postanowić?").via == "confidant"
    assert shapes.asked("büyük bi karar verirken ilk kime danışıyorum genelde").via == "confidant"
    assert shapes.asked("kararlarımı hep nerde veriyorum, bi yer var mı").via == "place"
    assert shapes.CONSULTED.search("tercih listesini ilk Cemal abiye gösterdim dükkanda.")
    assert shapes.CONSULTED.search("Najpierw zadzwoniłem do Staszka.")
    for index, retriever in bm25_in(FIXTURES / "answer-vault-214", tmp_path):
        got = answer(index, "mình thường chốt quyết định ở đâu, lúc nào?", retriever=retriever)
        assert "hồ Văn Quán" in got.text, got.text
        got = answer(index, "mấy chuyện lớn mình hay hỏi ai đầu tiên? mà có nghe theo ko", retriever=retriever)
        assert got.text.count("Tùng") >= 2, got.text


def test_a_note_written_a_line_at_a_time_is_quoted_a_line_at_a_time(tmp_path):
    """"Rang him first thing, 6.30, he was up of course" / "Put it on Trade Me asking $11,500" (answer-vault-218): the
    answer quoted "… he was up of course Put it on Trade Me …" as one run-on sentence. A line whose next one opens
    with a capital ends its sentence; prose wrapped by an editor keeps its lines together."""
    from trainer.vault.parse import LINE_END, line_ends

    notes = {"decisions/2024-01-22-the-ute.md": "# Selling the ute\n\nSelling the ute, rego and insurance are $1,850 a yr "
             "for a ute I dont need.\nStumpy said sell it before the clutch goes again\nPut it on Trade Me asking "
             "$11,500. Gone Sat.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "why did I sell the ute?", retriever=retriever)
        assert "Trade Me" in got.text and "again Put" not in got.text, got.text
    prose = ("I had been thinking about the move for weeks and when the offer came from\n"
             "Jonas at the studio it was easier to say yes than I expected it to be, so\n"
             "I did.")
    assert LINE_END not in line_ends(prose)


def test_a_held_inflected_word_is_searched_in_its_commonest_form(tmp_path):
    """"plakayı kaça kime satmıştım, paranın hepsi ne zaman geldi" (to whom and for how much did I sell the plate,
    and when did all the money come, answer-vault-217) quoted other notes' sentences: the sale's own note says
    "plaka", "satılan", "para". A word of a Turkish, Polish or Finnish question is searched in the commonest form
    the vault has of it."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-217", tmp_path):
        got = answer(index, "plakayı kaça kime satmıştım, paranın hepsi ne zaman geldi", retriever=retriever)
        assert "Recep Demirci" in got.text and "4.850.000" in got.text, got.text


def test_polish_turkish_and_vietnamese_words_that_take_a_reason_back(tmp_path):
    """"Ale tak szczerze, sam przed soba: to nie bylo o te pieniądze" (answer-vault-146) takes back the money I gave as
    the reason for leaving Midland Freight, as "honestly, it wasn't the money" does; the answer gave the table alone."""
    from trainer.recall.decisions import ECHO_CUE, REAL_REASON

    for said in ("Ale tak szczerze, sam przed soba", "yani o sebebi kendime uydurmuşum", "Nói cho thật: mình đón bố mẹ"):
        assert ECHO_CUE.search(said), said
    assert REAL_REASON.search("asıl sebebi sana hiç söylemedim")
    for index, retriever in bm25_in(FIXTURES / "answer-vault-146", tmp_path):
        got = answer(index, "czemu ja wlasciwie odszedlem z Midland Freight do Kestrel w 2023?", retriever=retriever)
        assert "Hollisem" in got.text, got.text


def test_whom_i_call_first_in_hinglish(tmp_path):
    """"koi bhi bada decision ho, sabse pehle kisko phone karta hoon main?" (answer-vault-215) found nothing: the
    notes say "Sabse pehle Neha di ko phone kiya", "Neha di ko call kiya sabse pehle", and a sentence that opens on
    the name ("Neha di ko …") lost it with its first word, which in English is the verb ("Rang Niamh first")."""
    from trainer.recall import shapes

    assert not shapes.CONSULTED.search("Papa ko abhi nahi bataya")  # not told: no one I went to
    for index, retriever in bm25_in(FIXTURES / "answer-vault-215", tmp_path):
        got = answer(index, "koi bhi bada decision ho, sabse pehle kisko phone karta hoon main?", retriever=retriever)
        assert got.text.count("Neha") >= 2, got.text


def test_what_i_do_when_stressed_in_turkish(tmp_path):
    """"canım sıkılınca, stres olunca napıyorum ben" (answer-vault-217) got sentences that share no word with it:
    the notes say where I walked ("sahil boyu yürüdüm", "Moda burnuna kadar yurudum"), in other words each time."""
    for index, retriever in bm25_in(FIXTURES / "answer-vault-217", tmp_path):
        got = answer(index, "canım sıkılınca, stres olunca napıyorum ben", retriever=retriever)
        assert "sahil boyu" in got.text and "Moda burnu" in got.text, got.text

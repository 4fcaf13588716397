""""How do I sleep before a deadline?", "can I say no when someone asks a favour?": a pattern whose
evidence has a plain shape is answered from the notes that hold it, whatever their words
(`trainer.recall.shapes`)."""

from __future__ import annotations

import pytest
from reflect_support import bm25_over, dated_notes

from trainer.recall.answer import answer
from trainer.recall.shapes import SHAPES, asked
from trainer.recall.reflect import PATTERN

FILLER = dated_notes("A deadline at work and a favour for the garden club")
"""Notes that share the questions' words and show neither shape."""
NOTES = {
    **FILLER,
    "journal/2025-03-06.md": "---\ndate: 2025-03-06\n---\n# CVPR week\n\nAverage 4.5 hours a night, slept in the "
                             "lab on Thursday.\n",
    "journal/2025-06-01.md": "---\ndate: 2025-06-01\n---\n# Before the hearing\n\nEczema on my knuckles again, "
                             "cotton gloves to bed.\n",
    "journal/2025-02-10.md": "---\ndate: 2025-02-10\n---\n# Tuesday\n\nMarcus wanted fourteen NDAs reviewed by Friday. "
                             "Of course I said yes.\n",
    "journal/2024-09-03.md": "---\ndate: 2024-09-03\n---\n# Tuesday\n\nTom messaged asking for a hand with his "
                             "pergola in Bundoora. Of course I said yes, on the spot.\n",
    "journal/2025-04-02.md": "---\ndate: 2025-04-02\n---\n# Mrs Kostas\n\nHer gate again. Agreed to rehang it on "
                             "Saturday, our own skirting still primed against the wall.\n",
}


def shaped_answer(notes: dict[str, str], question: str, tmp_path) -> str:
    """`question` answered over `notes` and the filler notes (BM25 only)."""
    vault = bm25_over({**FILLER, **notes}, tmp_path)
    index, retriever = next(vault)
    try:
        return answer(index, question, retriever=retriever).text
    finally:
        vault.close()


def says_all(text: str, *said: str) -> None:
    for words in said:
        assert words in text, text


ASKED = [
    ("what does my sleep look like in the run-up to a deadline?", "strain"),
    ("o que meu corpo costuma aprontar quando tem prazo chegando?", "strain"),
    ("am I any good at knocking back people who want help?", "favour"),
    ("别人开口要我帮忙的时候，我通常怎么回？", "favour"),
    ("跟人闹了别扭，我一般是咋处理的？", "conflict"),
    ("how do I usually handle it when I fall out with someone?", "conflict"),
    ("where do I go off to when something's weighing on me?", "coping"),
    ("quand ça va mal, onde é que eu vou parar?", "coping"),
    ("como é que eu durmo antes de uma entrega grande?", "strain"),
    ("考試前我瞓覺點樣？", "strain"),
    ("what do I do when a colleague needs a shift covered?", "favour"),
    ("am I any good at refusing extra work?", "favour"),
    ("when my sister and I disagree, what do I tend to do?", "conflict"),
    ("同老公有矛盾嘅时候我点做？", "conflict"),
    ("what do I do when there's friction with someone? like is there a pattern", "conflict"),
    ("am I good at budgeting big things?", "budget"),
    ("what do I end up doing after a rough day at work?", "coping"),
    ("where do my big calls usually get made?", "place"),
    ("我一般啥时候拍板？", "hour"),
    ("how do the garage bills compare to what I figured?", "budget"),
    ("do I always make big decisions at weird hours?", "hour"),
    ("que hora eu costumo tomar as decisões grandes?", "hour"),
    ("我計數係咪成日計少咗？", "budget"),
    ("我開始啲新習慣通常撐到幾耐就甩？", "quit"),
    ("os meus projetos pessoais, onde é que costumam morrer?", "quit"),
    ("what happens with the stuff I start, gym, courses, etc?", "quit"),
    ("o que acontece com as coisas que eu começo?", "quit"),
    ("what do I end up doing when everything gets on top of me?", "coping"),
    ("depois de uma ocorrência pesada, o que é que eu faço para me aguentar?", "coping"),
    ("工作上一受挫我通常会干嘛", "coping"),
    ("家裡出事之後我通常會幹嘛？", "coping"),
    ("我做决定一般都先找哪个商量", "confidant"),  # Sichuan 哪个: who
    ("有事的時候我是不是都先找同一個人", "confidant"),
    ("我是不是大事都喜欢半夜定哦", "hour"),
    ("大事我一般啥时候才告诉我妈？", None),  # when I tell her (after it is done), not at what hour
    ("what mistake do I keep making?", None),
    ("what do I keep getting wrong with my garden?", None),
    ("do i use money as the excuse for stuff that wasn't really about money?", "owned"),
    ("我是不是经常拿妈和豆豆当借口，真话不说出来", "owned"),
    ("eu costumo ir até o fim nas coisas que eu começo? curso, exercício, essas coisas", "quit"),
    ("what keeps happening with the stuff I start in winter?", "quit"),
    ("学点啥子总是学不长，一般坚持得了好久", "quit"),
    ("我拿主意之前是不是总要先问同一个人", "confidant"),
    ("como o Thiago costuma ficar sabendo das minhas decisões?", "told"),
    ("que tipo de coisas é que escondo da minha mãe?", "told"),
    ("what do I keep from Dad?", "told"),
    ("o que é que acontece aos cursos e hobbies que começo?", "quit"),
    ("我是不是都在大夜下班還沒睡的時候做大決定？幫我看一下", "hour"),
    ("值大夜遇到很慘的事之後 我通常都幹嘛", "coping"),
]
"""How a pattern question asks for a shape, in the words people use ("durmo", 瞓覺, a shift
"covered", "refusing", disagreeing, "a rough day", "where do my big calls get made", "what I
figured", "weird hours", 計少, "撐到幾耐就甩", where projects "costumam morrer"), and questions that
ask for none."""


@pytest.mark.parametrize(("question", "via"), ASKED)
def test_a_question_asks_for_the_shape_of_its_evidence(question, via):
    shape = asked(question)
    assert (shape.via if shape else None) == via


def test_a_stomach_acting_up_or_waking_at_four_is_the_body_under_strain():
    """The stomach ("Azia a noite inteira", "胃从下午就开始烧", "heartburn"), waking at an hour
    ("a acordar às 4h", "四點就醒"), Cantonese sleep ("瞓唔着") were not read as strain."""
    strain = next(s for s in SHAPES if s.via == "strain")
    for said in ("Azia a noite inteira, aquela que sobe até a garganta.", "Terceira noite seguida a acordar às 4h.",
                 "胃从下午就开始烧，吃了两片胃乳片。", "這整個禮拜每天都四點就醒。", "瞓唔着。",
                 "Heartburn all night before the hearing."):
        assert strain.holds(said, ""), said
    assert not strain.holds("Bought a new kettle for the office.", "")
    assert not strain.holds("提醒自己周五交报告。", "")  # a reminder wakes no one


def test_a_fever_is_my_body_under_strain_only_when_it_is_mine():
    """"A Priscila … porque o Theo tá com febre" was quoted as my body before a deadline (a vault-38
    copy, in the TUI): a fever or a cold counts when the sentence says it is mine."""
    strain = next(shape for shape in SHAPES if shape.via == "strain")
    for mine in ("Fiquei com febre a noite toda antes da entrega.", "I had a fever the week of the audit.",
                 "我发烧了，还是去了。"):
        assert strain.holds(mine, ""), mine
    for theirs in ("A Priscila mandou mensagem às 18h perguntando se eu ficava com o sábado dela porque o Theo tá "
                   "com febre.", "Mum has the flu again.", "女儿发烧了。"):
        assert not strain.holds(theirs, ""), theirs


def test_a_hand_going_up_a_shift_picked_up_or_work_done_for_nothing_is_a_yes():
    """A yes is also said by doing: "my hand went up", "Peguei o plantão extra do Diego", "put my
    name down for two bank shifts", "Gave it to them for nothing", "帮 Kiki 画婚礼嘢 … 零收入"."""
    favour = next(s for s in SHAPES if s.via == "favour")
    for said in ("Helen asked if anyone could take extra Saturdays and my hand went up.",
                 "Peguei o plantão extra do Diego na UTI domingo.", "Put my name down for two bank shifts.",
                 "Gave it to them for nothing.", "Eu levantei a mão.", "30 几个钟，全部零收入。"):
        assert favour.holds(said, ""), said
    assert not favour.holds("The shift pattern changes in March.", "")


def test_the_ways_a_diary_says_it_slept_badly_or_said_yes():
    from trainer.recall.shapes import SAID_YES, SLEPT

    for said in ("I'd been awake from 2am.", "Lots of 5-6h nights, coffee at 16h.", "The watch says I averaged 5h50 "
                 "a night.", "Entrei hoje à noite com 3h30 de sono.", "昨晚三点还醒着。", "出發前一晚只睡兩個小時"):
        assert SLEPT.search(said), said
    for said in ("Told him sure before my brain caught up.", "Falei \"claro\" antes dela terminar a frase.",
                 "eu me voluntariei pra montar o material.", "大家都在看筆電，我就說我來。", "我回「沒問題」。"):
        assert SAID_YES.search(said), said
    from trainer.recall.shapes import REACTED, WENT
    assert REACTED.search("Went quiet for two days, then said sorry.") and REACTED.search("我们冷战了三天。")
    assert WENT.search("Walked down to the river at Santos and sat there.") and WENT.search("Desci até à Foz.")
    assert not SLEPT.search("Macro-F1 is 0.76, up from 0.71 with the plain BiLSTM.")  # found using the product
    assert not SLEPT.search("Sold six loaves at the market.") and not SAID_YES.search("Sold six loaves at the market.")


def test_sleep_and_the_body_before_a_deadline_come_from_notes_that_say_so(tmp_path):
    for index, retriever in bm25_over(NOTES, tmp_path):
        got = answer(index, "what does my sleep look like in the run-up to a deadline?", retriever=retriever)
    assert "4.5 hours" in got.text and "Eczema" in got.text, got.text


def test_a_question_in_no_words_of_the_notes_that_asks_a_shape_is_answered_by_it(tmp_path):
    """"what does my body do in the days right before something important is due?" holds no word a
    pattern question is known by, and no note holds its words ("body", "important", "due"): it said
    nothing found. It asks a shape (the body under strain), so the notes that show one answer it. A
    question asking one fact ("what was my blood pressure at my last physical?") is not answered by
    a night of 4.5 hours."""
    for index, retriever in bm25_over(NOTES, tmp_path):
        got = answer(index, "what does my body do in the days right before something important is due?",
                     retriever=retriever)
        fact = answer(index, "what was my blood pressure at my last physical?", retriever=retriever)
    assert not got.nothing_found and "4.5 hours" in got.text and "Eczema" in got.text, got.text
    assert fact.nothing_found, fact.text


def test_one_short_night_is_no_pattern_for_a_question_in_none_of_the_notes_words(tmp_path):
    """The same question over a vault where one note alone shows the shape (the sample vault's
    training log: "If I slept under six hours, the hangboard stays on the wall") was answered with
    that and two sentences that only said "important": one note is no pattern, so nothing found."""
    notes = {**FILLER, "journal/2025-03-06.md": NOTES["journal/2025-03-06.md"]}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "what does my body do in the days right before something important is due?",
                     retriever=retriever)
    assert got.nothing_found, got.text


def test_favours_come_from_the_notes_where_i_said_yes(tmp_path):
    for index, retriever in bm25_over(NOTES, tmp_path):
        got = answer(index, "do I ever say no when someone asks me for a favour?", retriever=retriever)
    assert "fourteen NDAs" in got.text or "said yes" in got.text, got.text
    assert "rehang" in got.text, got.text
    assert "pergola" in got.text, got.text  # "Of course I said yes" alone does not say to what


def test_a_short_yes_brings_the_ask_before_it_and_a_bill_its_quote(tmp_path):
    from trainer.recall.compose import note_sentences, shaped_sentences

    for index, _ in bm25_over(NOTES, tmp_path):
        note = index.get("journal/2024-09-03.md")
        cands = note_sentences(note, 1, 0)
        shaped = shaped_sentences(cands, asked("can I say no when someone asks a favour?"))
    assert {c.text[:10] for c in cands if (c.n, c.pos) in shaped} == {"Tom messag", "Of course "}


CONFIDANT_NOTES = {
    **dated_notes("Deciding things in the garden club and who rings the bell first"),
    "decisions/2024-03-dara.md": "---\ndate: 2024-03-08\ntags: [decision]\n---\n# Dara\n\nBreaking it off with Dara. "
                                 "Rang Niamh before I said anything to anyone.\n",
    "decisions/2024-11-loan.md": "---\ndate: 2024-11-20\ntags: [decision]\n---\n# Loan to Dad\n\nLending Dad €4,000 for "
                                 "the parlour. (texted Niamh first, she said do it but get it in writing.)\n",
    "journal/2025-09-09.md": "---\ndate: 2025-09-09\n---\nMáire rang about the job. Didn't say no!! Rang Niamh straight "
                             "after obviously.\n",
    "journal/2026-02-03.md": "---\ndate: 2026-02-03\n---\nI told Paddy about leaving. In his office, 8.15 before consults.\n",
    "journal/2025-06-01.md": "---\ndate: 2025-06-01\n---\nDrove down Friday, the Fiesta making that noise again.\n",
}


def test_who_i_go_to_first_when_deciding_is_the_one_most_notes_say_i_asked(tmp_path):
    """"Who do I always ring first when I'm deciding something?" names no one the notes use as its
    subject: the answer is the person I rang, texted or told in the most notes (Niamh, three
    notes), not the one I told once (Paddy), nor sentences on other things."""
    assert asked("who do I always ring first when I'm deciding something?").via == "confidant"
    assert asked("quem é que eu vou sempre consultar antes de decidir alguma coisa?").via == "confidant"
    assert asked("遇到大事我一般第一个找谁聊？").via == "confidant"
    assert asked("who did I decide to hire?") is None
    from trainer.recall.shapes import CONSULTED
    assert CONSULTED.search("同Vivian傾咗成個鐘") and CONSULTED.search("跟 Kelvin 讲了")  # a name after a Chinese verb
    for index, retriever in bm25_over(CONFIDANT_NOTES, tmp_path):
        got = answer(index, "who do I always ring first when I'm deciding something?", retriever=retriever)
    assert got.pattern and got.text.count("Niamh") >= 3, got.text
    assert "Paddy" not in got.text and "Fiesta" not in got.text, got.text


QUIT_NOTES = {
    **dated_notes("Things I started this year and the point of the garden club"),
    "journal/2023-12-03.md": "---\ndate: 2023-12-03\n---\nCouch to 5k. I got to week 6 (the 25 min one) and just... "
                             "stopped.\n",
    "journal/2024-05-12.md": "---\ndate: 2024-05-12\n---\nSkipped Irish class again. That's week 5 of 10 and I think "
                             "I'm after giving up on it.\n\nThe Fiesta is making that noise again.\n",
    "journal/2025-05-log.md": "---\ndate: 2025-05-30\n---\nPottery. Class 5. Didn't book 6.\n",
}


def test_where_i_give_things_up_is_answered_by_the_counted_stage_i_stopped_at(tmp_path):
    """"At what point do I usually give up on things?" shares no word with "I got to week 6 and just
    stopped" or "Class 5. Didn't book 6": a stage counted beside a stop is the evidence, and only it."""
    assert asked("em que ponto eu costumo largar as coisas q começo?").via == "quit"
    assert asked("我开始一个新爱好 一般能坚持多久啊").via == "quit"
    for index, retriever in bm25_over(QUIT_NOTES, tmp_path):
        got = answer(index, "at what point do I usually give up on things?", retriever=retriever)
    assert got.pattern and all(s in got.text for s in ("week 6", "week 5 of 10", "Didn't book 6")), got.text
    assert "Fiesta" not in got.text, got.text


def test_what_happens_to_what_i_start_is_where_i_give_up(tmp_path):
    """"what happens with the stuff I start, gym, courses, etc?" asks where I stop (a blind vault got
    nothing found: no shape heard it)."""
    for index, retriever in bm25_over(QUIT_NOTES, tmp_path):
        got = answer(index, "what happens with the stuff I start, gym, courses, etc?", retriever=retriever)
    assert got.pattern and all(s in got.text for s in ("week 6", "week 5 of 10", "Didn't book 6")), got.text


def test_a_stage_in_words_a_few_sentences_from_the_stop_is_where_i_gave_up(tmp_path):
    """"Doze semanas." sits three sentences after "Hidroginástica: acabou."; "Três meses certinhos"
    opens the paragraph after "Não volto ao Orfeão"; "第 8 堂" spaces its number: each counts the
    stage I stopped at, and "quanto tempo é que eu aguento" asks for it."""
    notes = {**dated_notes("Coisas que comecei e o clube de jardinagem"),
             "diario/2023-04-20.md": "---\ndate: 2023-04-20\n---\nOntem foi o último ensaio. Não volto ao Orfeão.\n\n"
                                     "Três meses certinhos, entrei em janeiro.\n",
             "diario/2023-12-07.md": "---\ndate: 2023-12-07\n---\nHidroginástica: acabou.\n\nComecei a 12 de setembro. "
                                     "A água quente ajuda. Doze semanas. A Carla pedia-me ajuda com as senhoras.\n",
             "diario/2024-03-01.md": "---\ndate: 2024-03-01\n---\n瑜珈上到第 8 堂之後就沒去了。\n"}
    question = "quanto tempo é que eu aguento nas coisas que começo?"
    assert asked(question).via == "quit"
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, question, retriever=retriever)
    assert all(s in got.text for s in ("Três meses certinhos", "Doze semanas", "第 8 堂")), got.text


def test_where_no_note_counts_the_stage_the_best_of_the_rest_answers(tmp_path):
    """A question about giving things up over notes that never count the stage ("Stopped going to
    pottery", no "class 5") is answered from them, not "nothing found": the shape narrows the
    sentences only where two notes show it (a blind vault lost two answers to it: false nothing-found +0.12)."""
    notes = {**dated_notes("Things I started this year and the garden club"),
             "journal/2024-02-01.md": "---\ndate: 2024-02-01\n---\nStopped going to pottery. I always give up once it gets hard.\n",
             "journal/2024-09-01.md": "---\ndate: 2024-09-01\n---\nGave up on the Irish course, same as the running.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "at what point do I usually give up on things?", retriever=retriever)
    assert not got.nothing_found and "give up" in got.text, got.text


def test_who_i_go_to_first_with_no_one_named_twice_is_nothing_found(tmp_path):
    """The demo vault tells of asking someone in one note ("I asked Groenwerk for it"): "who do I
    usually call first when I'm deciding something big?" quoted watering rules and aphids beside it;
    now it says nothing found. (Two notes naming two people still answer: "Fernanda" and "Nanda"
    are one friend.)"""
    notes = {k: v for k, v in CONFIDANT_NOTES.items()
             if k not in ("decisions/2024-11-loan.md", "journal/2025-09-09.md", "journal/2026-02-03.md")}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "who do I usually call first when I'm deciding something big?", retriever=retriever)
    assert got.nothing_found, got.text


def test_who_i_run_things_by_where_i_drop_things_and_how_i_count_money_are_asked_in_more_ways():
    """"who do i always run stuff by first" asks who I go to; "how long before I usually drop am?"
    and "then stop going" ask where I give up; "我算钱是不是老算少啊" asks whether my sums hold."""
    assert asked("who do i always run stuff by first").via == "confidant"
    assert asked("why I no dey finish things I start? how long before I usually drop am?").via == "quit"
    assert asked("why I keep paying for classes and gym then stop going one").via == "quit"
    assert asked("我算钱是不是老算少啊").via == "budget"
    for question in ("porque é que nunca chego ao fim das atividades em que me meto?",
                     "pq eu nunca termino as coisas que começo? academia, corrida etc",
                     "what happens to my hobbies? 为什么总是坚持不下来"):
        assert asked(question).via == "quit", question
        assert PATTERN.search(question), question


def test_whether_i_use_one_thing_as_my_excuse_is_a_question_across_notes(tmp_path):
    """"I dey use this car loan as excuse for everything?" asks what recurs: the notes where the
    car loan was my reason for saying no (it was nothing found, the notes sharing too few words)."""
    notes = {
        "decisions/2023-08-car-loan.md": "---\ndate: 2023-08-21\ntags: [decision]\n---\n# Car loan for the Corolla\n\n"
        "Took the car loan: ₦180k a month for 36 months.\n",
        "journal/2024-03-02.md": "---\ndate: 2024-03-02\n---\n# Saturday\n\nOga offered me the Onne desk. I said no, the car "
        "loan. Can't risk a pay cut.\n",
        "journal/2024-10-12.md": "---\ndate: 2024-10-12\n---\n# Zanzibar\n\nThe girls are going to Zanzibar in December. "
        "Told them I can't because of the car loan. Then I spent ₦450k on a new phone.\n",
        "journal/2025-02-01.md": "---\ndate: 2025-02-01\n---\nMarket day. Bought tomatoes and pepper for the stew.\n",
    }
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "I dey use this car loan as excuse for everything?", retriever=retriever)
    assert "I said no, the car loan" in got.text and "because of the car loan" in got.text, got.text


def test_where_i_go_after_a_big_decision_is_the_places_not_the_decisions_reasons(tmp_path):
    """"after big decision I always go where ah?" asks where I go to get through it: "drove straight
    to Batu Ferringhi" after signing, "walked straight to the beach" after resigning; not the
    story of how the condo's reasons changed."""
    notes = {
        "decisions/2023-11-condo.md": "---\ndate: 2023-11-20\ntags: [decision]\n---\n# Condo with Pei Wen\n\nSigned for the "
        "condo in Gelugor with Pei Wen.\n\nWhy:\n- Rent is dead money.\n- Near the hospital.\n\nAfter signing I drove "
        "straight to Batu Ferringhi, sat on the sand until sunset.\n",
        "journal/2024-11-30.md": "---\ndate: 2024-11-30\n---\n# Last locum\n\nTold Mr Khoo I'm done with Saturdays. Then walked "
        "straight to the beach at Tanjung Bungah and sat there an hour.\n",
        "reviews/2025-01-01.md": "---\ndate: 2025-01-01\n---\n# 2024\n\nHonestly the condo was about feeling grown up, "
        "not the rent.\n",
        "journal/2025-02-01.md": "---\ndate: 2025-02-01\n---\nMarket day. Bought durian and kaya.\n",
    }
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "after big decision I always go where ah?", retriever=retriever)
    assert "drove straight to Batu Ferringhi" in got.text and "walked straight to the beach" in got.text, got.text
    assert "feeling grown up" not in got.text, got.text


def test_who_i_go_to_first_comes_before_when_someone_hears():
    """"纠结大事的时候我一般第一个找谁？老周什么时候才知道" asks first whom I go to; its "什么时候" is
    when Lao Zhou hears, not the hour I decide at."""
    assert asked("纠结大事的时候我一般第一个找谁？老周什么时候才知道").via == "confidant"
    assert asked("我拍板大事一般都是在什么时候？").via == "hour"


def test_who_i_asked_in_chinese_is_read_from_asked_or_sent_to_and_not_from_did_not_tell():
    """"问了鹿鸣，她说…", "给小鹿发了截图" say whom I went to; "没跟我妈说" says whom I did not, and
    three notes of not telling Mum must not make her the one I ask first."""
    from trainer.recall.shapes import CONSULTED, confidants

    assert CONSULTED.search("问了鹿鸣，她说你是不是有病") and CONSULTED.search("转完给小鹿发了截图")
    assert not CONSULTED.search("没跟我妈说") and not CONSULTED.search("先不告诉我妈")
    said = [(1, "没跟我妈说。"), (2, "还是没跟我妈说。"), (3, "别告诉我妈。"), (4, "问了小鹿，她说行。"), (5, "给小鹿发了截图。")]
    assert confidants(said) == {"小鹿"}


def test_whom_i_ask_first_is_read_from_notes_typed_without_capitals(tmp_path):
    """Dictated notes with no capitals: "called ray from the yard first thing", "talked it thru with ray
    at the TA" name whom I go to in lower case; "Called the shop" (a capital opens it) and "called him
    back" name no one."""
    from trainer.recall.shapes import confidants, consulted

    assert consulted("called ray from the yard first thing") and consulted("talked it thru with ray at the TA in seville")
    assert not consulted("Called the shop about the tyres.") and not consulted("called him back after supper")
    said = [(1, "sent the listing to ray before i even told deb."), (2, "talked it thru with ray at the TA."),
            (3, "called ray from the yard first thing."), (4, "called kayla before school.")]
    assert confidants(said) == {"ray"}
    notes = {
        "decisions/2023-06-14 the cascadia.md": "---\ndate: 2023-06-14\n---\nbought the cascadia. sent the listing to "
                                                "ray before i even told deb.\n",
        "decisions/2024-02-11 tyler.md": "---\ndate: 2024-02-11\n---\ntyler is going to florida. talked it thru with "
                                         "ray at the TA over pie.\n",
        "decisions/2025-01-19 selling the truck.md": "---\ndate: 2025-01-19\n---\nselling the truck. called ray from "
                                                     "the yard first thing.\n",
        "log/2024-05-02.md": "---\ndate: 2024-05-02\n---\nfixed the trailer lights, 3 hrs.\n",
    }
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "who do i always run stuff by first", retriever=retriever)
        assert not got.nothing_found and got.text.count("ray") >= 2, got.text


def test_whether_my_schedules_hold_is_answered_by_time_planned_against_time_taken(tmp_path):
    """"meus prazos de job sempre estouram?" shares no word with "eu falei 6 dias, foram 11" or "EVT
    close. 14 weeks total (plan 6 lol)": the evidence is a planned time beside the time taken, in
    notes about other things; "3 月起降到 ¥25,000/月" names months of the calendar, not a duration."""
    from trainer.recall.shapes import overran

    assert asked("meus prazos de job sempre estouram? quanto?").via == "overrun"
    assert asked("我的时间表是不是每次都会 delay? how bad").via == "overrun"
    behind = asked("O que é que eu costumo fazer quando estou atrasado nos estudos?")
    assert behind is None or behind.via != "overrun"  # what I do when behind, not whether plans hold
    assert overran("EVT close. 14 weeks total (plan 6 lol)") and overran("eu falei 6 dias, foram 11")
    assert not overran("Went to Lisbon for 3 weeks.") and not overran("工资: 1-2 月 ¥35,000/月, 3 月起降到 ¥25,000/月")
    notes = {
        "diario/2024-06-30.md": "---\ndate: 2024-06-30\n---\nJob da SubLab: eu falei 6 dias, foram 11.\n",
        "diario/2025-03-02.md": "---\ndate: 2025-03-02\n---\nLivro da Quintal entregue. 30 dias virou 52.\n",
        "diario/2025-04-10.md": "---\ndate: 2025-04-10\n---\nAcademia de manhã, depois almoço com a Carol.\n",
    }
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "meus prazos de job sempre estouram? quanto?", retriever=retriever)
        assert "foram 11" in got.text and "virou 52" in got.text, got.text


def test_whether_my_written_reasons_are_the_real_ones_is_answered_by_where_i_owned_up(tmp_path):
    """"are the reasons I write down usually the real ones?" shares its words with a note on how I
    write ("I write the reasons down in the green notebook"); the answer is where I owned up, in
    notes that share none of them: "Honestly it was …", "It wasn't about the rent"."""
    notes = {
        "decisions/2024-03-01-sell-the-boat.md": "---\ndate: 2024-03-01\n---\n# Sell the boat\n\nDecided to sell the "
        "boat.\n\nReasons:\n- the mooring fees\n- no time to sail\n",
        "decisions/2024-06-01-move-to-leith.md": "---\ndate: 2024-06-01\n---\n# Move to Leith\n\nDecided: the Leith "
        "flat.\n\nReasons:\n- the rent is lower\n- nearer work\n",
        "journal/2024-09-10.md": "---\ndate: 2024-09-10\n---\nWalked past the marina. Honestly it was Dad's boat and I "
        "could not sail it without him.\n",
        "journal/2025-01-05.md": "---\ndate: 2025-01-05\n---\nNew year. It wasn't about the rent at all; I wanted to "
        "be out of the street where everyone knew Sam.\n",
        "journal/2024-02-02.md": "---\ndate: 2024-02-02\n---\nI write the reasons down in the green notebook, the real "
        "ones usually in pencil.\n",
    }
    for index, retriever in bm25_over(notes, tmp_path):
        for question in ("are the reasons I write down usually the real ones?",
                         "when I write down why I decided something, are those the real reasons?"):
            got = answer(index, question, retriever=retriever)
            assert "Dad's boat" in got.text and "everyone knew Sam" in got.text, (question, got.text)
            assert "green notebook" not in got.text, got.text
    assert asked("as razões que escrevo quando decido costumam ser as verdadeiras?").via == "owned"


LONG_YES = ("Of course I said yes to Marcus, who wanted help, and his fourteen NDAs meant the "
            "whole of Thursday evening and most of "
            "Friday morning went on them while my own filing sat there and the kids ate toast for dinner and I told "
            "myself it was only this once, which it never is, as Dana pointed out over the toast.")


def test_one_long_sentence_does_not_crowd_a_pattern_out_of_other_notes(tmp_path):
    """A pattern is told across notes: a sixty-word yes costs two notes' short ones, so the short
    ones go first ("Of course I said yes, on the spot." is as much a yes as the long one)."""
    notes = {**FILLER,
             "journal/2025-02-10.md": f"---\ndate: 2025-02-10\n---\n# Tuesday\n\n{LONG_YES}\n",
             **{f"journal/2024-0{m}-03.md": f"---\ndate: 2024-0{m}-03\n---\n# Day\n\n{who} asked for a hand with "
                f"{what}. Of course I said yes.\n"
                for m, who, what in ((3, "Tom", "his pergola"), (4, "Ana", "her move"), (5, "Raj", "the fete"),
                                     (6, "Lou", "the quiz"), (7, "Bea", "her boiler"))}}
    for index, retriever in bm25_over(notes, tmp_path):
        got = answer(index, "am I any good at knocking back people who want help?", retriever=retriever)
    assert all(name in got.text for name in ("Tom", "Ana", "Raj", "Lou", "Bea")), got.text


def test_help_i_ask_for_or_get_is_no_favour_asked_of_me():
    """"Am I any good at asking my sister for help?", "o que costuma me ajudar quando bate uma crise
    de pânico?" ask about help I ask for or get, not the yeses I give ("when people ask me for help",
    "有人搵我幫手"): read as favours, they were answered with shifts I covered."""
    for mine in ("Am I any good at asking my sister for help?", "costumo pedir ajuda ou faço tudo sozinho?",
                 "o que costuma me ajudar quando bate uma crise de pânico?"):
        assert getattr(asked(mine), "via", None) != "favour", mine
    for theirs in ("When friends or coworkers ask me for help, what do I tend to do?", "有人搵我幫手嗰陣我通常點反應?",
                   "亲戚朋友街坊叫我帮手画嘢，通常会变成点？", "别个找我帮忙的时候我一般咋个反应？"):
        assert asked(theirs).via == "favour", theirs


def test_what_i_keep_putting_off_is_answered_by_where_i_put_things_off(tmp_path):
    """"what do i keep putting off" names nothing the notes say; the answer is where I put a thing
    off ("Phoned back and put it off", "once the clipping's by", "Still nae will") or left it to the
    last day ("no último dia"), across notes, and not the rest of those notes."""
    notes = {**FILLER,
             "decisions/2025-02-20-knee.md": "---\ndate: 2025-02-20\n---\n# Knee\n\nMr Anand offered the knee "
             "replacement for 24 March. Phoned back and put it off. The ewes are in good heart.\n",
             "diary/2024-05-28.md": "---\ndate: 2024-05-28\n---\nBack sore again. I'll go to the doctor once the "
             "clipping's by. Sold 40 hoggs at Lanark.\n",
             "diary/2026-01-04.md": "---\ndate: 2026-01-04\n---\nNew year. Still nae will. Bought a new quad tyre.\n",
             "diario/2025-06-10.md": "---\ndate: 2025-06-10\n---\nEntreguei a declaração do IR no último dia, 22h.\n"}
    assert asked("what do i keep putting off").via == "delay"
    assert asked("eu sou de fazer as coisas em cima da hora?").via == "delay"
    text = shaped_answer(notes, "what do i keep putting off", tmp_path)
    says_all(text, "put it off", "once the clipping's by", "Still nae will")
    assert "hoggs" not in text and "quad tyre" not in text, text
    calm = {"journal/2025-06-20.md": "---\ndate: 2025-06-20\n---\nSold the car. I put the money from the sale into "
            "the balcony garden.\n", "journal/2025-07-01.md": "---\ndate: 2025-07-01\n---\nWater in the morning.\n"}
    text = shaped_answer(calm, "what do I keep putting off?", tmp_path / "calm")  # no note puts anything off:
    assert "put the money" not in text, text  # nothing found, not "put the money from the sale"


def test_who_i_ring_first_in_cantonese_is_the_friend_not_myself(tmp_path):
    """"WhatsApp咗阿Mo先", "打俾Mo" say whom I went to; "同自己講係因為…" (what I told myself) is no one
    I consulted, and was the answer to "有大事我通常第一個搵邊個傾？"."""
    notes = {**FILLER,
             "決定/搬出嚟住.md": "---\ndate: 2023-09-03\n---\n# 搬出嚟住\n\n決定咗搬出嚟。WhatsApp咗阿Mo先，佢秒覆：「早就應該搬」。\n",
             "決定/買Linea Mini.md": "---\ndate: 2024-02-13\n---\n# 買機\n\n3:15am 瞓唔著，打俾Mo。佢話買啦。\n",
             "日記/2024-01-13.md": "---\ndate: 2024-01-13\n---\n唔去飲茶。同自己講係因為星期五收工收到11點幾。\n",
             "日記/2025-01-04.md": "---\ndate: 2025-01-04\n---\n八月嗰陣我同自己講唔搬埋係為咗儲錢。\n"}
    text = shaped_answer(notes, "有大事我通常第一個搵邊個傾？", tmp_path)
    says_all(text, "阿Mo", "打俾Mo")
    assert "同自己講" not in text, text


def test_a_budget_table_is_told_by_its_total_and_a_forgotten_cost_counts(tmp_path):
    """Across notes, "do I always underestimate how much things cost ah?" is answered by a table's
    total ("TOTAL: 25,000, 41,300"), not its first row (the kitchen cabinet), by a sum in ringgit
    that ran over ("Over by RM 16,300"), and by a cost I forgot to budget."""
    notes = {**FILLER,
             "duit/condo reno.md": "---\ndate: 2024-03-10\n---\n# Reno: budget vs actual\n\n"
             "| item | budget (RM) | actual (RM) |\n|---|---|---|\n| kitchen cabinet | 9,000 | 14,800 |\n"
             "| wardrobe x2 | 5,000 | 7,600 |\n| **TOTAL** | **25,000** | **41,300** |\n",
             "journal/2024-07-05.md": "---\ndate: 2024-07-05\n---\nDone, moved in. Over by RM 16,300. Bought plants.\n",
             "journal/2025-11-02.md": "---\ndate: 2025-11-02\n---\nRoad tax came to RM 90, which I forgot to budget "
             "for. Lunch with Aileen.\n"}
    text = shaped_answer(notes, "do I always underestimate how much things cost ah?", tmp_path)
    says_all(text, "41,300", "RM 16,300", "forgot to budget")


def test_where_i_gave_up_in_chinese_weeks_and_never_went_again():
    """"刚好7个礼拜。之后就再也没去过了。", "到今天去了6次，最近两个礼拜一次没去。", "四月頭開始冇去": a stage
    counted in 礼拜 and a stop said as never going again were no quitting at all."""
    quit_ = next(s for s in SHAPES if s.via == "quit")
    for said, around in (("最后一次去是3月5号，刚好7个礼拜。", "之后就再也没去过了。"),
                         ("到今天去了6次，最近两个礼拜一次没去。", ""),
                         ("上咗三堂。", "四月頭開始冇去。")):
        assert quit_.holds(said, around), said
    assert not quit_.holds("刚好7个礼拜没下雨。", "")


def test_what_i_do_after_a_row_is_the_message_i_never_sent_and_the_silence(tmp_path):
    """After a row I draft and delete, go quiet, or say nothing: "Drafted a seven-paragraph email.
    Deleted it.", "Não respondi. Fiquei muda o dia todo.", "写了一大段又删了，一个字都没发出去。" were no reaction
    to "how do I usually handle it when I fall out with someone?"."""
    notes = {**FILLER,
             "journal/2025-03-02.md": "---\ndate: 2025-03-02\n---\nRow with Rui about the van. Drafted a seven-paragraph "
             "email. Deleted it.\n\nThe bakery on Rua Nova had sourdough again, so I bought two loaves.\n",
             "diario/2025-05-11.md": "---\ndate: 2025-05-11\n---\nO Rui outra vez com a conversa do dinheiro. Não respondi. "
             "Fiquei muda o dia todo. A horta precisa de água.\n",
             "日记/2025-08-20.md": "---\ndate: 2025-08-20\n---\n跟弟媳吵了几句。写了一大段又删了，一个字都没发出去。晚饭吃了面。\n"}
    text = shaped_answer(notes, "how do I usually handle it when I fall out with someone?", tmp_path)
    says_all(text, "seven-paragraph email", "Não respondi", "一个字都没发出去")
    assert "sourdough" not in text and "晚饭" not in text, text


def test_what_i_buy_after_a_rough_day_is_where_the_money_went(tmp_path):
    """"Ordered a pair of New Balance 990v6", "買咗對 Bose QC Ultra", "pedi uma air fryer": what I buy
    after a bad day is how I get through it, as much as where I walk."""
    notes = {**FILLER,
             "journal/2025-03-14.md": "---\ndate: 2025-03-14\n---\nPost-mortem ran to eight. Went home and ordered a "
             "pair of New Balance 990v6, ¥1,499.\n\nThe plants on the balcony need repotting before the summer.\n",
             "日記/2025-06-02.md": "---\ndate: 2025-06-02\n---\n開完會好攰。返到屋企喺網上買咗對 Bose QC Ultra，HK$2,899。\n",
             "diario/2025-09-10.md": "---\ndate: 2025-09-10\n---\nSemana pesada no trabalho. Na quarta à noite pedi uma "
             "air fryer nova na Amazon.\n"}
    text = shaped_answer(notes, "after a rough day, what do I tend to do with my money?", tmp_path)
    says_all(text, "990v6", "Bose QC Ultra", "air fryer")


def test_owning_up_in_plain_words_answers_whether_my_reasons_hold():
    """"three reasons and none of them the reason", "So it was never the rates.", "I made that up to
    myself", "era uma desculpa bonita", "当时写的不是真的" own up without "honestly" or "the real reason"."""
    owned = next(s for s in SHAPES if s.via == "owned")
    for said in ("So that's that, three reasons and none of them the reason.", "So it was never the rates.",
                 "The mice? I made that up to myself.", "Foi o ego, não o dinheiro.", "那几条当时写的不是真的。",
                 "I called it independence."):
        assert owned.holds(said, ""), said
    assert not owned.holds("The rates went up again in March.", "")
    assert not owned.holds("Called it a day at four.", "")


def test_a_relation_rung_first_and_a_stage_counted_in_weekdays():
    """"Primeiro liguei ao tio" names a relation, not a capitalised name; "I lasted six Thursdays",
    "went five Thursdays. Didnae go on the sixth." count where I gave up in weekdays, in Scots."""
    from trainer.recall.shapes import CONSULTED, confidants

    assert CONSULTED.search("Primeiro liguei ao tio, à 1h.") and CONSULTED.search("Rang my sister before anything.")
    assert confidants([(1, "Primeiro liguei ao tio."), (2, "Liguei ao tio à 1h.")]) == {"tio"}
    quit_ = next(s for s in SHAPES if s.via == "quit")
    assert quit_.holds("I lasted six Thursdays.", "")
    assert quit_.holds("Aqua fit: went five Thursdays.", "Didnae go on the sixth.")


def test_a_name_put_first_is_whom_i_went_to_first_whatever_the_verb(tmp_path):
    """"Kakao'd Yuna first" (a messenger made a verb) and "Yuna first, as always." say whom I went
    to first with no verb the shape knew: only "Called Yuna first" was quoted for "who do I always go
    to first when I'm deciding something?". A first time or thing is no one."""
    from trainer.recall.shapes import CONSULTED

    notes = {"decisions/2023-08-20-flat.md": "---\ndate: 2023-08-20\n---\nTaking the flat. Called Yuna first.\n",
             "decisions/2024-02-11-job.md": "---\ndate: 2024-02-11\n---\nSaying yes to the job. Kakao'd Yuna first.\n",
             "decisions/2025-07-30-hours.md": "---\ndate: 2025-07-30\n---\nFour-day week. Yuna first, as always.\n"}
    text = shaped_answer(notes, "who do I always go to first when I'm deciding something?", tmp_path)
    says_all(text, "Called Yuna first", "Kakao'd Yuna first", "Yuna first, as always")
    assert not CONSULTED.search("Lisbon first time, then Porto.")


def test_how_someone_finds_out_about_my_decisions_is_where_i_told_them_late(tmp_path):
    """"how does Fiona usually end up finding out about my stuff?" shares no word with "Fiona found out
    about Kasia from Jean's Facebook" or "Still havent told T"; it asks who learns of my decisions,
    and when, and those sentences say it."""
    notes = {**FILLER,
             "journal/2025-04-02.md": "---\ndate: 2025-04-02\n---\nFiona found out about Kasia from Jean's Facebook. "
             "She was not pleased.\n\nThe allotment needs its rhubarb split this spring.\n",
             "journal/2025-09-14.md": "---\ndate: 2025-09-14\n---\nSigned for the ute. Still havent told T.\n",
             "diario/2025-11-02.md": "---\ndate: 2025-11-02\n---\nDecidi vender o carro. Só contei à Zaida depois.\n"}
    assert asked("how does Fiona usually end up finding out about my stuff?").via == "told"
    text = shaped_answer(notes, "how does Fiona usually end up finding out about my stuff?", tmp_path)
    says_all(text, "from Jean's Facebook", "havent told T", "Só contei à Zaida depois")

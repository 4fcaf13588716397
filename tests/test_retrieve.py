"""Retrieval: BM25 with field boosts, Chinese, link hop, relevance, sync with the index."""

from __future__ import annotations

import shutil

import pytest
from reflect_support import FIXTURE_VAULT, bm25_over, indexed

from trainer.recall.retrieve import Retriever
from trainer.recall.terms import query_terms, stem, terms


@pytest.fixture
def retriever(tmp_path):
    index = indexed(FIXTURE_VAULT, tmp_path)
    r = Retriever(index)
    yield r
    r.close()
    index.close()


def paths(retrieval):
    return [h.path for h in retrieval.hits]


def test_terms_join_word_forms_and_split_chinese_into_pairs():
    assert stem("moving") == stem("moved") == stem("move")
    assert stem("decides") == stem("decided")
    assert terms("学习日记") == ["学习", "习日", "日记"]
    assert query_terms("我为什么决定读书？") == ["决定", "定读", "读书"]  # 什么 dropped
    # Cantonese particles make no subject either: "佢住", "住咗" are seams, as "我的" is
    assert "佢住" not in query_terms("Winnie 電話幾號？佢住邊區？")
    assert query_terms("阿媽 2025 嚟探我哋住咗幾耐？") == ["阿妈", "2025"]
    # a question word is cut out whole: "哪天上岗" asks when 上岗 was, and "天上" is in a note on an opera
    assert query_terms("哪天上岗的？月租多少？") == ["上岗", "月租"]


def test_a_number_is_one_term_whatever_its_thousands_separator():
    assert terms("os 4000 euros") == terms("4.000€") == terms("€4,000") == terms("4k") == ["4000"]
    assert terms("€2.5k, 5km") == ["2500", "5km"]
    assert terms("2.5x") == ["2", "5x"] and terms("2025-03-08") == ["2025", "03", "08"]  # decimals, dates stay


def test_english_question_finds_the_decision_note_first(retriever):
    found = retriever.retrieve("why did I buy a bicycle instead of a scooter?")
    assert paths(found)[0] == "decisions/2024-05-bike-over-scooter.md"
    assert "Cost" in found.hits[0].excerpt


def test_chinese_question_finds_the_chinese_note(retriever):
    found = retriever.retrieve("我为什么决定睡前读书？")
    assert paths(found)[0] == "zh/读书笔记.md"
    assert "看手机" in found.hits[0].excerpt


def test_title_match_outranks_a_body_match(retriever):
    found = retriever.retrieve("tomato")
    assert paths(found)[:2] == ["projects/tomatoes.md", "projects/kitchen.md"]


def test_a_note_linked_from_the_best_hit_outranks_an_unlinked_one(retriever):
    # Both journal notes mention the bicycle once; only the first links to the decision.
    found = retriever.retrieve("bicycle scooter decision")
    order = paths(found)
    assert order.index("journal/2024-05-12.md") < order.index("journal/2024-06-01.md")
    linked = next(h for h in found.hits if h.path == "journal/2024-05-12.md")
    assert "link" in linked.via and linked.linked_from


def test_nothing_relevant_gives_no_hits(retriever):
    assert retriever.retrieve("why did I buy a motorbike?").nothing_found
    assert retriever.retrieve("为什么我决定搬到上海？").nothing_found


def test_an_edited_note_is_searchable_after_the_next_scan(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURE_VAULT, vault)
    index = indexed(vault, tmp_path)
    retriever = Retriever(index)
    assert retriever.retrieve("kayak").nothing_found
    note = vault / "journal" / "2024-06-01.md"
    note.write_text(note.read_text() + "\nBooked a kayak lesson for July.\n")
    from trainer.vault.scan import scan_vault

    scan_vault(vault, index)
    assert paths(retriever.retrieve("kayak")) == ["journal/2024-06-01.md"]
    retriever.close()
    index.close()


def test_sample_vault_english_and_chinese(sample_vault, tmp_path):
    index = indexed(sample_vault, tmp_path)
    retriever = Retriever(index)
    notion = retriever.retrieve("why did I move from Notion to Obsidian?")
    assert paths(notion)[0] == "decisions/2025-03-notion-to-obsidian.md"
    assert "journal/2025-03-14.md" in paths(notion)
    morning = retriever.retrieve("我为什么决定每天早上练习中文？")
    assert paths(morning)[0] == "zh/学习日记-2025-05.md"
    assert retriever.retrieve("Why did I switch from Vim to Emacs?").nothing_found
    retriever.close()
    index.close()


@pytest.mark.slow
def test_embeddings_fuse_with_bm25_and_are_cached(tmp_path):
    pytest.importorskip("sentence_transformers")
    from trainer.recall import embed

    if not embed.available():
        pytest.skip("the embedding model package (second-brain[embed]) is not installed")
    index = indexed(FIXTURE_VAULT, tmp_path)
    retriever = Retriever.open(index, "on")
    found = retriever.retrieve("why did I buy a bicycle instead of a scooter?")
    assert paths(found)[0] == "decisions/2024-05-bike-over-scooter.md"
    assert "meaning" in found.hits[0].via and found.hits[0].cosine > 0.5
    cached = retriever.dense.conn.execute("SELECT count(DISTINCT content_hash) FROM chunks").fetchone()[0]
    assert cached == index.count()
    retriever.close()
    index.close()


@pytest.mark.slow
def test_a_place_no_note_names_is_not_found_by_meaning_alone(tmp_path):
    """Every trip with Owen is close in meaning to "the Gatlinburg trip with Owen"; no note names
    Gatlinburg, so the answer is "nothing found", while the trip the notes do name is found."""
    pytest.importorskip("sentence_transformers")
    from trainer.recall import embed

    if not embed.available():
        pytest.skip("the embedding model package (second-brain[embed]) is not installed")
    index = indexed(FIXTURE_VAULT.parent / "answer-vault-19", tmp_path)
    retriever = Retriever.open(index, "on")
    assert retriever.retrieve("How did the Gatlinburg trip with Owen go?").nothing_found
    assert not retriever.retrieve("How did the Hocking Hills trip with Owen go?").nothing_found
    retriever.close()
    index.close()


CHINESE_NOTES = {
    "decisions/2025-03-02 爸爸不搬来.md": "---\ndate: 2025-03-02\n---\n# 爸爸不搬来广州\n\n"
    "跟爸爸商量了一晚上，最后决定他不搬来广州跟我住。他在老家有一帮下棋的朋友，广州夏天太热，"
    "我的房子只有一个房间，我上夜班他一个人在家更孤单。\n",
    "journal/2025-03-20.md": "# 2025-03-20\n\n下班后去江边跑步，配速慢了，膝盖有点疼。\n",
    "money/2024-11-05 借给哥哥.md": "---\ndate: 2024-11-05\n---\n# 借给哥哥 ¥6,000\n\n"
    "哥哥的店要交房租，先借他¥6,000，说好过年前还。\n",
}


@pytest.fixture
def chinese(tmp_path):

    yield from bm25_over(CHINESE_NOTES, tmp_path)


def test_a_chinese_question_in_other_words_finds_the_note(chinese):
    # "老爸" where the note says "爸爸"; "没让" and "起住" straddle words and are in no note
    _, retriever = chinese
    found = retriever.retrieve("为什么没让老爸搬来广州一起住？")
    assert paths(found)[:1] == ["decisions/2025-03-02 爸爸不搬来.md"]
    assert retriever.retrieve("为什么我决定搬到上海？").nothing_found  # 上海 is in no note: still a subject


def test_an_english_question_finds_the_chinese_note_by_everyday_words_and_numbers(chinese):
    _, retriever = chinese
    for question in ("Why did I lend my brother the 6,000?", "why did I lend my brother 6k back in 2024?"):
        assert paths(retriever.retrieve(question))[:1] == ["money/2024-11-05 借给哥哥.md"]  # 2024: its date


def test_chinese_pairs_that_straddle_two_words_are_seams():
    from trainer.recall.retrieve import cjk_seams

    asked = query_terms("没让老爸搬来广州一起住")
    held = {"老爸", "搬来", "来广", "广州", "一起"}
    assert cjk_seams(asked, held) == {"让老", "爸搬", "州一", "起住"}
    assert cjk_seams(query_terms("搬到上海"), {"搬到"}) == {"到上"}  # 上海 overlaps no held pair: a subject


BRAZILIAN_NOTES = {
    "dinheiro/forno.md": "---\ndate: 2024-08-10\n---\n# Forno novo\n\nComprei o forno elétrico em 12 parcelas "
    "de R$ 380. A loja entrega em setembro.\n",
    "vendas/2024-12-15 feira.md": "# Feira de Natal\n\nVendi 23 canecas na feira de Natal da praça em dezembro, "
    "R$ 1.610 no total.\n",
    "diario/2025-02-03.md": "# 2025-02-03\n\nCorri 8 km de manhã, joelho bem.\n",
    "diario/2025-03-12.md": "# 2025-03-12\n\nLarguei o coral: os ensaios de quinta batiam com o cursinho.\n",
    "pessoas/thiago.md": "# Thiago\n\nMeu irmão mora em Braga. Diz que motorista lá ganha 1.400 euros e que eu devia ir.\n",
}


@pytest.fixture
def brazilian(tmp_path):

    yield from bm25_over(BRAZILIAN_NOTES, tmp_path)


def test_informal_brazilian_portuguese_and_english_find_portuguese_notes(brazilian):
    _, retriever = brazilian
    # "tá", "mesmo", "pra" are function words; "prestação" is what the note calls "parcelas"
    assert paths(retriever.retrieve("quanto tá saindo cada prestação do forno mesmo?"))[:1] == ["dinheiro/forno.md"]
    assert paths(retriever.retrieve("how much did I make at the Christmas fair in December?"))[:1] == \
        ["vendas/2024-12-15 feira.md"]
    assert paths(retriever.retrieve("pq eu larguei o coral aquela vez? foi msm pelo cursinho?"))[:1] == \
        ["diario/2025-03-12.md"]  # "pq", "msm", "aquela" as typed in a hurry
    assert paths(retriever.retrieve("How much did my brother say I'd earn driving over there?"))[:1] == \
        ["pessoas/thiago.md"]


def test_chinese_words_that_frame_a_question_need_not_be_in_the_note(chinese):
    _, retriever = chinese
    found = retriever.retrieve("当初跑步的时候膝盖一般是啥情况？")  # 当初, 时候, 一般, 啥: how it is asked
    assert paths(found)[:1] == ["journal/2025-03-20.md"]


def test_glossary_words_that_stem_alike_stay_apart():
    from trainer.recall.terms import forms

    assert "aviao" not in forms("plan") and "plano" in forms("plan")  # "plane" stems to "plan"
    assert "aviao" in forms("flight")
    assert "obra" not in forms("work") and "bathroom" not in forms("casa")  # "works", "casa de banho"


def test_everyday_paraphrases_find_the_note(tmp_path):

    notes = {"decisions/2025-06-20-selling.md": "# Selling\n\nSold it to Marta from the bakery: eleven drives "
             "since January and about €190 a month in insurance and parking.\n",
             "journal/2025-03-02.md": "# 2025-03-02\n\nThe bike needs new brakes; the shop says two weeks.\n"}
    for _, retriever in bm25_over(notes, tmp_path):
        # "got rid of" is how I sold it; "exactly" only frames the question
        assert paths(retriever.retrieve("why exactly did I get rid of it?"))[:1] == ["decisions/2025-06-20-selling.md"]


def test_a_portuguese_question_over_english_notes_by_everyday_words(tmp_path):

    notes = {"journal/2025-02-09.md": "# 2025-02-09\n\nWe adopted Bran today, a retired greyhound and our first dog. "
             "The rescue asked €250.\n",
             "journal/2025-02-10.md": "# 2025-02-10\n\nBread again: the rye starter is finally lively.\n"}
    for _, retriever in bm25_over(notes, tmp_path):
        found = retriever.retrieve("Quanto custou adotar a cadela e de onde é que ela veio?")  # "veio": how it is asked
        assert paths(found)[:1] == ["journal/2025-02-09.md"]


def test_casual_english_finds_the_note(tmp_path):

    notes = {"money/2025-04-11.md": "# 2025-04-11\n\nSold the house on Poplar Street for $182,000; closing on May 2.\n",
             "health/2025-01-20.md": "# 2025-01-20\n\nThe doctor says my A1C is 7.4. Started walking after dinner.\n",
             "journal/2025-02-01.md": "# 2025-02-01\n\nRehearsal ran late again; the drumline was short two kids.\n"}
    for _, retriever in bm25_over(notes, tmp_path):
        assert paths(retriever.retrieve("what did I unload the Poplar St place for?"))[:1] == ["money/2025-04-11.md"]
        assert paths(retriever.retrieve("what did the doc say when I started walking?"))[:1] == ["health/2025-01-20.md"]
        assert paths(retriever.retrieve("what stuff did I get for the place when I unloaded it?"))[:1] == \
            ["money/2025-04-11.md"]  # a place is a house; "stuff" says nothing


def test_european_portuguese_as_spoken_finds_the_note(tmp_path):

    notes = {"decisoes/2024-10-02-fechar-segundas.md": "# Fechar às segundas\n\nA partir de novembro a tasca fecha "
             "às segundas. As segundas faturavam 180 € e eu estava a trabalhar doze dias seguidos.\n",
             "diario/2025-03-04.md": "# 2025-03-04\n\nQueimei o braço no forno ao tirar o cabrito. Três semanas "
             "fora da cozinha.\n"}
    for _, retriever in bm25_over(notes, tmp_path):
        # "acabei por", "dar", "foram", "pouco" are how it is said, not what it is about
        assert paths(retriever.retrieve("porque é que acabei por fechar às segundas? foram mesmo por dar pouco?"))[:1] \
            == ["decisoes/2024-10-02-fechar-segundas.md"]
        assert paths(retriever.retrieve("when did I burn my arm, and how long was I out of the kitchen?"))[:1] == \
            ["diario/2025-03-04.md"]


def test_weekdays_and_seasons_cross_languages(tmp_path):

    notes = {"work/2025-01-10.md": "# 2025-01-10\n\nThird Friday off work since I went to four days. Spent it at the "
             "allotment.\n",
             "journal/2024-10-02.md": "# 2024-10-02\n\nAutumn already: the bike commute is dark both ways.\n"}
    for _, retriever in bm25_over(notes, tmp_path):
        found = retriever.retrieve("Eu tenho conseguido mesmo não trabalhar às sextas desde que passei a quatro dias?")
        assert paths(found)[:1] == ["work/2025-01-10.md"]


def test_a_question_asking_two_things_finds_the_note_that_answers_one(tmp_path):
    """"quando o Rafa foi contratado e quanto ele ganha?": no note says "ganha" (the pay is in a sum), and
    the word no note holds weighs the most, so no note held half the question and nothing was
    found; Rafa's note holds all of its first part. A part naming no one the notes know is no
    way in: "quando a Bia foi contratada e quanto ela ganha?" finds nothing."""
    notes = {"pessoas/rafa.md": "---\ndate: 2025-04-10\n---\n# Rafa\n\nO Rafa foi contratado para o café a 3 de março. "
                                "R$ 1.800 por mês.\n",
             "diario/2025-05-01.md": "---\ndate: 2025-05-01\n---\n# Feira\n\nFui à feira. O café está cheio.\n",
             "diario/2025-05-02.md": "---\ndate: 2025-05-02\n---\n# Colheita\n\nComeçou a colheita no terreiro.\n"}
    for _, retriever in bm25_over(notes, tmp_path):
        assert paths(retriever.retrieve("quando o Rafa foi contratado e quanto ele ganha?"))[:1] == ["pessoas/rafa.md"]
        assert retriever.retrieve("quando a Bia foi contratada e quanto ela ganha?").nothing_found


def test_what_i_owe_is_held_by_a_sum(tmp_path):
    """"how much did I end up owing Revenue for 2024?": the note says "Revenue bill for 2024:
    €1,240", never "owing"; a sum in a note naming Revenue holds what the question asks (as it
    holds "cost" and "charge"). A note without a sum does not."""
    notes = {"money/tax-2024.md": "---\ndate: 2025-03-01\n---\n# Tax 2024\n\nRevenue bill for 2024 came in. €1,240, "
                                  "paid by transfer.\n",
             "money/tax-2023.md": "---\ndate: 2024-03-01\n---\n# Tax 2023\n\nRevenue letter for 2023 filed away.\n",
             "journal/2025-05-01.md": "---\ndate: 2025-05-01\n---\n# Market\n\nBought eggs and bread at the market.\n"}
    for _, retriever in bm25_over(notes, tmp_path):
        assert paths(retriever.retrieve("how much did I end up owing Revenue for 2024?"))[:1] == ["money/tax-2024.md"]


TYPED_OTHERWISE = [
    # "puttin": no note says it, and as the rarest word it outweighed Pop and Harbourview, so nothing
    # was found. Read as "putting", it is "put"; "Dublin" is no "Dubling", and stays as typed.
    ({"big calls/pop.md": "---\ndate: 2024-11-08\n---\n# Pop going into Harbourview\n\nPop goes into "
                          "Harbourview in Carbonear. Why: the stove, 3 times. Putting it off no longer.\n",
      "journal/2024-12-01.md": "---\ndate: 2024-12-01\n---\nVisited Pop at Harbourview. Weather in Dublin bad.\n",
      "people/donna.md": "---\ndate: 2024-01-01\n---\n# Donna\n\nMy wife. Nursing course at CNA.\n"},
     "what was really behind puttin Pop in Harbourview?", "big calls/pop.md", {"put"},
     [("how was the weather in Dublin?", "dublin")]),
    # "beehives": no note says it, and the notes say "bees" and "hives": the question is asked by
    # them. A word whose halves no note holds both of stays whole; a word a note holds is not split.
    ({"journal/2023-10-21.md": "---\ndate: 2023-10-21\n---\nGave the 2 hives to Tama this morning. "
                               "No time with budburst.\n",
      "journal/2023-05-14.md": "---\ndate: 2023-05-14\n---\nNew thing: bees. Picked up 2 nucs.\n",
      "people/trish.md": "---\ndate: 2024-01-01\n---\n# Trish\n\nMy sister. Her bookshelf fell over.\n"},
     "who ended up with my beehives", "journal/2023-10-21.md", {"bee", "hiv"},
     [("where is the beeswax?", "beeswax"), ("who built the bookshelf?", "bookshelf")]),
]


@pytest.mark.parametrize(("notes", "question", "found", "read_as", "kept"), TYPED_OTHERWISE)
def test_a_word_no_note_uses_is_read_as_the_words_the_notes_use(notes, question, found, read_as, kept, tmp_path):
    """A word typed as no note has it weighs the most and leaves every note short of relevant;
    read as the notes' words, the question finds its note."""
    for _, retriever in bm25_over(notes, tmp_path):
        assert found in paths(retriever.retrieve(question))
        assert read_as <= set(retriever.terms_of(question))
        for other, term in kept:
            assert term in retriever.terms_of(other), other


def test_what_was_behind_a_decision_in_portuguese_is_searched_by_its_subject(tmp_path):
    """"o que é que esteve mesmo por trás de eu pagar o quarto do Tiago em Coimbra?": "esteve" and
    "trás" frame the question as "behind" does in English; no note says them, and weighed as its
    rarest words they left the notes on Tiago's room in Coimbra short of relevant."""
    notes = {"decisoes/quarto-do-tiago.md": "---\ndate: 2025-09-01\n---\n# Quarto do Tiago em Coimbra\n\nPago eu o "
                                            "quarto: 330 € por mês. Porque o rapaz merece.\n",
             "diario/2025-10-05.md": "---\ndate: 2025-10-05\n---\nO Tiago ligou de Coimbra. Vaidade de velho, pagar.\n",
             "pessoas/helena.md": "---\ndate: 2024-01-01\n---\n# Helena\n\nVizinha do 2.º andar.\n"}
    for index, retriever in bm25_over(notes, tmp_path):
        got = retriever.retrieve("o que é que esteve mesmo por trás de eu pagar o quarto do Tiago em Coimbra?")
    assert "decisoes/quarto-do-tiago.md" in paths(got)


def test_the_kind_of_name_asked_for_need_not_be_in_the_note(tmp_path):
    """"The new burner I buy from which shop?" is answered by "Hup Seng Kitchen Equipment at Jalan
    Besar", a note that never says "shop": the kind asked for counted as a subject the note lacked,
    and nothing was found. The burner must still be there: a note without it is no answer."""
    from reflect_support import written_vault

    notes = {"decisions/burner.md": "---\ndate: 2023-01-12\n---\n# New burner\n\nOld burner from 2009, leak smell. "
                                    "Hup Seng Kitchen Equipment at Jalan Besar quote $3,800 for the new burner.\n",
             "journal/2023-02-01.md": "---\ndate: 2023-02-01\n---\nStall quiet today. Rain.\n",
             "journal/2023-02-02.md": "---\ndate: 2023-02-02\n---\nBought a new fan for the stall.\n"}
    index = indexed(written_vault(tmp_path / "vault", notes), tmp_path)
    retriever = Retriever(index)
    try:
        assert paths(retriever.retrieve("The new burner I buy from which shop?"))[:1] == ["decisions/burner.md"]
        assert retriever.retrieve("which shop sold me the kayak?").nothing_found
    finally:
        retriever.close()
        index.close()

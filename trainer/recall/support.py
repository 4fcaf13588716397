"""Is a sentence backed by a text? Names, numbers and content words, checked without a model.

One check serves two places: the "prose" answer style removes a model sentence its cited excerpt
does not support, and `brain eval-questions` counts answers holding a name or number that no note
holds (an invented fact). Names are capitalised words that do not open a sentence; numbers are
digit runs with their separators dropped ("1,400" is "1400"), so "€190" matches "190".
"""

from __future__ import annotations

import re

from trainer.recall.terms import STOPWORDS, stem, words

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NAME = re.compile(r"(?<![\w'’])([A-ZÀ-ÖØ-Þ](?:(?![\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])[\w'’-])*)")
"""A capitalised word, ended by a Chinese or Japanese character: "Grace晚上发微信" names Grace."""
SENTENCE_START = re.compile(r"(?:^|[.!?:;。！？]\s*|\n\s*|\]\s*|[-*•]\s+|\*\*|\(|“|\")$")
COMMON = frozenset("""
I I'm I've I'd On In At By For From To The A An And But Or So Then When While After Before Since
Em No Na Nos Eu Meu Minha Entre Depois Antes Porque Mas Então Não Sim Sobre Nota Notas
El En Lo Esto Am Was Das Notiz Notizen Datum
Le La Les Dans Ce Cela Je Il Nella Quello Questo Non
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December
""".split())
"""Capitalised words that are not names: the template's connecting words, days and months."""
POSSESSIVE = re.compile(r"['’]s$")
"""A name's possessive ending: "Derek's Tahoe" names Derek, whom a note may write "[[Derek]]'s"."""
MIN_SHARE = 0.6  # share of a sentence's content words its excerpt must hold


def numbers(text: str) -> set[str]:
    return {re.sub(r"[.,]", "", m.group()) for m in NUMBER.finditer(text)}


def names(text: str) -> set[str]:
    """Capitalised words that are not the first word of a sentence (nor template words)."""
    found = set()
    for m in NAME.finditer(text):
        word = POSSESSIVE.sub("", m.group(1)).rstrip("'’-")
        if word in COMMON or word.lower() in STOPWORDS or SENTENCE_START.search(text[: m.start()]):
            continue
        found.add(word)
    return found


def content_words(text: str) -> set[str]:
    return {stem(w) for w in words(text) if not w.isdigit() and w.lower() not in STOPWORDS and len(w) > 2}


def unknown_facts(sentence: str, source: str) -> set[str]:
    """The names and numbers of `sentence` that `source` does not hold."""
    have_numbers = numbers(source)
    lowered = source.casefold()
    missing = {n for n in numbers(sentence) if n not in have_numbers}
    missing |= {n for n in names(sentence) if n.casefold() not in lowered}
    return missing


def supported(sentence: str, source: str, min_share: float = MIN_SHARE) -> bool:
    """Every name and number of `sentence` is in `source`, and most of its content words are."""
    if unknown_facts(sentence, source):
        return False
    mine = content_words(sentence)
    if not mine:
        return True
    theirs = content_words(source)
    cjk = [w for w in mine if not w.isascii()]
    if cjk:  # Chinese: compare characters, the words are runs without spaces
        chars = {c for w in cjk for c in w}
        return len(chars & set(source)) / len(chars) >= min_share
    return len(mine & theirs) / len(mine) >= min_share

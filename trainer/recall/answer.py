"""Grounded answers composed from the user's own sentences, with the model's prose checked.

The bundled 135M model cannot read excerpts: given the right note it still tells a story about a
boat. So the default answer ("words") never depends on the model: the sentences of the retrieved
notes are ranked (the question's terms and meaning, reason cues, the numbers a question asks for,
the decision store's reasons), the best ones are put in date order, each with [n] and the date
of the note (or of its dated section), and a later note that took a reason back is said so ("On
2025-06-27 I admitted …"). The connecting words follow the question's language; the sentences
are the user's own, so every name and number in the answer comes from a note.

"prose" lets a capable model write over the same excerpts, then keeps only the sentences the
excerpt they cite supports (`trainer.recall.support`), counting the ones removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from backends.base import GenOpts, Message
from trainer.recall import asks, compose, private, shapes
from trainer.recall.compose import Piece
from trainer.recall.reflect import (K, ONE_THING, PATTERN_K, REMIND_AGAIN, Reflection, Source, StreamFn, habit_only,
                                    is_pattern_question, reflect, reflect_opts)
from trainer.recall.decisions import DecisionStore
from trainer.recall.retrieve import WHY_QUESTION, Retriever
from trainer.recall.support import supported
from trainer.recall.terms import PATTERN_WORDS, both_scripts, is_frame, names, query_terms, terms
from trainer.vault.index import Index

STYLES = ("words", "prose")
WORDS = 120  # default answer length, in words
LONG_WORDS = 320
MIN_PROSE_WORDS = 40  # checked prose shorter than this gets my own words after it


@dataclass
class GroundedAnswer:
    text: str  # markdown, first person, with [n] markers and dates, in the question's language
    sources: list[Source]  # numbered, dated; Source.number / .path / .title / .date
    nothing_found: bool
    removed: int = 0  # model sentences dropped by the support check (prose style)
    style: str = "words"  # "words" | "prose"
    cited: list[int] = field(default_factory=list)  # source numbers the text cites, in order
    pattern: bool = False  # answered as a pattern question (evidence across notes)
    language: str = "en"

    def cited_sources(self) -> list[Source]:
        """The sources the answer cites, in number order: the notes list under an answer names
        what it rests on, not every note the search looked at (a pattern question looks at 12)."""
        cited = set(self.cited)
        return [s for s in self.sources if s.n in cited] or list(self.sources)


def answer(index: Index, question: str, *, retriever: Retriever | None = None, style: str = "words",
           stream: StreamFn | None = None, opts: GenOpts | None = None, history: Sequence[Message] = (),
           long: bool = False, on_text: Callable[[str], None] | None = None) -> GroundedAnswer:
    """Answer `question` from the notes. "words" never calls `stream`; "prose" needs it."""
    if style not in STYLES:
        raise ValueError(f"answer style should be 'words' or 'prose', not {style!r}")
    if style == "prose" and stream is None:
        raise ValueError("the 'prose' answer style needs a model to stream from")
    question = asks.restored(question)
    own = retriever is None
    retriever = retriever or Retriever.open(index)
    try:
        lang = compose.language(question)
        query = search_text(question, history)
        reflection = reflect_for(index, query, retriever)
        if reflection.nothing_found and asks_a_shape(index, query):
            reflection = reflect_for(index, query, retriever, pattern=True)
        reflection = with_decision_stories(index, reflection, query)
        reflection = with_shaped_evidence(index, with_evidence(index, retriever, reflection, query), query)
        if reflection.nothing_found or not asked_fact_present(index, question, reflection):
            return emit(GroundedAnswer(compose.nothing_found(lang), [], True, style=style, language=lang), on_text)
        budget = LONG_WORDS if long else WORDS
        pieces, sources = compose.select(index, retriever, reflection, query, budget)
        if not pieces or lone_shape(index, query, reflection, pieces):
            # "when do I make my big calls?" over decisions that record no hour; one short night
            return emit(GroundedAnswer(compose.nothing_found(lang), [], True, style=style, language=lang), on_text)
        pieces = compose.fit(pieces, lang, reflection.pattern, sources, budget)
        if style == "prose":
            return prose_answer(question, reflection, pieces, sources, stream, opts, lang, on_text)
        text = compose.render(shown_private(index, pieces, sources), lang, reflection.pattern, sources)
        return emit(GroundedAnswer(text, sources, False, 0, "words", cited_of(text), reflection.pattern, lang),
                    on_text)
    finally:
        if own:
            retriever.close()


def asks_a_shape(index: Index, question: str) -> bool:
    """A question no note answers in its words that asks what a kind of evidence shows (`shapes`),
    not one fact, in a vault where at least two notes show it: "what does my body do in the days
    right before something important is due?" is answered by the sleepless nights before each
    deadline, in notes about other things; one short night in a training log is no pattern. "What
    was my blood pressure at my last physical?" asks one fact: no note has it."""
    shape = shapes.asked(question)
    return (shape is not None and asks.expected(question) is None and not ONE_THING.search(question)
            and not ONE_FACT.search(question) and len(shapes.shaped_notes(index, shape, limit=2)) >= 2)


def lone_shape(index: Index, question: str, reflection: Reflection, pieces: Sequence[Piece]) -> bool:
    """A pattern answer quoting one note, for a question that asks how I am in a kind of moment
    (`reflect.HABIT`, not "what have I learned about quotes?", which one lesson note answers)
    when one note alone in the vault shows what it asks: one short night in a training log is no
    answer to "what does my body do in the days right before something important is due?"
    (`asks_a_shape`)."""
    if not reflection.pattern or len({p.n for p in pieces}) > 1 or not habit_only(question):
        return False
    shape = shapes.asked(question)
    return shape is not None and len(shapes.shaped_notes(index, shape, limit=2)) < 2


ONE_FACT = re.compile(r"\bwhat (?:was|were) (?:my|our|the)\b|几时|幾時|什么时候|什麼時候|哪天|哪一天|几号|幾號", re.IGNORECASE)
"""Asking one fact, past or dated: "what was my blood pressure at my last physical?", "我哋幾時考…?"."""


def asked_fact_present(index: Index, question: str, reflection: Reflection) -> bool:
    """False when the question asks for a fact of a plain shape (a birthday, an age, a gift, what I
    earn, a phone number, a placing, a name, a cost: `trainer.recall.asks`) and no sentence of the
    notes found has it: the notes about Joana are not an answer to when her birthday is."""
    if reflection.pattern or WHY_QUESTION.search(question) or asks.expected(question) is None:
        return True  # a why question is answered by reasons: "點解 … 真係為咗人工?" asks no sum
    return bool(compose.answering_sentences(index, question, reflection.sources))


def shown_private(index: Index, pieces: list[Piece], sources: list[Source]) -> list[Piece]:
    """"what's Bruno's WhatsApp number?" gets the number, read from his note in the vault the
    index was scanned from (`trainer.recall.private`), not "[phone scrubbed]"."""
    vault = index.get_meta("vault")
    if not vault or not any(private.PLACEHOLDER.search(p.text) for p in pieces):
        return pieces
    from trainer.data.scrub_settings import index_scrub

    return private.shown(pieces, sources, vault, index_scrub(Path(vault)))


PATTERN_COVERAGE = 0.3  # a pattern spreads over notes: no single one holds all of the question


def reflect_for(index: Index, question: str, retriever: Retriever, pattern: bool | None = None) -> Reflection:
    """Retrieval and decision stories; a pattern question lets in notes holding less of it.
    `pattern` overrides what the question's words say (`is_pattern_question`)."""
    if not (is_pattern_question(question) if pattern is None else pattern):
        return reflect(index, question, retriever, k=K)
    before = retriever.min_coverage
    retriever.min_coverage = min(before, PATTERN_COVERAGE)
    try:
        return reflect(index, question, retriever, k=PATTERN_K, pattern=True)
    finally:
        retriever.min_coverage = before


PATTERN_SOURCES = 12


def with_decision_stories(index: Index, reflection: Reflection, question: str) -> Reflection:
    """A pattern question about my decisions gets every decision, dated, and where a later note
    took a stated reason back or qualified it, that note: stated vs later reasons across
    decisions are the pattern, whatever words the question used ("how do I time big decisions?")."""
    if not reflection.pattern or not compose.DECISION_PATTERN.search(question):
        return reflection
    store = DecisionStore(index)
    try:
        store.sync()
        stories = [store.timeline(d.path) for d in store.decisions() if d.kind == "note"]
    finally:
        store.close()
    known = {t.path for t in reflection.timelines}
    sources = list(reflection.sources)
    paths = {s.path for s in sources}
    added = []
    for t in stories:
        if t is None or t.path in known or len(sources) >= PATTERN_SOURCES:
            continue
        e = (t.changes or t.events)[0]
        for path in (e.path, t.path) if shapes.asks_hour(question) else (e.path,):
            # "when do I make my big calls?": the hour is in the decision's own note ("sent it at 00:40")
            if path not in paths:
                note = index.get(path)
                title, date = (note.title, note.date) if note else (e.title, e.date)
                sources.append(Source(len(sources) + 1, path, title, date, e.text if path == e.path else "", "decision"))
                paths.add(path)
        added.append(t)
    return replace(reflection, sources=sources, timelines=reflection.timelines + added)


def with_shaped_evidence(index: Index, reflection: Reflection, question: str) -> Reflection:
    """"What time of day do my big calls get made?", "do my budgets ever hold?": the notes that
    hold the evidence's shape (`shapes`) join those the search found, beyond the cap (they are
    the evidence, and share few words with the question)."""
    shape = shapes.asked(question) if reflection.pattern else None
    if shape is None:
        return reflection
    sources = list(reflection.sources)
    paths = {s.path for s in sources}
    for note in shapes.shaped_notes(index, shape):
        if note.path not in paths:
            sources.append(Source(len(sources) + 1, note.path, note.title, note.date, "", shape.via))
            paths.add(note.path)
    return replace(reflection, sources=sources)


SUBJECT_WEIGHT = 2.0  # a note holding the pattern's subject outranks one holding lesson words alone
EVIDENCE_WORDS = ("again wrong lesson lessons mistake mistakes learned hindsight regret lição lições aprendi erro "
                  "erros errado voltei outra novo 再次 又一 每次 每回 教训 犯错 错误 后悔 反思 复盘 毛病 总是 老是")
"""Where a person writes down what recurs: "what I got wrong", "again", "o que aprendi", "voltei a",
"又一次", "教训", "复盘"."""


def with_evidence(index: Index, retriever: Retriever, reflection: Reflection, question: str) -> Reflection:
    """A pattern lives in notes whose words differ from the question's: besides the notes that
    hold its subject, take those where I wrote down what went wrong or came back ("again",
    "what I got wrong", "o que aprendi") and, for a subject word no note uses, those in words of
    the same part of life (Retriever.akin: "cash" finds the savings and the sums), ranked by the
    lists at once (reciprocal rank), so a lesson about the subject comes first and a lesson about
    anything comes after."""
    if not reflection.pattern:
        return reflection
    subject = [t for t in retriever.terms_of(question) if t not in PATTERN_WORDS and not is_frame(t)]
    lists = [(1.0, retriever.bm25(terms(EVIDENCE_WORDS), limit=PATTERN_SOURCES * 2))]
    if subject:
        lists.append((SUBJECT_WEIGHT, retriever.bm25(retriever.expand(subject), limit=PATTERN_SOURCES * 2)))
        akin = sorted({m for mates in retriever.akin(subject).values() for m in mates})
        lists.append((1.0, retriever.bm25(akin, limit=PATTERN_SOURCES * 2)))  # "cash": savings, sums, contas
    fused: dict[str, float] = {}
    for weight, ranked in lists:
        for rank, (path, _) in enumerate(ranked, start=1):
            fused[path] = fused.get(path, 0.0) + weight / (60 + rank)
    sources = list(reflection.sources)
    known = {s.path for s in sources}
    for path in sorted(fused, key=lambda p: -fused[p]):
        if len(sources) >= PATTERN_SOURCES:
            break
        note = index.get(path)
        if path in known or note is None:
            continue
        sources.append(Source(len(sources) + 1, path, note.title, note.date, "", "pattern"))
        known.add(path)
    return replace(reflection, sources=sources)


def emit(result: GroundedAnswer, on_text: Callable[[str], None] | None) -> GroundedAnswer:
    if on_text and result.text:
        on_text(result.text)
    return result


def search_text(question: str, history: Sequence[Message]) -> str:
    """A follow-up with no subject of its own ("and why?") is searched with the last question. A
    question that names someone or something ("Who is Jonas and how do I know him?") has its own,
    however few its other words: searched with "Why did I sell the car?" it got the car's answer.
    "…again?" asks to be reminded, and is searched without it: "what's Shona's number again?" was
    answered with "Physio again on the 28th."."""
    question = REMIND_AGAIN.sub("", question)
    subject = [t for t in query_terms(question) if not is_frame(t)]
    previous = [m.content for m in history if m.role == "user" and m.content.strip() != question.strip()]
    if len(subject) >= 2 or not previous or any(not t.isdigit() for t in names(question)):
        return question
    if subject and not FOLLOWS_ON.search(question):
        return question  # "Why did I leave the startup?" after "what's Rohan's number?" is its own question
    return f"{previous[-1]} {question}"


FOLLOWS_ON = re.compile(both_scripts(r"^\W*(?:and|but|so|or|also|what about|how about|e|mas|então|ou)\b|"
                                     r"\b(?:it|that|this|these|those|he|she|him|her|they|them|isso|ele|ela|eles|elas)\b|"
                                     r"^\W*(?:还有|那|那么|而且)|[他她它]"), re.IGNORECASE)
"""What a question says to lean on the one before: "and the real reason?", "how much was it?"."""


MARKER = re.compile(r"\[(\d{1,3})\]")


def cited_of(text: str) -> list[int]:
    return list(dict.fromkeys(int(n) for n in MARKER.findall(text)))


# --- prose: the model writes, the checker keeps what the excerpts support ----------------------

PROSE_INSTRUCTIONS = {
    "en": "You are me, answering a question about my own life from my own notes. Use only the numbered "
          "excerpts. Write in the first person, at most {n} words. End every sentence with the number of "
          "the excerpt it comes from, like [1]. Copy names and numbers exactly; add nothing the excerpts "
          "do not say.",
    "pt": "És eu, a responder a uma pergunta sobre a minha vida a partir das minhas notas. Usa só os "
          "excertos numerados. Escreve na primeira pessoa, no máximo {n} palavras, em português. Termina "
          "cada frase com o número do excerto, como [1]. Não acrescentes nada que os excertos não digam.",
    "es": "Eres yo, respondiendo a una pregunta sobre mi vida a partir de mis notas. Usa solo los "
          "fragmentos numerados. Escribe en primera persona, como mucho {n} palabras, en español. Termina "
          "cada frase con el número del fragmento, como [1]. No añadas nada que los fragmentos no digan.",
    "de": "Du bist ich und beantwortest eine Frage über mein Leben aus meinen Notizen. Nutze nur die "
          "nummerierten Auszüge. Schreibe in der ersten Person, höchstens {n} Wörter, auf Deutsch. Beende "
          "jeden Satz mit der Nummer des Auszugs, etwa [1]. Füge nichts hinzu, was die Auszüge nicht sagen.",
    "fr": "Tu es moi, et tu réponds à une question sur ma vie à partir de mes notes. N’utilise que les "
          "extraits numérotés. Écris à la première personne, en {n} mots au plus, en français. Termine "
          "chaque phrase par le numéro de l’extrait, comme [1]. N’ajoute rien que les extraits ne disent pas.",
    "it": "Tu sei me e rispondi a una domanda sulla mia vita a partire dai miei appunti. Usa solo gli "
          "estratti numerati. Scrivi in prima persona, al massimo {n} parole, in italiano. Chiudi ogni "
          "frase con il numero dell’estratto, come [1]. Non aggiungere niente che gli estratti non dicano.",
    "zh": "你就是我，根据我自己的笔记回答关于我生活的问题。只用编号的摘录。用第一人称、中文回答，最多{n}个字。"
          "每句话后面写出摘录的编号，比如[1]。不要添加摘录里没有的内容。",
    "ja": "あなたは私です。私自身のメモから、私の人生についての質問に答えてください。番号付きの抜粋だけを使い、"
          "一人称の日本語で、{n}字以内で書いてください。各文の終わりに抜粋の番号を[1]のように付け、"
          "抜粋にないことは何も足さないでください。",
    "ko": "너는 나야. 내 메모만 가지고 내 삶에 대한 질문에 답해. 번호가 붙은 발췌만 쓰고, 1인칭 한국어로 "
          "{n}단어 이내로 써. 문장마다 끝에 발췌 번호를 [1]처럼 붙이고, 발췌에 없는 건 아무것도 더하지 마.",
    "zh-hant": "你就是我，根據我自己的筆記回答關於我生活的問題。只用編號的摘錄。用第一人稱、中文回答，最多{n}個字。"
               "每句話後面寫出摘錄的編號，比如[1]。不要添加摘錄裡沒有的內容。",
}


def prose_messages(question: str, pieces: Sequence[Piece], sources: Sequence[Source], lang: str,
                   budget: int) -> list[Message]:
    blocks = []
    for s in sources:
        text = " ".join(p.text for p in pieces if p.n == s.n)
        if text:
            blocks.append(f"[{s.n}] {s.date or 'undated'} · {s.title}\n{text}")
    user = "Excerpts from my notes:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question.strip()}"
    return [Message("system", PROSE_INSTRUCTIONS[lang].format(n=budget)), Message("user", user)]


def prose_answer(question: str, reflection: Reflection, pieces: list[Piece], sources: list[Source],
                 stream: StreamFn, opts: GenOpts | None, lang: str,
                 on_text: Callable[[str], None] | None) -> GroundedAnswer:
    excerpts = {s.n: f"{s.title} {s.date or ''} " + " ".join(p.text for p in pieces if p.n == s.n)
                for s in sources}
    check = ProseCheck(excerpts)
    shown: list[str] = []
    budget = WORDS
    gen = reflect_opts(opts, max_tokens=320)
    chunks = stream(prose_messages(question, pieces, sources, lang, budget), gen)
    try:
        for delta in chunks:
            for sentence in check.feed(delta):
                shown.append(sentence)
                if on_text:
                    on_text(sentence if len(shown) == 1 else " " + sentence)
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
    for sentence in check.flush():
        shown.append(sentence)
        if on_text:
            on_text(sentence if len(shown) == 1 else " " + sentence)
    changes = compose.render([p for p in pieces if p.change], lang, False, sources)
    if not shown:  # nothing the model wrote stood up: my own words, in full
        text = compose.render(pieces, lang, reflection.pattern, sources)
        if on_text:
            on_text(text)
        return GroundedAnswer(text, sources, False, check.removed, "prose", cited_of(text), reflection.pattern,
                              lang)
    text = " ".join(shown)
    if compose.count_words(text) < MIN_PROSE_WORDS:  # a line that stood up is not yet an answer
        changes = compose.render(pieces, lang, reflection.pattern, sources)
    if changes and not any(p.n in cited_of(text) for p in pieces if p.change):
        text += "\n\n" + changes
        if on_text:
            on_text("\n\n" + changes)
    return GroundedAnswer(text, sources, False, check.removed, "prose", cited_of(text), reflection.pattern, lang)


class ProseCheck:
    """Cuts streamed text into sentences and keeps each one only when an excerpt supports it:
    the one it cites, or (with no marker) any one, whose marker is then added."""

    END = re.compile(r"(?<=[.!?。！？])(?:\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])?\s+|\n+")

    def __init__(self, excerpts: dict[int, str]) -> None:
        self.excerpts = excerpts
        self.removed = 0
        self._pending = ""

    def feed(self, delta: str) -> Iterator[str]:
        self._pending += delta
        while (m := self.END.search(self._pending)) is not None:
            sentence, self._pending = self._pending[:m.end()], self._pending[m.end():]
            kept = self.judge(sentence)
            if kept:
                yield kept

    def flush(self) -> Iterator[str]:
        sentence, self._pending = self._pending, ""
        kept = self.judge(sentence)
        if kept:
            yield kept

    def judge(self, sentence: str) -> str:
        sentence = sentence.strip()
        bare = re.sub(r"\s*\[[\d,\s]+\]", "", sentence).strip()
        if len(re.findall(r"\w+", bare)) < 2:
            return ""  # a stray marker or fragment
        cited = [int(n) for n in re.findall(r"\d+", " ".join(re.findall(r"\[([\d,\s]+)\]", sentence)))]
        cited = [n for n in cited if n in self.excerpts]
        if cited:
            if supported(bare, " ".join(self.excerpts[n] for n in cited)):
                return sentence
        else:
            for n, text in self.excerpts.items():
                if supported(bare, text):
                    return f"{bare} [{n}]"
        self.removed += 1
        return ""

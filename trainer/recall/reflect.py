"""Reflect: answer "why did I …?" from the notes, in the first person, with checked citations.

The facts are carried by things a weak model cannot get wrong: the retrieved excerpts (numbered
[1], [2] … with date and title), a dated timeline, and a "what changed" list built from the
decision store (a reason taken back in an "Update 2025-10" section, a decision reversed by a later
one). The model only writes the prose around them: the bundled 135M model adds little, a larger
local model the user points at writes a real answer, with no code change. After generation every
citation marker is checked, and one that points at no retrieved note is removed and counted. When
retrieval finds nothing relevant the answer says so, and the model is not called at all.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from backends.base import GenOpts, Message
from trainer.recall.decisions import Decision, DecisionStore, Timeline
from trainer.recall.shapes import CONSULT_ASKS
from trainer.vault.index import Index
from trainer.recall.retrieve import EXCERPT_CHARS, WHY_QUESTION, Hit, Retrieval, Retriever, expand
from trainer.recall.terms import (ASKING_TERMS, DECISION_VERBS, YEAR, both_scripts, held, is_cjk, is_frame, names,
                                  rouge_tokens, terms)

NOTHING_FOUND = ("I couldn't find anything in my notes about that, so I won't guess. "
                 "Try other words, or check that the note is in the vault and indexed.")
INSTRUCTIONS = (
    "You are me, answering a question about my own life from my own notes. Use only the numbered "
    "excerpts below. Write in the first person (\"I decided…\", \"I wanted…\"), briefly, in my voice. "
    "After each sentence put the number of the excerpt it comes from in brackets, like [1] or [2]. "
    "If the excerpts do not answer the question, say that my notes do not say.")
PATTERN_INSTRUCTIONS = (
    "This question asks about a pattern: say what comes back across several notes, and cite at least "
    "two different excerpts.")
CHANGE_INSTRUCTIONS = "My reasons changed over time: say what changed and when, citing the excerpt."
CHAT_INSTRUCTIONS = (
    "Some excerpts from my notes follow; they may help with the next message. Use them when they are "
    "relevant, cite them as [1], [2], and never invent what they do not say.")
PATTERN = re.compile(
    both_scripts(r"\b(keeps?|kept|keeping|always|usually|usual|often|again|pattern|patterns|habit|habits|tends? to|every time|"
    r"recurring|repeatedly|sempre|costum\w*|de novo|outra vez|volto a|normalmente|geralmente|padrão|padrões|"
    r"hábito|hábitos|repetidamente|tendência)(?!\w)|总是|经常|老是|习惯|每次|每回|一般|通常|往往|平时|一(?![个次月年天周件点些])\S{1,4}就|是不是[^？?]{0,15}(?:都|老在)"
    r"|보통|맨날|항상|자주|매번|습관|버릇|(?:하는|가는|내는|쓰는) 편|(?:면|때) 나 (?:뭐|어떻게)|(?:가긴|하긴) 해"  # Korean
    r"|いつも|いっつも|毎回|毎度|クセ|癖|ばっかり|ばかりして|繰り返|決まった場所"  # Japanese
    r"|\b(?:what (?:happens|do I do)|how do I (?:deal|cope|react|handle))\b[^?]*\bwhen\b"
    r"|\bo que (?:é que )?(?:me )?acontece\b[^?]*\bquando\b"
    r"|^\s*(?:do|am) I\b|\bhow (?:good|bad|consistent|reliable) am I\b|\bdo I (?:actually|really|ever|normally|generally)\b"
    r"|^\s*(?:será que )?(?:sou|costumo)\b|\bshould I\b"
    r"|\b(?:erro|falho|me engano|exagero) (?:muito|sempre|demais)\b|\b(?:em|com) que tipo de (?:coisas?|situaç\w+)\b"
    r"|\b(?:on|with|for) what kinds? of (?:things?|stuff)\b"
    r"|\b(?:whenever|anytime|any time|toda vez que|sempre que|cada vez que)\b|\bwhat happens to (?:me|my)\b"
    r"|\b(?:stick|last|keep up) (?:with|at) anything\b|\banything (?:new|I start)\b"
    r"|\bnever (?:stick|finish|last|keep (?:up|going)|follow through|see (?:it|them|things) through)\b"
    r"|\bnunca (?:termino|acabo|levo [^?]{1,20} até ao fim|fico com|chego (?:até )?ao fim)\b"
    r"|\breasons I (?:write|give|put|state|list)\b|\b(?:motivos|razões) q(?:ue)? (?:eu )?(?:escrevo|dou|ponho)\b"
    r"|\bwhen(?:ever)? I write (?:down )?(?:why|my reasons)\b|\bare (?:those|these|they) (?:usually |really |actually |ever )?"
    r"the real (?:reasons|ones)\b"
    r"|我(?:写|寫)(?:下)?的理由|我(?:给|給)的理由"
    r"|\bwhat (?:actually |really )?works(?: best)? (?:when|for me)\b|\bwhat'?s the trick\b"
    r"|\bwhat (?:\w+s|messes up|throws off) my \w+\s*\??$|\bwhat does my \w+ look like\b"
    r"|\bo q(?:ue)? (?:é que )?(?:me )?acontece (?:comigo|com)\b|\bo q(?:ue)? (?:é que )?(?:eu )?(?:faço|vivo \w+ndo)\b"
    r"|\b(?:funciona|resulta)(?: melhor)? (?:pra|para) mim\b|\b(?:eu )?sou de \w+r\b|\btenho conseguido\b"
    r"|的时候[^？?]*(?:咋样|怎么样|会怎样)"
    r"|\bwhat do I (?:end up |usually |tend to )?(?:do|doing)\b[^?]*\b(?:when|after|before|once)\b|\bwhat goes wrong\b"
    r"|\bhow do I \w+\b[^?]*\b(?:when|after|before|once)\b|\b(?:my|a) routine\b|\bevery single time\b"
    r"|^\s*do my \w+\b[^?]*\bever\b|\bcomo (?:é que )?eu \w+\b[^?]*\b(?:quando|nos dias|antes d|depois d)"
    r"|^\s*(?:eu )?(?:consigo|ando a|ando)\b[^?]*\?|^\s*quando eu (?!\w+ei\b|\w+ou\b|fui\b|fiz\b)\w+\b[^?]*,"
    r"|的时候[^？?]*我会|一\S{1,3}大[^？?]*都"
    r"|\b(?:siempre|suel[oe]s?|solemos|de nuevo|otra vez|por lo general|qué (?:me )?pasa con)\b"
    r"|\b(?:immer|meistens|normalerweise|jedes ?mal|ständig|dauernd|in der regel|wen frage? ich|was passiert (?:mit|wenn))\b"
    r"|\b(?:toujours|souvent|d['’]habitude|habituellement|généralement|en général|(?:à )?chaque fois|je finis (?:toujours |par )|"
    r"qu['’]est-ce qui se passe (?:avec|quand)|qu['’]est-ce que je fais (?:quand|avec)|"
    r"di solito|spesso|ogni volta|in genere|solitamente|generalmente|finisco (?:sempre|per|col)|cosa succede (?:con|quando|ai|alle?)|"
    r"cosa faccio (?:quando|con))(?!\w)"
    r"|\b(?:aina|yleensä|usein|taas|joka kerta|uudestaan|tapana)(?!\w)"
    r"|いつも|毎回|たいてい|だいたい|ことが多い|結局どうな|どうなってる"
    r"|\b(?:zawsze|zwykle|zazwyczaj|ciągle|ciagle|wciąż|za każdym razem|nawyk\w*|co (?:ja )?robi[eę] (?:jak|kiedy|gdy))(?!\w)"
    r"|\b(?:hep|genelde|genellikle|her seferinde|sürekli|yine|alışkanlı\w*|(?:ne ?yap|nap)[ıi]yorum)(?!\w)"
    r"|\b(?:thường|mỗi lần|lần nào cũng|lặp lại|thói quen|(?:mình|tôi|em|anh) (?:hay|cứ|toàn))(?!\w)"
    r"|\b(?:hamesha|hamesa|aksar|baar baar|har baar|har bar|aadat|phir se)(?!\w)"),
    re.IGNORECASE)
"""Spanish, German and Japanese ask it with their own "always", "usually", "every time" ("¿a qué
horas suelo…?", "Welcher Posten haut mir jedes Jahr…", "いつも何してる？"). Also a question about
what I do in a kind of situation ("what happens to my nights when I'm anxious about cash?"):
present tense and "when" ask for what recurs; and one that asks what I am
like ("Do I undercharge people I like?", "Am I any good at asking for help?", "How consistent am
I with my back exercises?") or what I should do ("what time of day should I do the fiddly work?"):
the answer is in many notes, none of which says it."""
HABIT = re.compile(both_scripts(
    r"\b(?:generally|normally|typically|in general|as a rule)\b"
    r"|\b(?:do|does) (?:I|we|it|that|\w+) (?:\w+ )?end up\b|\bends up \w+ing\b|\bacab(?:o|a|amos) (?:por |a |sempre )?\w+"
    r"|\b(?:something|anything) (?:big|important|hard)\b|\brun-up to\b|\bcrunch time\b|\bnight before\b[^?]*\bbig\b"
    r"|\bvéspera\b|^\s*(?:do|does)\b[^?]*\bever\b|\bdoes (?:it|that) (?:ever |actually |really ){1,2}(?:hold|happen|work)\b"
    r"|\bwhat does my \w+ do\b|\bhow does my \w+ (?:\w+ )?(?:hold up|react|cope|do)\b"
    r"|\bhow(?:'s| is) my \w+\b[^?]*\b(?:in|when|before|during|around)\b"
    r"|\bwhat am I like\b|\bhow am I (?:with|at|about|when)\b|\bwhat does [\w ]{1,20} do to me\b"
    r"|\b(?:where|who|what|how) do I\b[^?]*\b(?:when|whenever|before|after)\b"
    r"|\bcomo (?:é que )?(?:fica|ficam|fico|meu|minha|o meu|a minha)\b[^?]*\b(?:quando|antes|véspera|nos dias|na semana)\b"
    r"|\bo que rola quando\b|\bquem é que acaba\b|\bsei dizer não\b"
    r"|成日|都怎麼|都怎么|准吗|準嗎|是不是总|是不是老|之前[^？?]*怎么样|之前[^？?]*是不是"), re.IGNORECASE)
"""How I am in a kind of moment, in the present tense: "how do I sleep in the run-up to something
big?", "what actually ends up happening to my days off?", "do any of my budgets ever actually
hold?", "what am I like the night before something big?", "como fica o meu sono quando há
entregas?", "我係咪成日幫人手?": what recurs, not one event ("how much did the kitchen end up
costing?" is past, and one)."""
ACROSS = re.compile(r"\b(mistakes|lessons|decisions|choices|learned|learnt|erros|lições|decisões|escolhas|aprendi)(?!\w)",
                    re.IGNORECASE)
"""Plural or summing words make a pattern question too ("what have I learned about…"), except in a
question about one thing ("why did I stop my guitar lessons?")."""
ONE_THING = re.compile(r"^\s*(why|when|who|where|what did I|how (?:much|many))\b|^\s*(por ?qu[eê]|quando|quem|onde|quanto(?! tempo (?:é que )?(?:eu )?aguent))|"
                       r"\b(what was the reason|what were the reasons|the reasons? for|qual (?:foi|é|era) (?:o motivo|a razão)|o que me (?:levou|fez)|por que razão)\b",
                       re.IGNORECASE)
CITATION = re.compile(r"(\s?)\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
K = 5
PATTERN_K = 8
MAX_SOURCES = 8


@dataclass(frozen=True)
class Source:
    n: int  # the citation number
    path: str
    title: str
    date: str | None
    excerpt: str
    via: str = "text"  # how it was found: text, meaning, link, decision

    @property
    def number(self) -> int:
        """The citation number under the name the answer's callers use."""
        return self.n

    @property
    def label(self) -> str:
        return f"[{self.n}] {self.date or 'undated'} · {self.title}"


@dataclass(frozen=True)
class Entry:
    """One line of the timeline shown beside the answer."""

    date: str | None
    title: str
    text: str
    n: int  # the source it cites
    kind: str = "note"  # "note", or a change: retracted, revised, confirmed, reversed


@dataclass
class Reflection:
    question: str
    sources: list[Source]
    timeline: list[Entry]
    changes: list[Entry]  # what changed in the reasons, dated, with the source that says so
    pattern: bool
    messages: list[Message]  # the prompt (empty when nothing was found)
    retrieval: Retrieval | None = None
    timelines: list[Timeline] = field(default_factory=list)  # decision stories among the best hits

    @property
    def nothing_found(self) -> bool:
        return not self.sources

    def source(self, n: int) -> Source | None:
        return next((s for s in self.sources if s.n == n), None)


@dataclass
class Answer:
    prose: str  # the model's text after the citation check
    appendix: str  # facts added deterministically: what changed, the notes it stands on
    removed: int  # citation markers removed because they pointed at no retrieved note
    cited: list[int]  # source numbers cited in prose and appendix, in order of first use
    prose_cited: list[int] = field(default_factory=list)
    nothing_found: bool = False

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in (self.prose.strip(), self.appendix.strip()) if p)


# --- building the reflection --------------------------------------------------------------------


AS_EXCUSE = re.compile(both_scripts(r"\b(?:use|using|used) (?:\w+ ){1,4}as (?:an? |my )?(?:excuse|reason|cover)\b|"
                                    r"\b(?:uso|usar|usei) (?:\w+ ){1,4}como (?:desculpa|justifica\w*|pretexto)\b|"
                                    r"拿\S{1,8}(?:当|做)(?:借口|理由)|当借口"), re.IGNORECASE)
""""I dey use this car loan as excuse for everything?", "uso a bolacha como desculpa pra não ir a
sítios?": whether one thing keeps standing in for my reasons, across notes."""


WHEN_CLAUSE = re.compile(r"^\W*(?:and |et |e |y )?(?:when|whenever|quand|lorsque|quando|cuando|wenn)\b([^?,]{3,60}),\s*¿?"
                         r"(?:what|how|who|where|which|qu|quoi|comment|cosa|come|chi|dove|qu[eé]|c[oó]mo|qui[eé]n|was|wie|wer)",
                         re.IGNORECASE)
""""when work gets heavy, what's the first thing I let go?", "Quando i soldi nn bastano, cosa sacrifico
io?": a question put under a kind of moment asks what I do in it, unless the moment is one event."""
PAST = re.compile(r"\b(?:did|was|were|had|got|went|left|sold|bought|\w+ed|j['’]ai|ai|avais|étais|était|ho|ha|ero|era|"
                  r"sono stat[oa]|fui|fue|hab[ií]a|war|hatte)\b", re.IGNORECASE)
PRESENT_HABIT = re.compile(
    r"\bfirst thing (?:I|i) (?:let go|drop|cut|give up|stop|skip)\b|\bwhat kinds? of\b[^?]*\bdo I\b|^\W*when do I\b|"
    r"^\W*where (?:and when )?(?:do I|do my|am I (?:\w+ )?when)\b[^?]*\b(?:decid\w*|decisions?|mind|calls?)\b|"
    r"\bd[oó]nde (?:[oy] cu[aá]ndo )?(?:termino|suelo|decido|tomo)\b|\bcu[aá]ndo se enter(?:a|an)\b|"
    r"\ben premier\b|\bqu['’](?:est-ce qu['’])?(?:ils|elles) deviennent\b|\bque deviennent\b|"
    r"\bcomment (?:est-ce que )?je (?:réagis|fais|gère|m['’]y prends)\b|\btiennent la route\b|"
    r"\boù (?:part|passe|va) (?:l['’]argent|mon argent)\b|"
    r"\bcon chi ne parlo\b|\ba chi (?:chiedo|telefono|lo dico)\b|\bcome vanno a finire\b|\bche fine fanno\b|"
    r"\bmi vengono\b|\bper prim[oa]\b|\b(?:nn|non) \w+o mai\b|"
    r"\bwas (?:mach|tu)e? ich\b[^?]*\bwenn\b|\bqu[eé] hago\b[^?]*\bcuando\b|\bnie (?:länger|lange)\b|"
    r"我都(?:在|是|會|会)?什[么麼]|的[时時]候[^？?]*都|最先被我",
    re.IGNORECASE)
"""Habits asked in the present, without "always" or "usually": "what kind of things do I start and then
drop?", "c'est l'avis de qui que je vais chercher en premier ?", "con chi ne parlo?", "我都在什麼時候拍板"."""


PAST_WHY = re.compile(r"^\W*why(?:'d| did) (?:I|we)\b", re.IGNORECASE)
""""Why'd I bump the crop insurance up to 85% in 2023 when Dad always ran 75?" asks about one decision:
the "always" is Dad's. No pattern question in the 184 sets starts so."""


def is_pattern_question(question: str) -> bool:
    question = REMIND_AGAIN.sub("", question)  # "when's Tiago's birthday again? …" asks to be reminded
    if PAST_WHY.search(question):
        return False
    when = WHEN_CLAUSE.search(question)
    return (bool(PATTERN.search(question) or HABIT.search(question) or CONSULT_ASKS.search(question)
                 or AS_EXCUSE.search(question) or PRESENT_HABIT.search(question)
                 or (when and not PAST.search(when.group(1))))
            or bool(ACROSS.search(question) and not ONE_THING.search(question)))


def habit_only(question: str) -> bool:
    """A pattern question only by how it asks how I am in a kind of moment (`HABIT`)."""
    question = REMIND_AGAIN.sub("", question)
    return bool(HABIT.search(question)) and not PATTERN.search(question) and not ACROSS.search(question)


REMIND_AGAIN = re.compile(r"\s+again(?=\W*$|\s*[?!.,;]|\s+(?:and|n|&)\s+(?!again\b))", re.IGNORECASE)
""""when's Trish's birthday again?", "who was the landlady in lisboa again and …": asked to be reminded, not
what recurs ("again and again" does recur)."""


def reflect(index: Index, question: str, retriever: Retriever | None = None, k: int | None = None,
            system_prompt: str = "", pattern: bool | None = None) -> Reflection:
    """Retrieve, assemble sources, timeline and changes, and the prompt. No model is called.
    `pattern` says whether the question asks what recurs; by default its words tell."""
    own = retriever is None
    retriever = retriever or Retriever(index)
    store = DecisionStore(index)
    try:
        pattern = is_pattern_question(question) if pattern is None else pattern
        retrieval = retriever.retrieve(question, k or (PATTERN_K if pattern else K),
                                       drop=ASKING_TERMS if pattern else frozenset())
        if retrieval.nothing_found and not pattern and WHY_QUESTION.search(question):
            store.sync()
            retrieval = decision_asked_about(retriever, store, retrieval)
            if retrieval.nothing_found:
                retrieval = decision_in_other_words(retriever, store, retrieval)
        if retrieval.nothing_found:
            return Reflection(question, [], [], [], pattern, [], retrieval)
        store.sync()
        return assemble(question, retrieval, store, pattern, system_prompt)
    finally:
        store.close()
        if own:
            retriever.close()


def decision_asked_about(retriever: Retriever, store: DecisionStore, retrieval: Retrieval) -> Retrieval:
    """A why question asked in words my notes do not use ("pq eu topei correr a meia maratona?")
    holds too little of any note to pass as answered; the decision note among the best candidates
    that holds what the question is about (a word other than a verb of deciding: "maratona", not
    "topar" or "buy") is its answer. "Why did I buy a boat?" names nothing a decision holds but
    "buy", and stays unanswered."""
    weights = retriever.idf(retrieval.terms)
    subject = {t for t, w in weights.items() if w > 0 and t not in DECISION_VERBS and not t.isdigit()}  # nor a year
    years = [t for t in retrieval.terms if YEAR.fullmatch(t)]
    fits = [(fit(hit, subject, weights, years, retriever), -i, hit)
            for i, hit in enumerate(retrieval.candidates[:DECISION_CANDIDATES])
            if hit.coverage >= DECISION_COVERAGE and holds_subject(subject, retriever.doc_terms(hit.path))
            and store.timeline(hit.path) is not None]
    if not fits:
        return retrieval
    hit = max(fits, key=lambda f: f[:2])[2]
    return replace(retrieval, hits=[replace(hit, excerpt=retriever.excerpt(hit.path, weights, why=True))])


def holds_subject(subject: set[str], have: set[str]) -> bool:
    """The note holds a subject word, as written or in its other language ("dryer": "secador", the
    glossary). Not as the tail of a compound: a motorbike is not the bike of "I cycle the rest"
    (the sample vault's unanswerable "Why did I decide to buy a motorbike?" was answered)."""
    return any(t in have or any(e in have for e in expand([t])[1:]) for t in subject)


COGNATE = 5  # letters two words share at their start to be the same word in the other language


def decision_in_other_words(retriever: Retriever, store: DecisionStore, retrieval: Retrieval) -> Retrieval:
    """"What was really behind pulling out of the Lisbon marathon?" over a note written in
    Portuguese ("Desistir da maratona de Lisboa") shares no word with it, only word starts:
    lisbo-n/a, marat-hon/ona. The one decision note whose title and file name hold two of the
    question's subject words that way (and no other decision note as many) is its answer; one, when
    the question has one ("Why did I leave the startup?": `decisions/2024-06-leaving-the-startup.md`,
    whose text says "Kettle AI", never "startup")."""
    subject = [t for t in retrieval.terms if len(t) >= COGNATE and not is_cjk(t) and t not in DECISION_VERBS
               and not is_frame(t) and not t.isdigit()]
    if not subject:
        return retrieval
    scored = []
    for d in store.decisions():
        if d.kind != "note":
            continue
        note = retriever.index.get(d.path)
        if note is None:
            continue
        words = set(terms(f"{note.title} {PurePosixPath(d.path).stem.replace('-', ' ')}"))
        shared = sum(1 for t in subject if any(w[:COGNATE] == t[:COGNATE] for w in words if len(w) >= COGNATE))
        scored.append((shared, d.path, note))
    scored.sort(key=lambda x: -x[0])
    if not scored or scored[0][0] < min(2, len(subject)) or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return retrieval
    _, path, note = scored[0]
    weights = retriever.idf(retrieval.terms)
    hit = Hit(path, note.title, note.date, 1.0, 0.0, "cognate", retriever.excerpt(path, weights, why=True))
    return replace(retrieval, hits=[hit])


def fit(hit: Hit, subject: set[str], weights: dict[str, float], years: list[str],
        retriever: Retriever) -> tuple[bool, float]:
    """How well a decision note fits a why question it shares few words with: first, a year the
    question gives being its own ("why did I bump my prices at the start of 2025?" is the January
    2025 decision, not the 2024 one whose quote names a price); then the weight of the subject
    words it holds, twice over in its title."""
    have, title = retriever.doc_terms(hit.path), set(terms(hit.title))
    held_weight = sum(weights[t] for t in subject if t in have) + sum(weights[t] for t in subject if held(t, title))
    return any((hit.date or "").startswith(y) for y in years), held_weight



DECISION_CANDIDATES = 8
DECISION_COVERAGE = 0.15  # below this the note shares a stray word with the question, no more


def assemble(question: str, retrieval: Retrieval, store: DecisionStore, pattern: bool,
             system_prompt: str) -> Reflection:
    timelines = decision_timelines(store, retrieval.hits)
    if not pattern and WHY_QUESTION.search(question):
        timelines += named_decision(store, retrieval, timelines)
    sources = number_sources(retrieval.hits, timelines)
    by_path = {s.path: s.n for s in sources}
    changes = [entry for t in timelines for entry in change_entries(t, by_path)]
    timeline = sorted([Entry(s.date, s.title, s.excerpt, s.n) for s in sources] + changes,
                      key=lambda e: (e.date is None, e.date or "", e.n))
    messages = prompt_messages(question, sources, changes, pattern, system_prompt)
    return Reflection(question, sources, timeline, changes, pattern, messages, retrieval, timelines)


def decision_timelines(store: DecisionStore, hits: Sequence[Hit], top: int = 3) -> list[Timeline]:
    """Stories of the decision notes among the best hits (a note that only mentions a decision
    does not pull its story in: "how many riders…" is not a question about the Rust rewrite),
    and of a decision that the best hit takes back ("Andei a dizer a toda a gente que foi por causa
    das quedas… Foi por mim" brings the day-centre decision it revises, wherever that ranks)."""
    paths = [h.path for h in hits[:top]]
    if hits and store.timeline(hits[0].path) is None:
        paths += [p for p in store.revised_by(hits[0].path) if p in {h.path for h in hits}]
    timelines = (store.timeline(p) for p in dict.fromkeys(paths))
    return [t for t in timelines if t is not None]


def named_decision(store: DecisionStore, retrieval: Retrieval, found: Sequence[Timeline]) -> list[Timeline]:
    """Asked why, when the best hit is not a decision the question names, the decision note among
    all the hits (else among all decision notes) whose title or file name holds the most of the
    question's subject words: "o que é que me fez mesmo decidir ir para o Luxemburgo com a Inês?"
    ranks a review first and "Luxemburgo — sim" fifth (only the first three hits' stories are told
    otherwise)."""
    subject = {t for t in retrieval.terms if not is_frame(t) and t not in DECISION_VERBS}
    if any(t.path == h.path for t in found for h in retrieval.hits[:1]):
        if any(naming(subject, named_by(t)) for t in found if t.path == retrieval.hits[0].path):
            return []  # the best hit is a decision the question names
        # one it does not name gives way only to a decision named by a name ("pq eu vim pra Lisboa?" is
        # not the room's), not by a word ("give up part of the allotment" is no "going part-time")
        subject &= set(names(retrieval.question))
    known = {t.path for t in found}
    hit_stories = [t for t in (store.timeline(h.path) for h in retrieval.hits) if t is not None]
    for pool in (lambda: hit_stories, lambda: [d for d in store.decisions() if d.kind == "note"]):
        scored = sorted(((naming(subject, named_by(d)), d.path) for d in pool() if d.path not in known), reverse=True)
        if scored and scored[0][0] > 0:  # among the hits, else among all decisions ("Mudança para Lisboa")
            if len(scored) > 1 and scored[1][0] == scored[0][0]:
                return []
            story = store.timeline(scored[0][1])
            return [story] if story is not None else []
    return []


def naming(subject: set[str], words: set[str]) -> int:
    """How many of a question's subject words a decision's name holds, as written, in the other
    language, or with another ending ("orgânico" in "Certificação orgânica")."""
    return sum(1 for t in subject if held(t, words) or any(len(t) >= SAME_WORD and len(w) >= SAME_WORD
                                                           and t[:len(t) - 1] == w[:len(t) - 1] for w in words))


SAME_WORD = 6  # letters of a word whose last may differ: organico / organica, not mae / mar


def named_by(story: Timeline | Decision) -> set[str]:
    """The words a decision goes by: its subject (title) and its file name."""
    return set(terms(f"{story.subject} {PurePosixPath(story.path).stem.replace('-', ' ')}"))


def number_sources(hits: Sequence[Hit], timelines: Sequence[Timeline]) -> list[Source]:
    """Hits as numbered sources; a note a change event stands on joins if it was not retrieved."""
    decision_text = {t.path: decision_excerpt(t) for t in timelines}
    sources = [Source(i, h.path, h.title, h.date, decision_text.get(h.path) or h.excerpt, h.via)
               for i, h in enumerate(hits, start=1)]
    known = {s.path for s in sources}
    for t in timelines:
        for event in t.changes + ([] if t.path in known else [t.events[0]]):
            if event.path not in known and len(sources) < MAX_SOURCES:
                text = decision_text.get(event.path) or event.text
                sources.append(Source(len(sources) + 1, event.path, event.title, event.date, text, "decision"))
                known.add(event.path)
    return sources


def decision_excerpt(t: Timeline, budget: int = EXCERPT_CHARS) -> str:
    """A decision note as an excerpt: the statement and each reason's lead, then detail if room."""
    lines = [t.events[0].text] if t.events and t.events[0].kind == "decided" else []
    pros = [r for r in t.reasons if not r.against]
    cons = [r for r in t.reasons if r.against]
    if pros:
        lines.append("Reasons: " + " ".join(f"({r.n}) {clip(r.text, 160)}" for r in pros))
    if cons:
        lines.append("Against the other option: " + " ".join(clip(r.text, 160) for r in cons))
    return clip(" ".join(lines), budget)


RELATION_WORDS = {
    "retracted": "I took back the reason",
    "revised": "I qualified the reason",
    "confirmed": "Still holds:",
    "reversed": "I reversed the decision",
}


def change_entries(t: Timeline, by_path: dict[str, int]) -> list[Entry]:
    """The timeline's changes (and what still held, for contrast), each citing its note."""
    out = []
    for e in t.events:
        if e.kind not in RELATION_WORDS or e.path not in by_path:
            continue
        if e.kind == "confirmed" and not t.changes:
            continue  # "still holds" matters only beside something that did not
        what = f"{RELATION_WORDS[e.kind]} “{e.reason}”" if e.reason else RELATION_WORDS[e.kind]
        where = f" ({e.heading})" if e.heading and e.path == t.path else f" ({e.title})" if e.path != t.path else ""
        out.append(Entry(e.date, f"{t.subject}{where}", f"{what}: {clip(e.text, 220)}", by_path[e.path], e.kind))
    return out


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- the prompt ---------------------------------------------------------------------------------


def excerpts_block(sources: Iterable[Source]) -> str:
    return "\n\n".join(f"{s.label}\n{s.excerpt}" for s in sources)


def changes_block(changes: Sequence[Entry]) -> str:
    return "\n".join(f"- {c.date or 'undated'}: {c.text} [{c.n}]" for c in changes)


def prompt_messages(question: str, sources: Sequence[Source], changes: Sequence[Entry], pattern: bool,
                    system_prompt: str = "") -> list[Message]:
    rules = [INSTRUCTIONS] + ([PATTERN_INSTRUCTIONS] if pattern else []) + \
        ([CHANGE_INSTRUCTIONS] if any(c.kind != "confirmed" for c in changes) else [])
    system = "\n\n".join(p for p in (system_prompt.strip(), " ".join(rules)) if p)
    user = f"Excerpts from my notes:\n\n{excerpts_block(sources)}"
    if changes:
        user += f"\n\nHow my reasons changed over time:\n{changes_block(changes)}"
    user += f"\n\nQuestion: {question.strip()}\nAnswer as me, in the first person, citing excerpts like [1]."
    return [Message("system", system), Message("user", user)]


def grounded_messages(index: Index, question: str, history: Sequence[Message], system_prompt: str = "",
                      retriever: Retriever | None = None) -> tuple[list[Message], list[Source]]:
    """For chat with grounding on: the conversation with a system message carrying the excerpts
    that match `question`, and those sources (empty when nothing in the notes matched)."""
    r = reflect(index, question, retriever)
    history = [m for m in history if m.role != "system"]
    if r.nothing_found:
        note = "Nothing in my notes matches this message: if it asks about my notes, say they do not say."
        system = "\n\n".join(p for p in (system_prompt.strip(), note) if p)
        return [Message("system", system), *history, Message("user", question)], []
    block = excerpts_block(r.sources)
    if r.changes:
        block += f"\n\nHow my reasons changed over time:\n{changes_block(r.changes)}"
    system = "\n\n".join(p for p in (system_prompt.strip(), CHAT_INSTRUCTIONS, block) if p)
    return [Message("system", system), *history, Message("user", question)], r.sources


# --- filtering the stream: echoed instructions, citations -----------------------------------------


class EchoFilter:
    """Drops sentences that repeat the prompt's instructions (small models often recite them,
    "like [1] or [2]" included, which would pass as citations). Works sentence by sentence, so
    it holds back at most one unfinished sentence; quotes from the notes are never dropped."""

    END = re.compile(r"(?<=[.!?。！？])\s+|\n")

    def __init__(self, instructions: str) -> None:
        self.grams = ngrams(rouge_tokens(instructions))
        self.dropped = 0
        self._pending = ""

    def feed(self, delta: str) -> str:
        text = self._pending + delta
        ends = [m.end() for m in self.END.finditer(text)]
        cut = ends[-1] if ends else 0
        self._pending = text[cut:]
        return self._filter(text[:cut])

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return self._filter(text)

    def _filter(self, text: str) -> str:
        pieces = re.split(r"((?<=[.!?。！？])\s+|\n)", text)
        kept = []
        for i in range(0, len(pieces), 2):
            sentence, sep = pieces[i], pieces[i + 1] if i + 1 < len(pieces) else ""
            if self.is_echo(sentence):
                self.dropped += 1
                continue
            kept.append(sentence + sep)
        return "".join(kept)

    def is_echo(self, sentence: str) -> bool:
        grams = ngrams(rouge_tokens(sentence))
        return len(grams) >= 2 and len(grams & self.grams) / len(grams) >= 0.5


PERSON = {"my": "your", "me": "you", "i": "you", "mine": "your", "yours": "your", "am": "are"}


def ngrams(tokens: list[str], n: int = 3) -> set[tuple[str, ...]]:
    """Word 3-grams, with "my/your" and "I/you" made one: a recital often turns the person round."""
    tokens = [PERSON.get(t.lower(), t.lower()) for t in tokens]
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def instruction_text(reflection: Reflection) -> str:
    """The parts of the prompt that are ours, not the user's notes."""
    if not reflection.messages:
        return ""
    question_line = reflection.messages[-1].content.rsplit("\n\nQuestion:", 1)[-1]
    return f"{reflection.messages[0].content}\n{question_line}\nHow my reasons changed over time"


# --- checking citations -------------------------------------------------------------------------


class CitationCheck:
    """Filters a streamed answer: markers like [2] or [1, 3] that point at no source are removed
    (and counted) before the text is shown. Holds back an unfinished "[…" between chunks."""

    HOLD = 12  # longest marker worth waiting for: "[12, 13, 14]"

    def __init__(self, valid: Iterable[int]) -> None:
        self.valid = set(valid)
        self.removed = 0
        self.cited: list[int] = []
        self._pending = ""

    def feed(self, delta: str) -> str:
        text = self._pending + delta
        cut = self._hold_from(text)
        self._pending = text[cut:]
        return self._check(text[:cut])

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return self._check(text)

    def check(self, text: str) -> str:
        """The whole text at once."""
        return self.feed(text) + self.flush()

    def _hold_from(self, text: str) -> int:
        start = text.rfind("[")
        if start != -1 and "]" not in text[start:] and len(text) - start <= self.HOLD:
            return start - 1 if start > 0 and text[start - 1].isspace() else start
        if text and text[-1].isspace():
            return len(text) - 1  # a space may belong to a marker that is about to be removed
        return len(text)

    def _check(self, text: str) -> str:
        return CITATION.sub(self._replace, text)

    def _replace(self, match: re.Match) -> str:
        numbers = [int(n) for n in re.split(r"\s*[,;]\s*", match.group(2))]
        keep = [n for n in numbers if n in self.valid]
        self.removed += len(numbers) - len(keep)
        for n in keep:
            if n not in self.cited:
                self.cited.append(n)
        return f"{match.group(1)}[{', '.join(map(str, keep))}]" if keep else ""


def cited_numbers(text: str) -> list[int]:
    found: list[int] = []
    for match in CITATION.finditer(text):
        for n in re.split(r"\s*[,;]\s*", match.group(2)):
            if int(n) not in found:
                found.append(int(n))
    return found


# --- generating and finishing -------------------------------------------------------------------

StreamFn = Callable[[list[Message], GenOpts], Iterator[str]]


def reflect_opts(base: GenOpts | None = None, max_tokens: int | None = None) -> GenOpts:
    """Generation options for reflect: the user's, cooler (facts over flourish), no system prompt
    of their own (the reflection's messages carry it)."""
    base = base or GenOpts()
    return GenOpts(temperature=min(base.temperature, 0.3), top_p=base.top_p,
                   max_tokens=max_tokens or min(base.max_tokens, 256), system_prompt="",
                   repeat_penalty=base.repeat_penalty, seed=base.seed if base.seed is not None else 0,
                   stop=list(base.stop))


def generate(reflection: Reflection, stream: StreamFn, opts: GenOpts, on_text: Callable[[str], None] | None = None,
             should_stop: Callable[[], bool] | None = None) -> Answer:
    """Run the model over the reflection's prompt, check citations as text streams, finish."""
    if reflection.nothing_found:
        return nothing_found_answer()
    check = CitationCheck(s.n for s in reflection.sources)
    echo = EchoFilter(instruction_text(reflection))
    parts: list[str] = []
    chunks = stream(reflection.messages, opts)
    try:
        for delta in chunks:
            if should_stop and should_stop():
                break
            shown = check.feed(echo.feed(delta))
            if not parts:
                shown = shown.lstrip()  # a dropped first sentence leaves its line break
            if shown:
                parts.append(shown)
                if on_text:
                    on_text(shown)
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
    tail = check.feed(echo.flush()) + check.flush()
    if tail:
        parts.append(tail)
        if on_text:
            on_text(tail)
    return finish(reflection, "".join(parts), check.removed)


def nothing_found_answer() -> Answer:
    return Answer(NOTHING_FOUND, "", 0, [], [], nothing_found=True)


def finish(reflection: Reflection, prose: str, removed: int = 0) -> Answer:
    """Add what the prose must not be the only carrier of: what changed, and enough cited notes
    (two for a pattern question, one otherwise) when the prose cites fewer."""
    if reflection.nothing_found:
        return nothing_found_answer()
    prose = tidy(prose)
    prose_cited = [n for n in cited_numbers(prose) if reflection.source(n)]
    parts = []
    if reflection.changes:
        parts.append("**What changed:**\n" + "\n".join(
            f"- {c.date or 'undated'}: {c.text} [{c.n}]" for c in reflection.changes))
    need = 2 if reflection.pattern else 1
    if len(prose_cited) < need:
        parts.append(grounding_lines(reflection, need, prose_cited))
    appendix = "\n\n".join(p for p in parts if p)
    cited = list(dict.fromkeys(prose_cited + cited_numbers(appendix)))
    return Answer(prose, appendix, removed, cited, prose_cited)


def grounding_lines(reflection: Reflection, need: int, already: Sequence[int]) -> str:
    """'In my notes:' with the best sources' first sentences, so the answer always stands on them."""
    pool = [s for s in reflection.sources if s.n not in already]
    count = max(need - len(already), 3 if reflection.pattern else 1)
    lines = [f"- {s.date or 'undated'}, {s.title}: {first_sentences(s.excerpt)} [{s.n}]" for s in pool[:count]]
    return "**In my notes:**\n" + "\n".join(lines) if lines else ""


def first_sentences(text: str, limit: int = 320) -> str:
    text = re.sub(r"^\([^)]*\)\s*", "", text.split(" … ")[0])
    return clip(text, limit)


def tidy(prose: str) -> str:
    """Spaces left before punctuation where a marker was removed."""
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", prose).strip()


def sources_markdown(sources: Sequence[Source], cited: Iterable[int] = ()) -> str:
    used = set(cited)
    return "\n".join(f"- {s.label} — `{s.path}`" + ("" if s.n in used else " (not cited)") for s in sources)

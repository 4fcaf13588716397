"""Find the notes that answer a question: BM25 with field boosts, optional embeddings, one link hop.

- Text: an FTS5 table beside the index holds each note's terms (see `trainer.recall.terms`: stemmed
  English words, Chinese character pairs) in four columns, and FTS5's BM25 weighs a match in the
  title, tags and link names above one in the body.
- Meaning (optional): cosine similarity of chunk embeddings (`trainer.recall.embed`), when the model
  package is installed. The two rankings are fused by reciprocal rank (RRF), which needs no score
  calibration between them.
- Links: notes one wikilink away from the best hits (either direction) join as a third, lighter
  ranking when they share a subject term with the question: the journal entry about the first
  week in Obsidian is found from the decision note that links to it.
- Relevance: a note is relevant when it holds most of the question's content (its share of the
  question's terms, weighted by IDF; a word the vault never uses weighs the most), or, with
  embeddings, when its meaning is close enough. When no note is, the result is empty and callers
  say "nothing found" rather than letting a model invent an answer.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from trainer.vault import derived
from trainer.db import transaction
from trainer.vault.index import Index
from trainer.vault.note import Note
from trainer.vault.parse import prose, unemphasised
from trainer.recall.asks import CLAUSES, asked_kinds
from trainer.recall.terms import (ASKING_TERMS, SINCERE, YEAR, both_scripts, fold, forms, held, inflecting, is_cjk,
                                   is_frame, is_particle, names, query_terms, stem, terms, text_language,
                                   themes, translations)

EMPTY_ING = frozenset("being doing having during something anything".split())
"""Function words typed with the g dropped ("bein", "somethin"); not "thing", whose "thin" is a word."""

SWAHILI_VERB = re.compile(r"(?:ni|u|a|tu|m|wa)(?:li|na|ta|me|ki)(\w{3,})")
"""A Swahili verb: who (ni-, u-, a-, tu-, m-, wa-), when (-li-, -na-, -ta-, -me-, -ki-), then its root."""

VERSION = 25  # bump whenever terms or columns change: the term table is then rebuilt
SCHEMA = """
CREATE TABLE retrieval_docs (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL
);
CREATE VIRTUAL TABLE retrieval_fts USING fts5(title, tags, links, body, tokenize='unicode61');
CREATE VIRTUAL TABLE retrieval_vocab USING fts5vocab(retrieval_fts, 'row')
"""
TABLES = ["retrieval_vocab", "retrieval_fts", "retrieval_docs"]

WEIGHTS = (6.0, 3.0, 2.0, 1.0)  # BM25 column weights: title, tags, link names, body
RRF_K = 60
LINK_WEIGHT = 0.5  # a linked note counts half as much as a direct hit of the same rank
FORMS_WEIGHT = 0.5  # so does a note found by the question's words in the other language (GLOSSARY)
CANDIDATES = 40
CONNECTIVES = frozenset(terms("instead"))
"""Words that join a question's parts and name nothing: "why X instead of Y?" asks about X and Y. Where no note
says "instead" it is dropped (a word no note holds weighs the most, and sank the note that answers); where a note
says it ("Bicycle instead of a scooter") it is searched."""
FI_STEM = 5  # a shorter Finnish word is searched as typed
MIN_COVERAGE = 0.5  # share of the question's (IDF-weighted) terms a note must hold to be relevant
MIN_COSINE = 0.5  # all-MiniLM-L6-v2 cosine at which a chunk is about the question
NAMED_COVERAGE = 0.3  # a note titled with the question's name needs this much of the rest
WEAK_SHARE = 0.4  # a hit holding under 40% of what the best hit holds is noise ("move" alone)
ABSENT_PAIR = 0.25  # a Chinese pair no note holds is mostly a seam between words or a synonym of
# one the notes use ("当初", "为啥"), not a missing subject as an English word is: it weighs a quarter
EXCERPT_CHARS = 600

EXPANSIONS = {
    "mistak": ["wrong", "lesson"],
    "pattern": ["again", "lesson"],
    "habit": ["again", "always"],
    "regret": ["wrong", "hindsight"],
    "错误": ["教训"],
}
"""Pattern words a note rarely uses literally: "mistakes I keep making" live in "what I got wrong"."""


@dataclass(frozen=True)
class Hit:
    path: str
    title: str
    date: str | None
    score: float  # fused rank score, higher is better
    coverage: float  # IDF-weighted share of the question's terms found in the note (0..1)
    via: str  # rankings it was found by, joined: "text", "text+meaning", "text+link", "link" …
    excerpt: str = ""
    cosine: float | None = None
    linked_from: str | None = None


@dataclass
class Retrieval:
    question: str
    terms: list[str]
    hits: list[Hit]  # relevant notes, best first; empty when nothing relevant was found
    candidates: list[Hit] = field(default_factory=list)  # ranked before the relevance check

    @property
    def nothing_found(self) -> bool:
        return not self.hits


@dataclass
class Ranked:
    """A note's standing in each ranking while the lists are fused."""

    path: str
    bm25: float = 0.0
    cosine: float | None = None
    ranks: dict[str, int] = field(default_factory=dict)
    linked_from: str | None = None
    cap: float | None = None

    def score(self) -> float:
        return self.rrf() if self.cap is None else min(self.rrf(), self.cap)

    def rrf(self) -> float:
        weights = {"text": 1.0, "meaning": 1.0, "link": LINK_WEIGHT, "forms": FORMS_WEIGHT}
        return sum(weights[name] / (RRF_K + rank) for name, rank in self.ranks.items())

    def via(self) -> str:
        return "+".join(name for name in ("text", "meaning", "link", "forms") if name in self.ranks)


class Retriever:
    """Retrieval over one vault's index. Open one per thread (like the Index it reads)."""

    def __init__(self, index: Index, dense=None, min_coverage: float = MIN_COVERAGE,
                 min_cosine: float = MIN_COSINE) -> None:
        self.index = index
        self.dense = dense  # a trainer.recall.embed.DenseIndex, or None for text only
        self.min_coverage, self.min_cosine = min_coverage, min_cosine
        self.conn = derived.connect(index.path)
        derived.ensure_schema(self.conn, "retrieval", VERSION, SCHEMA, TABLES)

    @classmethod
    def open(cls, index: Index, dense: str = "auto") -> Retriever:
        """`dense`: "auto" (embeddings when installed), "on" (required) or "off"."""
        return cls(index, open_dense(index.path, dense))

    def close(self) -> None:
        self.conn.close()
        if self.dense is not None:
            self.dense.close()

    # --- keeping the term table in step with the index -------------------------------------

    def sync(self) -> int:
        """Re-read notes changed since the last call; returns how many were (re)indexed."""
        changed, gone = derived.stale(self.conn, "retrieval_docs")
        if not changed and not gone:
            return 0
        with transaction(self.conn):
            for path in gone:
                self._remove(path)
            for path in changed:
                note = self.index.get(path)
                if note is not None:
                    self._remove(path)
                    self._add(note)
        return len(changed)

    def _remove(self, path: str) -> None:
        row = self.conn.execute("SELECT id FROM retrieval_docs WHERE path = ?", (path,)).fetchone()
        if row:
            self.conn.execute("DELETE FROM retrieval_fts WHERE rowid = ?", (row[0],))
            self.conn.execute("DELETE FROM retrieval_docs WHERE id = ?", (row[0],))

    def _add(self, note: Note) -> None:
        cur = self.conn.execute("INSERT INTO retrieval_docs (path, content_hash) VALUES (?, ?)",
                                (note.path, note.content_hash))
        self.conn.execute("INSERT INTO retrieval_fts (rowid, title, tags, links, body) VALUES (?, ?, ?, ?, ?)",
                          (cur.lastrowid, *(" ".join(t) for t in note_fields(note))))

    # --- asking ----------------------------------------------------------------------------

    def retrieve(self, question: str, k: int = 5, hop: bool = True, drop: frozenset[str] = frozenset()) -> Retrieval:
        """The k most relevant notes for `question`, each with the excerpt that best answers it.
        Terms in `drop` are left out while others remain: "what have I learned about talking to
        users?" is searched by its subject, not by every note that says "learn"."""
        self.sync()
        qterms = self.terms_of(question)
        qterms = [t for t in qterms if t not in drop] if any(t not in drop for t in qterms) else qterms
        weights = without_kinds(self.idf(qterms), asked_kinds(question))
        ranked = self._rank(question, qterms, weights, hop)
        wanted = frozenset(t for t in names(question) if not t.isdigit())
        candidates = [self._hit(r, weights, wanted) for r in ranked[: max(k * 3, 10)]]
        relevant = [h for h in candidates if self._relevant(h)]
        english = text_language(question) == "en"  # the bundled embedding model reads English only
        named = self._named(question, relevant)
        relevant = self._by_clause(question, relevant, wanted)
        if not any(self._strong(h, english, wanted) or h.path in named for h in relevant):
            relevant = self._across_languages(question, relevant)
        best = max((h.coverage for h in relevant), default=0.0)
        relevant = [h for h in relevant if h.coverage >= WEAK_SHARE * best or self._close(h)
                    or self._titled(h.path, weights)]
        why = bool(WHY_QUESTION.search(question))
        hits = [replace(h, excerpt=self.excerpt(h.path, weights, why=why)) for h in relevant[:k]]
        return Retrieval(question, qterms, hits, candidates)

    def _rank(self, question: str, qterms: list[str], weights: dict[str, float], hop: bool) -> list[Ranked]:
        table: dict[str, Ranked] = {}
        for rank, (path, score) in enumerate(self.bm25(self.expand(qterms)), start=1):
            table.setdefault(path, Ranked(path)).ranks["text"] = rank
            table[path].bm25 = score
        alts = [f for t in qterms for f in sorted(translations(t)) if f not in qterms]
        for rank, (path, _) in enumerate(self.bm25(alts), start=1):  # the same words in the other language
            table.setdefault(path, Ranked(path)).ranks["forms"] = rank
        for rank, hit in enumerate(self._dense(question), start=1):
            entry = table.setdefault(hit.path, Ranked(hit.path))
            entry.cosine = hit.cosine
            if hit.cosine >= self.min_cosine - 0.15:
                entry.ranks["meaning"] = rank
        direct = sorted((r for r in table.values() if r.ranks), key=lambda r: -r.rrf())
        if hop:
            self._hop(direct[:3], table, weights)
        return sorted((r for r in table.values() if r.ranks), key=lambda r: -r.score())

    def _dense(self, question: str):
        if self.dense is None or mostly_cjk(question):
            return []
        notes = {r[0]: r[1] for r in self.conn.execute("SELECT path, content_hash FROM notes")}

        def load(path: str) -> tuple[str, str]:
            note = self.index.get(path)
            return (note.title, note.body) if note else (path, "")

        return self.dense.search(question, notes, load, CANDIDATES)

    def _hop(self, top: list[Ranked], table: dict[str, Ranked], weights: dict[str, float]) -> None:
        """Notes linked to or from the best hits get a link rank (a boost, or a way in) when they
        share a subject term with the question. Each has one parent: the best hit linking it."""
        subject = {t for t, w in weights.items() if w > 0}
        seen: set[str] = set()
        found: list[tuple[int, str, str]] = []
        for parent_rank, parent in enumerate(top):
            seen.add(parent.path)
            for path in self.neighbours(parent.path):
                if path not in seen and subject & self.doc_terms(path):
                    seen.add(path)
                    found.append((parent_rank, path, parent.path))
        for rank, (_, path, parent) in enumerate(sorted(found), start=1):
            entry = table.setdefault(path, Ranked(path))
            entry.ranks["link"], entry.linked_from = rank, parent
        for _, path, parent in sorted(found):  # parents first: a parent's own cap is set before its child's
            table[path].cap = table[parent].score() - 1e-9  # never above the note that links it

    def neighbours(self, path: str) -> list[str]:
        """Notes one wikilink away, outgoing then incoming (attachments and missing notes skipped)."""
        note = self.index.get(path)
        if note is None:
            return []
        out = [self.index.resolve_link(link.target, path) for link in note.links if not link.embed]
        both = [p for p in out if p] + self.index.backlinks(path)
        return [p for p in dict.fromkeys(both) if p != path]

    def _hit(self, r: Ranked, weights: dict[str, float], wanted: frozenset[str] = frozenset()) -> Hit:
        note = self.index.get(r.path)
        title, date = (note.title, note.date) if note else (r.path, None)
        return Hit(r.path, title, date, r.score(), self.coverage(r.path, weights, wanted), r.via(), "", r.cosine,
                   r.linked_from)

    def _relevant(self, hit: Hit) -> bool:
        """Worth showing: holds some of the question, or is close in meaning."""
        return hit.coverage > 0 or (hit.cosine is not None and hit.cosine >= self.min_cosine - 0.1)

    def _across_languages(self, question: str, hits: list[Hit]) -> list[Hit]:
        """A question in one language over notes in the other shares only names and numbers
        with them: the notes in the other language that hold every one of them (at least one
        name, or a number other than a year: "the 8k I lent my brother" finds "借给林涛 ¥8,000") are
        relevant, the question's other words being untranslated, not absent. A year may be the
        note's date instead. A word the glossary does translate must then be there in one
        language or the other: "Como se chama o cão da Joana?" is not answered by a note on Joana
        that never mentions a dog."""
        asked = names(question)
        wanted = [t for t in asked if not YEAR.fullmatch(t)]
        if not wanted:
            return []
        lang = text_language(question)
        known = [t for t in query_terms(question) if t not in asked and not is_frame(t) and forms(t)]
        out = []
        for h in hits:
            note = self.index.get(h.path)
            if note is None or text_language(f"{note.title}\n{note.body}") == lang:
                continue
            have = self.doc_terms(h.path)
            dated = all(y in have or (note.date or "").startswith(y) for y in asked if y not in wanted)
            if set(wanted) <= have and dated and (not known or any(held(t, have) for t in known)):
                out.append(replace(h, coverage=max(h.coverage, self.min_coverage)))
        return out

    def _by_clause(self, question: str, hits: list[Hit], wanted: frozenset[str]) -> list[Hit]:
        """A question that asks two things ("quando o Rafa foi contratado e quanto ele ganha?") is
        answered by a note that holds one of them whole: its coverage is that of its best part, a
        part of two weighed words or more that gives a name the question gives (when it gives any),
        in a note that holds every name. "ganha" is in no note, and weighed the most; Rafa's note
        says when he was hired. Not a why question: its parts ask one thing."""
        parts = [part for part in CLAUSES.split(question) if part and part.strip()]
        if len(parts) < 2 or WHY_QUESTION.search(question):  # a why asks one thing, however many its parts
            return hits
        clauses = []
        for part in parts:
            qterms = self.terms_of(part)
            weights = self.idf(qterms)
            if sum(1 for w in weights.values() if w > 0) >= 2 and (not wanted or wanted & set(names(part))):
                clauses.append(weights)
        out = []
        for h in hits:
            best = max((self.coverage(h.path, w, wanted) for w in clauses), default=0.0)
            out.append(replace(h, coverage=best) if best > h.coverage and wanted <= self.doc_terms(h.path) else h)
        return out

    def _named(self, question: str, hits: list[Hit]) -> set[str]:
        """Notes titled with a name the question gives and holding every name it gives, with some
        of the rest: "Why did I stop supplying Hollow Oak?" is answered by "Dropping Hollow Oak"
        though no note says "supplying" (a word the vault lacks weighs the most, and names are
        rarer than verbs to be found by chance). Not a note titled with the name alone: "Marta Reis"
        holds what I know of her, which is no answer to what she charges."""
        wanted = {t for t in names(question) if not t.isdigit()}
        if not wanted:
            return set()
        out = set()
        for h in hits:
            title = set(terms(h.title))
            named_in_title = wanted & title and title - wanted  # the name and something it does or is
            if h.coverage >= NAMED_COVERAGE and named_in_title and wanted <= self.doc_terms(h.path):
                out.add(h.path)
        return out

    def _titled(self, path: str, weights: dict[str, float]) -> bool:
        """The note's title names a subject word of the question ("Balcony garden" for "what did I
        plant on the balcony?"): it is about the question even when another note holds more of it."""
        row = self.conn.execute("SELECT f.title FROM retrieval_fts f JOIN retrieval_docs d ON d.id = f.rowid "
                                "WHERE d.path = ?", (path,)).fetchone()
        title = set(row[0].split()) if row else set()
        return any(w > 0 and t in title for t, w in weights.items())

    def _close(self, hit: Hit) -> bool:
        return hit.cosine is not None and hit.cosine >= self.min_cosine

    def _strong(self, hit: Hit, by_meaning: bool = True, wanted: frozenset[str] = frozenset()) -> bool:
        """Good enough that the question counts as answered by the notes at all. Meaning counts
        only for an English question: the English embedding model puts any two Portuguese texts
        close ("Quanto custou o carro novo?" and a note saying "Custou 9.400 €"). Nor does it
        stand for a name the note lacks: "How did the Gatlinburg trip with Owen go?" is close in
        meaning to every trip with Owen, and no note has Gatlinburg."""
        return hit.coverage >= self.min_coverage or (by_meaning and hit.cosine is not None
                                                     and hit.cosine >= self.min_cosine
                                                     and wanted <= self.doc_terms(hit.path))

    # --- BM25 and term statistics -----------------------------------------------------------

    def bm25(self, qterms: list[str], limit: int = CANDIDATES) -> list[tuple[str, float]]:
        """(path, BM25 score) for notes holding any of the terms, best first."""
        if not qterms:
            return []
        match = " OR ".join(f'"{t}"' for t in qterms)
        rows = self.conn.execute(
            f"SELECT d.path, bm25(retrieval_fts, {', '.join(map(str, WEIGHTS))}) AS rank "
            "FROM retrieval_fts JOIN retrieval_docs d ON d.id = retrieval_fts.rowid "
            "WHERE retrieval_fts MATCH ? ORDER BY rank LIMIT ?", (match, limit))
        return [(path, -rank) for path, rank in rows]

    def expand(self, qterms: list[str]) -> list[str]:
        """Pattern words, and the other-language forms of the terms no note holds: "comprar" finds
        "buy" in an English vault, while "bicycle" in a vault that has it stays itself."""
        held_terms = self.df(qterms)
        missing = [t for t in qterms if not held_terms.get(t)]
        return list(dict.fromkeys(expand(qterms, forms_of=missing)))

    def akin(self, qterms: list[str]) -> dict[str, frozenset[str]]:
        """For each term no note holds (nor its other-language form), the words of the same part
        of life (terms.THEMES) that some note does: "cash" -> savings, sums, contas. A term the
        vault uses is searched as itself; its family would only bring noise."""
        every = list(dict.fromkeys(qterms + [f for t in qterms for f in forms(t)]))
        held_terms = self.df(every)
        out = {}
        for t in qterms:
            if held_terms.get(t) or any(held_terms.get(f) for f in forms(t)) or not themes(t):
                continue
            mates = sorted(themes(t))
            have = self.df(mates)
            if found := frozenset(m for m in mates if have.get(m)):
                out[t] = found
        return out

    def terms_of(self, question: str) -> list[str]:
        """The question's terms ("who sold it to me?" asked as what I bought: CONVERSE); in a
        Portuguese question, a verb or noun form no note uses ("passei", "trabalhar") becomes the
        form of the same root the notes do use ("passar", "trabalho"): the stemmer is English, and
        Portuguese inflects more."""
        question = COMPOUND.sub(self.split_compound, question)
        qterms = query_terms(CONVERSE.sub(lambda m: CONVERSES[m.group(1).lower()], CALLED.sub(r"\1", question)))
        lang = text_language(question)
        if lang == "zh":
            return qterms
        if inflecting(question):
            return list(dict.fromkeys(self.same_stem(t) for t in qterms))
        root_of = {"pt": pt_root, "es": pt_root, "fr": romance_root, "it": romance_root}.get(lang, en_root)
        if lang == "en":
            qterms = [t for t in qterms if not (t.endswith("in") and f"{t}g" in EMPTY_ING)] or qterms  # "bein"
            qterms = self.as_held(qterms, typed_forms(qterms))
        found = self.df(list(dict.fromkeys(qterms + [f for t in qterms for f in forms(t)])))
        qterms = [t for t in qterms if t not in CONNECTIVES or found.get(t)]
        kept = [t for t in qterms if t in ASKING_TERMS or held(t, found)]  # as asked ("volto", "prestação")
        return list(dict.fromkeys(t if t in kept else self.same_root(t, root_of) for t in qterms))

    def split_compound(self, match: re.Match) -> str:
        """"beehives" as "bee hives" where no note says beehives and notes say both halves ("Gave
        the 2 hives to Tama", "New thing: bees"): a compound no note uses is asked by its parts."""
        word = match.group(0)
        if self.df(terms(word)):
            return word
        for cut in range(len(word) - COMPOUND_TAIL, COMPOUND_HEAD - 1, -1):
            halves = [terms(word[:cut]), terms(word[cut:])]
            if all(len(h) == 1 and not is_frame(h[0]) for h in halves) and len(self.df([h[0] for h in halves])) == 2:
                return f"{word[:cut]} {word[cut:]}"
        return word

    def as_held(self, qterms: list[str], variants: dict[str, str]) -> list[str]:
        """Each term with a variant read as that variant, when no note holds the term as typed and one
        holds the variant (a word no note has weighs the most): `typed_forms`."""
        if not variants:
            return qterms
        held_terms = self.df(list(variants) + list(variants.values()))
        return [variants[t] if t in variants and not held_terms.get(t) and held_terms.get(variants[t]) else t
                for t in qterms]

    def starting_with(self, prefix: str) -> list[tuple[str, int]]:
        """The vault's terms that start with `prefix`, each with how many notes hold it."""
        return self.conn.execute("SELECT term, doc FROM retrieval_vocab WHERE term >= ? AND term < ?",
                                 (prefix, prefix + "\uffff")).fetchall()

    def same_root(self, term: str, root_of) -> str:
        """The vault's commonest term sharing `term`'s root (`root_of`: pt_root or en_root)."""
        root = root_of(term)
        found = [(doc, t) for t, doc in self.starting_with(root) if t != term and root_of(t) == root]
        return max(found)[1] if found else term

    def same_stem(self, term: str) -> str:
        """The form of `term` to search, in a language whose words change at the end (Finnish, Turkish, Polish).
        A term no note holds: the vault's term that starts most as it does, the commonest of those (the first
        letters, all but three of a long word: Finnish "Corollan", "e-Niroon", "bensan" are the notes' "corolla",
        "niro", "bensa"). A term a note holds: the commonest term of the same start and about its length ("kolana"
        in a vault that says "kolano" more)."""
        if len(term) < FI_STEM:
            return term
        if self.df([term]):
            rows = self.starting_with(term[:max(FI_STEM - 1, len(term) - 2)])
            return max((doc, t == term, t) for t, doc in rows if abs(len(t) - len(term)) <= 2)[2]
        # all but three letters: "mökin" is "mökki", its consonants change too
        rows = self.starting_with(term[:max(FI_STEM - 2, len(term) - 3)])
        found = [(len(os.path.commonprefix([t, term])), doc, t) for t, doc in rows if len(t) <= len(term) + 3]
        return max(found)[2] if found else term

    def df(self, qterms: list[str]) -> dict[str, int]:
        """How many notes hold each term."""
        if not qterms:
            return {}
        marks = ",".join("?" * len(qterms))
        return dict(self.conn.execute(f"SELECT term, doc FROM retrieval_vocab WHERE term IN ({marks})", qterms))

    def idf(self, qterms: list[str]) -> dict[str, float]:
        """Weight of each question term for relevance (IDF; frame words 0). A term no note holds
        weighs the most: "boat" in "why did I buy a boat?" is the subject, and no note has it."""
        total = self.conn.execute("SELECT count(*) FROM retrieval_docs").fetchone()[0]
        every = list(dict.fromkeys(qterms + [f for t in qterms for f in forms(t)]))
        marks = ",".join("?" * len(every))
        df = dict(self.conn.execute(f"SELECT term, doc FROM retrieval_vocab WHERE term IN ({marks})", every)
                  ) if every else {}
        held_by = {t: max([df.get(t, 0)] + [df.get(f, 0) for f in forms(t)]) for t in qterms}  # "comprar" is "buy"
        seams = cjk_seams(qterms, {t for t, n in held_by.items() if n})
        weights = {}
        for t, n in held_by.items():
            if is_frame(t) or t in seams or (not n and (t in SINCERE or is_particle(t))):
                weights[t] = 0.0
                continue
            weights[t] = math.log(1 + (total - n + 0.5) / (n + 0.5))
            if not n and is_cjk(t):
                weights[t] *= ABSENT_PAIR
        return weights

    def doc_terms(self, path: str) -> set[str]:
        row = self.conn.execute(
            "SELECT f.title, f.tags, f.links, f.body FROM retrieval_fts f JOIN retrieval_docs d "
            "ON d.id = f.rowid WHERE d.path = ?", (path,)).fetchone()
        return set(" ".join(row).split()) if row else set()

    def coverage(self, path: str, weights: dict[str, float], wanted: frozenset[str] = frozenset()) -> float:
        """The IDF-weighted share of the question's terms the note holds. A word asking what
        something costs ("charge", "cobra") is held by an amount, in a note that holds every name
        the question gives (`wanted`): "What does my accountant charge?" is answered by "£95/month
        bookkeeping"; what Marta charges is not answered by someone else's prices."""
        total = sum(weights.values())
        if total <= 0:
            return 0.0
        present = self.doc_terms(path)
        found = {t for t in weights if t in present or any(e in present for e in expand([t])[1:])}
        if (any(t in MONEY_TERMS for t in weights if t not in found) and wanted <= present
                and self._has_amount(path)):
            found |= MONEY_TERMS & set(weights)
        if (wanted and any(t in PHONE_TERMS for t in weights if t not in found) and wanted <= present
                and self._has_phone(path)):
            found |= PHONE_TERMS & set(weights)
        return sum(weights[t] for t in found) / total

    def _has_phone(self, path: str) -> bool:
        note = self.index.get(path)
        return bool(note and "<PHONE>" in note.body)

    def _has_amount(self, path: str) -> bool:
        note = self.index.get(path)
        return bool(note and (AMOUNT.search(note.body) or (EURO_AFTER.search(note.body)
                                                              and text_language(note.body) in ("fr", "it"))))

    def excerpt(self, path: str, weights: dict[str, float], budget: int = EXCERPT_CHARS, why: bool = False) -> str:
        note = self.index.get(path)
        return best_excerpt(note, weights, budget, why) if note else ""


def without_kinds(weights: dict[str, float], kinds: set[str]) -> dict[str, float]:
    """The weights with the kinds of name asked for at 0 ("which shop" is answered by "Hup Seng"),
    unless nothing else would weigh: "which shop?" alone is searched by its kind."""
    if not any(w for t, w in weights.items() if t not in kinds):
        return weights
    return {t: 0.0 if t in kinds else w for t, w in weights.items()}


MONEY_TERMS = frozenset(terms("charge charges charged cost costs price fee fees pay paid spend spent cobra cobrar "
                              "cobrou custa custou custar paguei pagar pagou gastei gastar owe owes owed owing "
                              "package raise deve devo dívida pago pagaba pagué pagamos cuesta cuestan costó costaba "
                              "cobraba cobró gasté payé payer paie coûte coûté coûtait dépensé pagato pagavo pagare "
                              "costava costato costata speso spendo offerto offerta offert offerte"))
"""Words asking what something costs: a note that gives an amount holds them, whatever its verb."""
PHONE_TERMS = frozenset(terms("number phone mobile cell contact telefone telemóvel celular contacto contato "
                              "selnommer foonnommer 电话 手机 号码"))
"""Words asking for someone's number: their note holds them when it holds a number (the index keeps
its placeholder, trainer.data.scrub): "what's Dazza's number again?" is answered by "Phone: 07700 …"."""
AMOUNT = re.compile(r"[€$£¥₹]\s?\d|\d[\d.,]*\s?(?:euros?|pounds?|dollars?|reais)\b")
"""A sum with its currency written before it or in words ("£95/month", "300 euros"). Not "4.000€":
counting those too answered "Quanto custou o carro novo?" from the old car's price (held-out
unanswerable 1.00 -> 0.75); `asks` judges the sum itself where the question's shape is plain."""
EURO_AFTER = re.compile(r"\d[\u00a0\u202f ]€")
"""How French and Italian write every sum ("45 €", "1.650 €"): in their notes it is the amount
(in Portuguese ones it answered "quanto pagamos de renda…?" from a "Trespasse de 55.000 €")."""


CONVERSES = {"sold": "bought", "sell": "buy", "lent": "borrowed", "lend": "borrow", "taught": "learned",
             "teach": "learn"}
CONVERSE = re.compile(r"\b(sold|sell|lent|lend|taught|teach)\b(?=(?:\s+\w+)?\s+(?:to\s+)?me\b)", re.IGNORECASE)
""""Who sold her to me?" is "who did I buy her from?": my notes say what I bought, borrowed, learned."""
CALLED = re.compile(r"^(\s*what(?:['’]s|\s+(?:is|was|are|were))\s.*\w)\s+called\b(?=\W*$|\s+(?:and|again|now|then)\b)", re.IGNORECASE)
""""What's my brother's café called?" asks for a name: "called" is no word the note must hold."""


PT_ENDINGS = sorted("""aram eram iram amos emos imos avam ava ando endo indo ados adas ado ada idos idas ido ida
ações ação ei ou eu iu ar er ir as os es am em o a e""".split(), key=len, reverse=True)
PT_ENDINGS = [fold(e) for e in PT_ENDINGS]  # terms are accent-folded


ROMANCE_ENDINGS = sorted(set(PT_ENDINGS) | {fold(e) for e in """iamo iate ano ono ato ata ati ate uto uta uti ute ito ita
iti ite avo avi ava avano i ée ées és é ais ait aient ons ez ent""".split()}, key=len, reverse=True)
"""Italian and French inflections on top of Portuguese ones: "netto" finds "netti", "payée" finds "payé"."""


EN_ENDINGS = ("ation", "ition", "ness", "ment", "ical", "ity", "ion", "ive", "ous", "ic", "al", "er", "or", "y")
"""Derivational endings of English (the stemmer strips only inflection): "diabetic" and "diabetes",
"driver" and "driving", "interviewer" and "interview" share a root."""


def en_root(term: str) -> str:
    """An English term without its derivational endings, kept at five letters or more."""
    for _ in range(2):  # "professional" -> "profession" -> "profess"
        ending = next((e for e in EN_ENDINGS if term.endswith(e) and len(term) - len(e) >= 5), None)
        if ending is None:
            break
        term = term[: -len(ending)]
    return term


def pt_root(term: str) -> str:
    """A Portuguese word without its inflection ("passei", "passar" -> "pass"), kept at four
    letters or more; a word with no such ending is its own root."""
    for ending in PT_ENDINGS:
        if term.endswith(ending) and len(term) - len(ending) >= 4:
            return term[: -len(ending)]
    return term


def romance_root(term: str) -> str:
    """An Italian or French word without its inflection, as `pt_root` does for Portuguese."""
    for ending in ROMANCE_ENDINGS:
        if term.endswith(ending) and len(term) - len(ending) >= 4:
            return term[: -len(ending)]
    return term


def expand(qterms: list[str], forms_of: list[str] | None = None) -> list[str]:
    """The terms, then their pattern words (EXPANSIONS) and the other forms (GLOSSARY) of
    `forms_of` (all of them by default)."""
    extra = terms(" ".join(e for t in qterms for e in EXPANSIONS.get(t, [])))
    alts = [f for t in (qterms if forms_of is None else forms_of) for f in sorted(forms(t))]
    return list(dict.fromkeys(qterms + extra + alts))


def typed_forms(qterms: list[str]) -> dict[str, str]:
    """The form the notes may use of a word as typed: "puttin", "guessin" with the g dropped ("putting" is
    "put": "what was really behind puttin Pop in Harbourview?" found nothing), and a Swahili verb with its
    person and tense ("nilihama", I moved) as the note "kuhama"."""
    swahili = {t: f"ku{m.group(1)}" for t in qterms if (m := SWAHILI_VERB.fullmatch(t))}
    return swahili | {t: stem(f"{t}g") for t in qterms if t.endswith("in") and len(t) >= 5}


def cjk_seams(qterms: list[str], held: set[str]) -> set[str]:
    """Chinese pairs that straddle two words: no note holds them, and they overlap a pair that a
    note does hold. "没把老爸接来深圳一起住" yields "起住" beside "一起"; weighed like a missing
    subject, such a pair would sink the note that answers. A pair beside no held pair ("上海" in
    "搬到上海") may be a subject no note has, and keeps its weight."""
    pairs = [t for t in qterms if len(t) == 2 and is_cjk(t)]
    ends, starts = {p[1] for p in pairs if p in held}, {p[0] for p in pairs if p in held}
    return {p for p in pairs if p not in held and (p[0] in ends or p[1] in starts)}


def open_dense(db_path: Path, mode: str = "auto"):
    """A DenseIndex when embeddings are wanted and installed; None for text-only retrieval."""
    if mode == "off":
        return None
    from trainer.recall import embed

    if not embed.available():
        if mode == "on":
            raise RuntimeError("embeddings need: pip install 'second-brain[embed]'")
        return None
    return embed.DenseIndex(db_path.parent / "embeddings.db", embed.shared_embedder())


# --- what a note contributes to each column ---------------------------------------------------


def note_fields(note: Note) -> tuple[list[str], list[str], list[str], list[str]]:
    """(title, tags, link names, body) terms."""
    aliases = note.frontmatter.get("aliases") or []
    aliases = [aliases] if isinstance(aliases, str) else [str(a) for a in aliases if isinstance(a, str | int)]
    link_text = [f"{ln.target} {ln.alias}" for ln in note.links if not ln.embed]
    tags = [t.replace("/", " ") for t in note.tags]
    return (terms(note.title), terms(" ".join(tags)), terms(" ".join(link_text + aliases)),
            terms(note.body))


# --- excerpts ---------------------------------------------------------------------------------

HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


@dataclass(frozen=True)
class Block:
    heading: str  # the section it sits in ("" before the first heading)
    text: str
    start: int  # character offset in the body, for document order


def blocks(body: str) -> list[Block]:
    """Paragraphs and lists (blank-line separated), each with its section heading; H1 dropped."""
    out: list[Block] = []
    heading, lines, start, offset = "", [], 0, 0
    for line in prose(body).split("\n") + [""]:
        match = HEADING.match(line)
        if match or not line.strip():
            if lines:
                out.append(Block(heading, "\n".join(lines).strip(), start))
                lines = []
            if match and len(match.group(1)) > 1:
                heading = match.group(2).strip()
        else:
            if not lines:
                start = offset
            lines.append(line)
        offset += len(line) + 1
    return [b for b in out if not b.text.startswith("#") or " " in b.text]


COMPOUND = re.compile(r"\b[a-z]{7,}\b")  # not a name: "Newcastle" is no new castle
COMPOUND_HEAD, COMPOUND_TAIL = 3, 4  # letters of each half, at least: "bee" + "hives"


WHY_QUESTION = re.compile(
    both_scripts(r"\b(?:why|how come)\b|\bwh[ai]t (?:actually |really |honestly )?made (?:me|us)\b|\bwhat was (?:really |actually )?behind\b|"
    r"\b(?:the|my) (?:actual |real |true )?(?:reasons?|reasoning|point) (?:for|of|behind)\b|"
    r"\b(?:real|true|whole|full) story\b|\bstory behind\b|"
    r"\bwhat (?:was|were|is|'s) (?:actually |really |honestly )?(?:the|my) (?:actual |real |true |main )?(?:reasons?|reasoning|point)\b|"
    r"\b(?:really|honestly|actually|just) (?:why|the reason|because)\b|\bwas it (?:really|honestly|actually)\b|"
    r"\bpor ?qu[eéê]\b|\bpq\b|\bbakit\b|(?:^|[¿.?!]\s*)(?:y |e )?(?:para|pra) qu[eé]\b|"  # "¿para qué compré la moto?"
    r"\bpourquoi\b|\bpour quelle raison\b|\bqu['’]est-ce qui m['’]a (?:pouss|fait|décid)|"
    r"\bperch[eéè]\b|\bx(?:ch|k)[eéè]\b|\bcome mai\b|\bper quale (?:motivo|ragione)\b|\bwarum\b|\bwieso\b|\bweshalb\b|\bweswegen\b|"
    r"\b(?:la vraie raison|le vrai motif|il vero motivo|la vera ragione|der (?:wahre|eigentliche) grund|"
    r"el (?:verdadero )?motivo real)\b|\bo que (?:é que )?(?:realmente |mesmo |de verdade |no fundo )?me (?:levou|fez)\b|"
    r"\bpor que razão\b|\bqual (?:foi|é|era) (?:o motivo|a razão)\b|"
    r"\bsó por causa\b|\bfoi (?:mesmo|msm|só) (?:por|pel[ao]s?)\b|"
    r"\bwas [^?]{1,60}\b(?:really|honestly|actually|truly) (?:about|because|for|my call|the reason)\b|"
    r"\bwh[ai]t was the (?:thinking|logic) behind\b|\bpor causa d[aoe]s? [^?]{1,40}, não foi\b|"
    r"\bo que (?:tava|estava|esteve|está|tá) (?:realmente |mesmo |de verdade )?por trás\b|"
    r"\bo que pesou (?:mesmo|de verdade|realmente)\b|\bou (?:houve|havia|tinha|teve|foi|era) (?:mais |outra |alguma )*coisa\b|"
    r"\bor (?:was|were|is) there (?:something |anything )?(?:else|more)\b|\bor was it (?:something|anything) else\b|"
    r"\b(?:foi|era|é) (?:mesmo |msm |só |de verdade |realmente )?(?:essa|esta|esse|este|isso|isto) (?:a |o )?(?:razão|motivo|causa)\b|"
    r"\b(?:a|o) (?:razão|motivo|causa) (?:real|verdadeir[ao])\b|"
    r"\b(?:was|is) (?:that|this|it) (?:really |honestly |actually |truly )?the (?:real |main |whole )?reason\b|"
    r"\bdid (?:I|we) (?:really|honestly|actually|truly) [^?]{1,60}(?<!\bpay )(?<!\bpaid )\bfor\b|\bky[ou]n\b|"
    r"是(?:为了|因为)[^？?]{1,30}[吗嗎吧]|系咪(?:真系)?(?:为咗|为了|因为)|"
    r"为什么|为何|为啥|点解|为咩|原因|怎么想的|咋个想的|咋考虑|咋就|真(?:的)?(?:就|只)?是(?:为了|因为)|真是这么回事|真的是[^？?]*吗|"
    r"说是为了[^？?]*(?:真的|是真的|到底)|到底是为了什么|到底是什么推了我|老实说是这样吗|为了(?:啥|什么|甚么)|图(?:啥|什么)|"
    # whether a stated reason was the reason: "was the octavia really bought for Pip's crate", "foi mesmo pra poupar?"
    r"\bwhat (?:actually |really |honestly |finally )?(?:stopped|got|drove|pushed|tipped|led) (?:me|us)\b|"
    r"\bwhat (?:actually |really |honestly |finally )?(?:decided|swung)\b|\bthat (?:made|decided|got) (?:me|us|it)\b|"
    r"\b(?:real|actual|true) reason\b|(?:^|[,;:—–-]\s*)was\b[^?]{1,60}\b(?:really|honestly|actually|truly)\b|"
    r"\bwas because\b|\bwas (?:the |my |it )?[^?]{1,40}\bthe (?:real |main |whole )?reason\b|\bque me fez\b|"
    r"\bcomo (?:escrevi|disse|pus) na (?:altura|nota)\b|"
    r"\bo q(?:ue)? (?:é que )?(?:realmente |mesmo |msm |de verdade |no fundo )?(?:me (?:levou|fez)|pesou)\b|"
    r"\bo q(?:ue)? (?:é que )?(?:tava|estava|esteve|está|tá) (?:realmente |mesmo |msm |de verdade )?por tr[aá]s\b|"
    r"\b(?:foi|era) (?:mesmo |msm |realmente |de verdade )?(?:o|a) (?:motivo|razão|causa)\b|"
    r"\bfoi (?:mesmo|msm|só|honestamente|realmente|de verdade) (?:por|pel[ao]s?|pra|para|p/)(?!\w)|"
    r"\b(?:mesmo|msm) (?:por|pel[ao]s?|pra|para|p/)(?!\w)|\bfoi (?:isso|só isso) (?:mesmo|msm)\b|"
    r"^(?!\s*(?:o que|o q|quem|quanto|quantos|quantas|quando|onde|qual|quais|como)\b)[^?]*"
    r"(?:\bpor causa d|\b(?:foi|era) (?:mesmo|msm|realmente|de verdade|honestamente)\b)|"
    r"\bfoi mesmo isso\b|\bpara qu[eê] de verdade\b|\bpra qu[eê] de verdade\b|"
    r"\bou (?:houve|havia|tinha|teve) mais\b|"
    r"\b(?:por|pel[ao]s?|pra|para|p/) [^?]{1,60}(?:,\s*)?(?:né|certo|ou quê|ou não)\s*\?|"
    r"\bqu[eé] me (?:llevó|hizo|empujó|movió)\b|\bpor [^?]{1,50}\bo qu[eé](?: onda)?\s*\?|"
    r"\bo no (?:era|fue) (?:eso|por eso)\b|\bneta\b[^?]*\bpor\b|"
    r"\bà cause d|\bc['’]est bien ça\b|\bvraiment\b[^?]{0,40}\bpour\b|"
    r"\bdavvero per\b|\bcosa mi ha (?:fatto|spinto|portato)\b|"
    r"\b(?:echte|wahre|eigentliche)n? grund\b|\bwirklich (?:nur )?wegen\b|"
    r"\bczemu\b|\bdlaczego\b|\bnaprawdę\b[^?]{0,40}\bprzez\b|"
    r"\bkwa nini\b|\bkweli\b|\bkenapa\b|\bmengapa\b|\bhoekom\b|\bcén fáth\b|\bwetin (?:really )?(?:make|cause)\b|"
    r"\b(?:yun|iyon|ito) ba talaga\b|\bgyud ba\b|진짜 이유|이유가 뭐|(?<![가-힣])왜(?![가-힣])|"
    r"\bwhat (?:was|were) (?:I|we) (?:really|actually|honestly) (?:going for|after|thinking)\b|"
    r"なんで|なぜ|どうして|ほんまのとこ|本当のところ|(?:ほんまに|本当に|ほんとに)[^？?]*(?:せい|ため|から)|からだけ|ためだけ|"
    r"到底[^？?]{0,6}(?:想|为|是不是|咋|怎么)|咋想的|干嘛(?!用)(?=[^\s？?，,。]{2})|主要是因为|主因|"
    r"真正(?:的)?(?:理由|原因)|是真的吗|"
    r"真[系係]?(?:因为|为咗|为了)|[系係]咪真|真是[^？?]{1,20}[吗才]|是真(?:的)?觉得|为咗[^？?]{0,20}定|それだけ[？?]|"
    r"怎么(?:突然)?就?决定"),
    re.IGNORECASE)
"""A question that asks for my reasons, as people ask it: "why", "remind me why", "what was really
behind…", "was the roof honestly the reason…", "pq", "o que me fez", "为啥", "真的是为了…吗"."""
WHY_HEADING = re.compile(both_scripts(r"^(?:the |my |real |other |os |as |a |o |meus |minhas |les |mes |i |miei |le )*(why|reasons?|because|porqu[eê]|por ?qu[eê]|pq|"
                                      r"razões|razão|motivos?|pourquoi|raisons?|motifs?|perch[eé]|ragioni|motivi)(?!\w)|理由|原因|为什么|为啥"),
                         re.IGNORECASE)


def best_excerpt(note: Note, weights: dict[str, float], budget: int = EXCERPT_CHARS, why: bool = False) -> str:
    """The one or two blocks of `note` that hold most of the question, shortened to `budget`.
    For a "why" question a block under a "Why…"/"Reasons" heading counts extra."""
    bonus = 0.5 * sum(weights.values()) if why else 0.0
    scored = [(block_score(b, weights) + (bonus if WHY_HEADING.search(b.heading) else 0.0), b)
              for b in blocks(note.body)]
    scored = [(s, b) for s, b in scored if s > 0] or [(0.0, b) for _, b in scored[:1]]
    chosen = sorted(sorted(scored, key=lambda sb: -sb[0])[:2], key=lambda sb: sb[1].start)
    share = budget // max(1, len(chosen))
    parts = [render_block(b, weights, share) for _, b in chosen]
    return " … ".join(p for p in parts if p)


def block_score(block: Block, weights: dict[str, float]) -> float:
    body = set(terms(block.text))
    head = set(terms(block.heading))
    return sum(w for t, w in weights.items() if t in body) + 0.5 * sum(w for t, w in weights.items() if t in head)


def render_block(block: Block, weights: dict[str, float], budget: int) -> str:
    text = shorten(block.text, weights, budget)
    return f"({block.heading}) {text}" if block.heading else text


def shorten(text: str, weights: dict[str, float], budget: int) -> str:
    """Fit a block in `budget` characters: every list item's first sentence first (so no reason
    goes missing), then the sentences that match the question best; document order kept."""
    items = [plain(i) for i in re.split(r"\n(?=\s*(?:[-*+]|\d+[.)])\s)", text) if i.strip()]
    units = [(i, j, u) for i, item in enumerate(items) for j, u in enumerate(split_sentences(item))]
    if sum(len(u) + 1 for *_, u in units) <= budget:
        return " ".join(u for *_, u in units)
    def match(u: str) -> float:
        return sum(w for t, w in weights.items() if t in set(terms(u)))
    order = sorted(units, key=lambda x: (x[1] > 0, -match(x[2]), x[0], x[1]))
    keep, used = set(), 0
    for unit in order:
        if used + len(unit[2]) + 1 <= budget or not keep:
            keep.add(unit)
            used += len(unit[2]) + 1
    result = " ".join(u for *_, u in sorted(keep))
    return result if len(result) <= budget else result[: budget - 1].rstrip() + "…"


def split_sentences(text: str) -> list[str]:
    return [u.strip() for u in re.split(r"(?<=[.!?])\s+|(?<=[。！？])", text) if u.strip()]


def mostly_cjk(text: str) -> bool:
    """The bundled embedding model is English-only: Chinese questions rank by terms alone."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if is_cjk(c)) / len(letters) > 0.3


WIKILINK = re.compile(r"!?\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")


MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")


def plain(text: str) -> str:
    """Markdown made quotable: wikilinks and [links](url) as their names, no emphasis or
    highlight marks, no footnote markers or inline HTML tags, one line."""
    text = WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = MD_LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"\[\^[^\]]+\]|</?[a-z][a-z0-9-]*(?:\s[^>]*)?/?>", "", text)  # not "<REDACTED>"
    text = unemphasised(text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"^\s*[-*+]\s+(\[[ xX]\]\s+)?", "• ", text, flags=re.MULTILINE)
    return re.sub(r"\s*\n\s*", " ", text).strip()

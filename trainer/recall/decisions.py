"""Decisions in the notes: what was decided, when, why, and how the reasons held up later.

Two sources of decisions:
- decision notes (frontmatter `type: decision`, or the tag `decision`): the statement ("Decided
  on 2025-03-09: …"), the reasons (list items under a "Why…"/"Reasons…" heading; "Why not…"
  items are reasons against), the status, and dated revision sections ("Update 2025-10",
  "Later" with "2025-06: …" paragraphs, "Reflection, 2025-01", "Honest version, added the same
  night");
- sentences elsewhere: "decided to", "chose", "going with", "switched to", "决定" …, with a
  "because/因为" clause as the reason, joined to a decision note's subject when they link to it.

A revision is tied to the reason it talks about (by the reason's key words, or "the first
reason"), and classed by what it says: retracted ("It was not one", "never measured"), revised
("half true"), confirmed ("still holds"). A later note that links to a decision note and takes
one of its reasons back ("forty phones … is four requests a second. That is nothing.") is a
revision too, and so is one that neither links nor names it but speaks of it in its rare words
and takes it back in everyday ones ("…pus que era pelos 110€ de renda… Tretas. Foi pela mãe.").
A later decision that reverses an earlier one is linked to it. Extraction is
rules, not a model: it runs on every scan and its output can be shown and checked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from trainer.vault import derived
from trainer.db import transaction
from trainer.vault.note import Note
from trainer.vault.parse import LINE_END, first_date, line_ends, prose, unemphasised
from trainer.recall.terms import both_scripts, fold, is_cjk, is_frame, names, simplified, terms, text_language

# --- patterns -----------------------------------------------------------------------------------

DATE = r"(\d{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)"  # not a season: "2025-26"
DECIDED = re.compile(
    both_scripts(r"\b(?:decided|decide to|decided to|chose|choose to|going with|go with|switched to|switch to|"
    r"settled on|opted for|i picked|we picked|decidi|decidimos|escolhi|optei|decidí|decidido|elegí|"
    r"entschieden|entscheide mich|j['’]ai décidé|décidé|j['’]ai choisi|ho deciso|abbiamo deciso|ho scelto)(?!\w)|决定|选择了|选了"), re.IGNORECASE)
REASONS_HEADING = re.compile(both_scripts(r"^(?:(?:the|my|our|other|os|as|meus|minhas|outros|outras|les|mes|i|miei|le)\s+)*(why|reasons?|reasoning|"
                             r"because|porqu[eêé]|por ?qu[eêé]|pq|razões|razão|razones|razón|motivos?|raciocínio|"
                             r"gründe|grund|warum|wieso|pourquoi|raisons?|motifs?|perch[eéè]|ragioni|motivi)(?!\w)"
                             r"(?!\s+(?:dagegen|contre|contro))|"
                             r"^(?:for|pros|prós|a favor|the case for(?: it)?)\s*$|"
                             r"^(?:(?:pros|prós)\s+(?:d[aeo]s?|of|for)|a favor\s+d[aeo]s?|in favou?r of|(?:the )?case for)\s+\w|"
                             r"理由|原因|为什么|为啥|点解|^(?:优点|好处)\s*$"),
                             re.IGNORECASE)
DECIDED_HEADING = re.compile(both_scripts(r"^(?:going with|went with|chose|choosing|picked|decided on|decision:|"
                             r"vou com|fico com|escolhi|decidido)\b|^(?:选了|决定)"), re.IGNORECASE)
"""A heading that says what was chosen; the list under it is why ("## Going with Nishat")."""
AGAINST_HEADING = re.compile(both_scripts(r"^(why not|porqu[eê] não|por ?qu[eê] não|pq não)\b|为什么不|为啥不|"
                             r"^(?:against|cons|contras?|the case against(?: it)?|en contra|(?:gründe )?dagegen|contre|"
                             r"(?:les )?raisons contre|contro|(?:i )?motivi contro|缺点|坏处)\s*$"),
                             re.IGNORECASE)
REVISION_HEADING = re.compile(
    both_scripts(r"\b(update[sd]?|later|reflection|in hindsight|hindsight|honest version|looking back|postscript|"
    r"addendum|afterwards|retrospective|atualização|actualização|mais tarde|depois|revisão|em retrospetiva)(?!\w)"
    r"|更新|后记|回顾|反思"), re.IGNORECASE)
SAME_NIGHT = re.compile(r"same (night|day|evening)", re.IGNORECASE)
LEADING_DATE = re.compile(rf"^\s*(?:update\s+)?{DATE}\s*[:：.\-–—]\s*", re.IGNORECASE)
ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+reason|\breason\s+#?([1-9])\b|"
                     r"\b(?:razão|motivo)\s+(?:n\.?º\s*)?([1-9])\b", re.IGNORECASE)
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "fifth": 5, "5th": 5}
CONFIRMED = re.compile(both_scripts(r"\b(still holds?|still true|turned out (true|right)|the real one|real reason|"
                       r"close second|still happy|no regrets?|holds up|was right|continua a valer|ainda vale|continua a ser verdade|"
                       r"verdadeira razão|razão verdadeira)(?!\w)|仍然|还是对的"), re.IGNORECASE)
RETRACTED = re.compile(
    both_scripts(r"\b(was not|wasn'?t|was never|were not|weren'?t|is not|isn'?t|wasnae|wisnae|isnae|werenae|not one|never measured|never real|"
    r"wrong|did not need|didn'?t need|do not need|don'?t need|not true|no longer|not a reason|sounded (better|like)|"
    r"that is nothing|would have been fine|i did not test|never tested|não era|nunca foi|não foi|afinal não|"
    r"estava errad[oa]|razões errad[oa]s|never about|an excuse|crossing (?:that|it)(?: reason)? out|"
    r"i told \w+(?:,? and everyone,?)? (?:that )?it was|uma desculpa|don'?t think (?:that|it|this) was)(?!\w)"
    r"|不是|错了|其实没有"), re.IGNORECASE)
REVISED = re.compile(both_scripts(r"\b(half true|partly|partially|half right|turned out|in hindsight|actually)\b|"
                     r"其实|后来"), re.IGNORECASE)
REVERSES = re.compile(r"\b(revers(?:e|es|ed|ing)|undo(?:ing)?|going back on|instead of)\b", re.IGNORECASE)
BECAUSE = re.compile(both_scripts(r"\b(?:because|since|as)\b\s+(.*)|因为(.*)"), re.IGNORECASE)
TITLES = "".join(rf"(?<!\b{title}\.)" for title in ("vs", "Dr", "Dra", "Mr", "Mrs", "Ms", "Sr", "Sra", "St"))
"""No sentence ends after "vs." or a title ("A Dra. Helena diz…", "o Dr. Mabunda não me tivesse…")."""
SENTENCE = re.compile(rf"(?<=[.!?]){TITLES}\s+|(?<=[。！？])\s*")
WIKILINK = re.compile(r"!?\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*")
TAGS_ONLY = re.compile(r"^(#[^\s#]+\s*)+$")
FIRST_PERSON = re.compile(r"\b(I|we)\b|我", re.IGNORECASE)
ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    n: int  # 1-based position among the note's reasons
    text: str
    key: str  # the lead phrase: "I want to own the files", "Speed"
    against: bool = False  # from a "Why not X" section: a reason against an option


@dataclass(frozen=True)
class Revision:
    """A later word on a decision: a dated section of its note, or another note linking back."""

    path: str  # the note it is written in
    date: str | None
    heading: str
    text: str  # the paragraph
    relation: str  # "retracted", "revised", "confirmed", "reversed" or "follow-up"
    reason: int | None = None  # Reason.n it is about
    cue: str = ""  # the sentence(s) that say so


@dataclass(frozen=True)
class Decision:
    path: str
    subject: str
    date: str | None
    statement: str
    kind: str = "note"  # "note" (a decision note) or "mention" (a sentence in another note)
    status: str = ""
    reasons: tuple[Reason, ...] = ()
    revisions: tuple[Revision, ...] = ()
    links: tuple[str, ...] = ()  # link targets as written


@dataclass
class Section:
    heading: str
    level: int
    paragraphs: list[str] = field(default_factory=list)


# --- extraction from one note -------------------------------------------------------------------


def is_decision_note(note: Note) -> bool:
    """Typed or tagged a decision, or kept in a folder of decisions ("decisions/", "decisões/", "决定/",
    "決定/"): a vault that files its decisions together rarely tags them as well."""
    kind = simplified(str(note.frontmatter.get("type", "")).strip().lower())
    folders = {simplified(part.lower()) for part in PurePosixPath(note.path).parts[:-1]}
    return (kind in DECISION_NAMES or bool(DECISION_NAMES & {simplified(t.lower()) for t in note.tags})
            or bool(DECISION_FOLDERS & folders))


OTHER_TONGUES = frozenset({"desisyon", "decisión", "decision", "decisiones", "décision", "décisions", "decisione",
                           "decisioni", "entscheidung", "entscheidungen", "keputusan", "besluit", "besluite", "besluiten",
                           "beslissing", "beslissingen", "uamuzi", "maamuzi", "ipinnu", "决断", "決断", "결정"})
"""The word in the tongues our users write beside English, Portuguese and Chinese: a Cebuano vault
keeps its decisions in "desisyon/" (their hours were never read as the hours of decisions)."""
DECISION_NAMES = frozenset({"decision", "decisão", "decisao", "决定", "决策", "bigcall", "big-call"}) | OTHER_TONGUES
DECISION_FOLDERS = frozenset({"decision", "decisions", "decide", "decided", "decisão", "decisao", "decisões", "decisoes",
                              "决定", "决策", "big-calls", "big calls", "choices"}) | OTHER_TONGUES
"""Compared in simplified characters: a Taiwanese or Hong Kong vault files them under 決定."""


def extract(note: Note) -> list[Decision]:
    """Every decision in one note: the note's own (decision notes) or sentence mentions."""
    if is_decision_note(note):
        return [note_decision(note)]
    return mentions(note)


def note_decision(note: Note) -> Decision:
    sections = split_sections(note.body)
    found = find_statement(sections)
    reasons = find_reasons(sections, found) or first_list(sections)
    statement = found or note.title
    revisions = tuple(r for s in sections if REVISION_HEADING.search(s.heading)
                      for r in section_revisions(note, s, reasons))
    status = str(note.frontmatter.get("status", "") or "")
    return Decision(note.path, note.title, note.date, statement, "note", status, reasons, revisions,
                    tuple(link.target for link in note.links if not link.embed))


def split_sections(body: str, items: bool = False) -> list[Section]:
    """Sections by heading (level 2+), each a list of paragraphs; a list is one paragraph, or, with
    `items`, each of its items is: a later note's review lists one call an item ("- the combine. I
    told everybody it was Harvey …", "- The burner. The leak is true. But really …"), and what one
    item owns up to is not the next one's."""
    sections = [Section("", 1)]
    para: list[str] = []

    def close() -> None:
        if para:
            sections[-1].paragraphs.append("\n".join(para).strip())
            para.clear()

    for line in prose(body).split("\n"):
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            close()
            if len(heading.group(1)) > 1:
                sections.append(Section(heading.group(2).strip(), len(heading.group(1))))
        elif not line.strip():
            close()
        elif not TAGS_ONLY.match(line.strip()):
            if items and TOP_ITEM.match(line):
                close()
            para.append(line)
    close()
    return sections


TOP_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")


def find_statement(sections: list[Section]) -> str:
    for section in sections:
        for para in section.paragraphs:
            for sentence in sentences(para):
                if DECIDED.search(sentence):
                    return clean(sentence)
    return ""


def find_reasons(sections: list[Section], statement: str = "") -> tuple[Reason, ...]:
    found: list[Reason] = []
    for section in sections:
        against = bool(AGAINST_HEADING.search(section.heading))
        paragraphs = section.paragraphs
        if not against and not REASONS_HEADING.search(section.heading):
            paragraphs = labelled_lists(section.paragraphs)  # "Reasons:" over a list, inside a section
            if not paragraphs and DECIDED_HEADING.search(section.heading):
                paragraphs = [p for p in section.paragraphs if ITEM.match(p.split("\n")[0])]  # "## Going with Nishat"
        for text in reason_items(paragraphs):
            found.append(Reason(len(found) + 1, clean(text), reason_key(text), against))
        for text, con in table_reasons(section.paragraphs, statement):
            found.append(Reason(len(found) + 1, clean(text), reason_key(text), con))
    return tuple(found)


def first_list(sections: list[Section]) -> tuple[Reason, ...]:
    """A decision note that labels no reasons: its first list is what I weighed ("Saying no." over "- Shauna's
    on 12 hr nights at NRGH …", "Numbers as I see them" over "- $45,000 would have to come off the line of
    credit …"), unless it sits under a heading that says it is something else (REVISION_HEADING, AGAINST_HEADING)."""
    for section in sections:
        if REVISION_HEADING.search(section.heading) or AGAINST_HEADING.search(section.heading):
            continue
        lists = ["\n".join(lines[next(i for i, line in enumerate(lines) if ITEM.match(line)):])
                 for lines in (p.split("\n") for p in section.paragraphs if not p.lstrip().startswith("|"))
                 if any(ITEM.match(line) for line in lines)]
        items = reason_items(lists[:1])
        if items:
            return tuple(Reason(n, clean(text), reason_key(text), False) for n, text in enumerate(items, 1))
    return ()


def table_reasons(paragraphs: list[str], statement: str = "") -> list[tuple[str, bool]]:
    """The cells of a pros and cons table, each with whether it argues against: "| Prós | Contras |"
    over "| kwanza a cair todo o mês | leva quase todas as poupanças |". In a table of the options
    weighed ("| New Cummins QSM11 | Rebuild the Volvo |"), the column of the one the decision names
    ("Going with the new Cummins.") holds its reasons."""
    out = []
    for para in paragraphs:
        rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in para.split("\n")
                if line.lstrip().startswith("|")]
        if len(rows) < 2:
            continue
        side = [None if AGAINST_HEADING.search(h.strip("*_ ")) else False if REASONS_HEADING.search(h.strip("*_ ")) else ""
                for h in rows[0]]
        if None not in side and False not in side and (chosen := chosen_column(rows[0], statement)) is not None:
            side[chosen] = False
        if None not in side and False not in side:
            continue  # no column of pros or cons: a table of figures
        for row in rows[1:]:
            if all(re.fullmatch(r":?-{2,}:?", c) or not c for c in row):
                continue
            out += [(cell, side[i] is None) for i, cell in enumerate(row)
                    if cell and i < len(side) and side[i] != ""]
    return out


def chosen_column(header: list[str], statement: str) -> int | None:
    """The one column of options whose name shares a word with what I decided: "Going with the new
    Cummins." names "New Cummins QSM11", not "Rebuild the Volvo"."""
    said = {t for t in terms(statement) if not is_frame(t)}
    named = [i for i, h in enumerate(header) if said & {t for t in terms(h) if not is_frame(t)}]
    return named[0] if len(named) == 1 and len([h for h in header if h]) >= 2 else None


LABEL = re.compile(r"^\s*(?:\*\*|__)?([^\n:：]{1,80}?)\s*[:：]\s*(?:\*\*|__)?\s*$|^\s*(?:\*\*|__)([^\n:：*_]{1,80})(?:\*\*|__)\s*$")
"""A line that labels what follows: "Reasons:", "理由：", "**Motivos (os que eu escrevi pro gerente):**", "**Why**"."""
INLINE_LABEL = re.compile(r"^\s*(\*\*|__)?([^\n:：*_]{1,40})[:：]\s*(?(1)(?:\*\*|__))\s*(\S.*)$", re.DOTALL)
""""**Why:** the bus. Stagecoach weekly is about £84 a month.", "Reason: lambing. 640 yowes in April
and nae cover.", "理由：…": the label, bold or plain, then the reason."""
LABEL_CLAUSE = re.compile(r"(?<=[.!?。！？])\s*")


def labelled_lists(paragraphs: list[str]) -> list[str]:
    """The lists that follow a reasons label line ("Reasons:", "Razões:", "理由：", "**Why**"), the
    label the last clause of its line ("Decided to sell. Reasons:") or alone in its paragraph, the
    list in the next ("Reasons:", a blank line, "- The transmission …"); a paragraph that opens with a
    bold label ("**Why:** the bus."); and a list right after the sentence that says what I chose
    ("Escolhi o novo." over "- garantia de 2 anos")."""
    out = []
    for k, para in enumerate(paragraphs):
        lines = para.split("\n")
        if (text := unlabelled(para)) != para:
            out.append(text)
            continue
        if ITEM.match(lines[0]) and k > 0 and DECIDED.search(last_clause(paragraphs[k - 1])):
            out.append(para)
            continue
        for i, line in enumerate(lines[:-1]):
            m = LABEL.match(line)
            if m and is_reasons_label(m.group(1) or m.group(2)) and ITEM.match(lines[i + 1]):
                out.append("\n".join(lines[i + 1:]))
                break
        else:
            m = LABEL.match(lines[-1])
            after = paragraphs[k + 1] if k + 1 < len(paragraphs) else ""
            if m and is_reasons_label(m.group(1) or m.group(2)) and ITEM.match(after.split("\n")[0]):
                out.append(after)  # "Reasons:", a blank line, then the list
    return out


def unlabelled(text: str) -> str:
    """The text past its reasons label: "Pq vender: a grota é longe" is the reason "a grota é longe"."""
    inline = INLINE_LABEL.match(text)
    return inline.group(3) if inline and is_reasons_label(inline.group(2)) else text


def is_reasons_label(label: str) -> bool:
    return bool(REASONS_HEADING.search(last_clause(label).strip("*_ ")))


def last_clause(text: str) -> str:
    return next((c for c in reversed(LABEL_CLAUSE.split(text.strip())) if c.strip()), "")


def reason_items(paragraphs: list[str]) -> list[str]:
    """List items when the section has a list, else its paragraphs."""
    items: list[str] = []
    for para in paragraphs:
        lines = para.split("\n")
        if lines[0].lstrip().startswith("|"):
            continue  # a table is no one reason: its cells are (`table_reasons`)
        if ITEM.match(lines[0]):
            for line in lines:
                match = ITEM.match(line)
                if match:
                    items.append(match.group(1))
                elif items:
                    items[-1] += " " + line.strip()
        else:
            items.append(para)
    return [i for i in items if i.strip()]


def reason_key(text: str) -> str:
    """The bold lead ("**Offline.**"), else the first sentence."""
    bold = BOLD_LEAD.match(text.strip())
    lead = bold.group(1) if bold else (sentences(text) or [text])[0]
    return clean(lead).rstrip(".。:：")


def key_terms(reason: Reason) -> list[str]:
    """The subject words of a reason's key phrase."""
    return unique([t for t in terms(reason.key) if not is_frame(t)])


def section_revisions(note: Note, section: Section, reasons: tuple[Reason, ...]) -> list[Revision]:
    heading_date = re.search(DATE, section.heading)
    date = (heading_date.group(1) if heading_date else first_date(section.heading)
            or (note.date if SAME_NIGHT.search(section.heading) else None))
    out: list[Revision] = []
    for para in section.paragraphs:
        lead = LEADING_DATE.match(para)
        if lead:
            date = lead.group(1)
        out.extend(revisions_of(note.path, date, section.heading, para, reasons, strict=False))
    return out


def revisions_of(path: str, date: str | None, heading: str, para: str, reasons: tuple[Reason, ...],
                 strict: bool) -> list[Revision]:
    """The paragraph's word on each reason it mentions; `strict` (other notes) needs a change cue
    and two shared key words, so a passing mention is not a revision."""
    text = clean(para)
    parts = sentences(para)
    matched: dict[int, set[int]] = {}  # reason -> indices of the sentences that speak of it
    for i, sentence in enumerate(parts):
        span = {i} if relation_of(sentence) != "follow-up" or i + 1 == len(parts) else {i, i + 1}
        if (i and NOT_THE_REASON.search(parts[i - 1]) and not REAL_REASON.search(sentence)
                and not any(mentions_reason(parts[i - 1], r, strict) for r in reasons)):
            span.add(i - 1)  # "the money was never the real reason. I spend €48 a month on coffee…"; but
            # "Não era bem isso: … A verdadeira razão era estar perto da Beatriz" names the one that held
        if NOT_WHY.search(sentence) and i + 1 < len(parts):
            span.add(i + 1)  # "… 那些都没错，但都不是那天半夜开户的原因。" is followed by the one that was
        cue = " ".join(parts[j] for j in sorted(span))
        for reason in reasons:
            if mentions_reason(sentence, reason, strict) and (not strict or RETRACTED.search(cue)):
                matched.setdefault(reason.n, set()).update(span)
    out = []
    for n, span in matched.items():
        if strict:
            span = span | said_instead(parts, max(span)) | what_was(parts, span) | cue_before(parts, span)
            span |= turned_from(parts, max(span))
        cue = " ".join(parts[j] for j in sorted(span))
        out.append(Revision(path, date, heading, text, relation_of(cue), n, clean(cue)))
    if not out and not strict:
        out.append(Revision(path, date, heading, text, paragraph_relation(para)))
    return out


def cue_before(parts: list[str], span: set[int]) -> set[int]:
    """The sentence before, when it opens the owning-up ("Being straight with myself: I lent it so Mum
    would stop ringing me about it." before "She'd rung four nights in a row … It was never really
    about the ute."): it often says the real reason itself."""
    first = min(span)
    return {first - 1} if first and ECHO_CUE.search(parts[first - 1]) else set()


def what_was(parts: list[str], span: set[int]) -> set[int]:
    """The sentence after a lone one that takes a stated reason back, which says what it was: "講真的，
    那時候表格上的理由（房價、介聘、早餐店）都是真的，但都不是最重的。" is followed by "最重的是：我怕在竹北一個人。"."""
    last = max(span)
    if len(span) == 1 and last + 1 < len(parts) and relation_of(parts[last]) == "retracted":
        return {last + 1}
    return set()


def turned_from(parts: list[str], last: int) -> set[int]:
    """The next sentence, when the span ends granting the reasons I gave and the next turns from them:
    "i told everybody it was the parking lot and the $200 bump and Lucy's school. all true-ish." goes on
    "but i'd boxed up the Cedar St house … the thought of packing up the school too made me physically
    sick." (CONCEDED_CUE), which says what it was."""
    if last + 1 >= len(parts):
        return set()
    granted = CONCEDED_CUE.search(f"{parts[last]} {parts[last + 1]}")
    return {last + 1} if granted and granted.start() < len(parts[last]) else set()


def said_instead(parts: list[str], last: int) -> set[int]:
    """The sentences after a taken-back reason up to the one that says what it was instead: "I
    told everyone it was about diversifying, replacing the milk. I told the credit union that. If
    I'm being straight with myself it was about having a reason to keep the place going …"."""
    for j in range(last + 1, min(len(parts), last + ECHO_SENTENCES)):
        if REAL_REASON.search(parts[j]) or ECHO_CUE.search(parts[j]):
            return set(range(last + 1, j + 1))
    return set()


def paragraph_relation(para: str) -> str:
    """For a paragraph tied to no reason: reversed, or how it speaks of the decision as a whole."""
    if re.search(r"\brevers", para, re.IGNORECASE):
        return "reversed"
    relation = relation_of(para)
    return "revised" if relation == "retracted" else relation


def mentions_reason(sentence: str, reason: Reason, strict: bool) -> bool:
    """By ordinal ("the first reason") or by the reason's key words (prefixes: own -> ownership)."""
    ordinal = ORDINAL.search(sentence)
    if ordinal:
        said = next(g for g in ordinal.groups() if g)
        return (int(said) if said.isdigit() else ORDINALS[said.lower()]) == reason.n  # "reason 3" too
    keys = key_terms(reason)
    if not keys:
        return False
    have = terms(sentence)
    hits = sum(1 for k in keys if any(h == k or (len(k) >= 3 and h.startswith(k)) for h in have))
    need = min(2, len(keys)) if strict else (1 if len(keys) <= 2 else 2)
    return hits >= need


NOT_WHY = re.compile(both_scripts(r"\bnot why\b|\b(?:wasn'?t|was not|isn'?t|is not|not) (?:the|my|a) (?:real |main |actual )?reason\b|"
                     r"\bnão (?:foi|era) (?:bem )?(?:por isso|isso|essa a razão|a razão|o motivo)\b|"
                     r"不是[^。！？!?]{0,30}(?:原因|理由)"), re.IGNORECASE)
"""A sentence that says the stated reason was not it; the real one comes in the next sentence:
"All true. But that's not why. Every time I walked into that living room …"."""
NOT_THE_REASON = re.compile(r"\b(not|never|wasn'?t|isn'?t) (the|a|my) real reason|não era (bem )?(isso|a razão)",
                            re.IGNORECASE)


def relation_of(text: str) -> str:
    if NOT_THE_REASON.search(text):
        return "retracted"
    if re.search(r"turned out (true|right)|still holds|the real one|real reason|verdadeira razão|continua a valer",
                 text, re.IGNORECASE):
        return "confirmed"
    if re.search(r"half true|partly|partially|half right", text, re.IGNORECASE):
        return "revised"
    if RETRACTED.search(text):
        return "retracted"
    if CONFIRMED.search(text):
        return "confirmed"
    if REVISED.search(text):
        return "revised"
    return "follow-up"


def mentions(note: Note) -> list[Decision]:
    """Decision sentences in an ordinary note (journal, project): one Decision each."""
    out: list[Decision] = []
    for section in split_sections(note.body):
        for para in section.paragraphs:
            for sentence in sentences(para):
                match = DECIDED.search(sentence)
                if match and not sentence.strip().endswith("?") and FIRST_PERSON.search(sentence[:match.start()]):
                    out.append(mention(note, sentence, match))
    return out


def mention(note: Note, sentence: str, match: re.Match) -> Decision:
    after = clean(sentence[match.end():]).strip(" :：,，")
    subject = re.split(r"[,.;:!?，。；：！？(（]", after)[0].strip() or note.title
    because = BECAUSE.search(sentence[match.end():])
    reasons = ()
    if because:
        reason = clean(because.group(1) or because.group(2) or "").rstrip(".。")
        if reason:
            reasons = (Reason(1, reason, reason),)
    links = tuple(m.group(1).strip() for m in WIKILINK.finditer(sentence) if m.group(1).strip())
    return Decision(note.path, subject[:80], note.date, clean(sentence), "mention", "", reasons, (), links)


def cross_revisions(decision: Decision, later: Note, elsewhere=None) -> list[Revision]:
    """What a later note that links to `decision` says against or about its reasons."""
    if not later.date or not decision.date or later.date[:10] <= decision.date[:10]:
        return []
    out: list[Revision] = []
    sections = split_sections(later.body, items=True)
    for section in sections:
        for para in section.paragraphs:
            out.extend(revisions_of(later.path, later.date, section.heading, para, decision.reasons, strict=True))
            if REVERSES.search(para) and _links_to(para, decision.path):
                out.append(Revision(later.path, later.date, section.heading, clean(para), "reversed"))
    if out or is_decision_note(later):  # a later decision that links this one tells its own story
        return out
    names_it = set(title_names(decision.subject))
    return admitted(later, sections, lambda para: _links_to(para, decision.path), elsewhere=elsewhere,
                    about=lambda para: bool(names_it & set(terms(para))))


REAL_REASON_WORDS = (r"\b(the real reason|the truth is|the honest reason|a verdadeira razão|a razão verdadeira|"
                     r"na verdade|a verdade é|the true ones?|the true reason|i (?:didn'?t|did not) \w+ because|"
                     r"it was really (?:about|because)|acho que foi|foi mais por|afinal foi|foi por mim|"
                     r"that'?s why I (?:picked|chose|did|went|said)|underneath|what (?:really |actually )?made me|"
                     r"o que me (?:fez|levou)|a razão (?:foi|era)|o motivo (?:foi|era)|the reason was|"
                     r"la vraie raison|en vrai c['’]était|au fond c['’]était|il vero motivo|la vera ragione|in realtà era|"
                     r"nunca foi (?:a |uma )?razão|(?:was|is) never the reason|"
                     r"but (?:it|that) (?:wasn'?t|was not) (?:really )?(?:it|that|the reason)|"
                     r"la verdad es que|el (?:verdadero )?motivo (?:real|de verdad)|la (?:verdadera )?razón real|"
                     r"el verdadero motivo|en realidad fue|der (?:wahre|echte|eigentliche) grund|in wahrheit|"
                     r"prawdziwy powód|tak naprawdę|asıl sebe[bp]\w*|gerçek sebe[bp]\w*|lý do thật|lý do thực sự|thật ra|thực ra|"
                     r"asli wajah|asli reason)(?!\w)|"
                     r"真正的原因")
REAL_REASON = re.compile(both_scripts(REAL_REASON_WORDS + "|其实"), re.IGNORECASE)
"""The real reason named, in a later note about a decision. There "其实" (actually) names it too;
inside one note it is only "actually" ("这个决定其实是2月5日做的")."""


def admitted(later: Note, sections: list[Section], refers, named: bool = False, elsewhere=None,
             about=None) -> list[Revision]:
    """A later note that speaks of the decision (`refers`: links it, or, `named`, names it), says
    the stated reason was not it ("I wrote that the house was the reason. It wasn't") and gives
    the real one: a retraction of the decision as a whole, told by the sentences that name the
    real reason (or, without them, the linking ones). The words around the first mention count:
    "Portanto não foi o salário… Acho que foi medo." comes before the link to the decision (in its
    section: "## The bank shifts thing" above "## Money … Car: see [[buying-the-yaris]]" is not the car's). A
    note that only names the decision must say both that the stated reason was not it and what was.
    The words stop where a paragraph speaks of another decision (`elsewhere`) and not of this one:
    "**The Azores.** …" after the line that links the move is about the Azores."""
    paras = [(section.heading, para) for section in sections for para in section.paragraphs]
    linking = [i for i, (_, para) in enumerate(paras) if refers(para)]
    if not linking:
        return []
    first = linking[0]
    window: list[tuple[int, tuple[str, str]]] = []
    for i in range(max(0, first - 1), min(len(paras), first + 3)):
        other = elsewhere is not None and elsewhere(paras[i][1]) and not refers(paras[i][1])
        if other and i > first:
            break
        if not other and (i >= first or paras[i][0] == paras[first][0]):  # the one before: of its section only
            window.append((i, paras[i]))
    near = [para for i, (_, para) in window if named or first <= i < first + 2]
    taken_back = any(RETRACTED.search(para) for para in near)
    window = [hp for _, hp in window]
    for heading, para in window:
        parts = sentences(para)
        for i, sentence in enumerate(parts):
            if REAL_REASON.search(sentence) and (taken_back or not named):
                start = i - 1 if i and RETRACTED.search(parts[i - 1]) else i  # "It was never about money; …"
                cue = clean(" ".join(parts[start:i + 2]))
                return [Revision(later.path, later.date, heading, clean(para), "retracted", None, cue)]
    heading, para = paras[first]
    if taken_back and not named:
        for h, p in paras[first + 1:first + 2]:  # the take-back after the link, from its cue ("I wrote in
            if RETRACTED.search(p) and h == heading and (found := cue_revision(later, h, p)):  # [[track-saw]] …" / "Let's be real though: …")
                return [replace(found[0], relation="retracted")]
        return [Revision(later.path, later.date, heading, clean(para), "retracted", None, clean(para))]
    for heading, para in paras:  # "Dropped it in October ([[drop-sunday-market]]). … What actually decided it was …"
        if refers(para) and not (elsewhere is not None and elsewhere(para)):
            if found := cue_revision(later, heading, para):
                return found
    if not named and footer(paras[first][1]):  # "[[2025-06-largar-pos]] [[thiago]]" closing the note: all of it
        for heading, para in paras[:first]:   # of its section refers: "Se eu for honesta comigo: larguei porque …",
            mine = heading == paras[first][0] and not (elsewhere is not None and elsewhere(para))
            if (mine or (about is not None and about(para))) and (found := cue_revision(later, heading, para)):
                return found                  # and so does a paragraph of the note that names the decision
    return []


def footer(para: str) -> bool:
    """A paragraph of links alone ("[[a]] [[b]]", "Related: [[a]]"): what the whole note is about."""
    return not re.sub(r"^\W*(?:related|see(?: also)?|links?|ver|veja)\b\W*|\W", "", WIKILINK.sub("", para), flags=re.I)


def cue_revision(later: Note, heading: str, para: str) -> list[Revision]:
    """The paragraph from its everyday cue on (ECHO_CUE: "honestly", "looking back", "说白了"), as a
    revision: retracted when it calls the stated reason an excuse or names the real one."""
    parts = sentences(para)
    at = 0 if OWNING_UP.search(heading) else cue_at(parts)
    if at is None:
        return []
    if CLOSING_CUE.search(parts[at]):
        at = max(0, at - CLOSING_BACK)
    cue = clean(" ".join(parts[at:at + ECHO_SENTENCES]))
    relation = ("retracted" if RETRACTED.search(para) or REAL_REASON.search(para) or ECHO_RETRACTS.search(para)
                else "confirmed" if CONFIRMED.search(para) else "revised")
    return [Revision(later.path, later.date, heading, clean(para), relation, None, cue)]


def cue_at(parts: list[str]) -> int | None:
    """The first sentence that owns up: one with an everyday cue, or else one granting the reason I
    gave before turning from it, in the sentence or at the next one's start ("True also." then "But
    actually my back cannot tahan …"). A cue after a grant says more than the grant ("都是真的, 但都
    不是最重要的." then "最重要的是: … 我其实是松了一口气的")."""
    cued = next((i for i, sentence in enumerate(parts) if ECHO_CUE.search(sentence)), None)
    if cued is not None:
        return cued
    for i, sentence in enumerate(parts):
        after = parts[i + 1] if i + 1 < len(parts) else ""
        if (m := CONCEDED_CUE.search(f"{sentence} {after}")) and m.start() < len(sentence):
            return i
    return None


def cued_revision(later: Note, heading: str, para: str) -> list[Revision]:
    """The paragraph as a revision from its cue: an everyday one (`cue_revision`) or the real
    reason named ("the real reason was the commute")."""
    if not (ECHO_CUE.search(para) or CONCEDED_CUE.search(para) or REAL_REASON.search(para)
            or OWNING_UP.search(heading)):  # most: no sentence to split
        return []
    if found := cue_revision(later, heading, para):
        return found
    parts = sentences(para)
    at = next((i for i, sentence in enumerate(parts) if REAL_REASON.search(sentence)), None)
    if at is None:
        return []
    cue = clean(" ".join(parts[at:at + ECHO_SENTENCES]))
    return [Revision(later.path, later.date, heading, clean(para), "retracted", None, cue)]


def titled_in(have: set[str], decision: Note | None) -> bool:
    """The paragraph says a word of the decision's title ("why I hired him" of "Hire Ko Zaw"): it
    speaks of that call, not of a lesson it shares words with ("write down the real reason")."""
    if decision is None:
        return False
    said = {t for t in terms(decision.title) if not is_frame(t)}
    said |= {t for t in names(decision.body) if not t.isdigit() and not is_frame(t)}  # "Giant TCR", "Joanne Teo"
    return bool(said & have)


def labelled(heading: str, para: str, decisions: list[str], titles: dict[str, set[str]]) -> list[str]:
    """The decisions a paragraph's heading or bold lead names, half its words or more ("## sobre
    parar com casamento", "**Sobre o Rafa.** Eu escrevi q…"): the label says what the paragraph is
    about, whatever other words it shares ("o aniversário do Pedro… fotos" with the camera's note), and
    it needs no rare words shared beside it. `titles`: each decision's title words, made once per relink."""
    lead = BOLD_LEAD.match(para.strip())
    said = lead.group(1) if lead else heading  # a bold lead under "## 回頭睇幾個決定" says which one
    label = {t for t in terms(said) if not t.isdigit() and not is_frame(t)}
    if not label:
        return []
    return [path for path in decisions if len(label & titles.get(path, set())) >= LABEL_SHARE * len(label)]


LABEL_SHARE = 0.5  # "Sobre o Rafa", "sobre parar com casamento"; not "Concreting the back yard + calf shed apron"


ASSIGN_MIN = 8.0  # shared rareness (sum of log(notes / notes holding the word)) a paragraph needs
ASSIGN_LEAD = 1.5  # and the closest decision must share this many times what the next one does


def closest_decision(have: set[str], decisions: list[str], vocabulary: Vocabulary,
                     least: float = ASSIGN_MIN) -> tuple[str | None, float]:
    """The decision note whose words `have` (a paragraph's) shares most, each shared word
    weighed by its rareness in the vault, and how much; None unless it shares enough and clearly
    more than any other decision: a review that weighs two calls in one paragraph belongs to neither."""
    total = len(vocabulary.terms) or 1
    weights = {t: math.log(total / held) for t in have
               if (held := vocabulary.df.get(t, 0)) and held * 2 <= total and not is_frame(t)}

    def shared(path: str) -> float:
        words = vocabulary.terms.get(path, set())
        return sum(w for t, w in weights.items() if t in words)

    scored = sorted(((shared(path), path) for path in decisions), reverse=True)
    if not scored or scored[0][0] < least:
        return None, 0.0
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return (scored[0][1], scored[0][0]) if scored[0][0] >= ASSIGN_LEAD * runner_up else (None, 0.0)


def carried_on(revision: Revision, later: Note | None) -> Revision:
    """A take-back whose next paragraph, in the same section, goes on to say what it was:
    "当时列的理由：作息、名额、何主任、收入。每一条都是真的，但都不是决定性的。" and then "说到底，是…
    那个 STEMI 的王大爷。…选麻醉，是选了一个我能控制的地方。" The revision told the first alone."""
    if later is None or revision.relation not in ("retracted", "revised") or REAL_REASON.search(revision.cue):
        return revision
    for section in split_sections(later.body):
        if section.heading != revision.heading:
            continue
        paras = [clean(para) for para in section.paragraphs]
        cue = re.sub(r"\s+", "", revision.cue)  # sentences were joined with a space, Chinese ones were not
        at = next((i for i, para in enumerate(paras) if cue and cue in re.sub(r"\s+", "", para)), None)
        if at is None or at + 1 >= len(paras):
            return revision
        after = sentences(paras[at + 1])
        if announces(revision.cue, paras[at]):  # the announcement says nothing; what follows its turn does
            turn = next((i for i, sentence in enumerate(after) if i and TURN.match(sentence)), 0)
            said = " ".join(after[turn:turn + CARRIED_SENTENCES])
            return replace(revision, cue=said, text=f"{revision.text} {said}")
        if after and (ECHO_CUE.match(after[0]) or REAL_REASON.match(after[0]) or terse(revision.cue)):
            said = " ".join(after[:CARRIED_SENTENCES])
            return replace(revision, cue=f"{revision.cue} {said}", text=f"{revision.text} {said}")
        return revision
    return revision


CARRIED_SENTENCES = 3
TERSE_WORDS = 2
ANNOUNCE_WORDS = 6
SEEN = (r"\b(?:percebi|reparei n|dei-me conta d|I (?:reali[sz]ed|noticed|figured out|saw)) (?:uma coisa|something)"
        r"(?: [^\W\d_]+)?[.:!…]*$|意识到一件事[。：:]?$")
"""Having seen something, not yet saying what, at a sentence's end ("…no Uber percebi uma coisa
desconfortável.", "I realised something:"): the paragraph after it says what."""
SOMETHING_SEEN = re.compile(both_scripts(SEEN), re.IGNORECASE)
ANNOUNCE = re.compile(both_scripts(
    r"(?<!não )(?<!won't )\b(?:let me|let'?s|time to|I (?:have|need|ought) to|I'?ll|I will|I'?m going to|gonna|deix[ae]-me|vou|"
    r"tenho (?:de|que)|"
    r"preciso)\b[^.!?]{0,20}?\b(?:be (?:honest|straight|real)|come clean|admit|confess|ser (?:honest|sincer|franc)[oa]|"
    r"falar a real|admitir|confessar)|[:：]\s*$|(?:要|得|该)(?:诚实|坦白|老实)|(?:老实|坦白|实话)(?:说|讲)吧"), re.IGNORECASE)
"""An owning-up announced, not yet made: "Deixa-me ser honesto aqui.", "Time to come clean:", "老实说吧。"."""
TURN = re.compile(both_scripts(r"(?:but|however|yet|mas|porém|só que|pero)\b|但是?|可是|不过|然而"), re.IGNORECASE)
"""A sentence that turns from what I wrote to what it was ("Mas se o Dr. Mabunda não me tivesse…")."""


def announces(cue: str, para: str) -> bool:
    """A short cue that ends its paragraph ("3 meses de Ntwanano. Deixa-me ser honesto aqui."): it
    announces the owning-up, and the paragraph after it is what it owns up to."""
    last = sentences(para)[-1:] or [""]
    if re.sub(r"\s+", "", last[0]) != re.sub(r"\s+", "", cue):
        return False
    han = len(CJK_PAIR.findall(cue))
    words = len(re.findall(r"[^\W\d_]+", CJK_PAIR.sub(" ", cue))) + (han + 1) // 2
    return (words <= ANNOUNCE_WORDS and bool(ANNOUNCE.search(cue))) or bool(SOMETHING_SEEN.search(cue))



def terse(cue: str) -> bool:
    """A take-back of a word or two ("Mentira.", "Not true.", "胡说八道。", two Chinese characters a
    word): it says what the reason was not, and the paragraph after it says what it was."""
    han = len(CJK_PAIR.findall(cue))
    return len(re.findall(r"[^\W\d_]+", CJK_PAIR.sub(" ", cue))) + (han + 1) // 2 <= TERSE_WORDS


def named_revisions(decision: Decision, later: Note, groups: list[list[str]], elsewhere=None) -> list[Revision]:
    """What a later note that names the decision ("The Azores.", "bought the Gaivota") without
    linking it admits about its reasons: people write "the Azores" more often than a link. A
    paragraph names it when it holds every name of one of `groups` (see DecisionStore._naming_notes)."""
    if not groups or not later.date or not decision.date or later.date[:10] <= decision.date[:10]:
        return []

    sections = split_sections(later.body, items=True)
    headings = {para: section.heading for section in sections for para in section.paragraphs}

    def refers(para: str) -> bool:  # "## sobre sair da Maré" names it for each paragraph under it
        have = set(terms(f"{headings.get(para, '')}\n{para}"))
        return any(set(group) <= have for group in groups)

    return admitted(later, sections, refers, named=True, elsewhere=elsewhere)


NOT_FOR = r"não (?:é|foi|era) (?:só |sequer )?(?:pel[oa]s?|por causa d[aoe]s?)"
""""Não foi pelo seguro": the reason I gave, denied (an owning-up here and in `shapes.OWNED`)."""
CLEFT = (r"(?:^|(?<=[.!?:]\s))(?:what (?:[\w'’]+ ){1,6}?(?:was|were)|truth)\b(?![^.!?]*\?)")
"""Naming the real thing by putting it last, in a sentence of its own: "What did it was the July
QBR", "What I was actually scared of was the board seat", "Truth that I'm only writing here: …"."""
CLOSING = r"I(?:'?d| would) have (?:\w+ ){1,4}anyway"
"""An owning-up that closes on the reason I gave not mattering: "the for-kayla part is a nice side
effect. i'd have sold it anyway." What did matter is said before it."""
CLOSING_CUE = re.compile(CLOSING, re.IGNORECASE)
CONCEDED = (r"\btrue(?:[- ]ish| enough| also| too)?[.,;:!]*\s+but\b|(?:是|都是|也是)真的[。，,！!]*\s*(?:但|可是|不过)|"
            r"\b(?:é|era|são|eram) (?:tudo |todas? |todos )?verdade[.,;:!]*\s+mas\b|"
            r"\b(?:était|est|c['’]était) (?:tout |bien )?vrai[.,;:!]*\s+mais\b|\bera (?:tutto )?vero[.,;:!]*\s+ma\b")
"""The reason I gave, granted and then turned from: "The leak is true. But really is because of Wok
Bros", "thats all true enough. but I bought it as much for T", "腰痛是真的，但…", "era verdade, mas…"."""
CONCEDED_CUE = re.compile(both_scripts(CONCEDED), re.IGNORECASE)
CLOSING_BACK = 2  # sentences before a closing cue that say what mattered
ECHO_CUE = re.compile(
    both_scripts(r"\b(honestly|to be honest|if I'?m honest|honest (?:bit|truth|answer|version)|truth is|the truth|looking back|"
    r"in hindsight|I told myself|real story|be honest(?=[.!:])|"
    r"I (?:told|telt) (?:everyone|everybody|people|folk|myself)|I wrote (?:that|it was)|I said it was|what I wrote|"
    r"kidding myself|rubbish|nonsense|"
    r"pour être honnête|pour être franc(?:he)?|à vrai dire|soyons honnêtes?|franchement|en vrai|au fond(?=\s*[,;:])|au fond c['’]|en réalité|"
    r"avec le recul|je l['’]avoue|j['’]avoue|je me suis raconté|(?:un |le )?prétexte|(?:l['’])?avouer|avoué|"
    r"même si je l['’]ai (?:écrit|dit)|j['’]ai écrit que|ce que je n['’]ai (?:jamais )?(?:écrit|dit)|"
    r"(?:je n['’]ai rien dit|sans (?:le |rien )?dire) à personne|je peux (?:bien )?le dire|j['’]ai fini par le dire|"
    r"a dire il vero|ad essere onest[oa]|sinceramente|in realtà|in fondo(?=\s*[,;:])|in fondo (?:era|è)|col senno di poi|(?:lo )?ammetto|"
    r"mi sono raccontat[oa]|una scusa|(?:un |il )?pretesto|(?:non|nn) l['’]ho (?:mai )?detto a nessuno|"
    r"quello che (?:non|nn) ho (?:mai )?(?:detto|scritto)|ho scritto che|ammetterlo|confessarlo|"
    r"an? excuse|the excuse|an? pretext|pretexto|(?:vou )?falar a real|a real é que|(?:it|that) was really|"
    r"was really about|was more about|(?:I|I'?ll|I have to|I must|to|me) admit|"
    r"admit(?:ting)? (?:it|that|to myself)|confess|(?:I|to|me) pretend(?:ed)?|pretending|"
    r"being (?:honest|straight|real)(?: with myself)?|what (?:actually |really )?(?:decided|tipped|swung|clinched) it|"
    r"na verdade|sinceramente|a verdade|confesso|admito|assumo|olhando (?:pra|para) trás|olhando (?:daqui|agora)|"
    r"(?<!não )(?:vou|tenho (?:de|que)|preciso(?: de)?|deixa-me|deixe-me) (?:admitir|confessar|assumir)|honestamente|"
    r"what (?:really |actually )?(?:stopped|held|kept|drove|pushed) (?:me|us)\b|was never the (?:thing|point)|"
    r"não (?:é|foi|era) nada disso|(?:mas )?não foi por isso|let me (?:just )?say it|since no ?(?:one|body) reads this|"
    r"was a lie|admitted (?:it )?to myself|what (?:actually |really )?(?:decided|tipped|swung|clinched)\b|percebo agora|"
    r"(?:I'?ve |I )?re-?read (?:the|my) (?:\w+ ){0,2}notes?|agora percebo|(?:é|era) verdade em parte|falei pra todo mundo|"
    r"disse a toda a gente|I (?:see|realise|realize) now|now I (?:see|realise|realize)|(?:let me|to) be honest\b|"
    r"o que (?:me |realmente |mesmo )?(?:custou|levou|moveu|empurrou|decidiu) (?:\w+ )?foi|pensando bem|tretas?|mentira|"
    r"desculpa|enganei-me|disse a mim mesm[oa]|escrevi que|pus que|foi pel[oa]|no fundo|o que pesou|pesou mesmo|"
    r"a sério|foi mais|admiti|admitiu|admitimos|(?:ser|sendo|for|fosse) (?:bem |muito )?(?:honest|sincer|franc)[ao]|"
    r"falando (?:\w+ )?claro|me convenci|convenci-me|let'?s be (?:honest|real)|if I'?m being (?:honest|straight)|"
    r"I wrote (?:it|that|this) (?:up |down )?(?:like|as if|as though)|it was (?:all |really )?about (?:my|me|her|him|us)|"
    r"was the reason|" + NOT_FOR + r"|it (?:wasn'?t|was not|was never|isn'?t|is not|wasnae|wisnae|isnae) (?:really |just )?"
    r"(?:about |because of |for )?(?:the|her|his|my|our|their)|cover story|(?:^|(?<=[.!?]\s))told (?:everyone|people|myself)|"
    r"never told (?:him|her|them|anyone|anybody|a soul)|(?:stop|quit) (?:telling|saying to) (?:people|everyone|"
    r"everybody|folks)|(?:I|you) (?:didn'?t|did not) (?!pay\b|ask\b|wait\b|look\b|care\b|vote\b|apply\b|sign\b)\w+ "
    r"(?:it |him |her |them )?for (?:the|her|his|my|him|them)\b|that(?:'?s| is| was) (?:really |the real )?why (?:I|we)\b|"
    + CLOSING + r"|nobody knows (?:this|it|that)\b|as (?:the|an?|my) (?:permission slip|alibi)|"
    r"(?:sejamos|vamos ser) (?:honest|sincer|franc)[ao]s|"
    r"si soy sincer[oa]|siendo sincer[oa]|la verdad|en realidad|en el fondo|mirando atrás|lo reconozco|reconozco|"
    r"me engañ(?:é|aba)|(?:una |la )?excusa|lo que no (?:dije|puse|conté)|(?:no|nunca) fue por|fue más por|"
    r"ehrlich gesagt|wenn ich ehrlich bin|ehrlicherweise|im nachhinein|rückblickend|(?:ich )?gebe (?:es )?zu|"
    r"zugeben|ausrede|(?:mir|uns) (?:selbst )?(?:eingeredet|vorgemacht)|war (?:es )?(?:eigentlich|in wahrheit)|"
    r"ging es (?:eigentlich|wirklich) um|"
    r"prawdę mówiąc|szczerze(?: mówiąc)?|tak naprawdę|przyznaję|przyznam|wymówk\w+|okłamywałem się|"
    r"(?:wszystkim|każdemu) mówiłem|z perspektywy czasu|"  # Polish
    r"aslında|asıl sebe[bp]\w*|doğrusu|açıkçası|itiraf\w*|bahane\w*|kendime uydur\w+|herkese [^.!?]{0,30}dedim|"  # Turkish
    r"nói cho thật|nói thật|thật ra|thực ra|thú thật|nhìn lại|cái cớ|viện cớ|tự nhủ|"
    r"(?:mình|tôi) cứ bảo với (?:tất cả )?mọi người|"  # Vietnamese
    r"sach (?:bolu|kahu|bolun|kahun) to|asli wajah|bahana)(?!\w)|" + CLEFT + "|" +
    SEEN + r"|说白了|说穿了|讲白了|回头看|其实|老实说|老实讲|讲真|坦白|说实话|说句实话|扪心自问|真正|借口|骗自己|嘴上说|现在想来|"
    r"后来想想|讲到尾|回头睇|唔好再扮|讲实话|不是(?:为了|因为)|现在想想|如今想想|回想起来|台面上的话|我[^，。,.！？!?]{0,3}承认|没(?:跟|和|对)(?:任何人|别人|谁)(?:讲|说)过|说到底|归根结底|诚实(?:一点|地?说|讲)|說實在|说实在"),
    re.IGNORECASE)
"""How a later note takes back or qualifies what an earlier one said, in everyday words: "Tretas.
Foi pela mãe.", "说白了就是不想…", "honestly it was more about …"."""
OWNING_UP = re.compile(both_scripts(r"\b(?:(?:have|had|need) to admit|admit(?:ting)?|confessions?|what I (?:didn'?t|did not|won'?t) say|"
                                   r"(?:tenho|tinha|preciso) de (?:admitir|confessar)|(?:a )?admitir|confiss(?:ão|ões)|"
                                   r"o que não (?:disse|escrevi))(?!\w)|坦白|真心话|老实说|说实话"), re.IGNORECASE)
"""A section whose heading owns up ("Coisas que tenho de admitir", "Things I have to admit"): its
paragraphs take back what I gave as reasons from their first sentence, cue or no cue."""
ECHO_RETRACTS = re.compile(both_scripts(r"\b(tretas?|rubbish|nonsense|an? excuse|the excuse|an? pretext|pretexto|a lie|mentira|desculpa|"
                                        r"kidding myself|not why)(?!\w)|借口|骗自己"),
                           re.IGNORECASE)
ECHO_TERMS = 3  # rare words of a decision a later paragraph must share to be about it
ECHO_RARE = 3  # a word held by at most this many notes is rare enough to tell a decision apart
ECHO_SENTENCES = 4


def echoed_revisions(decision: Decision, later: Note, rare: set[str], rivals: list[set[str]]) -> list[Revision]:
    """A later note (not itself a decision) that neither links nor names the decision, but whose
    paragraph speaks of it in its rare words ("Na nota de janeiro pus que era pelos 110€ de renda
    e pelo quarto do Duarte. Tretas. Foi pela mãe." about the move whose note gave 110€ and
    Duarte's room), more of them than of any other decision's (`rivals`), and takes it back or
    qualifies it (ECHO_CUE). The first such paragraph counts, from its cue on."""
    if (not later.date or not decision.date or later.date[:10] <= decision.date[:10] or not rare
            or is_decision_note(later)):
        return []
    for section in split_sections(later.body, items=True):
        for para in section.paragraphs:
            have = set(terms(para))
            shared = echo_weight(rare & have)
            if (shared < ECHO_TERMS or not rare & have & named_in(para, have)
                    or any(echo_weight(other & have) >= shared for other in rivals)):
                continue
            if found := cue_revision(later, section.heading, para):
                return found
    return []


def named_in(para: str, have: set[str]) -> set[str]:
    """The names of a paragraph: capitalised words and numbers; in Chinese, which writes no
    capitals, every word ("当初留停写「侍亲」" names the leave by 侍亲, a word of its note)."""
    if text_language(para) == "zh":
        return {t for t in have if is_cjk(t)} | set(names(para))
    return set(names(para))


def echo_weight(shared: set[str]) -> float:
    """Shared words, a Chinese pair counting half: "金牛区" is two pairs of one word."""
    return sum(0.5 if CJK_PAIR.match(t) else 1.0 for t in shared)


CJK_PAIR = re.compile(r"[\u3400-\u9fff]")


def title_names(title: str, digits: bool = False, body: str = "") -> list[str]:
    """The names in a decision's title ("No to the Azores" -> azores): what a later note calls it.
    Numbers only when asked: "Level 4" is a name, a bare "4" is not. The title's first word is a
    name when the note's `body` writes it capitalised inside a sentence ("Kestrel + interrupting
    the PhD": "the Kestrel offer"), not a verb that opens the title ("Buying a bike")."""
    first = re.match(r"\W*([A-ZÀ-Ý][\w'’-]*)", title)
    lead = (terms(first.group(1))[:1] if first and body
            and re.search(rf"(?<=[\w,;)] ){re.escape(first.group(1))}\b", body) else [])
    return [t for t in dict.fromkeys(lead + names(title)) if (digits or not t.isdigit()) and not is_frame(t)]


def _links_to(text: str, path: str) -> bool:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].casefold()
    return any(m.group(1).strip().casefold().rsplit("/", 1)[-1] == stem for m in WIKILINK.finditer(text))


@dataclass
class Vocabulary:
    """Each dated note's terms and how many notes hold each term, for one relink."""

    notes: dict[str, Note]
    terms: dict[str, set[str]]
    df: dict[str, int]

    @classmethod
    def of(cls, index) -> Vocabulary:
        notes, held_by, df = {}, {}, {}
        for note in index.notes():
            held_by[note.path] = set(terms(f"{note.title}\n{note.body}"))
            for t in held_by[note.path]:
                df[t] = df.get(t, 0) + 1
            if note.date:
                notes[note.path] = note
        return cls(notes, held_by, df)

    def everywhere(self, term: str) -> bool:
        """Held by half the notes or more, and by more than a few: "Ah Pa" in "Quit Pan-Asia,
        take over Ah Pa's stall" is in 26 notes of 30, and names no decision."""
        held = self.df.get(term, 0)
        return held > 2 * ECHO_RARE and held * 2 >= len(self.terms)

    def rare(self, path: str) -> set[str]:
        """A note's words that few other notes use: what a later note that speaks of it without
        its name or link shares with it."""
        return {t for t in self.terms.get(path, ()) if self.df[t] <= ECHO_RARE and not is_frame(t)}


# --- text helpers -------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    flat = re.sub(r"\s*\n\s*", " ", line_ends(text.strip()))
    return [s.strip() for part in flat.split(LINE_END) for s in SENTENCE.split(part) if s.strip()]


def clean(text: str) -> str:
    """Markdown made plain: wikilinks as their names, no emphasis or list marks, one line."""
    text = WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = unemphasised(text)
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text, flags=re.MULTILINE)
    return re.sub(r"\s*\n\s*", " ", text).strip()


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- the store: decisions in tables beside the index, and timelines -----------------------------

VERSION = 71  # bump whenever extraction changes: stored decisions are then rebuilt
SCHEMA = """
CREATE TABLE decision_notes (path TEXT PRIMARY KEY, content_hash TEXT NOT NULL);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    date TEXT,
    statement TEXT NOT NULL,
    status TEXT NOT NULL,
    target TEXT
);
CREATE INDEX decisions_path ON decisions(path);
CREATE INDEX decisions_target ON decisions(target);
CREATE TABLE decision_reasons (
    decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    n INTEGER NOT NULL, text TEXT NOT NULL, key TEXT NOT NULL, against INTEGER NOT NULL
);
CREATE TABLE decision_revisions (
    decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    path TEXT NOT NULL, date TEXT, heading TEXT NOT NULL, text TEXT NOT NULL, relation TEXT NOT NULL,
    reason INTEGER, cue TEXT NOT NULL,
    other_note INTEGER NOT NULL DEFAULT 0
)
"""
TABLES = ["decision_revisions", "decision_reasons", "decisions", "decision_notes"]
CHANGES = ("retracted", "revised", "reversed")


@dataclass(frozen=True)
class Event:
    """One dated line of a decision's story."""

    date: str | None
    path: str  # the note that says it
    title: str  # that note's title
    kind: str  # "decided", "retracted", "revised", "confirmed", "reversed", "follow-up", "mention"
    text: str  # the statement, or the sentence that carries the change
    reason: str = ""  # the reason it is about, when it is about one
    heading: str = ""


@dataclass
class Timeline:
    subject: str
    path: str  # the decision note
    date: str | None
    reasons: list[Reason]
    events: list[Event]

    @property
    def changes(self) -> list[Event]:
        """Events after the decision that take a reason back, qualify it, or reverse the decision."""
        return [e for e in self.events if e.kind in CHANGES]


class DecisionStore:
    """Decisions of one vault's index, kept in step with the notes by content hash."""

    def __init__(self, index) -> None:
        self.index = index
        self.conn = derived.connect(index.path)
        derived.ensure_schema(self.conn, "decisions", VERSION, SCHEMA, TABLES)

    def close(self) -> None:
        self.conn.close()

    # --- writing ---------------------------------------------------------------------------

    def sync(self) -> int:
        """Re-extract notes changed since the last sync; relink across notes if anything changed."""
        changed, gone = derived.stale(self.conn, "decision_notes")
        if not changed and not gone:
            return 0
        with transaction(self.conn):
            for path in gone:
                self._forget(path)
            for path in changed:
                note = self.index.get(path)
                if note is not None:
                    self._forget(path)
                    self._store(note)
            self._relink()
        return len(changed)

    def _forget(self, path: str) -> None:
        self.conn.execute("DELETE FROM decisions WHERE path = ?", (path,))
        self.conn.execute("DELETE FROM decision_notes WHERE path = ?", (path,))

    def _store(self, note: Note) -> None:
        for d in extract(note):
            cur = self.conn.execute(
                "INSERT INTO decisions (path, kind, subject, date, statement, status) VALUES (?, ?, ?, ?, ?, ?)",
                (d.path, d.kind, d.subject, d.date, d.statement, d.status))
            self._reasons(cur.lastrowid, d.reasons)
            self._revisions(cur.lastrowid, d.revisions, other_note=False)
        self.conn.execute("INSERT INTO decision_notes VALUES (?, ?)", (note.path, note.content_hash))

    def _reasons(self, decision_id: int, reasons) -> None:
        self.conn.executemany("INSERT INTO decision_reasons VALUES (?, ?, ?, ?, ?)",
                              [(decision_id, r.n, r.text, r.key, int(r.against)) for r in reasons])

    def _revisions(self, decision_id: int, revisions, other_note: bool) -> None:
        if other_note:
            revisions = [carried_on(v, self.index.get(v.path)) for v in revisions]
        self.conn.executemany(
            "INSERT INTO decision_revisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(decision_id, v.path, v.date, v.heading, v.text, v.relation, v.reason, v.cue, int(other_note))
             for v in revisions])

    def _relink(self) -> None:
        """Cross-note links: mentions to the decision note they link to; later notes that revise
        a decision's reasons or reverse it. Recomputed whole: they depend on other notes."""
        self.conn.execute("DELETE FROM decision_revisions WHERE other_note = 1")
        notes = {path: i for i, path in self.conn.execute("SELECT id, path FROM decisions WHERE kind = 'note'")}
        for decision_id, path in self.conn.execute("SELECT id, path FROM decisions WHERE kind = 'mention'").fetchall():
            self.conn.execute("UPDATE decisions SET target = ? WHERE id = ?",
                              (self._mention_target(path, decision_id, notes), decision_id))
        vocabulary = Vocabulary.of(self.index)
        naming, named = self._naming_notes(notes, vocabulary.everywhere)
        rare_of = {path: vocabulary.rare(path) for path in notes}
        for path, decision_id in notes.items():
            note = self.index.get(path)
            decision = note_decision(note) if note else None
            others = {n for p, groups in named.items() if p != path for group in groups for n in group
                      if not n.isdigit()}

            rare = rare_of.get(path, set())
            rivals = [other for p, other in rare_of.items() if p != path]

            def elsewhere(para: str, path: str = path, rare: set[str] = rare, rivals: list[set[str]] = rivals) -> bool:
                """Another decision's link or name, or its rare words, more of them than this one's:
                "the bus money was the sensible-sounding reason … the Fallowfield Loop" is the bike's
                (192, £502, £84), not the move out of Fallowfield's."""
                have = set(terms(para))
                mine = echo_weight(rare & have)
                return (bool(others & have) or any(_links_to(para, p) for p in notes if p != path)
                        or any(echo_weight(other & have) >= max(ECHO_TERMS, mine + 1) for other in rivals))
            linking = self.index.backlinks(path) if decision else []
            for later_path in linking:
                later = self.index.get(later_path)
                if later is not None:  # a linking note may take it back in everyday words too
                    found = cross_revisions(decision, later, elsewhere) or echoed_revisions(decision, later, rare, rivals)
                    self._revisions(decision_id, found, other_note=True)
            named_by = {n.path for n in naming.get(path, [])}
            for later in naming.get(path, []) if decision else []:
                if later.path not in linking:  # named, or else echoed: a table of calls names several
                    self._revisions(decision_id, named_revisions(decision, later, named[path], elsewhere)
                                    or echoed_revisions(decision, later, rare, rivals), other_note=True)
            for later_path, later in vocabulary.notes.items() if rare else ():
                if (later_path != path and later_path not in linking and later_path not in named_by
                        and echo_weight(rare & vocabulary.terms[later_path]) >= ECHO_TERMS):  # most notes: a set's look
                    self._revisions(decision_id, echoed_revisions(decision, later, rare, rivals), other_note=True)
        self._claim_the_rest(notes, vocabulary)

    def _claim_the_rest(self, notes: dict[str, int], vocabulary: Vocabulary) -> None:
        """A later paragraph that takes a reason back in everyday words ("If I'm honest - I was
        scared to be alone at the stall at 5am") and that no route above gave to a decision goes
        to the earlier decision it shares the most with, by how rare the shared words are, when
        that one clearly leads (`closest_decision`). The routes above ask for a link, a name or
        three rare words; people write "think back to why I hired him" with none of them. When the
        paragraph alone ties to no decision by its title, the one before it in its section counts with it:
        "Left QE after 11 years." then "But honestly it was more about Marcus …"."""
        dates = {path: (note.date or "")[:10] for path in notes if (note := self.index.get(path)) is not None}
        claimed = set(self.conn.execute("SELECT decision_id, path FROM decision_revisions WHERE other_note = 1"))
        told = {text for (text,) in self.conn.execute("SELECT text FROM decision_revisions WHERE other_note = 1")}
        best: dict[tuple[int, str], tuple[tuple[bool, float], Revision]] = {}
        titles = {path: set(terms(note.title)) for path in notes if (note := self.index.get(path)) is not None}
        for later in vocabulary.notes.values():
            if is_decision_note(later):
                continue
            earlier = [path for path, date in dates.items() if date and date < later.date[:10]]
            for section in split_sections(later.body, items=True):
                for i, para in enumerate(section.paragraphs):
                    if clean(para) in told or not (found := cued_revision(later, section.heading, para)):
                        continue
                    have = set(terms(f"{section.heading}\n{para}"))
                    named = labelled(section.heading, para, earlier, titles)
                    path, score = closest_decision(have, named or earlier, vocabulary,
                                                   least=0.0 if named else ASSIGN_MIN)
                    if i and not (path and titled_in(have, self.index.get(path))):  # "Left QE after 11 years."
                        have |= set(terms(section.paragraphs[i - 1]))  # then "But honestly it was more about …"
                        path, score = closest_decision(have, earlier, vocabulary)
                    key = (notes[path], later.path) if path else None
                    if key is None or key in claimed or not titled_in(have, self.index.get(path)):
                        continue
                    rank = (found[0].relation == "retracted", score)  # "if I'm honest the workshop was the
                    if key not in best or rank > best[key][0]:  # reason" over "nowhere near what I told myself"
                        best[key] = (rank, found[0])
        for (decision_id, _), (_, revision) in best.items():
            self._revisions(decision_id, [revision], other_note=True)

    def _naming_notes(self, notes: dict[str, int], common=lambda name: False
                      ) -> tuple[dict[str, list[Note]], dict[str, list[list[str]]]]:
        """For each decision note whose title holds a name, the other notes that use it, and the
        name groups that identify it: each name no other decision's title has ("Gaivota"), or, when
        all are shared, all of them with the title's numbers ("Level" + "4" for "Pausing before
        Level 4", beside "Doing the AAT Level 3 online"). A `common` name, one the whole diary
        uses ("Ah Pa"), identifies nothing."""
        titled: dict[str, list[str]] = {}
        for path in notes:
            note = self.index.get(path)
            if note is not None and any(not common(t) for t in title_names(note.title, body=note.body)):
                titled[path] = [t for t in title_names(note.title, digits=True, body=note.body) if not common(t)]
        wanted: dict[str, list[list[str]]] = {}
        for path, found in titled.items():
            shared = {t for other, names_ in titled.items() if other != path for t in names_}
            own = [t for t in found if t not in shared and not t.isdigit()]
            wanted[path] = [[t] for t in own] or [found]
        out: dict[str, list[Note]] = {}
        if not wanted:
            return out, wanted
        for other in self.index.notes():
            body = fold(other.body)
            if not any(group[0] in body for groups in wanted.values() for group in groups):
                continue  # a quick look before tokenizing: most notes name no decision
            have = set(terms(other.body))
            for path, groups in wanted.items():
                if other.path != path and any(set(group) <= have for group in groups):
                    out.setdefault(path, []).append(other)
        return out, wanted

    def _mention_target(self, path: str, decision_id: int, notes: dict[str, int]) -> str | None:
        statement = self.conn.execute("SELECT statement FROM decisions WHERE id = ?", (decision_id,)).fetchone()[0]
        note = self.index.get(path)
        for link in note.links if note else ():
            if link.target.casefold() in statement.casefold():
                resolved = self.index.resolve_link(link.target, path)
                if resolved in notes:
                    return resolved
        return None

    # --- reading ---------------------------------------------------------------------------

    def decisions(self, path: str | None = None) -> list[Decision]:
        """Stored decisions (all, or those written in one note), by date."""
        sql = "SELECT * FROM decisions" + (" WHERE path = ?" if path else "") + " ORDER BY date, id"
        return [self._decision(row) for row in self.conn.execute(sql, (path,) if path else ())]

    def _decision(self, row) -> Decision:
        reasons = tuple(Reason(n, text, key, bool(a)) for n, text, key, a in self.conn.execute(
            "SELECT n, text, key, against FROM decision_reasons WHERE decision_id = ? ORDER BY n", (row["id"],)))
        revisions = tuple(Revision(p, d, h, t, rel, reason, cue) for p, d, h, t, rel, reason, cue in self.conn.execute(
            "SELECT path, date, heading, text, relation, reason, cue FROM decision_revisions "
            "WHERE decision_id = ? ORDER BY rowid", (row["id"],)))
        links = (row["target"],) if row["target"] else ()
        return Decision(row["path"], row["subject"], row["date"], row["statement"], row["kind"], row["status"],
                        reasons, revisions, links)

    def subject_of(self, path: str) -> str | None:
        """The decision note a note's decision story belongs to: itself, or the one it mentions."""
        row = self.conn.execute("SELECT path FROM decisions WHERE kind = 'note' AND path = ?", (path,)).fetchone()
        if row:
            return row[0]
        row = self.conn.execute("SELECT target FROM decisions WHERE path = ? AND target IS NOT NULL",
                                (path,)).fetchone()
        return row[0] if row else None

    def revised_by(self, path: str) -> list[str]:
        """The decision notes whose reasons the note at `path` takes back, qualifies or reverses."""
        marks = ",".join("?" * len(CHANGES))
        rows = self.conn.execute(
            f"SELECT DISTINCT d.path FROM decision_revisions r JOIN decisions d ON d.id = r.decision_id "
            f"WHERE r.path = ? AND r.other_note = 1 AND r.relation IN ({marks}) AND d.kind = 'note'", (path, *CHANGES))
        return [row[0] for row in rows]

    def told_elsewhere(self, path: str) -> dict[str, list[str]]:
        """The later words, by the note they are in, that the store gives to decisions other than
        the one written in `path`: a letter's "Você escreveu na época que o motivo era 'um só', a
        queda" is the story of my mother's move, whatever else the letter says first."""
        marks = ",".join("?" * len(CHANGES))
        rows = self.conn.execute(
            f"SELECT r.path, r.text FROM decision_revisions r JOIN decisions d ON d.id = r.decision_id "
            f"WHERE d.path != ? AND r.other_note = 1 AND r.relation IN ({marks}) AND d.kind = 'note'", (path, *CHANGES))
        out: dict[str, list[str]] = {}
        for note, text in rows:
            out.setdefault(note, []).append(text)
        return out

    def timeline(self, path: str) -> Timeline | None:
        """The story of the decision written in `path`: decided, revisions, mentions, reversals."""
        found = self.decisions(path)
        decision = next((d for d in found if d.kind == "note"), None)
        if decision is None:
            return None
        reasons = {r.n: r for r in decision.reasons}
        events = [self._event(decision.date, decision.path, "decided", decision.statement)]
        for v in decision.revisions:
            if v.relation == "reversed" and v.path != decision.path:
                events += self._decided(v.path, kind="reversed")
                continue
            reason = reasons.get(v.reason)
            events.append(self._event(v.date, v.path, v.relation, v.cue or v.text,
                                      reason.key if reason else "", v.heading))
        events += self._mentions_of(path) + self._reversed_by_this(decision)
        events.sort(key=lambda e: (e.date is None, e.date or "", e.kind != "decided"))
        return Timeline(decision.subject, path, decision.date, list(decision.reasons), unique_events(events))

    def _event(self, date, path, kind, text, reason="", heading="") -> Event:
        note = self.index.get(path)
        return Event(date, path, note.title if note else path, kind, text, reason, heading)

    def _mentions_of(self, path: str) -> list[Event]:
        rows = self.conn.execute("SELECT path, date, statement FROM decisions WHERE kind = 'mention' AND target = ?",
                                 (path,))
        return [self._event(date, p, "mention", statement) for p, date, statement in rows]

    def _decided(self, path: str, kind: str = "decided") -> list[Event]:
        return [self._event(d.date, d.path, kind, d.statement) for d in self.decisions(path) if d.kind == "note"]

    def _reversed_by_this(self, decision: Decision) -> list[Event]:
        """The earlier decision this one reverses ("reversing [[…]]"): its 'decided' line."""
        if not REVERSES.search(decision.statement):
            return []
        note = self.index.get(decision.path)
        out: list[Event] = []
        for link in note.links if note else ():
            target = self.index.resolve_link(link.target, decision.path)
            if target and target != decision.path and link.target.casefold() in decision.statement.casefold():
                out += self._decided(target)
        return out


def unique_events(events: list[Event]) -> list[Event]:
    seen, out = set(), []
    for e in events:
        key = (e.date, e.path, e.kind, e.text)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out

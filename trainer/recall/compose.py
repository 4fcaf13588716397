"""Compose an answer from the user's own sentences: rank them, date them, join them.

Ranking is by sentence, not by note: the question's subject terms (IDF-weighted, as retrieval
weighs them), reason cues ("because", "the real reason", "I wanted", 因为, porque), the numbers
a "how many" question asks for, the reasons the decision store found, and the note's rank among
the hits (which the retriever ranks by terms and, when installed, by meaning). Sentence
embeddings were tried as a ranking part and lowered key-fact recall (0.66 -> 0.58-0.62 on the
sample-vault questions at weights 0.6/0.3/0.15), so meaning works at the note level only. The chosen sentences go out in date
order, each with its note's number and the date of the note or of its dated section; a later
revision of a reason is said in words ("On 2025-06-27 I admitted …"). Only the connecting words
are ours, in the question's language; everything else is quoted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from trainer.recall import asks, shapes
from trainer.recall.hours import ACTED, CLOCK
from trainer.recall.decisions import (CHANGES, DECIDED, ECHO_CUE, NOT_WHY, OWNING_UP, REAL_REASON, REAL_REASON_WORDS,
                                      TITLES, DecisionStore, Timeline, clean, cued_revision, is_decision_note, split_sections,
                                      unlabelled)
from trainer.recall.decisions import sentences as decision_sentences
from trainer.recall.reflect import K, PATTERN_K, Reflection, Source, is_pattern_question, named_by
from trainer.recall.retrieve import HEADING, Retriever, WHY_HEADING, WHY_QUESTION, expand, plain
from trainer.vault.parse import LINE_END, first_date, line_ends, prose
from trainer.recall.terms import (DECISION_VERBS, HANGUL, PATTERN_WORDS, STOPWORDS, both_scripts, fold, inflecting, held,
                                  is_frame, names, query_terms, simplified, stem, terms, text_language, words)
from trainer.vault.index import Index
from trainer.vault.note import Note

# --- language -----------------------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
KANA = re.compile(r"[\u3040-\u30ff]")  # hiragana and katakana: Japanese, whose kanji alone would read as Chinese
WIDE = ("zh", "zh-hant", "ja")  # languages written without spaces, with full-width punctuation
PORTUGUESE = re.compile(
    r"\b(por ?que|porquê|quê|não|você|eu|meu|minha|meus|minhas|como|quando|qual|quais|quant[oa]s?|"
    r"decidi|onde|sobre|fiz|tenho|sempre|erro|deixei|comprei|vendi|aprendi|o que|é|são|"
    r"qto|qdo|qnd|pq|vc|tbm|msm)\b|[ãõç]",  # typed to a chat: "qto o anderson ganha por mês?"
    re.IGNORECASE)

SPANISH = re.compile(r"[ñ¿¡]|\b(qué|cómo|cuándo|dónde|cuánto|cuánta|cuántos|quién|cuál|por qué|el|los|las|del|yo|muy|pero|"
                     r"decidí|dejé|vendí|compré|hice|suelo|siempre)\b", re.IGNORECASE)

TEMPLATES = {
    "en": {"wrote": "On {date} I wrote", "undated": "In an undated note I wrote", "titled": "In my note “{title}” I wrote",
           "retracted": "On {date} I admitted", "revised": "On {date} I qualified it",
           "reversed": "On {date} I reversed it", "confirmed": "On {date} I confirmed",
           "recurs": "What comes back across these notes: {what}.", "recurs_bare": "This comes back in more than one note.",
           "nothing": "I couldn't find anything in my notes about that, so I won't guess.",
           "scrubbed": "[{kind} scrubbed]"},
    "pt": {"wrote": "Em {date} escrevi", "undated": "Numa nota sem data escrevi", "titled": "Na nota “{title}” escrevi",
           "retracted": "Em {date} admiti", "revised": "Em {date} corrigi",
           "reversed": "Em {date} voltei atrás", "confirmed": "Em {date} confirmei",
           "recurs": "O que se repete nestas notas: {what}.", "recurs_bare": "Isto repete-se em mais de uma nota.",
           "nothing": "Não encontrei nada nas minhas notas sobre isso, por isso não vou adivinhar.",
           "scrubbed": "[{kind} removido]"},
    "es": {"wrote": "El {date} escribí", "undated": "En una nota sin fecha escribí", "titled": "En la nota “{title}” escribí",
           "retracted": "El {date} admití", "revised": "El {date} lo maticé", "reversed": "El {date} di marcha atrás",
           "confirmed": "El {date} confirmé", "recurs": "Lo que se repite en estas notas: {what}.",
           "recurs_bare": "Esto se repite en más de una nota.",
           "nothing": "No encontré nada en mis notas sobre eso, así que no voy a adivinar.",
           "scrubbed": "[{kind} eliminado]"},
    "de": {"wrote": "Am {date} schrieb ich", "undated": "In einer Notiz ohne Datum schrieb ich",
           "titled": "In der Notiz „{title}“ schrieb ich", "retracted": "Am {date} gab ich zu",
           "revised": "Am {date} schränkte ich es ein", "reversed": "Am {date} nahm ich es zurück",
           "confirmed": "Am {date} bestätigte ich", "recurs": "Was in diesen Notizen wiederkehrt: {what}.",
           "recurs_bare": "Das kommt in mehr als einer Notiz vor.",
           "nothing": "In meinen Notizen habe ich dazu nichts gefunden, also rate ich nicht.",
           "scrubbed": "[{kind} entfernt]"},
    "fr": {"wrote": "Le {date}, j’ai écrit", "undated": "Dans une note sans date, j’ai écrit",
           "titled": "Dans ma note « {title} », j’ai écrit", "retracted": "Le {date}, j’ai reconnu",
           "revised": "Le {date}, j’ai nuancé", "reversed": "Le {date}, j’ai changé d’avis",
           "confirmed": "Le {date}, j’ai confirmé", "recurs": "Ce qui revient dans ces notes : {what}.",
           "recurs_bare": "Cela revient dans plus d’une note.",
           "nothing": "Je n’ai rien trouvé dans mes notes à ce sujet, donc je ne vais pas deviner.",
           "scrubbed": "[{kind} supprimé]"},
    "it": {"wrote": "Il {date} ho scritto", "undated": "In una nota senza data ho scritto",
           "titled": "Nella nota “{title}” ho scritto", "retracted": "Il {date} ho ammesso",
           "revised": "Il {date} ho precisato", "reversed": "Il {date} ho cambiato idea",
           "confirmed": "Il {date} ho confermato", "recurs": "Quello che ritorna in queste note: {what}.",
           "recurs_bare": "Questo ritorna in più di una nota.",
           "nothing": "Non ho trovato niente nelle mie note su questo, quindi non tiro a indovinare.",
           "scrubbed": "[{kind} rimosso]"},
    "zh": {"wrote": "{date}，我写道", "undated": "在一篇没有日期的笔记里，我写道", "titled": "在笔记《{title}》里，我写道",
           "retracted": "{date}，我承认", "revised": "{date}，我修正了", "reversed": "{date}，我改变了决定",
           "confirmed": "{date}，我确认", "recurs": "这些笔记里反复出现：{what}。",
           "recurs_bare": "这在不止一篇笔记里反复出现。",
           "nothing": "我的笔记里没有找到相关的内容，所以我不猜。", "scrubbed": "[{kind} 已隐去]"},
    "ja": {"wrote": "{date}、こう書いた", "undated": "日付のないメモにこう書いた", "titled": "メモ「{title}」にこう書いた",
           "retracted": "{date}、こう認めた", "revised": "{date}、こう言い直した", "reversed": "{date}、考えを変えた",
           "confirmed": "{date}、こう確かめた", "recurs": "これらのメモに繰り返し出てくるもの：{what}。",
           "recurs_bare": "これは複数のメモに出てくる。",
           "nothing": "メモには何も見つからなかったので、推測はしない。", "scrubbed": "[{kind} 削除済み]"},
    "zh-hant": {"wrote": "{date}，我寫道", "undated": "在一篇沒有日期的筆記裡，我寫道", "titled": "在筆記《{title}》裡，我寫道",
                "retracted": "{date}，我承認", "revised": "{date}，我修正了", "reversed": "{date}，我改變了決定",
                "confirmed": "{date}，我確認", "recurs": "這些筆記裡反覆出現：{what}。",
                "recurs_bare": "這在不止一篇筆記裡反覆出現。",
                "nothing": "我的筆記裡沒有找到相關的內容，所以我不猜。", "scrubbed": "[{kind} 已隱去]"},
    "ko": {"wrote": "{date}에 이렇게 적었다", "undated": "날짜 없는 메모에 이렇게 적었다",
           "titled": "“{title}” 메모에 이렇게 적었다", "retracted": "{date}에 인정했다",
           "revised": "{date}에 고쳐 적었다", "reversed": "{date}에 결정을 뒤집었다", "confirmed": "{date}에 다시 확인했다",
           "recurs": "이 메모들에 되풀이되는 것: {what}.", "recurs_bare": "여러 메모에 되풀이된다.",
           "nothing": "내 메모에서 관련된 내용을 찾지 못해서, 추측하지 않을게.", "scrubbed": "[{kind} 삭제됨]"},
}


def language(question: str) -> str:
    """"ja" for a question with kana, "zh" for one with Chinese characters ("zh-hant" when some
    are traditional: a user in Taipei reads 我寫道, not 我写道), "ko" for one mostly in Hangul (not "why
    did I not apply to the 임상약학대학원?"), "pt" for Portuguese, "es" for Spanish, "de" for German,
    "fr" for French, "it" for Italian, else "en"."""
    letters = [c for c in question if c.isalpha()]
    if letters and sum(1 for c in letters if HANGUL.match(c)) / len(letters) > 0.5:
        return "ko"
    if KANA.search(question):
        return "ja"
    if CJK.search(question):
        return "zh-hant" if simplified(question) != question else "zh"
    if inflecting(question):
        return "en"  # no Finnish, Turkish or Polish lines yet; their "ja", "de", "nie" read as German or Portuguese
    guessed = text_language(question)
    if SPANISH.search(question) and guessed not in ("pt", "fr", "it"):
        return "es"
    if guessed in ("de", "fr", "it"):
        return guessed
    return "pt" if PORTUGUESE.search(question) else "en"


def nothing_found(lang: str) -> str:
    return TEMPLATES[lang]["nothing"]


def k_for(question: str) -> int:
    return PATTERN_K if is_pattern_question(question) else K


# --- sentences of a note ------------------------------------------------------------------------

YEAR_MONTH = r"\d{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?"  # not a season: "U15s 2025-26"
DATE = re.compile(rf"(?<!\d)({YEAR_MONTH})(?!\d)")
LEADING_DATE = re.compile(rf"^\s*(?:•\s*)?({YEAR_MONTH})(?!-\w)\s*[:：.\-–—]\s*")
LINK_LINE = re.compile(r"^\s*(related|see also|see|mentioned in|links?|tags?)\b\s*:?", re.IGNORECASE)
POINTER = re.compile(r"(?:(?<=[.!?])|^)\s*[\w ]{1,20}:\s*(?:!?\[\[[^\]]*\]\][,\s]*)+\.?(?=\s|$)"
                     r"|(?<=[.!?])\s*(?:!?\[\[[^\]]*\]\][,\s]*)+\.?\s*$")
"""'Project: [[gps-tracker]].' inside a paragraph, or a link after the last sentence ('Picked up
the van. [[2025-01-14-buy-the-van]]'): a pointer to a note, not a sentence."""
WIKILINKS = re.compile(r"!?\[\[[^\]]*\]\]")
ITEM_SPLIT = re.compile(r"\n(?=\s*(?:[-*+]|\d+[.)])\s)|\n(?=\s*\|)")
SENTENCE_SPLIT = re.compile(rf"(?<=[.!?]){TITLES}\s+(?=[^a-z])|(?<=[。！？])|\s*{LINE_END}\s*")
"""Sentence ends; not after "vs." or a title ("A Dra. Helena diz…", "F-150 all in vs. "under 35"")."""


@dataclass(frozen=True)
class Candidate:
    text: str  # plain text, one sentence
    n: int  # the source it comes from
    date: str | None
    heading: str
    pos: int  # order inside the note
    rank: int  # the note's rank among the sources (0 = best)
    item: int = 0  # the paragraph or list item it is in: a sentence continues the one before it
    table: bool = False  # a table row, flattened
    step: bool = False  # an item of a numbered list: a procedure's step
    someone: str = ""  # the person's name it sits under ("**Priya Sandhu** — … Started as acting PT …"): hers, not mine


def note_sentences(note: Note, n: int, rank: int) -> list[Candidate]:
    """Every sentence of the note worth quoting, with the date of the note or of its section."""
    out: list[Candidate] = []
    heading, heading_date = "", None
    items = 0
    for i, block in enumerate(raw_blocks(prose(note.body))):
        if i == 0 and UNCLOSED_FRONTMATTER.match(block):
            continue  # "---\ndate: …\ntags: [mum, money" never closed: the parser kept it as text, not mine to quote
        match = HEADING.match(block)
        if match:
            heading = match.group(2).strip()
            found = DATE.search(heading)
            heading_date = found.group(1) if found else first_date(heading)  # "## 14 Mar 2025", "## 3 fev 2025"
            continue
        parts = ITEM_SPLIT.split(block)
        label = LABEL.match(parts[0]) if len(parts) > 1 else None
        block_heading = heading
        if label:  # "Reasons:" over a list names the list, as a heading would
            block_heading, parts = label.group(1), parts[1:]
        elif lead := BOLD_LEAD.match(parts[0]):  # "**Porquê:** 1. A segunda não dá." names its paragraph
            block_heading = lead.group(1)
        header: list[str] = []
        for item in parts:
            items += 1
            if "[[" in item and (LINK_LINE.match(item) or len(words(WIKILINKS.sub(" ", item))) < 3):
                continue  # "Related: [[a]], [[b]]", "Project: [[gps-tracker]]": pointers, not sentences
            text = plain(POINTER.sub(" ", line_ends(item)))
            lead = LEADING_DATE.match(text)
            date = lead.group(1) if lead else heading_date or note.date
            text = text[lead.end():] if lead else text.lstrip("• ").strip()
            text = re.sub(r"^\d{1,2}[.)]\s+", "", text)
            step = bool(re.match(r"\s*\d{1,2}[.)]\s", item))
            table = text.startswith("|")
            if table:
                cells = table_cells(text)
                if not header and cells:
                    header = cells  # a table's first row names its columns: no sentence of mine, unless
                    if not any(FIGURE.search(c) for c in cells):  # it holds figures ("| azeitona | 2.650 kg |")
                        continue
                text = " ".join(side_by_side(cells, header)) if is_prose_row(cells) else table_row(cells, header)
            for sentence in join_short([p for p in SENTENCE_SPLIT.split(text) if not SEE_ALSO.match(p.strip())]):
                if quotable(sentence) and not SEE_ALSO.match(sentence):
                    out.append(Candidate(sentence, n, date, block_heading, len(out), rank, items, table, step,
                                         someone_named(block_heading, note.title)))
    return out


PERSON_NAME = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ'’]+(?:[ -][A-ZÀ-Ý][a-zà-ÿ'’]+){1,2}$")
"""A heading that is someone's name ("Priya Sandhu", "Kev Bouchard"): a sentence under it that drops
its subject ("Started as acting PT on 17 February") is theirs."""


def someone_named(heading: str, title: str) -> str:
    """The person a sentence is said of, when its heading (or, under none, its note) is a name."""
    name = heading or title
    return name if PERSON_NAME.match(name) else ""


LABEL = re.compile(r"^\s*(?:\*\*|__)?([^\n:*_]{1,60}?)(?:\*\*|__)?\s*[:：](?:\*\*|__)?\s*$")
"""A line like "Reasons:", "**Razões:**" or "**理由**：" that heads the list under it."""
BOLD_LEAD = re.compile(r"^\s*(?:\*\*|__)([^\n:*_]{1,60}?)\s*(?:[:：](?:\*\*|__)|(?:\*\*|__)\s*[:：—–])\s*\S")
"""A paragraph that opens with a bold label ("**Why:** the van is…"): the label heads it."""
SEE_ALSO = re.compile(r"^(?:(see|cf\.?|related|more in)\b(?:[^\w.]*[^\s.]+){0,5}[^\w.]*|(?:ver|veja|vide)\s+[\w./-]*[/-][\w./-]*)\.?$",
                      re.IGNORECASE)  # "Ver decisoes/vender-terreno-lameiras": a pointer to a note
"""'See budget-2025.', 'See also: the car note': a pointer, five words at most; "see another man's way of
farming before he gets stuck in mine" is a reason (it was dropped)."""


BACK_REFERENCE = re.compile(r"(?:it|that)\b(?!['’])", re.IGNORECASE)


def join_short(parts: list[str]) -> list[str]:
    """A sentence of one to three words ("Multiply.", "herbs in.") joins the next: alone it says
    nothing, and the next one ("2.5 for hardware, 1.5 for software.") needs it. A short one that
    points back ("It took five.", "That is nothing.") joins the one before, which says what it was."""
    out: list[str] = []
    carry = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and not carry and BACK_REFERENCE.match(part) and len(words(part)) <= 5:
            out[-1] = f"{out[-1]} {part}"  # "It took five." says nothing without what "it" was
            continue
        if short(part) and part.endswith((":", "：")) and CJK.search(part):
            continue  # "理由:" leads a list that is quoted on its own
        part = joined(carry, part) if carry else part
        if short(part):
            carry = part
            continue
        out.append(part)
        carry = ""
    if carry and out and CJK.search(carry):
        out[-1] = joined(out[-1], carry)  # "…菜市场。 ¥2,800/月,我出。" ends its paragraph: it joins what it adds to
    elif carry:
        out.append(carry)
    return out


def short(part: str) -> bool:
    """Too short to quote alone: under four words, or in Chinese under five characters ("¥2,800/月,我出。")."""
    if CJK.search(part):
        return len(CJK.findall(part)) < 5
    return len(words(part)) < 4


def joined(first: str, second: str) -> str:
    """Two sentences as one: Chinese ones with no space between."""
    return f"{first}{second}" if CJK.search(first[-1:] + second[:1]) or first.endswith(("。", "！", "？")) else f"{first} {second}"


def table_cells(text: str) -> list[str]:
    cells = [c.strip() for c in text.strip().strip("|").split("|")]
    return [] if all(re.fullmatch(r":?-{2,}:?", c) or not c for c in cells) else cells


def is_prose_row(cells: list[str]) -> bool:
    """A row of sentences side by side (a pros and cons table), not a label and its values."""
    full = [c for c in cells if c]
    return len(full) >= 2 and all(len(words(c)) >= 4 for c in full)


FIGURE = re.compile(r"(?<![A-Za-z0-9])\d")
"""A number that stands alone ("2.650 kg", "£95"), not one inside a name ("QSM11", "A7")."""


def side_by_side(cells: list[str], header: list[str]) -> list[str]:
    """Each cell its own sentence, under its column's name: "Contras: Custo: £420 …"."""
    out = []
    for i, cell in enumerate(cells):
        if cell:
            name = header[i] if i < len(header) and header[i] and header is not cells else ""
            out.append(f"{name}: {cell.rstrip('.')}." if name else f"{cell.rstrip('.')}.")
    return out


def table_row(cells: list[str], header: list[str] = ()) -> str:
    """A markdown table row as one line of cells ("total: ₹13,900, ₹3,100"); rules dropped. Under a
    header that names only its columns ("| | Madrid | Tucson |"), each cell keeps its column's name:
    "con quién — Madrid: Dr. Julián Bermúdez; Tucson: Dra. Karen Whitfield" says who is in Tucson."""
    if not cells:
        return ""
    if len(cells) < 2:
        return cells[0]
    if compared(header, cells):
        return f"{cells[0]} — " + "; ".join(f"{h}: {c}" for h, c in zip(header[1:], cells[1:]) if c)
    return f"{cells[0]}: " + ", ".join(c for c in cells[1:] if c)


def compared(header: list[str], cells: list[str]) -> bool:
    """A row of a table that sets options side by side: a header with a blank corner over two or
    more columns named as options are ("Madrid", "Centro Oncológico", "杭州"), as many as the row
    has cells; not "| | budget | actual |", whose rows read well as they are ("removals: £650, £890")."""
    return (header is not cells and len(header) == len(cells) >= 3 and not header[0]
            and all(h and not h[:1].islower() for h in header[1:]))


UNCLOSED_FRONTMATTER = re.compile(r"^(?:---\s*\n)?(?:[\w-]+\s*:.*(?:\n|$)){2,}$")
"""A note's first block of "key: value" lines: frontmatter never closed, kept by the parser as text."""


def raw_blocks(body: str) -> list[str]:
    """Headings (one block each) and blank-line separated paragraphs, in order."""
    out, lines = [], []
    for line in body.split("\n") + [""]:
        if HEADING.match(line) or not line.strip():
            if lines:
                out.append("\n".join(lines))
                lines = []
            if HEADING.match(line):
                out.append(line)
        else:
            lines.append(line)
    return out


SCRUBBED = re.compile(r"<([A-Z_]+)>")
"""The index's placeholder for a private value ("Mobile: <PHONE>", trainer.data.scrub): the value
never reached the index, but that the note holds one is itself an answer."""


def quotable(sentence: str) -> bool:
    if re.fullmatch(r"(#[^\s#]+\s*)+", sentence):
        return False
    if SCRUBBED.search(sentence):  # "📱 <PHONE>" under a person's name is their number
        return True
    if CJK.search(sentence):  # "手机：<PHONE>", "月租 3,300": a label and its value are a fact; "阿峰 said no" too
        latin = [w for w in words(sentence) if not CJK.match(w)]
        return len(CJK.findall(sentence)) + 2 * len(latin) + len(SCRUBBED.findall(sentence)) >= 5
    return len(words(sentence)) + len(SCRUBBED.findall(sentence)) >= 3  # "Mobile: <PHONE>" was a number


# --- ranking ------------------------------------------------------------------------------------

REASON_CUE = re.compile(
    both_scripts(r"\b(because|so that|so I|since|the real reason|real reason|I wanted|I want|I needed|in order to|"
    r"which (?:is|was) why|that is why|mattered|porque|pois|para que|queria|quero|por causa)\b|因为|所以|决定|为了|原因"),
    re.IGNORECASE)
HOW = re.compile(both_scripts(r"^\s*(how (?:do|did|should|can) I|what (?:are|is) my (?:rules?|steps?|process))\b|"
                 r"^\s*como (?:é que )?(?:eu )?\w+|怎么|如何"), re.IGNORECASE)
WHY_NOT = re.compile(both_scripts(r"^why not\b|^por ?qu[eê] não|^pq não|为什么不|为啥不"), re.IGNORECASE)
ASKS_NUMBER = re.compile(both_scripts(r"\b(how many|how much|how long|how often|how fast|how far|what (?:was|is) my .*(?:score|grade)|"
                         r"what (?:was|is|were) (?:my|the) (?:\w+ )?(?:time|pace|price|cost|rent|salary|weight|distance|"
                         r"total|budget)|score|quant[oa]s?|quanto tempo|nota|pontuação|resultado)\b|多少|多久|多长时间|几[个次天年]|分数"),
                         re.IGNORECASE)
UNITS = (
    (re.compile(r"\b(?:my|the|a) (?:\w+ )?(?:time|pace)\b|\bhow long\b|\bquanto tempo\b|多久", re.IGNORECASE),
     re.compile(both_scripts(r"\d:\d\d|\d\s*(?:h|hrs?|hours?|min|mins|minutes?|secs?|seconds?|days?|weeks?|months?|years?|"
                r"horas?|minutos?|dias|semanas|meses|anos)\b|小时|分钟|天"), re.IGNORECASE)),
    (re.compile(r"\bhow far\b|\bdistance\b|\bdistância\b", re.IGNORECASE),
     re.compile(both_scripts(r"\d\s*(?:km|kms|m|metres?|meters?|miles?|quilómetros?)\b|公里"), re.IGNORECASE)),
    (re.compile(both_scripts(r"\b(?:how much|price|cost|rent|salary|paid|pay|quanto (?:custou|paguei|pago|ganho|custa)|preço)\b|多少钱"),
                re.IGNORECASE), None),
)
UNIT_SHARE = 0.2
NUMBER_WORDS = re.compile(both_scripts(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
                          r"thirty|forty|fifty|hundred|thousand|half|twice|dois|duas|três|quatro|cinco|dez|"
                          r"cem|mil)\b|[一二三四五六七八九十百千万两]"), re.IGNORECASE)
RANK_PRIOR = (0.3, 0.18, 0.1, 0.06)
MONEY = re.compile(r"[€$£¥₹]\s?\d|\d[\d.,]*\s?(?:€|%|percent|por cento|euros?|dollars?|reais)|\d\s?[kK]\b")
MONEY_SHARE = 0.4
HOUR_SHARE = 0.4
ACT_SHARE = 0.2
SHORT_WORDS = 8  # a shaped sentence this short ("Said yes.") needs the one before it to say what
ONLY_SHAPED = ("confidant", "quit", "owned", "delay", "conflict")
"""Shapes whose sentences alone answer: who I asked, where I gave up, what I owned up to, what I put
off, what I did after a row."""
SHAPE_SHARE = 0.6  # 0.2: pattern sum +0.20, 0.4: +0.38, 1.0: +0.23 (budgets, 64 dev sets)
LEAD_IN = 0.6  # 0.2: two dev answers ended a sentence with ": [n]" ("List, so I stop pretending it's a one-off:")
ASIDE_SHARE = 0.15  # 0.1: same figures; 0.25: why sum -0.10
ASKS_WHO = re.compile(r"\bwho(?:'s|’s)? (?!is\b|was\b|are\b)\w+|\bquem (?:é que )?(?!é\b|era\b|são\b)\w+", re.IGNORECASE)
"""A question asking who did a thing ("who bought her?", "quem dava o curso?"), not who someone is."""
PERSON = re.compile(r"(?<=[a-zà-ÿ,;:(] )[A-ZÀ-Ý][a-zà-ÿ]+(?: [A-ZÀ-Ý][a-zà-ÿ]+)*")
"""A capitalised name inside a sentence (not its first word)."""
WHO_SHARE = 0.2
TOTAL_ROW = re.compile(both_scripts(r"^\W*(total|sum|totals|soma|合计|总计)\W*:"), re.IGNORECASE)
DECISION_PATTERN = re.compile(both_scripts(r"decid|decision|reason|choice|choose|chose|decis|escolh|entscheid|"
                              r"décid|décis|pull the trigger|"
                              r"excuse|desculpa|justifica|pretexto|借口|"
                              r"\bbig (?:life )?calls?\b|bater o martelo|决定|选择|拍板"), re.IGNORECASE)
PLAIN_FACT = re.compile(r"^\s*(?:what(?:['’]?s|\s+(?:is|was|are|were))|where['’]?s?|when['’]?s?|who['’]?s?|how (?:much|many|long|old))\b"
                        r"(?!.*\b(?:behind|reasons?|really|honestly|actually)\b)|^\s*(?:qual|quanto|quantos|quantas|onde|quando|quem)\b",
                        re.IGNORECASE)
"""A question after a fact ("what's my brother's café called?", typed "whats elmbank costing a week"),
not after my reasons."""
PATTERN_PRIOR = 0.12
PATTERN_ROOM = 0.8  # share of the word budget for a pattern's sentences: a dated line per note (0.7 with "On … I wrote:")
MIN_SHARE = 0.45  # a sentence scoring under this share of the best one is not chosen
OPTIONS_HEADING = re.compile(both_scripts(r"\b(options?|alternatives?|considered|opções|alternativas)\b|选项"), re.IGNORECASE)
TITLE_SHARE = 0.6
AGAINST = re.compile(r"^(cons|contras?|against|downsides?|minus|desvantagens)\s*:", re.IGNORECASE)
THEME_SHARE = 0.5  # in a pattern answer, a word of the part of life of a subject word no note uses
LONG_SENTENCE = 30  # words; a pattern's sentence past this loses LENGTH_SHARE per 20 words more
LENGTH_SHARE = 0.2  # pattern sum +0.70 on 124 dev sets (0.1 from 20 words: +0.57 and a median of 121.5; 0.4: +0.78, 121.5)
NEIGHBOUR_SHARE = 0.5  # a sentence of "Jonas" is about Jonas even when it does not name him


def score_all(cands: list[Candidate], question: str, weights: dict[str, float], reasons: set[str],
              pattern: bool, titles: dict[int, set[str]] | None = None,
              decision_notes: set[int] = frozenset(),
              subject_of: dict[int, float] | None = None,
              lessons: set[int] = frozenset(),
              akin: dict[str, frozenset[str]] | None = None,
              decided: set[int] = frozenset(), decided_on: str = "",
              revising: set[int] = frozenset(),
              bodies: dict[int, str] | None = None) -> list[tuple[float, Candidate]]:
    """Each candidate's score: see the module docstring for the parts. `decided_on`: the date of
    the decision a why question asks about; a turn written before it takes none of its reasons back.
    `revising`: the later notes the decision store ties to that decision alone; all their turns are
    on it ("Honestly it was more about Jun Hao getting his X50", in the journal that says "Not
    every 2 weeks like I wrote when I bought the car")."""
    titles = titles or {}
    total = sum(weights.values()) or 1.0
    why, numeric = bool(WHY_QUESTION.search(question)), bool(ASKS_NUMBER.search(question))
    how = bool(HOW.search(question))
    unit = asked_unit(question)
    asked_shape = shapes.asked(question) if pattern else None
    hour = asked_shape is not None and asked_shape.via == "hour"
    shape = None if hour else asked_shape
    shaped = shaped_sentences(cands, shape, bodies) if shape is not None else set()
    asked_of = (shapes.confidants([(c.n, c.text) for c in cands if (c.n, c.pos) in shaped])
                if shape is not None and shape.via == "confidant" else set())  # who I go to: the one most notes name
    who = not pattern and bool(ASKS_WHO.search(question))
    given = set(terms(question))
    scored = []
    previous: Candidate | None = None
    previous_rel = 0.0
    echoes = subject_words(cands, weights, subject_of or {}, lessons) if pattern else set()
    in_item = 0  # the sentence's place in its paragraph or list item
    turn = -1  # where in this paragraph I said the stated reason was not it, or what the real one was
    reasoned = {c.n for c in cands if WHY_HEADING.search(c.heading) and not WHY_NOT.search(c.heading)}
    # "说白了就是 Felix 那顿午饭" turns in a review's section on another decision: no turn of this one
    on_subject = {(c.n, c.item) for c in cands
                  if any(w > 0 and held(t, set(terms(f"{c.heading} {c.text}"))) for t, w in weights.items())}
    for c in cands:
        have = set(terms(c.text))
        rel = sum(w for t, w in weights.items() if held(t, have)) / total
        if pattern:  # a pattern is written in other words: "nights" in "woke up at 2:40"
            rel += THEME_SHARE * sum(weights.get(t, 0.0) for t, mates in (akin or {}).items() if mates & have) / total
        s = 0.5 * rel if pattern else rel  # a pattern is in what recurs more than in the question's words
        previous_same_item = previous is not None and (previous.n, previous.item) == (c.n, c.item)
        in_item = in_item + 1 if previous_same_item else 0
        if previous_same_item:
            s += NEIGHBOUR_SHARE * previous_rel  # "HSK 3 passed in December. 251 out of 300."
        if why and previous_same_item and turn >= 0 and in_item - turn <= TURN_REACH:
            s += TURN_SHARE  # "But that wasn't what made me call. I couldn't answer the phone at 3am …"
        if not previous_same_item:
            turn = -1
        if why and not before(c, decided_on) and (TURN.search(c.text) or (c.n not in decision_notes and owns_up(c, in_item)
                                                                      and ((c.n, c.item) in on_subject or c.n in revising))):
            turn = in_item  # outside a decision's own note, "honestly", "说白了", "tretas" turn too (ECHO_CUE)
            s += TURN_SHARE  # and the turn often says it: "Honestly it was more about the piano lessons I never took."
        previous, previous_rel = c, rel
        title = TITLE_SHARE * sum(w for t, w in weights.items() if held(t, titles.get(c.n, ())) and not held(t, have)) / total
        s += 0.5 * title if pattern else title
        if why and c.n in decision_notes:
            s += 0.25  # every sentence of the decision asked about may be one of its reasons
        s += PATTERN_PRIOR if pattern else RANK_PRIOR[min(c.rank, len(RANK_PRIOR) - 1)]
        if pattern:
            # "when do I make my big calls?" is answered by "sent the offer at 11:58pm" in a decision's
            # note, whatever its words (and not by "her exercises at 6am")
            timed = hour and timed_by_me(c, decided)
            near = (rel > 0 or (subject_of or {}).get(c.n, 0.0) >= 0.5 or bool(echoes & set(terms(c.text))) or timed
                    or (c.n, c.pos) in shaped)
            s += pattern_score(c, near, bool(weights), c.n in lessons) + (HOUR_SHARE if timed else 0.0)
            if timed and ACTED.search(c.text):
                s += ACT_SHARE  # "Replied to Thabo at 00:40" settles something; "the scans are at 8am" does not
            if (c.n, c.pos) in shaped and (not asked_of or any(name in c.text for name in asked_of)):
                s += SHAPE_SHARE  # "do my budgets hold?": "Budget €4,000, came to €5,600"
        if REASON_CUE.search(c.text):
            s += 0.2 if why else 0.05
        if why and WHY_HEADING.search(c.heading):
            s += 0.12 if WHY_NOT.search(c.heading) else 0.25  # "Why not SQLite" argues the other side
            s -= DETAIL_SHARES[min(in_item, 2)]  # each listed reason's first line before any reason's detail
        if why and (normal(cell := COLUMN.sub("", c.text) if c.table else unlabelled(c.text)) in reasons
                    or any(normal(cell)[:40] in r for r in reasons)):
            s += 0.25
        if why and DECIDED.search(c.text):
            s += 0.1
        if numeric:  # the question asks for a number: a sentence without one does not answer it
            s += 0.3 if new_number(c.text, question) else -0.15
            if unit is not None and unit.search(c.text):
                s += UNIT_SHARE  # "what was my time?": "1:07:40 on the official clock", not "2.5 km"
        elif why and MONEY.search(c.text) and (not c.table or TOTAL_ROW.match(c.text)):
            s += MONEY_SHARE  # a sum or a share is a reason's evidence, and the table's conclusion
        elif why and re.search(r"\d", c.text):
            s += 0.08  # a figure is usually a reason's evidence ("about €190 a month")
        if who and any(not set(terms(m.group(0))) <= given for m in PERSON.finditer(c.text)):
            s += WHO_SHARE  # "who bought her?": "sold to Niamh and Pádraig Keane from Kilrush"
        if how and c.step:
            s += 0.2  # "how do I …?" is answered by my steps
        if c.table and (not numeric or pattern) and not TOTAL_ROW.match(c.text):
            s -= 0.1  # a table row reads badly out of its table (but its total sums it up; across notes, a
            # row of figures is the table's detail: "TOTAL: 25,000, 41,300", not the kitchen cabinet's)
        if why and OPTIONS_HEADING.search(c.heading):
            # the options weighed are not the reasons; beside a reasons section they are not quoted at
            # all ("More money than Tarang" was an option not taken, read out as a reason)
            s -= 1.0 if c.n in reasoned else 0.2
        elif why and c.n in reasoned and c.heading and not WHY_HEADING.search(c.heading) and not DATE.search(c.heading):
            s -= ASIDE_SHARE  # beside its reasons section, "What I will miss: … everyone's chai order" is an aside
        if why and AGAINST.match(c.text):
            s -= 0.2  # a cons column argues the other side
        if len(words(c.text)) < 4 and not CJK.search(c.text):
            s -= 0.15
        if pattern:  # a pattern is told across notes: one long sentence costs another note's line
            s -= LENGTH_SHARE * max(0, count_words(c.text) - LONG_SENTENCE) / 20
        if c.text.rstrip().endswith(("?", "？")):
            s -= 0.2  # a question
        elif c.text.rstrip().endswith((":", "：")):
            s -= LEAD_IN  # a lead-in whose list is not quoted ("Reasons, as I gave them to him:")
        scored.append((s, c))
    return scored


def owns_up(c: Candidate, in_item: int) -> bool:
    """An everyday owning-up ("honestly", "说白了"), or a paragraph's first sentence under a
    heading that owns up ("Coisas que tenho de admitir")."""
    return bool(ECHO_CUE.search(c.text) or (in_item == 0 and OWNING_UP.search(c.heading)))


COLUMN = re.compile(r"^[^:：]{1,30}[:：]\s*")
"""A table cell told under its column's name ("Prós: kwanza a cair"): the name is not the cell's text."""


def revising_only(index: Index, story: Timeline) -> set[str]:
    """The later notes the decision store ties to this decision and to no other: every turn in
    them is on it (a year review's turns are on many decisions)."""
    store = DecisionStore(index)
    try:
        return {e.path for e in story.events if e.path != story.path and store.revised_by(e.path) == [story.path]}
    finally:
        store.close()


def before(c: Candidate, day: str) -> bool:
    """Written before `day`: "But the real thing was I could never picture him in Kerry", about a
    break-up in February, is no owning-up about moving home in October."""
    return bool(day and c.date and c.date[:10] < day[:10])


def shaped_sentences(cands: list[Candidate], shape: shapes.Shape,
                     bodies: dict[int, str] | None = None) -> set[tuple[int, int]]:
    """(source, position) of the sentences that show the shape a pattern question asks for, with
    the one before where it says what: "Quoted $3,800." before "Final bill $4,200.", "Tom asked
    for a hand with his pergola." before "Said yes.". A shape that reads further (`Shape.reach`)
    reads the note's `bodies`."""
    out: set[tuple[int, int]] = set()
    before: Candidate | None = None
    for c in cands:
        prior = before if before is not None and (before.n, before.item) == (c.n, c.item) else None
        alone = shape.holds(c.text) or (c.table and shape.row_holds is not None and shape.row_holds(c.text))
        if shape.reach > 1:  # the sentences either side, in the note, whatever paragraph
            beside = shapes.around_in((bodies or {}).get(c.n, ""), c.text, shape.reach)
        else:
            beside = prior.text if prior is not None else None
        if alone or (beside is not None and shape.holds(c.text, beside)):
            out.add((c.n, c.pos))
            if prior is not None and (not alone or len(words(c.text)) <= SHORT_WORDS):
                out.add((prior.n, prior.pos))
        before = c
    return out


TURN = re.compile(REAL_REASON_WORDS + r"|\b(?:but|mas) (?:that|it|isso|não foi isso)\b[^.!?]{0,30}\b(?:wasn'?t|was not|não)\b|"
                  r"\b(?:but|mas) não foi isso\b|\bo que me fez \w+(?: \w+)? foi\b|\bwhat (?:actually |really )?made me \w+(?: \w+)? was\b|"
                  r"\bwas (?:just )?the excuse\b|\bfoi (?:só )?a desculpa\b",
                  re.IGNORECASE)
"""Where I turn from the reason I gave to the one that was: the sentences after it say the real one."""
DETAIL_SHARES = (0.0, 0.1, 0.15)
"""Under a why heading, taken from a reason's second sentence and from its later ones: "That's
$2,040 a year!" waits until "Theo's office gets an actual door" is told (dev why +0.58)."""
TURN_SHARE = 0.4  # 0.25 and 0.15 moved fewer facts on the 26 sets
TURN_REACH = 3  # sentences after the turn that it lifts


RECURS = re.compile(both_scripts(r"\b(again|every time|each time|once more|the same|same mistake|never again|as usual|"
                    r"de novo|outra vez|voltei a|volto a|o mesmo|a mesma|foi igual|como sempre)(?!\w)|又|再次|总是"),
                    re.IGNORECASE)
LESSON_HEADING = re.compile(both_scripts(r"\b(wrong|lessons?|learn(?:ed|t)?|mistakes?|hindsight|regrets?|went badly|"
                            r"aprendi|lições|lição|erros?|correu mal)(?!\w)|教训|错误"), re.IGNORECASE)
RULE = re.compile(r"\b(now I|from now on|rule|next time|never|always|nunca|agora|regra|da próxima vez)(?!\w)",
                  re.IGNORECASE)




def pattern_score(c: Candidate, near: bool, has_subject: bool, lesson_note: bool) -> float:
    """What a pattern is written in ("again", a "what I got wrong" section or note, a rule I set
    myself), counted where the sentence is near the question's subject (or the question names none)."""
    cues = (0.3 if RECURS.search(c.text) and about_me(c.text) else 0.0)
    cues += 0.25 if LESSON_HEADING.search(c.heading) or lesson_note else 0.0
    cues += 0.1 if RULE.search(c.text) else 0.0
    if not has_subject or near:
        return cues
    return 0.5 * cues - 0.3  # a lesson about something else


def timed_by_me(c: Candidate, decided: set[int]) -> bool:
    """An hour at which I did something, in a decision's note when the question is about decisions
    ("Offer submitted 11:58pm", "凌晨一点躺在床上决定的"); not someone else's hour ("She calls at 9pm")
    nor a rule in what I learned ("Learn Rust on a toy, not on something people depend on every
    Sunday at 6 a.m")."""
    return (bool(CLOCK.search(c.text)) and (not decided or c.n in decided or bool(ACTED.search(c.text)))
            and not SOMEONE_ELSE.match(c.text) and not LESSON_HEADING.search(c.heading))


SOMEONE_ELSE = re.compile(both_scripts(r"^\W*(she|he|they|ela|ele|eles|elas|他|她|他们)\b"), re.IGNORECASE)


def about_me(text: str) -> bool:
    """"She brought up the flat again" is her pattern, not mine: a sentence whose subject is
    someone else is no recurrence of mine, whatever "again" it holds. Nor is an instruction
    ("Halve it. Halve it again", "Then read it again and cut…, which I use too much"): in English a
    recurrence of mine says I/my/me/we before its "again", or starts with a thing ("The basil is
    losing to aphids again") or with a verb in the past, as a diary does ("Accepted the first quote
    again"); a Portuguese one drops the pronoun anyway ("Voltei a fazer o mesmo")."""
    if SOMEONE_ELSE.match(text):
        return False
    if CJK.search(text) or text_language(text) != "en":
        return True
    cue = RECURS.search(text)
    head = text if cue is None or not text[:cue.start()].strip(" \"'“‘") else text[:cue.end()]
    return bool(FIRST_PERSON.search(head) or PAST_START.match(text) or THING_START.match(text))


THING_START = re.compile(r"^\W*(?:the|a|an|this|that|these|those|it|its|there)\b(?!\s+\w+['’]s\b)", re.IGNORECASE)
"""A sentence about a thing of mine ("The basil is losing to aphids again") states; an instruction
("Then read it again") starts with its verb; "The neighbour's dog … again" is the neighbour's."""
FIRST_PERSON = re.compile(r"\bI\b|\b(?i:my|me|myself|we|our|us)\b")
PAST_START = re.compile(r"^\W*(?:\w+ed|sold|bought|felt|wrote|went|chose|spent|took|gave|left|drove|rode|kept|ran|"
                        r"built|paid|found|lost|had|got|thought|did|made|said|told|forgot|fell|broke|began|came|"
                        r"saw|was|were)\b", re.IGNORECASE)


def subject_words(cands: list[Candidate], weights: dict[str, float], subject_of: dict[int, float],
                  lessons: set[int]) -> set[str]:
    """The words I use around the subject: those of the sentences that name it or that sit in a
    lesson note about it. "Same mistake as the fence last year" is about big jobs because the
    fence is ("The fence took three weekends, not one. I always plan big jobs from the best weekend")."""
    out: set[str] = set()
    for c in cands:
        have = set(terms(c.text))
        if any(held(t, have) for t in weights) or (subject_of.get(c.n, 0.0) >= 0.5 and c.n in lessons):
            out |= have
    return {t for t in out if not is_frame(t) and t not in PATTERN_WORDS and len(t) > 3 and not t.isdigit()}


def asked_unit(question: str) -> re.Pattern | None:
    """What a number the question asks for looks like: a time ("1:07:40", "5 hours"), a distance,
    an amount of money (MONEY)."""
    for asking, unit in UNITS:
        if asking.search(question):
            return unit or MONEY
    return None


def new_number(text: str, question: str) -> bool:
    """A number (digits or words) other than one the question itself names ("HSK 3")."""
    if set(re.findall(r"\d+", text)) - set(re.findall(r"\d+", question)):
        return True
    return any(not m.group(0).isdigit() for m in NUMBER_WORDS.finditer(text))


def normal(text: str) -> str:
    return " ".join(plain(text).casefold().split())


# --- choosing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One sentence of the answer: the user's own, with the source it cites and its date."""

    text: str
    n: int
    date: str | None
    pos: int = 0
    change: str = ""  # "", or how a later note spoke of a reason: retracted, revised, reversed, confirmed
    score: float = 0.0
    someone: str = ""  # said of someone else, by name: no "I" is put before its verb


def select(index: Index, retriever: Retriever, reflection: Reflection, question: str,
           budget: int) -> tuple[list[Piece], list[Source]]:
    """The sentences that answer `question`, within about `budget` words, and the sources."""
    sources = reflection.sources
    by_path = {s.path: s.n for s in sources}
    stories = reflection.timelines
    qterms = retriever.terms_of(question)
    weights = retriever.idf(qterms)
    weights = {t: w for t, w in weights.items() if not is_frame(t)} or weights
    named = decision_named(sources, stories, weights, question) if WHY_QUESTION.search(question) else None
    asked_path = named or (sources[0].path if sources else "")
    if not reflection.pattern and sources:
        # "What did the bank change?" is not about a decision it merely found, nor is "why did I leave
        # Kettle AI?" about the Postgres decision whose note names Kettle; a why answer also tells the
        # story of a decision the asked one links (the one it reverses).
        told = {asked_path, *retriever.neighbours(asked_path)} if WHY_QUESTION.search(question) else {asked_path}
        stories = [t for t in stories if t.path in told]
    shape = shapes.asked(question) if reflection.pattern else None
    if reflection.pattern and shape is not None and shape.via in ("hour", "place", "confidant", "coping"):
        stories = []  # "when do I make my big calls?", "who do I ring first?", "where do I go after?": an hour, a
        # person, a place, not how my reasons changed
    why = not reflection.pattern and bool(WHY_QUESTION.search(question))
    parts: set[tuple[int, int]] = set()
    unboosted: float | None = None  # the best score before one part's fact was lifted (ASK_SHARE)
    # a revision answers why, or a pattern in my decisions; not "what's my brother's café called?"
    # (the story of the loan to him) nor "how do I handle Dad saying he's fine?"
    asks_reasons = (bool(DECISION_PATTERN.search(question)) if reflection.pattern
                    else why or not PLAIN_FACT.search(question))
    changes = change_pieces(stories, by_path, reflection.pattern, why) if asks_reasons else []
    asked = stories[:1] or [t for t in reflection.timelines if by_path.get(t.path, LATER_RANK + 1) <= LATER_RANK][:1]
    if why and asked and not any(p.n != by_path.get(asked[0].path) for p in changes):
        later: list[Piece] = []
        for context in (False, True):  # a paragraph that says what it is about, before one whose section does
            later = said_later(index, sources, asked[0], weights, len(changes), context=context)
            if not later:  # a later note the search did not find: "Honestly, the F-250 went because …"
                sources, later = said_later_anywhere(index, sources, asked[0], weights, len(changes), context)
            if later:
                break
        changes += later
    said = {normal(p.text) for p in changes}
    cands = []
    notes: dict[int, Note] = {}  # each source's note, read once
    for rank, s in enumerate(sorted(reflection.sources, key=lambda s: s.path != asked_path)):
        note = index.get(s.path)
        if note is not None:
            notes[s.n] = note
            cands += [c for c in note_sentences(note, s.n, rank) if not overlaps(normal(c.text), said)]
    subject_of: dict[int, float] = {}
    if reflection.pattern:  # the subject alone ranks ("projects"); the pattern is in the cues
        weights = {t: max(w, 1.0) for t, w in retriever.idf(qterms).items() if t not in PATTERN_WORDS}
        if all(is_frame(t) for t in weights):  # "what mistake do I keep making?" names no subject
            weights = {}
        total = sum(weights.values())
        subject_of = subject_shares(retriever, sources, weights)
    lessons = {s.n for s in sources if LESSON_HEADING.search(s.title) or LESSON_HEADING.search(s.path.rpartition("/")[0])
               or lesson_tagged(index.get(s.path))}
    reasons = {normal(r.text) for t in reflection.timelines for r in t.reasons}
    titles = {s.n: set(terms(s.title)) for s in sources}
    top = {t.path for t in reflection.timelines[:1]}
    decision_notes = {by_path[named]} if named else {s.n for s in sources[:1] if s.path in top}
    akin = retriever.akin(list(weights)) if reflection.pattern else {}
    decided = {by_path[t.path] for t in reflection.timelines if t.path in by_path} if reflection.pattern else set()
    if shape is not None and shape.via == "hour":  # every decision's own note found, not only those told as stories
        decided |= {n for n, note in notes.items() if is_decision_note(note)}
    decided_on = (asked[0].events[0].date or "") if why and asked and asked[0].events else ""
    revising = {by_path[p] for p in revising_only(index, asked[0]) if p in by_path} if why and asked else set()
    bodies = {n: note.body for n, note in notes.items()}
    scored = score_all(cands, question, weights, reasons, reflection.pattern, titles, decision_notes, subject_of,
                       lessons, akin, decided, decided_on, revising, bodies)
    if shape is not None and shape.via == "hour":  # the hours, or nothing: not sentences on other things
        scored = [(s, c) for s, c in scored if timed_by_me(c, decided)]
    elif shape is not None and shape.via in ONLY_SHAPED:  # the people I asked, where I gave up
        shaped = shaped_sentences([c for _, c in scored], shape, bodies)
        kept = [(s, c) for s, c in scored if (c.n, c.pos) in shaped]
        if len({c.n for _, c in kept}) >= 2:
            scored = kept
        elif shape.via in ("confidant", "delay"):
            scored = []  # asking someone, putting things off: in one note or none, nothing found, not sentences on
            # other things ("what do I keep putting off?" over the demo vault quoted "put the money from the sale")
        # (where I gave up, shown by fewer than two notes: the best of the rest, which say "give up")
    if not reflection.pattern and asks.one_thing(question) and (answering := answering_sentences(index, question, sources)):
        # "what's Shona's number?" is answered by "Mobile: <PHONE>", not by the rest of her note, nor
        # by the journal that says "Dazza" more often and holds no number
        # (a sum may have moved on since, in a note that does not name him: "He paid $500 more")
        ask = asks.expected(question)
        holding = {n for n, _ in answering} if ask.kind in FIXED else {c.n for _, c in scored}
        scored = [(s + ASK_SHARE if (c.n, c.pos) in answering else s, c) for s, c in scored if c.n in holding
                  and not (ask.kind in FIXED and (c.n, c.pos) not in answering and asks.shaped(ask, c.text))]
        # (李娜's number under "## 李娜" is no answer to "王磊电话多少", however close it sits)
    elif not reflection.pattern and not why:  # "what's Kelvin's number again, and where does he stay?": each part's fact
        answering = {at for part in asks.CLAUSES.split(question)
                     if part and asks.expected(part, by_word=False) and asks.one_thing(part) and asks.subject_of(part)
                     for at in answering_sentences(index, part, sources)}
        if answering and not asks.one_thing(question):  # the other parts' sentences are measured without it
            unboosted = max((s for s, _ in scored), default=None)
        scored = [(s + ASK_SHARE if (c.n, c.pos) in answering else s, c) for s, c in scored]
        parts = each_part(retriever, question, [c for _, c in scored])
    about = note_about(question, sources, weights)
    if about is not None:  # "who is Jonas?": the Jonas note speaks first, and no decision's story
        changes = []
        scored = [(s + ABOUT_SHARE if c.n == about else s, c) for s, c in scored]
    lead = lesson_about(sources, weights, lessons, titles, subject_of) if reflection.pattern and about is None else None
    share = PATTERN_ROOM if reflection.pattern else 0.88  # 12%: the connecting words (a pattern: more groups)
    room = int(budget * share) - sum(count_words(p.text) + 4 for p in changes)
    chosen = choose(scored, max(room, budget // 3), reflection.pattern, lead, unboosted)
    chosen = told_parts(scored, parts, chosen, room)
    first = about if about is not None else lead
    pieces = sorted(chosen + changes, key=lambda p: (p.n != first, order(p)))
    return pieces, sources


PART_COVERAGE = 0.5  # a part's best sentence must hold this much of the part's (weighed) words


def each_part(retriever: Retriever, question: str, cands: list[Candidate]) -> set[tuple[int, int]]:
    """The sentence that best holds each part of a question that asks two things, for a part
    that asks no plain fact (`asks.expected`): "how much would a car cost me a month, and how do I
    get home to Mysuru?" wants "For trips home to Mysuru, the train is fine", not a fourth row of
    the car's costs."""
    parts = [part for part in asks.CLAUSES.split(question) if part and part.strip()]
    if len(parts) < 2:
        return set()
    out = set()
    for part in parts:
        if asks.expected(part, by_word=False):  # a plain fact ("how much …"): its answering sentences speak for it
            continue
        weights = {t: w for t, w in retriever.idf(retriever.terms_of(part)).items() if w > 0 and not is_frame(t)}
        total = sum(weights.values())
        if len(weights) < 2:
            continue
        held = [(sum(w for t, w in weights.items() if t in have) / total, c)
                for c in cands if (have := set(terms(c.text)))]
        share, best = max(held, key=lambda hc: hc[0], default=(0.0, None))
        if best is not None and share >= PART_COVERAGE:
            out.add((best.n, best.pos))
    return out


def told_parts(scored: list[tuple[float, Candidate]], parts: set[tuple[int, int]], chosen: list[Piece],
               room: int) -> list[Piece]:
    """`chosen` with each part's best sentence (`each_part`) that the best-first choice left out,
    in place of the weakest chosen sentences while the words would run over `room`: the car's
    table rows do not crowd out the way home to Mysuru."""
    missing = [(s, c) for s, c in scored
               if (c.n, c.pos) in parts and not any(p.n == c.n and p.pos == c.pos for p in chosen)]
    if not missing:
        return chosen
    out = list(chosen) + [Piece(c.text, c.n, c.date, c.pos, "", s, c.someone) for s, c in missing]
    kept = {(c.n, c.pos) for _, c in missing} | {(p.n, p.pos) for p in chosen if (p.n, p.pos) in parts}
    for weakest in sorted(chosen, key=lambda p: p.score):
        if sum(count_words(p.text) for p in out) <= room:
            break
        if (weakest.n, weakest.pos) not in kept:
            out.remove(weakest)
    return out


def decision_named(sources: Sequence[Source], stories: Sequence[Timeline], weights: dict[str, float],
                   question: str = "") -> str | None:
    """The decision a why question names, when the best note found is not a decision: "o que é que
    me fez mesmo decidir ir para o Luxemburgo com a Inês?" ranks the 2024 review first (it says
    Luxemburgo and Inês more often), and "Luxemburgo — sim", fifth, is the decision asked about:
    the one decision found whose title or file name holds the most of the question's words."""
    found = {s.path for s in sources}
    if not sources:
        return None
    subject = {t: w for t, w in weights.items() if t not in DECISION_VERBS}  # "Buy 2-bed flat" is not about buying
    scored = sorted(((len(whole_names(question, named_by(story))),
                      sum(w for t, w in subject.items() if t in named_by(story)), story.path)
                     for story in stories if story.path in found), reverse=True)
    scored = [(score, path) for _, score, path in scored]
    if not scored or scored[0][0] <= 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    first = next((score for score, path in scored if path == sources[0].path), None)
    if first is not None and (first > 0 or not whole_names(question, named_by(next(
            t for t in stories if t.path == scored[0][1])))):
        return None  # the best note found is a decision: another gives way only to a name of it ("Brompton")
    return scored[0][1]


NAME_RUN = re.compile(r"\b[A-ZÀ-Ý][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’-]*)+")


def whole_names(question: str, named: set[str]) -> set[str]:
    """The names of `question` that `named` holds whole: a decision's title that says "Kauri Park"
    does not name the school "Kauri Ridge" (a name says which decision; "the mice in the garage"
    may be its reason)."""
    given = set(names(question))
    held = given & named
    for run in NAME_RUN.findall(question):
        parts = set(terms(run)) & given
        if len(parts) > 1 and not parts <= named:
            held -= parts
    return held


ASK_SHARE = 0.4
FIXED = ("phone", "birthday", "age")  # asked facts that stay put: only the notes holding them answer
LATER_SHARE = 0.3  # of the words the question and the decision share, in a later paragraph on the decision
LATER_RANK = 3  # the decision asked about, when the best note found is not one, is among the first three


def said_later(index: Index, sources: Sequence[Source], story: Timeline, weights: dict[str, float],
               at: int, others: set[str] | None = None,
               elsewhere: dict[str, list[str]] | None = None, context: bool = False) -> list[Piece]:
    """Asked why, what a later note among those found says of the decision in everyday words
    ("a gente admitiu uma coisa: a coluna foi o motivo que dava pra dizer … O que pesou mesmo foi
    …") when it neither links nor names the decision, so the store never tied it (two in three
    such later words were not, on the dev vaults): the question names what the paragraph is
    about. The first such paragraph, from its cue on. With `context`, a cued paragraph that names
    a stated reason may leave what it is about to the lines before it in its section ("Primeira
    segunda sem nenhum paciente de convênio." … "Mas vou ser honesta aqui: a história dos R$ 38 por
    restauração eu sabia desde o dia que credenciei."), unless the store gave it to another decision."""
    decided = story.events[0].date if story.events else None
    own = decision_words(index, story.path)
    weights = {t: w for t, w in weights.items() if held(t, own)}  # the words the question and the decision share
    total = sum(weights.values())
    keys, leads = reason_keys(story), lead_keys(story)
    if not total and len(keys) < KEYS_NAMED:
        return []
    others = other_decisions(index, story.path, own) if others is None else others
    elsewhere = told_elsewhere(index, story.path) if elsewhere is None else elsewhere

    def share(have: set[str]) -> float:
        return sum(w for t, w in weights.items() if held(t, have)) / total if total else 0.0

    looked_back: list[Piece] = []  # no cue anywhere: the first paragraph that weighs the stated reasons again
    for s in sources:
        note = index.get(s.path)
        if (note is None or s.path == story.path or is_decision_note(note) or not note.date or not decided
                or note.date[:10] <= decided[:10]):
            continue
        taken = {normal(text) for text in elsewhere.get(s.path, ())}
        for section in split_sections(note.body):
            heading = set() if first_date(section.heading) else {t for t in terms(section.heading) if not is_frame(t)}
            if heading & others and not heading & own:
                continue  # "## The bike" in a review is the bike's, whatever its words share with the plot
            told: set[str] = set()  # the section so far: a journal's first lines say what it is about
            for para in section.paragraphs:
                have = set(terms(para))
                told |= have
                named = 0 if para.lstrip().startswith("|") else sum(key <= have for key in keys)  # (a review's
                if share(have) < LATER_SHARE and named < KEYS_NAMED:  # table of every decision names them all)
                    if (context and share(told) >= LATER_SHARE and any(lead & have for lead in leads)
                            and not overlaps(normal(clean(para)), taken)):
                        # "… sem nenhum paciente de convênio." then "Mas vou ser honesta aqui: …", unless the
                        # store gave the paragraph to another decision
                        for found in cued_revision(note, section.heading, para):
                            if text := change_text(found.cue, WHY_CHANGE_SENTENCES, why=True):
                                return [Piece(text, s.n, note.date, 10_000 + at, found.relation, 1.0)]
                    continue
                for found in cued_revision(note, section.heading, para):
                    text = change_text(found.cue, WHY_CHANGE_SENTENCES, why=True)
                    if text:
                        return [Piece(text, s.n, note.date, 10_000 + at, found.relation, 1.0)]
                if not para.lstrip().startswith("|") and (text := denied(para, leads)):
                    # (a table row's "não cobrei nada" beside "mudança" denies no reason)
                    return [Piece(text, s.n, note.date, 10_000 + at, "retracted", 1.0)]
                if not looked_back and named >= KEYS_NAMED and (text := after_reasons(para, keys)):
                    looked_back = [Piece(text, s.n, note.date, 10_000 + at, "", 1.0)]
    return looked_back


NEGATION = re.compile(both_scripts(r"\b(?:not|never|nah|nope|wasn'?t|weren'?t|isn'?t|didn'?t|wasnae|wisnae|isnae|"
                                   r"não|nunca|nem|dili|hindi|wala)\b|n't\b|不是|并不|並不|唔係|唔系|冇|根本"), re.IGNORECASE)
"""A no, in the tongues of our vaults: "were never the reason", "não foi", "dili man gyud", "唔係"."""
LEAD_WORDS = 2  # a stated reason is named by its first two words ("ESB bills — €1,100 in April …"); one word
# named too much (dev why +0.08 against +0.24)


def lead_keys(story: Timeline) -> list[set[str]]:
    """The first words of each stated reason: how a later note names it again ("The ESB bill")."""
    keys = ([t for t in terms(r.key) if not is_frame(t) and not t.isdigit()][:LEAD_WORDS]
            for r in story.reasons if not r.against)
    return [set(k) for k in keys if k]


def denied(para: str, leads: list[set[str]]) -> str:
    """A later paragraph from the sentence that names a reason I gave and says no to it, cue or no
    cue: "The ESB bill and the co-op bonus were never the reason. … I did it for the young lad." The
    reason's own words say which decision it speaks of; the no says how it held up."""
    parts = join_short(decision_sentences(clean(para)))
    at = next((i for i, part in enumerate(parts)
               if NEGATION.search(part) and any(lead <= set(terms(part)) for lead in leads)), None)
    return "" if at is None else change_text(" ".join(parts[at:]), WHY_CHANGE_SENTENCES, why=True)


def after_reasons(para: str, keys: list[set[str]]) -> str:
    """What a later paragraph says after the sentence that lists my stated reasons again ("A
    tabela de Fevereiro, prós e contras, autonomia, horário p/ o pai, 100% dos honorários. Tudo
    verdade, e nada disso me teria feito sair. … Saí por orgulho ferido."): how they held up."""
    parts = join_short(decision_sentences(clean(para)))
    counts = [sum(key <= set(terms(p)) for key in keys) for p in parts]
    at = counts.index(max(counts, default=0)) if counts else 0
    return " ".join(parts[at + 1:at + 1 + LOOKED_BACK_SENTENCES]).strip()


LOOKED_BACK_SENTENCES = 3


KEYS_NAMED = 2


def reason_keys(story: Timeline) -> list[set[str]]:
    """The lead words of each stated reason ("通勤", "安全", "随叫随到"; "Rent", "The lease"): a later
    paragraph that names two of them speaks of this decision, whatever the question's words
    ("当时写了一大堆通勤、安全、随叫随到。现在看，通勤是真的…说白了，七成是…")."""
    keys = ({t for t in terms(r.key) if not is_frame(t) and not t.isdigit()} for r in story.reasons if not r.against)
    return [k for k in keys if k]


def decision_words(index: Index, path: str) -> set[str]:
    note = index.get(path)
    return set(terms(f"{note.title} {note.body}")) if note else set()


def told_elsewhere(index: Index, path: str) -> dict[str, list[str]]:
    store = DecisionStore(index)
    try:
        return store.told_elsewhere(path)
    finally:
        store.close()


def other_decisions(index: Index, path: str, own: set[str]) -> set[str]:
    """The words of other decisions' titles that this decision's note never uses: a heading holding
    one is about that decision."""
    return {t for n in index.notes() if n.path != path and is_decision_note(n)
            for t in terms(n.title) if not is_frame(t) and not t.isdigit() and t not in own}


def said_later_anywhere(index: Index, sources: list[Source], story: Timeline, weights: dict[str, float],
                        at: int, context: bool = False) -> tuple[list[Source], list[Piece]]:
    """`said_later` over every later note, not only those the search found: a take-back in a
    journal the question shares few words with (round 14: 130 of the 212 later facts missed on the
    dev vaults were in notes never found). The note joins the sources when it answers."""
    known = {s.path for s in sources}
    later = [Source(len(sources) + 1, n.path, n.title, n.date, "", "later") for n in index.notes()
             if n.path not in known and n.date and story.events and story.events[0].date
             and n.date[:10] > story.events[0].date[:10]
             and (ECHO_CUE.search(n.body) or REAL_REASON.search(n.body) or NEGATION.search(n.body))]  # no cue, no no: no owning up
    others = other_decisions(index, story.path, decision_words(index, story.path)) if later else set()
    elsewhere = told_elsewhere(index, story.path) if later else {}
    for candidate in sorted(later, key=lambda s: s.date or ""):
        found = said_later(index, [candidate], story, weights, at, others, elsewhere, context)
        if found:
            return [*sources, candidate], found
    return list(sources), []


def answering_sentences(index: Index, question: str, sources: Sequence[Source]) -> set[tuple[int, int]]:
    """(source, position) of each sentence that has the plain shape of the fact asked for (a
    birthday, a phone number, a cost: `trainer.recall.asks`); empty when the question asks for none."""
    ask = asks.expected(question)
    if ask is None:
        return set()
    out = set()
    for s in sources:
        note = index.get(s.path)
        sentences = note_sentences(note, s.n, 0) if note is not None else []
        paragraphs: dict[int, str] = {}
        for c in sentences:
            paragraphs[c.item] = f"{paragraphs.get(c.item, '')} {c.text}"
        out |= {(c.n, c.pos) for c in sentences
                if asks.answers(ask, question, c.text, under(named_as(note), c.heading), paragraphs[c.item], c.table,
                                c.date or "", note.body)}
    return out


def named_as(note: Note) -> str:
    """What a note is called: its title, and its file's name where that says more (Obsidian lists
    "Tobi tuition - Mr Okafor" whatever the note's "# Tuition for Tobi" says): "£32 an hour" in it
    is what Mr Okafor charges."""
    file_name = PurePosixPath(note.path).stem
    return note.title if fold(file_name) in fold(note.title) else f"{note.title} {file_name}"


def under(title: str, heading: str) -> str:
    """Where a sentence sits: its note's title and its section's heading ("同事" and "王磊": the
    phone number under "## 王磊" is his)."""
    return f"{title} {heading}" if heading and heading != title else title


WHO = re.compile(both_scripts(r"^\s*(who(?:'s| is| was| are)|tell me about|what do I know about|quem (?:é|e|era|são)|"
                 r"o que sei (?:sobre|d[oae]))\b|是谁|谁是"), re.IGNORECASE)
ABOUT_SHARE = 0.4


def note_about(question: str, sources: list[Source], weights: dict[str, float]) -> int | None:
    """For "who is X?" / "quem é X?": the source whose title names X, which then speaks first."""
    if not WHO.search(question) or not weights:
        return None
    for s in sources[:3]:
        title = set(terms(s.title))
        if title and all(held(t, title) or t not in title for t in weights) and any(held(t, title) for t in weights):
            return s.n
    return None


def lesson_about(sources: list[Source], weights: dict[str, float], lessons: set[int],
                 titles: dict[int, set[str]], subject_of: dict[int, float] | None = None) -> int | None:
    """For "what have I learned about quotes?": my lesson note titled with the subject ("O que
    aprendi sobre orçamentos") is the answer itself, so it speaks first and at length. It must
    hold most of the subject too: "Everything on a boat takes three times as long" shares only
    "take" with "what do I do when someone asks me to take on extra work?"."""
    for s in sources:
        if s.n in lessons and (subject_of is None or subject_of.get(s.n, 0.0) >= LEAD_SHARE) and any(
                w > 0 and not is_frame(t) and held(t, titles.get(s.n, set())) for t, w in weights.items()):
            return s.n
    return None


LEAD_SHARE = 0.5


def subject_shares(retriever: Retriever, sources: list[Source], weights: dict[str, float]) -> dict[int, float]:
    """How much of the question's subject each note holds (title, tags, links, body); a note one
    link away from one that holds it all holds half (the journal entry the project note links)."""
    total = sum(weights.values())
    if not total:
        return {}
    own = {s.path: sum(w for t, w in weights.items() if held(t, retriever.doc_terms(s.path))) / total
           for s in sources}
    shares = {}
    for s in sources:
        near = [own.get(p, 0.0) for p in retriever.neighbours(s.path)]
        shares[s.n] = max([own[s.path]] + [0.5 * x for x in near])
    return shares


def lesson_tagged(note: Note | None) -> bool:
    """Tagged a lesson in its frontmatter (a "#lesson" on one line tags that line, not the note)."""
    if note is None:
        return False
    tags = note.frontmatter.get("tags") or []
    tags = [tags] if isinstance(tags, str) else [str(t) for t in tags]
    return any(LESSON_HEADING.search(t) for t in tags)


def overlaps(sentence: str, said: set[str]) -> bool:
    return any(sentence in s or s in sentence for s in said if s and sentence)


def change_pieces(timelines: list[Timeline], by_path: dict[str, int], pattern: bool = False,
                  why: bool = False) -> list[Piece]:
    """Later words on a decision's reasons: what was taken back, qualified, reversed (and what
    still held, beside a change); longer when asked why."""
    sentences = WHY_CHANGE_SENTENCES if why else CHANGE_SENTENCES
    out: list[Piece] = []
    for t in timelines:
        for e in t.events:
            if e.path not in by_path or e.kind not in CHANGES + ("confirmed",):
                continue
            if e.kind == "confirmed" and not t.changes:
                continue
            text = change_text(table_revision(e.text, t) if e.text.lstrip().startswith("|") else e.text, sentences, why)
            if text and e.reason and ORDINAL_REASON.search(text) and normal(e.reason) not in normal(text):
                text = f"{text.rstrip('.')} (“{e.reason}”)."  # "the first reason" says which one
            if text and not any(normal(text) == normal(p.text) for p in out):
                out.append(Piece(text, by_path[e.path], e.date, 10_000 + len(out), e.kind, 1.0))
    weight = {"retracted": 0, "reversed": 1, "revised": 2, "confirmed": 3}
    if pattern:  # one change per decision, as many decisions as fit: the pattern is across them
        firsts: dict[int, Piece] = {}
        for p in sorted(out, key=lambda p: (weight[p.change], p.pos)):
            firsts.setdefault(p.n, p)
        return sorted(firsts.values(), key=lambda p: p.pos)[:MAX_PATTERN_CHANGES]
    kept = sorted(out, key=lambda p: (p.n, weight[p.change]))[:MAX_CHANGES]  # the best source's story first
    return sorted(kept, key=lambda p: p.pos)


def table_revision(text: str, t: Timeline) -> str:
    """A later word written as a table row ("| Physio not the needle (Nov 2024) | benefits | it was the
    probation |" in a year review's table of calls): the rows naming the decision, each cell under its
    column's name, not the whole table (97 words of a why answer were one such table)."""
    chunks = [[c.strip() for c in chunk.split("|")] for chunk in re.split(r"\|\s+\|", text.strip().strip("|"))]
    rows = [cells for cells in chunks if not all(re.fullmatch(r":?-{2,}:?", c) or not c for c in cells)]
    if len(rows) < 2:
        return text
    header, about = rows[0], set(terms(f"{t.subject} {t.path.rpartition('/')[2]}"))
    named = [cells for cells in rows[1:] if about & set(terms(" ".join(cells[:1])))]
    return " ".join(" ".join(side_by_side(cells, header)) for cells in named)


MAX_CHANGES = 3
MAX_PATTERN_CHANGES = 5
ORDINAL_REASON = re.compile(r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+reason", re.IGNORECASE)
CHANGE_SENTENCES = 2
WHY_CHANGE_SENTENCES = 3  # asked why, the real reason often comes a sentence after "But that wasn't why."


def change_text(text: str, sentences: int = 2, why: bool = False) -> str:
    """The words of a revision worth quoting: no leading date ("2024-08: reversed."), no "See …",
    at most two sentences; asked why, one more after "But that's not why." (it says what was)."""
    text = LEADING_DATE.sub("", plain(text))
    text = re.sub(both_scripts(r"^(reversed|update[d]?|later|revisado|更新)[.:：]\s*"), "", text, flags=re.IGNORECASE)
    text = re.sub(r"^re:\s*\S+\.\s+", "", text, flags=re.IGNORECASE)  # "Re: sell-dads-house. I told Dana…"
    parts = join_short([p for p in SENTENCE_SPLIT.split(text) if not SEE_ALSO.match(p.strip())])
    turn = next((i for i, p in enumerate(parts[:sentences]) if NOT_WHY.search(p)), None)
    if why and turn is not None:
        sentences = max(sentences, turn + 2)
    if why and parts and listing(parts[0]):
        sentences += 1  # "The February list: autonomy, Mum's physio, all the fees." is not yet what I owned up to
    last = max((i for i, p in enumerate(parts[:sentences]) if i and ECHO_CUE.search(p)), default=None)
    if why and last == sentences - 1:  # "Honestly it was more about the model." is said by the next one
        sentences += 1
    while why and sentences < len(parts) and count_words(" ".join(parts[:sentences])) < MIN_CHANGE_WORDS:
        sentences += 1  # "我承认。…我还没准备好。" : three short sentences have not yet said what was
    return " ".join(parts[:sentences]).strip()


MIN_CHANGE_WORDS = 30


def listing(sentence: str) -> bool:
    """A sentence that only lists things (three or more short pieces between commas), such as "A
    tabela de Fevereiro, prós e contras, autonomia, horário p/ o pai, 100% dos honorários"."""
    pieces = [p for p in re.split(r"[,;:、]", sentence.rstrip(".。")) if p.strip()]  # "，" joins clauses
    return len(pieces) >= 3 and all(count_words(p) <= LIST_PIECE_WORDS for p in pieces)


LIST_PIECE_WORDS = 5


def choose(scored: list[tuple[float, Candidate]], budget: int, pattern: bool, lead: int | None = None,
           best: float | None = None) -> list[Piece]:
    """Best first while the words last; a pattern answer takes at most two per note first, so it
    reaches across notes, then spends what room is left on the best of the rest (a lesson note
    listing five mistakes is not cut to two because the other notes say little). The `lead` note
    (my lesson on the very subject) speaks first, in up to LEAD_SENTENCES sentences. A short
    sentence that points back ("It worked for the Campanhã flat.") comes with the one before it.
    `best`: the score the others are measured against (MIN_SHARE), when one part's fact was lifted
    above it: "Who is Jonas …? When is his birthday?" wants who he is beside the birthday line."""
    ranked = sorted(scored, key=lambda sc: -sc[0])
    if not ranked:
        return []
    best = ranked[0][0] if best is None else min(best, ranked[0][0])
    ranked = [(s, c) for s, c in ranked if s >= MIN_SHARE * best] or ranked[:1]
    if pattern:  # the best sentence of each note first, then the rest, two per note at most
        firsts = {}
        for s, c in ranked:
            firsts.setdefault(c.n, (s, c))
        leading = lead_sentences([sc for sc in ranked if sc[1].n == lead])
        ranked = leading + list(firsts.values()) + [sc for sc in ranked if sc not in firsts.values()]
    per_note: Counter[int] = Counter()
    out: list[Piece] = []
    used, missed = 0, 0.0  # the best score a sentence had that did not fit
    before = {(c.n, c.pos): c for _, c in scored}
    for cap in ((PATTERN_PER_NOTE, None) if pattern else (None,)):
        for s, c in ranked:
            note_cap = max(cap, LEAD_SENTENCES) if cap and c.n == lead else cap
            if note_cap and per_note[c.n] >= note_cap or any(p.n == c.n and p.pos == c.pos for p in out):
                continue
            group = [c]
            prior = before.get((c.n, c.pos - 1))
            if (BACK_REFERENCE.match(c.text) and len(words(c.text)) <= 8 and prior is not None and prior.item == c.item
                    and not any(p.n == c.n and p.pos == prior.pos for p in out)):
                group = [prior, c]  # "It worked for the Campanhã flat" needs what "it" was
            n_words = sum(count_words(g.text) for g in group)
            if out and used + n_words > budget:
                missed = max(missed, s)
                continue
            if missed and s < FILL_SHARE * missed:
                continue  # no room for "I want to own the files.": then none for "Git on the laptop." either
            out += [Piece(g.text, g.n, g.date, g.pos, "", s, g.someone) for g in group]
            per_note[c.n] += len(group)
            used += n_words
    return out


PATTERN_PER_NOTE = 2
FILL_SHARE = 0.75  # the room left is filled only by sentences nearly as good as the best that did not fit
LEAD_SENTENCES = 4  # 3 to 5 gave the same figures on the three fixture sets; 6 crowds out other notes


def lead_sentences(scored: list[tuple[float, Candidate]]) -> list[tuple[float, Candidate]]:
    """A lesson note read as its author wrote it: the opening sentence of each paragraph or list
    item, in order (a list of rules is said by its items' first lines)."""
    seen: set[int] = set()
    out = []
    for s, c in sorted(scored, key=lambda sc: sc[1].pos):
        if c.item not in seen and not c.text.rstrip().endswith(":"):
            out.append((s, c))
        seen.add(c.item)
    return out[:LEAD_SENTENCES]


def order(p: Piece) -> tuple:
    return (p.date is None, p.date or "", p.n, p.pos)


def count_words(text: str) -> int:
    """Words, counting two Chinese characters as one word."""
    return len(re.findall(r"[^\W\d_]+|\d+", re.sub(CJK, "", text))) + (len(CJK.findall(text)) + 1) // 2


# --- rendering ----------------------------------------------------------------------------------

STARTS_WITH_VERB = re.compile(
    r"^(Decided|Sold|Bought|Felt|Tried|Read|Wrote|Moved|Started|Stopped|Went|Chose|Picked|Learned|Learnt|"
    r"Spent|Took|Gave|Left|Joined|Quit|Switched|Missed|Passed|Failed|Finished|Realised|Realized|Noticed|"
    r"Asked|Told|Drove|Rode|Planted|Set|Kept|Ran|Built|Dropped|Signed|Booked|Paid|Found|Lost|Had|Got|"
    r"Need|Want|Think|Thought)(?=\s)")


def unscrubbed(text: str, t: dict[str, str]) -> str:
    """"Mobile: <PHONE>" reads "Mobile: [phone scrubbed]": a bare <PHONE> is markup to a markdown
    view, which would show "Mobile:" and nothing after it."""
    return SCRUBBED.sub(lambda m: t["scrubbed"].format(kind=m.group(1).lower().replace("_", " ")), text)


def first_person(text: str, lang: str) -> str:
    """"Decided to sell …" reads as "I decided to sell …" (English notes drop the I)."""
    if lang == "en" and STARTS_WITH_VERB.match(text):
        return "I " + text[0].lower() + text[1:]
    return text


ABBREVIATED = re.compile(r"(?:\b[ap]\.m|\betc|\be\.g|\bi\.e|\bvs|\bapprox)\.$", re.IGNORECASE)


def cite(text: str, n: int) -> str:
    """The marker goes before the sentence's closing stop: "… a month [1]."."""
    text = text.rstrip()
    if ABBREVIATED.search(text):  # "at 12:40 a.m." keeps its dot: "12:40 a.m [1]." is no hour
        return f"{text} [{n}]"
    m = re.search(r"([.!?。！？…]+[\"”’)]*)$", text)
    if m:
        return f"{text[:m.start()]} [{n}]{m.group(1)}" if not CJK.search(text[-2:]) else \
            f"{text[:m.start()]}[{n}]{m.group(1)}"
    return f"{text} [{n}]." if not CJK.search(text[-1:]) else f"{text}[{n}]。"


FIT_SLACK = 22
"""Words over the budget an answer may run before its weakest sentence goes (25, then 23, put a
dev vault's median answer at 121 words)."""


def fit(pieces: list[Piece], lang: str, pattern: bool, sources: Sequence[Source], budget: int) -> list[Piece]:
    """The answer as rendered (its "On … I wrote:" lead-ins and what recurs count too) within about
    `budget` words: the weakest of my sentences goes first, never a later note's revision, and a
    pattern keeps two notes."""
    pieces = list(pieces)
    while count_words(render(pieces, lang, pattern, sources)) > budget + FIT_SLACK:
        notes = Counter(p.n for p in pieces)
        can_go = [p for p in pieces if not p.change and (not pattern or notes[p.n] > 1 or len(notes) > 2)]
        if len(pieces) <= 1 or not can_go:
            break
        pieces.remove(min(can_go, key=lambda p: p.score))
    return pieces


def render(pieces: list[Piece], lang: str, pattern: bool, sources: Sequence[Source] = ()) -> str:
    """The pieces as paragraphs, one per note and date; an undated note is named by its title (the
    reader cannot place "an undated note", and "my note “Inês”" says whose words these are)."""
    t = TEMPLATES[lang]
    titles = {s.n: s.title for s in sources}
    paragraphs = []
    if pattern:
        paragraphs.append(recurring_line(pieces, lang))
    group: list[Piece] = []
    for p in pieces + [None]:
        if group and (p is None or (p.date, p.n, p.change) != (group[0].date, group[0].n, group[0].change)
                      or p.change):
            paragraphs.append(render_group(group, t, lang, titles.get(group[0].n, ""), pattern))
            group = []
        if p is not None:
            group.append(p)
    return "\n\n".join(x for x in paragraphs if x)


def said(p: Piece, t: dict[str, str], lang: str, title: str, named: str = "") -> str:
    """The sentence as quoted: in the first person when it is mine; under the name of the person it
    is about when the answer would not otherwise say whose it is ("Priya Sandhu: Started as acting PT…"),
    once for a run of sentences about them (`named`: whom the one before was under)."""
    text = unscrubbed(p.text, t)
    if not p.someone:
        return first_person(text, lang)
    if p.someone in (title, named) or p.someone.split()[0] in text:
        return text
    return f"{p.someone}: {text}"


def render_group(group: list[Piece], t: dict[str, str], lang: str, title: str = "", pattern: bool = False) -> str:
    head = group[0]
    key = head.change or "wrote"
    lead = t[key].format(date=head.date) if head.date else t["titled"].format(title=title) if title else t["undated"]
    if pattern and not head.change:  # evidence across notes reads as a dated list, and its words go to my sentences
        lead = f"- {head.date}" if head.date else f"- “{title}”" if title else "-"
    body = " ".join(cite(said(p, t, lang, title, group[i - 1].someone if i else ""), p.n) for i, p in enumerate(group))
    colon = "：" if lang in WIDE else ":"
    return f"{lead}{colon}{body}" if lang in WIDE else f"{lead}{colon} {body}"


CUE_TERMS = PATTERN_WORDS | frozenset(terms("again never always every time same once more next rule now "
                                          "nunca sempre vez mesmo mesma outra regra agora", keep_stopwords=True))
BLAND = frozenset(terms("since like just still really real last good take took look looking thing things way "
                        "lot much many day days week weeks month months year years long ainda muito coisa coisas "
                        "dia dias semana semanas mês meses ano anos bem novo", keep_stopwords=True))
"""Words that come back in any two notes and say nothing of what recurs ("since", "like", "dias",
"novo" of "de novo")."""


APOSTROPHE = re.compile(r"['’]")


def recurring_line(pieces: list[Piece], lang: str) -> str:
    """Words that come back in the sentences of two or more notes (a pattern's surface)."""
    notes = {p.n for p in pieces}
    if len(notes) < 2:
        return ""
    seen: dict[str, set[int]] = {}
    surface: dict[str, Counter] = {}
    for p in pieces:
        for w in words(p.text):
            w = APOSTROPHE.split(w)[0]  # "it's" is "it", "Papa's" is "Papa"
            if CJK.match(w) or w.lower() in STOPWORDS or len(w) < 4 or any(ch.isdigit() for ch in w):
                continue  # "47am" is half of "1.47am", not a word that recurs
            key = stem(w)
            if key in CUE_TERMS or key in BLAND or is_frame(key) or NUMBER_WORDS.fullmatch(w):
                continue  # "again", "never", "started", "five": how a pattern is told, not what it is
            seen.setdefault(key, set()).add(p.n)
            surface.setdefault(key, Counter())[w] += 1
    common = sorted((k for k, ns in seen.items() if len(ns) >= 2), key=lambda k: (-len(seen[k]), k))[:4]
    t = TEMPLATES[lang]
    if not common:
        return t["recurs_bare"].format(n=len(notes))
    quote = "“{}”"
    sep = "、" if lang in WIDE else ", "
    what = sep.join(quote.format(as_written(surface[k])) for k in common)
    return t["recurs"].format(n=len(notes), what=what)


def as_written(forms: Counter) -> str:
    """A word as my notes write it: lower case if it is ever written so ("Since" opens a sentence),
    else capitalised, as a name is ("Renee", never "renee")."""
    lower = Counter({w.lower(): n for w, n in forms.items() if w == w.lower()})
    return (lower or forms).most_common(1)[0][0]


def with_changes_only(pieces: list[Piece]) -> list[Piece]:
    return [replace(p) for p in pieces if p.change]

"""What I planned to spend against what I spent: "do my budgets ever hold?" asks for both sums.

Such a question shares few words with its evidence: "Budget €4,000, came to €5,600", "quoted
$3,800 for both eyes … Final bill $4,200", "previsto 150 €, gastei 310 €", "预算 2,000，总共
3,700" sit in notes about a deck, an eye operation, a move. The evidence has a plain shape: a sum
beside a word of planning and a word of outcome (or two sums), or a sum that says it ran over.
This module owns that shape; `shapes` finds the notes that hold it.
"""

from __future__ import annotations

import re

from trainer.recall.asks import CURRENCY_CODES, CURRENCY_NAMES, CURRENCY_SIGNS
from trainer.recall.terms import both_scripts

I = re.IGNORECASE
ASKS = re.compile(both_scripts(
    r"\b(?:budget\w*|estimat\w*|quotes?|costs?|at costing|costing me|custar|costar|prever quanto|le atino|spending|"
    r"spend|money plans?|numbers?|orçament\w*|previst\w*|"
    r"figured|figures|(?:vs|versus|against) what I planned|price out|bills?|come in on|on budget|fecha com|separei|calculo|"
    r"planead\w*|planejad\w*|estim\w*|gastos?|custos?|valor|contas|prévision\w*|devis|dépenses?|previsioni|"
    r"preventiv\w*|spese|presupuesto\w*|kosten|schätz\w*)\b|预算|估|花费|花的|实际花|上限|定的数|算钱|算少|算多|少算|計數|计数|計少|計多|少計"), I)
"""A pattern question about money planned: "do my budgets ever hold?", "os números costumam bater certo?"."""
MARKED = (rf"[{CURRENCY_SIGNS}]\s?\d[\d.,]*\s?[kK]?|\b(?:{CURRENCY_CODES})\s?\d[\d.,]*\s?[kK]?|"
          rf"\d[\d.,]*\s?(?:{CURRENCY_NAMES}|[kK]\b|元|块|万)")
CURRENCY = re.compile(both_scripts(MARKED), I)
AMOUNT = re.compile(both_scripts(MARKED + r"|(?:\b\d{1,3}(?:[.,]\d{3})+\b|\b(?!(?:19|20)\d\d\b)\d{3,}\b)(?!\s?(?:lines|words|pages|"
                                 r"km|miles|people|steps|kcal|calories|followers|views))"), I)
"""A sum: with its currency, or a bare number of three digits or more (a table's column says
"€"; "预算 2,000" says none) that is not a year nor a count of lines, pages, kilometres."""
PLAN = re.compile(both_scripts(
    r"\b(?:budget\w*|estimat\w*|quot(?:e|ed|es)|planned|plan|expected|set aside|working number|was meant|supposed to|"
    r"orçament\w*|orçad[oa]|previst[oa]s?|planead[oa]|planejad[oa]|estimad[oa]|contava|reservei|teto|"
    r"(?:tinha )?(?:posto|pus) (?:\w+ )?de lado|(?:tinha )?separad[oa]|separei|prévus?|prévues?|devis|"
    r"previst[oi]|preventivo|presupuesto|geplant|veranschlagt)\b|"
    r"预算|计划|预计|估计|本来|报价|原本|定的|上限"), I)
OUTCOME = re.compile(both_scripts(
    r"\b(?:actual(?:ly)?|final|finally|ended|came to|came in|total(?:led)?|in the end|spent|bill|blew|blown|over|"
    r"real|no fim|acabou|acabei|gastei|gastamos|saiu|ficou|deu|estourou|estourei|passei|payés?|payée?s?|réels?|"
    r"finalement|facture|pagato|pagati|fattura|reale|pagué|bezahlt|rechnung)\b|"
    r"实际|最后|结果|一共|总共|超|花了|多花"), I)
OVER = re.compile(both_scripts(r"\bover budget\b|\bover by\b|\bblew (?:out|past|through)\b|\bwent (?:up )?from\b[^.]*\bto\b|"
                               r"\bnow at\b|\bestour\w+|\bpassei \d|\bpassou de\b[^.]*\bpara\b|超支|超预算|超了|超出|"
                               r"\bforgot (?:to (?:budget|count|add)|about (?:these|this|that|it|the))\b|\bdidn'?t (?:budget|count|factor)\b|"
                               r"\besqueci(?:-me)? (?:de )?(?:contar|orçar|pôr|incluir)\b|忘了算|没算|漏算|冇計"), I)


SETTLED = re.compile(both_scripts(
    r"\b(?:actual|final|came to|came in at|ended up (?:at|paying|costing)|in the end|out the door|all in|total spent|"
    r"final tally|all told|against|total|receipts say|turned into|no fim|no final|acabou por|ficou em|saiu por|"
    r"gastei|gastamos|paguei|pagamos|virou|viraram|foram|au final|finalement|facture finale|alla fine|"
    r"fattura finale|al final|am ende)\b|"
    r"实际|最后|总共|一共|合计|结果花"), I)
"""What a thing came to, beside its sum: "Final paid to Mendez Build: $61,200", "实际花了 NT$ 34,600"."""


def row_holds(row: str) -> bool:
    """A table row with two sums or more: "Studio Kampung: $45,000, $58,700" under "Quote | Final"."""
    return len(AMOUNT.findall(row)) >= 2


def holds(sentence: str, before: str = "") -> bool:
    """A sentence (or table row) that sets a plan against what was spent: a sum with a word of
    planning and one of outcome, a plan word with two sums, or a sum that ran over. The sentence
    before counts too: "Materials budget $4,000. Came to $5,600 with the new bearers." """
    if not AMOUNT.search(sentence):
        return False
    both = f"{before} {sentence}"
    if (OVER.search(sentence) or SETTLED.search(sentence)) and CURRENCY.search(sentence):
        return True  # "Final paid: $61,200"; not "640 lines against 2,900 in Rust"
    return bool(PLAN.search(both)) and (bool(OUTCOME.search(both)) or len(AMOUNT.findall(both)) >= 2)


def planned_table(body: str) -> bool:
    """A table whose header sets a plan against an outcome ("| item | budget (RM) | actual (RM) |",
    "| | previsto | real |", "| 项目 | 预算 | 实际 |") over a row of two sums: a note of budget against
    spend, whatever its sentences say (its rows have no plan word of their own)."""
    header = None
    for line in body.splitlines():
        if not line.lstrip().startswith("|"):
            header = None
        elif header is None:
            header = line
        elif PLAN.search(header) and (OUTCOME.search(header) or SETTLED.search(header)) and row_holds(line):
            return True
    return False

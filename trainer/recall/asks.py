"""What a factual question asks for, so that "nothing found" is said when no sentence holds it.

Retrieval finds the notes about Joana for "Quando é que a Joana faz anos?", and her note is
full of facts, just not her birthday; quoting it would answer a question that was not asked.
Some questions ask for a kind of fact whose shape is plain: a birthday is a date beside a
birthday word, an age a number of years, a gift a thing given, what I earn a sum beside a pay
word, a cost a sum, a phone number digits (or the scrubber's mark where one was), a race result
a place, and "what's the name of the hotel?" a name beside the hotel. For those, an answer needs
one sentence of the retrieved notes that has that shape and is about whom or what the question
names (it names them, or it is in their note). Other questions are not judged here: their shape
is not plain enough to refuse on.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from trainer.recall.terms import (CJK, DECISION_VERBS, TOKEN, YEAR, both_scripts, held, is_frame, names, query_terms,
                                  simplified, stem, terms, text_language, themes)

I = re.IGNORECASE
MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janeiro|fevereiro|março|abril|maio|junho|julho|agosto|"
          r"setembro|outubro|novembro|dezembro")
DAY_MONTH = rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?: of| de)? (?:{MONTHS})\b|\b(?:{MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?\b|" \
            r"\b\d{1,2}/\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|[正一二三四五六七八九十冬腊]+月[初十廿][一二三四五六七八九十]"
ORDINAL = r"(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)\b"
"""A place in a race is said with its verb or its field ("finished 14th", "3rd overall"): "the 19th" is a date."""
CURRENCY_SIGNS = "€$£¥￥₹₦₩₱₫₽₺"
CURRENCY_CODES = r"RM|R\$|USD|EUR|GBP|MYR|SGD|HKD|AUD|NZD|CAD|CHF|PHP|MOP|MZN|MT|Kz|KSh|KES|NGN|RMB"
RAND = r"\b(?:ZAR\s?\d|R(?=\d{1,3}(?:[ ,.]\d{3})+\b|\d+(?:[.,]\d+)?\s?(?:million|mil|m|k|bn)\b))"
"""South African rand, written R68,000 or R4.62 million; not a road or a row (R2, R14)."""
CURRENCY_NAMES = r"€|euros?|pounds?|dollars?|bucks|quid|reais|ringgit|naira|meticais|kwanzas|pesos|patacas|MT\b|MZN\b|MOP\b|Kz\b|USD\b|" \
                 r"TL\b|lira\b|zł|zl\b|złotych|zlotych|PLN\b|lakhs?\b|crores?\b|triệu\b|tỷ\b|đồng\b|VND\b"
"""How a sum says its currency: a sign before it, a code before it ("RM 890"), a name after it ("180.000 MT")."""
MONEY = rf"[{CURRENCY_SIGNS}]\s?\d|\b(?:{CURRENCY_CODES})\s?\d|{RAND}|" \
        rf"\d[\d.,]*\s?(?:{CURRENCY_NAMES}|k\b)|\d[\d.,]*\s?(?:元|块|万|千?円|엔|만\s?원|원|억)|\d[\d.,]*\s?(?:tr|đ)\b|" \
        r"\d[\d.,]*\s?/\s?(?:月|年|周|天|小时|hour|hr|h|day|week|month|mo|year|yr|mês|dia|semana|ano)(?![a-z])|" \
        r"(?:月租|房租|租金|总价|价格|價格|价钱|價錢|售价|售價|报价|報價|学费|學費|押金|中介费|中介費|花了|付了|交了)\s*[:：]?\s*\d"
"""A sum with its currency (a sign or a code: "RM 890", "180.000 MT", "USD 900"), or a rate with its
unit of time: "工资：一开始 6,500/月" names no currency, nor does "月租 2,200" after the word for what it is."""
SUM = re.compile(both_scripts(MONEY), I)  # 萬 and 總價 as well as 万 and 总价


IDENTIFIED = (r"plot|room|plate|licen[cs]e plate|registration|rego|flat|unit|house|seat|ticket|order|booking|reference|"
              r"case|policy|account|membership|student|passport|bed|locker|bay|gate|platform")
IDENTIFIED_PT = r"quarto|lote|apartamento|apto|casa|processo|apólice|conta|pedido|contrato|sócio"
"""Things known by a number: "what's the plot number for the Ibeju-Lekki land", "número do quarto"."""
YES_NO = r"^\s*(?:so\s+|and\s+)?(?:did|have|has)\s+(?:I|we|he|she|they|[A-Z][\w'’]*|the \w+|our \w+|my \w+)\s+"
YES_NO_PT = r"^\s*(?:e aí,?\s+|então,?\s+)?(?:no fim\s+|afinal\s+)?(?:eu\s+|a gente\s+)?"
"""A question that asks whether something happened, not what: "did I pass the SCA in the end?",
"passei na prova escrita?": its answer says how it went, beside what it was (a pass or a fail, a
win or a loss, a yes or a no), and the exam named is the one it went for."""


@dataclass(frozen=True)
class Ask:
    kind: str
    question: re.Pattern  # how the question asks for it
    shapes: tuple[re.Pattern | Marks, ...]  # what an answering sentence holds, every one of them


class Marks:
    """A mark in a sentence: "251 out of 300", "81%", "nota 16 valores", "38/40", an A-. A fraction
    is a mark only when it is no more than its total: "目標：7/6 考 N2" is a date (the sixth of July)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags)

    def search(self, text: str) -> re.Match | None:
        return next((m for m in self.pattern.finditer(text) if not m["got"] or within(m["got"], m["of"])), None)


def within(got: str, of: str) -> bool:
    return float(got.replace(",", ".")) <= float(of)


SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
"""Common Chinese surnames: a name after a kin word ("儿子周小满") starts with one."""


ASKS = (
    Ask("birthday",
        re.compile(both_scripts(r"\bwhen(?:'s| is| was)\b.*\bbirthday\b|\b(?:quando|qdo|qnd)\b.*\b(?:anos d[aoe]|aniversário)\b|"
                   r"\b(?:data|dia) d[oe] aniversário\b|\bwhat (?:date|day) is\b.*\bbirthday\b|\bbirthday kab\b|"
                   r"\bfaz(?:em)? anos\b|\bdata de nascimento\b|\bdate of birth\b|生日|出生日期|哪天出生"), I),
        (re.compile(both_scripts(r"\b(?:birthday|born|b\.|aniversário|anos|nasceu|nascid[oa]|faz anos)\b|生日|出生|生于"), I),
         re.compile(both_scripts(DAY_MONTH + rf"|\b(?:birthday|born|aniversário|anos) (?:is |é |was |foi )?(?:in|em) (?:{MONTHS})\b|"
                                 r"生日(?:在|是)?[一二三四五六七八九十\d]{1,2}月"), I))),  # "Birthday in September": the month
    Ask("age",
        re.compile(both_scripts(r"\bhow old\b|\bque idade\b|^\W*ilang taon\b|\bqual (?:é )?a idade\b|'s age\b|"
                                r"(?<![一二三四五六七八九十\d])几岁|几多岁|多大了|多少岁"), I),  # (not "六十几岁", sixty-odd)
        (re.compile(both_scripts(r"\b\d{1,3}\s*(?:years? old|yo|y/o|anos(?: de idade)?)\b|\baged? \d{1,3}\b|\bborn in \d{4}\b|"
                    r"\bnasceu em \d{4}\b|\bturn(?:s|ed)? \d{1,3}\b|\bfez \d{1,3} anos\b|\d{1,3}\s*岁|\d{4}\s*年生"), I),)),
    Ask("gift",
        re.compile(r"\bwhat did (?:I|we) (?:give|get|buy)\b.*\bfor (?:\w+ )?(?:birthday|christmas|anniversary|wedding)\b|"
                   r"\bo que (?:é que )?(?:lhe |lhes )?(?:dei|ofereci|oferecemos|demos)\b|\b(?:gift|present) for\b", I),
        (re.compile(r"\b(?:gave|give|given|gift|present|bought (?:him|her|them)|got (?:him|her|them)|ofereci|"
                    r"oferecemos|dei-lhe|demos-lhe|prenda|presente)\b", I),)),
    Ask("earnings",
        re.compile(both_scripts(r"\bhow much (?:do|did|does|will|would) (?:I|we) (?:earn|make|get paid)\b|\b(?:was|were) (?:I|we) paid\b|"
                   r"\bmy (?:\w+ ){0,2}(?:salary|wage|wages|pay)\b|\bmagkano (?:ang |yung )?(?:sweldo|sahod)\b|"
                   r"\bquanto (?:é que )?(?:ganho|ganhei|ganhamos|recebo|recebi)\b|"
                   r"\bquanto (?:é que )?(?:o|a) \w+ (?:(?:passou|começou|vai|foi) a )?(?:ganha|recebe|tira|leva|ganhar|receber)\b|"
                   r"\bquanto (?:é que )?(?:ganha|recebe|ganhava|recebia) (?:o|a) \w+|"
                   r"\bquanto (?:é que )?(?:(?:o|a) \w+ )?(?:tá|está|anda) (?:a )?(?:ganhando|recebendo|ganhar|receber)\b|"
                   r"\bhow much (?:does|did) \w+ (?:earn|make|take home)\b|\bhow much (?:is|was) \w+ (?:earning|making|taking home)\b|"
                   r"退休金|养老金|(?:my|his|her) pension (?:pay|is|come)|\b(?:how much|what) (?:was|am|were|are) (?:I|we) (?:making|earning|on)\b|"
                   r"\bpay-?wise\b|\bpa(?:id|ys?) (?:him|her|them|me|us) how much\b|"
                   r"\b(?:o )?meu (?:salário|ordenado)\b|工资|月薪|年薪|(?:挣|赚|收入)多少|年终|奖金|(?:领|拿)了多少|人工"), I),
        (SUM, re.compile(both_scripts(r"\b(?:earn|earns|earned|salary|wage|wages|paid me|pays me|pay me|paid|"
                                          r"get paid|got paid|ganho|ganhei|ganhamos|recebo|recebi|salário|ordenado|"
                                          r"pagam-me|pagaram-me|ganha|recebe|tira|tiro|take home|takes home|pension)\b|工资|月薪|年薪|收入|到手|"
                                          r"年终|奖金|人工|退休金|养老金"), I))),
    Ask("year",
        re.compile(both_scripts(r"\b(?:em|no) que ano\b|\bwhat year\b|\bwhich year\b|哪年|哪一年|边年|边一年"), I),  # 邊: Cantonese
        (re.compile(r"\b(?:19|20)\d\d\b|\blast year\b|\bano passado\b|去年|前年|今年", I),)),
    Ask("phone",
        re.compile(both_scripts(r"\b(?:phone|mobile|cell) number\b|\bnúmero de (?:telefone|telemóvel)\b|电话号码|手机号|(?:电话|手机|号码)(?:是)?多少|"
                                r"\b[A-Z]\w+['’]s (?:number|cell|mobile|phone)\b|\b(?:sel|foon)nommer\b|"
                                r"\b(?:o )?(?:número|telefone|telemóvel|celular|zap|whats(?:app)?) d[aoe] (?-i:[A-ZÀ-Ý])"), I),
        (re.compile(r"(?<![\d-])\+?\d(?:[ ().-]{0,2}\d){8,}|<PHONE>|<REDACTED>", I),)),  # nine digits or more: not a date
    Ask("cost",
        re.compile(both_scripts(r"\bhow much\b[^?]*\b(?:charge|charges|charged|charging|cost|costs|costing|pay|pays|paid|paying|"
                   r"spend|spent|sell|sells|sold|selling|go for|went for|bid|bids|offer|offered)\b|\bhow much (?:is|was|are|were|be) (?:the|my|our) \w+|"
                   r"\b(?:price|cost|costs|paid|pay|charge|charged|fee|fees|rent|deduction|spent)\b[^?.]{0,30}\bhow much\b|"
                   r"^\W*what(?:'s| is| was| were) (?:the|my|our) (?:\w+ )?(?:rent|price|fee|fees)\b|\bhow much did (?:I|we) (?:\w+ )?(?:get|got) for\b|\bwhat did (?!I\b|we\b)[^?]{1,40}\b(?:sell|go) for\b|\bwhat did (?:I|we) sell [^?]{1,40}\bfor\b|\bwhat did (?:I|we) (?:\w+ ){0,2}(?:pay|paying|spend|spending|quote|quoting|charge|charging)\b|\bquanto\b[^?]*\b(?:cobra|cobrou|custa|custou|paguei|pago|paga|pagam|pagou|pagar|gastei|"
                   r"gasto)\b|\bquanto (?:é que )?(?:deu|saiu|ficou|dá|custaram|era|é) (?:o|a|os|as) (?!tempo\b|idade\b|nota\b|média\b)|"
                   r"\bcu[aá]nt[oa]s?\b[^?]*\b(?:pago|pagaba|pagu[eé]|pagamos|pagar|cuesta|cuestan|cost[oó]|costaba|cobra|"
                   r"cobr[oó]|cobraba|vend[ií]|gast[eé]|ofreci[oó]|ofrec[ií]a)\b|\bpor cu[aá]nt[oa]\b|"
                   r"\bcombien\b[^?]*\b(?:pay[ée]e?s?|payer|paie|paye|payais|co[uû]t[ée]e?s?|co[uû]te|co[uû]tait|d[ée]pens[ée]e?s?|"
                   r"vendu|factur[ée])(?!\w)|\bà combien\b|"
                   r"\bquanto\b[^?]*\b(?:pagato|pagata|pagavo|pagare|pago|costa|costava|costato|costata|costano|speso|spendo|"
                   r"venduto|venduta)\b|\b(?:a|per) quanto (?:ho|l['’]ho|abbiamo) vendut[oa]\b|"
                   r"\bkitna (?:diya|gaya|laga|kharcha|pay)\b|\b(?:bill|kharcha|price|fees?|rent|kiraya)\b[^?]{0,30}\bkitna\b|"
                   r"多少钱|花了多少|(?:租|租金|费|价|价格)(?:是|要)?(?:一个?月|每个?月|一年|一晚上?)?(?:是|要)?多少|几钱|几多钱|얼마(?!나)|いくら|なんぼ|"
                   r"\bile (?:kosztował\w*|kosztuje|zapłaci\w*|płaci\w*|wydał\w*)|\bza ile\b|"  # Polish
                   r"\b(?:bao nhiêu tiền|hết bao nhiêu|giá bao nhiêu)"), I),
        (SUM,)),
    Ask("placing",
        re.compile(both_scripts(r"\bwhat (?:position|place)\b|\bwhich place\b|\bwhere did (?:I|we) (?:finish|place|come)\b|"
                   r"\b(?:em )?que lugar\b|\bem que posição\b|第几名|名次"), I),
        (re.compile(rf"\b(?:finish(?:ed)?|came|placed|ended(?: up)?|was) {ORDINAL}|{ORDINAL} (?:place|overall|out of|of \d)|"
                    r"\bposition \d+|\b\d+(?:º|ª)? lugar\b|\bclassifiquei\b|\bfiquei em \d|第\s*[\d一二三四五六七八九十]+\s*名", I),)),
    Ask("score",  # a mark is a number out of something, a percentage, or a letter beside its word
        re.compile(both_scripts(r"\bwhat (?:score|grade|mark|result)s?\b|\b(?:score|grade|mark)s? did (?:I|we|\w+) get\b|"
                   r"\bwhat did (?:I|\w+) get (?:in|for|on) (?:his |her |my |their |the )?(?!(?:birthday|christmas|anniversary)\b)\w+|"
                   r"\bwhat did (?:I|we|\w+) score\b|\bquanto (?:é que )?(?:(?:o|a) \w+ |eu )?tir(?:ei|ou)\b (?:n[oa]s?|em)\b|\bwhat (?:was|is) my (?:[\w-]+ ){0,3}?(?:score|grade|mark)\b|\b(?:minha|qual (?:foi |é |era )?a) nota\b(?! fiscal)|\b(?:minha|com que) (?:nota|média)\b|\bmédia final\b|"
                   r"(?:考|得)了(?:多少|几|好多)分|多少分|几分"), I),
        (Marks(both_scripts(r"\b(?P<got>\d+(?:[.,]\d+)?)\s*/\s*(?P<of>\d+)\b|"
                    r"\d+(?:[.,]\d+)?\s*(?:%|out of \d+|em \d+|de \d+ (?:pontos|valores)|分|pontos|valores|"
                    r"acertos|points?|marks?)|\b(?:grade|nota|média|score[ds]?|got an?|passed with an?)\b[^.]{0,20}?"
                    r"\b(?-i:[A-F])[+-]?(?!\w)|"
                    r"\b(?:score[ds]?|nota|média|grade)\b(?!\s+\d{1,2}\s+(?!in\b|em\b)[a-z])[^.]{0,20}?\d"), I),)),  # "grade 7 in maths",
    # not "Grade 10 art class"
    Ask("work",  # what someone does for a living: a sentence about a job, or one naming what they are
        re.compile(both_scripts(r"\bdo(?:es)? for (?:a living|work)\b|\bwhat (?:is|was) (?:his|her|their|\w+['’]s) (?:job|work|profession)\b|"
                   r"\bo que (?:é que )?(?:o|a) \w+ faz(?:ia)? (?:da vida|profissionalmente)\b|\bem que (?:é que )?(?:o|a) \w+ trabalha(?:va)?\b|"
                   r"\bwhere (?:does|did|do) (?!I\b|we\b)\w+ work\b|\bonde (?:é que )?(?:o|a) \w+ trabalha(?:va)?\b|"
                   r"做什么工作|干什么工作|做什么的|什么工作|干哪行|做哪行|做咩工|做乜(?:嘢)?工|做边行|做咩嘢工|"
                   r"在哪(?:里|儿)?(?:上班|工作)|在什么(?:公司|地方)(?:上班|工作)|喺边(?:度)?(?:返工|做)"), I),
        (re.compile(both_scripts(r"\b(?:works?|worked|working|job|career|profession|employed|retired|trade|business|shifts?|"
                    r"trabalha|trabalhava|trabalhou|profissão|emprego|reformad[oa]|aposentad[oa]|turnos?)\b|"
                    r"\b(?:is|was|became|é|era) (?:an? |um |uma )?(?:\w+ )?(?:\w+(?:er|or|ist|ian|ant|ent)|nurse|chef|cook|"
                    r"doctor|vet|enfermeir[oa]|professor[a]?|médic[oa]|engenheir[oa]|motorista)\b|"
                    r"工作|上班|职业|退休|当老师|当医生|当护士|开店|开车|老师|医生|护士|工程师|会计|司机|厨师|"
                    r"在[\u4e00-\u9fffA-Za-z]{2,10}(?:做|当|上班)"), I),)),  # "现在在深言科技做多模态": where he works
    Ask("time",  # a race or a run's time is on a clock: "1:07:40", "2:07:45", "58 minutes"
        re.compile(both_scripts(r"\b(?:what was|what'?s) my (?:\w+ )?time\b|\bfinish(?:ing)? time\b|\bmy (?:official|chip|race) time\b|"
                   r"\bem quanto tempo (?:fiz|corri|acabei)\b|用时多少|跑了多久|跑了多少时间"), I),
        (re.compile(both_scripts(r"\b\d{1,2}:\d{2}(?::\d{2})?\b|\b(?:in|em|took|levei|fiz)\s+\d+\s?(?:min|mins|minutes|minutos)\b|"
                                 r"\d+\s*小时\s*\d+\s*分|\d+\s*分\s*\d+\s*秒"), I),)),  # not "a runner who sleeps 5 horas"
    Ask("rate",  # an interest rate is a percentage: "taxa de juro" over a loan note that gives only its sums
        re.compile(both_scripts(r"\binterest rate\b|\b(?:what|which) rate\b|\btaxa(?: de juros?)?\b|\bjuros?\b|利率|利息多少|几厘|"
                                r"\bwhat percent(?:age)?\b|\bquantos por cento\b|(?:几多|多少)\s?(?:%|％|个百分点)"), I),
        (re.compile(both_scripts(r"\d+(?:[.,]\d+)?\s*%|\bpercent\b|\bpor cento\b|厘"), I),)),
    *(Ask("outcome", re.compile(rf"{YES_NO}[^?]*\b(?:{verb})|{YES_NO_PT}(?:{verb})", I), (re.compile(both_scripts(outcome), I),))
      for verb, outcome in (
          (r"pass\b|passe[id]\b|pass(?:ar|ou)\b", r"\b(?:pass(?:ed|es)?|fail(?:ed|s)?|flunk(?:ed)?|re-?sit|passei|passou|chumb\w+|"
                                                   r"reprov\w+|aprovad[oa]s?)\b|通过|过了|没过|挂了"),
          (r"win\b|ganh(?:ei|ou|amos|aram)\b", r"\b(?:won|wins?|lost|lose|beat|beaten|runners?-up|ganh\w+|perd\w+)\b|\d+\s*[-–x]\s*\d+"),
          (r"accept(?:ed)?\b|aceit(?:ei|ou|amos)\b", r"\b(?:accept\w*|declin\w*|turned (?:it |them |him |her )?down|said (?:yes|no)|"
                                                   r"aceit\w*|recus\w*|disse (?:que )?(?:sim|não))\b"),
          (r"renew(?:ed|ing)?\b|renov(?:ei|ou|amos)\b", r"\brenew\w*|\brenov\w*|\bsigned\b|\bmov(?:ed|ing) out\b"),
          (r"get(?:ting)? (?:the|that|this|a|an|his|her|my) (?:\w+ ){0,3}?(?:job|offer|place|post|role|visa|loan|grant|promotion|contract)\b",
           r"\b(?:got|didn'?t get|offered|rejected|turned (?:\w+ )?down|accepted|approved|hired|start(?:s|ed)?|"
           r"knocked back)\b"),
      )),
    Ask("outcome", re.compile(both_scripts(r"(?:通过|过)了?(?:吗|没有?)[？?]?\s*$|有没有(?:通过|过)")),
        (re.compile(both_scripts(r"通过|过了|没过|挂了|转正|合格|不合格|pass(?:ed)?|fail(?:ed)?"), I),)),
    Ask("outcome", re.compile(both_scripts(r"中没中|中了(?:吗|没有?)[？?]?\s*$|有没有中")),  # a paper: accepted or not
        (re.compile(both_scripts(r"(?<![没不])中了|没中|被拒|拒稿|录用|接收了|\b(?:accept(?:ed)?|reject(?:ed)?)\b"), I),)),
    Ask("floor",  # which floor: a floor number, not the flat's other figures
        re.compile(both_scripts(r"\b(?:which|what) floor\b|\b(?:que|qual|em que) andar\b|几楼|幾樓|几层|幾層|哪一?层|哪一?層"), I),
        (re.compile(both_scripts(r"\b\d+(?:st|nd|rd|th)? floor\b|\bfloor \d+|\bground floor\b|\d+\s?[ºo°]?\s?andar\b|"
                                 r"\bandar \d+|\brés-do-chão\b|\d+\s?(?:楼|樓|层|層)|[一二三四五六七八九十]+(?:楼|樓|层|層)|#\d{2}-\d{2,4}"), I),)),
    Ask("identifier",  # a plot, room or plate number: the thing's word with a number beside it, not any figure
        re.compile(both_scripts(rf"\b(?:{IDENTIFIED}) (?:number|no\.?|#)|\b(?:número|nº) d[oa] (?:{IDENTIFIED_PT})\b|"
                                r"\b(?:qual|que) (?:é |era |foi )?a (?:placa|matrícula) d[oa]\b|车牌|门牌|房号|房间号|座位号|单号|学号|工号"), I),
        (re.compile(both_scripts(rf"(?:\b(?:{IDENTIFIED}|{IDENTIFIED_PT}|placa|matrícula|nº|no\.)|车牌|门牌|房号|房间|座位|单号|学号|"
                                 r"工号)[\s:：#-]{0,3}(?:(?:number|no\.?|n\.?º|is|é|号)[\s:：#-]{0,3})?"
                                 r"(?![·\s-]?\d+(?:st|nd|rd|th)\b)(?:[\u4e00-\u9fff]?[A-Z]{0,3}[·\s-]?)?[A-Z0-9]*\d[\dA-Z-]*"), I),)),
    Ask("surname",  # a full name: the given name and one more capitalised ("Shauna Byrne"), or 姓 and one character
        re.compile(both_scripts(r"\b(?:last name|surname|family name|apelido|sobrenome|apellido|apelyido|nachname)\b|"
                                r"姓什么|姓啥|姓乜|贵姓"), I),
        ()),
    Ask("met",  # how or where we met: a sentence that says so ("我跟周锐当初是怎么认识的？" over notes about the breakup)
        re.compile(both_scripts(r"\b(?:how|where|when) did (?:I|we|\w+ and I) (?:first )?meet\b|\b(?:como|onde|quando) (?:é que )?"
                                r"(?:eu )?(?:nos |me )?conhec\w+|怎么认识|怎样认识|在哪认识|点样识|点识"), I),
        (re.compile(both_scripts(r"\b(?:met|meet|meeting|conhec\w+)\b|认识|认得|相识|遇到|识于"), I),)),
    Ask("called",  # in Chinese: a sentence that gives a name ("她叫小雨。", "名叫…")
        re.compile(both_scripts(r"叫(?:什么|啥|咩|乜)|什么名字|名字是什么|咩名|乜名")),
        (re.compile(r"名叫|叫做|名字(?:叫|是)|叫(?!什么|啥|咩|乜|我|你|他|她|佢|人)[\u4e00-\u9fff]{2,3}(?=[，。、；,.;!?！？\s]|$)|"
                    r"叫\s?[A-Z][a-z]+|(?:Miss|Mr|Mrs|Ms|Dr|Sr|Sra)\.? [A-Z][a-z]+|"  # "看護叫 Siti", "班主任 Miss Halloran"
                    r"(?:儿子|女儿|老婆|老公|太太|丈夫|妻子|男朋友|女朋友|男友|女友)[,，:： ]?[" + SURNAMES + r"](?![岁歲末年中考])[\u4e00-\u9fff]{1,2}"
                    r"(?=[,，。、；.;!?！？\s]|$)|"  # "儿子周小满, 2024-04-28 出生": the kin, then a full name
                    r"(?:(?![大表堂亲二三四五六七八九十姐哥叔嫂姨我你他她佢咱俺老小])[\u4e00-\u9fff][姐哥叔嫂]|阿(?![姨妈爸嫲爷婆公伯叔婶哥姐嫂弟妹仔女])[\u4e00-\u9fff]{1,2})"
                    r"(?=[，。、；,.;!?！？\s]|$)"),)),
)


ASKS_BY_KIND = {a.kind: a for a in ASKS}
NAME_ASK = re.compile(r"\bwhat(?:'s|s| is| was) the name of (?:the |my |our |his |her |their )?(?:(?:\w+ ){0,2}\w+['’]s )?(\w+)|"
                      r"\bwhat(?:'s| is| was| are) (?:\w+['’]s |my |the |our )(\w+)(?: called\b|['’]s name\b)|"
                      r"\bwho (?:is|was|were) (?:my|our) (\w+)\b|"
                      r"\bwho (?:is|was) the (\w+) (?:that|who|at|of|in)\b|\b(\w+) name (?:what|who)\b|\bquem (?:foi|é|era) (?:o|a) (\w+) que\b|"
                      r"\bcomo (?:é que )?(?:se )?chama(?:m|va)? (?:o|a|os|as) (\w+)|\b(?:qual|como) (?:é |era |foi )?o nome d[oa] (\w+)|"
                      r"\bwhich (?:(?-i:[A-Z])\w+ )?(?!(?:day|week|month|year|time|hour|one|ones|of|way|part|side)\b)(\w+)|"
                      r"\bem que (?!(?:dia|mês|mes|ano|hora|altura|semana|data|momento|medida|sentido|tipo)\b)(\w+)|"
                      r"\bqual (?:foi |é |era )?(?:o|a) (\w+) (?:que|onde|em que)\b|"
                      r"\bcomment (?:y |il |elle |ça |ca )?s['’]appell?e,? (?:le |la |les |l['’])(\w+)", I)
NAMED = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ]+(?:\s+[A-ZÀ-Ý][a-zà-ÿ]+)*|\b[A-Z]{2,}\b")
"""Capitalised words or an acronym: how a name is written ("The", "A" are not: no terms)."""


DROPPED_APOSTROPHE = re.compile(r"\b(what|when|where|who|how)s\b", I)
CONTRACTED_DID = re.compile(r"\b(what|when|where|who|how|why)['’]d\b(?= (?:I|we|you|he|she|they|[A-Za-z]+ \w))", I)


CHAT_SHORT = {"q": "que", "oq": "o que", "pq": "porque", "qdo": "quando", "qnd": "quando", "qto": "quanto",
              "qnto": "quanto", "qta": "quanta", "qtos": "quantos", "qtas": "quantas", "mto": "muito",
              "mta": "muita", "msm": "mesmo", "cmg": "comigo", "vc": "você", "tb": "também", "tbm": "também",
              "dnv": "de novo", "hj": "hoje"}
"""How Brazilian Portuguese is typed to a chat ("a q horas eu costumo…", "eu erro mto nos orçamentos")."""
CHAT_SHORT_WORD = re.compile(r"(?<![\w'’.])(" + "|".join(CHAT_SHORT) + r")(?![\w'’.])")


SCOTS_WHAT = re.compile(r"\bwhit(?=(?:['’]?s)?\b)", I)
"""Scots "whit" is "what": "whit's Callum's partner called again?" asks a name."""


def restored(question: str) -> str:
    """"whens Trish's birthday again" as "when's …", "a q horas" as "a que horas": typed to a chat,
    the apostrophe is often left out and short forms used, and every ask here is written in full."""
    question = SCOTS_WHAT.sub(lambda m: "What" if m.group(0)[0].isupper() else "what", question)
    question = CONTRACTED_DID.sub(r"\1 did", DROPPED_APOSTROPHE.sub(r"\1's", question))
    if text_language(question) != "pt":
        return question  # "which vc did I pitch to?" is English
    return CHAT_SHORT_WORD.sub(lambda m: CHAT_SHORT[m.group(1)], question)


def expected(question: str, by_word: bool = True) -> Ask | None:
    """The kind of fact the question asks for, when its shape is plain; None otherwise. With
    `by_word` off, not a thing asked for only by its word (`asked_thing`): a part of a two-part
    question ("… e em qual unidade?") is better found by all its words (`compose.each_part`)."""
    found = next((a for a in ASKS if a.question.search(question)), None)
    named = NAME_ASK.search(question)
    if found is None and named and (named.lastindex < WHICH or one_thing(question)):
        return Ask("name", NAME_ASK, ())
    if found is None and COUNT_ASK.search(question) and one_thing(question):  # "where did I fall and how many stitches?"
        return Ask("count", COUNT_ASK, ())
    if found is None and WHICH_ZH.search(question) and one_thing(question):
        return Ask("which", WHICH_ZH, ())
    if found is None and by_word and one_thing(question) and not ASKS_WHY.search(question) and asked_thing(question):
        return Ask("thing", THING_ZH, ())  # (in Chinese, whose thing is in the words before it)
    if (found is None and WHEN.search(question) and one_thing(question) and not ASKS_WHY.search(question)
            and not OTHER_ASK.search(question)):
        return Ask("when", WHEN, ())
    if found is None and HAPPENED.search(question) and not OTHER_ASK.search(question) and not ASKS_WHY.search(question):
        return Ask("happened", HAPPENED, ())
    return found


HAPPENED = re.compile(rf"{YES_NO}", I)
"""Whether something happened, asked with a verb no outcome ask knows ("did we ever get solar
panels put on the roof?", "did Brett Kinney ever pay up?"): the answer is a sentence that says
all of it (`answers_happened`); notes that only mention the roof are no answer."""
HAPPENED_FRAME = frozenset(terms("end up ended ever actually finally really still yet already"))


OUTCOME_VERBS = frozenset(terms("pass passed win won get getting got accept accepted renew renewing renewed passar passou "
                                "passei ganhei ganhou aceitei aceitou renovei renovou"))
"""How an outcome is asked ("did I pass…", "did we win…"): the sentence may say it in other words."""
OUTCOME_SHARE = 0.67  # of the question's other words; 0.5: dev unanswerable +0.50 where 0.67 gives +1.00, and
# all of them lose "Fui aprovado na prova escrita" (in "Concurso") for "passei na prova escrita do concurso para chefe?"


def answers_happened(question: str, sentence: str, title: str, said: frozenset[str] = frozenset(),
                     share: float = 1.0) -> bool:
    """Every word of what the question asks happened is in the sentence (or its note's title):
    "Brett paid the last $400 on Friday" in "Brett Kinney" answers "did Brett Kinney ever pay up?".
    Words in `said` may be said otherwise (an outcome's verb: "lost 12-10" for "did we win"), and an
    outcome needs only `share` of the rest ("Fui aprovado na prova escrita" in "Concurso" answers
    "passei na prova escrita do concurso para chefe?")."""
    have = set(terms(f"{sentence} {title}"))
    wanted = [t for t in query_terms(question) if not is_frame(t) and t not in HAPPENED_FRAME and t not in said]
    if share < 1 and any(not CJK.match(t) for t in wanted):
        wanted = [t for t in wanted if not CJK.match(t)]  # "后顺", "利过": seams between Chinese words, not subjects
    return bool(wanted) and sum(held(t, have) for t in wanted) >= math.ceil(share * len(wanted))


WHEN = re.compile(both_scripts(r"^\W*(?:so |and |e |pra |para |desde |até )?(?:when|quando|kailan|kelan|milloin)\b|^\W*(?:em )?que dia\b|"
                               r"什么时候|啥时候|几时|哪天|哪一天|咩时候"), I)
"""A question that asks when something happened ("when did Thomas come visit the farm?", "quando a
Fernanda me deu alta da terapia?", "Shu Fen 和我什么时候订婚的?"); not "o que o pai partiu quando
caiu?", whose quando is a conjunction, nor Cantonese 幾號 (a phone number)."""
OTHER_ASK = re.compile(both_scripts(r"\b(?:what|how|who|where|which|o qu[eê]|como|quem|onde|qual|quais|quanto|quanta|quantos|quantas)\b|"
                                    r"什么(?!时候)|怎么|谁|哪(?!一?天|一?年)|多少|几(?!时)"), I)
""""quando tenho uma conversa chata pela frente, o que é que acabo por fazer?" asks what I do, and
"quando foi a inspeção e o que eles apontaram?" two things: not when alone."""
TIME_ASKED = re.compile(both_scripts(r"(?:什么时候|啥时候|几时|哪一?天|咩时候|哪一?年|边一?年)(?:是|才|会|要)?"
                                     r"([\u4e00-\u9fff]{1,4})"))
AFTER_EVENT = re.compile(r"[的了呢吗嗎啊吧呀]")


def answers_event(question: str, sentence: str, about: set[str], text: str) -> bool:
    """When a thing happened is told by a sentence about that happening: its words (the visit
    and the farm of "when did Thomas come visit the farm?", 订婚 of "什么时候订婚的") in the sentence,
    its paragraph, its note's title or opening (`about` as terms, `text` as written). A dated note
    that names Thomas for something else is no answer."""
    zh = TIME_ASKED.search(simplified(question))
    if zh:
        event = AFTER_EVENT.split(zh.group(1))[0]
        return not event or any(event[i:i + 2] in text for i in range(max(len(event) - 1, 1)))
    given = set(names(question))
    event = [t for t in subject_of(question)
             if t not in given and t not in DECISION_VERBS and not t.isdigit() and not CJK.match(t)]
    if FIRST_DAY.search(question):  # "when was my first day at Brightwater?": "Start **2023-01-09**"
        event = [t for t in event if t not in FIRST_DAY_TERMS]
        if not (STARTED.search(sentence) or FIRST_DAY.search(sentence)):
            return False
    return all(held(t, about) or themes(t) & about for t in event)


FIRST_DAY = re.compile(both_scripts(r"\bfirst day\b|\bprimeiro dia\b|\bprimer d[ií]a\b|\bersten? tag\b|第一天"), I)
FIRST_DAY_TERMS = frozenset(terms("first day primeiro dia primer día ersten tag"))
STARTED = re.compile(both_scripts(r"\b(?:start(?:s|ed|ing)?|began|joined|comecei|começ\w*|entrei|empec[eé]|empez\w*|"
                                  r"angefangen)\b|入职|开始上班"), I)
"""A first day is a start: "when was my first day at Brightwater?" is told by "Start 2023-01-09"."""


ASKS_WHY = re.compile(both_scripts(r"\bwhy\b|\bpor ?qu[eê]\b|\bpq\b|为什么|为啥|干嘛|怎么会|点解|做咩"), I)
THING_EN = (
    re.compile(r"\bwho(?:'s| is| was| were) (?:(?:my|our|the|his|her|their) |[\w-]+['’]s )((?:[\w-]+ ?){1,3})", I),
    re.compile(r"\bwhat(?:'s| is| was| are| were) (?:(?:my|our|the|his|her|their) |[\w-]+['’]s )((?:[\w-]+ ){0,3}?)"
               r"(?:\w+ly )?(?:called|named)\b", I),
    re.compile(r"\bwhat (?!(?:is|was|are|were|did|do|does|had|has|have|i|we|he|she|they|it|the|my|about|if|for|kind|sort|"
               r"type|happened|made|makes|make)\b)([\w-]+) (?:is|was|are|were|did|do|does|had|has|have|am)\b", I),
    re.compile(r"\bhow (?:much|many) (?!(?:did|do|does|was|is|were|are|have|has|had|i|we|be|ah|lah|la|leh|lor|meh|"
               r"per|a|an|for|again|already|one|in|altogether|exactly|roughly)\b)([\w-]+)", I),  # "how much ah": a sum
    re.compile(r"\bwhat (colou?r|brand|model|make)\b", I),
    re.compile(r"\bwhat(?:'s| is| was) (?:the|my|our|his|her|their) ([\w-]+) (?:for|of|on|at|in|with|to)\b", I),  # one: not "my rules"
    re.compile(r"\bwhat (?:is|was|are|were) (?-i:[A-Z])[\w'’]* ([\w-]+ing)\b", I),  # "what is Marta studying?"
    re.compile(r"\bqual (?:(?:é|foi|era) )?(?:(?:o|a) )?(?!(?:é|foi|era|o|a|que|meu|minha|teu|tua|seu|sua|nosso|nossa)\b)"
               r"(\w+)", I),
    re.compile(r"(?<!é )\bque (?!(?:é|foi|era|eu|ele|ela|o|a|os|as|me|te|se|não|nao|horas?|dia|ano|mês)\b)(\w+) "
               r"(?:é|foi|era|o|a|eu|ele|ela|me|tomo|tomei|passou|usa|uso)\b", I),
)
"""How a question asks about one thing by its word: "who's Mum's knee surgeon?", "what course is
Tunde doing?", "how much bonus …", "qual remédio …", "what's the recipe for my glaze?", "what is
Marta studying?": the word is the one before a preposition."""
THING_ZH = re.compile(both_scripts(r"(?:啥|什么|咩|乜|哪一?[家个间所位款种辆条台部栋]|边[家间所位款种辆条台部栋]|多少|几多)[个粒只张件]?([\u4e00-\u9fff]{2,4})"))
THING_STOP = frozenset("in at up on for from of with to by about and or is was are were did do does has had have doing "
                       "going the a an my our his her their its this that now actually really exactly again back before "
                       "after altogether total overall".split())
NOT_A_THING = frozenset(stem(w) for w in terms(
    "thing things time times day days date year years month week hour one ones way kind sort type name number place "
    "people person guy stuff bit lot reason reasons point motivo razão razao causa nome número dia data ano vez coisa tempo"))
COUNTERS = "个個粒只隻张張件架台辆輛部套间間条條"
NOT_A_THING_ZH = ("来着", "原因", "理由", "时间", "时候", "意思", "事情", "东西", "地方", "名字", "号码", "样子", "情况", "感觉")


def asked_thing(question: str) -> str | None:
    """The word a one-fact question asks about, when it asks by a word (`THING_EN`, `THING_ZH`):
    "surgeon" in "who's Mum's knee surgeon up in Whangārei?", 颜色 in "宋PLUS是啥颜色的？". None
    for a name ("who is Jonas?"), a reason, a time or a plain "what did I …"."""
    for pattern in THING_EN:
        match = pattern.search(question)
        if not match:
            continue
        words = []
        for word in match.group(1).split():
            if word.lower() in THING_STOP:
                break
            words.append(word)
        words = [w for w in words if not w[:1].isupper()]  # "Tunde", "Paylane": a name, not the thing asked
        if words and (thing := stem(words[-1].lower())) not in NOT_A_THING and not is_frame(thing):
            return thing
    match = THING_ZH.search(re.sub(r"(咩|乜|啥|什么)色(?!彩)", r"\1颜色", simplified(question)))  # 咩色: what colour
    if match:
        thing = AFTER_NOUN.split(match.group(1))[0]
        counted = len(thing) == 2 and thing[0] in COUNTERS  # 幾多粒星: the stars
        thing = thing[1:] if counted else thing
        if (len(thing) >= 2 or counted) and not thing.startswith(NOT_A_THING_ZH):  # not 什麼推了我: a verb
            return thing
    return None


def thing_of(question: str) -> list[str]:
    """What the thing asked about belongs to, past its names: the climbing harness whose colour is
    asked, the knee of Mum's knee surgeon."""
    thing, given = asked_thing(question), set(names(question))
    return [t for t in subject_of(question)
            if t != thing and t not in given and t not in DECISION_VERBS and not t.isdigit() and not CJK.match(t)]


COLOUR_WORDS = frozenset({"colour", "color", "cor", "颜色"})
COLOUR = re.compile(both_scripts(
    r"\b(?:red|blue|green|black|white|gr[ae]y|silver|yellow|orange|purple|pink|brown|beige|navy|maroon|gold|golden|"
    r"teal|cream|bronze|burgundy|vermelh[oa]s?|azu(?:l|is)|verdes?|pret[oa]s?|branc[oa]s?|cinz(?:a|ento|enta)|prata|"
    r"prateado|amarel[oa]s?|laranja|rox[oa]s?|rosa|castanh[oa]s?|marrom|bege|dourad[oa]s?)\b|"
    r"[红蓝绿黑白灰银黄橙紫粉棕金]色|咖啡色|米色|酒红"), re.IGNORECASE)


def answers_thing(question: str, sentence: str) -> bool:
    """A sentence that speaks of the thing asked about (`asked_thing`), in its word, the other
    language's, or a word of its part of life: Mum's knee op is no answer to who her surgeon is."""
    thing = asked_thing(question)
    if thing in COLOUR_WORDS:
        return bool(COLOUR.search(sentence))  # "what colour is the Yaris?": "white", "白色", not the word "colour"
    if CJK.match(thing):
        text = simplified(sentence)
        return any(thing[i:i + 2] in text for i in range(max(len(thing) - 1, 1)))
    have = set(terms(sentence))
    return held(thing, have) or bool(themes(thing) & have)


WHICH_ZH = re.compile(both_scripts(r"(?:哪一?\s*[家个间所位款种辆条台部]|边\s*[家间所位款种辆条台部])\s*([\u4e00-\u9fff]{2,4})"))
""""住的哪家酒店？", "找的是哪家搬家公司？", "買咗邊間公司嘅保險？": the kind of thing whose name is asked
(up to 的, 了 …); Cantonese 邊間 is which, 邊個 is who."""
AFTER_NOUN = re.compile(r"[的了是在做住去呢吗嗎啊吧呀]")


def answers_which(question: str, sentence: str) -> bool:
    """"飛 Brisbane 的機票訂的是哪家航空？": a sentence that speaks of the airline (two characters of
    航空, or of 搬家公司: 搬家, 公司), not any sentence about the flight. A Chinese name has no capital
    to find, so the thing asked for is the most a sentence can be held to."""
    noun = AFTER_NOUN.split(simplified(WHICH_ZH.search(question).group(1)))[0]
    text = simplified(sentence)
    return any(noun[i:i + 2] in text for i in range(max(len(noun) - 1, 1)))


COUNT_ASK = re.compile(r"\b(?:how many|kitne) (\w+)|\bquant[oa]s (\w+)|(?:多少|幾多|几多|几|幾)(人|次|位|间|間|家|只|隻|张|張|条|條|台|辆|輛|件|本|场|場)", I)
CJK_COUNT = "[\\d一二两兩三四五六七八九十百千万萬]+\\s*"
"""In Chinese the count stands before its counter: "38人" answers "裁了多少人", "三次" "去了几次"."""
NUMBER = re.compile(r"\d+|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
                    r"fifty|hundred|dozen|um|uma|dois|duas|três|tres|quatro|cinco|seis|sete|oito|nove|dez|doze|vinte|"
                    r"trinta|cem|mil)$", I)


def answers_count(question: str, sentence: str) -> bool:
    """"How many guitars has Albano built?": a number beside the guitars ("12 guitarras", "guitars: 12"),
    not any number in his note. Asked in Chinese ("裁了多少人"), the count stands before its counter
    ("38人"); asked otherwise, a sentence in Chinese ("左手肘缝了六针") is not judged: its count is a
    character inside a word."""
    match = COUNT_ASK.search(question)
    if match.group(3):  # asked in Chinese: a number before the asked counter
        return bool(re.search(CJK_COUNT + re.escape(match.group(3)), sentence))
    if CJK.search(sentence):
        return True
    noun = stem(next(g for g in match.groups() if g))
    tokens = [stem(m.group(0)) for m in TOKEN.finditer(sentence)]
    at = [i for i, t in enumerate(tokens) if held(noun, {t}) or t in themes(noun)]
    numbers = [i for i, t in enumerate(tokens) if NUMBER.match(t)]
    return any(0 < a - n <= COUNT_BEFORE or 0 < n - a <= COUNT_AFTER for a in at for n in numbers)


COUNT_BEFORE, COUNT_AFTER = 3, 2  # "12 nylon guitars", "guitars built: 12"


WHICH = 9
"""NAME_ASK's groups from here ask "which clinic", "em que banco": alone, a name beside the clinic
answers; in "how many miles were on it, and from which dealer?" the dealer's name stands alone
("Lynnwood Subaru, $21,500 sticker") and the sentence is half of the answer."""


INTERROGATIVE = re.compile(both_scripts(r"\b(?:who|whom|whose|what|when|where|which|how|quem|quando|onde|qual|quais|quanto|quanta|"
                           r"quantos|quantas|como|qto|qta|qtos|qtas|qnto)\b|谁|什么|哪|多少|几|好多|怎么|多大|多久|多长|多远|"
                           r"何(?=[本人回個年日時月]|で|を|が|の|て|や)|なんぼ|いくら|どこ|いつ|だれ|誰|どれ|どんな|"
                           r"얼마|어디|언제|누구|뭐|무슨|몇|어떻게"), I)


def one_thing(question: str) -> bool:
    """The question asks for one thing: "who taught the course and how much did I pay?" asks two,
    and the sentence with the sum is half its answer."""
    return len(INTERROGATIVE.findall(question)) <= 1


TOWN_WORDS = frozenset(stem(w) for w in "city town cidade vila ciudad pueblo ville stadt città".split())
IN_TOWN = re.compile(r"\b(?:in|em|no|na|en|à|nach)\s+((?-i:[A-ZÀ-Ý])[\w-]+(?:\s(?-i:[A-ZÀ-Ý])[\w-]+)?)", I)
"""A town asked for is said as where someone is: "moram em Braga", "lives in Leeds"."""


def answers_name(question: str, sentence: str) -> bool:
    """"What's Graça's husband called?": a sentence with the husband (or his word in the other
    language, or his part of life: the physio is the fisioterapeuta) and, beside that word, a
    name the question does not already give ("o marido, o Rui"; "Bottle & Barrel, a shop"), not
    any name in the sentence ("vive em Aveiro com o marido" says where, not who)."""
    match = NAME_ASK.search(question)
    noun = stem(next(g for g in match.groups() if g))
    if noun in TOWN_WORDS:  # "a daiane tá em que cidade?": "moram em Braga" names the town, not the word
        given = set(names(question))
        return any(not set(terms(m.group(1))) <= given for m in IN_TOWN.finditer(sentence))
    tokens = [(m.start(), m.end(), stem(m.group(0))) for m in TOKEN.finditer(sentence)]
    at = [i for i, (_, _, t) in enumerate(tokens) if held(noun, {t}) or t in themes(noun)]
    if not at:
        return False
    given = set(names(question))
    for m in NAMED.finditer(sentence):
        if set(terms(m.group(0))) <= given | CALENDAR:
            continue  # a name the question gives, a capitalised "The", "Christmas cards"
        before = sentence[: m.start()]
        if OPENS.search(before) and not sentence[m.end():].startswith(",") and not labelled(before, noun):
            continue  # "Ex-marido. Casados de 2007 a 2021.": a sentence's first word ("Rui, her husband" is a name)
        first = next(i for i, (a, b, _) in enumerate(tokens) if b > m.start())
        last = max(i for i, (a, b, _) in enumerate(tokens) if a < m.end())
        if any(0 < first - i <= NAME_AFTER or 0 < i - last <= NAME_BEFORE for i in at):
            return True
    return False


ASKED_KIND = re.compile(
    r"\b(?:which|what|que|qual|quais)\s+(shops?|stores?|company|companies|firm|business|brand|dealers?|dealership|"
    r"garage|bank|clinic|hospital|restaurant|agency|place|street|town|lojas?|empresas?|firma|marca|stand|banco|"
    r"clínica|restaurante|agência|rua|sítio|cidade|bairro)\b", I)
"""A question asking for a name of a kind ("from which shop?", "em que empresa?"): the note answers with
the name ("Hup Seng Kitchen Equipment", "LuxAnalytica"), seldom with the kind's word."""


def asked_kinds(question: str) -> set[str]:
    """The kinds of name the question asks for, as terms: they rank notes, but a note need not hold
    them to be about the question (as frame words need not)."""
    return {t for m in ASKED_KIND.finditer(question) for t in terms(m.group(1))}


OPENS = re.compile(r"(?:^|[.!?:;]\s+)\W*$")
LABEL_END = re.compile(r"(\w+)\s*[:：]\s*\W*$")


NAME_AFTER, NAME_BEFORE = 4, 2  # tokens from the asked word to the name: "o marido, o Rui"; "Rui, her husband"


def labelled(before: str, noun: str) -> bool:
    """The name follows the asked word as its label: "CS: Dr Kate Ashworth" for "who was my CS?"."""
    label = LABEL_END.search(before)
    return bool(label) and held(noun, {stem(label.group(1))})


CALENDAR = frozenset(terms("monday tuesday wednesday thursday friday saturday sunday january february march april may "
                           "june july august september october november december christmas easter xmas natal páscoa "
                           "carnaval carnival halloween thanksgiving hanukkah diwali ramadan eid"))
"""Capitalised but no one's name: "in April" does not name what a sum is for, nor "Alasdair's
wife's Christmas cards" what she is called."""


COST_FRAME = frozenset(terms(
    "how much many pay pays paid paying paguei pago pagou pagar pagamos pagámos cost costs costed costing custa "
    "custou custar custaram charge charges charged charging cobra cobrou cobram spend spent gastei gasto gastou "
    "gastamos pagaba pagué pagamos cuesta cuestan costó costaba cobró cobraba gasté payé payer paie paye coûte coûté "
    "coûtait dépensé pagato pagavo pagare costava costato costata speso spendo pasta gente month monthly per "
    "ofrece ofrecía ofreció ofrecían ofrecieron oferece oferecia ofereceu offre offert offrait "
    "offriva offerto lana plata "
    "each week year mês mes semana ano again back originally total all in us "
    "end up still now new novo nova day days dia dias hour hourly hora 买 花 付 买的 花了 付了 租 月租 房租 租金 "
    "月額 月々 金額 値段 料金 代金 費用 가격 비용 금액"))
"""What asks for a cost, not what the cost is of: "how much is the insurance on the Honda?" is about
the insurance."""


ZH_WHAT_IS = re.compile(r"([\u4e00-\u9fff]{2,}?)(?:到底|究竟|大概|具体|一共|总共)?是多少")
"""A Chinese sum asked as "…的X是多少": X is the head of what is asked (期权行权价 is an exercise price)."""


def says_head(question: str, text: str) -> bool:
    """A Chinese "…X是多少" asks for X, the last word of its noun phrase (Chinese puts the head last):
    "青藤的期权行权价是多少？" is answered by the exercise price, not by "期权 … 12万股", and "房贷利率"
    by the mortgage's rate, not by "13% 左右" of a salary. Other questions: always True."""
    found = ZH_WHAT_IS.search(simplified(question))
    return not found or found.group(1)[-2:] in simplified(text)


def answers_cost(question: str, sentence: str, title: str, table: bool, paragraph: str = "", note: str = "",
                 date: str = "") -> bool:
    """"How much did Mudanças Ribeiro charge me?": a sum in a sentence (or a number in a table row:
    the "£" is in its header) that names everything the question names, or sits in their note.
    The paragraph does not count for a name: beside "Helen wants the receipts" a "£640" is another
    job's; but the note's opening paragraph does, for a sum in it ("Rational usado, de 2019. …
    6.800€.": what the note opens with is what it is about). What the cost is of ("the insurance on
    the Honda") must be in the sentence, its paragraph, or what the note is about (its title and first paragraph: Priya's note opens "My
    accountant since February"): the Honda's price is not its insurance, and a note that says
    "Insurance: still waiting on the quote" further down does not make it so. A year the question
    gives ("back in 2013") must be there too, or be the note's."""
    if not (SUM.search(sentence) or (table and re.search(r"\d", COUNTED.sub("", DATES.sub("", sentence)))
                                               and money_table(note, sentence, question))):
        return False  # "2024-11-25: + new lifelines, Lindiwe, —" is a row without a sum, "連上 6 天" too
    clause = cost_clause(question)
    given = names(question if REFERS_BACK.search(clause) else clause)
    wanted = {t for t in given if not t.isdigit()} - CALENDAR
    near = set(terms(sentence)) | set(terms(title))
    opening = set(terms(lead(note)))
    if paragraph and set(terms(paragraph)) <= opening:
        near |= opening  # the sum in the note's opening paragraph: "Rational usado, de 2019. … 6.800€."
    if not wanted <= near:
        return False
    around = near | set(terms(paragraph))
    years = [t for t in given if YEAR.fullmatch(t)]
    if any(y not in around and not date.startswith(y) for y in years):
        return False
    around |= opening
    frame = COST_FRAME if PAYING.search(question) else COST_FRAME | BUYING
    subject = [t for t in query_terms(cost_clause(question)) if t not in given and not is_frame(t) and t not in frame
               and not (CJK_WORD.match(t) and (t in COUNTERS or set(t) & COST_CHARS))]
    return not subject or any(held(t, around) for t in subject)


BUYING = frozenset(terms("buy bought buying comprei comprou compramos compré compró"))
"""The buying is how a cost is asked ("how much was the MacBook I bought?") unless another verb
asks it ("what did we pay for Lourens Road when we bought it?": then it is when, the purchase
price and not the sale's)."""
PAYING = re.compile(r"\b(?:pay|paid|cost|costs|spend|spent|charged?|pagu?[eo]i|pagamos|custou|gastei|pagu[eé]|cost[oó])\b", I)


TABLE = re.compile(r"(?:^[ \t]*\|.*(?:\n|$))+", re.M)
MONEY_WORDS = re.compile(both_scripts(rf"[{CURRENCY_SIGNS}]|\b(?:{CURRENCY_CODES}|{CURRENCY_NAMES})|"
                                       r"\b(?:cost|costs|price|amount|paid|total|fee|fees|rent|spent|spend|budget|"
                                       r"valor|preço|custo|pago|montante|renda|gasto|orçamento)\b|钱|錢|价|價|费|費|金额|金額"), I)


def money_table(note: str, row: str, question: str = "") -> bool:
    """A number in a table row is a sum when the table, or the paragraph that leads into it, speaks
    of money (a sign, a currency, a word such as cost or orçamento: "| futsal Davi | — | 120 |"
    below "Renda: salário líquido R$ 4.150"); not in a frost log's "| 14 Oct 2025 | -1.7 | 4.20am |"
    below "Fans set to start at +0.5°C". No note text given, or the row not found: any table."""
    if compared := COMPARED_ROW.match(row):  # "horário — Santa Amélia: 12x36; …" is no sum; "ESOP — …: 0.08%" is,
        # asked "how much ESOP…?"
        return bool(MONEY_WORDS.search(compared.group(1)) or set(terms(compared.group(1))) & set(terms(question)))
    first = re.split(r"[:|]", row, maxsplit=1)[0].strip()
    tables = [m for m in TABLE.finditer(note or "") if first and first in m.group(0)]
    return not tables or any(MONEY_WORDS.search(f"{lead_in(note, m.start())} {m.group(0)}") for m in tables)


COMPARED_ROW = re.compile(r"^([^|:—]{1,80}) — [^:;]{1,60}: [^;]*(?:; [^:;]{1,60}: [^;]*)+$")
"""A row of a table of options side by side, as `compose.table_row` writes it ("salário base — Santa
Amélia: R$ 4.900; Centro Oncológico: R$ 5.800"): its label says what its numbers are."""


def lead_in(text: str, at: int) -> str:
    """The paragraph just before position `at`."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text[:at]) if p.strip()]
    return paragraphs[-1] if paragraphs else ""


CJK_WORD = re.compile(r"[\u3400-\u9fff]")
COST_CHARS = frozenset("钱錢买買价價花付费費")
"""A Chinese pair with one of these asks the cost ("钱买" of "幾錢買"), and a counter ("架") names
nothing: neither is what the cost is of."""


def subject_of(part: str) -> list[str]:
    """What a part of a question is about, past how it asks: "quanto é que paguei" names nothing
    (any sum would do), "what's Kelvin's number" names Kelvin."""
    return [t for t in query_terms(part) if not is_frame(t) and t not in COST_FRAME and t not in ASKED_WORDS]


ASKED_WORDS = frozenset(terms("number phone cell mobile name called when date day time year who whom which what "
                              "número telefone telemóvel celular nome chama quando dia data ano quem qual 名前 이름 성함"))


REFERS_BACK = re.compile(both_scripts(r"\b(?:it|its|they|them|their|he|him|his|she|her|ele|ela|dele|dela|deles|delas|"
                                      r"isso|isto)\b|它|他|她"), I)
"""A part of a question that points to another: "… and how much did it cost?" costs the Miúda logo,
whose name is in the other part; "how much would the car cost me a month, and how do I get home to
Mysuru?" asks the car's cost alone, and its sum need not say Mysuru."""


def cost_clause(question: str) -> str:
    """The part of the question that asks the cost: in "How much did I pay for the Gaivota and who
    sold her to me?" the selling is another question; a part before it that asks nothing is what
    it asks the cost of ("For the Clio, how much did I pay?")."""
    cost = ASKS_BY_KIND["cost"].question
    parts = [part for part in CLAUSES.split(question) if part and part.strip()]
    at = next((i for i, part in enumerate(parts) if cost.search(part)), None)
    if at is None:
        return question
    if at and not INTERROGATIVE.search(parts[at - 1]):  # "2023 walk-in 雪櫃壞咗，最後修咗幾錢？": the topic, then the ask
        return f"{parts[at - 1]} {parts[at]}"
    return parts[at]


DATES = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")
COUNTED = re.compile(both_scripts(r"\d+\s*(?:天|日|次|个|人|晚|小时|分钟|周|km|kg|days?|nights?|hours?|hrs?|mins?|"
                                 r"minutes|times|dias|horas|vezes|noites)(?!\w)"), I)
"""A number of days, times or people in a table row: no sum."""
CLAUSES = re.compile(r"\s(?:and|e)\s|[,;，；？?、]", I)


def lead(body: str) -> str:
    """A note's first paragraph of text, past its headings: what the note says it is about."""
    for block in re.split(r"\n\s*\n", body):
        text = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("#")).strip()
        if text and text != "---":
            return text
    return ""


def answers(ask: Ask, question: str, sentence: str, title: str, paragraph: str = "", table: bool = False,
            date: str = "", note: str = "") -> bool:
    """`sentence` (of the note titled `title`) has the asked shape and is about whom or what the
    question names: it or its paragraph names them ("The Breakwater swim, yesterday. … I finished
    14th of 80."), or it sits in their note ("Anos: 9 de novembro" in "Beatriz")."""
    if (year := asked_year(ask, question)) and year not in f"{title} {paragraph} {sentence}" and not date.startswith(year):
        return False  # "quanto deu o IPTU da kitnet em 2026?": "IPTU 2025: R$ 655" is last year's
    if ask.kind in ("cost", "rate", "earnings") and not says_head(question, f"{title} {paragraph} {sentence}"):
        return False
    if ask.kind == "cost":
        return answers_cost(question, sentence, title, table, paragraph, note, date)
    if ask.kind == "happened":
        return answers_happened(question, sentence, title)
    if ask.kind == "outcome" and not answers_happened(question, f"{sentence} {paragraph}", title, OUTCOME_VERBS,
                                                      OUTCOME_SHARE):
        return False  # "did the U15s win the cup final at the Arms Park?": not "Rumney, H, W 27-10" of another game
    if ask.kind in ("name", "count", "which", "thing"):
        if not {"name": answers_name, "count": answers_count, "which": answers_which,
                "thing": answers_thing}[ask.kind](question, sentence):
            return False
    elif ask.kind == "work" and WHERE_WORK.search(question):
        if not WORKS_AT.search(sentence):
            return False  # "老周现在在哪上班": "现在在深言科技做多模态", not "老周说我现在比他上班还像上班"
    elif ask.kind == "earnings" and HOURLY.search(question):
        if not (ask.shapes[0].search(sentence) and HOURLY.search(sentence)):
            return False  # "how much per hour?": "RM 35/hr", which says no "paid"
    elif not all(shape.search(sentence) for shape in ask.shapes):
        return False
    wanted = {t for t in names(question) if not t.isdigit()}
    if ask.kind == "earnings":  # "Salário em euro. €3.200" beside "mais do que hoje na Conecta" is the new job's
        paragraph = ""
    near = set(terms(f"{sentence} {paragraph}")) | set(terms(title))
    if ask.kind == "thing" and (rest := thing_of(question)):
        about = near | set(terms(lead(note)))  # the knee of "Mum's knee surgeon" may be what her note opens with
        if asked_thing(question) in COLOUR_WORDS:  # a colour is the thing's in its own sentence: "ref in the green
            about = set(terms(f"{title} {sentence}"))  # folder" is not the bike's, two items down a to-do list
        if not all(held(t, about) or themes(t) & about for t in rest):
            return False  # "What colour is my climbing harness?": not two colours of a plot beside a test harness
    if ask.kind in ("when", "year") and not answers_event(question, sentence, near | set(terms(lead(note))),
                                                           simplified(f"{title} {paragraph} {sentence} {lead(note)}")):
        # a year beside every name the question gives tells it in any words: "O Rui mudou-se para
        # Lisboa em 2019" answers "em que ano é que o Rui foi viver para Lisboa?"
        if ask.kind == "when" or not wanted or not wanted <= set(terms(sentence)):
            return False
    whose = possessor(ask, question)
    if whose and not any(w in simplified(f"{title} {paragraph} {sentence}") for w in whose):
        return False
    if ask.kind == "surname" and not has_surname(question, f"{title}. {sentence}"):
        return False  # "whats shauna's last name": "Shauna (physio) Tues + Fri" gives none; a note titled "Marty Boggs" does
    if ask.kind == "called" and (who := called_who(question)) and who not in simplified(f"{title} {paragraph} {sentence}"):
        return False  # "阿静老公叫啥名字": a name beside her husband (or in his note), not "大家都叫她小周" in another note
    if ask.kind == "age" and (whose_age := AGE_OF.search(question)) and not held(stem(whose_age.group(1)), near):
        return False  # "how old was dora when i got her": not "an 80 year old man" in a note on the land
    if (owner := owner_named(question)) and not any(held(t, near) for t in owner):
        return False  # "when's macca's birthday" (typed in lower case): "Mum's birthday 9 July" is Mum's
    return not wanted or bool(wanted & near)


def shaped(ask: Ask, sentence: str) -> bool:
    """The sentence has the asked fact's shape (a phone number, a birthday), whoever's it is."""
    return bool(ask.shapes) and all(shape.search(sentence) for shape in ask.shapes)


def asked_year(ask: Ask, question: str) -> str:
    """The year a question pins its fact to ("o IPTU … em 2026", "what did I earn in 2024?"), when the
    year is not what it asks (when, which year, an age or a birthday)."""
    if ask.kind in ("when", "year", "birthday", "age", "happened"):
        return ""
    found = YEAR.findall(question)
    return found[0] if len(found) == 1 else ""


WHERE_WORK = re.compile(both_scripts(r"\bwhere (?:does|did|do) (?!I\b|we\b)\w+ work\b|\bonde (?:é que )?(?:o|a) \w+ trabalha|"
                                     r"在哪(?:里|儿)?(?:上班|工作)|在什么(?:公司|地方)(?:上班|工作)|喺边(?:度)?(?:返工|做)"), I)
WORKS_AT = re.compile(both_scripts(r"\bworks? (?:at|for|in)\b|\bworked (?:at|for)\b|\bjob (?:at|with)\b|"
                                   r"\btrabalha(?:va)? (?:n[oa]s?|em|para|pra)\b|(?<![现正还实存好])在[\u4e00-\u9fffA-Za-z ]{2,24}?(?:做|当|上班|工作)|"
                                   r"喺[^，。,.]{2,24}?(?:返工|做|打工)|\b\w+(?:er|or|ist|ian|nurse|chef|eir[oa]|ista|ora)s? "
                                   r"(?:at|for|with|no|na|em) (?:the )?(?-i:[A-ZÀ-Ý])"), I)
"""Where someone works, asked and told: a sentence that places the work ("works at the Lang Rig",
"在深言科技做多模态"), not any sentence with work in it."""
HOURLY = re.compile(both_scripts(r"\b(?:per hour|an hour|hourly|à hora|por hora)\b|/\s?(?:hr|hour|h|hora)\b|时薪|每小时"), I)
"""Pay by the hour, asked or told: "Mr Khoo pay me how much per hour?", "RM 35/hr"."""


FULL_NAME = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ'’]+ (?:(?:de|da|do|dos|das|van|von) )?[A-ZÀ-Ý][a-zà-ÿ'’]+|姓[\u4e00-\u9fff]")


def has_surname(question: str, text: str) -> bool:
    """The text gives the asked person's name with one more after it ("Shauna Byrne", "Tom Ferreira"),
    or, when the question names no one, any full name (or 姓 and its character)."""
    who = owner_named(question) or [t for t in names(question) if not t.isdigit()]
    if not who:
        return bool(FULL_NAME.search(text))
    return any(re.search(rf"(?i:\b{re.escape(w)}\w*) (?:(?:de|da|do|dos|das|van|von) )?[A-ZÀ-Ý]", text) for w in who)


CALLED_WHO = re.compile(r"([\u3400-\u9fff]{2,}?)(?:叫|名字)")


def called_who(question: str) -> str:
    """Who a Chinese question asks the name of, in the two characters right before 叫: 老公 in
    "阿静老公叫啥名字", 猫 in "那只猫叫什么" (a counter before it is not the thing)."""
    match = CALLED_WHO.search(simplified(question))
    if not match:
        return ""
    who = match.group(1).rstrip("的嘅")
    return who[-1:] if len(who) >= 2 and who[-2] in COUNTERS else who[-2:]


OWNER = re.compile(r"\b([^\W\d_]{2,})['’]s\b")
NOT_OWNER = frozenset("what when where who how why it that there here he she let whats whens year years month week "
                      "today yesterday tomorrow tonight day night weekend morning evening season".split())
"""Possessives that are no one's: "when's", "it's", "last year's bonus", "tonight's plan"."""


AGE_OF = re.compile(r"\bhow old (?:is|was|were|will|'s) (?:my |our )?"
                    r"(?!(?:I|i|you|he|she|it|they|we|the|that|this)\b)(\w+)", I)
"""Whose age a question asks, typed in any case ("how old was dora"): `names` finds no name in lower case."""


def owner_named(question: str) -> list[str]:
    """Whose fact an English question asks for, by its possessive, in any case: "when's macca's
    birthday" asks Macca's (a name typed in lower case is no name to `names`); not "when's"."""
    return [t for word in OWNER.findall(question) if word.lower() not in NOT_OWNER for t in terms(word)]


def possessor(ask: Ask, question: str) -> list[str]:
    """Whose fact a Chinese question asks for, in the words before it: "王阿姨的手机号是多少？" asks for
    王阿姨's number, and the phone on Mia's note is no answer (a Chinese name has no capital to find);
    "我爸是做什么工作的？" asks about 爸 (written 爸爸 or 老爸), and 妈妈's work is no answer."""
    match = ask.question.search(question)
    owner = POSSESSIVE.search(question[:match.start()]) if match else None
    if owner is None and match and ask.kind in OWNED_FACTS:  # "晓晓生日是几月几号": 晓晓's, with no 的
        owner = BARE_OWNER.search(question[:match.start()])
    if owner is None:
        return []
    who = simplified(owner.group(1)).removeprefix("我的").removeprefix("我")
    if len(who) == 2 and who[-1] in KIN_ZH:  # 老爸, 爸爸: written 爸爸 or 老爸 in the notes
        who = who[-1]
    return [who[i:i + 2] for i in range(len(who) - 1)] or [who] if who else []


POSSESSIVE = re.compile(r"([\u3400-\u9fff]+)\s*[的嘅是係]\s*$")
""""王阿姨的", "我爸是" right before what is asked: whose it is."""
BARE_OWNER = re.compile(r"(?<![\u3400-\u9fff])([\u3400-\u9fff]{2,3})\s*$")
"""A name standing alone right before a person's fact: 晓晓 in "晓晓生日是几月几号"."""
OWNED_FACTS = ("birthday", "age", "phone")
KIN_ZH = "爸妈爷奶婆公哥姐弟妹叔姨舅"

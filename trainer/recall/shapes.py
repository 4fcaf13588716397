"""Pattern questions whose evidence has a plain shape, whatever words the question uses.

"What time of day do my big calls get made?" (`hours`), "do my budgets ever hold?" (`budgets`),
"how do I sleep before a deadline?", "can I say no when someone asks a favour?", "what do I do
when we fall out?", "where do I go when a day goes badly?", "what do I keep putting off?", "how
does Mum find out about my decisions?": the evidence is scattered over notes about other things
and shares few words with the question, but each piece has a shape a sentence shows: an hour
beside an act, a sum planned against one spent, a night's sleep or the body acting up, a yes to
someone's ask, what I did after a row, where I went, a thing put off, someone told late. A shape
says how a question asks for it and what a sentence holding it looks like; `shaped_notes` finds
the notes that hold it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from trainer.recall import budgets, hours
from trainer.recall.decisions import ECHO_RETRACTS, NOT_FOR, NOT_WHY, REAL_REASON, is_decision_note
from trainer.recall.terms import both_scripts
from trainer.vault.index import Index
from trainer.vault.note import Note

I = re.IGNORECASE
SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|\n+")
SHAPED_NOTES = 12  # as many as a pattern answer looks at (answer.PATTERN_SOURCES)


@dataclass(frozen=True)
class Shape:
    via: str  # how a source was found, as Source.via says it
    asks: re.Pattern  # how a pattern question asks for it
    holds: Callable[[str, str], bool]  # (sentence, the sentence before): it shows the shape
    note_holds: Callable[[Note], bool] | None = None  # the whole note shows it, whatever its sentences say
    row_holds: Callable[[str], bool] | None = None  # a table row shows it: its header says what the cells are
    reach: int = 1  # 1: `holds` reads the sentence before; more: that many sentences either side


def around(texts: list[str], i: int, reach: int) -> str:
    """What `Shape.holds` reads beside sentence `i`: the sentence before, or with a longer reach the
    sentences either side ("Hidroginástica: acabou." three sentences before "Doze semanas.")."""
    if reach == 1:
        return texts[i - 1] if i else ""
    return " ".join(texts[max(0, i - reach):i] + texts[i + 1:i + 1 + reach])


def around_in(body: str, sentence: str, reach: int) -> str:
    """`around` a quoted sentence, read in its note's body: the sentences either side there, the
    short ones no answer quotes ("Hidroginástica: acabou.") included."""
    parts = SENTENCE.split(body)
    start = SENTENCE.split(sentence.strip())[0][:24]
    i = next((k for k, part in enumerate(parts) if start in part), None)
    return "" if i is None else around(parts, i, reach)


STRAIN_ASKS = re.compile(both_scripts(
    r"\b(?:sleep\w*|slept|nights?|insomnia|body|physical(?:ly)?|health|tired|wrecked|sono|dormi\w*|noites?|insóni\w*|insôni\w*|"
    r"corpo|saúde|cansad[oa]|durm\w*)\b|睡|瞓|失眠|身体|健康|熬夜"), I)
SLEPT = re.compile(both_scripts(
    r"\b(?:slept|sleep(?:ing)? (?:badly|terribly|\d)|(?:didn'?t|couldn'?t|can'?t|barely|hardly) sleep|no sleep|lay awake|"
    r"(?:awake|up) (?:at|until|till) \d\w*|awake (?:at|until|till)|woke (?:up )?(?:at|every)|in bed (?:at|by) \d\w*|"
    r"insomnia|(?:\d+|one|two|three|four|five|six|a couple of|an?) hours?'? (?:of )?(?:sleep|kip)|\bkip|all-nighter|"
    r"dormi|não dormi|mal dormid[oa]|acordei|acordada|acordado|insóni\w*|"
    r"insôni\w*|noite em claro|virei a noite|headaches?|migraines?|rash|eczema|hives|cold sores?|stomach|threw up|"
    r"vomit\w*|jaw|grinding|back went|neck|flare\w*|dor de cabeça|enxaquecas?|dor de estômago|vomitei|gastrite|"
    r"herpes|alergia|taquicardia|palpitaç\w+|crise de ansiedade|kipped|awake (?:from|since) \d\w*|up since \d{1,2}(?::\d\d)?\s?(?:am|pm|a\.m\.)|"
    r"\d+(?:[.,]\d+)?(?:\s?-\s?\d+)?\s?(?:h|hrs?|hours?)(?:\d\d)? (?:of sleep|a night|sleep|nights?|de sono)|"
    r"dormindo (?:umas? |só )?\d\w*|não preguei o olho|olho arregalado|cabeça (?:a )?latej\w+|dor (?:atrás|de cabeça|no|na)|"
    r"dizzy|blood pressure|tontura|reflux|heartburn|ulcers?|melatonin|"
    r"azia|refluxo|omeprazol|estômago|(?:a )?acordar às|acordo às|durmo às)\b|"
    r"没睡|睡不着|睡不著|失眠|只睡|才睡|(?<!提)醒(?!目)|瞓|胃|眼光光|睁眼到天亮|没合眼|睡满|整觉|熬夜|通宵|头疼|头痛|偏头痛|头晕|吐了|湿疹|"
    r"过敏|口腔溃疡|长痘|心悸|心咚咚|拉肚子|血压|急诊"), I)
"""A night's sleep or the body acting up, as a diary says it: "slept four hours", "awake at 3",
"não dormi", "只睡了三个小时", "migraine", "eczema flared", "胃疼"."""

ILL = re.compile(both_scripts(
    r"\b(?:I|I'?m|I'?ve|my|me|eu|tô|to|estou|estava|fiquei|apanhei|peguei)\b(?:\W+\w+){0,3}?\W+"
    r"(?:a cold|the flu|fever|febre|gripe|constipad[oa])\b|我[^，。！？,.!?]{0,3}(?:发烧|感冒)"), I)
"""A fever or a cold of mine, said within a few words of me: "fiquei com febre", "I had a fever",
"我发烧了"; not "… se eu ficava com o sábado dela porque o Theo tá com febre"."""


OVERRUN_ASKS = re.compile(both_scripts(
    r"\b(?:run(?:s|ning)? (?:late|over)|overrun\w*|slip(?:s|ped|ping)?|delay(?:s|ed)?|behind schedule|take longer|"
    r"estour\w*|atras(?:a|am|o|ei|ou)|demor\w+ mais|tardar|tardo|retras\w*|zeitpl[aä]n\w*|verzöger\w*)\b|"
    r"时间表|进度|工期|排期|延期|拖期"), I)
"""Whether my schedules hold: "meus prazos de job sempre estouram? quanto?", "我的时间表是不是每次都会 delay?"."""
DURATION = re.compile(both_scripts(r"\d+(?:[.,]\d+)?\s?(?:days?|weeks?|wks?|months?|dias|días|semanas|meses|Tagen?|"
                                   r"Wochen|Woche|Monaten?|Monat)\b|"
                                   r"\d+(?:[.,]\d+)?\s?(?:天|周|個月|个月|星期)"), I)
PROMISED = re.compile(both_scripts(r"\b(?:plan(?:ned)?|target|promised|told (?:them|him|her|the client)|estimated|"
                                   r"falei|prometi|combinei|previst[oa]s?|planead[oa]|planejad[oa]|prazo)\b|计划|原计划|预计|说好|答应"), I)
TOOK = re.compile(both_scripts(r"\b(?:took|taking|total|actual(?:ly)?|ended up|levou|levei|demorou|demorei|virou|foram|"
                               r"tô no dia|estou no dia|real)\b|实际|用了|花了|拖到|推到"), I)


def overran(sentence: str, before: str = "") -> bool:
    """A time planned against the time taken: "EVT close. 14 weeks total (plan 6 lol)", "eu falei 6
    dias, foram 11", "30 dias virou 52"; a table row of two durations ("| 15 dias | 26 dias |")."""
    found = len(DURATION.findall(sentence))
    figures = len(re.findall(r"(?<![\d/-])(?!(?:19|20)\d\d\b)\d+(?![\d/-])", sentence))
    return found >= 2 or found == 1 and bool(PROMISED.search(sentence) and TOOK.search(f"{before} {sentence}")
                                             or TOOK.search(sentence) and figures >= 2
                                             or re.search(r"\(plan \d|\bplan:? \d", sentence, I))


def two_durations(row: str) -> bool:
    return len(DURATION.findall(row)) >= 2


def strained(sentence: str, before: str = "") -> bool:
    return bool(SLEPT.search(sentence) or ILL.search(sentence))


FAVOUR_ASKS = re.compile(both_scripts(
    r"^(?!.*(?:\b(?:me ajud\w*|ajudar-me|ask(?:ing)? (?!me\b)(?:\w+ ){0,3}for help|pedir ajuda|peço ajuda|help me)\b|帮我|求助))"
    r".*?(?:\b(?:favou?rs?|help(?:ing)?|say no|saying no|turn(?:ing)? (?:\w+ )?down|knock(?:ing)? back|cover\w*|push extra|ask(?:s|ed)? me|"
    r"refus\w*|tell(?:ing)? (?:\w+ )?no|pushover|volunteer\w*|pick(?:s|ing|ed)? up (?:\w+ ){0,2}(?:shifts?|slack|stuff|work)|"
    r"pedem|pede|pedir|ajud\w*|favor(?:es)?|recus\w*|dizer (?:que )?não|cobrir)\b|帮忙|帮手|帮人|帮别人|帮完|搵我|拒绝|答应|开口|找我)"), I)
SAID_YES = re.compile(both_scripts(
    r"\b(?:said yes|say yes|agreed to|of course I|couldn'?t say no|didn'?t say no|can'?t say no|volunteered|offered to|"
    r"I'?ll do it|happy to help|covered (?:for|his|her|their)|took (?:it|them|her shift|his shift) on|"
    r"told (?:him|her|them) sure|said sure|(?:said )?no problem|I offered|covering (?:for|\w+['’]s)|"
    r"asked (?:if|whether) I(?:'d| could| would)|asked me to|wanted me to|"
    r"disse que sim|claro que sim|não consegui dizer (?:que )?não|lá fui eu|aceitei|fiquei de|me ofereci|ofereci-me|cobri|"
    r"falei [\"“]?claro|me voluntariei|voluntariei-me|pediu (?:pra|para|que) eu|pediu-me|me pediu|ligou (?:a )?pedir|"
    r"ligou pedindo|emprestei|hand went up|put my name down|signed (?:myself )?up|picked up (?:an? |the |two |\w+['’]s )?"
    r"(?:extra )?(?:shifts?|slack)|took (?:on )?(?:an? )?extra|extra shifts?|lent (?:him|her|them)|for nothing|for free|"
    r"levantei a mão|peguei (?:o |os |mais |um |uns )?(?:plantão|plantões|turnos?|sábados?)|de graça|a preço de custo|sem cobrar)\b|"
    r"答应|应承|帮了|帮他|帮她|帮忙|没好意思拒绝|不好意思拒绝|没好意思|顶班|替班|替他|替她|我来|没问题|问我能不能|找我帮|"
    r"拜托我|举手|免费|唔使钱|白帮|零收入|借给"), I)
"""A yes to someone's ask, as a diary says it: "said yes on the spot", "of course I covered",
"disse que sim", "lá fui eu", "答应了", "没好意思拒绝"."""


CONFLICT_ASKS = re.compile(both_scripts(
    r"\b(?:ticks? me off|fall(?:s|en)? out|fell out|fight\w*|argu\w+|rows?|have it out|had words|annoy\w*|angry|out of line|"
    r"blowup|blow-up|conflicts?|friction|tension|disput\w*|"
    r"chate(?:io|ad[oa]|ia)|discord\w*|brig\w+|discuss\w+|zang\w*|irrit\w+|pisa no meu calo|disagree\w*|clash\w*)\b|"
    r"闹了?别扭|吵|冲突|矛盾|意见不一样|生气|冷战|不爽|惹"), I)
REACTED = re.compile(both_scripts(
    r"\b(?:went quiet|silent treatment|didn'?t speak|stopped talking|not talking|slammed|stormed|walked out|apologi[sz]ed|"
    r"said sorry|made up|cooled off|blew up|snapped|shouted|yelled|sulked|went for a (?:walk|drive|run)|drove|"
    r"fiquei calad[oa]|não falei|não lhe falei|bati a porta|pedi desculpa|fizemos as pazes|explodi|gritei|respondi torto|"
    r"saí de casa|fui dar uma volta|engoli|"
    r"drafted|drafts?|deleted (?:it|the \w+)|didn'?t send|never sent|(?:long|\w+-(?:page|paragraph)) (?:text|message|email|letter)|"
    r"said nothing|didn'?t say (?:anything|a word)|never said|kept quiet|bit my tongue|nodded along|ate it|"
    r"apaguei|não (?:enviei|mandei|respondi|disse nada|falei nada)|rascunhos?|fiquei mud[oa]|dias? calad[oa]|sumi|sumo|"
    r"emburr\w+|(?:mensagem|whatsapp|email|áudio) (?:enorme|de \w+ (?:páginas|minutos))|nunca lhe disse)\b|"
    r"冷战|不说话|不理|摔门|道歉|和好|发火|憋|忍着|吼|出去走|没吭声|草稿|删了|没发|没寄|不发|没回|没还嘴|没回嘴|闭嘴|一个字(?:都)?没"), I)
"""What I did when it went wrong between us, as a diary says it: "went quiet for two days",
"bati a porta", "pedi desculpa", "冷战", "憋着"."""

COPING_ASKS = re.compile(both_scripts(
    r"\b(?:where do I (?:end up )?go|go off to|end up going|clear my head|knocks? me sideways|shakes? me up|weighing on me|"
    r"goes badly|going badly|bad day|rough day|hard day|getting me down|bad news|onde (?:é que )?(?:eu )?(?:vou|acabo)|vou parar|"
    r"corre mal|é uma bosta|ça va mal|má notícia|sufoc\w*|go where|where (?:do )?I (?:always |usually )?go after|"
    r"on top of me|overwhelm\w*|stressed|stressful|(?:bad|rough|tough|hard|long|awful|terrible|horrible|crap|shit) "
    r"(?:shift|week|night)|cope|coping|(?:mies|schlecht|beschissen) läuft|"
    r"me aguentar|ocorrência pesada|me angustia|(?:pasa|hay) algo feo|"
    r"(?:dia|semana|turno|plantão) (?:mau|má|ruim|péssim[oa]|pesad[oa])|"
    r"(?:depois|a seguir) (?:de|a) (?:uma |um )?(?:discussão|perda|notícia))\b|"
    r"\bafter (?:a |the |my |every |each )?(?:big )?(?:decision|call)s?\b[^?]*\bgo\b|\bdepois de (?:uma )?decis\w+[^?]*\b(?:vou|ir)\b|"
    r"很糟|糟糕|被否|心烦|烦的时候|压力大|心情(?:差|不好|烂)|转头去|平下来|决定(?:之后|以后|完)[^？?]*去(?:哪|哪里|哪儿)|受挫|出事|难过|不开心|"
    r"惨的事|(?:遇到|碰到)[^？?]{0,10}事(?:之后|以后|后)|"
    r"\b(?:canım sıkıl\w*|stres\w*|bunal\w*|moralim boz\w*|nerw\w*|zdenerwowan\w*|căng thẳng|tension|pareshan\w*)(?!\w)"), I)
WENT = re.compile(both_scripts(
    r"\b(?:went (?:straight |right )?(?:for a|to|down|up|out)|walked (?:straight |right )?(?:to|down|up|along|round)|"
    r"drove (?:straight |right )?(?:to|out|the|round|around)|"
    r"ended up (?:at|in|on|by)|headed (?:to|down|out)|sat (?:on|by|at) the|(?:a|the) long walk|went running|"
    r"fui (?:até|para|ao|à|a|dar|correr|caminhar)|desci (?:até|para|a)|subi (?:até|ao|a)|andei|caminhei|"
    r"acabei (?:em|no|na|por)|sentei-me|comprei|encomendei|"
    r"bought|ordered|booked|splurged|treated myself|drive-thru|takeaway|takeout|pedi (?:um|uma|uns|umas|comida)|reservei|"
    r"gekauft|bestellt|compré|me compré|yürüdüm|yurudum|çıktım|ciktim|gittim|indim|"
    r"poszed[lł]em|wyszed[lł]em|pojecha[lł]em|upiek[lł]em|đi bộ)(?!\w)|"
    r"去了|走到|走去|开车去|跑步|散步|跑去|买了|买咗|下单|点外卖|点了外卖|订了|剁手"), I)
"""Where I went or what I did to get through it: "walked down to the river at Santos", "fui até
ao Molhe", "开车去江边", "comprei um teclado"."""


CONSULT_ASKS = re.compile(both_scripts(
    r"^(?=.*\b(?:who|whom|quem|qui|chi|qui[eé]n|wen|wer|sino|kinsa|nani|komu|kogo|kisko|kise|kisse|kenen|kuka|kenelle|"
    r"keneltä)\b)(?=.*(?:\bdecid|\bdecis|\bbig\b|\bbad[aie]\b|\biso(?:t|ja|ista)?\b|\bpäätö|"
    r"\bgrandes?\b|\bimportan|\bdécid|\bdécis|\bhésite|\bgross[oa]?\b|\bentscheid|\bwichtig|\bkubwa\b|\bkuamua\b|"
    r"\bmalalaki|\bpostanow|\bdecyzj))"
    r"(?=.*\b(?:first|always|usually|normally|tend|primeir[oa]|sempre|costumo|normalmente|go to|ring|call|ask|talk|"
    r"consult\w*|check\w*|procuro|ligo|falo|premier|toujours|avis|demande|appelle|prima|parlo|chiedo|chiamo|"
    r"primero|siempre|pregunto|llamo|platic\w*|antes que|zuerst|immer|frage|ruf\w*|anruf\w*|bevor|"
    r"una(?:ng| kong?)|kwanza|najpierw|pierwsz\w*|pirmi|pehl[aei]|sabse pehle|ensin|ekana|ensimmäisenä|ensimmäiseksi)\b)|"
    r"^(?=.*\b(?:kime|kim)\b)(?=.*\b(?:karar|büyük)\w*)(?=.*\b(?:ilk|önce|genelde|hep|danış\w*|sor\w*)\b)|"  # Turkish
    r"^(?=.*\bai\b)(?=.*(?:chuyện lớn|việc lớn|quyết|quan trọng))(?=.*(?:đầu tiên|trước|\bhay\b|thường))|"  # Vietnamese
    r"^(?=.*(?:谁|边个(?!时间|钟|日|月|年)|边位|哪个(?=商量|说|讲|聊|倾)))(?=.*(?:大事|决定|拍板))(?=.*(?:第一|先|一般|通常|都))|"
    r"(?:先|都)(?:找|问)同一个人|"
    r"^(?=.*누구)(?=.*(?:결정|큰 일|고민))(?=.*(?:먼저|제일|보통|항상))|"  # Korean: "큰 결정할 때 나 누구한테 제일 먼저 물어봄?"
    r"^(?=.*誰)(?=.*(?:決め|大事|大きい))(?=.*(?:一番|最初|まず|いつも|いっつも))|"  # Japanese: "いっつも誰に一番に相談してる？"
    r"^(?=.*\bwho\b)(?=.*\b(?:run (?:\w+ )?(?:by|past)|(?:ring|call|tell|ask|text|go to)(?: \w+)? first)\b)"), I | re.DOTALL)
"""Who I go to when deciding: "who do I always ring first when I'm deciding something?", "quem é
que eu vou sempre consultar antes de decidir?", "遇到大事我一般第一个找谁聊？"."""
NAME = r"(?-i:[A-ZÀ-ÝĐŁŚŻŹÇŞİÖÜ][a-zà-ÿ\u0100-\u024f\u1e00-\u1eff]+|[A-Z]{2,3}\b)"
KIN = (r"\b(?:tio|tia|mãe|pai|avó|avô|irmão|irmã|mum|mom|mam|dad|sister|brother|uncle|aunt|auntie|gran|granny|"
       r"nan|nana|ma sœur|mon frère|maman|papa|babbo|mamma|papà|sorella|fratello|mamá|papá|hermana|hermano)\b")
"""Whom I ring first may be a relation, not a name: "Primeiro liguei ao tio", "Rang my sister"."""
WHO = rf"(?:{NAME}|{KIN})"
CONSULTED = re.compile(both_scripts(
    r"\b(?:rang|ring|called|phoned|texted|messaged|whatsapp(?:ed|'d)|asked|told|talked (?:to|it over with)|"
    r"spoke (?:to|with)|ran (?:it|this) (?:by|past)|checked with|"
    r"liguei|perguntei|contei|mandei|conversei|falei com|telefonei|consultei|"
    r"appelé|téléphoné|demandé|parlé|raconté|chiamato|telefonato|chiesto|parlato|detto|"
    r"llamé|pregunté|hablé con|conté|escribí|marqué|mandé|angerufen|gefragt|erzählt|"
    r"soitin|kysyin|kerroin|puhuin|juttelin|viestitin|zadzwoni[lł]em|zapyta[lł]em|spyta[lł]em|powiedzia[lł]em|"
    r"pogada[lł]em|poradzi[lł]em si[eę]|najpierw do|gọi(?: điện)?(?: cho)?|hỏi(?: ý)?|nhắn(?: tin)?(?: cho)?|kể(?: cho| với)?|"
    r"nói với|bàn với|qua phòng)\b(?:\W+\w+){0,4}?\W+" + WHO +
    r"|\b" + NAME + r"(?:['’]?(?:y?[ae]|y?le|y?la))?(?: (?:abi|abla|hoca|bey|hanım)(?:\w*))?\s(?:\w+\s){0,2}?"
    r"(?:sordum|danıştım|gösterdim|söyledim|konuştum|anlattım|aradım)\b"  # Turkish: "Cemal abiye sordum"
    r"|\b(?:" + NAME + r"(?: di| didi| bhaiya| bhai)?|di|didi|bhaiya|bhai|mummy|papa) ko (?:(?!nahi\b|mat\b)\w+ ){0,2}?"
    r"(?:call|phone|bataya|pucha|poocha|msg|message|sabse pehle|pehla call)\b"  # Hinglish: "Neha di ko call kiya"
    r"|\b(?:sabse pehle|pehla call) (?:\w+ ){0,2}?(?:" + NAME + r"|di|didi|bhaiya) (?:\w+ )?ko\b"  # "Sabse pehle Neha di ko"
    r"|\b" + NAME + r" (?:was|foi) (?:the first|a primeira|o primeiro)\b"
    r"|[\uac00-\ud7a3]{2,4}(?:한테|에게|께)\s?(?:[\uac00-\ud7a3]+\s)?(?:제일\s)?먼저"  # "수빈이한테 먼저 말함", "수빈한테 사진 먼저"
    r"|(?:まず|真っ先に|一番に|最初に)\s?[\u4e00-\u9fff\u30a0-\u30ff]{1,4}(?:ちゃん|さん|くん)?に"
    r"|[\u4e00-\u9fff\u30a0-\u30ff]{1,4}(?:ちゃん|さん|くん)?には?(?:まず|真っ先に|一番に|最初に|先に|もう)?\s?"
    r"(?:電話|相談|聞い|話し|言う|言っ|見せ|LINE)"  # "まず和ちゃんに電話", "和ちゃんに真っ先にLINE", "佳代に先に見せた"
    r"|\b" + WHO + r",? (?-i:first)\b(?! (?:thing|time|day|week|month|year)s?\b)"  # "Kakao'd Yuna first", "Yuna first,
    # as always"; not the gym "Fitness First"
    # Tagalog and Cebuano: "kinausap ko muna si Kring", "Gi-text nako si Ate Nene una", "si Kring ang una kong kinausap"
    r"|\b(?:kinausap|tinanong|tinawagan|tinext|chinat|sinabihan|gi-?text|gitawagan|gipangutana|gisultian)(?: ko| nako)?"
    r"(?: muna)? (?:si|kay|kang) (?:(?-i:Ate|Kuya|Tita|Tito|Lola|Lolo|Mama|Papa) )?" + NAME +
    r"|\b(?:si|kay) " + NAME + r" (?:ko |ang )?(?:muna|una)\b"
    r"|(?<![没不未冇唔別别])(?:跟|同|和|问|话俾|(?:打(?:电话)?|传|发)给了?)\s?" + NAME +
    r"|(?:打俾|打畀|(?i:call|whatsapp|msg|text)(?: voice)?\s?咗)\s?(?:" + NAME + r"|[\u4e00-\u9fff]{1,3})" +
    r"|(?:打(?:电话)?|传|发)给了?[\u4e00-\u9fff]{1,3}|给[\u4e00-\u9fff]{1,3}打(?:了个?|个)?电话|"
    r"(?<![没不未冇唔別别])(?:问[了咗]?|跟|同|和)(?!自己)[\u4e00-\u9fff]{1,3}(?:说|讲|商量|聊|倾)|话俾[\u4e00-\u9fff]{1,3}知|"
    r"(?<![没不未冇唔別别])告诉了?[\u4e00-\u9fff]{1,3}|(?<![没不未冇唔別别])先问了?[\u4e00-\u9fff]{1,3}|"
    r"(?<![没不未冇唔別别])问了[\u4e00-\u9fff]{2,3}(?=[，,。：:])|(?<![没不未冇唔別别])给[\u4e00-\u9fff]{1,3}发|"
    r"第一个[^。]{0,10}(?:告诉|说|找|讲|知道|问)"), I)
"""A person I asked or told, by name: "Liguei à Graça antes", "texted Niamh first", "跟阿芬讲",
"WhatsApp咗阿Mo先", "打俾Mo"; never myself ("同自己講係因為…": what I told myself)."""


QUIT_ASKS = re.compile(both_scripts(
    r"\b(?:stick (?:with|at)|pack (?:it|things) in|give up|giving up|quit\w*|drop out|larg\w+|desist\w*|abandon\w*|"
    r"how long do I (?:last|keep)|how long before I|stop going|drop (?:it|them|am)|(?:never|don'?t|no dey) finish|"
    r"(?:first thing|what) (?:do )?I (?:let go|drop|cut|give up)|start and (?:then )?(?:drop|stop|quit)|"
    r"deixo de|paro de|nie (?:länger|lange)|(?:halte?|hält) (?:\w+ )?(?:nie|nicht) (?:lange )?durch|"
    r"(?:costuma[mn]?|tendem? a|usually|tend to) (?:morrer|die|fizzle|stall)|where do (?:they|my \w+) die|"
    r"quanto tempo (?:é que )?(?:eu )?(?:aguent\w*|dur\w*)|"
    r"what (?:keeps happening|happens|happened) (?:to|with) (?:the |all the |all |my )?(?:stuff|things|hobbies|projects|courses|"
    r"plans) I (?:start|take up|sign up for|join)|(?:what|how) (?:keeps happening|happens|happened) (?:to|with) my "
    r"(?:hobbies|projects|courses|classes)|(?:ir|vou|vai|chego|chegar) (?:até )?(?:o|ao) fim|nunca (?:termino|acabo)|"
    r"o que (?:é que )?acontece (?:com|a|às|aos) (?:as |os )?(?:coisas|cursos|projetos|projectos|planos|hobbies)"
    r"(?: e (?:os |as )?\w+)? que (?:eu )?(?:começo|inicio|faço)|"
    r"qu[eé] pasa con (?:las |los )?(?:cosas|actividades|cursos|clases|proyectos|planes|hobbies) que (?:empiezo|arranco|pago))\b|"
    r"坚持多久|能坚持|坚持得了|坚持不(?:下来|了|住)|学不长|学不久|放弃|半途|三分钟热度|撐到幾耐|撑到几久|幾耐就|就甩|撑多久|多久就|"
    r"放掉|最先(?:被我)?(?:放|丢|砍)"), I)
COUNT = (r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
         r"uma?|dois|duas|três|quatro|cinco|seis|sete|oito|nove|dez|onze|doze|quinze|vinte)")
STAGE = re.compile(both_scripts(
    r"\b(?:week|wk|class|session|lesson|month|day|aula|semana|sessão|mês|dia)\s?#?\d+\b|"
    r"\b" + COUNT + r"(?:st|nd|rd|th|ª|º)?\s?(?:weeks?|classes|sessions|lessons|months|days|times|"
    r"mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|segundas|terças|quartas|quintas|sextas|sábados|"
    r"sessões|aulas|semanas?|meses|dias|días|vezes|veces|clases)\b|\bfui a \d+\b|"
    r"\b(?:Woche|Monat|Tag|Termin|Stunde)\s?\d+\b|\b\d+ von \d+\b|"
    r"\b(?:\d+|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn)\s?(?:Wochen|Monate|Tage|mal|Termine|Stunden)\b|"
    r"第\s?[\d一二三四五六七八九十]+\s?(?:周|期|次|天|节|课|个月|堂)|"
    r"(?:\d+|[一二三四五六七八九十两]+)\s?(?:天|次|周|节课?|堂|个半?月|个星期|个?礼拜)"), I)
QUIT = re.compile(both_scripts(
    r"\b(?:quit|quitting|gave up|giving up|give up|stopped|stop going|skipped|didn(?:'?t|ae|na) (?:book|go|renew)|cancel\w*|"
    r"lasted|never went back|haven(?:'?t|ae) been back|(?:not|haven'?t|hasn'?t) been to|missed|"
    r"dejé de|lo dejé|dejé (?:las|los|el|la)|abandoné|abandonaste|ya no fui|aguanté|no volví|no voy (?:más|desde)|"
    r"y chau|di de baja|aufgehört|abgebrochen|gekündigt|kündigung|abgelaufen|gelöscht|"
    r"nicht mehr (?:da|hin|gegangen)|"
    r"pack(?:ed)? it in|dropped|stalled|didn'?t(?=\.)|last day|that was that|deferred|hadn(?:'?t|ae) been|"
    r"não vou mais|cancelei|parei|larguei|desisti|abandonei|"
    r"deixei de|não fui mais|não volto|não voltei|não me inscrevi|não renovei|acabou|último dia)\b|"
    r"放弃|没再|再也没|不去了|没去|不会去了|停了|吃灰|断了|退了|冇去|冇再|唔去|擺低|摆低"), I)


def quit_at(sentence: str, before: str = "") -> bool:
    """Where I gave something up, counted: "That's week 5 of 10 and I think I'm after giving up on it",
    "Foram 6 sessões." after "Cancelei com Helena", "Class 5." before "Didn't book 6", "Doze semanas."
    between "Hidroginástica: acabou." and "Não me inscrevi" (`before`: the sentences around)."""
    return bool(STAGE.search(sentence) and (QUIT.search(sentence) or QUIT.search(before))
                or QUIT.search(sentence) and STAGE.search(before))


NOT_A_NAME = ("the|a|an|him|her|them|you|me|us|it|and|for|about|back|out|off|around|over|some|his|our|my|their|in|up|on|"
              "to|at|from|with|all|everyone|everybody|nobody|someone|somebody|anyone|people|folks|home|again|first|"
              "that|this|there|then|what|when|why|how")
UNCAPPED_CONSULTED = re.compile(
    r"\b(?:called|rang|phoned|texted|asked|told|talked (?:it )?(?:over|thru|through) with|talked to|spoke (?:to|with)|"
    r"ran (?:it|this|that) (?:by|past)|checked with|sent (?:the|it|a|my) (?:\w+ )?to) (?!(?:" + NOT_A_NAME + r")\b)([a-z]{3,})\b")
"""Whom I asked, in a note written without capitals ("called ray from the yard first thing", "talked
it thru with ray", "sent the listing to ray before i even told deb"): a lower-case word after
the verb, read as a name only where the sentence opens in lower case."""


def uncapped(sentence: str) -> bool:
    """Typed without capitals: the sentence opens in lower case ("sent the listing to ray … at the TA")."""
    first = next((ch for ch in sentence if ch.isalpha()), "")
    return first.islower()


def consulted(sentence: str, before: str = "") -> bool:
    """I asked or told someone first (`CONSULTED`), or so says a note typed without capitals."""
    return bool(CONSULTED.search(sentence) or uncapped(sentence) and UNCAPPED_CONSULTED.search(sentence))


TOLD_ZH = re.compile(both_scripts(r"(?<![没不未冇唔別别])(?:跟|同|和|给|告诉|话俾|问|打俾)了?(?!自己)([\u4e00-\u9fff]{2})"))
SENTENCE_START = re.compile(r"^\W*\w+")


FIRST = re.compile(both_scripts(r"\b(?:first|primeiro|primeira|primero|primera|premier|première|prima|zuerst|ensin|"
                                r"ekana|najpierw|pierwsz\w*|ilk|önce|đầu tiên|trước tiên|trước|sabse pehle|pehla)\b|先|第一"), I)
FIRST_NAMED = re.compile(r"^\W*" + NAME + r"(?:,? first\b|(?: di| didi| bhaiya| bhai)? ko\b|['’](?:y?[ae]|y?le|y?la)\b|"
                         r" (?:abi|abla|hoca|bey|hanım)\w*)")
"""A sentence that opens on a name: "Gus first, Tim's", and the languages that put whom before the verb ("Neha di ko
call kiya", "Cemal abiye sordum")."""


def confidants(sentences: list[tuple[int, str]]) -> set[str]:
    """The name the most notes give among the sentences where I asked or told someone (`CONSULTED`),
    when two notes or more give it: "Rang Niamh before I said anything", "(texted Niamh first …)"
    say who I go to; "I told paddy" once does not. A name said beside "first" in two notes or more
    goes before them all: "Gus first, Tim's" twice is whom I go to, "told Shauna it was lumpy" in
    three notes is what I tell her."""
    notes: dict[str, set[int]] = {}
    firsts: dict[str, set[int]] = {}
    for n, text in sentences:
        rest = text if FIRST_NAMED.match(text) else SENTENCE_START.sub("", text)  # "Rang" opens a sentence: no
        # name; "Gus first, Tim's, saturday." does
        lower = UNCAPPED_CONSULTED.findall(text) if uncapped(text) else []
        first = bool(FIRST.search(text))
        for name in {*re.findall(NAME, rest), *(k.lower() for k in re.findall(KIN, rest, I)), *TOLD_ZH.findall(text), *lower}:
            notes.setdefault(name, set()).add(n)
            if first:
                firsts.setdefault(name, set()).add(n)
    for named in (firsts, notes):  # whom I went to first, in two notes or more, before whom I told anything
        most = max((len(ns) for ns in named.values()), default=0)
        if most >= 2:
            return {name for name, ns in named.items() if len(ns) == most}
    return set()


def timed(sentence: str, before: str = "") -> bool:
    """An hour beside an act, in the sentence or the one before ("Replied to Thabo." "00:40.")."""
    return bool(hours.CLOCK.search(sentence) and (hours.ACTED.search(sentence) or hours.ACTED.search(before)))


def decided_at_an_hour(note: Note) -> bool:
    """A decision's own note with an hour in it: "Sent it at 00:40" needs no act word there."""
    return is_decision_note(note) and bool(hours.CLOCK.search(note.body))


def showing(pattern: re.Pattern) -> Callable[[str, str], bool]:
    """A shape shown by the sentence alone."""
    return lambda sentence, before="": bool(pattern.search(sentence))


DELAY_ASKS = re.compile(both_scripts(
    r"\b(?:put(?:ting|tin)? (?:\w+ )?off|keep (?:delaying|postponing)|procrastinat\w*|drag (?:it|things|stuff)|"
    r"leave (?:it|things|stuff) (?:to|until|till) the (?:last|end)|last[- ]minute|time to spare|deadlines?|prazos?|"
    r"em cima da hora|[úu]ltima hora|[úu]ltimo (?:dia|minuto)|adi(?:o|ar|ando)|deixo (?:tudo |as coisas )?(?:para|pra) depois)\b|"
    r"拖|截止|最后一刻|最後一刻|改日期|守得住"), I)
"""Whether I put things off or leave them to the last minute: "what do i keep putting off", "eu sou
de fazer as coisas em cima da hora?", "给自己定的 deadline 一般守得住吗"."""
DELAYED = re.compile(both_scripts(
    r"\b(?:put (?:it|that|this|them|\w+) off|putting (?:it |\w+ )?off|put off|postpon\w+|pushed (?:it |\w+ )?back|"
    r"rescheduled|(?:still|yet) (?:haven'?t|hasn'?t|not|nae|no)|haven'?t (?:\w+ )?yet|not yet|never did|"
    r"(?:once|after|efter|when) (?:the )?[\w']+(?:'s| is| are)? (?:by|done|over|landed|finished)|"
    r"last[- ]minute|last day|night before|day before (?:it was )?due|late fee|with a fine|"
    r"adiei|adiad[oa]|adiar|empurrei|remarquei|ainda não|deixei (?:para|pra) depois|[úu]ltimo dia|[úu]ltima hora|"
    r"[úu]ltimo minuto|v[ée]spera|apagar das luzes|em cima da hora|prazo termina|com multa|atrasad[oa]s?)\b|"
    r"推迟|延后|往后推|改期|改日期|又拖|拖了|拖到|一拖再拖|还没|還沒|最后一天|最後一天|截止前|压线|踩点|罚款|滞纳金|要年后"), I)
"""Put off, or done at the last minute, as a diary says it: "Still haven't booked it", "After the tup
sales", "Enviei 23h31. Prazo termina hoje", "no último dia", "第三次改日期"."""


TOLD_ASKS = re.compile(both_scripts(
    r"\b(?:find(?:s|ing)? out|found out|(?:the )?last (?:one |person )?to (?:know|hear|find out)|in the loop|hear(?:s)? about)\b|"
    r"\bsab(?:e|em|er|ia) (?:das coisas |de tudo |das minhas decisões )?(?:por último|primeiro|depois|antes)\b|"
    r"\bfica(?:r|m|va)? (?:a )?sab(?:endo|er)\b|\bse enter(?:a|an|aba|aban|ó|aron)\b|\b(?:escond\w+|hide from|keep from|kept from)\b|瞒着|瞞著|"
    r"\bme reclama\b|才知道|才晓得|最后一个(?:知道|晓得)|几时先知|什么时候才知"), I)
"""Who learns of my decisions, and when: "how does Fiona usually end up finding out about my stuff?",
"os meus filhos sempre ficam sabendo das minhas decisões por último?", "秀英一般是什么时候才知道的？"."""
TOLD = re.compile(both_scripts(
    r"\b(?:haven'?t told|havent told|havenae told|didn'?t tell|never told|not told|told (?:\w+ )?(?:on|after|before|last)\b|"
    r"found out (?:from|about|through|via|on)|heard (?:it |about it )?from|(?:the )?last to know|b4 I said|"
    r"before I (?:said|told)|ainda não (?:contei|disse|falei)|não contei|só contei|soube (?:pel[oa]|por|depois|antes)|"
    r"ficou a saber|ficou sabendo|ficaram sabendo|(?:a|o) últim[oa] a saber|terceira pessoa a saber)\b|"
    r"还没(?:跟|和|告诉)|没告诉|才告诉|才跟[^，。]{1,4}说|最后一个(?:知道|晓得)"), I)
"""Someone told late, or not yet, as a diary says it: "Havent told T yet", "Fiona found out about
Kasia from Jean's Facebook", "só contei à Zaida depois", "还没跟爸妈说", "最后一个晓得"."""


OWNED_ASKS = re.compile(both_scripts(
    r"^(?=.*\b(?:reasons?|motivos?|razões|razão)\b)(?=.*\b(?:real|verdadeir\w*|true|honest\w*|hold up|really|outr[oa])\b)|"
    r"\b(?:as (?:the |an )?excuse|excuses|pretext|como desculpa|de desculpa|pretexto)\b|"
    r"(?:理由|原因)[^？?]*(?:真|实)|真正(?:嘅|的)?(?:原因|理由)|嘴上说|当借口|真话"), I)
"""Whether the reasons I write down are the real ones: "as razões que escrevo quando decido
costumam ser as verdadeiras?", "honestly what's usually the real reason behind my big decisions"."""
OWNED = re.compile("|".join((REAL_REASON.pattern, ECHO_RETRACTS.pattern, NOT_WHY.pattern, both_scripts(
    rf"\b{NOT_FOR}\b|\bnunca foi\b|"
    r"\b(?:it|that) (?:wasn'?t|was not|was never) (?:really |just |only )?(?:about|because|for)\b|"
    r"\bnever (?:really )?(?:about|the reason)\b|\bto be honest\b|\bhonestly\b|\bif I'?m honest\b|"
    r"\bmade (?:that|it) up\b|\bnone of (?:them|those|it) (?:was |were )?the (?:real )?reason\b|"
    r"\b(?:it|that) (?:wasn'?t|was never|was not|wasnae) (?:really )?the \w+|\bI called it (?!a day|quits)\w+|"
    r"\bdidn'?t (?:dare|want) (?:to )?(?:write|put) (?:it|that)\b|\bwhat I (?:didn'?t|couldn'?t) (?:write|say)\b|"
    r"\bversão apresentável\b|\bdesculpa bonita\b|\bnão (?:foi|era) (?:a razão|o motivo)\b|"
    r"\b(?:foi|era) (?:o ego|medo|orgulho|vaidade|vergonha)\b|"
    r"说白了|说穿了|讲白了|老实说|说实话|不是因为|唔係因為|講到尾|不是真的|不敢写|说得出口|好听一点|当理由|才是真的"))), I)
"""Where I own up, in words that say so whatever the note is about: "the real reason", "an excuse",
"Não é pelos netos", "honestly", "说白了"; not the everyday "a sério" of "arquitetura a sério"."""


PLACE_ASKS = re.compile(both_scripts(
    r"\bwhere (?:and when )?(?:do|did) (?:I|i)\b[^?]*\b(?:decid\w*|decisions?|mind|calls?|big (?:things|stuff))|"
    r"\bwhere am I (?:\w+ )?when\b[^?]*\b(?:decid\w*|decisions?|mind|calls?)|"
    r"\bwhere do my (?:\w+ ){0,3}(?:decisions?|calls?)\b|"
    r"\b(?:a|any) (?:particular )?place\b[^?]*\b(?:decid\w*|decisions?|calls?)|"
    r"\bwhere and when\b[^?]*\b(?:decid\w*|decisions?|mind|calls?)|\bdove\b[^?]*\bdecisi|\boù\b[^?]*\b(?:décid|décision|tranch)|"
    r"\bd[oó]nde\b[^?]*\bdeci(?:d|si)|\bwo\b[^?]*\bentscheid|\bonde\b[^?]*\b(?:decid|decis|martelo)|"
    r"\bmissä\b[^?]*\b(?:päätö|päätä|ratkais)|"
    r"^(?!.*(?:什么时候|几点))(?=.*(?:什么地方|哪里))(?=.*(?:决定|拍板|想定|定的))|"
    r"^(?=.*어디)(?=.*(?:결정|정하|정해|마음))|"  # Korean: "나 결정 보통 어디서 내림?"
    r"^(?=.*(?:どこ|場所))(?=.*(?:決め|決ま|腹くく|決心))|"  # Japanese: "どこで腹くくってる？"
    r"\bgdzie\b[^?]*\b(?:decyzj|postanaw|decyduj)|^(?=.*\b(?:nerede|nerde|nereye)\b)(?=.*\bkarar)|"  # Polish, Turkish
    r"^(?=.*\bở đâu\b)(?=.*(?:quyết|chốt))"), I)  # Vietnamese: "mình thường chốt quyết định ở đâu?"
"""Where I make up my mind: "where do i actually make my mind up about things?", "Dove e quando mi
vengono le decisioni grosse?", "我一般都是在什么地方把大事想定的？" (and not when: `hours.ASKS_HOUR`)."""
DECIDING = (r"decided|decide|made up my mind|mind (?:was )?made up|made my mind up|made the call|settled it|"
            r"it came to me|I just knew|decidi|deciso|decisa|décidé|décidée|decidí|decidido|decidida|fechad[ao]|"
            r"entschieden|fechei|bati o martelo|tava decidido|postanowi[lł]em|zdecydowa[lł]em|karar verdim|kafamda bitti|"
            r"biết là mình|chốt")
OUTDOORS = (r"walk|walking|park|hill|hills|top|summit|beach|trail|ride|drive|driving|run|bench|garden|allotment|"
            r"balcony|pier|dock|loch|lake|river|canal|car park|salendo|salita|portico|à pied|en marchant|caminando|"
            r"spaziergang|kanal|ufer|orla|beira-mar|calçadão|trilha|mirante|miradouro|spacer\w*|ławk\w*|sahil\w*|"
            r"yürü\w*|đi bộ|quanh hồ|công viên")
ON_THE_WAY = (r"van|car|truck|bus|train|tram|ferry|flight|plane|taxi|road|avenue|exit|motorway|highway|lay-by|"
              r"carro|comboio|autocarro|voiture|coche|tren|treno|macchina|zug|ice|auto|s-bahn|vapur\w*|tramwaj\w*")
"""Where a person is when a decision comes on the way somewhere: in the van, on the M4, "im ICE"."""
SOMEWHERE = rf"{OUTDOORS}|{ON_THE_WAY}"
AT_PLACE = (r"sur (?:la|le|les|l['’]|ma|mon)|dans (?:la|le|les|l['’]|ma|mon)|in the|at the|in my|at my|im|in der|"
            r"auf der|en el|en la|nel|nella|sul|sulla|(?<=decidi\W)n[oa]|(?<=decidid[oa]\W)n[oa]")
NOT_PLACE = (r"end|time|moment|morning|evening|night|afternoon|last|first|same|meantime|week|month|year|middle|"
             r"matin|soir|soirée|nuit|début|fin|fond|morgen|abend|ende|nacht|fim|noite|manhã|tarde|mañana|noche|"
             r"sera|mattina|notte|fine|madrugada|domingo|segunda|terça|quarta|quinta|sexta|sábado|semana|hora|"
             r"januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|sommer|winter|"
             r"frühling|herbst|mesmo|mesma|ko|ako|daw|siya|\d")
"""Where a decision is said to be made right after the verb ("Décidé sur la caisse de lait", "decided at the
kitchen table"), not when ("decided in the end", "Entschieden am Montag")."""
DECIDED_OUTDOORS = re.compile(both_scripts(rf"\b(?:{DECIDING})\b(?:\W+\w+){{0,8}}?\W+(?:{SOMEWHERE})\b|"
                                           rf"\b(?!fechad)(?:{DECIDING})\W+(?:{AT_PLACE})\s+(?!(?:{NOT_PLACE})\b)\w|"
                                           rf"\b(?:{SOMEWHERE})\b(?:\W+\w+){{0,8}}?\W+(?:{DECIDING})\b|"
                                           rf"\b(?:{SOMEWHERE})\b.*\b(?:foi ali|foi lá|that's where|that was where|"
                                           rf"right there)\b(?:\W+\w+){{0,3}}?\W+(?:{DECIDING})\b|"
                                           r"^(?=.*(?:高铁|高鐵|火车|動車|动车|车上|車上|G\d{3,5}|飞机|地铁|路上))"
                                           r"(?=.*(?:定了|定的|拍板|想好|想通|写于|写在|上写的))|"
                                           r"[\uac00-\ud7a3]+(?:에서|서)\s(?:[^.]{0,30}\s)?(?:결정|확정|정함|정했|마음 먹)|"
                                           r"(?:ながら|の前で|で)[^。]{0,12}?(?:決めた|決まった|腹くく|腹(?:を|ぁ)?決め)"), I)
"""A decision made somewhere, said beside it: "decided on the walk round alexandra park", "Nandi at 5.30 …
decided at the top", "Deciso salendo a San Luca", "decided at the centra in ovens after, in the van",
"Entschieden im ICE nach Hamburg", "又是在回上海的高铁上定的", "写于 G7197 上海虹桥→合肥南", "목욕탕 온탕에서 숫자
다시 세보고 확정", "長居公園歩きながら決めた", "窯の前で決めた"."""


def decided_somewhere(sentence: str, before: str = "") -> bool:
    """`DECIDED_OUTDOORS` in this sentence, or begun in the one before and ended in this one ("… on the
    walk. Decided."): the sentence after "Settled it on the drive back" is not where I decided."""
    joined = f"{before} {sentence}"
    return bool(DECIDED_OUTDOORS.search(sentence)) or any(m.end() > len(before) + 1
                                                          for m in DECIDED_OUTDOORS.finditer(joined))


SHAPES = (  # who I go to first, before the hour: "纠结大事…我一般第一个找谁？老周什么时候才知道" asks a person
    Shape("confidant", CONSULT_ASKS, consulted),
    Shape("owned", OWNED_ASKS, showing(OWNED)),
    Shape("told", TOLD_ASKS, showing(TOLD)),
    Shape("place", PLACE_ASKS, decided_somewhere),  # before the hour: "where do my big decisions get made?"
    Shape("hour", hours.ASKS_HOUR, timed, note_holds=decided_at_an_hour),
    Shape("budget", budgets.ASKS, budgets.holds, note_holds=lambda note: budgets.planned_table(note.body),
          row_holds=budgets.row_holds),
    Shape("overrun", OVERRUN_ASKS, overran, row_holds=two_durations),
    Shape("strain", STRAIN_ASKS, strained),
    Shape("favour", FAVOUR_ASKS, showing(SAID_YES)),
    Shape("conflict", CONFLICT_ASKS, showing(REACTED)),
    Shape("coping", COPING_ASKS, showing(WENT)),
    Shape("quit", QUIT_ASKS, quit_at, reach=4),
    Shape("delay", DELAY_ASKS, showing(DELAYED)),
)


def asked(question: str) -> Shape | None:
    """The shape a pattern question asks for, the first that fits; None for most questions."""
    return next((shape for shape in SHAPES if shape.asks.search(question)), None)


def asks_hour(question: str) -> bool:
    """The question asks when in the day I act (and not who I go to first)."""
    shape = asked(question)
    return shape is not None and shape.via == "hour"


def holds_shape(shape: Shape, note: Note) -> bool:
    if shape.note_holds is not None and shape.note_holds(note):
        return True
    parts = SENTENCE.split(note.body)  # "1:20 am." alone, after the sentence that says what I did
    return any(shape.holds(s, around(parts, i, shape.reach)) for i, s in enumerate(parts))


def shaped_notes(index: Index, shape: Shape, limit: int = SHAPED_NOTES) -> list[Note]:
    """The notes that hold the shape, the latest first: the evidence for the question, whatever
    words it used."""
    found = [note for note in index.notes() if holds_shape(shape, note)]
    return sorted(found, key=lambda n: n.date or "", reverse=True)[:limit]

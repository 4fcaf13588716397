"""Text to search terms, the same way for notes and questions, in English and Chinese.

English words are lower-cased and lightly stemmed ("moved", "moving", "move" -> "mov"), so a
question need not use the note's word form. Chinese has no spaces, so a run of CJK characters
becomes its overlapping character pairs ("学习日记" -> 学习 习日 日记): the usual segmenter-free
choice, and it needs no dictionary. Traditional characters are read as simplified ("決定" is
"决定"), so a vault written in Taiwan or Hong Kong matches the same words, glossary and cues.
Retrieval (BM25), passage picking, decision matching and the eval's ROUGE all tokenize here, so a
term means the same thing everywhere.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

LATIN = "A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
TOKEN = re.compile(rf"[{LATIN}]+(?:['’][{LATIN}]+)?|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[\uac00-\ud7a3]+|"
                   r"[\u30a1-\u30fa\u30fc]{2,}")
"""Words of any Latin script ("Inês", "orçamento", "saí": one token each), runs of CJK, Korean words
(eojeol: "병원으로", a noun with its particle), and Japanese words in katakana ("スマホ", "ハワイ",
"ヤンマースタジアム": loanwords and names; hiragana is mostly the grammar between them)."""
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]")
KANA_OR_HANGUL = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\uac00-\ud7a3]")


def _traditional_table() -> dict[str, str]:
    """Traditional character -> simplified, one for one, from OpenCC's table (the
    opencc-python-reimplemented package, read without importing it); empty without the package."""
    spec = importlib.util.find_spec("opencc")
    folder = Path(next(iter(spec.submodule_search_locations))) if spec and spec.submodule_search_locations else None
    table = folder / "dictionary" / "TSCharacters.txt" if folder else None
    if table is None or not table.is_file():
        return {}
    out = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        traditional, _, simple = line.partition("\t")
        simple = simple.split()[0] if simple.split() else ""
        if len(traditional) == 1 and len(simple) == 1 and traditional != simple:
            out[traditional] = simple
    return out


def _inverse(table: dict[str, str]) -> dict[str, str]:
    """Simplified character -> its traditional forms, joined ("发" -> "發髮")."""
    out: dict[str, str] = {}
    for traditional, simple in table.items():
        out[simple] = out.get(simple, "") + traditional
    return out


TO_SIMPLIFIED = _traditional_table()
TRADITIONAL_OF = _inverse(TO_SIMPLIFIED)
_FOLD_CJK = str.maketrans(TO_SIMPLIFIED)


def simplified(text: str) -> str:
    """Traditional characters as simplified, one for one: the text keeps its length."""
    return text.translate(_FOLD_CJK) if CJK.search(text) else text  # most text has none: no per-letter lookup


def both_scripts(pattern: str) -> str:
    """A regex written in simplified characters that matches traditional ones too: "决定" becomes
    "[决決]定", and inside a class ("[个次]") the traditional forms join it ("[个個次]")."""
    out: list[str] = []
    in_class, i = False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        alts = TRADITIONAL_OF.get(c, "")
        if in_class:
            ranged = pattern[i + 1:i + 2] == "-" or pattern[i - 1:i] == "-"
            out.append(c + ("" if ranged else alts))
            in_class = c != "]"
        elif c == "[":
            in_class = True
            out.append(c)
        else:
            out.append(f"[{c}{alts}]" if alts else c)
        i += 1
    return "".join(out)

STOPWORDS = frozenset("""
a about above after against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she should
so some such than that the their theirs them themselves then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you your
yours yourself yourselves also ever still much many get got make made let lets ll ve re s t d m im
one want wanted really actually something anything thing things way
someone somebody anyone anybody everyone everybody onto upon euro euros whenever wherever whatever stuff else
whats hows wheres whos whens thats ive dont didnt cant isnt wasnt doesnt youre theyre shes hes theres
wouldnt couldnt shouldnt havent hasnt arent werent
""".split())
"""Function words, dropped from questions and notes alike ("whats", "didnt": typed without the
apostrophe, as people type in a chat). ("own" is kept: "own the files".)"""
STOPWORDS = STOPWORDS - {"own"}  # ("again" is kept too: it is how a pattern is written)
PORTUGUESE_STOPWORDS = frozenset("""
o a os as um uma uns umas de do da dos das em no na nos nas por pelo pela pelos pelas dum duma nuns numas para com sem que quê porque
porquê e ou mas se eu me mim meu minha meus minhas tu te você ele ela nós eles elas isso isto esse essa
este esta aquele qual quais quando onde como quanto quanta quantos quantas foi fui era é são ser estar
tenho tem ter há já não sim mais menos muito sobre entre até ao aos à às lhe vez quem lá cá
qualquer quaisquer cada todo toda todos todas tudo nada outro outra outros outras algum alguma alguns
algumas nenhum nenhuma ainda depois antes também bem só aqui ali então assim pois nem num numa
mesmo mesma pra pro pras pros tá tô né vc vcs pq tb tbm msm q qto qdo qnd cmg afinal desde logo
aquela aquele aquilo aquelas aqueles comigo contigo alguém ninguém coisa coisas jeito
sou és somos eram estou está estava estão estive tive teve tinha temos vou vai vamos ia seria foram
pouco pouca poucos poucas
""".split())
"""Portuguese function words: a question in Portuguese is searched by its subject words alone."""
STOPWORDS = STOPWORDS | PORTUGUESE_STOPWORDS
SPANISH_STOPWORDS = frozenset("""
el la lo los las un una unos unas del al de en por para con que qué porque porqué por qué y o pero si sí
yo me mi mis mí conmigo tú te ti tu tus usted él ella ellos ellas nosotros nos vosotros os le les se su sus
esto esta este estos estas eso esa ese esos esas aquel aquella aquello aquí allí ahí
cuál cuáles quién quiénes cuándo cuando dónde donde cómo como cuánto cuánta cuántos cuántas
es era fue fui ser soy eres somos está estaba estoy estar están estuve hay había habia he has ha hemos
tengo tiene tenía tenia tener tuve hizo hace hacía
ya más menos muy mucho mucha muchos muchas poco también tambien tampoco nada algo alguien nadie todo toda todos
todas otro otra otros otras cada mismo misma así entonces pues hasta desde sobre entre sin antes después
vale oye pa eh
""".split())
"""Spanish function words ("cuánto pago por la habi de argumosa?" is about the room on Argumosa)."""
STOPWORDS = STOPWORDS | SPANISH_STOPWORDS
GERMAN_STOPWORDS = frozenset("""
der das den dem des ein eine einen einem einer eines und oder aber nicht kein keine keinen ich mich mir mein meine
meinen meinem meiner du dich dir dein deine er ihn ihm sein seine sie ihr ihre wir uns unser unsere es
zu zum zur von vom mit bei beim nach aus auf unter im ins um am an vor bis durch gegen ohne
noch nochmal schon dann dass daß wenn weil ob wie warum wieso weshalb wer wen wem wessen welche welcher welches wo
woher wohin wann hab habe hatte hatten hast haben bist sind ist waren wird werden wurde wurden würde
eigentlich damals doch mal denn ja nein nur auch sehr viel viele gleich sondern als etwas nichts alles
jetzt hier dort da dies diese dieser dieses jene man sich
""".split())
"""German function words; those that are words elsewhere too ("die", "war", "hat", "bin", and "für"
and "über", typed "fur" and "uber": Uber rides) are left to their weight: in a German vault every
note has them."""
STOPWORDS = STOPWORDS | GERMAN_STOPWORDS
TAGALOG_STOPWORDS = frozenset("""
ako ko ikaw ka mo siya sya niya nya kami tayo kayo sila nila natin namin amin atin ang ng nang ni mga ba nga naman
lang lng din rin daw raw po yung iyong iyon ito dito doon diyan kung wala nag mag nung noong pag
bakit kelan kailan saan sino paano magkano ilan nako nimo ug gyud
""".split())
"""Tagalog (and a few Cebuano) function words, as Taglish is written ("Kelan at saan ako nag-take ng CBT?" is
about the CBT); those that are words elsewhere ("sa", "pa", "kay", "yun", "may", "man", "hindi", "kasi") are left to
their weight."""
STOPWORDS = STOPWORDS | TAGALOG_STOPWORDS
FINNISH_STOPWORDS = frozenset("""
mulla mulle mun minun sä meidän niitä
ja mutta ettei jos kuin koska niin nii vaan myös sitten nyt vielä taas
ei en eikä enkä olit olivat olen oon ovat onko oliko olisi oisko ollut
miksi miks mihin milloin kuinka paljonko kuka kenen keneltä kenelle
oikeesti oikeasti oikeastaan takia vuoksi varten niinku jotka jonka
""".split())
"""Finnish function and question words, as a Finn types them ("Miks mä otin mökin? Oliko se oikeesti lasten
takia?" is about the mökki and the children); not those that are names or words elsewhere, accents folded ("kai":
Kai, "kun": Kun, "jo": Jo, "tämä": Tama, "mikä": Mika, "minä": Mina, "sinä": Sina, "olin": Olin, "aina": Aina, "oli":
Oli, "mä": ma, "vai": Vietnamese vai, "sillä": silla, "missä": missa, "multa": Portuguese for a fine)."""
STOPWORDS = STOPWORDS | FINNISH_STOPWORDS
SCOTS_STOPWORDS = frozenset("""
whit intae ontae masel oot aff doon efter cannae didnae dinnae wisnae isnae couldnae wouldnae havenae shouldnae
yersel hissel hersel wis naw fae tae
""".split())
"""Scots function words ("whit do i keep putting off for masel", "when did mum move intae fernlea"): as empty as
"what", "myself", "into" (a word no note has weighs the most). "oot" and "doon" are also Finnish "you are" and
Tagalog "there": function words there too. Left to their weight: "ken" (a name), "aye", "wee"."""
STOPWORDS = STOPWORDS | SCOTS_STOPWORDS
FI_MARKS = frozenset("mä mun ja on ei se oli että kun mutta niin oliko onko miksi miks mitä mikä vai myös kanssa "
                     "vaikka koska olen oon ettei enkä eikä".split())
"""Little words that say a text is Finnish (`finnish`)."""

FRAME_WORDS = frozenset("""
decide decided deciding decision choose chose chosen choosing pick picked think thought feel felt
tell know say said reason reasons usually often always keep kept note notes wrote write name named
making doing getting go goes going went gone move moved moving start started stop stopped quit
leave left come came happen happens happened remind end ended ending tend tends switch switched
exactly truly behind kill killed trigger usual conseguir consegui conseguido conseguiu
dar dava dá deu pôr pus acabei acabou
acabámos acabamos veio vem vieram vim continuo continua continuar
decidi escolhi decisão decisões motivo razão razões acho pensei quis fiz fazer sair saí fui ir mudar mudei
deixei deixar comecei começar começa começam parei parar
decidimos decidiu decidiram decidir decidido decidida escolhemos escolheu escolher escolhido mudámos mudamos
mudou mudaram saímos saiu saindo fomos deixámos deixamos deixou começámos começamos começou parámos paramos parou
achei achamos pensámos pensamos quisemos fizemos passei passámos passamos passou passar
acontece acontecem aconteceu sentir sinto sente senti faz fez fazem fizeram fizemos
costumo costuma costumam costumava sempre trás tras esteve estiveram pesou levou
basically literally like lah leh lor hor meh
ka ki ke kya tha thi hai hain mera meri mere kyun kyon karne kiya kiye liya liye toh yaar bhi mein ko hoon
raha rahi wala wali sach kitna kitni kitne kaun kab kahan gaya gayi aur
kuch kis kisko kisne kise kiske koi ya sirf wajah baad pehle pehla pehli baar jaata jaati jata jati gaye
wapas phir kyu kyunki asli asal waise uthaya
wapi lini nini gani vipi ngapi kwani sababu anafanya nilifanya unafanya coz cos
eh ezay ezzay illi fel fil bta3 bta3et bta3y bta3ty anhy anhi 3ashan 3shan ashan kol lamma ya3ny keda msh mesh
decidí decidir decidimos decidió decisión decisiones elegí elegir escogí motivo motivos razón razones pienso pensé
creo quise hice hacer dejé dejar dejo empecé empezar me fui irme ir salir salí mudarme cambié cambiar
suelo suele suelen siempre pasa pasó acabo acabé acaba acabar verdad realmente sentí siento
entscheiden entschieden entscheide entscheidung entscheidungen grund gründe gemacht machen mache wirklich echt
echte echten immer meistens normalerweise passiert frag frage fragen gehen gehe ging gegangen kommen kam gekommen
décidé décidée décider décide décision décisions choisi choisie choisir choix raison raisons motif motifs
pense pensé pensais crois croyais voulu voulais vraiment vrai vraie toujours souvent habitude passe passé finis finit
fini quitté quitter partir parti partie changé changer arrêté arrêter commencé commencer comment
deciso decisa decidere decisione decisioni scelto scelta scegliere motivo motivi ragione ragioni penso pensato
credo voluto davvero vero vera sempre spesso solito succede successo finisco finito lasciato lasciare andato
andata cambiato cambiare smesso smettere iniziato iniziare come dove chi
""".split()) | {"决定", "选择", "觉得", "认为", "原因", "理由", "一般", "通常", "总是", "经常", "每次", "老是",
                  "当初", "当时", "真的", "到底", "后来", "时候", "发生", "最后", "来着", "会儿", "主要", "老实", "说实"}
"""Words that frame a question ("why did I decide…", Hinglish "… kyun kiya tha?") rather than name its
subject: they still rank notes, but a note need not contain them to count as relevant."""

CJK_STOP = frozenset("我你他她它的了是在吗呢吧啊么什为怎哪谁这那个和与就都也还又很几少啥咋嘛何"
                     "佢哋咗嚟嘅喺冇咩乜咁噉啲嗰唔嘢")  # Cantonese particles: "佢住", "住咗", "嚟探"
"""Characters that make a Chinese pair a question word or particle (什么, 为什, 我的), not a subject; 何 also
Japanese "what" ("何の仕事": the work asked about is not 何)."""


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Lower case without accents: "Inês" and "ines", "orçamento" and "orcamento" are one term
    (people type names both ways, and a question typed on an English keyboard drops them).
    Cached, like `stem`: a vault repeats a few thousand words, and every note passes through here."""
    if word.isascii():
        return word.lower()
    w = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in w if not unicodedata.combining(c)).translate(UNDOTTED)


UNDOTTED = str.maketrans("ıł", "il")
"""Letters with no accent to fold that a phone keyboard still drops: Turkish "satmıştım" is typed "satmistim",
Polish "kupiłem" "kupilem"."""


FRENCH_STOPWORDS = frozenset(fold(w) for w in """
le la les un une des du de au aux en et ou mais donc ni or que qu qui quoi dont où pourquoi combien quand
quel quelle quels quelles lequel laquelle je j me m moi mon tu te toi ta tes il elle on nous vous ils
elles lui leur leurs notre nos votre vos se s sa ses ce c cet cette ces ceci cela ça ici là
ai as avait avais avons avez avaient avoir eu suis es est sommes êtes sont était étais étaient été être
fais fait faire ont ne n pas moins très trop aussi encore déjà jamais alors puis si oui non rien tout tous
toute toutes chaque autre autres même dans sur sous avec sans pour par chez entre vers depuis pendant avant après
ya bah hein cad qqch qqn
""".split())
"""French function words, folded ("été" is "ete"). Left to their weight: English words ("son", "car",
"ton", "ma", "plus": "秦PLUS"), names ("Ben"), and "mes", the month in Spanish and Portuguese;
"comment" frames a question. In "j'ai", "l'appart" the word after the apostrophe is the token (ELIDED)."""
STOPWORDS = STOPWORDS | FRENCH_STOPWORDS
ITALIAN_STOPWORDS = frozenset(fold(w) for w in """
il lo gli i un uno di del dello della degli delle al allo alla ai agli alle dal dallo dalla dagli dalle
nel nello nella nei negli nelle sul sulla sui con tra fra e o che cosa perché perche xché xke
quando quanto quanta quanti quante quale quali io mi mio mia miei mie tu ti tuo tua lui noi ci
voi loro si suo sua suoi sue questo questa questi queste quello quella quelli quelle
sei è era ero erano essere stato stata stati ho hai ha abbiamo avete hanno avevo aveva avere fatto
non nn più piu molto anche già ancora poi allora quindi cmq comunque tutto tutta tutti tutte tt
qualcosa niente nulla ogni altro altra altri altre stesso stessa senza sopra sotto dopo
""".split())
"""Italian function words ("quanto ho pagato la farina da Molini Bassi?" is about the flour from
Molini Bassi). Left to their weight: words of other languages ("sono" and "lei" are sleep and law in
Portuguese, "dei" is I gave, "prima" a cousin), names ("Dai", "Dal") and English "come", "dove",
"chi", "ed" and "per", which frame a question instead or weigh little."""
STOPWORDS = STOPWORDS | ITALIAN_STOPWORDS
TR_MARKS = frozenset(fold(w) for w in "bi bir ne mı mu mü ile için diye çok var yok neden niye nasıl nerde nerede "
                     "hangi kaç gibi şimdi sonra daha yoksa galiba genelde mıydı miydi muydu müydü gerçekten yüzünden hep "
                     "yapıyorum napıyorum kimdi kime kimle kaça kaçtı nerden".split())
PL_MARKS = frozenset(fold(w) for w in "się nie że czy jest był była było mnie bo czemu dlaczego kiedy gdzie ile już też "
                     "przez jak jaki jaka zwykle ciągle kto kogo który która które".split())
"""Little words that say a text is Turkish or Polish: their words change at the end as Finnish ones do."""
TR_SIGNS = re.compile("[ığşİĞŞ]")
PL_SIGNS = re.compile("[łąężźśŁĄĘŻŹŚ]")
TURKISH_STOPWORDS = frozenset(fold(w) for w in """
neden niye niçin nedir nerede nerde nereye nerden nereden nasıl hangi hangisi kaç kaça kaçtı kimdi kime kimle kimin
mıydı miydi muydu müydü mı mu mü diye ile için gibi çok bi bir bana beni benim bize onu ona onun şu
yani acaba sadece gerçekten yüzünden yoksa genelde galiba hep ya da ki ve var yok ne zaman napıyorum yapıyorum
""".split())
"""Turkish question and function words ("taksi plakasını neden satmıştım ya, gerçekten bel yüzünden miydi?" is about
the plate and the back); not "ben" or "kim", which are names elsewhere."""
POLISH_STOPWORDS = frozenset(fold(w) for w in """
czemu dlaczego kto kogo komu gdzie kiedy ile jak jaki jaka jakie jakiego który która które co czy się nie
był była było byli są mnie mną ja jego jej nas tego tej tym tych już jeszcze też tylko właściwie naprawdę
przecież zwykle chyba bo przez przy dla
""".split())
"""Polish question and function words ("czemu ja właściwie kupiłem ten drugi piec?" is about the second oven);
not "ten" or "go", English words, nor "nam", a Vietnamese name and place (Nam Định)."""
STOPWORDS = STOPWORDS | TURKISH_STOPWORDS | POLISH_STOPWORDS
ELIDED = frozenset("l d j m n s t c qu jusqu lorsqu puisqu quoiqu dell all dall nell sull coll un quest quell "
                   "tutt po".split())
"""French and Italian heads cut before an apostrophe: in "l'appartement", "j'ai", "dell'affitto" the
word is what follows."""


IRREGULAR = dict(pair.split(":") for pair in """
took:take taken:take built:build bought:buy sold:sell thought:think taught:teach told:tell
spoke:speak spoken:speak wrote:write written:write gave:give given:give chose:choose chosen:choose
felt:feel kept:keep paid:pay spent:spend found:find met:meet drove:drive driven:drive rode:ride
ridden:ride broke:break broken:break began:begin begun:begin brought:bring caught:catch sent:send
heard:hear understood:understand grew:grow grown:grow knew:know known:know saw:see seen:see
learnt:learn lost:lose left:leave ran:run won:win fell:fall fallen:fall forgot:forget
forgotten:forget sat:sit stood:stand slept:sleep lent:lend threw:throw thrown:throw ate:eat
eaten:eat flew:fly flown:fly drank:drink meant:mean held:hold fought:fight led:lead fed:feed
hid:hide hidden:hide stuck:stick tore:tear torn:tear woke:wake froze:freeze frozen:freeze
""".split())
"""Past forms no suffix rule reaches: "Why did I sell the car?" finds "Sold the Golf"."""


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light English stemmer: enough to join "decide/decided/decides" and "move/moving", and
    the common irregular pasts ("sold" -> "sell"); on a Portuguese word it strips the plural
    ("erros" -> "erro"). Accents are folded first."""
    w = fold(unelide(word)).replace("’", "'").split("'")[0]
    w = IRREGULAR.get(w, w)
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # running -> run
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def words(text: str) -> list[str]:
    """Raw tokens: English words and runs of CJK characters, in order; "l'appartement" is
    "appartement" (ELIDED)."""
    return [unelide(token) for token in TOKEN.findall(text)]


def unelide(token: str) -> str:
    """The word after a French or Italian elided head ("j'ai" -> "ai", "dell'affitto" -> "affitto");
    any other token as it is ("I'd", "don't", "O'Brien")."""
    if "'" not in token and "’" not in token:
        return token  # most tokens: no fold, no split (it is on the path of every indexed word)
    head, apostrophe, tail = token.replace("’", "'").partition("'")
    return tail if len(tail) > 1 and fold(head) in ELIDED else token


THOUSANDS = re.compile(r"(?<=\d)[.,\u00a0\u202f ](?=\d{3}(?:[.,\u00a0\u202f ]\d{3})*(?!\d|[.,]\d))")
"""The separator in "4.000", "€4,000", "4 000": one number, so "os 4000 euros" finds "4.000€"."""


THOUSAND_K = re.compile(r"(?<![\w.,])(\d{1,3})(?:[.,](\d))?(?:[kK]| grand)(?![\w])")
"""A sum written "8k", "2.5k" or "4 grand": the same number as "8,000", "2500" and "€4,000"."""


def plain_numbers(text: str) -> str:
    """Numbers written one way: "4.000", "4,000" and "4k" all become "4000"."""
    text = THOUSAND_K.sub(lambda m: str(int(m.group(1)) * 1000 + int(m.group(2) or 0) * 100), text)
    return THOUSANDS.sub("", text)


def terms(text: str, keep_stopwords: bool = False) -> list[str]:
    """Index terms in order: stemmed English words (stopwords dropped) and CJK character pairs;
    a number is one term however it is written (plain_numbers)."""
    out: list[str] = []
    capitals = not text.isupper()  # in "WHY DID I SELL THE CAR" no capital word is a name
    for token in words(plain_numbers(simplified(text))):
        if CJK.match(token) or HANGUL.match(token) or KATAKANA.match(token):
            out.extend(cjk_pairs(token))
        elif keep_stopwords or not stopword(token) or (capitals and ACRONYM.fullmatch(token)):
            out.append(stem(token))
    return out


ACRONYM = re.compile(r"[A-Z]{2,4}")
"""A word in capitals is a name even when its letters spell a function word: "not moving to LA"
is about Los Angeles, not the article "la"; "the US", "IT" (a department)."""


def stopword(token: str) -> bool:
    """A function word, also contracted: "what's", "I'm", "don't" are as empty as "what" (but
    "won" and "Don" without an apostrophe are words)."""
    word = fold(token)
    if word in STOPWORDS:
        return True
    head, apostrophe, _ = word.replace("’", "'").partition("'")
    return bool(apostrophe) and head in CONTRACTED


def contraction(token: str) -> bool:
    """"I'd", "I'm", "what's", "don't": a function word with its ending, not "O'Brien"."""
    head, apostrophe, tail = fold(token).replace("’", "'").partition("'")
    return bool(apostrophe) and head in CONTRACTED and tail in ("s", "d", "m", "ve", "ll", "re", "t")


CONTRACTED = STOPWORDS | frozenset("don doesn didn isn wasn aren weren haven hasn hadn won wouldn couldn shouldn "
                                   "can".split())


def cjk_pairs(run: str) -> list[str]:
    """Overlapping character pairs; a lone character stays itself."""
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


CJK_QUESTION_WORDS = re.compile("哪一?[天个個年月里裡儿兒家位]|多少[钱錢]?|什[么麼]时候|什[么麼]時候|[为為]什[么麼]|什[么麼]|[为為]啥|"
                            "怎[么麼][样樣]|怎[么麼]|[几幾][个個天年月次号號]|[谁誰]|幾時|邊個|邊度")
"""Chinese question words, cut out of a question whole: in "哪天上岗" and "月租多少" the pairs across
their edge ("天上", "租多") are no words of the question, and "天上" is in a note about an opera."""


KOREAN_PARTICLES = frozenset("은 는 이 가 을 를 에 의 도 만 랑 로 와 과 으로 에서 한테 에게 까지 부터 처럼 보다 이랑 하고 이나".split())
WORD_ENDS = frozenset("이 가 의 지 야 와 과 만".split())
"""Particles that also end many words ("레이", "나이", "오이"): one syllable left before them is a word."""
KOREAN_ENDINGS = tuple(sorted(KOREAN_PARTICLES | set("""
이었나 이었어 이었음 이었지 이었던 였나 였어 였음 였지 였던 었나 었어 었음 었지 었던 었더라 였더라 했더라 하더라
했던 했나 했어 했지 했음 했는데 더라 으로 에서 한테 에게 까지 부터 처럼 보다 이랑 하고 이나 이야 거야 건가 인가
는데 은데 니까 어서 아서 해서 하면 으면 려고 는지 은지 하지 하는 되는 였고 이고 짜리
할 한 함 임 음 봄 은 는 이 가 을 를 에 의 도 만 랑 로 와 과 야 지 냐 니 고
""".split()), key=len, reverse=True))
"""Particles and verb endings at the end of a Korean word in a question ("때문이었나", "누구한테",
"결정할"): the word is searched without them ("때문", "누구", "결정"), whose pairs the notes hold
however they end the word. A stem keeps two syllables at least ("레이" is a car, not 레 + 이)."""
KOREAN_STOP = frozenset("""
나 내 난 날 너 뭐 뭘 뭔 왜 거 걍 좀 더 때 큰 몇 그 이 저 또 다 잘 안 못 꼭 막 딱 제 네 것 게 건 걸 데 등 및
하더라 했더라 맞지 맞아 있나 있어 없어 했어 했지 했나 하지 해 했음 하는 편 그거 이거 저거 무슨 어떤 그냥 근데
지금 요즘 아직 혹시 언제 어디 어디서 누구 얼마 어떻게
""".split())
"""Korean words that ask or point rather than name a subject: "나 결정 보통 어디서 내림?" is about
deciding, not about 나 (I) or 어디서 (where)."""
KOREAN_FRAME = frozenset("결정 이유 진짜 정말 보통 맨날 항상 늘 자주 매번 원래 때문 제일 먼저".split())
"""Korean frame words, like FRAME_WORDS: they rank notes, but a note need not hold them."""
KOREAN_WORD = re.compile(r"[\uac00-\ud7a3]+")


def korean_stem(word: str) -> str:
    """A Korean word of a question without its particle or ending; "" for a word that only asks,
    and for a one-syllable verb with its ending ("샀더라", "받으면": no note holds 샀 alone)."""
    for ending in KOREAN_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            rest = word[: -len(ending)]
            if len(rest) == 1 and ending not in KOREAN_PARTICLES:
                return ""
            word = rest if len(rest) >= 2 or ending not in WORD_ENDS else word
            break
    return "" if word in KOREAN_STOP else word


def query_terms(question: str) -> list[str]:
    """A question's distinct content terms, in order: no stopwords, no Chinese question pairs, Korean
    words without their endings (`korean_stem`)."""
    seen: dict[str, None] = {}
    question = KOREAN_WORD.sub(lambda m: korean_stem(m.group(0)), question)
    for term in terms(CJK_QUESTION_WORDS.sub(" ", question)):
        if CJK.match(term) and any(ch in CJK_STOP for ch in term):
            continue
        seen.setdefault(term, None)
    return list(seen)


FRAME_TERMS = frozenset(w if CJK.match(w) or HANGUL.match(w) else stem(w) for w in FRAME_WORDS | KOREAN_FRAME)
STOPWORDS = STOPWORDS | {fold(w) for w in STOPWORDS}  # "nao" typed for "não"


GLOSSARY = """
buy bought purchase | comprar comprei compra | 购买 买了 买的
sell sold rid unload unloaded offload | vender vendi venda | 卖掉 卖了 出售
flat apartment | apartamento | 公寓
house home place | casa | 房子 家里
rent | renda aluguer arrendar aluguel alugar | 房租 租金 租房
money | dinheiro grana | 花钱 存钱 赚钱 省钱
cost costs price | custo custou preço custa | 花了 价格 费用
expensive | caro cara | 太贵 很贵
cheap | barato barata | 便宜
work job | trabalho trabalhar emprego | 工作 上班
client customer | cliente | 客户
earn earned earnings | ganhar ganhei ganho ganha | 挣钱 赚钱
salary pay gross | salário ordenado bruto | 工资 薪水 收入 税前
offer offered | proposta oferecido oferecida oferta | 开价
car | carro | 汽车 车子 买车
motorbike motorbikes motorcycle | mota moto motocicleta | 摩托 摩托车
scooter | scooter lambreta | 电动 电瓶
bike bicycle | bicicleta | 单车 自行
city | cidade | 城市
friend | amigo amiga | 朋友
sister | irmã | 姐姐 妹妹
brother | irmão | 哥哥 弟弟 我哥
mother mum mom | mãe | 妈妈 母亲 老妈
father dad | pai | 爸爸 父亲 老爸
family | família | 家人 家里
wife | mulher esposa | 老婆 妻子
husband | marido | 老公 丈夫
child children kids | filho filha filhos | 孩子 儿子 女儿
doctor doc gp | médico médica | 医生
lesson lessons class classes | aula aulas lição lições | 上课 课程
learn learned learnt | aprender aprendi | 学习 学会
mistake mistakes wrong error | erro erros errado | 错误 犯错
always | sempre | 总是 每次
never | nunca | 从来 从不
week weekly | semana semanal | 每周 星期
month monthly | mês mensal meses | 每月 个月
year | ano anos | 今年 去年
weekend | fim-de-semana | 周末
birthday | aniversário anos | 生日
music song | música canção | 音乐
book books reading | livro livros leitura | 读书 看书
trip travel holiday holidays | viagem férias | 旅行 旅游 出差
health | saúde | 健康 身体
sleep | dormir sono | 睡觉 睡眠 失眠
decision decisions decide decided deciding | decisão decisões decidir decidi decido | 决定
big large | grande
small little | pequeno pequena
new | novo nova
old | velho velha antigo
reason reasons | razão razões motivo motivos | 原因 理由
garden | jardim horta | 花园
dog | cão cadela cachorro | 狗狗
cat | gato gata | 猫咪
school | escola colégio | 学校
quote quotes estimate estimates budget guess guessed guessing | orçamento orçamentos estimativa estimativas | 报价 预算
plan plans planned | plano planos planear | 计划
talk talked talking conversation | falar falei falo fala conversa conversar | 聊天 谈话
people person | pessoas pessoa gente | 别人
user users | utilizador utilizadores usuário usuários | 用户
build built building | construir construí | 建造
walk walked walking | caminhada caminhar passeio andar | 散步 走路
time | tempo | 时间
late | tarde atraso atrasado | 迟到
early | cedo | 提前
fast quick quickly | rápido depressa
slow slowly | devagar lento
pay paid payment | pagar paguei pagamento | 付钱 支付
save saved savings | poupar poupei poupança | 存钱 省钱 存款
debt | dívida | 欠钱 债务
lend borrow borrowed | emprestar emprestei emprestou emprestado | 借给 借钱 借了
loan mortgage installment installments financing financed | empréstimo crédito financiamento parcela parcelas parcelado prestação prestações | 贷款 借钱 分期
tax taxes | imposto impostos | 交税
bank | banco | 银行
invoice invoices | fatura faturas recibo | 发票
contract | contrato | 合同
boss manager | chefe | 老板 领导
colleague colleagues | colega colegas | 同事
team | equipa | 团队
meeting meetings | reunião reuniões | 开会
project projects | projeto projetos | 项目
idea ideas | ideia ideias | 想法 主意
kitchen | cozinha | 厨房
renovation reno builder | obras empreiteiro reforma reformar | 装修
bathroom | banho banheiro
neighbour neighbor neighbours | vizinho vizinha vizinhos | 邻居
partner girlfriend boyfriend | namorada namorado companheira companheiro | 男友 女友 对象
wedding | casamento | 婚礼 结婚
food meal | comida refeição | 吃饭
cook cooking | cozinhar | 做饭
run running | correr corrida | 跑步
sport exercise | desporto exercício | 运动 锻炼
train rail railway | comboio trem | 火车 高铁 动车
bus | autocarro ônibus | 公交
airplane aeroplane flight flights | avião voo voos | 飞机 航班
move moved moving | mudança mudar mudei | 搬家
job offer | proposta | 工作
interview | entrevista | 面试
freelance freelancer | freelancer independente autônomo
fear afraid scared | medo | 害怕
happy | feliz contente | 开心 高兴
tired | cansado cansada | 很累 疲惫
stress stressed | stress stressado estressado estressada | 压力
regret regrets | arrependo arrependimento | 后悔
advice | conselho conselhos | 建议
rule rules | regra regras | 规则 规矩
habit habits | hábito hábitos | 习惯
problem problems | problema problemas | 问题
question questions | pergunta perguntas
answer | resposta | 回答
first | primeiro primeira | 第一
second | segundo segunda | 第二
three | três | 三个
half | metade meia | 一半
double | dobro | 两倍
university | universidade faculdade | 大学
january | janeiro | 一月
february | fevereiro | 二月
march | março | 三月
april | abril | 四月
may | maio | 五月
june | junho | 六月
july | julho | 七月
august | agosto | 八月
september | setembro | 九月
october | outubro | 十月
november | novembro
december | dezembro
christmas | natal | 圣诞
easter | páscoa | 复活
morning mornings | manhã manhãs | 早上 上午
night nights evening | noite noites | 晚上 夜里
fair | feira | 集市
fine fines | multa multas coima coimas | 罚款 罚单
shop store | loja | 商店 网店
finish finished | terminar terminei terminou acabar | 完成 结束 做完
teacher | professor professora | 老师
student students pupil pupils | aluno aluna alunos alunas | 学生
exchange | intercâmbio | 交换
apply application | candidatar candidatura inscrição inscrever | 申请
custody | guarda | 抚养
near close | perto próximo próxima | 附近
far | longe | 很远
marathon | maratona | 马拉
race | prova | 比赛
coach | treinador treinadora | 教练
swim swimming | nadar natação | 游泳
knee knees | joelho joelhos | 膝盖
injury injured hurt | lesão lesionado machucado machuquei | 受伤
accident crash crashed | acidente batida | 事故 车祸
insurance | seguro | 保险
hospital | hospital | 医院
craft crafts handmade | artesanato | 手工
shoulder shoulders | ombro ombros | 肩膀
appointment appointments | consulta consultas marcação | 预约 门诊
surgery operation | cirurgia operação | 手术
dentist | dentista | 牙医
stitches | pontos | 缝针
flood flooded flooding | inundação inundado cheia | 淹水 水灾
dryer | secador secadora | 烘干机
funeral | funeral enterro velório | 葬礼
grandmother grandma gran nan granny | avó | 奶奶 外婆 阿嬷 姥姥
grandfather grandpa grandad | avô | 爷爷 外公 阿公 姥爷
ticket tickets | bilhete bilhetes passagem passagens | 机票 车票 门票
visa | visto | 签证
passport | passaporte | 护照
nurse | enfermeira enfermeiro | 护士
insomnia | insónia insônia | 失眠
ex | ex | 前夫 前妻
divorce divorced | divórcio divorciada divorciado | 离婚
pet pets | animal | 宠物
vet | veterinário veterinária | 兽医
phone | telemóvel celular telefone | 手机 电话
card | cartão | 信用
stock stocks shares | ações | 股票 个股
fund funds index | fundo fundos índice | 基金 指数
invest investing investment | investir investimento | 投资 理财
church | igreja | 教会
choir | coral coro | 合唱
exam exams | exame exames concurso | 考试
study studying studied | estudar estudei estudo | 复习
course | curso | 课程
driver drive driving | motorista dirigir conduzir | 司机 开车
shift shifts | turno turnos plantão | 班次 夜班
emigrate emigration | emigrar emigração | 移民
baby | bebé bebê | 宝宝
pregnant pregnancy | grávida gravidez | 怀孕
worry worried | preocupado preocupada preocupação | 担心 焦虑
angry | irritado irritada raiva bravo brava | 生气
argue argument fight | discussão briga brigar discutir | 吵架
sad | triste | 难过 伤心
lonely | sozinho sozinha solidão | 孤独 孤单
promotion | promoção | 升职
raise | aumento | 加薪
pottery ceramics clay | cerâmica argila barro | 陶瓷 陶土
kiln oven | forno | 烤箱
monday mondays | segunda segundas | 周一
tuesday tuesdays | terça terças | 周二
wednesday wednesdays | quarta quartas | 周三
thursday thursdays | quinta quintas | 周四
friday fridays | sexta sextas | 周五
saturday saturdays | sábado sábados | 周六
sunday sundays | domingo domingos | 周日
spring | primavera | 春天
summer | verão | 夏天
autumn | outono | 秋天
winter | inverno | 冬天
four | quatro
five | cinco
six | seis
news | notícia notícias | 消息 新闻
viver vive vivo | morar mora moro | 住在 居住
burn burned burnt | queimadura queimei queimou | 烫伤 烧伤
arm arms | braço braços | 胳膊 手臂
hand hands | mão mãos | 手指
leg legs | perna pernas | 腿疼
sign signed | assinar assinei assinou | 签字 签了
breakdown breakdowns | avaria avarias avariou | 故障 坏了
camper caravan trailer motorhome rv | caravana autocaravana trailer | 房车
street st | rua | 街道
adopt adopted adoption | adotar adotei adoptar adoptei adoção | 领养 收养
deposit | sinal caução | 押金 定金
north northern | norte | 北方
south southern | sul | 南方
"""
"""Everyday words in English | Portuguese (European and Brazilian) | Chinese, one meaning a line:
a question in one language still matches notes in another by the words of ordinary life, beside
the names and numbers they share, and a Chinese pair no note uses finds the one it does (老爸 ->
爸爸). Chinese words are two characters: the index holds Chinese as character pairs. Not a
dictionary: a note is still found by its own words first."""


def _side_terms(side: str) -> set[str]:
    """A glossary side's terms as the index holds them: stemmed words, Chinese words as pairs."""
    return {t for w in TOKEN.findall(side) if fold(w) not in STOPWORDS
            for t in (cjk_pairs(w) if CJK.match(w) else [stem(w)])}


def _glossary(other_side_only: bool) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in GLOSSARY.strip().splitlines():
        sides = [_side_terms(side) for side in line.split("|")]
        for i, side in enumerate(sides):
            alts = set().union(*(o for j, o in enumerate(sides) if j != i or not other_side_only))
            for t in side:
                out.setdefault(t, set()).update(alts - {t})
    return {t: frozenset(v) for t, v in out.items()}


THEMES = """
money: money cash finances financial savings saving afford bills debt debts sums spreadsheet budget
  expenses overdraft salary wages income rent euros pounds dollars | dinheiro poupança poupanças poupar contas
  despesas dívida dívidas salário ordenado rendimento renda euros |
  花钱 存钱 省钱 工资 房租 账单 欠钱 借钱 存款 预算 开销 理财 收入
sleep: sleep slept sleeping asleep sleepless insomnia awake woke wake waking night nights bed bedtime alarm nap |
  dormir dormi durmo sono insónia insônia acordar acordei acordo acordado noite noites madrugada cama
  despertador adormeci adormecer |
  睡觉 睡眠 失眠 熬夜 半夜 凌晨 夜里 起床 闹钟 醒来 早醒
tired: tired tiredness exhausted exhaustion burnout drained fatigue energy | cansado cansada cansaço exausto
  exausta esgotado esgotada energia |
  很累 疲惫 累了 没劲 精力
body: body pain painful hurt hurts hurting sore ache aches aching wrist wrists neck shoulder shoulders knee
  knees hip tendon tendons injury injured strain headache headaches migraine stomach physio physiotherapist |
  corpo dor dores dói doer doía pulso pulsos costas pescoço ombro ombros joelho joelhos anca tendão tendões
  lesão cabeça enxaqueca estômago fisioterapeuta fisio |
  身体 疼痛 腰疼 头疼 膝盖 受伤 扭伤 拉伤 胃疼 理疗
health: health ill sick illness doctor hospital medication medicine fever flu therapist therapy | saúde doente
  doença médico médica hospital medicamento medicamentos febre gripe terapia terapeuta psicóloga psicólogo |
  健康 生病 医生 医院 吃药 发烧 感冒 体检
worry: anxious anxiety worry worried worrying worries stress stressed nervous panic panicked afraid fear scared
  dread overwhelmed tense stressful awful terrible horrible | ansioso ansiosa ansiedade preocupado preocupada preocupação preocupações stressado
  stressada nervoso nervosa pânico medo assustado assustada tenso tensa angústia |
  焦虑 担心 紧张 压力 害怕 恐慌 崩溃 心慌
conflict: clash clashes clashing argue argued arguing argument arguments fight fights fought quarrel
  disagree disagreed disagreement tension tensions upset angry annoyed furious shouting shouted snapped |
  discussão discussões discutir discutimos discuti zanga zangado zangada chateado chateada briga brigas
  gritar gritou gritei irritado irritada tensão |
  吵架 争吵 冲突 生气 发火 闹别 冷战 不爽 顶嘴
mood: sad sadness lonely loneliness depressed cried crying miserable guilty guilt ashamed | triste tristeza
  sozinho sozinha deprimido deprimida chorei chorar culpa culpado culpada vergonha |
  难过 伤心 孤独 孤单 哭了 委屈 内疚 抑郁
calm: calm calmer calming quiet quieter relax relaxed relaxing peace peaceful breathe unwind clear | calma
  calmo calmante sossego sossegado relaxar relaxado descansar paz respirar |
  冷静 平静 放松 安静 散步 深呼
joy: happy happiness glad proud joy excited grateful | feliz felicidade contente orgulhoso orgulhosa alegria grato
  grata |
  开心 高兴 快乐 满足 骄傲
yes: yes agreed agree agreeing promised promise favour favor cover covered extra volunteered volunteer overcommit
  overcommitted | sim aceitei aceitar aceito prometi prometer favor cobrir extra |
  答应 同意 帮忙 顶班 加班
delay: procrastinate procrastinating procrastination postpone postponed delay delayed late overdue deadline
  deadlines avoid avoided avoiding | adiar adiei adio adiado atraso atrasado atrasada prazo prazos evitar evito
  evitei |
  拖延 推迟 拖到 迟到 截止 逃避
food: eat eating ate food meal meals snack snacks dinner lunch breakfast takeaway sugar | comer comi comida
  refeição refeições jantar almoço lanche doces açúcar |
  吃饭 外卖 零食 宵夜 早饭 午饭 晚饭 甜食
drink: alcohol drink drinking drank wine beer beers drunk hangover | álcool beber bebi vinho cerveja cervejas
  bêbedo bêbeda ressaca |
  喝酒 啤酒 红酒 宿醉
exercise: exercise workout gym run running ran swim swimming climbing cycling yoga fitness sport | exercício
  treino ginásio correr corrida nadar natação escalada escalar ioga desporto |
  运动 锻炼 跑步 游泳 攀岩 健身 骑车 瑜伽
family: family mum mom mother dad father parents sister brother son daughter kids children grandmother grandma
  grandfather | família mãe pai pais irmã irmão filho filha filhos avó avô |
  家人 爸爸 妈妈 哥哥 姐姐 弟弟 妹妹 奶奶 爷爷 外婆 阿嬷
friends: friend friends friendship party parties invited invite | amigo amiga amigos amigas amizade festa convite
  convidou |
  朋友 聚会 约饭
partner: partner girlfriend boyfriend wife husband relationship couple dating | namorada namorado companheira
  companheiro mulher marido relação casal |
  男友 女友 对象 老公 老婆 恋爱 异地
job: job boss manager colleague colleagues office shift shifts overtime workload promotion career meeting meetings
  busy hectic swamped | emprego chefe colega colegas escritório turno turnos promoção carreira reunião reuniões
  ocupado ocupada correria sobrecarregado sobrecarregada |
  工作 上班 老板 领导 同事 加班 开会 升职 夜班
customers: user users customer customers client clients buyer buyers audience interview interviews interviewed
  feedback survey | utilizador utilizadores cliente clientes comprador compradores público entrevista entrevistas
  inquérito |
  客户 用户 顾客 买家
school: grading grade grades marking essays homework exam exams pupils students teaching teach | corrigir correção
  exames alunos alunas ensinar ensino testes
price: price prices pricing quote quoted quotes charge charged charging undercharge undercharged undercharging
  discount cheap | preço preços orçamento orçamentos cobrar cobrei cobro desconto barato |
  价格 报价 便宜 太贵 打折
weekend: weekend weekends saturday saturdays sunday sundays holiday holidays | fim-de-semana sábado sábados
  domingo domingos folga folgas férias |
  周末 假期 休息 放假
screen: phone screen scrolling instagram tiktok youtube netflix tv television | telemóvel telefone ecrã
  televisão |
  手机 刷手 抖音 视频
works: builder builders tradesman tradesmen tradespeople trades plumber electrician contractor roofer carpenter
  joiner decorator renovation rewiring damp joists | empreiteiro empreiteiros pedreiro canalizador eletricista
  obras remodelação telhado
travel: travel trip trips flight flights airport abroad | viagem viagens voo voos aeroporto estrangeiro |
  旅行 旅游 机票 出差 航班
"""
"""Families of everyday words that mean one part of a life, in English, Portuguese and Chinese (a small
LIWC): a pattern is written in other words than the question's, so "what happens to my nights
when I'm anxious about cash?" must reach "Woke up at 2:40 doing the savings in my head". Used
for pattern questions only, and weaker than the words themselves."""


def _themes() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for family in re.split(r"\n(?=\w+:)", THEMES.strip()):
        _, _, body = family.partition(":")
        members = {t for w in TOKEN.findall(body) if fold(w) not in STOPWORDS and (len(w) > 2 or CJK.match(w))
                   for t in (cjk_pairs(w) if CJK.match(w) else [stem(w)])}
        for t in members:
            out.setdefault(t, set()).update(members - {t})
    return {t: frozenset(v) for t, v in out.items()}


THEME_MATES = _themes()


def themes(term: str) -> frozenset[str]:
    """The words of the same part of life as `term` (THEMES), stemmed; empty for most words."""
    return THEME_MATES.get(term, frozenset())


FORMS = _glossary(other_side_only=False)
TRANSLATIONS = _glossary(other_side_only=True)


def forms(term: str) -> frozenset[str]:
    """The same word in the other language, and its other forms (stemmed), from GLOSSARY."""
    return FORMS.get(term, frozenset())


def translations(term: str) -> frozenset[str]:
    """The same word in the other language only (stemmed), from GLOSSARY."""
    return TRANSLATIONS.get(term, frozenset())


def held(term: str, have) -> bool:
    """`term`, or the same word in the other language, is among `have`."""
    return term in have or any(f in have for f in forms(term))


PT_MARKS = frozenset("não que de da em um uma para com o os é eu meu minha porque porquê foi são mas na ao dos das "
                     "isso este esta quem qual quando onde como muito já também".split())
ES_MARKS = frozenset("el los las del y pero yo mi mis muy qué cómo cuándo dónde cuánto cuánta quién cuál es está fue lo "
                     "le una con por eso esto pues ya también hay".split())
DE_MARKS = frozenset("der das und ich nicht ist ein eine zu mit auf für hab habe bin warum wieso wie wer wen wo "
                     "wann den dem meine nach aus auch noch schon dass mir mich bei eigentlich wenn meinen meinem "
                     "meiner sind".split())  # not "mein": Hinglish "in"
FR_MARKS = frozenset("le les et je est pas une dans pour avec qui ce cette mais sur au aux mon mes pourquoi comment "
                     "combien ai suis était très aussi ça c'est j'ai nous vous avons avez quel quelle quels où "
                     "est-ce vraiment toujours encore déjà jamais chez depuis après".split())
IT_MARKS = frozenset("il di che non sono ho anche perché quando dove mio mia della del nel nella alla gli ci "
                     "molto più è cmq nn chi perchè xché xké come per".split())  # "come", "per": English words too
EN_MARKS = frozenset("the and of to is was i my it that for with on what who why how did in at be this".split())
QUESTION_WORDS = frozenset(fold(w) for w in "what who why how when where which did do does is was are qual quais quem "
                           "porque porquê por quando onde como quanto quanta quantos quantas que o a os as "
                           "em no na eu".split())


PT_ONLY, ES_ONLY = PT_MARKS - ES_MARKS, ES_MARKS - PT_MARKS
FR_SIGNS = re.compile(r"\b(?:j|qu|m|n|s|t|jusqu|lorsqu|puisqu)['’](?=\w)|[ûîœ]|è(?=\w)|\B(?:ait|aient)\b", re.IGNORECASE)
"""French in its letters: "j'ai", "qu'il", "m'a" ("l'", "d'" are Italian too), "coûté", "sœur", "très", "exerçait"."""
IT_SIGNS = re.compile(r"\b(?:dell|all|dall|nell|sull|quest|quell)['’](?=\w)|gli|zion|cch|\B(?:ono|iamo)\b|[òù]\b",
                      re.IGNORECASE)
"""Italian in its letters: "dell'affitto", "moglie", "stazione", "vecchio", "vengono", "però"."""
DE_SIGNS = re.compile(r"[äöüß]", re.IGNORECASE)
"""German in its letters: "hält", "läuft", "Größe" ("Was hält bei mir nie länger als ein paar Wochen?"
has no German word English lacks but "mir" and "bei")."""
PT_OWN = PT_ONLY - frozenset("de da que em o os na para com".split())  # "de la gare", "da Molini", "que je"
FR_ONLY = FR_MARKS - PT_MARKS - ES_MARKS - IT_MARKS
IT_ONLY = IT_MARKS - PT_MARKS - ES_MARKS - FR_MARKS


def inflecting(text: str) -> bool:
    """Whether a question is Finnish, Turkish or Polish by its little words: their words change at the end
    ("Corollan", "plakasını", "kupiłem"), so its terms are searched by their stem (`Retriever.same_stem`)."""
    tokens = [fold(t) for t in TOKEN.findall(text[:4000])]
    enough = max(2, len(tokens) // 8)
    return finnish(text) or any(sum(1 for t in tokens if t in marks) + bool(signs.search(text)) >= enough
                                for marks, signs in ((TR_MARKS, TR_SIGNS), (PL_MARKS, PL_SIGNS)))


def finnish(text: str) -> bool:
    """Whether a question or note is Finnish by its little words: Finnish inflects a word's end ("e-Niroon",
    "Corollan"), so its terms are searched by their stem (`Retriever.terms_of`). `text_language` says "en"."""
    tokens = [t.lower() for t in TOKEN.findall(text[:4000])]
    return sum(1 for t in tokens if t in FI_MARKS) >= max(2, len(tokens) // 8)


def text_language(text: str) -> str:
    """"zh" when most of its letters are Chinese, else "pt", "es", "fr", "it", "de" or "en" by their
    commonest little words (a note, a question); "en" when unsure. "de", "que" and "para" count for
    Portuguese only, so a Spanish note full of them may read as Portuguese (6 of the 30 in
    answer-vault-171); not counting them for either moved Portuguese notes to English. Against French
    and Italian, whose notes are full of "de", "la" and "da" too, only Portugal's own words count."""
    letters = [c for c in text[:4000] if c.isalpha()]
    if letters and sum(1 for c in letters if CJK.match(c)) / len(letters) > 0.3:
        return "zh"
    tokens = [t.lower().replace("’", "'") for t in TOKEN.findall(text[:4000])]
    pt, es, fr, it, de, en, own = (sum(1 for t in tokens if t in marks) for marks in
                                   (PT_ONLY, ES_ONLY, FR_ONLY, IT_ONLY, DE_MARKS, EN_MARKS, PT_OWN))
    fr += len(FR_SIGNS.findall(text[:4000]))  # one pass over the text: this runs on every paragraph
    it += len(IT_SIGNS.findall(text[:4000]))
    de += len(DE_SIGNS.findall(text[:4000]))
    fr, it, de = (n if n >= 2 else 0 for n in (fr, it, de))  # one word is not German yet ("hab" is a typo as often)
    if max(fr, it) > max(own, en) and max(fr, it) >= max(es, de):  # Spanish "mi", "le" are Italian and French too
        return "fr" if fr >= it else "it"
    if max(pt, es, de) <= en:
        return "en"
    return max((pt, "pt"), (es, "es"), (de, "de"), key=lambda pair: pair[0])[1]


YEAR = re.compile(r"(?:19|20)\d\d")
"""A year as a term: a question's year may be a note's date rather than one of its words."""


def names(question: str) -> list[str]:
    """The names and numbers a question holds, as terms ("Qual foi a minha nota no HSK 3?" ->
    hsk, 3): capitalised words after the first, acronyms, numbers, and Chinese words in a question
    in another language. They are the same in every language, so they are what a question in one
    language shares with a note in another."""
    out = []
    latin = text_language(question) != "zh" and not KANA_OR_HANGUL.search(question)  # Japanese kanji are its words
    for i, token in enumerate(words(plain_numbers(question))):
        if CJK.match(token):
            if latin:  # "What time was 小满 born?": Chinese in an English question is a name
                out.extend(cjk_pairs(token))
            continue
        if fold(token) in QUESTION_WORDS or fold(token) in STOPWORDS or contraction(token):
            continue  # "I" is no name, nor "I'd" ("…compared to what I'd budgeted?")
        if token.isdigit() or (token[:1].isupper() and (i > 0 or token.isupper() or not latin)):  # "Joana 喺…"
            out.append(stem(token))
    return list(dict.fromkeys(out))


def is_frame(term: str) -> bool:
    return term in FRAME_TERMS


def is_particle(term: str) -> bool:
    """A Latin word of one or two letters: "wi" (with), "ba", "ko", "n". When no note holds one it
    is the writer's shorthand or a particle, not the subject the question is about."""
    return len(term) <= 2 and term.isascii() and term.isalpha()


def is_cjk(term: str) -> bool:
    """Chinese characters, Korean syllables or katakana: all are indexed as overlapping pairs."""
    return bool(CJK.match(term) or HANGUL.match(term) or KATAKANA.match(term))


def rouge_tokens(text: str) -> list[str]:
    """Tokens for answer overlap: lower-cased words (stopwords kept) and single CJK characters."""
    out: list[str] = []
    for token in words(text):
        out.extend(list(token) if CJK.match(token) else [stem(token)])
    return out


PATTERN_WORDS = frozenset(terms("keep kept always usually usual often again pattern patterns habit habits tend mistake "
                                "mistakes lesson lessons learned learn wrong repeatedly recurring sempre costumo "
                                "erro erros volto cometer aprendi", keep_stopwords=True))
"""A pattern question's own words: they say a pattern is asked for, not what it is about."""
DECISION_VERBS = frozenset(terms(
    "buy bought sell sold switch switched move moved quit stop stopped start started leave left join joined take took "
    "give gave decide decided choose chose pick picked drop dropped get got go went keep kept make made use used try "
    "tried change changed put pay paid spend spent cost learn learning say said tell told do did have had stay stayed "
    "sign signed accept accepted turn turned actually really real reason honestly comprar comprei vender vendi mudar "
    "mudei sair saí deixar deixei parar parei começar comecei decidir decidi escolher escolhi pagar paguei gastar gastei "
    "ficar fiquei aceitar aceitei recusar recusei tirar tirei ir fui fazer fiz dar dei usar usei ter tive passar passei "
    "resolver resolvi resolvemos resolveu resolvido",
    keep_stopwords=True))
"""What any decision does ("buy", "quit", "deixei") and how a why question doubts it ("really",
"honestly"), not what it is about ("boat", "concurso")."""
ASKING_TERMS = PATTERN_WORDS | FRAME_TERMS
"""How a pattern question is asked, not what it asks about: left out of its search while a subject remains."""


SINCERE = frozenset(stem(w) for w in """honest honestly really actually genuinely seriously realmente sinceramente mesmo msm
verdade vdd afinal bakit talaga""".split())
""""be honest", "o que realmente…", "bakit … talaga": how hard I ask, not what about. Where no note
says them they weigh nothing (`Retriever.idf`); where notes do ("honestly, it was the commute") they
rank as any word."""

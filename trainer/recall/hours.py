"""When in the day I act: "what time of day do my big calls get made?" asks for hours.

Such a question shares no word with its evidence: "Signed the offer on DocuSign at 1.47am",
"PayNow'd 15 Jan (technically 12.15am)", "texted Sheila 'I'm in' at 11:48 pm" sit in journals and
decision notes about other things, and the search finds notes about "calls" and "time" instead.
The evidence has a plain shape, though: an hour beside an act that settles something (or an hour
in a decision's own note). This module owns that shape; `shapes` finds the notes that hold it.
"""

from __future__ import annotations

import re

from trainer.recall.terms import both_scripts

ASKS_HOUR = re.compile(both_scripts(r"^(?!.*(?:\btell\b|\bcont(?:o|ar)\b|告诉|告訴|話俾|话俾|才说|才講|才讲)).*?"
                       r"(?:^\s*when (?:do|did|does|should) (?:I|my)\b|\bwhat time\b|\btime of (?:the )?day\b|\bat what hour\b|"
                       r"\ba que horas?\b|\bque horas?\b|\b(?:weird|odd|strange|ungodly|late|crazy|funny) hours\b|\bem que (?:momento|hora|altura)\b|"
                       r"^\s*quando (?:é que )?(?:eu )?(?:costumo|tendo|acabo)\b|\bhorário\b|\baltura do dia\b|"
                       r"\bwhere do (?:I|my) (?:\w+ ){0,3}(?:calls?|decisions?)\b|\b(?:place|moment) where I\b|"
                       r"\bà quel moment\b|\bquelle heure\b|\ba che ora\b|\bin che momento\b|\b(?:a|à) qu[eé] hora\b|"
                       r"\bum wie viel uhr\b|"
                       r"什么时候|啥时候|咩时候|什么时间|时间段|几点|边个时间|几时|"
                       r"^(?=.*(?:\bdecid|\bdecis|\bbig calls?\b|decidi|decisões|\bdécid|\btranch|\bentscheid|决定|拍板|大事))"
                       r"(?=.*(?:\bnight\b|\bmidnight\b|\blate\b|\bnoite\b|madrugada|\bnuit\b|\bnotte\b|\bnoche\b|"
                       r"\bnachts?\b|半夜|深夜|凌晨|夜里|晚上|大夜|夜班|下班)))"),
                       re.IGNORECASE | re.DOTALL)
"""A pattern question that asks when in the day (or at what moment) I do a thing, or whether my
decisions are made at night ("be like say I dey make all my big decisions for night?", "我是不是做大决定都在半夜",
"大夜下班還沒睡的時候做大決定", off a night shift);
not when I tell someone ("大事我一般啥时候才告诉我妈？": after it is done, not at what hour)."""
CLOCK = re.compile(both_scripts(r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}[:h]\d\d\b|\b\d{1,2}\s?h\b|"
                   r"\b0\d[0-5]\d\b(?!\s?(?:km|kg|mm|ml|m\b|€|%))|\b(?:1\d|2[0-3])[0-5]\d\s?(?:hrs?|h)\b|"
                   r"\b(?:midnight|meia-noite|madrugada|noon|meio-dia|in the small hours)\b|"
                   r"\b(?:one|two|three|four|five|uma|duas|três|quatro|cinco) (?:in the morning|da manhã|da madrugada)\b|"
                   r"\b\d{1,2} (?:in the morning|at night|da manhã|da madrugada|da noite)\b|"
                   r"\b(?:às |as )?\d{1,2} e (?:tal|pouco|meia|picos)\b|\bpassava(?:m)? d[ao]s? (?:uma|duas|três|quatro|cinco|\d{1,2})\b|"
                   r"\bgone (?:midnight|one|two|three|four|\d{1,2})\b(?!\s?(?:%|percent|days?|weeks?|months?|years?))|"
                   r"\b(?:twenty|ten|five|quarter|twenty-five) (?:to|past) (?:midnight|twelve|one|two|three|four|\d{1,2})\b|"
                   r"\bhalf (?:ten|eleven|twelve|one|two|three|10|11|12|1|2|3)\b(?!\s?(?:%|days?|weeks?|months?|years?|hours?))|"
                   r"\b(?:nuit blanche|minuit|du matin|notte in bianco|mezzanotte|di notte|de la madrugada|mitternachts?)\b|"
                   r"\balle \d{1,2}(?:[:.]\d\d)?\b(?!\s?(?:€|%))|"
                   r"凌晨|半夜|深夜|夜里|\d{1,2}\s?点|[一二两三四五六七八九十]{1,3}点(?:多|半|钟|一刻)?"), re.IGNORECASE)
"""A time of day as people write it: "12:50am", "00:40", "às 2h", "à uma da manhã", "midnight", "凌晨",
a shift worker's "0340" (a leading zero: no year) or "2130 hrs"."""
ACTED = re.compile(both_scripts(r"\b(?:decided|applied|submitted|hit submit|hit send|signed|accepted|said yes|agreed|booked|ordered|"
                                r"emailed|texted|messaged|whatsapp(?:ed|'d)|replied|sent|paid|transferred|committed|"
                                r"put (?:down )?(?:a |the )?deposit|resigned|handed in|pulled the trigger|put in an offer|"
                                r"decidi|candidatei-me|assinei|aceitei|encomendei|reservei|mandei|enviei|respondi|paguei|"
                                r"transferi|fechei|fechamos|bati o martelo|disse que sim|décidé|décidée|signé|accepté|réservé|"
                                r"commandé|envoyé|payé|annoncé|appelé|deciso|decisa|firmato|accettato|prenotato|ordinato|"
                                r"pagato|chiamato|decidí|firmé|acepté|pagué|entschieden|unterschrieben|zugesagt|gebucht)\b|决定|拍板|下单|报名|提交|签了|答应|回复|付了|转了|定金"), re.IGNORECASE)
"""An act that settles a decision, in a journal as much as a decision note: "Hit submit at 1:15am",
"Texted Liam at 11:40pm: ok I'll do it", "12:50am now. Just emailed Bec to say I'm not coming"."""

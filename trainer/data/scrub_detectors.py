"""Detectors for private values that plain token regexes miss: passwords written as prose or
in command lines, keys cut short, and personal identifiers (IBAN, SSN, passport, address,
date of birth, QQ / WeChat ids, wallet seed phrases).

Each detector takes (text, config) and yields (start, end) spans of the value to replace.
Identifiers without a checksum are only taken after a cue word ("passport no.", "DOB",
"微信号"), so ordinary prose with numbers and dates survives. Patterns follow gitleaks' and
detect-secrets' rules where those have one (private-key blocks, AWS secret keys, keyword
assignments); the BIP-39 word list comes from the `mnemonic` package (Trezor's reference code).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

Found = Iterator[tuple[int, int]]

# --- passwords ------------------------------------------------------------------------------

# a glued prefix only before the unmistakable words (PGPASSWORD, db_pwd), never before "pin" ("spin:")
# (a glued prefix starts where its run of letters and digits starts: tried from every digit of
# "1111...", the prefix made the pattern quadratic)
PASSWORD_WORDS = (r"(?:(?<![a-z0-9])[a-z0-9]*[_-]?|(?<![a-z]))(?:passw(?:or)?d|passwd|pwd|passphrase|passcode)"
                  r"|(?<![a-z])pin(?:\s*code)?|密码|口令")
ASSIGN = r"\s*[:=：＝]\s*"
# `password: "correct horse battery staple"`, `密码：「abc」`: a quoted value, spaces and all
QUOTED_PASSWORD = re.compile(
    rf"(?i)(?:{PASSWORD_WORDS}){ASSIGN}(?:\"([^\"\n]{{1,200}})\"|'([^'\n]{{1,200}})'"
    r"|“([^”\n]{1,200})”|「([^」\n]{1,200})」)"
)
# `password: correcthorsebatterystaple`, `pwd=abc`, `PGPASSWORD=x`, `密码：hunter2`: any value
BARE_PASSWORD = re.compile(rf"(?i)(?:{PASSWORD_WORDS}){ASSIGN}([^\s\"'`,;，。；、]+)")
# "my bank password is hunter2", "the wifi password for the router was x", "密码是abc123"
PROSE_PASSWORD = re.compile(
    rf"(?i)(?:{PASSWORD_WORDS})(?:\s+(?:for|to|of|on|at)(?:\s+[\w'-]+){{1,3}}?)?"
    r"(?:\s+(?:is|was|are|=)\s*(?:[:：]\s*)?|\s*(?:是|为|:|：)\s*)[\"'“「]?([^\s\"'”」,;，。；、]+)"
)
NOT_A_PASSWORD = frozenset(
    "the a an my your our his her their its same still now not in on at to too very also just "
    "written stored saved kept expired wrong correct set reset changed required optional empty blank "
    "none null true false yes no n/a na tbd todo unknown here there below above this that it "
    "weak strong long short easy hard secure protected encrypted manager managers".split()
)
# `mysql -uroot -pS3cret`, `mysqldump -p'my pass'`: -p glued to its value
MYSQL_PASSWORD = re.compile(
    r"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mariadb|mariadb-dump)\b[^\n]{0,300}?\s-p(?:\"([^\"\n]+)\"|'([^'\n]+)'|([^\s'\"]+))"
)
# `--password hunter2`, `sshpass -p hunter2`
FLAG_PASSWORD = re.compile(r"(?:\s--pass(?:word|wd)?\s+|\bsshpass\s+-p\s*)(?:\"([^\"\n]+)\"|'([^'\n]+)'|([^\s'\"-][^\s'\"]*))")
# `curl -u user:pass`, `curl --user user:pass`, `http -a user:pass`, `wget --http-password=x`
USER_PASS_FLAG = re.compile(
    r"\b(?:curl|http|https|httpie|wget)\b[^\n]{0,300}?\s(?:-u|--user|-a|--auth)[\s=]*[\"']?([^\s\"':]+:[^\s\"']+)"
)


def _first_group(m: re.Match) -> tuple[int, int]:
    group = next(i for i in range(1, (m.re.groups or 0) + 1) if m.group(i) is not None)
    return m.start(group), m.end(group)


def passwords(text: str, config) -> Found:
    """Values given to a password, in every form people write one down."""
    lowered = text.lower()
    if not any(cue in lowered for cue in ("pass", "pwd", "pin", "密码", "口令", "mysql", "maria", "curl",
                                           "http", "wget")):
        return
    for pattern in (QUOTED_PASSWORD, MYSQL_PASSWORD, FLAG_PASSWORD, USER_PASS_FLAG):
        yield from (_first_group(m) for m in pattern.finditer(text))
    for pattern in (BARE_PASSWORD, PROSE_PASSWORD):
        for m in pattern.finditer(text):
            start, end = m.span(1)
            value = m.group(1).rstrip(".!?:)")
            pin = m.group(0)[:3].lower() == "pin"  # a PIN has digits: "Pin: important" is a note
            if value and value.lower() not in NOT_A_PASSWORD and not value.startswith("<") and \
                    (not pin or any(c.isdigit() for c in value)):
                yield start, start + len(value)


# --- keys -----------------------------------------------------------------------------------

# a private key block with its END line, or, cut short, its header lines and base64 lines
KEY_BEGIN = re.compile(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
KEY_END = re.compile(r"-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
KEY_TAIL = re.compile(r"(?:\r?\n[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z-]+: [^\n]*)?[ \t]*(?=\r?\n|$))*")
# AWS secret access keys: 40 characters of base64, upper, lower and a digit (gitleaks' rule,
# without requiring the "aws" keyword nearby, which prose rarely has)
AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


def private_keys(text: str, config) -> Found:
    """Each BEGIN line to the first END line after it, or, with none, to the end of its key
    lines. The END found is remembered: searched again from every BEGIN ("-----BEGIN PRIVATE
    KEY-----" pasted 10,000 times), a lazy `[\\s\\S]*?` made this quadratic."""
    if "PRIVATE KEY" not in text:
        return
    last, end = 0, KEY_END.search(text)
    for begin in KEY_BEGIN.finditer(text):
        if begin.start() < last:
            continue  # inside the block found before
        if end is not None and end.start() < begin.end():
            end = KEY_END.search(text, begin.end())
        stop = end.end() if end is not None else KEY_TAIL.match(text, begin.end()).end()
        last = stop
        yield begin.start(), stop


def aws_secrets(text: str, config) -> Found:
    for m in AWS_SECRET.finditer(text):
        s = m.group()
        if any(c.isdigit() for c in s) and any(c.isupper() for c in s) and any(c.islower() for c in s):
            if len(set(s)) >= 16:  # random: about 29 distinct of 40; words and paths repeat
                yield m.span()


# token formats maintained by Yelp's detect-secrets (its regex plugins; no network is used:
# only verification, which is never called, would go online)
MAINTAINED = ("artifactory.ArtifactoryDetector", "azure_storage_key.AzureStorageKeyDetector",
              "discord.DiscordBotTokenDetector", "github_token.GitHubTokenDetector",
              "gitlab_token.GitLabTokenDetector", "ibm_cloud_iam.IbmCloudIamDetector",
              "ibm_cos_hmac.IbmCosHmacDetector", "mailchimp.MailchimpDetector", "npm.NpmDetector",
              "openai.OpenAIDetector", "pypi_token.PypiTokenDetector", "sendgrid.SendGridDetector",
              "slack.SlackDetector", "square_oauth.SquareOAuthDetector", "stripe.StripeDetector",
              "telegram_token.TelegramBotTokenDetector", "twilio.TwilioKeyDetector", "aws.AWSKeyDetector")


@lru_cache(maxsize=1)
def maintained_plugins() -> tuple:
    """detect-secrets' regex plugins, or none when the package is not installed."""
    import importlib

    plugins = []
    for name in MAINTAINED:
        module, cls = name.rsplit(".", 1)
        try:
            plugins.append(getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), cls)())
        except (ImportError, AttributeError):
            continue
    return tuple(plugins)


def maintained_tokens(text: str, config) -> Found:
    """Every value a detect-secrets plugin reports, wherever it occurs in the text."""
    for plugin in maintained_plugins():
        for value in set(plugin.analyze_string(text)):
            if len(value) < 8:
                continue
            start = text.find(value)
            while start >= 0:
                yield start, start + len(value)
                start = text.find(value, start + len(value))


# --- identifiers with a checksum ----------------------------------------------------------

IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?![A-Za-z0-9])")


def iban_valid(candidate: str) -> bool:
    """ISO 13616: 15-34 characters, mod 97 of the rearranged number is 1."""
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def ibans(text: str, config) -> Found:
    yield from (m.span() for m in IBAN.finditer(text) if iban_valid(m.group()))


# --- identifiers after a cue word -----------------------------------------------------------

SSN_DASHED = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
SSN_CUED = re.compile(r"(?i)\b(?:ssn|social security(?: number| no\.?)?)\s*(?:(?:#|is|:)\s*)?(\d{3}[ -]?\d{2}[ -]?\d{4})\b")
PASSPORT = re.compile(
    r"(?i)(?:\bpassport|护照)(?:\s*(?:no\.?|number|num|#|号码|号))?\s*(?:is\s+|是\s*|[:：#]\s*)?"
    r"([A-Z]{0,2}\d[A-Z0-9]{5,8})(?![A-Za-z0-9])"
)
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = (rf"(?:\d{{4}}[-/.年]\d{{1,2}}[-/.月]\d{{1,2}}日?|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})")
DOB = re.compile(
    rf"(?i)(?:\bborn(?:\s+on)?|\bdate of birth|\bd\.?o\.?b\.?|\bbirth\s*date|\bbirthday(?:\s+is)?|出生日期|出生于|生日)"
    rf"\s*(?:(?:[:：]|is|是)\s*)?({DATE})"
)
IM_ID = re.compile(  # the cue must be followed by "号", "id", a colon or "is": "brain import wechat x" is no id
    r"(?i)(?:\bqq|微信|\bwechat|\bweixin|\bwx)"
    r"(?:\s*(?:号码?|id|number|no\.?|account)(?:\s*(?:[:：=]|is\b|是))?|\s*(?:[:：=]|is\b|是))"
    r"\s*([A-Za-z][-_A-Za-z0-9]{5,19}|\d{5,11})(?![-_A-Za-z0-9])"
)
WXID = re.compile(r"\bwxid_[A-Za-z0-9_-]{4,}")


def cued(pattern: re.Pattern) -> callable:
    def detect(text: str, config) -> Found:
        yield from (_first_group(m) for m in pattern.finditer(text))

    return detect


def ssns(text: str, config) -> Found:
    yield from (m.span() for m in SSN_DASHED.finditer(text))
    yield from (m.span(1) for m in SSN_CUED.finditer(text))


def im_ids(text: str, config) -> Found:
    """After "is" a plain word ("wechat is better") is prose; after a colon or 号 it is an id."""
    for m in IM_ID.finditer(text):
        cue, value = text[m.start():m.start(1)], m.group(1)
        if value.isalpha() and not any(c in cue for c in ":：=号"):
            continue
        yield m.span(1)
    yield from (m.span() for m in WXID.finditer(text))


# --- street addresses (conservative: a house number, capitalised words, a street word) ----

STREET_WORDS = (r"Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Court|Ct\.?"
                r"|Way|Place|Pl\.?|Terrace|Crescent|Close|Highway|Hwy\.?|Marg|Straße|Strasse|Gasse|Weg")
ADDRESS = re.compile(
    rf"(?<![\w-])\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'.-]*\s+){{1,4}}(?:{STREET_WORDS})(?![\w])"
    r"(?:,?\s+(?:Apt|Apartment|Flat|Unit|Suite)\.?\s*#?\s*\w+)?"
)
CN_ADDRESS = re.compile(r"[\u4e00-\u9fff]{1,10}(?:路|街|大道|巷|胡同|弄)\d+(?:-\d+)?号(?:\d+(?:栋|号楼|幢|单元|室|楼))*")


def addresses(text: str, config) -> Found:
    yield from (m.span() for m in ADDRESS.finditer(text))
    yield from (m.span() for m in CN_ADDRESS.finditer(text))


# --- wallet seed phrases (BIP-39) -----------------------------------------------------------

WORD = re.compile(r"[A-Za-z]+")
SEED_CUES = ("seed", "mnemonic", "recovery phrase", "recovery words", "secret phrase", "backup phrase", "助记词")
SEP = re.compile(r"[\s,.;:\d)(-]*")


@lru_cache(maxsize=1)
def bip39_index() -> dict[str, int]:
    """Word -> its 11-bit number in the BIP-39 English list (list.index per word made each
    checksum cost a scan of 2,048 words)."""
    from mnemonic import Mnemonic

    return {word: i for i, word in enumerate(Mnemonic("english").wordlist)}


def seed_phrases(text: str, config) -> Found:
    """12+ consecutive BIP-39 words (numbering and commas between them allowed) whose checksum
    holds, or any such run when the text speaks of a seed or recovery phrase."""
    if len(text) < 40:
        return
    cue = any(c in text.lower() for c in SEED_CUES)
    for run in _word_runs(text):
        if cue or _checksum_ok([bip39_index()[text[a:b].lower()] for a, b in run]):
            yield run[0][0], run[-1][1]


def _word_runs(text: str) -> list[list[tuple[int, int]]]:
    """Runs of wordlist words separated only by spaces, commas, dots or numbering."""
    words = bip39_index()
    runs: list[list[tuple[int, int]]] = [[]]
    last_end = 0
    for m in WORD.finditer(text):
        in_list = m.group().lower() in words and m.start() > 0 and not text[m.start() - 1].isalpha()
        if not in_list or (runs[-1] and not SEP.fullmatch(text, last_end, m.start())):
            runs.append([])
        if in_list:
            runs[-1].append(m.span())
        last_end = m.end()
    return [r for r in runs if len(r) >= 12]


SIZES = (24, 21, 18, 15, 12)


def _checksum_ok(numbers: list[int]) -> bool:
    """Whether any window of 12, 15, 18, 21 or 24 words holds a valid BIP-39 checksum (the
    check of `mnemonic.Mnemonic.check`). One pass per size keeps the window's bits in a
    rolling integer, and a window seen before is not hashed again, so a run costs at most
    five hashes per word ("word word word ..." costs five in all)."""
    return any(_size_ok(numbers, size) for size in SIZES)


def _size_ok(numbers: list[int], size: int) -> bool:
    import hashlib

    if len(numbers) < size:
        return False
    bits, checksum_bits = size * 11, size // 3
    mask, seen, value = (1 << bits) - 1, set(), 0
    for i, number in enumerate(numbers):
        value = ((value << 11) | number) & mask
        if i + 1 < size or value in seen:
            continue
        seen.add(value)
        entropy = (value >> checksum_bits).to_bytes((bits - checksum_bits) // 8, "big")
        if hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits) == value & ((1 << checksum_bits) - 1):
            return True
    return False

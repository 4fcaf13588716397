"""Private values written the ways people actually write them: each must leave the text, and
ordinary sentences around them must survive untouched (issue 10)."""

from __future__ import annotations

import pytest

from trainer.data.scrub import ScrubConfig, scrub_text

# (text, the private value that must be gone, the kind counted)
CASES = [
    ("password: correcthorsebatterystaple", "correcthorsebatterystaple", "secret"),
    ("wifi pwd=abc1 for guests", "abc1", "secret"),
    ("card PIN: 4821", "4821", "secret"),
    ("PGPASSWORD=tern export", "tern", "secret"),
    ("my password is: hunter2", "hunter2", "secret"),
    ('password = "correct horse battery staple"', "horse battery", "secret"),
    ("db_password: 'my cat tom'", "my cat tom", "secret"),
    ("my bank password is Tulip1987 so don't forget", "Tulip1987", "secret"),
    ("the wifi password for the cabin was lakeside", "lakeside", "secret"),
    ("银行卡密码：860412，别告诉别人", "860412", "secret"),
    ("邮箱密码是qwerty789", "qwerty789", "secret"),
    ("-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\nlQOYBF2xZ0wBCADc8k3Jq9\nmQINBF2xZ0wBEADx"
     "\n=Hx3k\n-----END PGP PRIVATE KEY BLOCK-----", "lQOYBF2xZ0wBCADc8k3Jq9", "secret"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq3Xk2v\nq9Lm4TnPzR8\n(the rest got cut off)",
     "MIIEowIBAAKCAQEA7bq3Xk2v", "secret"),
    ("mysql -h db.local -uroot -pS3cr3tPw shop", "S3cr3tPw", "secret"),
    ("mysqldump -u admin -p'two words' shop > dump.sql", "two words", "secret"),
    ("curl -u asha:hunter22 https://api.example.com/v1", "hunter22", "secret"),
    ("the aws secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY goes in vault", "wJalrXUtnFEMI/K7MDENG", "secret"),
    ("rent goes to DE89 3704 0044 0532 0130 00 monthly", "3704 0044 0532", "iban"),
    ("IBAN GB82WEST12345698765432", "GB82WEST12345698765432", "iban"),
    ("his SSN is 078-05-1120", "078-05-1120", "ssn"),
    ("ssn: 219099999", "219099999", "ssn"),
    ("passport no. K1234567 expires 2031", "K1234567", "passport"),
    ("护照号码：E12345678", "E12345678", "passport"),
    ("we moved to 221B Baker Street last spring", "Baker Street", "address"),
    ("寄到 中关村大街27号1101室 就行", "中关村大街27号", "address"),
    ("DOB: 14/03/1990", "14/03/1990", "dob"),
    ("she was born on March 3, 1988 in Pune", "March 3, 1988", "dob"),
    ("出生日期：1990年3月14日", "1990年3月14日", "dob"),
    ("my QQ: 123456789", "123456789", "im_id"),
    ("微信号：liwei_1988 加我", "liwei_1988", "im_id"),
    ("wallet seed: legal winner thank year wave sausage worth useful legal winner thank yellow",
     "sausage worth useful", "seed_phrase"),
]

ORDINARY = [
    "I decided not to buy a car: the metro is fine and I cycle to work.",
    "The password manager question is still open; 1Password or Bitwarden?",
    "Reset your password in the settings page, then log in again.",
    "The meeting moved to 14:30 on 2025-03-14, room 4.",
    "We read chapter 12 and 13 of the book, pages 201-245.",
    "WeChat is better for family, Telegram for the cycling club.",
    "Train is cheaper, and I'd rather put the money in the index fund.",
    "brain import wechat exports/li-wei.csv --me 我",
    "Version 3.11.7 fixed the bug; commit 3f2a9c1 on main.",
    "I was born in 1990 and grew up near the sea.",
    "mkdir -p notes/2025 && cp -r drafts notes/",
    "Pin: important. spin: fast. pinned: true",
    "The wifi password is written on the fridge.",
    "我今天学了一个新词：摸鱼。周六早上八点地铁站见。",
    "Our team of 12 shipped 3 features in 2 weeks.",
]


@pytest.mark.parametrize("text,value,kind", CASES, ids=[c[2] + ":" + c[0][:24] for c in CASES])
def test_private_value_is_replaced(text, value, kind):
    result = scrub_text(text)
    assert value not in result.text, result.text
    assert result.counts[kind] >= 1, result.counts
    assert f"<{kind.upper()}>" in result.text


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_sentence_survives(text):
    assert scrub_text(text).text == text


@pytest.mark.parametrize("text, scrubbed", [
    ("bot token MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs (discord)", "bot token <SECRET> (discord)"),
    ("mail key 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", "mail key <SECRET>"),
    ("twilio SK0123456789abcdef0123456789abcdef ok", "twilio <SECRET> ok"),
])
def test_token_formats_from_detect_secrets_are_replaced_whole(text, scrubbed):
    assert scrub_text(text).text == scrubbed


def test_a_truncated_key_takes_its_body_but_not_the_prose_after_a_blank_line():
    text = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n\nI pasted it by mistake."
    out = scrub_text(text).text
    assert "b3BlbnNzaC1rZXktdjEAAAAA" not in out
    assert out.endswith("I pasted it by mistake.")


def test_an_iban_with_a_wrong_check_digit_is_left_alone():
    assert scrub_text("ref DE88 3704 0044 0532 0130 00").counts["iban"] == 0


def test_a_word_list_run_without_checksum_or_cue_is_prose():
    text = "abandon ability able about above absent absorb abstract absurd abuse access accident"
    assert scrub_text(text).text == text


def test_seed_words_numbered_one_per_line_after_a_cue():
    words = "legal winner thank year wave sausage worth useful legal winner thank yellow".split()
    text = "recovery phrase:\n" + "\n".join(f"{i}. {w}" for i, w in enumerate(words, 1))
    assert "sausage" not in scrub_text(text).text


def test_deny_and_allow_lists_from_the_config_section():
    from trainer.data.scrub_settings import ScrubSettings

    config = ScrubSettings(deny=["Priya"], allow=["me@asha.dev"]).to_config()
    out = scrub_text("Priya wrote to me@asha.dev and li@x.org", config).text
    assert out == "<REDACTED> wrote to me@asha.dev and <EMAIL>"


def test_password_kinds_can_be_switched_off_but_deny_stays():
    config = ScrubConfig(enabled_kinds={"email"}, deny=("hunter2",))
    assert scrub_text("password: hunter2", config).text == "password: <REDACTED>"

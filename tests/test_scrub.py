"""The privacy scrub: every kind of private value is replaced by its placeholder, ordinary text
is left alone, allow/deny lists work, and the report never holds a value."""

from __future__ import annotations

import re

import pytest

from trainer.data.scrub import KINDS, ScrubConfig, ScrubReport, cn_id_valid, luhn_valid, scrub_text

# (text, kind, the private value that must disappear)
FOUND = [
    ("Write to meera.iyer@example.org about the talk.", "email", "meera.iyer@example.org"),
    ("Sponsor contact: Rohan, +91 98220 45671, wants March.", "phone", "98220 45671"),
    ("UK office +44 20 7946 0958 closes at six.", "phone", "7946 0958"),
    ("US line (415) 555-2671 after lunch.", "phone", "555-2671"),
    ("李伟的电话是+86 138 0013 8000，有事找他。", "phone", "138 0013 8000"),
    ("新号码13800138000，别告诉别人。", "phone", "13800138000"),
    ("Indian mobile 9822045671 in the sheet.", "phone", "9822045671"),
    ("- Cel: (81) 98812-4470 (o número antigo ela não usa mais)", "phone", "98812-4470"),  # Brazil, no +55
    ("Tlm Zé Mário: 912 345 678", "phone", "912 345 678"),  # Portugal
    ("手機：0912-345-678", "phone", "0912-345-678"),  # Taiwan
    ("- Mobile: 0491 570 156", "phone", "0491 570 156"),  # Australia
    ("Cell: 082 555 0147", "phone", "082 555 0147"),  # South Africa
    ("Phone: 086 555 0193 (the landline)", "phone", "086 555 0193"),  # Ireland
    ("身份证号11010519491231002X已经登记。", "cn_id", "11010519491231002X"),
    ("ID 310115198511204566 on the form.", "cn_id", "310115198511204566"),
    ("Paid with 4111 1111 1111 1111 at the shop.", "card", "4111 1111 1111 1111"),
    ("card 5500-0000-0000-0004 expired", "card", "5500-0000-0000-0004"),
    ("The NAS is at 192.168.1.23 on the home network.", "ip", "192.168.1.23"),
    ("Server 2001:db8:85a3::8a2e:370:7334 answers pings.", "ip", "2001:db8:85a3::8a2e:370:7334"),
    ("OPENAI_API_KEY=sk-Qm7vT2xK9pLr4WnZ8bYc3HdF6sJa1GeU5tXo0NiRkVwq2", "secret", "Qm7vT2xK9pLr4WnZ8bYc3"),
    ("old key sk-proj-abcDEF123456ghiJKL789012mnoPQR", "secret", "abcDEF123456ghiJKL"),
    ("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 in CI", "secret", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "secret", "github_pat_11ABCDEFG0123456789"),
    ("aws AKIAIOSFODNN7EXAMPLE for the bucket", "secret", "AKIAIOSFODNN7EXAMPLE"),
    ("slack xoxb-123456789012-1234567890123-AbCdEfGhIjKl", "secret", "xoxb-123456789012"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "secret", "wJalrXUtnFEMI"),
    ("wifi password: hunter22 (guest network)", "secret", "hunter22"),
    ("Authorization: Bearer abcdef0123456789abcdef0123456789", "secret", "abcdef0123456789abcdef0123456789"),
    ("blob aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ9PQ2 in the config", "secret", "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ9PQ2"),
    ("db at postgres://admin:s3cret-pw@db.example.com:5432/app", "url_credentials", "s3cret-pw"),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "secret", "dozjgNryP4J3jVmNHl0w5N"),
]


@pytest.mark.parametrize(("text", "kind", "value"), FOUND, ids=[f"{k}-{i}" for i, (_, k, _) in enumerate(FOUND)])
def test_each_kind_is_replaced_by_its_placeholder(text, kind, value):
    result = scrub_text(text)
    assert value not in result.text
    assert f"<{kind.upper()}>" in result.text
    assert result.counts[kind] >= 1


def test_private_key_block_goes_whole():
    block = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQUJD\n-----END OPENSSH PRIVATE KEY-----"
    text = f"key:\n{block}\nend"
    result = scrub_text(text)
    assert result.text == "key:\n<SECRET>\nend"


def test_chinese_text_around_a_plus_86_number_is_kept():
    result = scrub_text("周六我们去爬山，联系我：+86 139 1234 5678。记得带水。")
    assert result.text == "周六我们去爬山，联系我：<PHONE>。记得带水。"
    assert result.counts == {"phone": 1}


def test_url_credentials_keep_the_path_and_win_over_the_email_lookalike():
    result = scrub_text("clone https://bob:hunter2@git.example.com/repo.git")
    assert result.text == "clone <URL_CREDENTIALS>/repo.git"
    assert result.counts == {"url_credentials": 1}


ORDINARY = [
    "Decided on 2025-03-09, revisited 2025-10. Meeting at 14:05, or 9:30 am, 2025-03-09T12:30:45.",
    "Upgraded to version 1.2.3, then v2.10.1; Python 3.11 and torch 2.13.0.",
    "It cost ₹13,900 (about $165.50), 1,400 files, 60% done, 2.5x faster, 4,206 tokens.",
    "Unix time 1725184800 is when the ride started; order #20240611 shipped.",
    "internationalization characteristically AbstractSingletonProxyFactoryBean state-of-the-art",
    "Models: SmolLM2-135M-Instruct, Llama-3.2-1B-Instruct, Qwen2.5-1.5B-Instruct, all-MiniLM-L6-v2.",
    "Paths: /usr/local/lib/python3.11/site-packages/trainer and notes/2025-03-notion-to-obsidian.md",
    "https://github.com/ml-explore/mlx-lm/blob/main/mlx_lm/tuner/trainer.py is worth reading.",
    "The secret: consistency. My tokens: patience and sleep. Password managers are good.",
    "这个月我用自己做的闪卡机器人复习，比 Anki 方便多了。HSK 三级考试在十二月，我认识差不多六百个词。",
    "I chose the tunnel. We rode 112 km on 2 June, 19 riders, average 24.5 km/h.",
    "Abgabe: 30.01.2026, Dekanat. Capital em dívida: ~168.000 €, R$ 130.000 das economias, pressão 164/100.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text):
    result = scrub_text(text)
    assert result.text == text
    assert not result.counts


def test_checksums_decide_ids_and_cards():
    assert cn_id_valid("11010519491231002X")
    assert not cn_id_valid("110105194912310024")
    assert luhn_valid("4111 1111 1111 1111")
    assert not luhn_valid("4111 1111 1111 1112")
    assert "cn_id" not in scrub_text("ID 110105194912310024").counts
    assert scrub_text("ref 4111 1111 1111 1112").counts["card"] == 0


def test_scrubbing_twice_changes_nothing_more():
    text = " ".join(t for t, _, _ in FOUND)
    once = scrub_text(text)
    twice = scrub_text(once.text)
    assert twice.text == once.text
    assert not twice.counts


def test_allow_list_keeps_own_public_values():
    text = "Mail me at me@asha.dev or asha.rao@example.com; site https://asha.dev"
    config = ScrubConfig(allow=("me@asha.dev",))
    assert scrub_text(text, config).text == "Mail me at me@asha.dev or <EMAIL>; site https://asha.dev"
    regex = ScrubConfig(allow=(r"re:[\w.]+@asha\.dev", re.compile(r"asha\.rao@example\.com")))
    assert scrub_text(text, regex).counts == {}


def test_deny_list_is_case_insensitive_whole_words_and_beats_allow():
    config = ScrubConfig(deny=("Meera Iyer", "re:Pune ML Circle"), allow=("Meera Iyer",))
    result = scrub_text("meera iyer runs the Pune ML Circle; Meera Iyerson does not.", config)
    assert result.text == "<REDACTED> runs the <REDACTED>; Meera Iyerson does not."
    assert result.counts == {"deny": 2}


def test_enabled_kinds_switch_detectors_off():
    text = "a@b.example.com 192.168.0.1"
    result = scrub_text(text, ScrubConfig(enabled_kinds={"ip"}))
    assert result.text == "a@b.example.com <IP>"
    with pytest.raises(ValueError, match="unknown scrub kinds"):
        ScrubConfig(enabled_kinds={"emails"})
    assert set(KINDS) == {"email", "phone", "cn_id", "card", "ip", "secret", "url_credentials", "iban", "ssn",
                          "passport", "address", "dob", "im_id", "seed_phrase"}


def test_report_counts_by_kind_and_file_and_never_shows_a_value():
    report = ScrubReport()
    values = []
    for i, (text, _, value) in enumerate(FOUND):
        report.add(f"notes/{i % 3}.md", scrub_text(text))
        values.append(value)
    report.add("clean.md", scrub_text("nothing here"))
    shown = "\n".join(report.summary_lines()) + repr(report) + str(report.to_dict())
    assert report.total == sum(report.by_kind.values()) >= len(FOUND)
    assert set(report.by_file) == {"notes/0.md", "notes/1.md", "notes/2.md"}
    assert f"email {report.by_kind['email']}" in report.summary_lines()[0]
    assert "notes/1.md" in shown
    for value in values:
        assert value not in shown


def test_empty_report_says_so():
    assert ScrubReport().summary_lines() == ["privacy scrub: nothing found"]

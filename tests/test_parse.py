"""Parsing one note: what a user would see go wrong if any of these broke."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.vault.note import Heading, Link
from trainer.vault.parse import (blank_inline_code, decode, link_key, markdown_links, parse_heading, parse_note,
                                 without_links)


def parse(text: str | bytes, path: str = "notes/a.md"):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_note(path, raw)


def reasons(parsed) -> list[str]:
    return [p.reason for p in parsed.problems]


# --- decoding --------------------------------------------------------------------------------


def test_bom_is_stripped_without_a_warning():
    parsed = parse(b"\xef\xbb\xbf# Title\n\nbody")
    assert parsed.note.body == "# Title\n\nbody"
    assert parsed.note.title == "Title"
    assert parsed.problems == ()


def test_crlf_and_cr_become_newlines_without_a_warning():
    parsed = parse(b"---\r\ntitle: T\r\n---\r\nline one\r\nline two\rline three\r\n")
    assert parsed.note.frontmatter == {"title": "T"}
    assert parsed.note.body == "line one\nline two\nline three\n"
    assert parsed.problems == ()


def test_latin1_is_decoded_as_cp1252_and_reported():
    parsed = parse("# Café crème\n".encode("latin-1"))
    assert parsed.note.title == "Café crème"
    assert reasons(parsed) == ["invalid UTF-8"]
    assert "cp1252" in parsed.problems[0].detail and "0xe9" in parsed.problems[0].detail


def test_gb18030_text_is_recognised_as_chinese():
    parsed = parse("# 学习日记\n\n今天复习了闪卡机器人。\n".encode("gb18030"))
    assert parsed.note.title == "学习日记"
    assert "GB18030" in parsed.problems[0].detail


def test_latin_text_that_happens_to_be_valid_gb18030_stays_latin():
    assert decode("naïve Grüße\n".encode("cp1252"))[0] == "naïve Grüße\n"


def test_undecodable_bytes_are_replaced_and_reported():
    text, problems = decode(b"ok \x81\x8d\x90 end")  # undefined in cp1252, not GB18030 runs
    assert text.startswith("ok ") and text.endswith(" end") and "\ufffd" in text
    assert "U+FFFD" in problems[0].detail


def test_utf16_with_bom_is_read():
    assert decode("# Hi 你好".encode("utf-16"))[0] == "# Hi 你好"


# --- frontmatter -----------------------------------------------------------------------------


def test_frontmatter_dates_become_iso_strings_and_give_the_date():
    note = parse("---\ndate: 2025-03-09\ntags: [a, b]\n---\n# T\n").note
    assert note.frontmatter == {"date": "2025-03-09", "tags": ["a", "b"]}
    assert note.date == "2025-03-09"
    assert note.body == "# T\n"


@pytest.mark.parametrize("block, detail", [
    ("a: 1\nb: x: y\n", "YAML error on line 3"),  # file line 3: the fence is line 1
    ("- just\n- a list\n", "not a mapping"),
    ("plain scalar\n", "not a mapping"),
    ("date: 2025-02-30\n", "bad value"),
    ("a: &x [*x]\n", ""),
])
def test_broken_frontmatter_is_reported_and_the_note_kept(block, detail):
    parsed = parse(f"---\n{block}---\n# Kept\n\nbody text\n")
    if detail or parsed.problems:
        assert reasons(parsed) == ["broken frontmatter"]
        assert detail in parsed.problems[0].detail
        assert parsed.note.frontmatter == ({"a": 1} if block.startswith("a: 1") else {})  # a line that reads alone
    assert parsed.note.title == "Kept"
    assert "body text" in parsed.note.body


def test_broken_frontmatter_keeps_the_date_line_that_reads_alone():
    """"tags: [tools, money" left open cost a decision its date, and with it every later note that
    took its reasons back: the lines that read alone are kept, and the problem still reported."""
    parsed = parse("---\ndate: 2025-05-10\ntitle: Track saw\ntags: [tools, money, purchase\n---\n# Track saw\n\nNeed one.\n")
    assert reasons(parsed) == ["broken frontmatter"] and "kept the lines that read alone" in parsed.problems[0].detail
    assert parsed.note.date == "2025-05-10" and parsed.note.frontmatter == {"date": "2025-05-10", "title": "Track saw"}
    unclosed = parse("---\ndate: 2024-03-02\ntags: [x\n\nThe real text.\n")
    assert unclosed.note.date == "2024-03-02" and "The real text." in unclosed.note.body


def test_unclosed_frontmatter_keeps_all_the_text():
    parsed = parse("---\ntitle: Draft\ntags: [x\n\nThe real text.\n")
    assert reasons(parsed) == ["broken frontmatter"]
    assert "never closed" in parsed.problems[0].detail
    assert "The real text." in parsed.note.body and "title: Draft" in parsed.note.body


def test_empty_frontmatter_is_fine():
    parsed = parse("---\n---\nbody\n")
    assert parsed.problems == () and parsed.note.body == "body\n"


def test_empty_note_is_reported():
    assert reasons(parse(b"")) == ["empty note"]
    assert reasons(parse("---\ntitle: x\n---\n\n  \n")) == ["empty note"]
    assert parse(b"", "inbox/untitled.md").note.title == "untitled"


# --- title, tags, headings -------------------------------------------------------------------


def test_title_prefers_frontmatter_then_h1_then_file_name():
    assert parse("---\ntitle: From FM\n---\n# From H1\n").note.title == "From FM"
    assert parse("intro\n\n## two\n# From H1\n").note.title == "From H1"
    assert parse("no heading", "x/my note.md").note.title == "my note"


def test_tags_from_frontmatter_and_text_without_code_numbers_or_duplicates():
    text = ("---\ntags: [Project, '#ml']\n---\n"
            "Text #climbing and #nested/tag, issue #2, #Project again.\n"
            "```\n#include <stdio.h>\n```\n`#inline` and url http://x.org/#frag and 中文 #标签\n")
    assert parse(text).note.tags == ("Project", "ml", "climbing", "nested/tag", "标签")


def test_frontmatter_tags_as_a_string():
    assert parse("---\ntags: journal, obsidian\n---\n").note.tags == ("journal", "obsidian")


def test_headings_skip_code_and_keep_line_numbers():
    note = parse("# One\ntext\n```bash\n# comment\n```\n## Two `code` ##\n").note
    assert note.headings == (Heading(1, "One", 0), Heading(2, "Two `code`", 5))


# --- links -----------------------------------------------------------------------------------


def test_every_wikilink_form():
    text = ("[[plain]] [[folder/qualified]] [[homelab-k3s|home lab]] [[gps-tracker#Numbers]] "
            "![[diagram.png]] [[notes.pdf]] [[a#h|both]] | [[table\\|alias]] [[#Local heading]]")
    assert parse(text).note.links == (
        Link("plain"), Link("folder/qualified"), Link("homelab-k3s", alias="home lab"),
        Link("gps-tracker", heading="Numbers"), Link("diagram.png", embed=True), Link("notes.pdf"),
        Link("a", heading="h", alias="both"), Link("table", alias="alias"), Link("", heading="Local heading"),
    )


def test_links_in_code_are_not_links():
    assert parse("`[[no]]`\n```\n[[nope]]\n```\n[[yes]]").note.links == (Link("yes"),)


def test_markdown_links_become_vault_relative_and_urls_are_ignored():
    text = "[Other](../projects/My%20Note.md#Part) [site](https://example.org) ![img](pic.png)"
    assert parse(text, "journal/day.md").note.links == (
        Link("projects/My Note.md", heading="Part", alias="Other"), Link("journal/pic.png", alias="img", embed=True))


def test_link_key_is_case_and_suffix_insensitive():
    assert link_key("./Projects/GPS-Tracker.md") == link_key("projects/gps-tracker") == "projects/gps-tracker"
    assert link_key("notes.pdf") == "notes.pdf"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path, text, date", [
    ("journal/2024-03-02.md", "no date here", "2024-03-02"),
    ("x.md", "# Day\n\nCreated: March 2, 2024 9:41 PM\n", "2024-03-02"),
    ("x.md", "Met on 14 Feb 2025 for coffee", "2025-02-14"),
    ("x.md", "2025年8月24日，晴。", "2025-08-24"),
    ("x.md", "Invalid 2025-02-30 then 2025-03-01", "2025-03-01"),
    ("2024-01-01.md", "---\ncreated: 2023-12-31\n---\n", "2023-12-31"),
    ("x.md", "\n" * 20 + "too far down: 2020-01-01", None),
    ("daily/2025/03/04.md", "Tore a callus again.", "2025-03-04"),  # daily notes filed by folder
    ("daily/2025/13/04.md", "no such month", None),
])
def test_dates(path, text, date):
    assert parse(text, path).note.date == date


# --- never raises ----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_parse_without_raising(raw):
    parsed = parse_note("n.md", raw)
    assert parsed.note.size == len(raw) and len(parsed.note.content_hash) == 64


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("-:#[]|!`\n \r\tabc中{}&*")), max_size=200))
def test_markdown_like_text_parses_without_raising(text):
    parse("---\n" + text)
    parse(text)


# --- the same results as the old patterns, in linear time -----------------------------------
# The regexes below were the parser's until they were found to take cubic or quadratic time on
# hostile lines; they stay here as the reference the linear scanners must agree with.

OLD_MDLINK = re.compile(r"(!?)\[([^\]\n]*)\]\(<?([^)<>\s]+)>?(?:\s+\"[^\"]*\")?\)")
OLD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
OLD_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
OLD_LINK_TEXT = re.compile(r"!?\[\[[^\]\n]*\]\]|\[[^\]\n]*\]\([^)\n]*\)")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('[]()!<> "a\n\t')), max_size=40))
def test_markdown_links_match_the_old_pattern(text):
    old = [(m.start(), m.end(), bool(m.group(1)), m.group(2), m.group(3)) for m in OLD_MDLINK.finditer(text)]
    assert [tuple(m) for m in markdown_links(text)] == old


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("# \ta")), max_size=20))
def test_headings_match_the_old_pattern(line):
    m = OLD_HEADING.match(line)
    assert parse_heading(line) == ((len(m.group(1)), m.group(2).strip()) if m else None)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["`", "a", " ", "b#", "[[x]]"]), max_size=30))
def test_single_backtick_code_matches_the_old_pattern(parts):
    line = re.sub("`(?=`)", "` ", "".join(parts))  # runs of one: where old and CommonMark agree
    assert blank_inline_code(line) == OLD_INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]()!a\n")), max_size=30))
def test_link_text_removal_matches_the_old_pattern(text):
    assert without_links(text) == OLD_LINK_TEXT.sub(" ", text)


@pytest.mark.parametrize("line, blanked", [
    ("``a ` b`` c", " " * 9 + " c"),  # a run of two is closed only by a run of two
    ("`` a ``` b", "`` a ``` b"),  # no partner: literal backticks
    ("x `a` y ``b`` z", "x     y       z"),
])
def test_code_spans_follow_commonmark(line, blanked):
    assert blank_inline_code(line) == blanked


@pytest.mark.parametrize("text", [
    "> " + "`" * 2000, "[a](" * 16000, "[" * 64000, "[[" * 32000, "# a" + " " * 16000 + "b",
    "[a](x" * 8000 + " " * 32000, " ".join("`" * (i % 50 + 1) for i in range(3000)),
])
def test_hostile_lines_parse_to_plain_text(text):
    """The shapes that took minutes; bounded in time by test_bad_input_vault's subprocess runs."""
    parsed = parse(text)
    assert parsed.note.body == text and parsed.note.links == ()


def test_a_note_over_its_time_budget_is_kept_as_plain_text():
    parsed = parse_note("journal/2025-01-02 day.md", b"# Title\n\n[[link]] #tag\n", budget_s=-1)
    assert reasons(parsed) == ["too slow to parse"]
    assert "plain text" in parsed.problems[0].detail
    assert parsed.note.body == "# Title\n\n[[link]] #tag\n" and parsed.note.links == ()
    assert parsed.note.title == "2025-01-02 day" and parsed.note.date == "2025-01-02"


def test_huge_frontmatter_is_not_read_as_metadata():
    block = "tags: [" + ", ".join(f"t{i}" for i in range(20000)) + "]\n"
    parsed = parse(f"---\n{block}---\n# Kept\n")
    assert reasons(parsed) == ["broken frontmatter"] and "limit" in parsed.problems[0].detail
    assert parsed.note.frontmatter == {} and parsed.note.title == "Kept"

"""The dataset builder: the kinds of examples, chunking, the split by note, duplicates, the scrub
on every string, the JSONL files and the snapshot hash."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from trainer.data.chunking import estimate_tokens, paragraphs
from trainer.data.dataset import (
    DEFAULT_SYSTEM_PROMPT,
    KINDS,
    DatasetConfig,
    assign_splits,
    build_examples,
    decision_phrase,
)
from trainer.vault.note import Note

SHARED = Path(__file__).resolve().parents[2] / "shared"

DECISION = Note(
    path="decisions/2025-03-notion-to-obsidian.md",
    title="Moving my notes from Notion to Obsidian",
    body=(
        "# Moving my notes from Notion to Obsidian\n\n"
        "Decided on 2025-03-09: move everything from Notion to an Obsidian vault of plain files.\n\n"
        "## Why\n\nI want to own the files. I exported once and got broken links everywhere.\n\n"
        "## What I gave up\n\nDatabases and the nice sharing links."
    ),
    frontmatter={"type": "decision", "date": "2025-03-09"},
    tags=("decision", "tools"),
    date="2025-03-09",
)
HOMELAB = Note(
    path="projects/homelab.md",
    title="Home lab",
    body=(
        "Three mini PCs under the desk run k3s. Mail meera.iyer@example.org for the relay.\n\n"
        "```bash\n# not a heading: a shell comment\n"
        "kubectl create secret generic env --from-literal=KEY=sk-Qm7vT2xK9pLr4WnZ8bYc3HdF6sJa1GeU5tXo0NiRkVwq2\n```\n\n"
        "## Storage\n\nLonghorn, replicated twice. In May I switched to a single NFS share, because "
        "Longhorn ate a third of the RAM.\n\n"
        "## Power\n\nOne power strip, one router. Sponsor Rohan is on +91 98220 45671."
    ),
    tags=("project", "homelab", "k8s"),
    links=(),
    date="2024-01-20",
)
CHINESE = Note(
    path="zh/学习日记-2025-05.md",
    title="学习日记 五月",
    body="我决定每天早上练习二十分钟，因为晚上太累了。晚上我只想睡觉。\n\n李伟的电话是+86 138 0013 8000。",
    tags=("mandarin",),
    date="2025-05-18",
)
EMPTY = Note(path="inbox/untitled.md", title="untitled", body="  \n")
SECRETS = ("meera.iyer@example.org", "sk-Qm7vT2xK9pLr4WnZ8bYc3HdF6sJa1GeU5tXo0NiRkVwq2", "98220 45671", "138 0013 8000")


def long_note(path: str = "projects/long.md", sections: int = 6) -> Note:
    parts = [f"## Part {i}\n\n" + " ".join(f"Sentence {i}.{j} about rides and phones." for j in range(30))
             for i in range(sections)]
    return Note(path=path, title="A long retrospective", body=f"Intro to {path}.\n\n" + "\n\n".join(parts))


def everything(dataset) -> str:
    return json.dumps([list(e.messages) for e in dataset.examples], ensure_ascii=False)


def by_kind(dataset, kind: str):
    return [e for e in dataset.examples if e.kind == kind]


def test_every_kind_is_built_as_system_user_assistant():
    ds = build_examples([DECISION, HOMELAB, CHINESE, EMPTY])
    assert {e.kind for e in ds.examples} == set(KINDS)
    for e in ds.examples:
        assert [m["role"] for m in e.messages] == ["system", "user", "assistant"]
        assert e.messages[0]["content"] == DEFAULT_SYSTEM_PROMPT
        assert e.split in ("train", "eval") and e.completion.strip()
    assert ds.notes == 3  # the empty note gives nothing
    assert "inbox/untitled.md" not in {e.source for e in ds.examples}


def test_kinds_switch_off():
    config = DatasetConfig(documents=False, section_pairs=False, decision_pairs=False, system_prompt="")
    ds = build_examples([DECISION, HOMELAB], config)
    assert {e.kind for e in ds.examples} == {"topic"}
    assert all(len(e.messages) == 2 for e in ds.examples)


def test_document_has_a_short_header_and_the_body_as_the_answer():
    (doc,) = [e for e in by_kind(build_examples([DECISION]), "document")]
    header = "Write my note “Moving my notes from Notion to Obsidian”.\nDate: 2025-03-09\nTags: decision, tools"
    assert doc.prompt == header
    assert doc.completion.startswith("Decided on 2025-03-09: move everything")  # the H1 title is in the header
    assert "## Why\n\nI want to own the files." in doc.completion


def test_topic_pairs_from_title_and_tags_but_not_generic_tags():
    prompts = {e.prompt for e in by_kind(build_examples([DECISION, HOMELAB]), "topic")}
    assert "Explain my thoughts on Moving my notes from Notion to Obsidian" in prompts
    assert {"Explain my thoughts on tools", "Explain my thoughts on homelab", "Explain my thoughts on k8s"} <= prompts
    assert "Explain my thoughts on decision" not in prompts  # repeats the folder/type
    assert "Explain my thoughts on project" not in prompts


def test_section_pairs_from_headings_never_from_code_comments():
    pairs = {e.prompt: e.completion for e in by_kind(build_examples([HOMELAB]), "section")}
    assert pairs["What do I think about Storage in “Home lab”?"].startswith("Longhorn, replicated twice.")
    assert "Power" in " ".join(pairs)
    assert not any("shell comment" in p for p in pairs)


def test_decision_pairs_carry_the_date():
    ds = build_examples([DECISION, HOMELAB, CHINESE])
    pairs = {e.prompt: e.completion for e in by_kind(ds, "decision")}
    whole = pairs["Why did I decide to move everything from Notion to an Obsidian vault of plain files?"]
    assert whole.startswith("Date: 2025-03-09\n\nDecided on 2025-03-09")
    assert "I want to own the files." in whole
    passage = pairs["Why did I switch to a single NFS share?"]
    assert passage.startswith("Date: 2024-01-20\n\nLonghorn, replicated twice. In May I switched")
    assert pairs["我为什么决定每天早上练习二十分钟？"].startswith("日期：2025-05-18\n\n我决定每天早上")


@pytest.mark.parametrize(
    ("paragraph", "phrase"),
    [
        ("Decided on 2024-02-18: Postgres. For the dashboard.", ("en", "decide on Postgres")),
        ("On 6 April I decided to rewrite it in Rust (see notes).", ("en", "decide to rewrite it in Rust")),
        ("I decided I needed more logs.", ("en", "decide that I needed more logs")),
        ("Then I chose the tunnel, sadly.", ("en", "choose the tunnel")),
        ("We are going with **Syncthing** for now.", ("en", "go with Syncthing for now")),
        ("我决定每天早上练习，因为晚上太累了。", ("zh", "决定每天早上练习")),
        ("Nothing was decided.", None),
    ],
)
def test_decision_phrase_reads_the_sentence(paragraph, phrase):
    assert decision_phrase(paragraph) == phrase


def test_questions_follow_the_note_language():
    prompts = [e.prompt for e in build_examples([CHINESE]).examples]
    assert "写出我的笔记《学习日记 五月》。\n日期：2025-05-18\n标签：mandarin" in prompts
    assert "说说我对学习日记 五月的想法" in prompts


def test_long_notes_are_chunked_on_boundaries_under_the_budget():
    note = long_note()
    config = DatasetConfig(max_tokens=200)
    docs = by_kind(build_examples([note], config), "document")
    assert len(docs) > 3
    assert docs[1].prompt.startswith("Write my note “A long retrospective” (part 2 of ")
    original = set(paragraphs(note.body))
    for doc in docs:
        assert estimate_tokens(doc.completion) <= 200
        assert not doc.completion.rstrip().endswith(("#", "Part 0", "Part 1"))  # no heading left dangling
        # whole paragraphs, or whole sentences of one paragraph: never a word cut in two
        for para in paragraphs(doc.completion):
            assert para in original or para.endswith(".") and any(para in o for o in original)
    joined = " ".join(d.completion for d in docs)
    assert all(f"Sentence {i}.29 about" in joined for i in range(6))


def test_split_is_by_note_deterministic_and_seeded():
    notes = [long_note(f"notes/n{i:03}.md") for i in range(40)]
    ds = build_examples(notes, DatasetConfig(eval_fraction=0.2))
    split_of = {}
    for e in ds.examples:
        assert split_of.setdefault(e.source, e.split) == e.split  # one side per note
    held = {p for p, s in split_of.items() if s == "eval"}
    assert 2 <= len(held) <= 16
    again = build_examples(list(reversed(notes[:20])), DatasetConfig(eval_fraction=0.2))
    assert {e.source for e in again.eval} == held & {n.path for n in notes[:20]}
    paths = [f"p{i}.md" for i in range(400)]
    one, other = assign_splits(paths, DatasetConfig(seed=1)), assign_splits(paths, DatasetConfig(seed=2))
    assert one != other
    assert 20 <= list(one.values()).count("eval") <= 60


def test_a_small_vault_still_holds_one_note_out():
    splits = assign_splits(["a.md", "b.md"], DatasetConfig(eval_fraction=0.01))
    assert sorted(splits.values()) == ["eval", "train"]
    assert set(assign_splits(["a.md", "b.md"], DatasetConfig(eval_fraction=0)).values()) == {"train"}


def test_exact_duplicates_are_removed():
    copy = Note(path="projects/homelab-copy.md", title=HOMELAB.title, body=HOMELAB.body, tags=HOMELAB.tags,
                date=HOMELAB.date)
    single = build_examples([HOMELAB])
    both = build_examples([HOMELAB, copy])
    assert len(both.examples) == len(single.examples)
    keys = [json.dumps(e.messages) for e in both.examples]
    assert len(keys) == len(set(keys))


def test_no_private_value_reaches_any_example_and_the_report_counts_them():
    ds = build_examples([DECISION, HOMELAB, CHINESE])
    text = everything(ds)
    for secret in SECRETS:
        assert secret not in text
    assert "<EMAIL>" in text and "<SECRET>" in text and "<PHONE>" in text
    assert ds.report.by_file["projects/homelab.md"] == {"email": 1, "secret": 1, "phone": 1}
    assert ds.report.by_file["zh/学习日记-2025-05.md"] == {"phone": 1}
    shown = "\n".join(ds.summary_lines())
    assert "phone 2" in shown and not any(s in shown for s in SECRETS)


def test_titles_and_tags_are_scrubbed_too():
    note = Note(path="people/x.md", title="Call Asha on +91 98450 12345", body="Some text about the call.",
                tags=("asha.rao@example.com",))
    text = everything(build_examples([note]))
    assert "98450 12345" not in text and "asha.rao@example.com" not in text
    assert "<PHONE>" in text


def test_write_jsonl_in_the_messages_shape(tmp_path):
    ds = build_examples([DECISION, HOMELAB, CHINESE, long_note()], DatasetConfig(eval_fraction=0.5))
    paths = ds.write_jsonl(tmp_path / "data", eval_name="valid")
    assert paths == {"train": tmp_path / "data/train.jsonl", "eval": tmp_path / "data/valid.jsonl"}
    rows = {split: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            for split, path in paths.items()}
    assert len(rows["train"]) == len(ds.train) and len(rows["eval"]) == len(ds.eval) > 0
    for row in rows["train"] + rows["eval"]:
        assert list(row) == ["messages"]
        assert [m["role"] for m in row["messages"]] == ["system", "user", "assistant"]
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["train.jsonl", "valid.jsonl"]


def test_snapshot_hash_names_the_data():
    notes = [DECISION, HOMELAB, CHINESE]
    first = build_examples(notes).snapshot_hash()
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert build_examples(list(reversed(notes))).snapshot_hash() == first
    edited = Note(path=CHINESE.path, title=CHINESE.title, body=CHINESE.body + "\n\n新的一段。", date=CHINESE.date)
    assert build_examples([DECISION, HOMELAB, edited]).snapshot_hash() != first


def test_wikilinks_render_as_words_unless_kept():
    body = "Moved via [[homelab-k3s|home lab]] and [[gps-tracker#Numbers]]. ![[d.png]]"
    note = Note(path="j/a.md", title="A", body=body)
    (doc,) = by_kind(build_examples([note]), "document")
    assert doc.completion == "Moved via home lab and gps-tracker."
    (kept,) = by_kind(build_examples([note], DatasetConfig(keep_wikilinks=True)), "document")
    assert "[[homelab-k3s|home lab]]" in kept.completion


# --- the shared sample vault ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dataset():
    vault = SHARED / "sample-vault"
    if not vault.is_dir():
        pytest.skip("../shared/sample-vault is not present on this machine")
    from trainer.vault.parse import is_note_name, parse_note

    files = [p for p in sorted(vault.rglob("*")) if p.is_file() and is_note_name(p.name)]
    files = [p for p in files if ".obsidian" not in p.parts]
    notes = [parse_note(p.relative_to(vault).as_posix(), p.read_bytes()).note for p in files]
    return build_examples(notes)


def test_sample_vault_secrets_never_reach_the_dataset(sample_dataset, tmp_path):
    secrets = json.loads((SHARED / "sample-vault-secrets.json").read_text())
    paths = sample_dataset.write_jsonl(tmp_path)
    written = "".join(p.read_text(encoding="utf-8") for p in paths.values())
    for secret in secrets:
        value = secret["value"]
        for form in {value, value.replace(" ", ""), re.sub(r"^\+\d+\s*", "", value)}:
            assert form not in written, f"a {secret['kind']} from {secret['file']} leaked"
            assert form not in everything(sample_dataset)
        assert sample_dataset.report.by_file[secret["file"]]
    assert not any(s["value"] in line for s in secrets for line in sample_dataset.summary_lines())


def test_sample_vault_gives_every_kind_on_both_sides(sample_dataset):
    counts = sample_dataset.counts()
    for kind in KINDS:
        assert counts[kind, "train"] > 0
    assert sum(counts[k, "eval"] for k in KINDS) > 0
    assert sample_dataset.notes > 30

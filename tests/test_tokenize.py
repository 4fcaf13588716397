"""Tokenisation through the bundled model's real chat template: loss only on replies (and on the
body of document examples), special tokens in place, truncation, and packing that keeps
examples apart."""

from __future__ import annotations

from collections import Counter

import pytest

from trainer.data.dataset import DatasetConfig, build_examples
from trainer.vault.note import Note
from trainer.data.tokenize import IGNORE, Tokenized, pack, tokenize_example

NOTE = Note(
    path="decisions/2025-01-no-car.md",
    title="Not buying a car",
    body=(
        "# Not buying a car\n\nDecided on 2025-01-19: no car, at least until 2027.\n\n"
        "## Why no car\n\nThe metro line to work opened in December. Door to desk is 35 minutes.\n\n"
        "## Risk\n\nMonsoon evenings are miserable on a cycle. I will take autos and not feel bad."
    ),
    frontmatter={"type": "decision"},
    tags=("decision", "money", "city"),
    date="2025-01-19",
)


@pytest.fixture(scope="session")
def tokenizer():
    """SmolLM2-135M-Instruct's tokenizer, built offline from the bundled GGUF (a few seconds)."""
    from backends.base import ModelNotFound
    from backends.models import bundled_gguf

    try:
        gguf = bundled_gguf()
    except ModelNotFound as e:
        pytest.skip(f"bundled model not installed: {e}")
    from transformers import AutoTokenizer

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)


@pytest.fixture(scope="module")
def dataset():
    return build_examples([NOTE])


def targets(tok, t: Tokenized) -> str:
    return tok.decode([i for i, label in zip(t.input_ids, t.labels, strict=True) if label != IGNORE])


def prompt_part(tok, t: Tokenized) -> str:
    return tok.decode([i for i, label in zip(t.input_ids, t.labels, strict=True) if label == IGNORE])


def test_only_the_reply_is_trained(tokenizer, dataset):
    for example in dataset.examples:
        t = tokenize_example(example, tokenizer)
        assert len(t.input_ids) == len(t.labels)
        assert targets(tokenizer, t) == example.completion + "<|im_end|>"
        assert example.prompt in prompt_part(tokenizer, t)
        assert example.messages[0]["content"] in prompt_part(tokenizer, t)


def test_document_header_is_masked_and_the_body_is_not(tokenizer, dataset):
    doc = next(e for e in dataset.examples if e.kind == "document")
    t = tokenize_example(doc, tokenizer)
    assert "Date: 2025-01-19" in prompt_part(tokenizer, t)
    assert "Date: 2025-01-19" not in targets(tokenizer, t)
    assert targets(tokenizer, t).startswith("Decided on 2025-01-19: no car")


def test_chat_template_special_tokens_are_present(tokenizer, dataset):
    t = tokenize_example(dataset.examples[0], tokenizer)
    start, end = tokenizer.convert_tokens_to_ids(["<|im_start|>", "<|im_end|>"])
    assert t.input_ids[0] == start
    assert Counter(t.input_ids)[start] == 3 and Counter(t.input_ids)[end] == 3  # system, user, assistant
    assert tokenizer.decode(t.input_ids).startswith("<|im_start|>system\nYou are my second brain.")
    assert t.labels[t.input_ids.index(end)] == IGNORE  # the end of the system turn is not a target
    assert t.labels[-2] == end  # the end of the reply is: the model learns to stop


def test_several_assistant_turns_are_all_trained(tokenizer):
    chat = [
        {"role": "user", "content": "Rain tomorrow?"},
        {"role": "assistant", "content": "Probably, it is June."},
        {"role": "user", "content": "Cancel the ride then."},
        {"role": "assistant", "content": "Cancelled. 爬山取消吧。"},
    ]
    t = tokenize_example(chat, tokenizer)
    assert targets(tokenizer, t) == "Probably, it is June.<|im_end|>Cancelled. 爬山取消吧。<|im_end|>"
    assert "Cancel the ride then." in prompt_part(tokenizer, t)
    assert "You are a helpful AI assistant named SmolLM" in prompt_part(tokenizer, t)  # template default


def test_truncation_cuts_the_end(tokenizer, dataset):
    full = tokenize_example(dataset.examples[0], tokenizer)
    short = tokenize_example(dataset.examples[0], tokenizer, max_len=40)
    assert short.input_ids == full.input_ids[:40] and short.labels == full.labels[:40]


def test_a_template_that_is_not_prefix_stable_is_refused(tokenizer):
    saved = tokenizer.chat_template
    tokenizer.chat_template = "{% for m in messages|reverse %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    try:
        with pytest.raises(ValueError, match="prefix"):
            tokenize_example([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}], tokenizer)
    finally:
        tokenizer.chat_template = saved


def test_pack_keeps_examples_apart(tokenizer):
    notes = [NOTE, Note(path="j/a.md", title="Short", body="One line.\n\n## Two\n\nAnother line.", tags=("x",))]
    examples = build_examples(notes).examples
    items = [tokenize_example(e, tokenizer) for e in examples]
    rows = pack(items, max_len=512)
    assert len(rows) < len(items)
    placed = Counter()
    for row in rows:
        assert len(row.input_ids) == len(row.labels) == len(row.position_ids) == sum(row.seq_lens) <= 512
        assert row.cu_seqlens[-1] == len(row.input_ids)
        for start, length in zip(row.cu_seqlens, row.seq_lens, strict=False):
            assert row.position_ids[start : start + length] == list(range(length))  # restarts at 0
            assert row.labels[start] == IGNORE  # no target across an example boundary
            placed[tuple(row.input_ids[start : start + length])] += 1
    assert placed == Counter(tuple(t.input_ids) for t in items)


def test_pack_cuts_long_and_drops_untrained_examples():
    long = Tokenized(list(range(50)), [IGNORE] * 10 + list(range(10, 50)))
    untrained = Tokenized([1, 2, 3], [IGNORE] * 3)
    rows = pack([long, untrained], max_len=32)
    assert [r.seq_lens for r in rows] == [[32]]
    assert rows[0].input_ids == list(range(32))


def test_real_token_counts_keep_every_reply_under_budget(tokenizer):
    notes = [NOTE, Note(path="p/long.md", title="Long", body="\n\n".join(f"## H{i}\n\n" + "Word salad here. " * 40
                                                                       for i in range(5)))]

    def count(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    ds = build_examples(notes, DatasetConfig(max_tokens=64), count_tokens=count)
    assert len(ds.examples) > 20
    for e in ds.examples:
        assert count(e.completion) <= 64

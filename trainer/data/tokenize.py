"""Examples into token ids and labels through the model's own chat template, loss on replies only.

The template is rendered as text once per prefix, so the characters of each assistant turn are
known exactly; tokens starting inside those spans keep their ids as labels, every other token
(system prompt, questions, role markers) gets -100. The end-of-turn token is inside the span, so
the model learns where to stop. Works for any Hugging Face tokenizer whose template renders a
conversation as a prefix of the longer one, which chat templates do.

`pack` fills rows with several short examples and restarts `position_ids` at 0 for each, so
a varlen attention kernel (or a block-diagonal mask) keeps examples apart: padding is the biggest
waste in small-model training.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from trainer.data.dataset import Example

IGNORE = -100  # the label PyTorch's cross-entropy skips


@dataclass
class Tokenized:
    input_ids: list[int]
    labels: list[int]  # IGNORE where no loss is taken

    @property
    def n_targets(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE)


@dataclass
class PackedRow:
    input_ids: list[int]
    labels: list[int]
    position_ids: list[int]  # 0, 1, … restarting at each example
    seq_lens: list[int]  # length of each example in the row, in order

    @property
    def cu_seqlens(self) -> list[int]:
        """Cumulative boundaries [0, l1, l1+l2, …], the form flash-attention varlen takes."""
        return [0, *accumulate(self.seq_lens)]


def tokenize_example(example: Example | Sequence[dict], tokenizer: Any, max_len: int | None = None) -> Tokenized:
    """`input_ids` of the rendered conversation; `labels` equal to them on assistant turns only.
    Longer than `max_len`: the end is cut (chunks are budgeted so this is rare)."""
    messages = list(example.messages if isinstance(example, Example) else example)
    text, spans = render(messages, tokenizer)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = list(enc["input_ids"]), enc["offset_mapping"]
    labels = [i if _inside(start, spans) else IGNORE for i, (start, _) in zip(ids, offsets, strict=True)]
    if max_len is not None:
        ids, labels = ids[:max_len], labels[:max_len]
    return Tokenized(ids, labels)


def render(messages: list[dict], tokenizer: Any) -> tuple[str, list[tuple[int, int]]]:
    """The template's text and the character span of each assistant turn (its end token in,
    the newline after it out)."""
    full = _template(tokenizer, messages)
    spans = []
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = _template(tokenizer, messages[:i], add_generation_prompt=True)
        upto = _template(tokenizer, messages[: i + 1])
        if not (full.startswith(upto) and upto.startswith(before)):
            raise ValueError("this chat template does not render a conversation as a prefix of a longer one; "
                             "cannot tell reply tokens from prompt tokens")
        spans.append((len(before), len(upto.rstrip())))
    return full, spans


def _template(tokenizer: Any, messages: list[dict], add_generation_prompt: bool = False) -> str:
    if not getattr(tokenizer, "chat_template", None):
        raise ValueError("the tokenizer has no chat template; use an instruct/chat model")
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)


def _inside(start: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start < b for a, b in spans)


def pack(items: Iterable[Tokenized], max_len: int) -> list[PackedRow]:
    """First-fit decreasing: longest examples first, each into the first row with room.
    Examples with no target token are dropped (they would cost compute and teach nothing);
    an example longer than `max_len` is cut to it."""
    seqs = [Tokenized(t.input_ids[:max_len], t.labels[:max_len]) for t in items]
    seqs = sorted((t for t in seqs if t.n_targets), key=lambda t: -len(t.input_ids))
    rows: list[list[Tokenized]] = []
    room: list[int] = []
    for seq in seqs:
        slot = next((r for r, free in enumerate(room) if free >= len(seq.input_ids)), None)
        if slot is None:
            rows.append([])
            room.append(max_len)
            slot = len(rows) - 1
        rows[slot].append(seq)
        room[slot] -= len(seq.input_ids)
    return [_row(r) for r in rows]


def _row(seqs: list[Tokenized]) -> PackedRow:
    return PackedRow(
        input_ids=[i for s in seqs for i in s.input_ids],
        labels=[label for s in seqs for label in s.labels],
        position_ids=[p for s in seqs for p in range(len(s.input_ids))],
        seq_lens=[len(s.input_ids) for s in seqs],
    )

"""From an imported chat to training material: clean, scrub, split, merge, and build examples.

The same steps for every format, in this order:
1. keep text messages only, counting what is dropped by kind (system notes, stickers, images,
   recalled messages, link cards, other media, forwards, empty or unreadable rows);
2. replace senders, chat names and mentions of senders in the text by stable pseudonyms
   (`pseudonyms.Pseudonyms`), then scrub private values from every kept text (phones,
   e-mails, keys...), counting by kind;
3. split each chat into conversations wherever the gap between messages exceeds `gap`;
4. merge consecutive messages of one sender into one turn (newline-joined);
5. build one multi-turn example per conversation in which the model speaks as "me":
   assistant = me, user = everyone else; it starts with a user turn, ends with an assistant
   turn, and roles alternate (the {"messages": [...]} shape mlx-lm and chat templates read).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from trainer.data.chats.model import EMPTY, TEXT, UNREADABLE, ChatExport, ChatMessage, Conversation
from trainer.data.chats.pseudonyms import Pseudonyms
from trainer.data.scrub import ScrubConfig, scrub_text

DEFAULT_GAP = timedelta(hours=6)


@dataclass
class ImportSummary:
    """Counts only, never a message or a scrubbed value: safe to print and to store."""

    read: int = 0
    kept: int = 0
    dropped: Counter = field(default_factory=Counter)
    merged: int = 0
    conversations: int = 0
    examples: int = 0
    scrubbed: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        return [
            f"  messages read    {self.read}",
            f"  kept             {self.kept}",
            f"  dropped          {sum(self.dropped.values())}{_detail(self.dropped)}",
            f"  merged           {self.merged} (consecutive messages joined into their sender's turn)",
            f"  conversations    {self.conversations}",
            f"  examples         {self.examples}",
            f"  scrubbed         {sum(self.scrubbed.values())}{_detail(self.scrubbed)}",
        ]

    def to_dict(self) -> dict:
        return {"read": self.read, "kept": self.kept, "dropped": dict(self.dropped), "merged": self.merged,
                "conversations": self.conversations, "examples": self.examples, "scrubbed": dict(self.scrubbed)}


@dataclass
class Built:
    me: str
    conversations: list[Conversation]
    examples: list[dict]
    summary: ImportSummary
    people: dict[str, str] = field(default_factory=dict)
    """Keyed digests of the senders' names -> pseudonyms (`Pseudonyms.people`)."""


def match_me(export: ChatExport, name: str) -> str | None:
    """The sender `name` means: exact, an alias (Telegram's "user1001"), case-insensitive, or
    a unique first name ("Asha" for "Asha Rao"). None when nothing or several match."""
    wanted = name.strip()
    senders = export.senders()
    if wanted in senders:
        return wanted
    if wanted in export.aliases:
        return export.aliases[wanted]
    for same in (lambda s: s.casefold() == wanted.casefold(),
                 lambda s: s.split() and s.split()[0].casefold() == wanted.casefold()):
        found = [s for s in senders if same(s)]
        if len(found) == 1:
            return found[0]
    return None


def build(export: ChatExport, me: str, gap: timedelta = DEFAULT_GAP,
          scrub: ScrubConfig | None = None, names: Pseudonyms | None = None) -> Built:
    """`names` turns every person into a pseudonym (the CLI always passes one); without it the
    names stay as the export wrote them."""
    names = names or Pseudonyms(b"", enabled=False)
    names.learn([me, *export.senders(), *{m.sender for m in export.messages()}])
    summary = ImportSummary(read=len(export.messages()) + export.unreadable)
    summary.dropped[UNREADABLE] += export.unreadable
    conversations = []
    for log in export.logs:
        kept = keep_text(log.messages, summary.dropped)
        summary.kept += len(kept)
        private = scrub_messages(rename(kept, names), summary.scrubbed, scrub)
        for part in split(private, gap):
            turns = merge(part)
            summary.merged += len(part) - len(turns)
            conversations.append(Conversation(names.chat(log.chat), turns))
    me = names.of(me)
    examples = [ex for conv in conversations if (ex := to_example(conv, me))]
    summary.conversations, summary.examples = len(conversations), len(examples)
    summary.dropped = +summary.dropped  # drop zero counts
    return Built(me, conversations, examples, summary, names.people() if names.enabled else {})


def keep_text(messages: list[ChatMessage], dropped: Counter) -> list[ChatMessage]:
    """Text messages with something in them, in time order (stable for equal times)."""
    kept = []
    for m in messages:
        kind = m.kind if m.kind != TEXT or m.text.strip() else EMPTY
        if kind == TEXT:
            kept.append(m)
        else:
            dropped[kind] += 1
    return sorted(kept, key=lambda m: m.time)


def rename(messages: list[ChatMessage], names: Pseudonyms) -> list[ChatMessage]:
    """Senders and the senders' names inside each text replaced by their pseudonyms."""
    return [ChatMessage(m.time, names.of(m.sender), names.in_text(m.text), m.kind) for m in messages]


def scrub_messages(messages: list[ChatMessage], counts: Counter,
                   config: ScrubConfig | None = None) -> list[ChatMessage]:
    out = []
    for m in messages:
        result = scrub_text(m.text, config)
        counts.update(result.counts)
        out.append(ChatMessage(m.time, m.sender, result.text, m.kind))
    return out


def split(messages: list[ChatMessage], gap: timedelta) -> list[list[ChatMessage]]:
    """Cut wherever two neighbouring messages are more than `gap` apart."""
    parts: list[list[ChatMessage]] = []
    for m in messages:
        if parts and m.time - parts[-1][-1].time <= gap:
            parts[-1].append(m)
        else:
            parts.append([m])
    return parts


def merge(messages: list[ChatMessage]) -> list[ChatMessage]:
    """One turn per run of one sender: texts newline-joined, time of the run's last message."""
    turns: list[ChatMessage] = []
    for m in messages:
        if turns and turns[-1].sender == m.sender:
            last = turns[-1]
            turns[-1] = ChatMessage(m.time, m.sender, f"{last.text}\n{m.text}", last.kind)
        else:
            turns.append(m)
    return turns


def to_example(conv: Conversation, me: str) -> dict | None:
    """{"messages": [...]} with me as the assistant, or None if me never answers anyone.
    In a group (two or more other people) user turns carry the speaker's name."""
    group = len({m.sender for m in conv.messages if m.sender != me}) > 1
    turns: list[dict] = []
    for m in conv.messages:
        role = "assistant" if m.sender == me else "user"
        text = f"{m.sender}: {m.text}" if group and role == "user" else m.text
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"] += "\n" + text
        else:
            turns.append({"role": role, "content": text})
    while turns and turns[0]["role"] != "user":
        turns.pop(0)
    while turns and turns[-1]["role"] != "assistant":
        turns.pop()
    return {"messages": turns} if turns else None


def _detail(counts: Counter) -> str:
    return f"  ({', '.join(f'{k} {n}' for k, n in counts.most_common())})" if counts else ""

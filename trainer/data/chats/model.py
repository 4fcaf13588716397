"""The records every chat importer produces, whatever the app that exported the chat.

An importer only reads: it turns one export file into `ChatLog`s of `ChatMessage`s, each tagged
with a `kind`. Deciding what to keep, who is "me", and how to cut conversations happens later,
in `build`, the same way for every format.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

TEXT = "text"
SYSTEM = "system"  # "you added Li Wei", "messages are end-to-end encrypted", calls
STICKER = "sticker"  # stickers, animated emoji
IMAGE = "image"
RECALLED = "recalled"  # recalled / deleted messages
LINK = "link"  # link cards, shared mini programs, a message that is only a URL
MEDIA = "media"  # voice, video, files, locations, polls, "<Media omitted>"
FORWARDED = "forwarded"  # someone else's words passed on: not the sender's voice
UNREADABLE = "unreadable"  # a row or line the importer could not make sense of
EMPTY = "empty"  # a text message with nothing in it
MAX_PROBLEMS = 20
KINDS = (TEXT, SYSTEM, STICKER, IMAGE, RECALLED, LINK, MEDIA, FORWARDED, UNREADABLE, EMPTY)


@dataclass(frozen=True)
class ChatMessage:
    time: datetime  # naive, in the exporter's local time (all formats write local time)
    sender: str
    text: str
    kind: str = TEXT


@dataclass
class ChatLog:
    """The messages of one chat (a person or a group) in the order the export gives them."""

    chat: str
    messages: list[ChatMessage] = field(default_factory=list)


@dataclass
class ChatExport:
    """What an importer read from one file.

    `owner` is set when the export itself says who its owner is (WeChat's `is_sender`, the
    `personal_information` of a full Telegram export); `aliases` maps other names for a sender
    (a Telegram `from_id` such as "user1001") to the name shown in messages. `unreadable`
    counts rows the importer had to skip, so the summary can say so.
    """

    kind: str
    logs: list[ChatLog]
    owner: str | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    unreadable: int = 0
    problems: list[str] = field(default_factory=list)
    """One sentence per skipped row, naming the file and line ("chat.csv line 7: ...")."""

    def problem(self, message: str) -> None:
        """Keep the first few sentences; the count of unreadable rows tells the rest."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)

    def messages(self) -> list[ChatMessage]:
        return [m for log in self.logs for m in log.messages]

    def senders(self) -> list[str]:
        """Senders of text messages, most active first (the order a prompt should list them)."""
        counts = Counter(m.sender for m in self.messages() if m.kind == TEXT and m.sender and m.text.strip())
        return [name for name, _ in counts.most_common()]


@dataclass
class Conversation:
    """A run of messages in one chat with no gap longer than the split threshold, after merging:
    no two neighbouring messages share a sender."""

    chat: str
    messages: list[ChatMessage]

    @property
    def started(self) -> datetime:
        return self.messages[0].time

    @property
    def ended(self) -> datetime:
        return self.messages[-1].time


class ChatFormatError(ValueError):
    """The file is not the export format asked for; the message says what was expected."""

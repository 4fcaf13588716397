"""The contract every chat backend keeps, and the records that cross it.

A backend is one small class: it loads a model (and optionally a LoRA adapter), streams text
deltas for a list of messages, and can swap its adapter without a restart. Everything above
this layer (TUI, CLI, API server) talks only to this Protocol.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]
ModelKind = Literal["gguf", "hf", "hub"]


@dataclass(frozen=True)
class ModelRef:
    """A model the user named, resolved (by `backends.models.resolve_model`) to what it is."""

    spec: str  # what the user asked for
    kind: ModelKind
    name: str  # short, human-readable
    path: Path | None = None  # file (gguf) or folder (hf); None for hub ids

    @property
    def hub_id(self) -> str:
        return self.spec if self.kind == "hub" else ""


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass
class GenOpts:
    """Generation options shared by every backend; one place so the TUI settings, the CLI and
    the API server all mean the same thing by "temperature"."""

    temperature: float = 0.7
    top_p: float = 0.9
    max_tokens: int = 512
    system_prompt: str = ""
    repeat_penalty: float = 1.1  # small models loop without it
    seed: int | None = None
    stop: list[str] = field(default_factory=list)

    def with_system(self, messages: Sequence[Message]) -> list[Message]:
        """Prepend the system prompt unless the conversation already carries one."""
        msgs = list(messages)
        if self.system_prompt and not (msgs and msgs[0].role == "system"):
            msgs.insert(0, Message("system", self.system_prompt))
        return msgs


@dataclass(frozen=True)
class BackendInfo:
    backend: str
    model: str
    adapter: str | None = None  # adapter version name, None for the base model
    device: str = "cpu"
    detail: str = ""

    @property
    def adapter_label(self) -> str:
        return self.adapter or "base"


class BackendError(RuntimeError):
    """A problem the user can act on (model missing, server down); its message says what to do."""


class ModelNotFound(BackendError):
    pass


@runtime_checkable
class ChatBackend(Protocol):
    name: ClassVar[str]

    def load(self, model: ModelRef, adapter: Path | None = None) -> None:
        """Load the model (slow: call from a worker thread, never the UI loop)."""

    def stream(self, messages: Sequence[Message], opts: GenOpts) -> Iterator[str]:
        """Yield text deltas. Closing the iterator stops generation."""

    def set_adapter(self, adapter: Path | None) -> None:
        """Swap the LoRA adapter (None = base model) between messages, without a restart."""

    def info(self) -> BackendInfo:
        """What is loaded, for the status bar and `brain doctor`."""


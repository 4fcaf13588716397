"""What a training run is (TrainJob), what it reports (TrainEvent), and who runs it (TrainEngine).

Events are plain dataclasses serialised as JSON lines, so the CLI progress bar, the TUI sync
panel and the headless daemon all read the same stream from the child process.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol


@dataclass
class LoraSettings:
    rank: int = 16
    alpha: float = 32.0
    dropout: float = 0.05
    targets: str | list[str] = "all-linear"
    """'all-linear' or module names such as ["q_proj", "v_proj"]."""


@dataclass
class TrainSettings:
    engine: str = "auto"
    """'auto' (CUDA -> peft, Apple silicon -> mlx, else peft on CPU), 'peft' or 'mlx'."""
    lora: LoraSettings = field(default_factory=LoraSettings)
    learning_rate: float = 3e-4
    epochs: float = 2.0
    max_steps: int = 0
    """Stop after this many optimizer steps (0 = run the epochs)."""
    max_len: int = 512
    """Tokens per packed row."""
    rows_per_step: int = 4
    """Packed rows per optimizer step (the effective batch)."""
    micro_batch: int = 0
    """Rows per forward pass; rows_per_step / micro_batch passes are accumulated per step
    (0 = auto: sized from free GPU memory on the CUDA fast path, else 1)."""
    warmup_ratio: float = 0.05
    weight_decay: float = 0.0
    grad_checkpointing: bool = False
    precision: str = "auto"
    """'auto' (bf16 on CUDA and on CPUs with bf16 support, else fp32), 'bf16' or 'fp32'."""
    qlora: bool = False
    """4-bit base weights with bitsandbytes (CUDA only)."""
    eval_every: int = 0
    """Evaluate every N steps (0 = only at the end)."""
    fast: bool = True
    """CUDA fast path for Llama models (fused compiled layers, flex attention, chunked loss) on
    runs of at least 20 steps; shorter runs skip its one-time compile."""
    gpus: int = 1
    """Data-parallel processes (one per GPU) started through torchrun; 1 = this process only."""
    seed: int = 0
    threads: int = 0
    """CPU threads for torch (0 = all cores)."""


@dataclass
class TrainJob:
    base_model: str
    """Model spec as the user gave it: 'default', a .gguf, a HF folder or a hub id."""
    data_dir: Path
    """Folder holding train.jsonl and eval.jsonl ({"messages": [...]} rows)."""
    out_dir: Path
    """Where the engine writes its adapter files (a registry staging folder)."""
    settings: TrainSettings = field(default_factory=TrainSettings)
    warm_start: Path | None = None
    """An adapter version folder to continue from (incremental refresh)."""
    export_gguf: bool = True
    """Write lora.gguf next to the peft adapter; off for a shard of a sharded build, whose GGUF is
    exported once from the sum (trainer.sharded)."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str)

    @classmethod
    def from_json(cls, text: str) -> TrainJob:
        raw = json.loads(text)
        st = raw["settings"]
        st["lora"] = LoraSettings(**st["lora"])
        return cls(base_model=raw["base_model"], data_dir=Path(raw["data_dir"]), out_dir=Path(raw["out_dir"]),
                   settings=TrainSettings(**st),
                   warm_start=Path(raw["warm_start"]) if raw.get("warm_start") else None,
                   export_gguf=raw.get("export_gguf", True))


EventKind = Literal["start", "step", "eval", "done", "error", "log"]


@dataclass
class TrainEvent:
    kind: EventKind
    step: int = 0
    total_steps: int = 0
    loss: float | None = None
    lr: float | None = None
    tokens_per_s: float | None = None
    eta_s: float | None = None
    eval_loss: float | None = None
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v not in (None, "", {})})

    @classmethod
    def from_json(cls, line: str) -> TrainEvent:
        return cls(**json.loads(line))


@dataclass
class TrainResult:
    out_dir: Path
    engine: str
    steps: int
    train_tokens: int
    seconds: float
    train_loss: float | None
    eval_loss: float | None
    base_eval_loss: float | None = None


class TrainEngine(Protocol):
    name: ClassVar[str]

    def train(self, job: TrainJob, on_event: Callable[[TrainEvent], None]) -> TrainResult:
        """Train a LoRA adapter into job.out_dir, reporting progress through on_event."""


ENGINES = {"peft": "trainer.engines.peft_engine:PeftEngine", "mlx": "trainer.engines.mlx_engine:MlxEngine"}


def engine_names() -> list[str]:
    return list(ENGINES)


def pick_engine(requested: str = "auto") -> str:
    """CUDA -> peft, Apple silicon -> mlx, else peft on CPU; an explicit name wins."""
    if requested != "auto":
        if requested not in ENGINES:
            raise ValueError(f"Unknown training engine {requested!r}; choose from {', '.join(ENGINES)}.")
        return requested
    if importlib.util.find_spec("torch"):
        import torch

        if torch.cuda.is_available():
            return "peft"
    if platform.system() == "Darwin" and platform.machine() == "arm64" and importlib.util.find_spec("mlx_lm"):
        return "mlx"
    return "peft"


def get_engine(name: str) -> TrainEngine:
    module, cls = ENGINES[pick_engine(name)].split(":")
    return getattr(importlib.import_module(module), cls)()

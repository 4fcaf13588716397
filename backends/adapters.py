"""The on-disk shape of one adapter version, as backends read it.

An adapter version is a folder (written by trainer's registry) holding the same LoRA in the
formats the backends need:
    manifest.json     what it was trained on, with which settings, and how well it did
    peft/             Hugging Face peft adapter (transformers backend, warm starts)
    lora.gguf         llama.cpp LoRA (llamacpp backend)
    mlx/              mlx-lm adapter (mlx backend)
A backend asks for its format and gets a clear error if this version lacks it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from backends.base import BackendError

AdapterFormat = Literal["gguf", "peft", "mlx"]
FORMAT_PATHS: dict[str, str] = {"gguf": "lora.gguf", "peft": "peft", "mlx": "mlx"}
MANIFEST = "manifest.json"


def adapter_file(version_dir: Path, fmt: AdapterFormat) -> Path:
    """The path of format `fmt` inside an adapter version, or BackendError naming what is missing."""
    path = version_dir / FORMAT_PATHS[fmt]
    if not path.exists():
        raise BackendError(
            f"Adapter {version_dir.name} has no {fmt} weights ({path.name} missing); "
            f"it may be corrupt, or trained for another backend (`brain export` converts)."
        )
    return path


def adapter_label(version_dir: Path | None) -> str | None:
    """The version name shown in the status bar; None means the base model."""
    return version_dir.name if version_dir else None

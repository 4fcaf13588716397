"""Sharded adapters: each note belongs to one shard, each shard's LoRA learns only its notes, and
the served adapter is their sum. Forgetting a note then retrains one shard, not the vault.

A LoRA update is delta_W = s * B @ A. The sum of several, each scaled by `weight`, is itself one
LoRA whose A matrices are stacked and whose B matrices are placed side by side (rank = the sum of
ranks), so the combined adapter is an ordinary peft folder: the GGUF export, llama.cpp, peft and
every backend load it as they load any other. The per-shard scale is folded into B and the
combined config says alpha = rank (scale 1), so nothing is lost in the fold.

`weight` is the knob between a sum (1.0: each shard's update in full; what several short trainings
on disjoint data add up to) and an average (1/k). bench/forget_latency.py measures held-out
perplexity for several weights.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np

CONFIG = "adapter_config.json"
WEIGHTS = "adapter_model.safetensors"


def shard_of(path: str, shards: int) -> int:
    """A note's shard: stable across runs and machines (its vault path's SHA-256)."""
    return int(hashlib.sha256(path.encode("utf-8")).hexdigest(), 16) % shards


def shard_name(i: int) -> str:
    return f"s{i:03d}"


def combine(peft_dirs: list[Path], out: Path, weight: float = 1.0) -> Path:
    """Write the sum of the LoRAs in `peft_dirs` (each scaled by `weight`) as one peft folder."""
    from safetensors.numpy import load_file, save_file

    if not peft_dirs:
        raise ValueError("no shard adapters to combine")
    configs = [json.loads((d / CONFIG).read_text(encoding="utf-8")) for d in peft_dirs]
    tensors = [load_file(str(d / WEIGHTS)) for d in peft_dirs]
    names = sorted({k.replace("lora_A", "{}").replace("lora_B", "{}") for k in tensors[0] if ".lora_" in k})
    merged: dict[str, np.ndarray] = {}
    for pattern in names:
        a_key, b_key = pattern.format("lora_A"), pattern.format("lora_B")
        a_parts, b_parts = [], []
        for config, weights in zip(configs, tensors):
            if a_key not in weights:
                continue
            a, b = weights[a_key], weights[b_key]
            a_parts.append(a)
            b_parts.append(b * np.asarray(weight * _scale(config, a.shape[0]), dtype=b.dtype))
        merged[a_key] = np.ascontiguousarray(np.concatenate(a_parts, axis=0))
        merged[b_key] = np.ascontiguousarray(np.concatenate(b_parts, axis=1))
    rank = int(next(v for k, v in merged.items() if ".lora_A" in k).shape[0])
    config = {k: v for k, v in configs[0].items() if k not in ("rank_pattern", "alpha_pattern")}
    config.update(r=rank, lora_alpha=float(rank), use_rslora=False)
    out.mkdir(parents=True, exist_ok=True)
    save_file(merged, str(out / WEIGHTS))
    (out / CONFIG).write_text(json.dumps(config, indent=2), encoding="utf-8")
    return out


def _scale(config: dict, rank: int) -> float:
    alpha = float(config.get("lora_alpha", rank))
    return alpha / (rank ** 0.5) if config.get("use_rslora") else alpha / rank


def copy_shard(src: Path, dst: Path) -> None:
    """A kept shard's adapter into a new version (hard links where the filesystem allows)."""
    shutil.copytree(src, dst, copy_function=_link_or_copy)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        Path(dst).hardlink_to(src)
    except OSError:
        shutil.copy2(src, dst)

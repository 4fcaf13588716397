"""Sharded adapters: the combined LoRA is exactly the weighted sum of the shards' updates, and a
note's shard never changes between runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from trainer.adapters.shards import combine, shard_of

MODULES = ["base_model.model.model.layers.0.self_attn.q_proj", "base_model.model.model.layers.1.mlp.down_proj"]


def lora_dir(root: Path, rank: int, alpha: float, seed: int) -> Path:
    """A peft adapter folder as peft writes it: adapter_config.json + adapter_model.safetensors."""
    rng = np.random.default_rng(seed)
    tensors = {}
    for m in MODULES:
        tensors[f"{m}.lora_A.weight"] = rng.standard_normal((rank, 24)).astype(np.float32)
        tensors[f"{m}.lora_B.weight"] = rng.standard_normal((16, rank)).astype(np.float32)
    root.mkdir(parents=True)
    save_file(tensors, str(root / "adapter_model.safetensors"))
    (root / "adapter_config.json").write_text(json.dumps(
        {"r": rank, "lora_alpha": alpha, "target_modules": ["q_proj", "down_proj"], "peft_type": "LORA"}))
    return root


def delta(folder: Path, module: str) -> np.ndarray:
    from safetensors.numpy import load_file

    cfg = json.loads((folder / "adapter_config.json").read_text())
    t = load_file(str(folder / "adapter_model.safetensors"))
    return cfg["lora_alpha"] / cfg["r"] * t[f"{module}.lora_B.weight"] @ t[f"{module}.lora_A.weight"]


def test_combined_update_is_the_weighted_sum_of_the_shards(tmp_path):
    shards = [lora_dir(tmp_path / "a", 4, 8.0, 1), lora_dir(tmp_path / "b", 4, 8.0, 2), lora_dir(tmp_path / "c", 8, 4.0, 3)]
    out = combine(shards, tmp_path / "sum", weight=0.5)
    cfg = json.loads((out / "adapter_config.json").read_text())
    assert cfg["r"] == 16 and cfg["target_modules"] == ["q_proj", "down_proj"]
    for m in MODULES:
        expected = 0.5 * sum(delta(s, m) for s in shards)
        assert np.allclose(delta(out, m), expected, atol=1e-5)


def test_a_notes_shard_is_stable_and_shards_are_used():
    paths = [f"journal/{i}.md" for i in range(400)]
    first = [shard_of(p, 16) for p in paths]
    assert first == [shard_of(p, 16) for p in paths]
    assert set(first) == set(range(16))


def test_every_shard_sees_its_notes_as_often_and_a_lighter_shard_trains_less():
    from trainer.sharded import shard_steps

    # 72 steps over 40 examples: a 10-example shard gets a quarter, a 2-example shard a twentieth
    assert [shard_steps(72, n, 40) for n in (10, 28, 2)] == [18, 51, 4]
    # after forgetting one of the 10 examples' note, its shard trains for fewer steps, not as many
    assert shard_steps(72, 9, 39) < shard_steps(72, 10, 40)
    assert shard_steps(72, 1, 10_000) == 1 and shard_steps(0, 5, 40) == 0  # 0 = the engine's own epochs

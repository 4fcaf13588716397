"""peft LoRA -> llama.cpp GGUF LoRA: the file format, the q/k permutation, the scale, refusals,
and real agreement between llama.cpp + GGUF LoRA and transformers + peft on the bundled model.

One random all-linear LoRA (B ~ N(0, 0.1), strong enough to change a quarter of the top-1
tokens) is built and exported once per module. Measured on 2 cores (bench/lora_agreement.py):
base top-1 96.3%, adapter 94.7%, effect correlation 0.985, slope 1.01; a missing q/k permutation
gave 83.7% / 0.85 / 0.84, a halved scale 83% and slope 0.39, swapped A/B a file llama.cpp refuses
(notes/gguf-export.md).
"""

from __future__ import annotations

import filecmp
import json
import math

import numpy as np
import pytest

from backends.models import bundled_gguf, file_sha256, resolve_model
from trainer.adapters.export_gguf import (
    ExportError,
    export_gguf_lora,
    permute_rows,
    read_safetensors,
)

N_LAYERS, N_HEAD, N_KV = 30, 9, 3
LINEAR = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]


@pytest.fixture(scope="module")
def hf_dir(model_cache):
    """The bundled GGUF dequantized into a Hugging Face folder (cached for the whole session)."""
    from backends.hf_folder import hf_folder_from_gguf

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRAIN_CACHE", str(model_cache))
        mp.setenv("HF_HUB_OFFLINE", "1")
        yield hf_folder_from_gguf(bundled_gguf())


@pytest.fixture(scope="module")
def version(hf_dir, tmp_path_factory):
    """An adapter version folder: peft/ (random all-linear LoRA) and lora.gguf exported from it."""
    import torch

    from trainer.adapters.lora_agreement import random_lora

    torch.set_num_threads(2)
    folder = tmp_path_factory.mktemp("adapters") / "v0001"
    random_lora(hf_dir, folder / "peft", rank=8, alpha=16.0, b_std=0.1, seed=0)
    export_gguf_lora(folder / "peft", bundled_gguf(), folder / "lora.gguf")
    return folder


@pytest.fixture(scope="module")
def agreement(hf_dir, version):
    from trainer.adapters.lora_agreement import measure_agreement, sample_ids

    ids = sample_ids(hf_dir, limit=300)
    assert len(ids) >= 250
    return measure_agreement(hf_dir, bundled_gguf(), version, ids, n_threads=2)


def gguf_tensors(path) -> tuple[dict, dict[str, np.ndarray]]:
    from gguf import GGUFReader

    reader = GGUFReader(str(path))
    fields = {k: f.contents() for k, f in reader.fields.items() if not k.startswith("GGUF.")}
    return fields, {t.name: np.array(t.data) for t in reader.tensors}


# ---- the file --------------------------------------------------------------------------------


@pytest.mark.slow
def test_exported_file_is_a_llamacpp_lora_for_the_base(version):
    fields, tensors = gguf_tensors(version / "lora.gguf")
    assert fields == {"general.architecture": "llama", "general.type": "adapter", "adapter.type": "lora",
                      "adapter.lora.alpha": 16.0}
    assert set(tensors) == {f"blk.{i}.{t}.weight.lora_{ab}" for i in range(N_LAYERS) for t in LINEAR for ab in "ab"}
    # numpy (row-major) shapes: lora_a (r, n_in), lora_b (n_out, r); ggml reads them as ne [n_in, r], [r, n_out]
    assert tensors["blk.0.attn_k.weight.lora_a"].shape == (8, 576)
    assert tensors["blk.0.attn_k.weight.lora_b"].shape == (192, 8)
    assert tensors["blk.0.ffn_down.weight.lora_a"].shape == (8, 1536)


@pytest.mark.slow
def test_q_and_k_rows_are_permuted_like_the_base_conversion(version):
    """transformers un-permutes q/k rows when it dequantizes the llama GGUF (that is how the peft
    base was made); undoing it on our lora_b must give back peft's B exactly."""
    from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor

    unpermute = LlamaTensorProcessor()._reverse_permute_weights
    peft = read_safetensors(version / "peft" / "adapter_model.safetensors")
    _, gguf = gguf_tensors(version / "lora.gguf")
    prefix = "base_model.model.model.layers.3"
    b_q, b_k = peft[f"{prefix}.self_attn.q_proj.lora_B.weight"], peft[f"{prefix}.self_attn.k_proj.lora_B.weight"]
    assert not np.array_equal(gguf["blk.3.attn_q.weight.lora_b"], b_q)  # it really was permuted
    f16 = lambda x: x.astype(np.float16)  # noqa: E731  (the file is f16: compare rounded values)
    np.testing.assert_array_equal(unpermute(gguf["blk.3.attn_q.weight.lora_b"], N_HEAD, N_HEAD), f16(b_q))
    np.testing.assert_array_equal(unpermute(gguf["blk.3.attn_k.weight.lora_b"], N_HEAD, N_KV), f16(b_k))
    np.testing.assert_array_equal(gguf["blk.3.attn_v.weight.lora_b"], f16(peft[f"{prefix}.self_attn.v_proj.lora_B.weight"]))
    np.testing.assert_array_equal(gguf["blk.3.attn_q.weight.lora_a"], f16(peft[f"{prefix}.self_attn.q_proj.lora_A.weight"]))


# ---- agreement with peft ---------------------------------------------------------------------


@pytest.mark.slow
def test_llamacpp_with_the_gguf_lora_agrees_with_peft(agreement):
    assert agreement.positions >= 250
    assert agreement.base_top1 >= 0.90, agreement.report()  # Q4_1 llama.cpp vs fp32 transformers
    assert agreement.adapter_top1 >= 0.90, agreement.report()  # a missing q/k permutation gave 0.837
    assert agreement.delta_corr >= 0.95, agreement.report()  # ... and 0.854
    assert 0.9 <= agreement.delta_slope <= 1.1, agreement.report()  # half the scale gave 0.39


@pytest.mark.slow
def test_the_adapter_changes_llamacpp_output(agreement):
    assert agreement.llama_changed >= 0.15, agreement.report()
    assert abs(agreement.llama_changed - agreement.peft_changed) <= 0.1, agreement.report()


# ---- scale -----------------------------------------------------------------------------------


def write_peft(folder, config: dict, tensors: dict[str, np.ndarray]):
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "bias": "none", **config}))
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()},
              str(folder / "adapter_model.safetensors"))
    return folder


def lora(module: str, r: int, n_in: int, n_out: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    key = f"base_model.model.model.{module}"
    return {f"{key}.lora_A.weight": rng.normal(size=(r, n_in)), f"{key}.lora_B.weight": rng.normal(size=(n_out, r))}


def test_rslora_and_per_module_patterns_keep_peft_scale(tmp_path):
    """llama.cpp scales by alpha/r with one alpha per file; peft by alpha/sqrt(r) (rsLoRA) with
    per-module rank and alpha. The per-module rest is folded into lora_b."""
    tensors = {**lora("layers.0.self_attn.q_proj", 4, 576, 576), **lora("layers.0.self_attn.v_proj", 2, 576, 192, 1)}
    peft = write_peft(tmp_path / "peft", {"r": 4, "lora_alpha": 8, "use_rslora": True,
                                          "rank_pattern": {"v_proj": 2}, "alpha_pattern": {"v_proj": 16}}, tensors)
    fields, out = gguf_tensors(export_gguf_lora(peft, bundled_gguf(), tmp_path / "lora.gguf", dtype="f32"))
    alpha = fields["adapter.lora.alpha"]
    assert alpha == pytest.approx(8 / math.sqrt(4) * 4)  # llama.cpp's alpha/r == peft's 8/sqrt(4) at r=4
    b_q = tensors["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"]
    np.testing.assert_allclose(out["blk.0.attn_q.weight.lora_b"], permute_rows(b_q, N_HEAD, N_HEAD), rtol=1e-6)
    b_v = tensors["base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"]
    fold = (16 / math.sqrt(2)) / (alpha / 2)  # peft's scale for v / llama.cpp's
    np.testing.assert_allclose(out["blk.0.attn_v.weight.lora_b"], b_v * fold, rtol=1e-6)


def test_lora_gguf_is_f16_by_default_half_the_size_and_f32_on_request(tmp_path):
    tensors = lora("layers.0.self_attn.v_proj", 4, 576, 192)
    tensors["base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"][0, 0] = 1e6  # beyond f16
    tensors.update(lora("layers.0.mlp.up_proj", 4, 576, 1536, 1))
    peft = write_peft(tmp_path / "peft", {"r": 4, "lora_alpha": 8}, tensors)
    f32 = export_gguf_lora(peft, bundled_gguf(), tmp_path / "f32.gguf", dtype="f32")
    f16 = export_gguf_lora(peft, bundled_gguf(), tmp_path / "f16.gguf")
    _, t32 = gguf_tensors(f32)
    _, t16 = gguf_tensors(f16)
    assert {t.dtype for t in t32.values()} == {np.dtype(np.float32)}
    assert t16["blk.0.ffn_up.weight.lora_a"].dtype == np.float16
    np.testing.assert_array_equal(t16["blk.0.ffn_up.weight.lora_b"], t32["blk.0.ffn_up.weight.lora_b"].astype(np.float16))
    assert t16["blk.0.attn_v.weight.lora_b"].dtype == np.float32  # 1e6 would be inf in f16: kept f32
    assert t16["blk.0.attn_v.weight.lora_b"][0, 0] == 1e6
    assert f16.stat().st_size < 0.7 * f32.stat().st_size
    with pytest.raises(ExportError, match="choose f16 or f32"):
        export_gguf_lora(peft, bundled_gguf(), tmp_path / "q8.gguf", dtype="q8_0")


def test_bf16_weights_read_like_their_float32_values(tmp_path):
    import torch
    from safetensors.torch import save_file

    t = torch.randn(3, 5).to(torch.bfloat16)
    save_file({"x": t}, str(tmp_path / "w.safetensors"))
    np.testing.assert_array_equal(read_safetensors(tmp_path / "w.safetensors")["x"], t.float().numpy())


# ---- refusals --------------------------------------------------------------------------------

BAD = {
    "lm_head": ({}, {"base_model.model.lm_head.lora_A.weight": np.ones((2, 576)),
                     "base_model.model.lm_head.lora_B.weight": np.ones((49152, 2))}, "output layer"),
    "embeddings": ({}, {"base_model.model.model.embed_tokens.lora_embedding_A": np.ones((2, 49152)),
                        "base_model.model.model.embed_tokens.lora_embedding_B": np.ones((576, 2))}, "embeddings"),
    "dora": ({"use_dora": True}, lora("layers.0.self_attn.q_proj", 2, 576, 576), "DoRA"),
    "another base": ({}, lora("layers.0.self_attn.q_proj", 2, 1024, 1024), "another base model"),
    "saved modules": ({"modules_to_save": ["lm_head"]}, lora("layers.0.self_attn.q_proj", 2, 576, 576), "full modules"),
}


@pytest.mark.parametrize("case", BAD)
def test_adapters_llamacpp_cannot_run_are_refused_and_leave_the_old_file(tmp_path, case):
    config, tensors, why = BAD[case]
    peft = write_peft(tmp_path / "peft", {"r": 2, "lora_alpha": 4, **config}, tensors)
    out = tmp_path / "out" / "lora.gguf"
    out.parent.mkdir()
    out.write_bytes(b"previous adapter")
    with pytest.raises(ExportError, match=why):
        export_gguf_lora(peft, bundled_gguf(), out)
    assert out.read_bytes() == b"previous adapter"
    assert [p.name for p in out.parent.iterdir()] == ["lora.gguf"]  # no temp file left behind


# ---- brain export ----------------------------------------------------------------------------


def registry_with(version_src, vault):
    """A vault's registry holding one active version with only peft weights (no lora.gguf yet)."""
    import shutil

    from trainer.paths import adapters_dir
    from trainer.adapters.registry import AdapterRegistry

    reg = AdapterRegistry(adapters_dir(vault))
    with reg.build() as staging:
        shutil.copytree(version_src / "peft", staging / "peft")
        v = reg.commit(staging, {"engine": "peft", "base_model": {
            "spec": "default", "kind": "gguf", "sha256": file_sha256(bundled_gguf())}})
    reg.activate(v.name)
    return reg, v


@pytest.mark.slow
def test_brain_export_ollama_writes_a_folder_llamacpp_can_run(version, hf_dir, tmp_path, capsys):
    from backends.llamacpp import LlamaCppBackend
    from tui.cli import main

    vault = tmp_path / "vault"
    vault.mkdir()
    reg, v = registry_with(version, vault)
    out = tmp_path / "ollama"
    assert main(["export", "--vault", str(vault), "--ollama", str(out), "--check"]) == 0, capsys.readouterr().err
    assert "top-1 agreement, adapter" in capsys.readouterr().out
    assert (v.path / "lora.gguf").is_file()  # the version got its llama.cpp copy
    assert reg.get(v.name).manifest["gguf_agreement"]["adapter_top1"] >= 0.9
    modelfile = (out / "Modelfile").read_text().splitlines()
    assert "FROM ./base.gguf" in modelfile and "ADAPTER ./lora.gguf" in modelfile
    assert 'PARAMETER stop "<|im_end|>"' in modelfile  # SmolLM2 is ChatML: template written out
    assert filecmp.cmp(out / "base.gguf", bundled_gguf(), shallow=False)
    backend = LlamaCppBackend(n_threads=2, n_ctx=256)
    backend.load(resolve_model(str(out / "base.gguf")), adapter=out)  # reads out/lora.gguf
    assert backend.info().adapter == "ollama"
    backend.close()


@pytest.mark.slow
def test_brain_export_gguf_and_its_errors(version, tmp_path, capsys):
    from tui.cli import main

    vault = tmp_path / "vault"
    vault.mkdir()
    assert main(["export", "--vault", str(vault), "--gguf", str(tmp_path / "x.gguf")]) == 1
    assert "No active adapter" in capsys.readouterr().err
    _, v = registry_with(version, vault)
    assert main(["export", "--vault", str(vault), "--version", "v0009", "--gguf", str(tmp_path / "x.gguf")]) == 1
    assert "No adapter version 'v0009'" in capsys.readouterr().err
    out = tmp_path / "exported" / "mine.gguf"
    assert main(["export", "--vault", str(vault), "--version", v.name, "--gguf", str(out)]) == 0
    assert filecmp.cmp(out, v.path / "lora.gguf", shallow=False)
    fields, _ = gguf_tensors(out)
    assert fields["general.type"] == "adapter"

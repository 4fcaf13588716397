"""Convert a Hugging Face peft LoRA into the GGUF LoRA file llama.cpp attaches to a base GGUF.

The format, as llama.cpp reads it (src/llama-adapter.cpp, `llama_adapter_lora_init_impl`):
- metadata `general.type` = "adapter", `adapter.type` = "lora", `general.architecture` equal to
  the base model's, `adapter.lora.alpha` (float32);
- for each adapted weight `W` of the base GGUF (say `blk.3.attn_q.weight`), two tensors
  `blk.3.attn_q.weight.lora_a` and `.lora_b`. Shapes are checked against the base tensor in ggml
  order (ne[0] = input size): lora_a.ne = [n_in, r], lora_b.ne = [r, n_out]. Those are exactly
  peft's row-major `lora_A.weight` (r, n_in) and `lora_B.weight` (n_out, r), written unchanged.
- the graph adds `scale * B(A x)` with scale = adapter_scale * alpha / r, r read per tensor from
  lora_b (src/llama-graph.cpp, `build_lora_mm`). peft adds `s * B(A x)` with s = alpha / r, or
  alpha / sqrt(r) under rsLoRA, with per-module `rank_pattern` / `alpha_pattern`. We write one
  alpha that reproduces peft's default scale and fold any per-module difference into lora_b.

llama.cpp's own converter (convert_lora_to_gguf.py) reuses convert_hf_to_gguf's per-architecture
`modify_tensors`. For llama-family GGUFs that permutes the rows of q_proj and k_proj
(`LlamaModel.permute`: rope pairs are adjacent in GGUF, split in half in HF); for a LoRA, rows
are lora_b's, so lora_b of q/k gets the same permutation and lora_a stays as is. transformers
undoes exactly this permutation when it dequantizes a llama GGUF
(`LlamaTensorProcessor._reverse_permute_weights`), which is how brain's peft base is made.

We do not import that script: it needs llama.cpp's vendored gguf-py (it fails on the PyPI
package). This module needs only `gguf` and numpy (no torch): safetensors is parsed directly.
"""

from __future__ import annotations

import functools
import json
import math
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.atomic import atomic_path

# GGUF architectures whose HF->GGUF conversion permutes q/k rows (convert_hf_to_gguf: LlamaModel
# and subclasses that keep `undo_permute = True`).
PERMUTED_ARCHS = frozenset({"llama", "arcee", "smollm3", "granite", "granitemoe"})
_LORA_KEY = re.compile(r"^(?:base_model\.model\.)?(?P<module>.+)\.lora_(?P<ab>[AB])\.weight$")
_BASE_CHANGING_INITS = ("pissa", "olora", "corda", "loftq")


class ExportError(ValueError):
    """The adapter cannot be expressed as a llama.cpp LoRA for this base; the message says why."""


@dataclass(frozen=True)
class BaseModelInfo:
    """What the export needs from the base GGUF: its architecture, head counts and tensor shapes."""

    arch: str
    n_blocks: int
    n_head: int
    n_head_kv: int
    shapes: dict[str, tuple[int, ...]]  # tensor name -> ggml ne (input size first)

    @classmethod
    def read(cls, gguf_path: Path) -> BaseModelInfo:
        from gguf import GGUFReader

        reader = GGUFReader(str(gguf_path))

        def field(key: str, default=None):
            f = reader.fields.get(key)
            return default if f is None else f.contents()

        arch = field("general.architecture")
        if not arch:
            raise ExportError(f"{gguf_path.name} has no general.architecture: not a GGUF model file.")
        n_head = field(f"{arch}.attention.head_count", 0)
        shapes = {t.name: tuple(int(n) for n in t.shape) for t in reader.tensors}
        return cls(arch, int(field(f"{arch}.block_count", 0)), n_head,
                   field(f"{arch}.attention.head_count_kv", n_head), shapes)


@dataclass
class LoraPair:
    module: str  # peft module path, e.g. model.layers.3.self_attn.q_proj
    a: np.ndarray  # (r, n_in)
    b: np.ndarray  # (n_out, r)

    @property
    def rank(self) -> int:
        return self.a.shape[0]


def export_gguf_lora(peft_dir: Path, base_gguf: Path, out: Path, dtype: str = "f16") -> Path:
    """Write `out` (a llama.cpp LoRA GGUF) from the peft adapter in `peft_dir` for `base_gguf`.

    dtype "f16" (default, as llama.cpp's own converter) halves the file and llama.cpp's output
    agrees with peft as well as with "f32" (bench/lora_agreement.py --dtype; notes/gguf-export.md);
    a tensor with a value beyond f16's range stays f32. Atomic: a crash leaves either no file or
    the previous one. Raises ExportError for adapters llama.cpp cannot run (embeddings or lm_head
    adapted, DoRA, biases, wrong base model)."""
    if dtype not in ("f16", "f32"):
        raise ExportError(f"GGUF LoRA type {dtype!r} is not supported; choose f16 or f32.")
    peft_dir, base_gguf, out = Path(peft_dir), Path(base_gguf), Path(out)
    config = read_lora_config(peft_dir)
    base = BaseModelInfo.read(base_gguf)
    pairs = read_lora_pairs(peft_dir)
    alpha = gguf_alpha(config)
    tensors: list[tuple[str, np.ndarray]] = []
    for pair in pairs:
        name, b = gguf_tensor(pair, base, config, alpha)
        tensors += [(f"{name}.lora_a", stored(pair.a, dtype)), (f"{name}.lora_b", stored(b, dtype))]
    _write_atomic(out, base.arch, alpha, tensors)
    return out


def stored(array: np.ndarray, dtype: str) -> np.ndarray:
    """The array as written: f16 when asked and every value fits (else f32, never inf)."""
    if dtype == "f16" and np.all(np.abs(array) <= np.finfo(np.float16).max):
        return np.ascontiguousarray(array, dtype=np.float16)
    return np.ascontiguousarray(array, dtype=np.float32)


def read_lora_config(peft_dir: Path) -> dict:
    """adapter_config.json, refused early when it describes something llama.cpp cannot apply."""
    path = peft_dir / "adapter_config.json"
    if not path.is_file():
        raise ExportError(f"{peft_dir} is not a peft adapter folder (adapter_config.json missing).")
    config = json.loads(path.read_text())
    problems = {
        "it is not a LoRA": config.get("peft_type", "LORA") != "LORA",
        "DoRA needs a magnitude vector llama.cpp does not apply": config.get("use_dora"),
        "LoRA biases are not supported by llama.cpp": config.get("bias", "none") != "none" or config.get("lora_bias"),
        "fan_in_fan_out (Conv1D) layers are not supported": config.get("fan_in_fan_out"),
        "it trains full modules (modules_to_save), which a LoRA file cannot carry": config.get("modules_to_save"),
        "it adapts raw parameters (target_parameters)": config.get("target_parameters"),
        "its initialisation changed the base weights": str(config.get("init_lora_weights")).lower().startswith(_BASE_CHANGING_INITS),
    }
    for why, bad in problems.items():
        if bad:
            raise ExportError(f"Cannot export {peft_dir} to llama.cpp: {why}.")
    return config


def read_lora_pairs(peft_dir: Path) -> list[LoraPair]:
    """lora_A / lora_B tensors grouped by module, in file order; anything else is refused."""
    weights = peft_dir / "adapter_model.safetensors"
    if not weights.is_file():
        raise ExportError(f"{peft_dir} has no adapter_model.safetensors (save the adapter with safetensors).")
    pairs: dict[str, dict[str, np.ndarray]] = {}
    for key, array in read_safetensors(weights).items():
        match = _LORA_KEY.match(key)
        if match is None:
            raise ExportError(_unsupported_tensor(key))
        pairs.setdefault(match["module"], {})[match["ab"]] = array.astype(np.float32)
    result = []
    for module, ab in pairs.items():
        if set(ab) != {"A", "B"}:
            raise ExportError(f"Adapter tensor pair for {module} is incomplete (has only lora_{''.join(ab)}).")
        result.append(LoraPair(module, ab["A"], ab["B"]))
    if not result:
        raise ExportError(f"{weights} holds no LoRA tensors.")
    return result


def _unsupported_tensor(key: str) -> str:
    if "lora_embedding" in key or "embed_tokens" in key or "lm_head" in key:
        return (f"The adapter changes the embeddings or the output layer ({key}); llama.cpp LoRA "
                "export supports adapters on linear layers only. Retrain without embed_tokens/lm_head.")
    if "lora_magnitude_vector" in key:
        return f"The adapter is a DoRA ({key}); llama.cpp applies plain LoRA only."
    return f"Unexpected tensor {key} in the adapter: not a lora_A/lora_B weight."


def peft_scale(config: dict, module: str, rank: int) -> float:
    """The factor peft multiplies B(Ax) by for `module` (rank from the tensors themselves)."""
    from_pattern = _pattern_value(config.get("alpha_pattern") or {}, module)
    alpha = float(from_pattern if from_pattern is not None else config.get("lora_alpha", 8))
    return alpha / (math.sqrt(rank) if config.get("use_rslora") else rank)


def gguf_alpha(config: dict) -> float:
    """The single adapter.lora.alpha: llama.cpp's alpha/r equals peft's default scale at rank r."""
    r = int(config.get("r", 8))
    alpha = peft_scale({**config, "alpha_pattern": {}}, "", r) * r
    if alpha == 0:  # llama.cpp reads alpha 0 as "no alpha": it would apply scale 1, not 0
        raise ExportError("lora_alpha is 0: the adapter does nothing; nothing to export.")
    return alpha


def _pattern_value(patterns: dict, module: str):
    """peft's get_pattern_key: the first key matching the end of the module path."""
    for key, value in patterns.items():
        if re.match(rf"(.*\.)?({key})$", module):
            return value
    return None


def gguf_tensor(pair: LoraPair, base: BaseModelInfo, config: dict, alpha: float) -> tuple[str, np.ndarray]:
    """The base tensor name this pair adapts and the lora_b to write for it (permuted, rescaled)."""
    import gguf

    kind, name = _map_module(pair.module, base)
    if kind in (gguf.MODEL_TENSOR.TOKEN_EMBD, gguf.MODEL_TENSOR.OUTPUT):
        raise ExportError(_unsupported_tensor(pair.module))
    name += ".weight"
    _check_shape(pair, name, base)
    b = pair.b
    if base.arch in PERMUTED_ARCHS and kind in (gguf.MODEL_TENSOR.ATTN_Q, gguf.MODEL_TENSOR.ATTN_K):
        n_kv = base.n_head if kind == gguf.MODEL_TENSOR.ATTN_Q else base.n_head_kv
        b = permute_rows(b, base.n_head, n_kv)
    fold = peft_scale(config, pair.module, pair.rank) / (alpha / pair.rank)
    if abs(fold - 1.0) > 1e-6:
        b = b * np.float32(fold)
    return name, np.ascontiguousarray(b, dtype=np.float32)


def _map_module(module: str, base: BaseModelInfo):
    tmap = _name_map(base.arch, base.n_blocks)
    for candidate in (module, module.replace("model.language_model.", "model.", 1), module.removeprefix("language_model.")):
        found = tmap.get_type_and_name(candidate)
        if found is not None:
            return found
    raise ExportError(f"No {base.arch} tensor corresponds to adapted module {module}.")


@functools.lru_cache(maxsize=4)
def _name_map(arch: str, n_blocks: int):
    """gguf's HF-name -> GGUF-name map for one architecture (slow to build: built once)."""
    import gguf

    arch_id = {v: k for k, v in gguf.MODEL_ARCH_NAMES.items()}.get(arch)
    if arch_id is None:
        raise ExportError(f"The gguf package does not know architecture {arch!r}; upgrade gguf.")
    return gguf.get_tensor_name_map(arch_id, n_blocks)


def _check_shape(pair: LoraPair, name: str, base: BaseModelInfo) -> None:
    shape = base.shapes.get(name)
    if shape is None:
        raise ExportError(f"The base model has no tensor {name} (adapter trained for another model?).")
    n_in, n_out = shape[0], shape[1]
    if pair.a.shape[1] != n_in or pair.b.shape[0] != n_out or pair.b.shape[1] != pair.rank:
        raise ExportError(
            f"{pair.module}: LoRA shapes A{tuple(pair.a.shape)} B{tuple(pair.b.shape)} do not fit "
            f"{name} ({n_in} in, {n_out} out): the adapter was trained for another base model.")


def permute_rows(weights: np.ndarray, n_head: int, n_head_kv: int) -> np.ndarray:
    """convert_hf_to_gguf's LlamaModel.permute on rows: split-half rope pairs -> adjacent pairs."""
    if n_head_kv and n_head != n_head_kv:
        n_head = n_head_kv
    rows = weights.shape[0]
    if n_head <= 0 or rows % (2 * n_head):
        raise ExportError(f"{rows} rows cannot be split into {n_head} rope heads.")
    return (weights.reshape(n_head, 2, rows // n_head // 2, *weights.shape[1:])
            .swapaxes(1, 2).reshape(weights.shape))


_ST_DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "BF16": np.uint16}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """A safetensors file as numpy arrays (bf16 widened to float32), without torch.

    Format: u64 little-endian header size, a JSON header {name: {dtype, shape, data_offsets}},
    then the raw little-endian tensor bytes."""
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        dtype = _ST_DTYPES.get(info["dtype"])
        if dtype is None:
            raise ExportError(f"{path.name}: tensor {name} has unsupported dtype {info['dtype']}.")
        start, end = info["data_offsets"]
        array = np.frombuffer(raw, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize,
                              offset=8 + size + start).reshape(info["shape"])
        if info["dtype"] == "BF16":
            array = (array.astype(np.uint32) << 16).view(np.float32)
        out[name] = array
    return out


def _write_atomic(out: Path, arch: str, alpha: float, tensors: list[tuple[str, np.ndarray]]) -> None:
    from gguf import GGUFType, GGUFWriter, Keys

    with atomic_path(out) as tmp:
        writer = GGUFWriter(tmp, arch)
        writer.add_type(GGUFType.ADAPTER)
        writer.add_string(Keys.Adapter.TYPE, "lora")
        writer.add_float32(Keys.Adapter.LORA_ALPHA, float(alpha))
        for name, array in tensors:
            writer.add_tensor(name, array)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()

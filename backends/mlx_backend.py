"""mlx-lm backend: Apple silicon (Metal), or Linux CPU with `mlx[cpu]` (slow, ~3 tokens/s here).

Three MLX traps shape this file:
- RoPE: mlx-lm's llama reads only a top-level `rope_theta`; transformers 5 writes it inside
  `rope_parameters`, and mlx-lm then silently falls back to 10000 (logits off by up to 10).
  `mlx_model_config` lifts it (and any rope scaling) to where mlx-lm looks, for every folder.
- Threads: arrays created lazily on one thread and first evaluated on another fail with
  "There is no Stream(cpu, 0) in current thread". We evaluate every parameter right after each
  load and each adapter swap, so the TUI can load on one thread and generate on a worker.
- Dropout: LoRA layers are created in training mode; we switch the model to eval after a swap.
Adapters are swapped in place (mlx-lm's `load_adapters` / `remove_lora_layers`): the base
weights stay loaded, only the small LoRA matrices change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from backends.adapters import adapter_file, adapter_label
from backends.base import BackendError, BackendInfo, GenOpts, Message
from backends.hf_folder import explain_hub_error, hf_source
from backends.models import ModelRef

MLX_HINT = "The mlx backend needs mlx and mlx-lm: pip install 'second-brain[mlx]'"


def mlx_model_config(folder: Path) -> dict[str, Any]:
    """Config overrides so mlx-lm sees the RoPE settings transformers 5 nests in `rope_parameters`."""
    config = json.loads((folder / "config.json").read_text())
    rope = config.get("rope_parameters") or {}
    fixes: dict[str, Any] = {}
    if "rope_theta" not in config and "rope_theta" in rope:
        fixes["rope_theta"] = rope["rope_theta"]
    if not config.get("rope_scaling") and rope.get("rope_type", "default") != "default":
        fixes["rope_scaling"] = {k: v for k, v in rope.items() if k != "rope_theta"}
    return fixes


def local_folder(model: ModelRef) -> Path:
    """A local Hugging Face folder for `model`: the dequantized GGUF cache, the user's folder, or
    the hub snapshot (from the local cache unless network access is allowed)."""
    src = hf_source(model)
    if model.kind != "hub":
        return Path(src)
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(src, allow_patterns=["*.json", "*.safetensors", "*.jinja", "*.txt",
                                                           "tokenizer.model"]))
    except Exception as exc:  # offline, unknown id, no permission: all become one sentence
        raise explain_hub_error(model, exc) from exc


def load_base(model: ModelRef):
    """(mlx model, mlx-lm tokenizer) for `model`, every weight evaluated on this thread."""
    try:
        import mlx.core as mx
        from mlx_lm import load
    except ImportError as exc:
        raise BackendError(MLX_HINT) from exc
    folder = local_folder(model)
    try:
        mlx_model, tokenizer = load(str(folder), model_config=mlx_model_config(folder))
    except (FileNotFoundError, ValueError, KeyError) as exc:
        raise BackendError(f"mlx-lm could not load {model.name} from {folder}: {exc}") from exc
    mx.eval(mlx_model.parameters())
    return mlx_model, tokenizer


def mlx_device() -> str:
    import mlx.core as mx

    if mx.default_device() == mx.cpu:
        return "mlx-cpu"
    if mx.metal.is_available():
        return "mlx-metal"
    return "mlx-gpu"


def hold_back_stops(deltas: Iterator[str], stops: Sequence[str]) -> Iterator[str]:
    """Pass text deltas through, ending before the first stop string; text that might be the
    start of a stop string is held until the next delta decides."""
    pending = ""
    for delta in deltas:
        pending += delta
        hits = [pending.find(s) for s in stops if s in pending]
        if hits:
            if pending[:min(hits)]:
                yield pending[:min(hits)]
            return
        keep = max((n for s in stops for n in range(len(s) - 1, 0, -1) if pending.endswith(s[:n])), default=0)
        if len(pending) > keep:
            yield pending[:len(pending) - keep]
            pending = pending[len(pending) - keep:]
    if pending:
        yield pending


class MlxBackend:
    name: ClassVar[str] = "mlx"

    def __init__(self) -> None:
        self._model = None
        self._tok = None
        self._ref: ModelRef | None = None
        self._adapter: Path | None = None

    def load(self, model: ModelRef, adapter: Path | None = None) -> None:
        self._model, self._tok = load_base(model)
        self._ref, self._adapter = model, None
        self.set_adapter(adapter)

    def set_adapter(self, adapter: Path | None) -> None:
        """Swap the LoRA in place; on a bad adapter the base model stays and BackendError says why."""
        import mlx.core as mx
        from mlx_lm.tuner.utils import load_adapters, remove_lora_layers

        model = self._require()
        remove_lora_layers(model)
        self._adapter = None
        if adapter is not None:
            path = adapter_file(adapter, "mlx")
            try:
                load_adapters(model, str(path))
                mx.eval(model.parameters())
            except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError) as exc:
                remove_lora_layers(model)
                raise BackendError(f"Adapter {adapter.name} could not be loaded by mlx-lm "
                                   f"({type(exc).__name__}: {exc}); using the base model.") from exc
            self._adapter = adapter
        model.eval()  # new LoRA layers start in training mode, with dropout on

    def stream(self, messages: Sequence[Message], opts: GenOpts) -> Iterator[str]:
        import mlx.core as mx
        from mlx_lm import stream_generate
        from mlx_lm.sample_utils import make_logits_processors, make_sampler

        model = self._require()
        prompt = self._prompt_ids(messages, opts)
        if opts.seed is not None:
            mx.random.seed(opts.seed)
        processors = make_logits_processors(
            repetition_penalty=opts.repeat_penalty if opts.repeat_penalty not in (None, 1.0) else None)
        responses = stream_generate(model, self._tok, prompt, max_tokens=max(1, opts.max_tokens),
                                    sampler=make_sampler(temp=opts.temperature, top_p=opts.top_p),
                                    logits_processors=processors)
        try:
            yield from hold_back_stops((r.text for r in responses if r.text), opts.stop)
        finally:
            responses.close()

    def next_token_logits(self, messages: Sequence[Message], opts: GenOpts | None = None) -> list[float]:
        """Logits for the first reply token (what an adapter changes; used by evaluation and tests)."""
        import mlx.core as mx

        model = self._require()
        ids = self._prompt_ids(messages, opts or GenOpts())
        logits = model(mx.array([ids]))[0, -1].astype(mx.float32)
        return logits.tolist()

    def info(self) -> BackendInfo:
        name = self._ref.name if self._ref else "(not loaded)"
        detail = ""
        if self._model is not None:
            import mlx.core as mx

            detail = f"mlx {mx.__version__}"
        return BackendInfo(self.name, name, adapter_label(self._adapter),
                           mlx_device() if self._model is not None else "mlx", detail)

    def _prompt_ids(self, messages: Sequence[Message], opts: GenOpts) -> list[int]:
        chat = [{"role": m.role, "content": m.content} for m in opts.with_system(messages)]
        return list(self._tok.apply_chat_template(chat, add_generation_prompt=True))

    def _require(self):
        if self._model is None:
            raise BackendError("No model loaded yet.")
        return self._model

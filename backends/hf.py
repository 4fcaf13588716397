"""transformers backend: CPU or CUDA, any Hugging Face causal LM, peft adapters hot-swapped.

The bundled GGUF is dequantized once into a cached folder (backends/hf_folder.py), so this
backend and the peft trainer see exactly the same weights.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from backends.adapters import adapter_file, adapter_label
from backends.base import BackendError, BackendInfo, GenOpts, Message
from backends.hf_folder import explain_hub_error, hf_source
from backends.models import ModelRef
from backends.offline import hub_offline


def pick_device(device: str = "auto") -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise BackendError("device 'cuda' was asked for, but no CUDA GPU is visible to torch. Use --device cpu.")
    return device


class TransformersBackend:
    name: ClassVar[str] = "transformers"

    def __init__(self, device: str = "auto") -> None:
        self.device_pref = device
        self.device = "cpu"
        self._model = None  # base model, possibly wrapped in a PeftModel
        self._tok = None
        self._ref: ModelRef | None = None
        self._adapter: Path | None = None

    def load(self, model: ModelRef, adapter: Path | None = None) -> None:
        hub_offline()  # before transformers imports huggingface_hub, unless the user allowed the network
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise BackendError("The transformers backend needs torch and transformers: "
                               "pip install 'second-brain[train]'") from exc
        self.device = pick_device(self.device_pref)
        dtype = torch.bfloat16 if self.device.startswith("cuda") else torch.float32
        src = hf_source(model)
        try:
            self._tok = AutoTokenizer.from_pretrained(src)
            base = AutoModelForCausalLM.from_pretrained(src, dtype=dtype)
        except OSError as exc:
            raise explain_hub_error(model, exc) from exc
        self._model = base.to(self.device).eval()
        self._ref = model
        self._adapter = None
        self.set_adapter(adapter)

    def set_adapter(self, adapter: Path | None) -> None:
        from peft import PeftModel

        if self._model is None:
            raise BackendError("No model loaded yet.")
        base = self._model.unload() if isinstance(self._model, PeftModel) else self._model
        if adapter is not None:
            try:
                wrapped = PeftModel.from_pretrained(base, adapter_file(adapter, "peft"))
            except (ValueError, OSError, RuntimeError, KeyError) as exc:
                self._model = base
                self._adapter = None
                raise BackendError(f"Adapter {adapter.name} could not be loaded ({exc}); using the base model.") from exc
            self._model = wrapped.to(self.device).eval()
        else:
            self._model = base
        self._adapter = adapter

    def stream(self, messages: Sequence[Message], opts: GenOpts) -> Iterator[str]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        if self._model is None:
            raise BackendError("No model loaded yet.")
        chat = [{"role": m.role, "content": m.content} for m in opts.with_system(messages)]
        inputs = self._tok.apply_chat_template(chat, add_generation_prompt=True, return_tensors="pt",
                                               return_dict=True).to(self.device)
        streamer = TextIteratorStreamer(self._tok, skip_prompt=True, skip_special_tokens=True)
        stop = threading.Event()

        class _Stop(StoppingCriteria):
            def __call__(self, *_args, **_kw) -> bool:
                return stop.is_set()

        if opts.seed is not None:
            torch.manual_seed(opts.seed)
        kwargs = dict(**inputs, streamer=streamer, max_new_tokens=opts.max_tokens,
                      do_sample=opts.temperature > 0, repetition_penalty=opts.repeat_penalty, stopping_criteria=StoppingCriteriaList([_Stop()]),
                      pad_token_id=self._tok.pad_token_id or self._tok.eos_token_id)
        if opts.temperature > 0:
            kwargs.update(temperature=opts.temperature, top_p=opts.top_p)
        worker = threading.Thread(target=self._model.generate, kwargs=kwargs, daemon=True)
        worker.start()
        try:
            yield from (text for text in streamer if text)
        finally:
            stop.set()
            worker.join()

    def info(self) -> BackendInfo:
        name = self._ref.name if self._ref else "(not loaded)"
        return BackendInfo(self.name, name, adapter_label(self._adapter), self.device)

"""llama.cpp backend (default): GGUF base model, GGUF LoRA adapter hot-swapped on the context.

Two llama-cpp-python traps shape this file:
- `Llama(verbose=False)` silences loading by redirecting file descriptors 1 and 2 at the OS
  level, which also blanks a running Textual screen. We load with verbose=True, route
  llama.cpp's native log through Python logging, and keep Python-level prints off stderr.
- `Llama(lora_path=...)` applies a LoRA only at construction. We instead attach adapters to
  the live context with `llama_set_adapters_lora`, so a swap takes milliseconds, not a reload.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from backends.adapters import adapter_file, adapter_label
from backends.base import BackendError, BackendInfo, GenOpts, Message, ModelNotFound
from backends.llamacpp_cpu import new_llama, repack_mode
from backends.foreground import chat_threads
from backends.models import ModelRef

log = logging.getLogger("brain.llamacpp")
# ggml.h: NONE=0, DEBUG=1, INFO=2, WARN=3, ERROR=4, CONT=5 (continues the previous line).
# (llama-cpp-python's own _logger.py still carries the older numbering.)
_LEVELS = {1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}
_CONT = 5
_stderr_lock = threading.Lock()


def _install_log_router() -> None:
    """Send llama.cpp's native log lines to Python logging instead of the terminal."""
    import llama_cpp
    import llama_cpp._logger as lc_logger

    last = [logging.DEBUG]

    @llama_cpp.llama_log_callback
    def route(level: int, text: bytes, _user: ctypes.c_void_p) -> None:
        if level != _CONT:
            last[0] = _LEVELS.get(level, logging.DEBUG)
        log.log(last[0], text.decode("utf-8", "replace").rstrip())

    lc_logger.llama_log_callback = route  # keep a reference: ctypes callbacks must outlive C use
    llama_cpp.llama_log_set(route, ctypes.c_void_p(0))


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Capture Python-level prints to sys.stderr (llama-cpp-python's verbose output) into the log."""
    with _stderr_lock:
        buf = io.StringIO()
        with contextlib.redirect_stderr(buf):
            yield
        if buf.getvalue().strip():
            log.debug(buf.getvalue().rstrip())


class LlamaCppBackend:
    name: ClassVar[str] = "llamacpp"

    def __init__(self, n_threads: int = 0, n_ctx: int = 4096, n_gpu_layers: int = -1) -> None:
        self.n_threads = n_threads or (os.cpu_count() or 1)
        self.n_ctx = n_ctx
        self.n_gpu_layers = n_gpu_layers
        self._llm = None
        self._model: ModelRef | None = None
        self._adapter_dir: Path | None = None
        self._adapter_ptr = None

    def load(self, model: ModelRef, adapter: Path | None = None) -> None:
        if model.kind != "gguf" or model.path is None:
            raise BackendError(
                f"The llamacpp backend needs a .gguf model file; {model.spec!r} is a {model.kind} model. "
                "Use --backend transformers for Hugging Face models."
            )
        if not model.path.is_file():
            raise ModelNotFound(f"Model file not found: {model.path}")
        try:
            import llama_cpp
        except ImportError as exc:
            raise BackendError("llama-cpp-python is not installed: pip install llama-cpp-python") from exc
        _install_log_router()
        self.close()
        with _quiet_stderr():
            try:
                self._llm = new_llama(  # extra buffer types off where llama.cpp's AMX path crashes
                    model_path=str(model.path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                    n_gpu_layers=self.n_gpu_layers, verbose=True,
                )
            except ValueError as exc:  # llama-cpp-python raises ValueError for unloadable files
                raise BackendError(f"llama.cpp could not load {model.path.name}: not a valid GGUF model ({exc}).") from exc
        self._llm.verbose = False  # no more Python-level prints per generation
        self._model = model
        self.set_adapter(adapter)

    def set_adapter(self, adapter: Path | None) -> None:
        """Attach a GGUF LoRA to the running context, or detach (None). On a bad file the current
        adapter stays and BackendError says why."""
        llm = self._require()
        import llama_cpp

        new_ptr = None
        if adapter is not None:
            path = adapter_file(adapter, "gguf")
            new_ptr = llama_cpp.llama_adapter_lora_init(llm._model.model, str(path).encode())
            if not new_ptr:
                raise BackendError(f"Adapter {path} is corrupt or was made for another base model; keeping the current one.")
        adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(new_ptr) if new_ptr else None
        scales = (ctypes.c_float * 1)(1.0) if new_ptr else None
        if llama_cpp.llama_set_adapters_lora(llm._ctx.ctx, adapters, 1 if new_ptr else 0, scales):
            if new_ptr:
                llama_cpp.llama_adapter_lora_free(new_ptr)
            raise BackendError(f"llama.cpp refused adapter {adapter}; keeping the current one.")
        self._free_adapter()
        self._adapter_ptr, self._adapter_dir = new_ptr, adapter
        llm.reset()  # cached prompt state was computed with the old weights

    def stream(self, messages: Sequence[Message], opts: GenOpts) -> Iterator[str]:
        llm = self._require()
        self._share_cores(llm)
        chat = [{"role": m.role, "content": m.content} for m in opts.with_system(messages)]
        chunks = llm.create_chat_completion(
            messages=chat, stream=True, temperature=opts.temperature, top_p=opts.top_p,
            max_tokens=opts.max_tokens, seed=opts.seed, stop=opts.stop or None,
            repeat_penalty=opts.repeat_penalty,
        )
        try:
            for chunk in chunks:
                text = chunk["choices"][0]["delta"].get("content")
                if text:
                    yield text
        finally:
            chunks.close()

    def _share_cores(self, llm) -> None:
        """Threads for this generation: the cores a running training keeps are not ours (one
        llama.cpp thread without a core stalls all the others; backends/foreground.py)."""
        import llama_cpp

        n, n_batch = chat_threads(self.n_threads), chat_threads(llm.n_threads_batch)
        if (n, n_batch) != (llama_cpp.llama_n_threads(llm._ctx.ctx), llama_cpp.llama_n_threads_batch(llm._ctx.ctx)):
            llama_cpp.llama_set_n_threads(llm._ctx.ctx, n, n_batch)

    def info(self) -> BackendInfo:
        name = self._model.name if self._model else "(not loaded)"
        repack = "repack on" if repack_mode().extra_bufts else "repack off"
        return BackendInfo(self.name, name, adapter_label(self._adapter_dir), "cpu",
                           f"{self.n_threads} threads, context {self.n_ctx}, {repack}")

    def close(self) -> None:
        if self._llm is not None:
            self._free_adapter()
            self._llm.close()
            self._llm = None

    def _free_adapter(self) -> None:
        if self._adapter_ptr:
            import llama_cpp

            llama_cpp.llama_adapter_lora_free(self._adapter_ptr)
        self._adapter_ptr = None

    def _require(self):
        if self._llm is None:
            raise BackendError("No model loaded yet.")
        return self._llm

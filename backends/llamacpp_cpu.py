"""Which CPU weight layout llama.cpp may use here: the AMX crash guard.

llama.cpp can move weights at load time into "extra buffer types" (`use_extra_bufts`): the AMX
buffer (Intel AMX tiles; chosen first, and it takes Q4_0/Q4_1/Q8_0/K-quants) and CPU_REPACK
(interleaved blocks for AVX2/NEON kernels; on x86 it repacks Q4_0, Q4_K, IQ4_NL, but not Q4_1 or
Q8_0). A llama.cpp built with AMX (`-march=native` on a Xeon with AMX, reported as
`AMX_INT8 = 1`) puts all of the bundled Q4_1 model into the AMX buffer, and its matrix kernel
segfaults on any prompt of more than one token (llama-cpp-python 0.3.36 / ggml 0.25.3; upstream
ggml-org/llama.cpp#20824). So:

- `auto` (default): extra buffer types off only where llama.cpp reports AMX_INT8; everywhere else
  (and in a build with AMX compiled out, which the Makefile does) repacking stays on.
- `BRAIN_LLAMACPP_REPACK=on|off` forces either way (benchmarks; a future llama.cpp with a fixed
  AMX path).

`Llama()` has no `use_extra_bufts` argument; it copies `llama_model_default_params()`, so
`model_params()` wraps that function while a model is constructed.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

ENV = "BRAIN_LLAMACPP_REPACK"
_patch_lock = threading.Lock()


@dataclass(frozen=True)
class RepackMode:
    """Whether llama.cpp may use its extra buffer types, and the sentence that says why."""

    extra_bufts: bool
    reason: str

    def label(self) -> str:
        return f"{'on' if self.extra_bufts else 'off'} ({self.reason})"


def system_info() -> str:
    """llama.cpp's own one-line feature report (what it was built with and detected)."""
    import llama_cpp

    return llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()


def cpu_features(info: str | None = None) -> dict[str, str]:
    """`CPU : AVX2 = 1 | AMX_INT8 = 1 | REPACK = 1 |` -> {"AVX2": "1", "AMX_INT8": "1", ...}."""
    text = system_info() if info is None else info
    return dict(re.findall(r"([A-Z0-9_]+) = (\S+)", text))


def decide(features: dict[str, str], override: str = "") -> RepackMode:
    """The mode for these features; `override` is the env value (on/off/auto/empty)."""
    choice = override.strip().lower()
    if choice in ("on", "1", "true"):
        return RepackMode(True, f"forced by {ENV}={override}")
    if choice in ("off", "0", "false"):
        return RepackMode(False, f"forced by {ENV}={override}")
    if choice not in ("", "auto"):
        raise ValueError(f"{ENV} must be on, off or auto, not {override!r}.")
    if features.get("AMX_INT8") == "1":
        return RepackMode(False, "llama.cpp was built with AMX, whose kernels crash on multi-token "
                                 "prompts; rebuild without AMX (make install) to get repacking back")
    if features.get("REPACK") == "1":
        return RepackMode(True, "CPU_REPACK available, no AMX")
    return RepackMode(True, "llama.cpp default")


def repack_mode() -> RepackMode:
    """The mode for this process: llama.cpp's reported features and BRAIN_LLAMACPP_REPACK."""
    return decide(cpu_features(), os.environ.get(ENV, ""))


@contextlib.contextmanager
def model_params(extra_bufts: bool) -> Iterator[None]:
    """Every `Llama()` constructed inside gets `use_extra_bufts=extra_bufts`."""
    import llama_cpp.llama_cpp as lc

    with _patch_lock:
        original = lc.llama_model_default_params

        def patched():
            params = original()
            params.use_extra_bufts = extra_bufts
            return params

        lc.llama_model_default_params = patched
        try:
            yield
        finally:
            lc.llama_model_default_params = original


def new_llama(**kwargs):
    """`llama_cpp.Llama(**kwargs)` in this machine's safe mode (what the backend and benches use)."""
    import llama_cpp

    with model_params(repack_mode().extra_bufts):
        return llama_cpp.Llama(**kwargs)

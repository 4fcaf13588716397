"""Run a real-model check in a child process, so a native crash is one failing test, not a dead run.

llama.cpp is C++: a bad kernel (the AMX path on Xeons, issue 9) kills the whole interpreter with
SIGSEGV, and pytest with it. `in_child(fn, *args)` runs `fn` in a fresh spawned interpreter (the
environment, BRAIN_HOME included, is inherited) and returns its result; an exception in the
child fails the test with the child's traceback, and a death by signal fails it with the
signal's name. The child bodies live here so the spawned interpreter can import them.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from pathlib import Path

import pytest

QUESTION = "Name one colour."


def _call(conn, fn, args, kwargs) -> None:
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except BaseException:  # noqa: BLE001 - everything goes back to the parent as text
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def death_message(exitcode: int | None) -> str:
    """'killed by SIGSEGV (signal 11)' for a negative exit code, else the code."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "an unknown signal"
        return f"killed by {name} (signal {-exitcode})"
    return f"exited with code {exitcode} without a result"


def in_child(fn, *args, timeout: float = 600.0, **kwargs):
    """fn(*args, **kwargs) in a spawned interpreter; its return value, or pytest.fail saying how it died."""
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_call, args=(sender, fn, args, kwargs), daemon=True)
    proc.start()
    sender.close()
    outcome = None
    try:
        if receiver.poll(timeout):
            outcome = receiver.recv()
    except EOFError:
        outcome = None  # the child died before it could answer
    finally:
        receiver.close()
    proc.join(30 if outcome else timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        pytest.fail(f"{fn.__name__} in a child process did not finish within {timeout:.0f} s")
    if outcome is None:
        pytest.fail(f"{fn.__name__} in a child process (llama.cpp native code) {death_message(proc.exitcode)}")
    status, value = outcome
    if status == "error":
        pytest.fail(f"{fn.__name__} failed in the child process:\n{value}")
    return value


# ---- child bodies ----------------------------------------------------------------------------


def raw_completion(prompt: str, max_tokens: int = 8) -> str:
    """llama-cpp-python alone (in brain's load mode), greedy, on a prompt of several tokens."""
    from backends.llamacpp_cpu import new_llama
    from backends.models import bundled_gguf

    llm = new_llama(model_path=str(bundled_gguf()), n_ctx=512, n_threads=2, verbose=False)
    return llm(prompt, max_tokens=max_tokens, temperature=0.0)["choices"][0]["text"]


def chat_reply(adapter: str | None = None, max_tokens: int = 16) -> dict:
    """brain's llama.cpp backend through the model's chat template: base reply, and with `adapter`
    attached (and detached again) when given."""
    from backends import GenOpts, Message, get_backend, resolve_model

    opts = GenOpts(temperature=0.0, max_tokens=max_tokens, seed=1)
    question = [Message("user", QUESTION)]
    backend = get_backend("llamacpp", n_threads=2, n_ctx=1024)
    backend.load(resolve_model("default"))
    out = {"base": "".join(backend.stream(question, opts)), "detail": backend.info().detail}
    out["again"] = "".join(backend.stream(question, opts))
    if adapter:
        backend.set_adapter(Path(adapter))
        out["adapted"] = "".join(backend.stream(question, opts))
        out["label"] = backend.info().adapter_label
        backend.set_adapter(None)
        out["detached"] = "".join(backend.stream(question, opts))
    backend.close()
    return out


def backend_contract(name: str, **kwargs) -> None:
    """The ChatBackend contract with the real default model (run in-process or via in_child)."""
    from backends import BackendInfo, ChatBackend, GenOpts, Message, get_backend, resolve_model

    opts = GenOpts(temperature=0.0, max_tokens=16, seed=1)
    question = [Message("user", QUESTION)]
    backend = get_backend(name, **kwargs)
    assert isinstance(backend, ChatBackend)
    backend.load(resolve_model("default"))
    deltas = list(backend.stream(question, opts))
    assert deltas and all(isinstance(d, str) for d in deltas)
    assert "".join(deltas).strip()
    info = backend.info()
    assert isinstance(info, BackendInfo) and info.backend == name and info.adapter_label == "base"
    # Closing the stream early stops generation; the backend keeps serving.
    it = backend.stream(question, GenOpts(temperature=0.0, max_tokens=64))
    next(it)
    it.close()
    assert "".join(backend.stream(question, opts)).strip()


def crash() -> None:
    """A native crash on purpose: what a broken llama.cpp kernel looks like to the parent."""
    import ctypes

    ctypes.string_at(0)


def write_lora_gguf(folder: Path, rank: int = 8, scale: float = 0.5, seed: int = 0) -> Path:
    """A small but strong GGUF LoRA on every attention and MLP projection of the bundled model,
    written with the gguf package alone (no torch), as an adapter version folder."""
    import numpy as np
    from gguf import GGUFReader, GGUFType, GGUFWriter, Keys

    from backends.models import bundled_gguf

    shapes = {t.name: [int(n) for n in t.shape] for t in GGUFReader(str(bundled_gguf())).tensors
              if len(t.shape) == 2}  # ne order: (inputs, outputs)
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    writer = GGUFWriter(str(folder / "lora.gguf"), "llama")
    writer.add_type(GGUFType.ADAPTER)
    writer.add_string(Keys.Adapter.TYPE, "lora")
    writer.add_float32(Keys.Adapter.LORA_ALPHA, float(rank))
    for name, (n_in, n_out) in shapes.items():
        if not name.startswith("blk.") or not name.endswith(("attn_q.weight", "ffn_down.weight")):
            continue
        writer.add_tensor(f"{name}.lora_a", (rng.standard_normal((rank, n_in)) / np.sqrt(n_in)).astype(np.float32))
        writer.add_tensor(f"{name}.lora_b", (rng.standard_normal((n_out, rank)) * scale).astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return folder

"""Every backend keeps the ChatBackend contract with a real model; errors are sentences."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest

from backends import BackendError, ModelNotFound, get_backend, resolve_model
from backends.models import bundled_gguf
from llama_child import backend_contract, chat_reply, in_child
from server_support import free_port


@pytest.fixture(scope="module")
def llama_server():
    """llama-cpp-python's own OpenAI-compatible server, on loopback, with the bundled model."""
    port = free_port()
    # In brain's llama.cpp load mode (backends/llamacpp_cpu.py), so it runs where AMX kernels crash.
    serve = ("import runpy, sys; from backends.llamacpp_cpu import model_params, repack_mode; "
             "sys.argv[0] = 'llama_cpp.server'\n"
             "with model_params(repack_mode().extra_bufts): runpy.run_module('llama_cpp.server', run_name='__main__')")
    proc = subprocess.Popen(
        [sys.executable, "-c", serve, "--model", str(bundled_gguf()), "--host", "127.0.0.1",
         "--port", str(port), "--n_threads", "1", "--n_ctx", "1024"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/models", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("llama_cpp.server did not come up within 60 s")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["llamacpp", "transformers", "mlx", "openai"])
def test_backend_contract(name, request):
    if name == "llamacpp":  # native code: a crash fails this test only (tests/llama_child.py)
        in_child(backend_contract, "llamacpp", n_threads=2, n_ctx=1024)
    elif name == "openai":
        backend_contract("openai", base_url=request.getfixturevalue("llama_server"))
    else:
        backend_contract(name)


@pytest.mark.slow
def test_llamacpp_is_deterministic_with_seed():
    out = in_child(chat_reply)
    assert out["base"] == out["again"]


def test_registry_lists_builtins_without_importing_them():
    code = ("import sys; from backends import backend_names; names = backend_names(); "
            "assert {'llamacpp', 'transformers', 'mlx', 'openai'} <= set(names), names; "
            "heavy = [m for m in ('llama_cpp', 'torch', 'transformers', 'openai', 'mlx') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_backend_names_the_known_ones():
    with pytest.raises(BackendError, match="llamacpp"):
        get_backend("nope")


def test_default_model_is_the_bundled_gguf():
    ref = resolve_model("default")
    assert ref.kind == "gguf" and ref.path.name.endswith(".gguf") and ref.path.stat().st_size > 50e6


@pytest.mark.parametrize("spec,kind", [("HuggingFaceTB/SmolLM2-360M-Instruct", "hub")])
def test_hub_ids_resolve(spec, kind):
    assert resolve_model(spec).kind == kind


def test_bad_model_specs_say_what_is_wrong(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "folder").mkdir()
    with pytest.raises(ModelNotFound, match="not a .gguf"):
        resolve_model(str(tmp_path / "notes.txt"))
    with pytest.raises(ModelNotFound, match="config.json"):
        resolve_model(str(tmp_path / "folder"))
    with pytest.raises(ModelNotFound, match="No model at"):
        resolve_model(str(tmp_path / "missing.gguf"))


def test_corrupt_gguf_is_a_clear_error(tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 1000)
    with pytest.raises(BackendError, match="broken.gguf"):
        get_backend("llamacpp", n_threads=1).load(resolve_model(str(bad)))


def test_llamacpp_refuses_a_hf_folder_with_advice(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(BackendError, match="--backend transformers"):
        get_backend("llamacpp").load(resolve_model(str(tmp_path)))


def test_hub_model_offline_fails_with_a_sentence():
    backend = get_backend("transformers", device="cpu")
    with pytest.raises(ModelNotFound, match="offline"):
        backend.load(resolve_model("brain-tests/no-such-model"))


def test_openai_server_down_is_a_clear_error():
    backend = get_backend("openai", base_url=f"http://127.0.0.1:{free_port()}/v1", timeout=2)
    with pytest.raises(BackendError, match="Cannot reach"):
        backend.load(resolve_model("default"))


def test_cuda_requested_without_gpu_is_refused():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    from backends.hf import pick_device

    with pytest.raises(BackendError, match="no CUDA GPU"):
        pick_device("cuda")

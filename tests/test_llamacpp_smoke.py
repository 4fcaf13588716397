"""The real bundled model through llama.cpp, each check in a child process (tests/llama_child.py):
a multi-token prompt, the chat template, an adapter attached and detached. A native crash (the
AMX kernels of issue 9) fails one test naming the signal; the rest of the suite goes on."""

from __future__ import annotations

import pytest

from backends.llamacpp_cpu import cpu_features, decide
from llama_child import chat_reply, crash, in_child, raw_completion, write_lora_gguf

AMX_BUILD = "CPU : AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | OPENMP = 1 | REPACK = 1 |"
PLAIN_BUILD = "CPU : SSE3 = 1 | AVX2 = 1 | FMA = 1 | OPENMP = 1 | REPACK = 1 |"


def test_repacking_is_off_only_where_llamacpp_reports_amx():
    assert decide(cpu_features(AMX_BUILD)).extra_bufts is False
    assert "AMX" in decide(cpu_features(AMX_BUILD)).reason
    assert decide(cpu_features(PLAIN_BUILD)).extra_bufts is True
    assert decide(cpu_features(AMX_BUILD), "on").extra_bufts is True
    assert decide(cpu_features(PLAIN_BUILD), "off").extra_bufts is False
    with pytest.raises(ValueError, match="on, off or auto"):
        decide(cpu_features(PLAIN_BUILD), "sometimes")


def test_a_native_crash_in_the_child_is_one_failure_naming_the_signal():
    with pytest.raises(pytest.fail.Exception, match=r"crash in a child process .* killed by SIGSEGV \(signal 11\)"):
        in_child(crash)


@pytest.mark.slow
def test_multi_token_prompt_completes():
    """The prompt that segfaulted on AMX: several tokens at once through the matrix kernels."""
    assert "Paris" in in_child(raw_completion, "The capital of France is")


@pytest.mark.slow
def test_chat_template_reply_and_the_load_mode_are_reported():
    out = in_child(chat_reply)
    assert out["base"].strip()
    assert "repack on" in out["detail"] or "repack off" in out["detail"]


@pytest.mark.slow
def test_adapter_attach_changes_the_reply_and_detach_restores_it(tmp_path):
    version = write_lora_gguf(tmp_path / "v0001")
    out = in_child(chat_reply, str(version), 24)
    assert out["label"] == "v0001"
    assert out["adapted"] != out["base"]
    assert out["detached"] == out["base"]

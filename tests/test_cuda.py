"""The CUDA path: peft engine in bf16 on a GPU, then the transformers backend on CUDA with the
adapter. Runs only where CUDA is present (the device machine; see notes/device-runs.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytestmark = [pytest.mark.cuda, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]


def tokenizer_source() -> str:
    """SmolLM2's tokenizer: from the bundled GGUF, or a copied folder (BRAIN_TEST_TOKENIZER) on
    machines without the 92 MB model package."""
    if os.environ.get("BRAIN_TEST_TOKENIZER"):
        return os.environ["BRAIN_TEST_TOKENIZER"]
    from backends import resolve_model
    from backends.hf_folder import hf_source

    return hf_source(resolve_model("default"))


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> Path:
    """A small random-init Llama with SmolLM2's tokenizer and chat template."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    folder = tmp_path_factory.mktemp("llama-small")
    tok = AutoTokenizer.from_pretrained(tokenizer_source())
    cfg = LlamaConfig(hidden_size=256, intermediate_size=688, num_hidden_layers=4, num_attention_heads=4,
                      num_key_value_heads=2, vocab_size=len(tok), max_position_embeddings=2048,
                      tie_word_embeddings=True, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    torch.manual_seed(0)
    LlamaForCausalLM(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def write_data(folder: Path) -> Path:
    rows = [{"messages": [{"role": "user", "content": f"What did I decide about topic {i}?"},
                          {"role": "assistant", "content": f"I decided to keep topic {i} simple and plain."}]}
            for i in range(24)]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[:20]))
    (folder / "eval.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[20:]))
    return folder


def test_peft_engine_trains_in_bf16_on_cuda_and_backend_serves_it(small_model, tmp_path):
    from backends import GenOpts, Message, get_backend, resolve_model
    from trainer.engines import TrainJob, TrainSettings, get_engine
    from trainer.engines.base import pick_engine

    assert pick_engine("auto") == "peft"
    events = []
    settings = TrainSettings(max_steps=30, max_len=256, rows_per_step=4, micro_batch=2, learning_rate=2e-3)
    job = TrainJob(str(small_model), write_data(tmp_path / "data"), tmp_path / "v0001", settings)
    result = get_engine("peft").train(job, events.append)
    start = events[0]
    assert start.kind == "start" and start.data["device"] == "cuda" and start.data["precision"] == "bf16"
    assert result.eval_loss < result.base_eval_loss * 0.7, (result.eval_loss, result.base_eval_loss)
    backend = get_backend("transformers", device="cuda")
    backend.load(resolve_model(str(small_model)), tmp_path / "v0001")
    assert backend.info().device == "cuda" and backend.info().adapter == "v0001"
    reply = "".join(backend.stream([Message("user", "What did I decide about topic 3?")],
                                   GenOpts(temperature=0.0, max_tokens=12)))
    assert "decided" in reply or "topic" in reply, reply

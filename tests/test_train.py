"""Real LoRA training on the CPU with the bundled model: the loss drops, the adapter is
committed and activated, llama.cpp answers differently with it, and Ctrl-C changes nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backends import GenOpts, Message, get_backend, resolve_model
from trainer.data.dataset import build_examples
from trainer.engines import TrainEvent, TrainJob, TrainSettings, get_engine
from trainer.engines.base import LoraSettings
from trainer.vault.index import Index
from trainer.paths import adapters_dir, vault_data_dir
from trainer.adapters.registry import AdapterRegistry
from trainer.vault.scan import scan_vault
from tui.config import DEMO_VAULT

pytestmark = pytest.mark.slow
QUICK = TrainSettings(max_steps=6, max_len=256, rows_per_step=2, learning_rate=1e-3, warmup_ratio=0.0,
                      lora=LoraSettings(rank=8, alpha=16), threads=2)


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    """train.jsonl / eval.jsonl from the demo vault; eval also holds two training rows, so a
    few steps must visibly lower it."""
    folder = tmp_path_factory.mktemp("data")
    with Index.open(folder / "index.db") as index:
        scan_vault(DEMO_VAULT, index)
        dataset = build_examples(list(index.notes()))
    dataset.write_jsonl(folder)
    train_lines = (folder / "train.jsonl").read_text().splitlines()
    with (folder / "eval.jsonl").open("a") as f:
        f.write("\n".join(train_lines[:2]) + "\n")
    return folder


def test_peft_engine_lowers_eval_loss(demo_data, tmp_path):
    events: list[TrainEvent] = []
    job = TrainJob("default", demo_data, tmp_path / "out", QUICK)
    result = get_engine("peft").train(job, events.append)
    steps = [e for e in events if e.kind == "step"]
    assert [e.step for e in steps] == list(range(1, 7)) and events[0].kind == "start"
    assert all(e.loss is not None and e.tokens_per_s > 0 for e in steps)
    assert result.eval_loss < result.base_eval_loss - 0.05, (result.eval_loss, result.base_eval_loss)
    assert (tmp_path / "out" / "peft" / "adapter_config.json").is_file()


def test_warm_start_continues_from_an_adapter(demo_data, tmp_path):
    first = get_engine("peft").train(TrainJob("default", demo_data, tmp_path / "a", QUICK), lambda e: None)
    warm = TrainJob("default", demo_data, tmp_path / "b", TrainSettings(**{**QUICK.__dict__, "max_steps": 2}),
                    warm_start=tmp_path / "a")
    second = get_engine("peft").train(warm, lambda e: None)
    # The warm run starts where the first ended, far below the base model.
    assert second.eval_loss < second.base_eval_loss
    assert abs(second.eval_loss - first.eval_loss) < abs(first.base_eval_loss - first.eval_loss)


def brain(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, **kw)


def test_brain_train_commits_activates_and_changes_llamacpp_output(tmp_path):
    vault = DEMO_VAULT
    before = {p: p.read_bytes() for p in vault.rglob("*") if p.is_file()}
    done = brain("train", "--vault", str(vault), "--steps", "3", "--rank", "8", "--max-len", "256",
                 "--lr", "2e-3", timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "adapter v0001 activated" in done.stderr
    reg = AdapterRegistry(adapters_dir(vault))
    active = reg.active_dir()
    assert active is not None and active.name == "v0001"
    manifest = json.loads((active / "manifest.json").read_text())
    assert manifest["engine"] == "peft" and manifest["base_model"]["sha256"]
    assert manifest["dataset"]["train"] > 0 and manifest["eval_loss"] is not None
    assert (active / "lora.gguf").stat().st_size > 100_000
    backend = get_backend("llamacpp", n_threads=2, n_ctx=1024)
    backend.load(resolve_model("default"))
    question = [Message("user", "What do I think about my balcony garden?")]
    opts = GenOpts(temperature=0.0, max_tokens=24, seed=0)
    base = "".join(backend.stream(question, opts))
    backend.set_adapter(active)
    tuned = "".join(backend.stream(question, opts))
    assert backend.info().adapter == "v0001" and tuned != base
    assert {p: p.read_bytes() for p in vault.rglob("*") if p.is_file()} == before  # vault untouched
    listing = brain("adapters", "list", "--vault", str(vault))
    assert "* v0001" in listing.stdout
    assert "active: base" in brain("adapters", "rollback", "--vault", str(vault)).stdout
    assert reg.active_dir() is None


def test_ctrl_c_stops_training_and_keeps_the_active_adapter(tmp_path):
    vault = DEMO_VAULT
    reg = AdapterRegistry(adapters_dir(vault))
    with reg.build() as staging:
        (staging / "lora.gguf").write_text("previous")
        previous = reg.commit(staging, {"engine": "test"}).name
    reg.activate(previous)
    proc = subprocess.Popen([sys.executable, "-m", "tui", "train", "--vault", str(vault), "--steps", "50",
                             "--max-len", "256"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONFAULTHANDLER": "1"},
                            # Ctrl-C as a terminal delivers it: a suite started in the background by a
                            # shell without job control inherits SIGINT ignored, and so would brain
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    runs = vault_data_dir(vault) / "runs"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not any(
            '"step"' in p.read_text() for p in runs.glob("*/events.jsonl")):
        time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:  # say where it hangs: every thread's stack (faulthandler on SIGABRT)
        proc.send_signal(signal.SIGABRT)
        _, err = proc.communicate()
        pytest.fail(f"brain train did not stop within 120 s of Ctrl-C:\n{err[-6000:]}")
    assert proc.returncode == 130, err[-2000:]
    assert "active adapter is unchanged" in err
    assert reg.active_name() == previous and reg.names() == [previous]
    assert not list(adapters_dir(vault).glob(".staging-*"))

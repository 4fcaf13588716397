"""The chat-is-generating signal (backends/foreground.py) and the trainer stepping aside for it:
markers set and cleared, stale and dead ones ignored, the trainer pausing inside a real model's
forward and backward, and a real training child (`python -m trainer.run`) waiting for a chat."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from backends import foreground as fg

WAIT = 120.0  # generous deadline for "eventually" on a busy 2-core machine (not a speed claim)


def eventually(cond, timeout: float = WAIT) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def training_marker(pid: int | None = None) -> dict | None:
    path = fg.signal_dir() / f"training-{pid or os.getpid()}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


@pytest.fixture
def other_process():
    """A live process that is not this one (a chat in another terminal)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield proc
    proc.kill()
    proc.wait()


@pytest.fixture(autouse=True)
def no_chat_left():
    yield
    while fg._chat_depth:
        fg.chat_end()


# ---- the signal ----------------------------------------------------------------------------------


def test_a_chat_marks_itself_while_generating_and_clears_after():
    assert not fg.chat_active()
    fg.chat_begin()
    fg.chat_begin()  # a second reply in flight in the same process (API server)
    assert fg.chat_active()
    fg.chat_end()
    assert fg.chat_active(), "one reply is still generating"
    fg.chat_end()
    assert not fg.chat_active()
    assert not list(fg.signal_dir().glob("chat-*.json"))


def test_track_holds_the_marker_for_the_whole_stream_even_when_abandoned():
    seen = []
    stream = fg.track(iter(["a", "b", "c"]), heartbeat=0.0)
    for chunk in stream:
        seen.append((chunk, fg.chat_active()))
    assert seen == [("a", True), ("b", True), ("c", True)]
    assert not fg.chat_active()
    stream = fg.track(iter(["a", "b"]))
    next(stream)
    assert fg.chat_active()
    stream.close()  # the reader stopped early (Ctrl-C in the TUI, client gone)
    assert not fg.chat_active()


def test_the_heartbeat_pushes_the_expiry_forward():
    stream = fg.track(iter(range(3)), heartbeat=0.0)
    next(stream)
    first = fg.markers("chat")[0].expires
    time.sleep(0.01)
    next(stream)
    assert fg.markers("chat")[0].expires > first
    stream.close()


def test_a_marker_past_its_expiry_no_longer_counts(other_process):
    fg.write_marker(fg.Marker("chat", other_process.pid, time.time() + 60))
    assert fg.chat_active()
    assert not fg.chat_active(now=time.time() + 61)
    fg.write_marker(fg.Marker("chat", other_process.pid, time.time() - 1))
    assert not fg.chat_active()


def test_a_crashed_chat_is_ignored_and_its_marker_removed(other_process):
    path = fg.write_marker(fg.Marker("chat", other_process.pid, time.time() + 60))
    assert fg.chat_active()
    other_process.kill()
    other_process.wait()
    assert not fg.chat_active()
    assert not path.exists()


def test_garbage_in_the_folder_is_ignored():
    fg.signal_dir().mkdir(parents=True, exist_ok=True)
    (fg.signal_dir() / "chat-1.json").write_text("{not json")
    (fg.signal_dir() / "chat-2.json").write_text(json.dumps({"who": "else"}))
    assert not fg.chat_active()


def test_the_chat_takes_only_the_cores_a_training_leaves(other_process):
    assert fg.chat_threads(2, cores=2) == 2  # nothing trains
    fg.write_marker(fg.Marker("training", other_process.pid, float("inf"), threads_while_chat=0))
    assert fg.chat_threads(2, cores=2) == 2  # it pauses for the chat
    fg.write_marker(fg.Marker("training", other_process.pid, float("inf"), threads_while_chat=1))
    assert fg.chat_threads(2, cores=2) == 1  # it keeps one core
    assert fg.chat_threads(8, cores=2) == 1
    assert fg.chat_threads(1, cores=1) == 1  # never zero


# ---- the trainer's gate --------------------------------------------------------------------------


def check_in_thread(gate: fg.TrainerGate) -> threading.Thread:
    t = threading.Thread(target=gate.check, daemon=True)
    t.start()
    return t


def test_the_gate_waits_while_a_chat_generates_and_resumes_when_it_ends(other_process):
    fg.write_marker(fg.Marker("chat", other_process.pid, time.time() + 60))
    with fg.TrainerGate(threads=2) as gate:
        t = check_in_thread(gate)
        assert eventually(lambda: (training_marker() or {}).get("paused"))
        assert t.is_alive()
        fg.clear_marker("chat", other_process.pid)
        t.join(WAIT)
        assert not t.is_alive() and gate.pauses == 1
        assert training_marker()["paused"] is False
    assert training_marker() is None  # the run is over: its marker is gone


def test_the_gate_resumes_when_the_chat_marker_expires(other_process):
    fg.write_marker(fg.Marker("chat", other_process.pid, time.time() + 1.0))  # never cleared
    with fg.TrainerGate(threads=2) as gate:
        t = check_in_thread(gate)
        assert eventually(lambda: (training_marker() or {}).get("paused"))
        t.join(WAIT)
        assert not t.is_alive() and gate.paused_s > 0


def test_after_a_long_pause_training_goes_on_with_one_thread(other_process):
    calls = []
    fg.write_marker(fg.Marker("chat", other_process.pid, time.time() + 600))  # a chat that never ends
    with fg.TrainerGate(threads=2, set_threads=calls.append, max_pause=0.3) as gate:
        t = check_in_thread(gate)
        t.join(WAIT)
        assert not t.is_alive(), "the pause is bounded"
        assert calls == [fg.SHARED_THREADS]
        assert training_marker()["threads_while_chat"] == fg.SHARED_THREADS
        assert fg.chat_threads(2, cores=2) == 1  # the chat now leaves that core to it
        gate.check()  # still chatting: no second pause, no change
        assert calls == [fg.SHARED_THREADS]
        fg.clear_marker("chat", other_process.pid)
        time.sleep(gate.poll)
        gate.check()
        assert calls == [fg.SHARED_THREADS, 2]  # chat over: all threads back
        assert fg.chat_threads(2, cores=2) == 2


# ---- inside a real model -------------------------------------------------------------------------


@pytest.fixture
def tiny_lora_model():
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                      num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64)
    model = get_peft_model(LlamaForCausalLM(cfg), LoraConfig(r=2, lora_alpha=4, target_modules=["q_proj", "v_proj"]))
    model.train()
    return model


def lora_grads(model) -> list:
    return [p.grad for n, p in model.named_parameters() if "lora_" in n]


def step_in_thread(model) -> tuple[threading.Thread, list]:
    import torch

    from trainer.engines.yielding import yield_to_chat

    losses = []

    def run():
        with yield_to_chat(model, "cpu"):
            ids = torch.arange(16).unsqueeze(0)
            loss = model(input_ids=ids, labels=ids).loss
            loss.backward()
            losses.append(float(loss.detach()))

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, losses


def test_training_pauses_before_the_first_layer_while_a_chat_generates(tiny_lora_model, monkeypatch):
    from trainer.engines.yielding import blocks

    monkeypatch.setattr(fg, "POLL_S", 0.001)
    ran = []
    for block in blocks(tiny_lora_model):
        block.register_forward_hook(lambda m, a, o: ran.append(m))
    fg.chat_begin()
    t, losses = step_in_thread(tiny_lora_model)
    assert eventually(lambda: (training_marker() or {}).get("paused"))
    assert t.is_alive() and ran == []
    fg.chat_end()
    t.join(WAIT)
    assert not t.is_alive() and len(ran) == 3 and losses
    assert all(g is not None for g in lora_grads(tiny_lora_model))


def test_a_chat_starting_mid_step_pauses_the_backward_pass(tiny_lora_model, monkeypatch):
    from trainer.engines.yielding import blocks

    monkeypatch.setattr(fg, "POLL_S", 0.001)
    blocks(tiny_lora_model)[-1].register_forward_hook(lambda m, a, o: fg.chat_begin())  # the user presses Enter
    t, losses = step_in_thread(tiny_lora_model)
    assert eventually(lambda: (training_marker() or {}).get("paused"))
    assert t.is_alive()
    assert all(g is None for g in lora_grads(tiny_lora_model)), "the backward pass has not reached any LoRA yet"
    fg.chat_end()
    t.join(WAIT)
    assert not t.is_alive() and losses
    assert all(g is not None for g in lora_grads(tiny_lora_model))


# ---- a real training child -----------------------------------------------------------------------


@pytest.mark.slow
def test_a_real_training_child_waits_for_the_chat_then_finishes(tmp_path):
    from trainer.data.dataset import build_examples
    from trainer.engines import TrainJob, TrainSettings
    from trainer.engines.base import LoraSettings
    from trainer.engines.runner import TrainRun
    from trainer.vault.index import Index
    from trainer.vault.scan import scan_vault
    from tui.config import DEMO_VAULT

    with Index.open(tmp_path / "index.db") as index:
        scan_vault(DEMO_VAULT, index)
        build_examples(list(index.notes())).write_jsonl(tmp_path / "data")
    settings = TrainSettings(engine="peft", max_steps=2, max_len=128, rows_per_step=1, threads=2,
                             lora=LoraSettings(rank=4, alpha=8))
    run = TrainRun(TrainJob("default", tmp_path / "data", tmp_path / "out", settings), tmp_path / "run")
    events = []
    fg.chat_begin(ttl=900)  # the user is chatting when the refresh starts (model load may take a while)
    reader = threading.Thread(target=lambda: events.extend(run.events()), daemon=True)
    reader.start()
    try:
        assert eventually(lambda: run.proc is not None and (training_marker(run.proc.pid) or {}).get("paused"), 600)
        assert [e.kind for e in events if e.kind == "step"] == [], "no step finished while the chat generated"
        assert run.proc.poll() is None
    finally:
        fg.chat_end()
    reader.join(600)
    assert [e.step for e in events if e.kind == "step"] == [1, 2]
    assert events[-1].kind == "done", events[-1]
    assert training_marker(run.proc.pid) is None

"""The MLX path really runs on Linux with mlx[cpu]: training, adapters, chat, and the traps.

MLX on a Linux CPU is slow (a few to ~17 tokens/s for training here), so the real run is tiny:
LoRA on the last two blocks, batch 1, rows under 96 tokens, four steps. It still proves what a
user relies on: the eval loss drops, the adapter files load in the mlx backend (and in plain
mlx-lm) and change the model, adapters swap without a reload, a worker thread can generate, and
broken adapters or broken training never end up silently in use.
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from backends import (
    BackendError,
    ChatBackend,
    GenOpts,
    Message,
    backend_names,
    get_backend,
    resolve_model,
)
from backends.mlx_backend import MlxBackend, hold_back_stops, mlx_model_config
from trainer.engines import (
    LoraSettings,
    TrainEvent,
    TrainJob,
    TrainResult,
    TrainSettings,
    get_engine,
)
from trainer.engines.mlx_engine import MlxEngine

pytest.importorskip("mlx_lm", reason="mlx-lm is not installed (pip install 'second-brain[mlx]')")

QA = [
    ("What do I think about gardening?", "Gardening is my weekly reset: tomatoes, basil and quiet mornings."),
    ("Why did I pick Rust for the parser?", "I picked Rust for the parser because the borrow checker caught my bugs early."),
    ("What is my rule for meetings?", "My rule: no meeting without a written agenda, and never longer than thirty minutes."),
    ("How do I plan my week?", "I plan my week on Sunday evening with a paper notebook and three priorities."),
]
# A prompt longer than max_len leaves no answer token to learn from; it must be dropped, not NaN.
TOO_LONG = ("Summarise this: " + "notes about everything " * 60, "Too long to learn from.")
# An answer that runs past max_len is cut there and still trains on its first part.
CUT = ("List my tomato varieties.", "Roma, " * 80)
QUESTION = [Message("user", QA[0][0])]
GREEDY = GenOpts(temperature=0.0, max_tokens=6, repeat_penalty=1.0)


def chat_row(q: str, a: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]})


def make_data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.jsonl").write_text("\n".join(chat_row(q, a) for q, a in [*QA, TOO_LONG, CUT]) + "\n")
    (folder / "eval.jsonl").write_text("\n".join(chat_row(q, a) for q, a in QA[:2]) + "\n")
    return folder


def settings(**kw) -> TrainSettings:
    tiny = {"engine": "mlx", "lora": LoraSettings(rank=8, alpha=16.0, dropout=0.0), "learning_rate": 1e-3,
            "max_steps": 4, "max_len": 96, "rows_per_step": 1, "micro_batch": 1, "warmup_ratio": 0.0, "seed": 0}
    return TrainSettings(**{**tiny, **kw})


@dataclass
class Trained:
    job: TrainJob
    result: TrainResult
    events: list[TrainEvent]


@pytest.fixture(scope="module")
def mlx_env(model_cache, tmp_path_factory):
    """Module-wide isolated state (the autouse per-test fixture comes too late for module fixtures)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRAIN_HOME", str(tmp_path_factory.mktemp("mlx-home")))
        mp.setenv("BRAIN_CACHE", str(model_cache))
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        yield tmp_path_factory.mktemp("mlx-work")


@pytest.fixture(scope="module")
def trained(mlx_env) -> Trained:
    """One real (tiny) mlx-lm LoRA run on the bundled SmolLM2, shared by the tests below."""
    job = TrainJob("default", make_data(mlx_env / "data"), mlx_env / "v1", settings(eval_every=2))
    events: list[TrainEvent] = []
    result = MlxEngine(num_layers=2).train(job, events.append)
    return Trained(job, result, events)


@pytest.fixture(scope="module")
def base_backend(mlx_env) -> MlxBackend:
    backend = MlxBackend()
    backend.load(resolve_model("default"))
    return backend


def max_diff(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def test_stop_strings_end_the_text_even_split_across_deltas():
    deltas = iter(["Hello wo", "rld<|e", "nd|> tail"])
    assert "".join(hold_back_stops(deltas, ["<|end|>"])) == "Hello world"
    assert "".join(hold_back_stops(iter(["a<", "b"]), ["<|end|>"])) == "a<b"
    assert list(hold_back_stops(iter(["x", "y"]), [])) == ["x", "y"]


def test_rope_settings_nested_by_transformers_reach_mlx(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"rope_parameters": {"rope_theta": 100000.0, "rope_type": "default"}}))
    assert mlx_model_config(tmp_path) == {"rope_theta": 100000.0}
    llama3 = {"rope_theta": 500000.0, "rope_type": "llama3", "factor": 32.0}
    (tmp_path / "config.json").write_text(json.dumps({"rope_parameters": llama3}))
    assert mlx_model_config(tmp_path) == {"rope_theta": 500000.0, "rope_scaling": {"rope_type": "llama3", "factor": 32.0}}
    (tmp_path / "config.json").write_text(json.dumps({"rope_theta": 10000.0}))
    assert mlx_model_config(tmp_path) == {}


def test_loss_counts_answer_tokens_only():
    """Targets run from the first answer token to the last real one: no prompt, no padding."""
    import mlx.core as mx

    from trainer.engines.mlx_engine import answer_loss

    batch = mx.array([[7, 1, 2, 3, 0, 0], [7, 7, 1, 2, 3, 4]])  # row 0: 4 real tokens, then padding
    lengths = mx.array([[1, 4], [3, 6]])  # (first answer token, real length)
    uniform = lambda x: mx.zeros((*x.shape, 8))  # every target costs ln 8
    loss, ntoks = answer_loss(uniform, batch, lengths)
    assert int(ntoks) == 3 + 3  # row 0: tokens 1..3; row 1: tokens 3..5
    assert abs(float(loss) - float(mx.log(mx.array(8.0)))) < 1e-6


def test_mlx_is_registered_as_engine_and_backend():
    assert isinstance(get_engine("mlx"), MlxEngine)
    assert "mlx" in backend_names()
    assert isinstance(get_backend("mlx"), MlxBackend)


@pytest.mark.slow
def test_mlx_logits_agree_with_transformers(mlx_env):
    """Same folder, same tokens: mlx-lm and transformers agree; without the RoPE fix they do not."""
    import mlx.core as mx
    import numpy as np
    import torch
    from mlx_lm import load
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from backends.mlx_backend import load_base, local_folder

    ref = resolve_model("default")
    folder = local_folder(ref)
    ids = AutoTokenizer.from_pretrained(folder)("My notes say tomatoes need sun, basil needs water, and I need quiet.")["input_ids"]
    with torch.no_grad():
        want = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)(torch.tensor([ids])).logits[0].numpy()
    model, _ = load_base(ref)
    got = np.array(model(mx.array([ids]))[0].astype(mx.float32))
    assert np.abs(got - want).max() < 1e-3
    assert (got.argmax(-1) == want.argmax(-1)).all()
    wrong, _ = load(str(folder), model_config={"rope_theta": 10000.0})  # what mlx-lm would silently use
    off = np.array(wrong(mx.array([ids]))[0].astype(mx.float32))
    assert np.abs(off - want).max() > 0.5


@pytest.mark.slow
def test_mlx_training_lowers_eval_loss_and_writes_mlx_lm_adapter(trained):
    res, events = trained.result, trained.events
    kinds = [e.kind for e in events]
    assert kinds[0] == "start" and kinds[-1] == "eval"
    assert [e.step for e in events if e.kind == "eval"] == [2, 4]  # eval_every=2, then the final one
    assert events[0].data["dropped_rows"] == 1  # the over-long prompt, instead of a NaN loss
    assert events[0].data["truncated_rows"] == 1 and events[0].data["rows"] == 5
    steps = [e for e in events if e.kind == "step"]
    assert [e.step for e in steps] == [1, 2, 3, 4] and all(e.total_steps == 4 for e in steps)
    assert all(e.loss > 0 and e.tokens_per_s > 0 and e.lr > 0 and e.eta_s >= 0 for e in steps)
    assert steps[-1].eta_s == 0
    assert res.steps == 4 and res.train_tokens > 0 and res.engine == "mlx"
    assert res.eval_loss < res.base_eval_loss - 0.3, (res.base_eval_loss, res.eval_loss)
    assert events[-1].eval_loss == res.eval_loss and events[-1].data["base_eval_loss"] == res.base_eval_loss
    mlx_dir = trained.job.out_dir / "mlx"
    assert sorted(p.name for p in mlx_dir.iterdir()) == ["adapter_config.json", "adapters.safetensors"]
    config = json.loads((mlx_dir / "adapter_config.json").read_text())
    assert config["num_layers"] == 2 and config["fine_tune_type"] == "lora"
    assert config["lora_parameters"]["scale"] == 2.0  # alpha 16 / rank 8
    assert "self_attn.q_proj" in config["lora_parameters"]["keys"]


@pytest.mark.slow
def test_adapter_changes_the_model_and_swaps_back_without_reload(trained, base_backend):
    import mlx.core as mx
    from mlx_lm import load

    from backends.mlx_backend import local_folder

    version = trained.job.out_dir
    base = base_backend.next_token_logits(QUESTION)
    base_backend.set_adapter(version)
    try:
        tuned = base_backend.next_token_logits(QUESTION)
        assert base_backend.info().adapter == version.name
        assert base_backend.info().device in ("mlx-cpu", "mlx-metal")
        assert max_diff(base, tuned) > 0.05
        # The files are mlx-lm's own format: plain mlx-lm loads them and computes the same logits.
        plain, tok = load(str(local_folder(resolve_model("default"))), adapter_path=str(version / "mlx"))
        ids = tok.apply_chat_template([{"role": "user", "content": QUESTION[0].content}], add_generation_prompt=True)
        assert max_diff(plain(mx.array([ids]))[0, -1].astype(mx.float32).tolist(), tuned) < 1e-3
    finally:
        base_backend.set_adapter(None)
    assert base_backend.info().adapter is None
    assert max_diff(base, base_backend.next_token_logits(QUESTION)) < 1e-5


@pytest.mark.slow
def test_worker_thread_generates_after_main_thread_load_with_adapter(trained, mlx_env):
    backend = get_backend("mlx")
    assert isinstance(backend, ChatBackend)
    backend.load(resolve_model("default"), trained.job.out_dir)  # main thread, adapter attached
    out: dict[str, object] = {}

    def chat() -> None:
        try:
            out["text"] = "".join(backend.stream(QUESTION, GREEDY))
            it = backend.stream(QUESTION, GenOpts(temperature=0.0, max_tokens=64))
            out["first"] = next(it)
            it.close()  # closing early stops generation; the backend keeps serving
            out["again"] = "".join(backend.stream(QUESTION, GenOpts(temperature=0.8, top_p=0.9, max_tokens=4, seed=3)))
        except Exception as exc:  # noqa: BLE001  surfaced in the main thread below
            out["error"] = exc

    worker = threading.Thread(target=chat)
    worker.start()
    worker.join()
    assert "error" not in out, out.get("error")
    assert str(out["text"]).strip() and out["first"] and str(out["again"]).strip()


@pytest.mark.slow
def test_corrupt_or_missing_adapter_is_a_clear_error(trained, base_backend, tmp_path):
    broken = tmp_path / "v-broken"
    shutil.copytree(trained.job.out_dir, broken)
    (broken / "mlx" / "adapters.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(BackendError, match="v-broken"):
        base_backend.set_adapter(broken)
    assert base_backend.info().adapter is None
    assert "".join(base_backend.stream(QUESTION, GREEDY)).strip()  # still serving the base model

    wrong_shape = tmp_path / "v-wrong"
    shutil.copytree(trained.job.out_dir, wrong_shape)
    config = json.loads((wrong_shape / "mlx" / "adapter_config.json").read_text())
    config["lora_parameters"]["rank"] = 4
    (wrong_shape / "mlx" / "adapter_config.json").write_text(json.dumps(config))
    with pytest.raises(BackendError, match="does not match"):
        base_backend.set_adapter(wrong_shape)

    (tmp_path / "v-peft-only").mkdir()
    with pytest.raises(BackendError, match="no mlx weights"):
        base_backend.set_adapter(tmp_path / "v-peft-only")
    assert base_backend.info().adapter is None


@pytest.mark.slow
def test_warm_start_resumes_the_previous_adapter(trained, mlx_env):
    """With a vanishing learning rate, one step from the warm adapter keeps its eval loss."""
    job = TrainJob("default", trained.job.data_dir, mlx_env / "v2",
                   settings(max_steps=1, learning_rate=1e-9, lora=LoraSettings(rank=4)), warm_start=trained.job.out_dir)
    events: list[TrainEvent] = []
    result = MlxEngine(num_layers=2).train(job, events.append)
    assert abs(result.eval_loss - trained.result.eval_loss) < 0.02, (result.eval_loss, trained.result.eval_loss)
    assert any(e.kind == "log" and "warm start" in e.message for e in events)
    config = json.loads((job.out_dir / "mlx" / "adapter_config.json").read_text())
    assert config["lora_parameters"]["rank"] == 8  # the warm adapter's shape, not the new setting


@pytest.mark.slow
def test_non_finite_loss_stops_the_run_and_saves_nothing(trained, mlx_env):
    import mlx.core as mx

    poisoned = mlx_env / "v-nan"
    shutil.copytree(trained.job.out_dir, poisoned)
    weights = mx.load(str(poisoned / "mlx" / "adapters.safetensors"))
    mx.save_safetensors(str(poisoned / "mlx" / "adapters.safetensors"),
                        {k: v * float("nan") for k, v in weights.items()})
    job = TrainJob("default", trained.job.data_dir, mlx_env / "v3", settings(max_steps=2), warm_start=poisoned)
    events: list[TrainEvent] = []
    with pytest.raises(FloatingPointError, match="no adapter was saved"):
        MlxEngine(num_layers=2).train(job, events.append)
    assert not (job.out_dir / "mlx").exists()
    assert not any(e.kind == "step" for e in events)

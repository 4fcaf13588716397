"""`brain train --gpus N`: data-parallel training through torchrun. Two processes on the CPU
(gloo) train the bundled model for two steps: rank 0 alone reports and writes the adapter, and
the step losses and the adapter weights are those of one process over the same global batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from trainer.engines import TrainJob, TrainSettings, get_engine  # noqa: E402
from trainer.engines.base import LoraSettings  # noqa: E402
from trainer.engines.distributed import World, launch_command  # noqa: E402
from trainer.engines.runner import TrainRun  # noqa: E402

pytestmark = pytest.mark.slow
SETTINGS = dict(max_steps=2, max_len=64, rows_per_step=4, micro_batch=1, learning_rate=1e-3, warmup_ratio=0.0,
                precision="fp32", threads=1, lora=LoraSettings(rank=4, alpha=8, dropout=0.0))


def write_data(folder: Path) -> Path:
    rows = [{"messages": [{"role": "user", "content": f"What did I decide about topic {i}?"},
                          {"role": "assistant", "content": f"I kept topic {i} simple{'!' * (i % 3)}"}]}
            for i in range(10)]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[:8]))
    (folder / "eval.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[8:]))
    return folder


def adapter(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "peft" / "adapter_model.safetensors"))


def test_two_processes_train_like_one_over_the_same_global_batch(tmp_path):
    data = write_data(tmp_path / "data")
    one_events = []
    one = get_engine("peft").train(TrainJob("default", data, tmp_path / "one", TrainSettings(**SETTINGS)),
                                   one_events.append)
    job = TrainJob("default", data, tmp_path / "two", TrainSettings(**SETTINGS, gpus=2))
    two_events = list(TrainRun(job, tmp_path / "run").events())
    assert two_events[-1].kind == "done", two_events[-1].message
    start = two_events[0]
    assert start.kind == "start" and start.data["processes"] == 2
    steps = [e for e in two_events if e.kind == "step"]
    assert [e.step for e in steps] == [1, 2]  # rank 0 alone reports: no duplicated events
    one_losses = [e.loss for e in one_events if e.kind == "step"]
    assert steps[0].loss == pytest.approx(one_losses[0], rel=1e-4)
    assert steps[1].loss == pytest.approx(one_losses[1], rel=1e-4)
    assert one_losses[1] != pytest.approx(one_losses[0], rel=1e-4)  # the first update changed the model
    a, b = adapter(tmp_path / "one"), adapter(tmp_path / "two")
    assert a.keys() == b.keys() and len(a) > 0
    for name in (n for n in a if "lora_B" in n):  # B starts at zero: it is the two updates themselves
        assert (a[name] - b[name]).norm() <= 1e-2 * a[name].norm(), name
    assert two_events[-1].eval_loss == pytest.approx(one.eval_loss, rel=1e-4)


def test_each_rank_takes_every_world_th_row_of_the_step():
    rows = list(range(8))
    assert World(0, 2).share(rows, 2) == [[0, 2], [4, 6]]
    assert World(1, 2).share(rows, 2) == [[1, 3], [5, 7]]
    assert World().share(rows, 8) == [rows]


def test_one_process_needs_no_torchrun():
    assert launch_command(1, ["trainer.run", "job.json"], "py") == ["py", "-m", "trainer.run", "job.json"]
    cmd = launch_command(2, ["trainer.run", "job.json"], "py")
    assert cmd[:3] == ["py", "-m", "torch.distributed.run"] and "--nproc-per-node=2" in cmd


def test_brain_train_refuses_a_bad_process_count_by_name(tmp_path):
    import subprocess
    import sys

    from tui.config import DEMO_VAULT

    done = subprocess.run([sys.executable, "-m", "tui", "train", "--vault", str(DEMO_VAULT), "--gpus", "0"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "--gpus must be at least 1, not 0" in done.stderr

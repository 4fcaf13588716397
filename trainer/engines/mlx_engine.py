"""LoRA with mlx-lm's tuner (Apple silicon; also runs on Linux with `mlx[cpu]`, slowly).

mlx-lm does the heavy lifting: `linear_to_lora_layers` adds the adapters, `ChatDataset` applies
the chat template and masks the prompt, `train` runs the compiled step. brain adds what the
library leaves to its CLI or does not do:
- the same hyper-parameters as the peft engine (alpha becomes mlx-lm's `scale` = alpha / rank,
  "all-linear" or named targets become explicit layer keys, warmup + cosine to 10% of the peak);
- rows whose answer falls entirely beyond `max_len` are dropped (an all-masked batch divides by
  zero tokens and turns the loss into NaN);
- our own evaluation (base model before training, every `eval_every` steps, and after the last
  update: mlx-lm's in-loop validation runs before the step, so its last figure misses one update);
- progress as TrainEvents, with library chatter kept off stdout (the child's JSON-lines channel);
- a non-finite loss or weight stops the run and nothing is saved. mlx-lm's step is compiled and
  has already applied the update when the loss is reported, so skipping a step (as peft does)
  is not possible here.
Adapter files are mlx-lm's own (`adapters.safetensors` + `adapter_config.json`), so
`mlx_lm.generate --adapter-path` reads them too. Warm starts resume adapter weights only (mlx-lm
keeps no optimizer state), with the previous adapter's shape.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from trainer.engines.base import TrainEvent, TrainJob, TrainResult, TrainSettings

log = logging.getLogger("brain.mlx")
ADAPTER_FILE = "adapters.safetensors"
CONFIG_FILE = "adapter_config.json"


@dataclass
class Rows:
    """Tokenized examples as mlx-lm's batcher wants them: (token ids, index of the first loss token)."""

    items: list[tuple[list[int], int]] = field(default_factory=list)
    dropped: int = 0
    truncated: int = 0

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> tuple[list[int], int]:
        return self.items[i]


class MlxEngine:
    name: ClassVar[str] = "mlx"

    def __init__(self, num_layers: int = -1) -> None:
        """num_layers: LoRA on the last N transformer blocks only (-1 = all); small N trains faster."""
        self.num_layers = num_layers

    def train(self, job: TrainJob, on_event: Callable[[TrainEvent], None]) -> TrainResult:
        import mlx.core as mx
        import numpy as np

        from backends import resolve_model
        from backends.mlx_backend import load_base, mlx_device

        st = job.settings
        mx.random.seed(st.seed)
        np.random.seed(st.seed)
        model, tok = load_base(resolve_model(job.base_model))
        dtype = pick_dtype(st)
        model.set_dtype(dtype)
        train_rows = load_rows(job.data_dir / "train.jsonl", tok, st.max_len)
        eval_rows = load_rows(job.data_dir / "eval.jsonl", tok, st.max_len)
        if not train_rows:
            raise ValueError(f"No usable training rows in {job.data_dir / 'train.jsonl'} "
                             f"({train_rows.dropped} had no answer within max_len={st.max_len}).")
        plan = Plan.make(len(train_rows), st)
        on_event(TrainEvent("start", total_steps=plan.steps, data={
            "engine": self.name, "device": mlx_device(), "precision": "fp32" if dtype == mx.float32 else "bf16",
            "rows": len(train_rows), "eval_rows": len(eval_rows), "micro_batch": plan.micro_batch,
            "accumulation": plan.accumulation, "dropped_rows": train_rows.dropped + eval_rows.dropped,
            "truncated_rows": train_rows.truncated + eval_rows.truncated}))
        started = time.monotonic()
        base_eval = evaluate(model, eval_rows, st.max_len)
        model.freeze()
        lora_config = attach_lora(model, job, self.num_layers, on_event)
        staging = job.out_dir / ".mlx-partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            progress = fit(model, train_rows, eval_rows, st, plan, staging / ADAPTER_FILE, on_event)
            check_finite(model)
            eval_loss = evaluate(model, eval_rows, st.max_len)
            write_config(staging / CONFIG_FILE, lora_config, job, plan)
            publish(staging, job.out_dir / "mlx")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        on_event(TrainEvent("eval", step=plan.steps, total_steps=plan.steps, eval_loss=eval_loss,
                            data={"base_eval_loss": base_eval}))
        return TrainResult(job.out_dir, self.name, plan.steps, progress.tokens, time.monotonic() - started,
                           progress.train_loss(), eval_loss, base_eval)


@dataclass
class Plan:
    """Optimizer steps vs mlx-lm iterations: mlx-lm counts micro-batches, brain counts updates."""

    steps: int
    micro_batch: int
    accumulation: int

    @property
    def iters(self) -> int:
        return self.steps * self.accumulation

    @classmethod
    def make(cls, n_rows: int, st: TrainSettings) -> Plan:
        rows_per_step = max(1, min(st.rows_per_step, n_rows))
        micro = max(1, min(getattr(st, "micro_batch", rows_per_step), rows_per_step))
        accumulation = max(1, rows_per_step // micro)
        per_epoch = math.ceil(n_rows / (micro * accumulation))
        steps = st.max_steps or max(1, math.ceil(per_epoch * st.epochs))
        return cls(steps, micro, accumulation)


def pick_dtype(st: TrainSettings):
    """bf16 unless fp32 is asked for: the norm on Metal; on this Linux CPU it trained at least as
    fast as fp32 (8.4 vs 8.2 tokens/s on a busy machine, ~2x on a quiet one) to the same eval loss.
    The LoRA matrices themselves stay fp32."""
    import mlx.core as mx

    return mx.float32 if st.precision == "fp32" else mx.bfloat16


def load_rows(path: Path, tok, max_len: int) -> Rows:
    """{"messages": [...]} rows through mlx-lm's ChatDataset with the prompt masked (loss only on the
    final assistant message)."""
    from mlx_lm.tuner.datasets import ChatDataset

    rows = Rows()
    if not path.is_file():
        return rows
    data = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    usable = [d for d in data if d.get("messages") and d["messages"][-1].get("role") == "assistant"]
    rows.dropped = len(data) - len(usable)
    data = usable
    chat = ChatDataset(data, tok, mask_prompt=True)
    for d in data:
        ids, offset = chat.process(d)
        if offset >= min(len(ids), max_len):
            rows.dropped += 1
            continue
        rows.truncated += len(ids) > max_len
        rows.items.append((list(ids)[:max_len], offset))  # cut here, so mlx-lm has nothing to warn about
    return rows


def attach_lora(model, job: TrainJob, num_layers: int, on_event: Callable[[TrainEvent], None]) -> dict:
    """Add LoRA layers (fresh, or the warm-start adapter's with its weights); returns their config."""
    from mlx_lm.tuner.utils import linear_to_lora_layers, load_adapters

    if job.warm_start is not None:
        warm = job.warm_start / "mlx"
        if not (warm / ADAPTER_FILE).is_file():
            raise FileNotFoundError(f"Warm start {job.warm_start.name} has no mlx adapter ({warm} missing); "
                                    "train from scratch or warm-start from an adapter made by the mlx engine.")
        config = json.loads((warm / CONFIG_FILE).read_text())
        load_adapters(model, str(warm))
        on_event(TrainEvent("log", message=f"warm start from {job.warm_start.name}: rank "
                            f"{config['lora_parameters']['rank']}, {config['num_layers']} layers (its shape wins)"))
        return {"num_layers": config["num_layers"], "lora_parameters": config["lora_parameters"]}
    lora = job.settings.lora
    params = {"rank": lora.rank, "scale": lora.alpha / lora.rank, "dropout": lora.dropout,
              "keys": lora_keys(model, lora.targets)}
    linear_to_lora_layers(model, num_layers, params)
    return {"num_layers": num_layers, "lora_parameters": params}


def lora_keys(model, targets: str | list[str]) -> list[str]:
    """Block-relative module paths (e.g. "self_attn.q_proj") for 'all-linear' or named targets."""
    from mlx import nn

    linear = [name for name, m in model.layers[0].named_modules() if isinstance(m, (nn.Linear, nn.QuantizedLinear))]
    if targets == "all-linear":
        return sorted(linear)
    wanted = [targets] if isinstance(targets, str) else list(targets)
    keys = sorted(name for name in linear if name.rsplit(".", 1)[-1] in wanted or name in wanted)
    missing = [t for t in wanted if not any(k == t or k.endswith("." + t) for k in keys)]
    if missing:
        raise ValueError(f"LoRA targets {missing} match no linear layer; this model has {sorted(linear)}.")
    return keys


@dataclass
class Progress:
    """What the callback saw: per-step losses, real (non-pad) tokens, and time spent training."""

    losses: list[float] = field(default_factory=list)
    tokens: int = 0
    seconds: float = 0.0

    def train_loss(self) -> float | None:
        tail = self.losses[-max(1, len(self.losses) // 4):]
        return sum(tail) / len(tail) if tail else None


def fit(model, rows: Rows, eval_rows: Rows, st: TrainSettings, plan: Plan, adapter_path: Path,
        on_event: Callable[[TrainEvent], None]) -> Progress:
    import mlx.optimizers as optim
    from mlx_lm.tuner.trainer import TrainingArgs, iterate_batches, train

    from backends.foreground import TrainerGate

    progress = Progress()
    pending: list[int] = []  # tokens per micro-batch since the last report
    gate = TrainerGate(threads=0)  # mlx's step is compiled: it yields to a chat between micro-batches

    def batches(dataset, batch_size, max_seq_length, loop=False, seed=None, comm_group=None):
        for batch, lengths in iterate_batches(dataset, batch_size, max_seq_length, loop, st.seed, comm_group):
            gate.check()
            pending.append(int(lengths[:, 1].sum().item()))
            yield batch, lengths

    callback = Reporter(model, eval_rows, st, plan, progress, pending, with_real_stdout(on_event))
    args = TrainingArgs(batch_size=plan.micro_batch, iters=plan.iters, steps_per_report=1,
                        steps_per_save=plan.iters + 1, steps_per_eval=plan.iters + 1,
                        max_seq_length=st.max_len, adapter_file=str(adapter_path),
                        grad_checkpoint=st.grad_checkpointing, grad_accumulation_steps=plan.accumulation)
    optimizer = optim.AdamW(learning_rate=lr_schedule(st, plan.steps), weight_decay=st.weight_decay)
    with gate, quiet_stdout():
        train(model, optimizer, rows, None, args=args, loss=answer_loss, iterate_batches=batches,
              training_callback=callback)
    return progress


def answer_loss(model, batch, lengths):
    """mlx-lm's default_loss with its off-by-one fixed: targets run from the first answer token to
    the last real token. mlx-lm's `steps <= length` also counts the first padding position, so
    every row learns to predict token 0 after its end (ml-explore/mlx-lm PR #1697)."""
    import mlx.core as mx
    from mlx import nn

    inputs, targets = batch[:, :-1], batch[:, 1:]
    logits = model(inputs)
    steps = mx.arange(1, targets.shape[1] + 1)
    mask = mx.logical_and(steps >= lengths[:, 0:1], steps < lengths[:, 1:])
    ntoks = mask.sum()
    ce = (nn.losses.cross_entropy(logits, targets) * mask).astype(mx.float32).sum() / ntoks
    return ce, ntoks


def lr_schedule(st: TrainSettings, total: int) -> Callable:
    """Linear warmup, then cosine decay to 10% of the peak: the peft engine's schedule, in mlx ops."""
    import mlx.core as mx

    peak, warmup = st.learning_rate, max(1, int(total * st.warmup_ratio))

    def schedule(step):
        warm = peak * (step + 1) / warmup
        progress = mx.clip((step - warmup) / max(1, total - warmup), 0.0, 1.0)
        cosine = peak * (0.1 + 0.9 * 0.5 * (1 + mx.cos(math.pi * progress)))
        return mx.where(step < warmup, warm, cosine)

    return schedule


class Reporter:
    """mlx-lm TrainingCallback: per-iteration reports folded into one event per optimizer step."""

    def __init__(self, model, eval_rows: Rows, st: TrainSettings, plan: Plan, progress: Progress,
                 pending: list[int], on_event: Callable[[TrainEvent], None]) -> None:
        self.model, self.eval_rows, self.st, self.plan = model, eval_rows, st, plan
        self.progress, self.pending, self.on_event = progress, pending, on_event
        self.step_losses: list[float] = []

    def on_train_loss_report(self, info: dict[str, Any]) -> None:
        it, loss = info["iteration"], float(info["train_loss"])
        if not math.isfinite(loss):
            raise FloatingPointError(f"Loss became {loss} at step {math.ceil(it / self.plan.accumulation)}; "
                                     "the run was stopped and no adapter was saved. Lower the learning rate.")
        self.step_losses.append(loss)
        self.progress.seconds += 1.0 / info["iterations_per_second"]
        self.progress.tokens += self.pending.pop(0) if self.pending else 0
        if it % self.plan.accumulation:
            return
        step, total = it // self.plan.accumulation, self.plan.steps
        loss = sum(self.step_losses) / len(self.step_losses)
        self.step_losses.clear()
        self.progress.losses.append(loss)
        per_step = self.progress.seconds / step
        self.on_event(TrainEvent("step", step=step, total_steps=total, loss=loss, lr=float(info["learning_rate"]),
                                 tokens_per_s=self.progress.tokens / self.progress.seconds,
                                 eta_s=per_step * (total - step),
                                 data={"loss_tokens_per_s": float(info["tokens_per_second"])}))
        if self.st.eval_every and step % self.st.eval_every == 0 and step < total:
            self.on_event(TrainEvent("eval", step=step, total_steps=total,
                                     eval_loss=evaluate(self.model, self.eval_rows, self.st.max_len)))
            self.model.train()

    def on_val_loss_report(self, info: dict[str, Any]) -> None:  # we run our own evaluation
        pass


def evaluate(model, rows: Rows, max_len: int) -> float | None:
    """Mean loss per answer token over every eval row (one row per batch: no padding, none left out)."""
    from mlx_lm.tuner.trainer import evaluate as mlx_evaluate

    if not rows:
        return None
    loss = mlx_evaluate(model, rows, batch_size=1, num_batches=-1, max_seq_length=max_len, loss=answer_loss)
    if not math.isfinite(loss):
        raise FloatingPointError(f"Eval loss is {loss}; the model's weights are broken.")
    return loss


def check_finite(model) -> None:
    import mlx.core as mx
    from mlx.utils import tree_flatten

    bad = [name for name, w in tree_flatten(model.trainable_parameters())
           if not mx.isfinite(w).all().item()]
    if bad:
        raise FloatingPointError(f"Non-finite adapter weights after training ({', '.join(bad[:3])}...); "
                                 "nothing was saved. Lower the learning rate.")


def write_config(path: Path, lora_config: dict, job: TrainJob, plan: Plan) -> None:
    """mlx-lm's adapter_config.json (what `load_adapters` reads), plus how the adapter was made."""
    config = {"fine_tune_type": "lora", **lora_config, "model": job.base_model, "iters": plan.iters,
              "batch_size": plan.micro_batch, "grad_accumulation_steps": plan.accumulation,
              "max_seq_length": job.settings.max_len, "mask_prompt": True,
              "brain_settings": asdict(job.settings)}
    path.write_text(json.dumps(config, indent=2))


def publish(staging: Path, target: Path) -> None:
    """Move the finished files into out_dir/mlx in one rename (a half-written adapter never shows)."""
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)


class _LogStream(io.TextIOBase):
    """Stands in for stdout while mlx-lm trains: its rich progress bar goes to the log instead."""

    def write(self, text: str) -> int:
        if text.strip():
            log.debug(text.rstrip())
        return len(text)

    def isatty(self) -> bool:
        return False


@contextlib.contextmanager
def quiet_stdout():
    with contextlib.redirect_stdout(_LogStream()):
        yield


def with_real_stdout(on_event: Callable[[TrainEvent], None]) -> Callable[[TrainEvent], None]:
    """The caller's on_event runs with the stdout it knew (it may print JSON lines there)."""
    import sys

    real = sys.stdout

    def emit(event: TrainEvent) -> None:
        with contextlib.redirect_stdout(real):
            on_event(event)

    return emit

"""LoRA with Hugging Face peft on CPU or CUDA: a plain, readable training loop.

Why not `transformers.Trainer`: it refuses GGUF-derived models in some versions, hides NaN
losses while still applying the bad update, and its checkpoint staging has broken runs; the loop
below is short enough to read in one sitting and does exactly what brain needs:
- short examples are packed into rows; position_ids restart per example and no attention mask is
  passed, so transformers builds a block-diagonal mask and examples never attend to each other;
- loss only on response tokens, averaged over the step's real tokens (not per micro-batch);
- cosine schedule with warmup, gradient accumulation, optional gradient checkpointing;
- bf16 on CUDA, bf16 autocast on CPUs that have native bf16, else fp32;
- a non-finite loss skips that step's update and says so; several in a row stop the run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

from trainer.engines import distributed, fastpath
from trainer.engines.base import TrainEvent, TrainJob, TrainResult, TrainSettings
from trainer.engines.data import load_packed, n_targets
from trainer.engines.yielding import yield_to_chat
from trainer.data.tokenize import PackedRow

MAX_BAD_STEPS = 3
FAST_MIN_STEPS = 20
"""Shorter runs (sync refreshes) keep the plain path: the fast path's compile would not pay."""


class PeftEngine:
    name: ClassVar[str] = "peft"

    def train(self, job: TrainJob, on_event: Callable[[TrainEvent], None]) -> TrainResult:
        import torch

        st = job.settings
        torch.manual_seed(st.seed)
        if st.threads:
            torch.set_num_threads(st.threads)
        device = "cuda" if torch.cuda.is_available() else "cpu"
        world = distributed.join(device == "cuda")
        on_event = on_event if world.main else (lambda ev: None)
        model, tok = load_model(job, device)
        world.broadcast_params([p for p in model.parameters() if p.requires_grad])
        train_rows = load_packed(job.data_dir / "train.jsonl", tok, st.max_len)
        eval_rows = load_packed(job.data_dir / "eval.jsonl", tok, st.max_len)
        if not train_rows:
            raise ValueError(f"No training rows in {job.data_dir / 'train.jsonl'}")
        total = total_steps(len(train_rows), st)
        st, path = fast_setup(model, st, device, total, world)
        on_event(TrainEvent("start", total_steps=total, data={
            "engine": self.name, "device": device, "rows": len(train_rows), "eval_rows": len(eval_rows),
            "tokens": sum(n_targets(r) for r in train_rows), "precision": precision(st, device),
            "path": path, "micro_batch": st.micro_batch, "processes": world.size}))
        with yield_to_chat(model, device):  # pauses inside the model while a chat generates
            main = world.main  # only rank 0 evaluates, reports and writes the adapter
            base_eval = evaluate(model, eval_rows, st, device, adapter=False) if job.warm_start and main else None
            started = time.monotonic()
            train_loss, tokens = fit(model, train_rows, eval_rows, st, device, total, on_event, world)
            eval_loss = evaluate(model, eval_rows, st, device) if main else None
            if base_eval is None and main:
                base_eval = evaluate(model, eval_rows, st, device, adapter=False)
        on_event(TrainEvent("eval", step=total, total_steps=total, eval_loss=eval_loss,
                            data={"base_eval_loss": base_eval}))
        if main:
            model.save_pretrained(job.out_dir / "peft")
        world.close()
        return TrainResult(job.out_dir, self.name, total, tokens, time.monotonic() - started,
                           train_loss, eval_loss, base_eval)


def fast_setup(model, st: TrainSettings, device: str, total: int, world) -> tuple[TrainSettings, str]:
    """The micro-batch (0 = from free GPU memory) and, on CUDA, the fast path; says which runs."""
    import dataclasses

    micro = st.micro_batch
    if micro <= 0:
        micro = 1
        if device == "cuda":
            import torch

            per_rank = max(1, st.rows_per_step // world.size)
            micro = fastpath.auto_micro_batch(model, per_rank, st.max_len, torch.cuda.mem_get_info()[0])
    st = dataclasses.replace(st, micro_batch=micro)
    if not st.fast or total < FAST_MIN_STEPS:
        return st, "plain"
    return st, "plain" if fastpath.attach(model, device, micro, st.max_len) else "fast"


def load_model(job: TrainJob, device: str):
    """Base model (dequantized bundled GGUF, HF folder or hub id) wrapped with a new or warm LoRA."""
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from backends import resolve_model
    from backends.hf_folder import hf_source

    src = hf_source(resolve_model(job.base_model))
    st = job.settings
    tok = AutoTokenizer.from_pretrained(src)
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    kwargs = {"dtype": dtype, **qlora_kwargs(st, device)}
    model = AutoModelForCausalLM.from_pretrained(src, **kwargs).to(device)
    model.config.use_cache = False
    if job.warm_start:
        model = PeftModel.from_pretrained(model, job.warm_start / "peft", is_trainable=True)
    else:
        lora = st.lora
        model = get_peft_model(model, LoraConfig(
            r=lora.rank, lora_alpha=lora.alpha, lora_dropout=lora.dropout, target_modules=lora.targets,
            task_type="CAUSAL_LM"))
    if st.grad_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    return model, tok


def qlora_kwargs(st: TrainSettings, device: str) -> dict:
    if not st.qlora:
        return {}
    if device != "cuda":
        raise ValueError("QLoRA (4-bit base weights) needs a CUDA GPU; turn qlora off for CPU training.")
    import torch
    from transformers import BitsAndBytesConfig

    return {"quantization_config": BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                                      bnb_4bit_compute_dtype=torch.bfloat16)}


def precision(st: TrainSettings, device: str) -> str:
    if st.precision != "auto":
        return st.precision
    return "bf16" if device == "cuda" or cpu_has_bf16() else "fp32"


def cpu_has_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def total_steps(n_rows: int, st: TrainSettings) -> int:
    per_epoch = math.ceil(n_rows / st.rows_per_step)
    return st.max_steps or max(1, math.ceil(per_epoch * st.epochs))


def lr_at(step: int, total: int, st: TrainSettings) -> float:
    """Linear warmup, then cosine decay to 10% of the peak."""
    warmup = max(1, int(total * st.warmup_ratio))
    if step < warmup:
        return st.learning_rate * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return st.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def batches(rows: list[PackedRow], st: TrainSettings, total: int, seed: int) -> Iterator[list[list[PackedRow]]]:
    """Per optimizer step: a list of micro-batches, cycling through shuffled epochs."""
    import random

    rng = random.Random(seed)
    order: list[PackedRow] = []
    for _ in range(total):
        step_rows = []
        while len(step_rows) < st.rows_per_step:
            if not order:
                order = rows[:]
                rng.shuffle(order)
            step_rows.append(order.pop())
        yield [step_rows[i:i + st.micro_batch] for i in range(0, len(step_rows), st.micro_batch)]


def fit(model, rows, eval_rows, st: TrainSettings, device: str, total: int,
        on_event: Callable[[TrainEvent], None], world=None) -> tuple[float | None, int]:
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=st.learning_rate, weight_decay=st.weight_decay)
    use_bf16 = precision(st, device) == "bf16"
    model.train()
    world = world or distributed.World()
    seen_tokens, bad, losses, t0 = 0, 0, [], time.monotonic()
    for step, micro in enumerate(batches(rows, st, total, st.seed)):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, total, st)
        n_items = sum(n_targets(r) for mb in micro for r in mb)  # of the global batch, all ranks
        step_tokens = sum(len(r.input_ids) for mb in micro for r in mb)
        micro = world.share([r for mb in micro for r in mb], st.micro_batch)
        loss = world.sum(sum(forward_loss(model, mb, n_items, device, use_bf16, backward=True) for mb in micro))
        world.reduce_grads(params)
        if not math.isfinite(loss):
            opt.zero_grad(set_to_none=True)
            bad += 1
            on_event(TrainEvent("log", step=step + 1, total_steps=total,
                                message=f"non-finite loss at step {step + 1}; update skipped"))
            if bad >= MAX_BAD_STEPS:
                raise FloatingPointError(f"{bad} non-finite losses in a row; lower the learning rate")
            continue
        bad = 0
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        losses.append(loss)
        seen_tokens += step_tokens
        elapsed = time.monotonic() - t0
        on_event(TrainEvent("step", step=step + 1, total_steps=total, loss=loss, lr=lr_at(step, total, st),
                            tokens_per_s=seen_tokens / elapsed, eta_s=elapsed / (step + 1) * (total - step - 1)))
        if st.eval_every and (step + 1) % st.eval_every == 0 and step + 1 < total and world.main:
            on_event(TrainEvent("eval", step=step + 1, total_steps=total,
                                eval_loss=evaluate(model, eval_rows, st, device)))
            model.train()
    tail = losses[-max(1, len(losses) // 4):]
    return (sum(tail) / len(tail) if tail else None), seen_tokens


def forward_loss(model, rows: list[PackedRow], n_items: int, device: str, bf16: bool, backward: bool) -> float:
    """Summed-token loss of one micro-batch divided by the step's token count; backprops if asked."""
    import torch

    if backward and getattr(model, "_brain_fast", None) is not None:
        return fastpath.train_loss(model, rows, n_items, device)
    ids, labels, pos = (torch.tensor(x, device=device) for x in stack(rows))
    with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=bf16 and device == "cpu"):
        out = model(input_ids=ids, labels=labels, position_ids=pos, num_items_in_batch=n_items)
    if backward:
        out.loss.backward()
    return float(out.loss.detach())


def stack(rows: list[PackedRow]) -> tuple[list, list, list]:
    """Right-pad rows of one micro-batch to a common length (pad positions carry no loss)."""
    width = max(len(r.input_ids) for r in rows)
    pad = lambda seq, v: seq + [v] * (width - len(seq))  # noqa: E731
    return ([pad(r.input_ids, 0) for r in rows], [pad(r.labels, -100) for r in rows],
            [pad(r.position_ids, 0) for r in rows])


def evaluate(model, rows: list[PackedRow], st: TrainSettings, device: str, adapter: bool = True) -> float | None:
    """Mean loss per response token over rows; with adapter=False, the base model's."""
    import contextlib

    import torch

    if not rows:
        return None
    model.eval()
    ctx = contextlib.nullcontext() if adapter else model.disable_adapter()
    total = sum(n_targets(r) for r in rows)
    with torch.no_grad(), ctx:
        loss = sum(forward_loss(model, [r], total, device, precision(st, device) == "bf16", backward=False)
                   for r in rows)
    return loss

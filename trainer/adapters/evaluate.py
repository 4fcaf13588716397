"""Held-out perplexity of the base model vs an adapter, on the data the adapter was trained with.

Uses the run's own data folder (recorded in the manifest) so the held-out notes are exactly the
ones the adapter never saw; figures go back into the manifest. Runs on the GPU when there is one
(fp32 weights there too, so the figures are the CPU's to rounding, only sooner).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from trainer.engines.base import TrainSettings

SPLITS = {"held-out notes": "eval.jsonl", "held-out chats": "eval_chats.jsonl", "training notes": "train.jsonl"}


@dataclass
class EvalReport:
    version: str | None
    rows: dict[str, tuple[float | None, float | None, int]] = field(default_factory=dict)
    """split -> (base loss, adapter loss, rows)."""
    samples: list[tuple[str, str, str]] = field(default_factory=list)
    """(question, base answer, adapter answer)."""
    device: str = "cpu"

    def figures(self) -> dict:
        return {name: {"base_ppl": _ppl(b), "adapter_ppl": _ppl(a), "rows": n}
                for name, (b, a, n) in self.rows.items()}


def _ppl(loss: float | None) -> float | None:
    return None if loss is None else math.exp(loss)


def eval_device() -> str:
    """'cuda' where torch sees a GPU, else 'cpu'."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def evaluate_adapter(base_model: str, adapter: Path, data_dir: Path, settings: TrainSettings,
                     max_rows: int = 48, samples: int = 3, device: str | None = None) -> EvalReport:
    """Perplexity of base and adapter on each split (training rows sampled to `max_rows`)."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from backends import resolve_model
    from backends.hf_folder import hf_source
    from trainer.engines.data import load_packed, read_conversations
    from trainer.engines.peft_engine import evaluate

    src = hf_source(resolve_model(base_model))
    tok = AutoTokenizer.from_pretrained(src)
    device = device or eval_device()
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32),
                                      adapter / "peft").to(device)
    report = EvalReport(adapter.name, device=device)
    for name, file in SPLITS.items():
        rows = load_packed(data_dir / file, tok, settings.max_len)
        rows = random.Random(0).sample(rows, min(len(rows), max_rows))
        if rows:
            report.rows[name] = (evaluate(model, rows, settings, device, adapter=False),
                                 evaluate(model, rows, settings, device), len(rows))
    for conv in read_conversations(data_dir / "eval.jsonl")[:samples]:
        prompt = conv[:-1]
        report.samples.append((prompt[-1]["content"], _generate(model, tok, prompt, False),
                               _generate(model, tok, prompt, True)))
    return report


def _generate(model, tok, messages: list[dict], adapter: bool) -> str:
    import contextlib

    import torch

    ids = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                  return_dict=True).to(model.device)
    ctx = contextlib.nullcontext() if adapter else model.disable_adapter()
    with torch.no_grad(), ctx:
        out = model.generate(**ids, max_new_tokens=60, do_sample=False, repetition_penalty=1.1,
                             pad_token_id=tok.eos_token_id)
    return tok.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True).strip()

"""Useful (non-pad) training tokens/s: brain's peft engine vs the classic recipe, same data.

brain:   examples packed into rows (position_ids restart per example, block-diagonal attention),
         LoRA on all linear layers, bf16 where the hardware has it.
classic: each example padded to 1024 tokens, batch 1, LoRA on q_proj/v_proj only
         (the recipe of the original "train on my notes" tutorials).
Both run the same number of warm-up and timed optimizer steps over the same examples on the
same machine, in one process; only non-pad tokens count. On CUDA it also prints the MFU
estimate 4 x params x tokens/s / peak (LoRA on frozen weights: ~4N FLOPs per token).

    .venv/bin/python bench/train_throughput.py                      # CPU, bundled SmolLM2-135M
    python bench/train_throughput.py --llama-1b --steps 20          # GPU, Llama-3.2-1B-shaped random init
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trainer.engines.base import LoraSettings, TrainSettings  # noqa: E402

PEAK_BF16 = {"H100": 989e12, "H200": 989e12}  # dense bf16 datasheet figures (FLOP/s)


def examples(vault: Path, n: int) -> list[list[dict]]:
    """Conversations from a vault through brain's own dataset builder."""
    from trainer.data.dataset import build_examples
    from trainer.vault.index import Index
    from trainer.vault.scan import scan_vault

    with tempfile.TemporaryDirectory() as tmp, Index.open(Path(tmp) / "i.db") as index:
        scan_vault(vault, index)
        ds = build_examples(list(index.notes()))
    convs = [list(e.messages) for e in ds.train]
    random.Random(0).shuffle(convs)
    return (convs * math.ceil(n / len(convs)))[:n]


def llama_1b_folder(tok_src: str, out: Path) -> str:
    """A Llama-3.2-1B-shaped model with random weights (no download), SmolLM2's tokenizer."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    cfg = LlamaConfig(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32,
                      num_key_value_heads=8, vocab_size=128256, max_position_embeddings=8192, tie_word_embeddings=True,
                      rope_theta=500000.0)
    with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
        model = LlamaForCausalLM(cfg).to(torch.bfloat16)
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(tok_src).save_pretrained(out)
    return str(out)


def load(src: str, lora: LoraSettings, device: str):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(src, dtype=dtype).to(device)
    model.config.use_cache = False
    return get_peft_model(model, LoraConfig(r=lora.rank, lora_alpha=lora.alpha, lora_dropout=0.0,
                                            target_modules=lora.targets, task_type="CAUSAL_LM"))


def run_brain(src, tok, convs, st: TrainSettings, device: str, warmup: int, steps: int) -> tuple[float, float]:
    from trainer.engines import peft_engine as pe
    from trainer.engines.data import n_targets
    from trainer.data.tokenize import pack, tokenize_example

    rows = pack((tokenize_example(c, tok, st.max_len) for c in convs), st.max_len)
    model = load(src, st.lora, device)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = __import__("torch").optim.AdamW(params, lr=1e-4)
    bf16 = pe.precision(st, device) == "bf16"
    useful, elapsed = 0, 0.0
    for step, micro in enumerate(pe.batches(rows, st, warmup + steps, 0)):
        t0 = _sync_time(device)
        n_items = sum(n_targets(r) for mb in micro for r in mb)
        for mb in micro:
            pe.forward_loss(model, mb, n_items, device, bf16, backward=True)
        opt.step()
        opt.zero_grad(set_to_none=True)
        if step >= warmup:
            elapsed += _sync_time(device) - t0
            useful += sum(len(r.input_ids) for mb in micro for r in mb)
    return useful / elapsed, _params(model)


def run_classic(src, tok, convs, device: str, bf16: bool, warmup: int, steps: int, pad_to: int = 1024) -> float:
    """Each example alone, padded to `pad_to`, batch 1, LoRA q/v; counts non-pad tokens.
    Same precision as brain's run, so the ratio measures the recipe, not the number format."""
    import torch

    from trainer.data.tokenize import tokenize_example

    model = load(src, LoraSettings(rank=16, alpha=32, targets=["q_proj", "v_proj"]), device)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    useful, elapsed = 0, 0.0
    for step in range(warmup + steps):
        t = tokenize_example(convs[step % len(convs)], tok, pad_to)
        n = len(t.input_ids)
        ids = torch.tensor([t.input_ids + [tok.pad_token_id or 0] * (pad_to - n)], device=device)
        mask = torch.tensor([[1] * n + [0] * (pad_to - n)], device=device)
        labels = torch.tensor([t.labels + [-100] * (pad_to - n)], device=device)
        t0 = _sync_time(device)
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=bf16 and device == "cpu"):
            model(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if step >= warmup:
            elapsed += _sync_time(device) - t0
            useful += n
    return useful / elapsed


def _sync_time(device: str) -> float:
    if device == "cuda":
        __import__("torch").cuda.synchronize()
    return time.perf_counter()


def _params(model) -> float:
    return sum(p.numel() for p in model.parameters())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vault", type=Path, default=Path(__file__).resolve().parents[1] / "tui" / "demo-vault")
    ap.add_argument("--steps", type=int, default=8, help="timed optimizer steps per recipe")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--max-len", type=int, default=1024, help="brain's packed row length")
    ap.add_argument("--rows-per-step", type=int, default=1)
    ap.add_argument("--micro-batch", type=int, default=1)
    ap.add_argument("--llama-1b", action="store_true", help="Llama-3.2-1B-shaped random-init model (for a GPU)")
    ap.add_argument("--tokenizer", help="tokenizer folder for --llama-1b where the bundled model is absent")
    ap.add_argument("--repeats", type=int, default=1, help="alternate the two recipes this many times; medians")
    args = ap.parse_args()

    import torch
    from transformers import AutoTokenizer

    from backends import resolve_model
    from backends.hf_folder import hf_source
    from trainer.engines.peft_engine import precision

    device = "cuda" if torch.cuda.is_available() else "cpu"
    src = args.tokenizer if args.tokenizer and args.llama_1b else hf_source(resolve_model("default"))
    tmp = tempfile.TemporaryDirectory()
    if args.llama_1b:
        src = llama_1b_folder(src, Path(tmp.name) / "llama-1b")
    tok = AutoTokenizer.from_pretrained(src)
    st = TrainSettings(max_len=args.max_len, rows_per_step=args.rows_per_step, micro_batch=args.micro_batch)
    convs = examples(args.vault, 4000)
    brain, classic = [], []
    for _ in range(args.repeats):
        tps, n_params = run_brain(src, tok, convs, st, device, args.warmup, args.steps)
        brain.append(tps)
        bf16 = precision(st, device) == "bf16"
        classic.append(run_classic(src, tok, convs, device, bf16, args.warmup, args.steps * args.rows_per_step))
    b, c = statistics.median(brain), statistics.median(classic)
    name = torch.cuda.get_device_name(0) if device == "cuda" else f"CPU, {torch.get_num_threads()} threads"
    print(f"device {name}; model {'Llama-3.2-1B-shaped (random)' if args.llama_1b else 'SmolLM2-135M'} "
          f"({n_params / 1e6:.0f}M params); brain rows of {args.max_len}, {args.rows_per_step} rows/step, "
          f"micro-batch {args.micro_batch}; precision {precision(st, device)}")
    print(f"brain   {b:10.0f} useful tokens/s   (runs: {', '.join(f'{x:.0f}' for x in brain)})")
    print(f"classic {c:10.0f} useful tokens/s   (runs: {', '.join(f'{x:.0f}' for x in classic)})")
    print(f"ratio brain/classic = {b / c:.2f}x  (goal on CPU >= 1.5x)")
    if device == "cuda":
        peak = next((v for k, v in PEAK_BF16.items() if k in name), 989e12)
        print(f"MFU brain = {4 * n_params * b / peak * 100:.1f}%  classic = {4 * n_params * c / peak * 100:.1f}% "
              f"(4 x params x tokens/s / {peak / 1e12:.0f} TFLOP/s dense bf16)")


if __name__ == "__main__":
    main()

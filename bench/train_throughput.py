"""Useful (non-pad) training tokens/s of brain's peft engine against the best off-the-shelf stack
and the classic recipe, same data, same model, one process, one run.

brain:     the engine's own step (trainer.engines.peft_engine.forward_loss): on CUDA the fast
           path (fused compiled Llama layers, flex attention with a document BlockMask, loss on
           target rows only, chunked/Liger linear cross-entropy); micro-batch as the engine picks it.
anchor:    Hugging Face + peft, the same packed rows (position_ids restart per example),
           attn_implementation="flex_attention" and Liger Kernel (fused linear cross-entropy,
           RMSNorm, SwiGLU, RoPE) patched in: what a user gets from flipping the public switches.
classic:   each example padded to 1024 tokens, batch 1, LoRA on q_proj/v_proj only.
All three: LoRA r16 (alpha 32, no dropout), bf16 on CUDA, AdamW, the same warm-up and timed
optimizer steps; only non-pad tokens count. MFU = 4 x params x tokens/s / 989 TFLOP/s (LoRA on
frozen weights: forward 2N, backward to the activations 2N FLOPs per token). Peak memory is
torch.cuda.max_memory_allocated over the recipe. The step-1 loss of brain and the anchor is
printed too: same weights, same rows, so they must agree to bf16 rounding.

    .venv/bin/python bench/train_throughput.py                          # CPU, bundled SmolLM2-135M
    python3 bench/train_throughput.py --shape 1b 3b --tokenizer .device/tokenizer   # GPU
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trainer.engines.base import LoraSettings, TrainSettings  # noqa: E402

PEAK_BF16 = 989e12  # dense bf16 datasheet figure of the H100/H200 (FLOP/s)
SHAPES = {  # Llama-3.2 shapes (random weights, no download)
    "1b": dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32,
               num_key_value_heads=8),
    "3b": dict(hidden_size=3072, intermediate_size=8192, num_hidden_layers=28, num_attention_heads=24,
               num_key_value_heads=8),
}


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


def llama_folder(shape: str, tok_src: str, out: Path) -> str:
    """A Llama-3.2-shaped model with random weights, SmolLM2's tokenizer (vocab 128256 as Llama's)."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    cfg = LlamaConfig(**SHAPES[shape], vocab_size=128256, max_position_embeddings=8192, tie_word_embeddings=True,
                      rope_theta=500000.0)
    torch.manual_seed(0)
    with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
        model = LlamaForCausalLM(cfg).to(torch.bfloat16)
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(tok_src).save_pretrained(out)
    del model
    return str(out)


def load(src: str, lora: LoraSettings, device: str, attn: str | None = None):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    kw = {"attn_implementation": attn} if attn else {}
    model = AutoModelForCausalLM.from_pretrained(src, dtype=dtype, **kw).to(device)
    model.config.use_cache = False
    torch.manual_seed(0)
    return get_peft_model(model, LoraConfig(r=lora.rank, lora_alpha=lora.alpha, lora_dropout=0.0,
                                            target_modules=lora.targets, task_type="CAUSAL_LM"))


def packed_steps(rows, st: TrainSettings, steps: int):
    from trainer.engines import peft_engine as pe

    return list(pe.batches(rows, st, steps, 0))


def time_packed(model, steps_rows, device: str, warmup: int, bf16: bool) -> tuple[float, float]:
    """Run the engine's own micro-step over the steps; (useful tokens/s after warm-up, step-1 loss)."""
    import torch

    from trainer.engines import peft_engine as pe
    from trainer.engines.data import n_targets

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4)
    model.train()
    useful, elapsed, first = 0, 0.0, None
    for step, micro in enumerate(steps_rows):
        t0 = _sync_time(device)
        n_items = sum(n_targets(r) for mb in micro for r in mb)
        loss = sum(pe.forward_loss(model, mb, n_items, device, bf16, backward=True) for mb in micro)
        first = loss if first is None else first
        opt.step()
        opt.zero_grad(set_to_none=True)
        if step >= warmup:
            elapsed += _sync_time(device) - t0
            useful += sum(len(r.input_ids) for mb in micro for r in mb)
    global PROFILE
    if PROFILE and device == "cuda":
        PROFILE = False  # the first recipe only (brain)
        profile_step(model, steps_rows[-1], device, bf16)
    return useful / elapsed, first


PROFILE = False
TRACE = None


def profile_step(model, micro, device: str, bf16: bool) -> None:
    """One more step under torch.profiler: where the GPU time goes, top kernels first, and how
    much of the step's wall time the GPU was busy at all (the rest is host work it waited for)."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    from trainer.engines import peft_engine as pe
    from trainer.engines.data import n_targets

    n_items = sum(n_targets(r) for mb in micro for r in mb)
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        t0 = time.perf_counter()
        for mb in micro:
            pe.forward_loss(model, mb, n_items, device, bf16, backward=True)
        torch.cuda.synchronize()
        wall = time.perf_counter() - t0
    events = prof.key_averages()
    print(events.table(sort_by="self_cuda_time_total", row_limit=40, max_name_column_width=90))
    kernels = [e for e in prof.events() if e.device_type.name == "CUDA"]
    busy = _union_us([(e.time_range.start, e.time_range.end) for e in kernels])
    print(f"profiled micro-steps: wall {wall * 1e3:.1f} ms (under the profiler), GPU busy {busy / 1e3:.1f} ms "
          f"({busy / 1e3 / (wall * 1e3) * 100:.0f}%), {len(kernels)} kernels")
    if TRACE:
        prof.export_chrome_trace(TRACE)


def _union_us(spans) -> float:
    total, end = 0.0, None
    for a, b in sorted(spans):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def run_brain(src, rows, st: TrainSettings, device: str, warmup: int, steps: int, variant: str = ""):
    """The engine's own step; variant "k=v,k=v" sets trainer.engines.fastpath.OPTIONS first."""
    from trainer.engines import fastpath
    from trainer.engines import peft_engine as pe
    from trainer.engines.distributed import World

    saved = dict(fastpath.OPTIONS)
    for kv in filter(None, variant.split(",")):
        k, v = kv.split("=", 1)
        fastpath.OPTIONS[k] = {"0": False, "1": True, "none": None}.get(v, v)
    if variant:
        import torch

        fastpath._COMPILED.clear()
        torch._dynamo.reset()
    try:
        model = load(src, st.lora, device)
        st, path = pe.fast_setup(model, st, device, pe.FAST_MIN_STEPS, World())
        tps, first = time_packed(model, packed_steps(rows, st, warmup + steps), device, warmup,
                                 pe.precision(st, device) == "bf16")
    finally:
        fastpath.OPTIONS.update(saved)
        if variant:
            fastpath._COMPILED.clear()
    return tps, first, _params(model), f"{path} path, micro-batch {st.micro_batch} {variant}", st.micro_batch


def run_anchor(src, rows, st: TrainSettings, device: str, warmup: int, steps: int):
    """HF + peft + flex attention + Liger Kernel, fed the same packed micro-batches."""
    from liger_kernel.transformers import apply_liger_kernel_to_llama

    from trainer.engines import peft_engine as pe

    apply_liger_kernel_to_llama()  # patches the transformers classes: keep this recipe last
    model = load(src, st.lora, device, attn="flex_attention")
    return time_packed(model, packed_steps(rows, st, warmup + steps), device, warmup,
                       pe.precision(st, device) == "bf16")


def run_classic(src, tok, convs, device: str, bf16: bool, warmup: int, steps: int, pad_to: int = 1024) -> float:
    """Each example alone, padded to `pad_to`, batch 1, LoRA q/v; counts non-pad tokens."""
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


def measured(fn, device: str):
    """fn()'s result and the peak memory it took (GiB; None on the CPU), freeing what it left."""
    import torch

    if device == "cuda":
        gc.collect()
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    out = fn()
    peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else None
    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()
    return out, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vault", type=Path, default=Path(__file__).resolve().parents[1] / "tui" / "demo-vault")
    ap.add_argument("--steps", type=int, default=8, help="timed optimizer steps per recipe")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first (torch.compile happens here)")
    ap.add_argument("--max-len", type=int, default=None, help="packed row length (CPU 1024, GPU 2048)")
    ap.add_argument("--rows-per-step", type=int, default=None, help="rows per optimizer step (CPU 1, GPU 8)")
    ap.add_argument("--micro-batch", type=int, default=0, help="rows per forward (0 = the engine's choice)")
    ap.add_argument("--shape", nargs="*", default=[], choices=sorted(SHAPES),
                    help="Llama-3.2-shaped random-init models (GPU); none: the bundled SmolLM2-135M")
    ap.add_argument("--recipes", nargs="*", default=["brain", "anchor", "classic"])
    ap.add_argument("--tokenizer", help="tokenizer folder for --shape where the bundled model is absent")
    ap.add_argument("--profile", action="store_true", help="print a kernel profile of one brain step")
    ap.add_argument("--trace", help="with --profile: write the step's Chrome trace here")
    ap.add_argument("--variants", nargs="*", default=[],
                    help="more brain runs with fast-path options, e.g. fold=0 mode=max-autotune-no-cudagraphs")
    ap.add_argument("--options", default="", help="fast-path options for every brain run, e.g. fold=0")
    args = ap.parse_args()
    global PROFILE, TRACE
    PROFILE, TRACE = args.profile, args.trace
    from trainer.engines import fastpath

    for kv in filter(None, args.options.split(",")):
        k, v = kv.split("=", 1)
        fastpath.OPTIONS[k] = {"0": False, "1": True, "none": None}.get(v, v)

    import torch
    from transformers import AutoTokenizer

    from backends import resolve_model
    from backends.hf_folder import hf_source
    from trainer.data.tokenize import pack, tokenize_example
    from trainer.engines.peft_engine import precision

    device = "cuda" if torch.cuda.is_available() else "cpu"
    gpu = device == "cuda"
    st = TrainSettings(max_len=args.max_len or (2048 if gpu else 1024),
                       rows_per_step=args.rows_per_step or (8 if gpu else 1), micro_batch=args.micro_batch,
                       lora=LoraSettings(rank=16, alpha=32, dropout=0.0))
    if not gpu:
        st.micro_batch = st.micro_batch or 1
    tok_src = args.tokenizer or hf_source(resolve_model("default"))
    convs = examples(args.vault, 4000)
    tmp = tempfile.TemporaryDirectory()
    table = []
    for shape in args.shape or ["smollm2"]:
        src = llama_folder(shape, tok_src, Path(tmp.name) / shape) if shape != "smollm2" else tok_src
        tok = AutoTokenizer.from_pretrained(src)
        rows = pack((tokenize_example(c, tok, st.max_len) for c in convs), st.max_len)
        res = {}
        if "brain" in args.recipes:
            (b, b_loss, n_params, how, micro), mem = measured(
                lambda: run_brain(src, rows, st, device, args.warmup, args.steps), device)
            res["brain"] = (b, mem, how, b_loss)
            print(f"[{shape}] brain {b:,.0f} tok/s, peak {mem or 0:.1f} GiB, step-1 loss {b_loss:.4f}", flush=True)
            st_used = TrainSettings(**{**st.__dict__, "micro_batch": micro})
        else:
            st_used, n_params = TrainSettings(**{**st.__dict__, "micro_batch": st.micro_batch or 8}), None
        for variant in args.variants:
            profile, PROFILE = PROFILE, False
            try:
                (v, v_loss, *_), mem = measured(
                    lambda: run_brain(src, rows, st, device, args.warmup, args.steps, variant), device)
                res[f"brain[{variant}]"] = (v, mem, "fast path, " + variant, v_loss)
                print(f"[{shape}] brain[{variant}] {v:,.0f} tok/s, peak {mem or 0:.1f} GiB", flush=True)
            except Exception as e:  # noqa: BLE001 - one variant failing leaves the others' figures
                import traceback

                traceback.print_exc()
                print(f"variant {variant} failed: {e!r}", flush=True)
            PROFILE = profile
        if "classic" in args.recipes:
            c, mem = measured(lambda: run_classic(src, tok, convs, device, precision(st, device) == "bf16",
                                                  args.warmup, args.steps * st.rows_per_step), device)
            res["classic"] = (c, mem, "pad to 1024, batch 1, LoRA q/v", None)
        if "anchor" in args.recipes and gpu:
            (a, a_loss), mem = measured(lambda: run_anchor(src, rows, st_used, device, args.warmup, args.steps),
                                        device)
            res["anchor"] = (a, mem, f"HF+peft+flex+Liger, micro-batch {st_used.micro_batch}", a_loss)
            print(f"[{shape}] anchor {a:,.0f} tok/s, peak {mem or 0:.1f} GiB, step-1 loss {a_loss:.4f}", flush=True)
        table.append((shape, n_params, res))
        report(table[-1], device, st)
        del rows
    tmp.cleanup()


def report(entry, device: str, st: TrainSettings) -> None:
    import torch

    shape, n_params, res = entry
    name = torch.cuda.get_device_name(0) if device == "cuda" else f"CPU, {torch.get_num_threads()} threads"
    n = n_params or 0
    print(f"\n## {shape} ({n / 1e6:.0f}M params) on {name}; rows of {st.max_len}, {st.rows_per_step} rows/step")
    print("| recipe | useful tokens/s | MFU (4NT) | peak memory | step-1 loss | how |")
    print("| --- | --- | --- | --- | --- | --- |")
    for key, (tps, mem, how, loss) in res.items():
        mfu = f"{4 * n * tps / PEAK_BF16 * 100:.1f}%" if device == "cuda" and n else "-"
        mem_s = f"{mem:.1f} GiB" if mem is not None else "-"
        loss_s = f"{loss:.4f}" if loss is not None else "-"
        print(f"| {key} | {tps:,.0f} | {mfu} | {mem_s} | {loss_s} | {how} |")
    for mine in [k for k in res if k.startswith("brain")]:
        for other in ("anchor", "classic"):
            if other in res:
                print(f"ratio {mine}/{other} = {res[mine][0] / res[other][0]:.2f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

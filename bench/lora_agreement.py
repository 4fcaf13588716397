"""Agreement of llama.cpp + exported GGUF LoRA with transformers + peft, on the bundled SmolLM2.

Builds a peft LoRA on the dequantized bundled model (random B, so it really changes the output;
or pass --peft to use a trained adapter), exports it with trainer.adapters.export_gguf, and runs the same
token ids through both engines with and without it. Prints the figures of
trainer.adapters.lora_agreement.Agreement and the export time.

    .venv/bin/python bench/lora_agreement.py                     # all-linear, r 8, alpha 16, B ~ N(0, 0.1)
    .venv/bin/python bench/lora_agreement.py --targets q_proj,k_proj --rslora
    .venv/bin/python bench/lora_agreement.py --dtype f32                         # the lora.gguf in f32
    .venv/bin/python bench/lora_agreement.py --peft ~/.local/share/brain/vaults/x/adapters/v0001/peft
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backends.hf_folder import hf_folder_from_gguf
from backends.models import bundled_gguf
from trainer.adapters.export_gguf import export_gguf_lora
from trainer.adapters.lora_agreement import measure_agreement, random_lora, sample_ids


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--peft", type=Path, help="an existing peft adapter folder (default: a random LoRA)")
    p.add_argument("--targets", default="all-linear", help="comma-separated modules, or all-linear")
    p.add_argument("--rank", type=int, default=8)
    p.add_argument("--alpha", type=float, default=16.0)
    p.add_argument("--b-std", type=float, default=0.1, help="std of the random lora_B entries")
    p.add_argument("--rslora", action="store_true", help="peft scale alpha/sqrt(r) instead of alpha/r")
    p.add_argument("--positions", type=int, default=300, help="token positions compared")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", choices=("f16", "f32"), default="f16", help="lora.gguf tensor type")
    args = p.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    base = bundled_gguf()
    hf_dir = hf_folder_from_gguf(base)
    work = Path(tempfile.mkdtemp(prefix="brain-agreement-"))
    try:
        version = work / "v0001"
        if args.peft:
            shutil.copytree(args.peft, version / "peft")
        else:
            targets = args.targets if args.targets == "all-linear" else args.targets.split(",")
            random_lora(hf_dir, version / "peft", rank=args.rank, alpha=args.alpha, b_std=args.b_std,
                        seed=args.seed, targets=targets, use_rslora=args.rslora)
        start = time.perf_counter()
        out = export_gguf_lora(version / "peft", base, version / "lora.gguf", dtype=args.dtype)
        took = time.perf_counter() - start
        ids = sample_ids(hf_dir, limit=args.positions)
        result = measure_agreement(hf_dir, base, version, ids, n_threads=args.threads)
    finally:
        size = (work / "v0001" / "lora.gguf").stat().st_size if (work / "v0001" / "lora.gguf").exists() else 0
        shutil.rmtree(work, ignore_errors=True)
    what = f"peft adapter {args.peft}" if args.peft else (
        f"random LoRA: targets {args.targets}, r {args.rank}, alpha {args.alpha}, B std {args.b_std}"
        f"{', rsLoRA' if args.rslora else ''}")
    print(f"base model                      {base.name}")
    print(f"adapter                         {what}")
    print(f"export                          {took:.2f} s, {size / 1e6:.1f} MB ({out.name}, {args.dtype})")
    print(result.report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

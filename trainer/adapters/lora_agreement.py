"""Does llama.cpp with the exported GGUF LoRA compute what transformers + peft computes?

A converted adapter can load without error and still be wrong: q/k rows in the wrong rope order,
a scale off by the rank, A and B mixed up (mlx-lm lost adapters silently in #1564 and #654).
So we run the same token ids through both engines, with and without the adapter, and compare:
- top-1 next-token agreement, base and adapted. The base GGUF is Q4_1 and transformers runs the
  same weights dequantized to fp32, so even the base agrees highly but not fully (llama.cpp
  also quantizes activations for its Q4_1 matmuls);
- how much the adapter moves llama.cpp's output (top-1 changes vs base), so "agrees" cannot
  mean "the adapter was silently ignored";
- the adapter's own effect, logits(adapted) - logits(base), in both engines: correlation and
  least-squares slope (1.0 = same direction and strength). Quantization noise mostly cancels in
  this difference, so it is the sharpest test of the export itself.

Heavy imports (torch, transformers, peft, llama_cpp) happen inside the functions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

SAMPLE_TEXT = (
    "I keep my notes in plain markdown files, one idea per note, linked by topic. On Sundays I "
    "review the week: what I decided, why, and what I would do differently. Last spring I "
    "decided to sell the car and cycle to work; the reasons were cost, health and the short "
    "commute, and I still think it was right, although winter mornings are hard. I read slowly "
    "and write summaries in my own words, because copying quotes teaches me nothing. When a "
    "project stalls, I write down the next physical action and the smallest version of it. "
    "Questions I keep returning to: how to spend attention, which habits compound, and when to "
    "stop optimising and simply start. My rule for meetings is an agenda, a decision and a note.\n\n"
    "## Garden log\n"
    "- March: sowed tomatoes and basil indoors; the seedlings stretched, so next year more light.\n"
    "- May: planted out after the last frost, mulched with straw, watered every second evening.\n"
    "- August: too many courgettes again. Gave half away; pickled the rest with dill and garlic.\n\n"
    "Why did I decide to learn Mandarin? Partly for my grandmother's letters, partly because a "
    "hard language forces a routine: twenty minutes each morning, flashcards on the train, one "
    "conversation class a week. Progress is slow but visible when I reread last year's notes. "
    "What would I tell myself ten years ago? Save earlier, sleep more, write things down, and "
    "trust that small daily work adds up to more than occasional heroic effort."
)


@dataclass(frozen=True)
class Agreement:
    positions: int
    base_top1: float  # transformers fp32 vs llama.cpp Q4_1, no adapter
    adapter_top1: float  # transformers + peft vs llama.cpp + GGUF LoRA
    llama_changed: float  # share of positions whose llama.cpp top-1 the adapter changed
    peft_changed: float  # the same share under transformers + peft
    delta_corr: float  # correlation of the adapter's logit change, llama.cpp vs peft
    delta_slope: float  # least-squares slope of llama.cpp's change on peft's (1 = same strength)

    def report(self) -> str:
        return (
            f"positions                       {self.positions}\n"
            f"top-1 agreement, base           {self.base_top1:.1%}  (transformers fp32 vs llama.cpp Q4_1)\n"
            f"top-1 agreement, adapter        {self.adapter_top1:.1%}  (transformers+peft vs llama.cpp+GGUF LoRA)\n"
            f"top-1 changed by the adapter    {self.llama_changed:.1%} in llama.cpp, {self.peft_changed:.1%} in peft\n"
            f"adapter effect on logits        correlation {self.delta_corr:.4f}, slope {self.delta_slope:.3f}"
        )

    def as_dict(self) -> dict:
        return asdict(self)


def compare(hf_base: np.ndarray, hf_lora: np.ndarray, cpp_base: np.ndarray, cpp_lora: np.ndarray) -> Agreement:
    """Figures from four (positions, vocab) logit arrays over the same token ids."""
    top = lambda logits: logits.argmax(-1)
    dh, dc = (hf_lora - hf_base).ravel(), (cpp_lora - cpp_base).ravel()
    norm = float(dh @ dh)
    corr = float(np.corrcoef(dh, dc)[0, 1]) if norm and float(dc @ dc) else float("nan")
    return Agreement(
        positions=len(hf_base),
        base_top1=float((top(hf_base) == top(cpp_base)).mean()),
        adapter_top1=float((top(hf_lora) == top(cpp_lora)).mean()),
        llama_changed=float((top(cpp_lora) != top(cpp_base)).mean()),
        peft_changed=float((top(hf_lora) != top(hf_base)).mean()),
        delta_corr=corr,
        delta_slope=float(dh @ dc) / norm if norm else float("nan"),
    )


def measure_agreement(hf_dir: Path, base_gguf: Path, version_dir: Path, ids: list[int],
                      n_threads: int = 0) -> Agreement:
    """Compare engines on `ids`; `version_dir` holds `peft/` and `lora.gguf` (an adapter version)."""
    hf_base, hf_lora = hf_logits(hf_dir, version_dir / "peft", ids)
    cpp_base, cpp_lora = llamacpp_logits(base_gguf, version_dir, ids, n_threads)
    return compare(hf_base, hf_lora, cpp_base, cpp_lora)


def sample_ids(hf_dir: Path, text: str = SAMPLE_TEXT, limit: int = 300) -> list[int]:
    """Token ids of `text` (the base model's tokenizer), at most `limit` of them."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(hf_dir)(text)["input_ids"][:limit]


def hf_logits(hf_dir: Path, peft_dir: Path, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(base, adapted) logits from transformers in fp32, peft adapter on and off."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32)
    model = PeftModel.from_pretrained(model, peft_dir).eval()
    x = torch.tensor([ids])
    with torch.no_grad():
        adapted = model(x).logits[0].float().numpy()
        with model.disable_adapter():
            base = model(x).logits[0].float().numpy()
    return base, adapted


def llamacpp_logits(base_gguf: Path, version_dir: Path, ids: list[int], n_threads: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(base, adapted) logits from llama.cpp, the adapter attached by the chat backend's own code.

    The backend builds its Llama without `logits_all`, so we build one that keeps every
    position's logits and hand it to LlamaCppBackend, whose `set_adapter` then attaches the
    version exactly as the chat does. verbose=False silences llama.cpp by redirecting file
    descriptors: fine here (a command or a test), never inside the running TUI."""
    from backends.llamacpp import LlamaCppBackend
    from backends.llamacpp_cpu import new_llama

    backend = LlamaCppBackend(n_threads=n_threads)
    n_ctx = max(64, len(ids))
    llm = new_llama(model_path=str(base_gguf), n_ctx=n_ctx, n_batch=n_ctx, n_threads=backend.n_threads,
                    logits_all=True, verbose=False)
    backend._llm = llm
    try:
        base = _eval(llm, ids)
        backend.set_adapter(version_dir)
        adapted = _eval(llm, ids)
    finally:
        backend.close()
    return base, adapted


def _eval(llm, ids: list[int]) -> np.ndarray:
    llm.reset()
    llm.eval(ids)
    return np.array(llm.scores[: len(ids)], dtype=np.float32)


def random_lora(hf_dir: Path, out: Path, *, rank: int = 8, alpha: float = 16.0, b_std: float = 0.1,
                seed: int = 0, targets: str | list[str] = "all-linear", use_rslora: bool = False) -> Path:
    """A peft LoRA with random, non-zero B (a fresh LoRA has B = 0 and changes nothing), saved to
    `out`: a known adapter for checking an export path without training one."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)  # lora_A's init draws from the global generator
    model = AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32)
    config = LoraConfig(r=rank, lora_alpha=alpha, target_modules=targets, lora_dropout=0.0, use_rslora=use_rslora)
    model = get_peft_model(model, config)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.normal_(0.0, b_std, generator=gen)
    model.save_pretrained(out)
    return out

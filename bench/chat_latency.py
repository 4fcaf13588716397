"""First-token latency and tokens/s: brain's chat path vs raw llama-cpp-python.

Same model file, prompt, threads, sampling (greedy) and max tokens, in one process, alternating
runs so both see the same machine state. Prints medians and the ratios the goal is stated in:
brain tokens/s >= 0.95x raw, brain first token <= 1.1x raw. Both paths load with the same
llama.cpp weight layout (`--repack`: auto = off only where llama.cpp was built with AMX, whose
kernels crash; see backends/llamacpp_cpu.py); the mode and llama.cpp's CPU report are printed.

    .venv/bin/python bench/chat_latency.py --runs 5 --threads 2
    .venv/bin/python bench/chat_latency.py --repack off   # vs on, on a llama.cpp without AMX
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backends import GenOpts, Message  # noqa: E402
from backends.llamacpp_cpu import ENV, new_llama, repack_mode, system_info  # noqa: E402
from backends.models import bundled_gguf  # noqa: E402
from tui.config import Config  # noqa: E402
from tui.session import ChatSession  # noqa: E402

PROMPT = "Explain in a few sentences why plain markdown files are a good home for personal notes."


def timed(deltas) -> tuple[float, float, int]:
    """(first-token seconds, decode tokens/s after the first, chunks) of one streamed reply."""
    start = time.perf_counter()
    first = None
    n = 0
    for _ in deltas:
        n += 1
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    return first - start, (n - 1) / (end - first) if n > 1 else 0.0, n


def raw_stream(llm, max_tokens: int):
    for chunk in llm.create_chat_completion(messages=[{"role": "user", "content": PROMPT}], stream=True,
                                            temperature=0.0, max_tokens=max_tokens, repeat_penalty=1.1):
        if chunk["choices"][0]["delta"].get("content"):
            yield chunk


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--repack", choices=["auto", "on", "off"], default="auto",
                    help="llama.cpp extra buffer types (weight repacking) for both paths")
    args = ap.parse_args()
    os.environ[ENV] = args.repack

    import llama_cpp

    cfg = Config()
    cfg.backend.n_threads = args.threads
    cfg.backend.n_ctx = 2048
    session = ChatSession(cfg)
    session.load()
    raw = new_llama(model_path=str(bundled_gguf()), n_ctx=2048, n_threads=args.threads, verbose=False)
    opts = GenOpts(temperature=0.0, max_tokens=args.max_tokens, system_prompt="", repeat_penalty=1.1)
    question = [Message("user", PROMPT)]
    results: dict[str, list[tuple[float, float, int]]] = {"raw": [], "brain": []}
    for i in range(args.runs + 1):  # the first round warms up both and is dropped
        raw.reset()  # no prompt-cache hits: each run processes the whole prompt
        session.backend._llm.reset()
        r = timed(raw_stream(raw, args.max_tokens))
        b = timed(session.stream(question, opts))
        if i:
            results["raw"].append(r)
            results["brain"].append(b)
    med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v),
               statistics.median(x[2] for x in v)) for k, v in results.items()}
    print(f"llama-cpp-python {llama_cpp.__version__}: {system_info()}")
    print(f"extra buffer types (repack): {repack_mode().label()}")
    print(f"model {bundled_gguf().name}, threads {args.threads}, {args.runs} runs, max_tokens {args.max_tokens}")
    print(f"{'path':<8}{'first token (ms)':>18}{'tokens/s':>10}{'tokens':>8}")
    for k, (ft, tps, n) in med.items():
        print(f"{k:<8}{ft * 1000:>18.1f}{tps:>10.1f}{n:>8.0f}")
    print(f"ratio tokens/s brain/raw = {med['brain'][1] / med['raw'][1]:.3f}  (goal >= 0.95)")
    print(f"ratio first token brain/raw = {med['brain'][0] / med['raw'][0]:.3f}  (goal <= 1.10)")


if __name__ == "__main__":
    main()

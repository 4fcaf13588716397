"""Chat speed while the adapter refreshes, and what the chat costs the refresh, in one run.

The default chat path (ChatSession -> llama.cpp, bundled SmolLM2-135M Q4_1, EOS banned so every
reply has the same length, greedy, prompt cache reset before each reply) measured:
  1. idle: --messages replies before the refreshes and as many after (medians of both);
  2. a refresh alone: a real training child (`python -m trainer.run`, peft on the CPU) on the
     demo vault's examples, to the end (its total time and training tokens/s);
  3. the same refresh with ONE chat reply answered during it (after its first step);
  4. the same refresh with a chat reply every --gap seconds while it trains: the chat's
     first-token latency and tokens/s during training, and the training's tokens/s.
Prints medians and the ratios the goals are stated in (issue 14): chat tokens/s while a refresh
trains >= 0.5x idle, first token <= 2x idle, refresh total <= 1.5x with one reply during it.
--adapter also measures idle chat with the refresh's adapter, as f32 and as f16 lora.gguf.
The machine may be shared: run it twice and compare before believing a figure.

    .venv/bin/python bench/chat_during_training.py --messages 5 --steps 6
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("BRAIN_HOME", tempfile.mkdtemp(prefix="brain-bench-"))  # markers, no real adapters

from backends import GenOpts, Message  # noqa: E402
from backends import foreground  # noqa: E402
from trainer.engines.base import TrainEvent, TrainJob, TrainSettings  # noqa: E402
from trainer.engines.runner import TrainRun  # noqa: E402
from tui.config import DEMO_VAULT, Config  # noqa: E402
from tui.session import ChatSession  # noqa: E402

PROMPT = "Explain in a few sentences why plain markdown files are a good home for personal notes."


class Chat:
    """The default chat session with EOS banned, so every reply is exactly max_tokens long."""

    def __init__(self, max_tokens: int) -> None:
        self.session = ChatSession(Config())
        self.session.load()
        llm = self.session.backend._llm
        llm.create_chat_completion = functools.partial(llm.create_chat_completion,
                                                       logit_bias={llm.token_eos(): -1e9})
        self.opts = GenOpts(temperature=0.0, max_tokens=max_tokens, system_prompt="", repeat_penalty=1.1)

    def reply(self) -> tuple[float, float, int]:
        """(first-token seconds, tokens/s after the first, chunks) of one streamed reply."""
        self.session.backend._llm.reset()  # no prompt-cache hit: the whole prompt is processed
        start = time.perf_counter()
        first, n = None, 0
        for _ in self.session.stream([Message("user", PROMPT)], self.opts):
            n += 1
            first = first or time.perf_counter()
        end = time.perf_counter()
        return first - start, (n - 1) / (end - first), n


def demo_data(folder: Path) -> Path:
    from trainer.data.dataset import build_examples
    from trainer.vault.index import Index
    from trainer.vault.scan import scan_vault

    with Index.open(folder / "index.db") as index:
        scan_vault(DEMO_VAULT, index)
        build_examples(list(index.notes())).write_jsonl(folder / "data")
    return folder / "data"


class Refresh:
    """One real training child, read in a thread; records when steps arrive."""

    def __init__(self, data: Path, out: Path, settings: TrainSettings) -> None:
        self.run = TrainRun(TrainJob("default", data, out, settings), out.parent / f"{out.name}-run")
        self.events: list[TrainEvent] = []
        self.first_step = threading.Event()
        self.done = threading.Event()
        self.started = self.ended = 0.0
        self._thread = threading.Thread(target=self._read, daemon=True)

    def start(self) -> Refresh:
        self.started = time.perf_counter()
        self._thread.start()
        RUNNING.append(self.run)
        return self

    def _read(self) -> None:
        for ev in self.run.events():
            self.events.append(ev)
            if ev.kind == "step":
                self.first_step.set()
        self.ended = time.perf_counter()
        self.first_step.set()
        self.done.set()

    def wait(self) -> Refresh:
        self.done.wait()
        last = self.events[-1]
        if last.kind != "done":
            raise SystemExit(f"the refresh failed: {last.message}")
        return self

    @property
    def total_s(self) -> float:
        return self.ended - self.started

    @property
    def train_tps(self) -> float:
        """The child's own figure: trained tokens / seconds of its training loop (pauses included)."""
        return [e for e in self.events if e.kind == "step"][-1].tokens_per_s


RUNNING: list[TrainRun] = []  # stopped on the way out, so an interrupted bench leaves no child behind


def medians(rows: list[tuple[float, float, int]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=5, help="chat replies idle and during training")
    ap.add_argument("--max-tokens", type=int, default=96)
    ap.add_argument("--steps", type=int, default=6, help="optimizer steps of each refresh")
    ap.add_argument("--rows-per-step", type=int, default=2)
    ap.add_argument("--max-len", type=int, default=512, help="tokens per packed training row")
    ap.add_argument("--gap", type=float, default=2.0, help="seconds between replies during training")
    ap.add_argument("--adapter", action="store_true", help="also idle chat with the adapter, f32 vs f16")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="chat-during-training-"))
    data = demo_data(work)
    settings = TrainSettings(engine="peft", max_steps=args.steps, rows_per_step=args.rows_per_step,
                             max_len=args.max_len)
    chat = Chat(args.max_tokens)
    print(f"{os.cpu_count()} cores; chat {chat.session.info().detail}; refresh: {args.steps} steps x "
          f"{args.rows_per_step} rows x {settings.max_len} tokens, peft on the CPU; BRAIN_HOME {os.environ['BRAIN_HOME']}")

    chat.reply()  # warm-up
    idle = [chat.reply() for _ in range(args.messages)]
    print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)

    print("refresh alone ...", flush=True)
    alone = Refresh(data, work / "alone", settings).start().wait()
    print("refresh with one reply ...", flush=True)

    one = Refresh(data, work / "one", settings).start()
    one.first_step.wait()
    one_reply = chat.reply() if not one.done.is_set() else None
    one.wait()

    print("refresh with replies ...", flush=True)
    busy = Refresh(data, work / "busy", settings).start()
    busy.first_step.wait()
    during = []
    while not busy.done.is_set() and len(during) < args.messages:
        during.append(chat.reply())
        busy.done.wait(args.gap)
    busy.wait()
    idle += [chat.reply() for _ in range(args.messages)]  # idle again: the machine is shared, drift shows
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)

    report(args, idle, during, alone, one, one_reply, busy)
    if args.adapter:
        adapter_speed(chat, alone.run.job.out_dir, args.messages)


def report(args, idle, during, alone: Refresh, one: Refresh, one_reply, busy: Refresh) -> None:
    ft_idle, tps_idle = medians(idle)
    print(f"\n{'chat (median)':<34}{'first token ms':>15}{'tokens/s':>10}{'replies':>9}")
    print(f"{'idle (before + after)':<34}{ft_idle * 1000:>15.1f}{tps_idle:>10.1f}{len(idle):>9}")
    half = len(idle) // 2
    for name, part in (("  idle before", idle[:half]), ("  idle after", idle[half:])):
        ft, tps = medians(part)
        print(f"{name:<34}{ft * 1000:>15.1f}{tps:>10.1f}{len(part):>9}")
    if during:
        ft_busy, tps_busy = medians(during)
        print(f"{'while a refresh trains':<34}{ft_busy * 1000:>15.1f}{tps_busy:>10.1f}{len(during):>9}")
    if one_reply:
        print(f"{'the one reply during refresh 3':<34}{one_reply[0] * 1000:>15.1f}{one_reply[1]:>10.1f}{1:>9}")
    print(f"\n{'refresh':<34}{'total s':>15}{'train tok/s':>12}")
    print(f"{'alone':<34}{alone.total_s:>15.1f}{alone.train_tps:>12.1f}")
    print(f"{'with one chat reply':<34}{one.total_s:>15.1f}{one.train_tps:>12.1f}")
    print(f"{f'with {len(during)} chat replies':<34}{busy.total_s:>15.1f}{busy.train_tps:>12.1f}")
    print()
    if during:
        print(f"ratio chat tokens/s training/idle = {tps_busy / tps_idle:.2f}  (goal >= 0.5)")
        print(f"ratio first token training/idle   = {ft_busy / ft_idle:.2f}  (goal <= 2)")
    print(f"ratio refresh total one-reply/alone = {one.total_s / alone.total_s:.2f}  (goal <= 1.5)")
    print(f"ratio training tokens/s with {len(during)} replies/alone = {busy.train_tps / alone.train_tps:.2f}")


def adapter_speed(chat: Chat, version: Path, messages: int) -> None:
    """Idle chat with the refresh's adapter (lora.gguf in f32 and in f16) beside the base model."""
    from backends.models import bundled_gguf
    from trainer.adapters.export_gguf import export_gguf_lora

    rows = {}
    for dtype in ("f32", "f16"):
        folder = version.parent / f"adapter-{dtype}"
        folder.mkdir(exist_ok=True)
        export_gguf_lora(version / "peft", bundled_gguf(), folder / "lora.gguf", dtype=dtype)
        chat.session.backend.set_adapter(folder)
        chat.reply()
        rows[f"adapter {dtype} ({(folder / 'lora.gguf').stat().st_size / 1e6:.1f} MB)"] = medians(
            [chat.reply() for _ in range(messages)])
    chat.session.backend.set_adapter(None)
    chat.reply()
    rows["base model"] = medians([chat.reply() for _ in range(messages)])
    print(f"\n{'idle chat (median)':<34}{'first token ms':>15}{'tokens/s':>10}")
    for name, (ft, tps) in rows.items():
        print(f"{name:<34}{ft * 1000:>15.1f}{tps:>10.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        for run in RUNNING:
            run.stop()

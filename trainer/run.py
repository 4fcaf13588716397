"""The training child process: `python -m trainer.run JOB.json`.

Prints one JSON TrainEvent per line on stdout and nothing else there (library chatter goes to
stderr), so the parent can show progress and a crash here never takes the chat down. After the
engine finishes it writes the llama.cpp copy of the adapter (lora.gguf) when the engine made a
peft adapter, so the version is complete for every backend before it is committed.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from dataclasses import asdict
from pathlib import Path

from trainer.engines.base import TrainEvent, TrainJob, get_engine
from trainer.engines.distributed import current_rank


def main(argv: list[str]) -> int:
    job = TrainJob.from_json(Path(argv[0]).read_text())
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    main = current_rank() == 0  # under torchrun (--gpus N) only rank 0 reports and exports
    emit = lambda ev: main and print(ev.to_json(), file=out, flush=True)  # noqa: E731
    with contextlib.redirect_stdout(sys.stderr):
        try:
            _lower_priority()
            engine = get_engine(job.settings.engine)
            result = engine.train(job, emit)
            if main and job.export_gguf:
                _export_gguf(job)
        except KeyboardInterrupt:
            emit(TrainEvent("error", message="stopped by the user"))
            return 130
        except Exception as exc:  # reported to the parent as an event, with the traceback on stderr
            traceback.print_exc()
            emit(TrainEvent("error", message=f"{type(exc).__name__}: {exc}"))
            return 1
    emit(TrainEvent("done", step=result.steps, total_steps=result.steps, loss=result.train_loss,
                    eval_loss=result.eval_loss, data={k: str(v) if isinstance(v, Path) else v
                                                      for k, v in asdict(result).items()}))
    return 0


def _export_gguf(job: TrainJob) -> None:
    peft_dir = job.out_dir / "peft"
    if not peft_dir.is_dir():
        return
    from backends import resolve_model
    from trainer.adapters.export_gguf import export_gguf_lora

    ref = resolve_model(job.base_model)
    if ref.kind == "gguf":
        export_gguf_lora(peft_dir, ref.path, job.out_dir / "lora.gguf")


def _lower_priority() -> None:
    """Training yields the CPU to the chat the user is having."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)


if __name__ == "__main__":
    from backends.offline import hub_offline

    hub_offline()  # before any engine imports transformers: no hub traffic unless the user allowed it
    raise SystemExit(main(sys.argv[1:]))

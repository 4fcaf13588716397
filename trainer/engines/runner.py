"""Parent side of a training run: start the child process, stream its events, stop it cleanly.

Every event is also appended to `runs/<id>/events.jsonl` and the child's stderr goes to
`runs/<id>/train.log`, so a run can be inspected after the fact (and by the sync panel).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from trainer.atomic import atomic_write_text
from trainer.engines.distributed import launch_command
from trainer.engines.base import TrainEvent, TrainJob
from trainer.owner import claim


class TrainRun:
    def __init__(self, job: TrainJob, run_dir: Path) -> None:
        self.job = job
        self.run_dir = run_dir
        self.proc: subprocess.Popen | None = None

    def events(self) -> Iterator[TrainEvent]:
        """Start the child and yield its events until it exits. Always ends with done or error."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        claim(self.run_dir)  # pruning spares the folder of a run whose process still runs
        job_file = self.run_dir / "job.json"
        atomic_write_text(job_file, self.job.to_json())
        with (self.run_dir / "train.log").open("ab") as log, (self.run_dir / "events.jsonl").open("a") as record:
            cmd = launch_command(self.job.settings.gpus, ["trainer.run", str(job_file)], sys.executable)
            self.proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=log,
                text=True, start_new_session=True, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
            last = None
            for line in self.proc.stdout:
                if not line.startswith("{"):
                    continue
                record.write(line)
                record.flush()
                last = TrainEvent.from_json(line)
                yield last
            code = self.proc.wait()
        if last is None or last.kind not in ("done", "error"):
            yield TrainEvent("error", message=f"training process exited with code {code}; see {self.run_dir / 'train.log'}")

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the child to stop (SIGINT), then insist. Nothing it half-wrote gets committed."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

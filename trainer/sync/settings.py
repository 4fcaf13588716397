"""What a user can tune about vault sync: the `[sync]` section of config.toml.

Kept apart from the queue and the watcher so the config (read by every command) stays light.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from trainer.engines.base import TrainSettings


@dataclass
class SyncSettings:
    """The `[sync]` section of config.toml: watching, the refresh policy, and refresh training."""

    in_app: bool = True
    """The TUI watches the vault and runs refreshes while it is open (when no `brain sync --watch`
    already does). It never trains a first adapter by itself: use Full rebuild or `brain sync`."""
    debounce_seconds: float = 2.0
    """Quiet time after the last change before a refresh is considered."""
    max_delay_seconds: float = 60.0
    """A note that keeps changing is taken anyway after this long."""
    max_pending: int = 512
    """More pending changes than this are handled as one rescan of the whole vault."""
    poll: bool = False
    """Poll the vault instead of OS file events (needed on NFS, SMB, SSHFS)."""
    poll_seconds: float = 5.0
    """Seconds between polls when polling (also the fallback when the OS watch limit is hit)."""
    reconcile_minutes: float = 10.0
    """Every so often every note is re-read and hashed, whatever the events said (0 = never)."""
    replay_ratio: float = 1.0
    """Refresh: examples replayed from unchanged notes per example of a changed note."""
    full_rebuild_share: float = 0.25
    """More than this share of the notes changed: rebuild from scratch instead of refreshing."""
    full_rebuild_every: int = 25
    """After this many refreshes in a row, rebuild from scratch (bounds drift; 0 = never)."""
    refresh_steps: int = 4
    """Optimizer steps of a refresh."""
    refresh_max_len: int = 256
    """Tokens per packed row in a refresh (notes are cut into chunks that fit)."""
    refresh_rows_per_step: int = 2
    """Rows per optimizer step in a refresh."""
    refresh_learning_rate: float = 2e-4
    """Peak learning rate of a refresh (no warmup: it continues a trained adapter)."""

    def watch_settings(self):
        from trainer.sync.watch import WatchSettings

        return WatchSettings(self.debounce_seconds, self.max_delay_seconds, self.max_pending, self.poll,
                             self.poll_seconds)

    def refresh_training(self, full: TrainSettings) -> TrainSettings:
        settings = copy.deepcopy(full)
        settings.max_steps, settings.max_len = self.refresh_steps, self.refresh_max_len
        settings.rows_per_step, settings.learning_rate = self.refresh_rows_per_step, self.refresh_learning_rate
        settings.warmup_ratio, settings.eval_every = 0.0, 0
        settings.micro_batch = min(settings.micro_batch, settings.rows_per_step)
        return settings

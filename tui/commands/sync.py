"""`brain sync`: bring the adapter up to date with the vault, once or as a background service."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from logging.handlers import RotatingFileHandler

from tui.commands import add_command, fail, resolve_config

HELP = """\
Scan the vault, compare it with what the active adapter learned, and train if needed: a short
incremental refresh (warm start, changed notes plus a replay sample of unchanged ones) or, when
notes were deleted or much changed, a full rebuild from scratch. With no adapter yet, the first
sync trains one. The vault is only read, never written.

examples:
  brain sync                    once: scan, refresh if needed, exit
  brain sync --watch            keep watching; refresh as notes change (Ctrl-C or SIGTERM stops)
  brain sync --full             rebuild from scratch now (deleted notes' content leaves the model)
  brain sync --status           pending changes, recent runs, the active adapter
  brain sync --pause            stop refreshing until --resume (also shown in the TUI's sync panel)

--watch logs to sync.log in the vault's data folder and to stderr; see `brain doctor` for it.
Settings: the [sync] section of the config file (debounce_seconds, replay_ratio, poll, ...).
"""

LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def register(sub) -> None:
    p = add_command(sub, "sync", "refresh the adapter from the vault, once or watching", run, description=HELP)
    p.add_argument("--watch", action="store_true", help="keep running: watch the vault and refresh as it changes")
    p.add_argument("--full", action="store_true", help="rebuild the adapter from scratch")
    p.add_argument("--status", action="store_true", help="show the sync state and exit")
    p.add_argument("--pause", action="store_true", help="pause automatic refreshes")
    p.add_argument("--resume", action="store_true", help="resume automatic refreshes")


def build_queue(cfg, bootstrap: bool, on_event=None):
    """The vault's refresh queue with the user's model, training settings and sync policy."""
    from trainer.pipeline import TrainPlan
    from trainer.sync.queue import RefreshQueue

    template = TrainPlan(cfg.vault_path, cfg.chat.model, cfg.train, keep=cfg.keep_adapters,
                         scrub=cfg.scrub.to_config())
    return RefreshQueue(template, cfg.sync, on_event=on_event, bootstrap=bootstrap)


def run(args) -> int:
    cfg = resolve_config(args)
    if not cfg.vault_path.is_dir():
        return fail(f"vault is not a folder: {cfg.vault_path}", 2)
    from trainer.paths import sync_db
    from trainer.sync.queue import SyncStore

    with SyncStore.open(sync_db(cfg.vault_path)) as store:
        if args.pause or args.resume:
            store.set_paused(args.pause)
            print("sync paused" if args.pause else "sync resumed", file=sys.stderr)
            return 0
        if args.status:
            return status(cfg, store)
        if args.full:
            store.request("full")
    setup_logging(cfg.vault_path)
    return watch(cfg) if args.watch else once(cfg)


def once(cfg) -> int:
    from trainer.sync.service import log_events

    queue = build_queue(cfg, bootstrap=True, on_event=log_events())
    if not queue.lock.acquire():
        with queue.store() as store:
            store.request(store.requested() or "sync")
        print(f"brain: another brain process (pid {queue.lock.owner() or '?'}) syncs this vault; "
              "it will take this request", file=sys.stderr)
        return 0
    try:
        queue.recover()
        with _sigterm_as_interrupt():
            outcome = queue.cycle(automatic=False)
    except KeyboardInterrupt:
        print("stopped; the active adapter is unchanged", file=sys.stderr)
        return 130
    finally:
        queue.lock.release()
    print(f"{outcome.status}: {outcome.message}" + (f" (adapter {outcome.version} active)" if outcome.version else ""),
          file=sys.stderr)
    return 1 if outcome.status in ("failed", "unavailable") else 0


def watch(cfg) -> int:
    from trainer.sync.service import SyncService, log_events

    service = SyncService(build_queue(cfg, bootstrap=True, on_event=log_events()))
    log = logging.getLogger("brain.sync")
    log.info("brain sync --watch on %s (pid %s); Ctrl-C or SIGTERM stops", cfg.vault_path, os.getpid())
    try:
        with _sigterm_as_interrupt():
            service.run()
    except KeyboardInterrupt:
        log.info("stopped; the active adapter is unchanged by any unfinished run")
    return 0


def status(cfg, store) -> int:
    from trainer.paths import adapters_dir
    from trainer.adapters.registry import AdapterRegistry

    active = AdapterRegistry(adapters_dir(cfg.vault_path)).active_name()
    watch = store.get("watch").split("|")[0]
    print(f"vault:    {cfg.vault_path}")
    print(f"adapter:  {active or 'base model (none trained yet)'}")
    print(f"sync:     {'paused' if store.paused else 'on'}" + (f", a runner is watching ({watch})" if watch else ""))
    print(f"last:     {store.get('last_sync') or 'never'}")
    pending = store.pending()
    print(f"pending:  {store.pending_count()} change(s)" + (f", {store.requested()} requested" if store.requested() else ""))
    for change in pending[:10]:
        print(f"  {'deleted ' if change.deleted else ''}{change.path}")
    for r in store.runs(5):
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.started))
        print(f"run {r.id}: {when} {r.kind:<7} {r.status:<11} {r.version or '':<6} {r.reason}"
              + (f" ({r.message})" if r.message else ""))
    return 0


def setup_logging(vault) -> None:
    """brain.sync lines to stderr and to sync.log in the vault's data folder (rotated at 1 MB)."""
    from trainer.paths import sync_log

    log = logging.getLogger("brain.sync")
    log.setLevel(logging.INFO)
    path = sync_log(vault)
    path.parent.mkdir(parents=True, exist_ok=True)
    for handler in (logging.StreamHandler(sys.stderr), RotatingFileHandler(path, maxBytes=1 << 20, backupCount=3)):
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        log.addHandler(handler)


class _sigterm_as_interrupt:
    """SIGTERM (systemd, launchd, kill) stops like Ctrl-C: the training child is stopped first."""

    def __enter__(self):
        self.old = signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(self, *exc) -> None:
        signal.signal(signal.SIGTERM, self.old)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


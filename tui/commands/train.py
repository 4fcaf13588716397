"""`brain train`: learn the vault into a new adapter version, with a live progress bar."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tui.commands import add_command, fail, resolve_config

HELP = """\
Scan the vault, build a privacy-scrubbed dataset, train a LoRA adapter in a child process and
activate it. Ctrl-C stops cleanly: the previously active adapter stays active.

examples:
  brain train                          train on the configured vault with the bundled model
  brain train --steps 60 --rank 8      a quick, small adapter
  brain train --warm                   continue from the active adapter (incremental refresh)
  brain train --engine mlx             force the MLX engine (auto: CUDA->peft, Apple->mlx, else peft)
  brain train --gpus 4                 data-parallel over 4 GPUs (torchrun; rank 0 writes the adapter)
  brain train --shards 16              one LoRA per shard of the notes, summed: `brain forget` then
                                       retrains one shard instead of the whole vault
"""


def register(sub) -> None:
    p = add_command(sub, "train", "train a LoRA adapter on the vault and activate it", run, description=HELP)
    p.add_argument("--engine", choices=["auto", "peft", "mlx"], help="training engine (default from config)")
    p.add_argument("--steps", type=int, help="optimizer steps (default: run the configured epochs)")
    p.add_argument("--epochs", type=float, help="passes over the training rows")
    p.add_argument("--lr", type=float, help="peak learning rate")
    p.add_argument("--rank", type=int, help="LoRA rank")
    p.add_argument("--max-len", type=int, help="tokens per packed row")
    p.add_argument("--warm", action="store_true", help="warm-start from the active adapter")
    p.add_argument("--gpus", type=int, help="data-parallel processes, one per GPU (peft engine; default 1)")
    p.add_argument("--no-activate", action="store_true", help="commit the version without activating it")
    p.add_argument("--shards", type=int, default=0, metavar="K",
                   help="sharded build: K LoRAs on disjoint notes, summed (makes forgetting a note cheap)")


def apply_flags(settings, args) -> None:
    for flag, attr in [("engine", "engine"), ("steps", "max_steps"), ("epochs", "epochs"),
                       ("lr", "learning_rate"), ("max_len", "max_len"), ("gpus", "gpus")]:
        if getattr(args, flag, None) is not None:
            setattr(settings, attr, getattr(args, flag))
    if args.rank:
        settings.lora.rank, settings.lora.alpha = args.rank, 2.0 * args.rank


def gpus_problem(settings) -> str | None:
    """Why `--gpus N` cannot run here (None: it can). On a machine without CUDA, N processes
    share the CPU through gloo (slow, but the same code path: that is how it is tested)."""
    n = settings.gpus
    if n < 1:
        return f"--gpus must be at least 1, not {n}"
    if n == 1:
        return None
    from trainer.engines.base import pick_engine

    if pick_engine(settings.engine) != "peft":
        return "--gpus needs the peft engine (mlx trains in one process)"
    import torch

    if torch.cuda.is_available() and torch.cuda.device_count() < n:
        return f"--gpus {n}: this machine has {torch.cuda.device_count()} CUDA GPU(s)"
    return None


def run(args) -> int:
    from trainer.pipeline import TrainFailed, TrainPlan, train_vault

    cfg = resolve_config(args)
    if not cfg.vault_path.is_dir():
        return fail(f"vault is not a folder: {cfg.vault_path}", 2)
    plan = TrainPlan(cfg.vault_path, cfg.chat.model, cfg.train, warm_start=args.warm, keep=cfg.keep_adapters,
                     activate=not args.no_activate, chats=cfg.chats, scrub=cfg.scrub.to_config())
    apply_flags(plan.settings, args)
    if (problem := gpus_problem(plan.settings)) is not None:
        return fail(problem, 2)
    console = Console(stderr=True)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[status]}"), TimeRemainingColumn(), console=console) as bar:
        task = bar.add_task("preparing", total=None, status="scanning vault, building dataset")
        try:
            if args.shards > 1:
                from trainer.sharded import train_sharded

                version = train_sharded(plan, args.shards, lambda ev: show(bar, task, ev))
            else:
                version = train_vault(plan, lambda ev: show(bar, task, ev))
        except TrainFailed as exc:
            return fail(f"training failed: {exc} (the active adapter is unchanged)")
        except KeyboardInterrupt:
            console.print("stopped; the active adapter is unchanged")
            return 130
    m = version.manifest
    console.print(f"[green]adapter {version.name}[/] {'activated' if plan.activate else 'saved'}: "
                  f"eval loss {fmt(m.get('base_eval_loss'))} (base) -> {fmt(m.get('eval_loss'))}, "
                  f"{m['dataset'].get('train', '?')} training examples, {fmt(m.get('seconds'), 0)} s")
    return 0


def show(bar: Progress, task, ev) -> None:
    if ev.kind == "start":
        bar.update(task, description="training", total=ev.total_steps, completed=0,
                   status=f"{ev.data.get('rows')} rows on {ev.data.get('device')} ({ev.data.get('precision')})")
    elif ev.kind == "step":
        bar.update(task, completed=ev.step,
                   status=f"loss {ev.loss:.3f}  lr {ev.lr:.1e}  {ev.tokens_per_s:.0f} tok/s")
    elif ev.kind == "eval" and ev.eval_loss is not None:
        bar.console.print(f"step {ev.step}: eval loss {ev.eval_loss:.3f}")
    elif ev.kind == "log":
        bar.console.print(ev.message)


def fmt(value, digits: int = 3) -> str:
    return "?" if value is None else f"{float(value):.{digits}f}"

"""Data-parallel training for the peft engine: one process per GPU (or per CPU slot, with gloo).

Why no DistributedDataParallel wrapper: the trainable part of a LoRA run is a few million
parameters, so one all-reduce of all their gradients per optimizer step costs almost nothing, and
it works the same whether the step ran through transformers' forward or the fused fast path
(DDP hooks assume the wrapped module's own forward). Each rank takes every world-th row of the
step's global batch; the loss of every rank is already divided by the token count of the whole
global batch, so the summed gradients are exactly those of one process over that batch. Every
rank seeds the same LoRA init and starts from rank 0's weights (broadcast), so they stay equal.

Started by torchrun (`brain train --gpus N`): RANK, WORLD_SIZE, LOCAL_RANK come from the
environment. Without them this is a world of one and every call here is a no-op.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class World:
    rank: int = 0
    size: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        """Only this process writes the adapter and reports events."""
        return self.rank == 0

    def share(self, step_rows: list, micro_batch: int) -> list[list]:
        """This rank's rows of one optimizer step, cut into micro-batches."""
        mine = step_rows[self.rank::self.size]
        return [mine[i:i + micro_batch] for i in range(0, len(mine), micro_batch)]

    def sum(self, value: float) -> float:
        """A float summed over all ranks (the step's loss)."""
        if self.size == 1:
            return value
        import torch
        import torch.distributed as dist

        t = torch.tensor([value], dtype=torch.float64, device=self._comm_device())
        dist.all_reduce(t)
        return float(t.item())

    def reduce_grads(self, params: list) -> None:
        """Sum the gradients of `params` over all ranks, in one flat all-reduce."""
        if self.size == 1:
            return
        import torch
        import torch.distributed as dist

        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
        flat = torch.cat([g.reshape(-1).float() for g in grads])
        dist.all_reduce(flat)
        start = 0
        for p, g in zip(params, grads):
            n = g.numel()
            p.grad = flat[start:start + n].view_as(p).to(p.dtype)
            start += n

    def broadcast_params(self, params: list) -> None:
        """Rank 0's trainable weights everywhere (same start even if an init drew differently)."""
        if self.size == 1:
            return
        import torch.distributed as dist

        for p in params:
            dist.broadcast(p.data, src=0)

    def barrier(self) -> None:
        if self.size > 1:
            import torch.distributed as dist

            dist.barrier()

    def close(self) -> None:
        if self.size > 1:
            import torch.distributed as dist

            if dist.is_initialized():
                dist.destroy_process_group()

    def _comm_device(self) -> str:
        import torch.distributed as dist

        return f"cuda:{self.local_rank}" if dist.get_backend() == "nccl" else "cpu"


def join(cuda: bool) -> World:
    """The world torchrun started this process in (a world of one otherwise); joins its group."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size <= 1:
        return World()
    import torch
    import torch.distributed as dist

    world = World(int(os.environ["RANK"]), size, int(os.environ.get("LOCAL_RANK", "0")))
    if cuda:  # "cuda" then means this rank's GPU everywhere in the engine
        torch.cuda.set_device(world.local_rank)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    return world


def current_rank() -> int:
    """This process's rank without joining anything (0 outside torchrun)."""
    return int(os.environ.get("RANK", "0"))


def launch_command(n_procs: int, module_args: list[str], python: str) -> list[str]:
    """The command that starts `python -m MODULE ARGS` n_procs times under torchrun."""
    if n_procs <= 1:
        return [python, "-m", *module_args]
    return [python, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={n_procs}",
            "-m", *module_args]

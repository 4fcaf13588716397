"""The peft training loop steps aside while a chat generates (backends/foreground.py).

Checking only between micro-steps is too coarse on a CPU: one 512-token micro-step of the
bundled model takes seconds on 2 cores, and the chat's first token would wait that long. So the
gate is checked before every decoder layer's forward and, through a hook on the layer's output,
before its backward: the trainer reacts within one layer (tens of milliseconds). A check is one
clock read, and a directory listing at most every POLL_S.

Only CPU training yields: a GPU run barely competes with a chat for cores.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from backends.foreground import TrainerGate


@contextlib.contextmanager
def yield_to_chat(model, device: str) -> Iterator[TrainerGate | None]:
    """Mark this process as training and pause it inside the model while a chat generates."""
    if device != "cpu":
        yield None
        return
    import torch

    gate = TrainerGate(torch.get_num_threads(), torch.set_num_threads)
    handles = hook_layers(model, gate.check)
    try:
        with gate:
            yield gate
    finally:
        for handle in handles:
            handle.remove()


def hook_layers(model, check) -> list:
    """Call `check()` before each block's forward and before its backward."""
    import torch

    def before_backward(_module, _args, out):
        t = out[0] if isinstance(out, (tuple, list)) else out
        if isinstance(t, torch.Tensor) and t.requires_grad:
            t.register_hook(lambda _grad: check())

    handles = []
    for block in blocks(model):
        handles.append(block.register_forward_pre_hook(lambda _m, _a: check()))
        handles.append(block.register_forward_hook(before_backward))
    return handles


def blocks(model) -> list:
    """The transformer blocks: the longest ModuleList in the model (its decoder layers)."""
    import torch

    lists = [m for m in model.modules() if isinstance(m, torch.nn.ModuleList)]
    return list(max(lists, key=len)) if lists else [model]

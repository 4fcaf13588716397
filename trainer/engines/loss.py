"""Cross-entropy through the output layer without ever holding the whole logits tensor.

Why: with a 128k-token vocabulary the logits of one 16k-token micro-batch are 8 GiB in fp32,
more than the rest of a 1B model's activations together. Three ways round it, same result:
- Liger Kernel's fused linear cross-entropy (Triton, CUDA; the optional `cuda` extra);
- "compiled": the chunked version with each slice one torch.compile'd graph of a fixed shape
  (frozen output layer only; opt-in, ~1% over Liger on the 1B bench, notes/gpu-speed.md);
- a plain-PyTorch chunked version (any device): a slice of rows at a time, the gradient with
  respect to the hidden states is computed in the forward pass (the loss is a scalar, so the
  backward pass only scales it), and the slice's logits are freed before the next slice.
Only rows that carry a target are pushed through the output layer at all: prompt tokens cost
nothing here.
"""

from __future__ import annotations

import importlib.util

IGNORE = -100
CHUNK_BYTES = 1 << 30
"""Upper bound on one slice's fp32 logits (rows x vocab x 4 bytes)."""


def linear_cross_entropy(hidden, weight, targets, n_items: int, backend: str = "auto", keep=None):
    """sum over rows of CE(hidden @ weight.T, target) / n_items; rows with target -100 carry none.

    hidden: [N, H], weight: [V, H] (the output layer), targets: [N] (already shifted).
    backend: 'auto' (Liger on CUDA when installed, else chunked), 'liger' or 'chunked'.
    keep: indices of the rows with a target, if the caller knows them (spares a device sync).
    """
    keep = (targets != IGNORE).nonzero().squeeze(1) if keep is None else keep
    h, t = hidden[keep], targets[keep]
    if h.shape[0] == 0:
        return (hidden.sum() * 0.0).float()
    which = pick_backend(backend, h.is_cuda)
    if which == "liger":
        from liger_kernel.transformers import LigerFusedLinearCrossEntropyLoss

        return LigerFusedLinearCrossEntropyLoss(reduction="sum")(weight, h, t) / n_items
    if which == "compiled" and not weight.requires_grad:
        return CompiledLinearCE.apply(h, weight, t) / n_items
    return ChunkedLinearCE.apply(h, weight, t, chunk_rows(weight.shape[0])) / n_items


def pick_backend(backend: str, cuda: bool) -> str:
    if backend not in ("auto", "liger", "chunked", "compiled"):
        raise ValueError(f"Unknown loss backend {backend!r}; choose auto, liger, chunked or compiled.")
    if backend == "auto":
        return "liger" if cuda and liger_available() else "chunked"
    return backend


def liger_available() -> bool:
    return importlib.util.find_spec("liger_kernel") is not None


def chunk_rows(vocab: int) -> int:
    """Rows per slice so that one slice's fp32 logits stay under CHUNK_BYTES."""
    return max(64, CHUNK_BYTES // (4 * vocab))


def _chunked_class():
    import torch

    class _ChunkedLinearCE(torch.autograd.Function):
        """Forward computes the summed loss and, slice by slice, d(loss)/d(hidden) (and
        d(loss)/d(weight) when the output layer trains); backward scales them."""

        @staticmethod
        def forward(ctx, hidden, weight, targets, chunk):
            want_h, want_w = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
            acc = torch.promote_types(hidden.dtype, torch.float32)  # bf16 in, fp32 sums
            loss = torch.zeros((), dtype=acc, device=hidden.device)
            grad_h = torch.empty_like(hidden) if want_h else None
            grad_w = torch.zeros_like(weight, dtype=acc) if want_w else None
            for s in range(0, hidden.shape[0], chunk):
                h, t = hidden[s:s + chunk], targets[s:s + chunk]
                logits = (h @ weight.T).to(acc)
                lse = torch.logsumexp(logits, dim=-1)
                loss += (lse - logits.gather(1, t[:, None]).squeeze(1)).sum()
                if want_h or want_w:
                    probs = logits.sub_(lse[:, None]).exp_()  # softmax, in place of the logits
                    probs[torch.arange(len(t), device=t.device), t] -= 1.0
                    g = probs.to(hidden.dtype)
                    if want_h:
                        grad_h[s:s + chunk] = g @ weight
                    if want_w:
                        grad_w += (g.T @ h).to(acc)
            ctx.save_for_backward(*(x for x in (grad_h, grad_w) if x is not None))
            ctx.want = (want_h, want_w)
            ctx.weight_dtype = weight.dtype
            return loss

        @staticmethod
        def backward(ctx, grad_out):
            saved = list(ctx.saved_tensors)
            want_h, want_w = ctx.want
            gh = saved.pop(0) * grad_out if want_h else None  # 0-dim fp32 keeps hidden's dtype
            gw = (saved.pop(0) * grad_out).to(ctx.weight_dtype) if want_w else None
            return gh, gw, None, None

    return _ChunkedLinearCE


COMPILED_ROWS = 2048
"""Rows per slice of the compiled backend; every slice has this shape (the last one padded), so
torch.compile builds one kernel set for all steps."""


def _compiled_class():
    import torch

    def slice_loss(h, weight, t):
        """Summed CE of one slice and its gradient w.r.t. h; rows with target -100 give 0 and 0.
        One compiled graph: the bf16 logits are the only [rows, vocab] tensor written, the
        log-sum-exp, softmax and one-hot subtraction fuse into the passes over them."""
        logits = (h @ weight.T).float()
        valid = t != IGNORE
        tt = torch.where(valid, t, 0)
        lse = torch.logsumexp(logits, dim=-1)
        loss = torch.where(valid, lse - logits.gather(1, tt[:, None]).squeeze(1), 0.0).sum()
        hot = torch.arange(logits.shape[1], device=h.device)[None, :] == tt[:, None]
        g = torch.where(valid[:, None], torch.exp(logits - lse[:, None]) - hot.float(), 0.0)
        return loss, g.to(h.dtype) @ weight

    step = torch.compile(slice_loss, dynamic=False)

    class _CompiledLinearCE(torch.autograd.Function):
        """The chunked loss with each slice one compiled graph (frozen output layer only)."""

        @staticmethod
        def forward(ctx, hidden, weight, targets):
            n, rows = hidden.shape[0], COMPILED_ROWS
            pad = -n % rows
            if pad:
                hidden = torch.cat([hidden, hidden.new_zeros(pad, hidden.shape[1])])
                targets = torch.cat([targets, targets.new_full((pad,), IGNORE)])
            loss = torch.zeros((), dtype=torch.float32, device=hidden.device)
            grads = []
            for s in range(0, n + pad, rows):
                part, g = step(hidden[s:s + rows], weight, targets[s:s + rows])
                loss += part
                grads.append(g)
            ctx.save_for_backward(torch.cat(grads)[:n])
            return loss

        @staticmethod
        def backward(ctx, grad_out):
            (grad_h,) = ctx.saved_tensors
            return grad_h * grad_out.to(grad_h.dtype), None, None

    return _CompiledLinearCE


class _Lazy:
    """`ChunkedLinearCE.apply(...)` without importing torch when this module is imported: the
    autograd.Function class is made by `make` on first use."""

    def __init__(self, make) -> None:
        self._make, self._cls = make, None

    def apply(self, *args):
        if self._cls is None:
            self._cls = self._make()
        return self._cls.apply(*args)


ChunkedLinearCE = _Lazy(_chunked_class)
CompiledLinearCE = _Lazy(_compiled_class)

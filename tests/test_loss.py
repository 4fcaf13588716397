"""The chunked linear cross-entropy (the fast path's loss without whole logits) gives plain
cross-entropy's loss and gradients, on the CPU, slice boundaries and ignored rows included."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from trainer.engines import loss as lossmod  # noqa: E402


def plain(hidden, weight, targets, n_items):
    logits = hidden @ weight.T
    return torch.nn.functional.cross_entropy(logits.float(), targets, ignore_index=-100, reduction="sum") / n_items


@pytest.mark.parametrize("train_weight", [False, True])
def test_chunked_matches_plain_cross_entropy(monkeypatch, train_weight):
    monkeypatch.setattr(lossmod, "CHUNK_BYTES", 4 * 97 * 64)  # 64-row slices: 300 rows cross four
    g = torch.Generator().manual_seed(1)
    hidden = torch.randn(300, 32, generator=g, dtype=torch.float64)
    weight = torch.randn(97, 32, generator=g, dtype=torch.float64) * 0.3
    targets = torch.randint(0, 97, (300,), generator=g)
    targets[::3] = -100  # prompt tokens carry no loss
    n_items = int((targets != -100).sum()) + 7  # the step's count, larger than this micro-batch's
    h1, w1 = hidden.clone().requires_grad_(), weight.clone().requires_grad_(train_weight)
    h2, w2 = hidden.clone().requires_grad_(), weight.clone().requires_grad_(train_weight)
    ref = plain(h1, w1, targets, n_items)
    got = lossmod.linear_cross_entropy(h2, w2, targets, n_items, backend="chunked")
    (ref * 2.5).backward()
    (got * 2.5).backward()  # a non-unit upstream gradient must scale the saved one
    assert torch.allclose(got.double(), ref.double(), rtol=1e-6)
    assert torch.allclose(h2.grad, h1.grad, rtol=1e-6, atol=1e-9)
    assert h2.grad[::3].abs().max() == 0  # ignored rows get no gradient
    if train_weight:
        # the reference takes its softmax in float32 (`plain`): on some CPUs (one without AVX-512 here) its
        # weight gradients differ by up to 8e-9 where they are near 3e-5; a wrong scale is off by about 1e-2
        assert torch.allclose(w2.grad, w1.grad, rtol=1e-5, atol=1e-7)


def test_chunked_without_targets_is_zero_and_keeps_the_graph():
    hidden = torch.randn(5, 8, requires_grad=True)
    out = lossmod.linear_cross_entropy(hidden, torch.randn(11, 8), torch.full((5,), -100), 1, backend="chunked")
    out.backward()
    assert out.item() == 0.0 and hidden.grad.abs().max() == 0


def test_unknown_backend_is_refused_by_name():
    with pytest.raises(ValueError, match="Unknown loss backend 'fast'"):
        lossmod.linear_cross_entropy(torch.randn(2, 4), torch.randn(3, 4), torch.tensor([0, 1]), 2, backend="fast")

"""The CUDA fast path of the peft engine: one fused, compiled Llama decoder over packed rows.

Why not the Hugging Face forward: for LoRA on a frozen model most of the time goes into what sits
between the big matrix products (a kernel per LoRA piece, per norm, per rotary step, a dense or
per-row attention mask, 128k-wide logits for every token). This module runs the same arithmetic
on the same parameter tensors, arranged for the GPU:
- a micro-batch's rows are laid end to end as one sequence of a fixed length (no padding to the
  longest row, one compiled shape); attention is flex attention with a document BlockMask built
  from the restarting position_ids, so the blocks between two examples are skipped, not masked;
- q/k/v and gate/up are one matrix product each (the frozen weights concatenated once), and the
  LoRA pieces of a group are one product down (A stacked) and one up (B block-diagonal); where a
  group's output is wider than its input the up-projection rides in the base product
  ([x, xA^T] @ [W, B]^T), so the token-by-output LoRA term is never written out;
- each decoder layer is one torch.compile'd function (norms, rotary, SwiGLU and the LoRA adds
  fuse into the matrix products' neighbours), the same graph for every layer;
- the loss goes through trainer.engines.loss: only target rows, never the whole logits.
The LoRA parameters are peft's own, so peft saves, evaluates and warm-starts the adapter as
before. Anything this does not cover (another architecture, DoRA, 4-bit weights, no CUDA) keeps
the plain path; `unsupported()` says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.data.tokenize import PackedRow

IGNORE = -100
GROUPS = {"qkv": ("q_proj", "k_proj", "v_proj"), "o": ("o_proj",), "gate_up": ("gate_proj", "up_proj"),
          "down": ("down_proj",)}
MAX_MICRO_TOKENS = 16384
"""Beyond ~16k tokens a micro-batch no longer fills the GPU better; it only takes memory."""
OPTIONS = {"fold": True, "mode": None, "loss": "auto"}
"""fold: the LoRA up-projection rides in the base matrix product ([x, xA] @ [W, B]^T, one GEMM
with K = in + r) where the output is wider than the input (q/k/v, gate/up); mode: torch.compile's
mode for the layer (None = default); loss: the loss backend when the caller says "auto" (see
trainer.engines.loss). Module-level so the bench can time variants in one process."""


@dataclass
class Group:
    """One fused projection: frozen base weight [out, in] and the LoRA pieces of its parts."""
    weight: object
    outs: list[int]
    loras: list = field(default_factory=list)
    """Per part: (lora_A weight [r, in], lora_B weight [out_i, r], scale) or None."""
    dropout: float = 0.0

    def args(self, lora: bool) -> tuple:
        """What the compiled layer takes for this group: weight, LoRA parts (or None), outs."""
        return self.weight, (tuple(self.loras) if lora and any(self.loras) else None), tuple(self.outs)


def unsupported(model, device: str) -> str | None:
    """Why the fast path cannot run this model here (None: it can)."""
    if device != "cuda" and not device.startswith("cuda:"):
        return "no CUDA device"
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    cfg = base.config
    if getattr(cfg, "model_type", "") != "llama":
        return f"architecture {getattr(cfg, 'model_type', '?')!r} (the fast path covers Llama)"
    if getattr(cfg, "hidden_act", "silu") != "silu" or getattr(cfg, "mlp_bias", False):
        return "a Llama variant with another MLP"
    if getattr(cfg, "attention_bias", False):
        return "attention with bias"
    if getattr(cfg, "quantization_config", None) is not None:
        return "quantized base weights"
    for name, mod in base.named_modules():
        if hasattr(mod, "lora_A"):
            if any(getattr(mod, "use_dora", {}).values()) or getattr(mod, "lora_bias", {}).get("default"):
                return "DoRA or LoRA bias"
            if name.split(".")[-1] not in {p for parts in GROUPS.values() for p in parts}:
                return f"LoRA on {name.split('.')[-1]}"
    return None


class FastLlama:
    """Loss and gradients of a peft-wrapped Llama, computed by the fused path above."""

    def __init__(self, model, compile: bool = True, loss_backend: str = "auto") -> None:
        base = model.get_base_model()
        cfg = base.config
        self.model, self.loss_backend = model, loss_backend
        self.length = MAX_MICRO_TOKENS
        self.embed = base.model.embed_tokens.weight
        self.rotary = base.model.rotary_emb
        self.norm_w, self.eps = base.model.norm.weight, cfg.rms_norm_eps
        self.lm_head = _plain(base.lm_head).weight
        self.head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
        self.n_heads, self.n_kv = cfg.num_attention_heads, cfg.num_key_value_heads
        self.layers = [_layer_groups(layer) for layer in base.model.layers]
        self.first_lora = next((m for m in base.modules() if hasattr(m, "lora_A")), None)
        _define_folded()
        self.step = _compiled_layer() if compile else _layer
        self.norm = _compiled_norm() if compile else _rms

    def lora_on(self) -> bool:
        return self.first_lora is not None and not self.first_lora.disable_adapters

    def loss(self, batch: "Batch"):
        """Summed target-token loss / batch.n_items (a scalar with a graph to the LoRA weights)."""
        import torch.nn.functional as F

        from trainer.engines.loss import linear_cross_entropy

        x = F.embedding(batch.ids, self.embed)
        cos, sin = self.rotary(x, batch.pos)
        lora, p = self.lora_on(), self.layers[0]["qkv"].dropout if self.model.training else 0.0
        dims = (self.n_heads, self.n_kv, self.head_dim, self.eps, p)
        for groups in self.layers:
            x = self.step(x, cos, sin, batch.mask, groups["ln1"], groups["ln2"],
                          *_group_args(groups, lora), dims)
        x = self.norm(x, self.norm_w, self.eps)
        backend = OPTIONS["loss"] if self.loss_backend == "auto" else self.loss_backend
        return linear_cross_entropy(x[0], self.lm_head, batch.targets, batch.n_items, backend, keep=batch.keep)


@dataclass
class Batch:
    ids: object
    pos: object
    targets: object
    mask: object
    n_items: int
    keep: object = None
    """Indices of the rows with a target (known on the host: no device sync to find them)."""


def make_batch(rows: list[PackedRow], length: int, n_items: int, device: str) -> Batch:
    """Rows laid end to end in one sequence of `length` tokens (a multiple of 128), the targets
    shifted within each row (as the plain loss does), and the document BlockMask. Built with
    numpy and one host-to-device copy: the GPU waits for this at the start of every step."""
    import numpy as np
    import torch
    from torch.nn.attention.flex_attention import create_block_mask

    n = sum(len(r.input_ids) for r in rows)
    if n > length:
        raise ValueError(f"{n} tokens do not fit a micro-batch of {length}")
    buf = np.empty((3, length), dtype=np.int64)  # ids, positions, targets
    ids, pos, targets = buf
    ids[n:], pos[n:], targets[n:] = 0, np.arange(length - n), IGNORE
    at = 0
    for r in rows:
        k = len(r.input_ids)
        ids[at:at + k], pos[at:at + k] = r.input_ids, r.position_ids
        targets[at:at + k - 1], targets[at + k - 1] = r.labels[1:], IGNORE
        at += k
    starts = pos == 0  # a new document wherever the position restarts (and at each row's start)
    starts[0] = True
    row_starts = np.cumsum([0] + [len(r.input_ids) for r in rows[:-1]])
    starts[row_starts[row_starts < length]] = True
    if n < length:
        starts[n] = True  # the padding is one document of its own
        starts[n + 1:] = False
    docs = np.cumsum(starts) - 1
    keep = np.flatnonzero(targets != IGNORE)
    host = torch.from_numpy(np.concatenate([buf.reshape(-1), docs, keep]))
    dev = host.pin_memory().to(device, non_blocking=True) if str(device).startswith("cuda") else host
    ids_t, pos_t, tgt_t = dev[:length], dev[length:2 * length], dev[2 * length:3 * length]
    doc = dev[3 * length:4 * length]

    def same_doc_causal(b, h, q, kv):
        return (q >= kv) & (doc[q] == doc[kv])

    mask = create_block_mask(same_doc_causal, B=None, H=None, Q_LEN=length, KV_LEN=length, device=device,
                             _compile=True)
    return Batch(ids_t[None], pos_t[None], tgt_t, mask, n_items, dev[4 * length:])


def micro_length(micro_batch: int, max_len: int) -> int:
    return -(-micro_batch * max_len // 128) * 128


def auto_micro_batch(model, rows_per_step: int, max_len: int, free_bytes: int) -> int:
    """The largest divisor of rows_per_step whose activations fit in about half the free memory
    (and no more than MAX_MICRO_TOKENS tokens): bigger forwards run the GPU nearer its peak."""
    cfg = model.get_base_model().config
    per_token = activation_bytes_per_token(cfg)
    best = 1
    for m in range(1, rows_per_step + 1):
        if rows_per_step % m == 0 and m * max_len <= max(MAX_MICRO_TOKENS, max_len) \
                and m * max_len * per_token <= free_bytes * 0.5:
            best = m
    return best


def activation_bytes_per_token(cfg) -> int:
    """bf16 bytes kept for the backward pass per token: about 8 hidden-wide and 4
    intermediate-wide tensors per layer, plus the q/k/v rows (a deliberate over-estimate)."""
    hd = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
    qkv = (cfg.num_attention_heads + 2 * cfg.num_key_value_heads) * hd
    return 2 * cfg.num_hidden_layers * (8 * cfg.hidden_size + 4 * cfg.intermediate_size + 2 * qkv)


def _plain(mod):
    return getattr(mod, "base_layer", mod)


def _layer_groups(layer) -> dict:
    """The decoder layer's weights as fused groups (frozen parts concatenated once, no grad)."""
    import torch

    mods = {**{n: getattr(layer.self_attn, n) for n in ("q_proj", "k_proj", "v_proj", "o_proj")},
            **{n: getattr(layer.mlp, n) for n in ("gate_proj", "up_proj", "down_proj")}}
    out = {"ln1": layer.input_layernorm.weight, "ln2": layer.post_attention_layernorm.weight}
    for gname, parts in GROUPS.items():
        ws = [_plain(mods[p]).weight for p in parts]
        weight = ws[0] if len(ws) == 1 else _fuse(ws)
        loras, drop = [], 0.0
        for p in parts:
            m = mods[p]
            if hasattr(m, "lora_A") and "default" in m.lora_A:
                loras.append((m.lora_A["default"].weight, m.lora_B["default"].weight, m.scaling["default"]))
                d = m.lora_dropout["default"]
                drop = max(drop, getattr(d, "p", 0.0))
            else:
                loras.append(None)
        out[gname] = Group(weight, [w.shape[0] for w in ws], loras, drop)
    return out


def _fuse(weights: list) -> object:
    """One frozen [sum out, in] tensor; the original parameters become views into it, so the
    model keeps one copy of its weights and the plain path still sees the same numbers."""
    import torch

    fused = torch.cat([w.detach() for w in weights])
    start = 0
    for w in weights:
        w.data = fused[start:start + w.shape[0]]
        start += w.shape[0]
    return fused


def _group_args(groups: dict, lora: bool) -> list:
    return [groups[g].args(lora) for g in GROUPS]


def _rms(x, w, eps: float):
    import torch

    h = x.float()
    h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)
    return w * h.to(x.dtype)


def _lin(x, group: tuple, p: float):
    """x @ w.T plus the group's LoRA term: A stacked [sum r, in], B block-diagonal [out, sum r]
    (scale folded in), both cast to the activations' dtype (peft keeps them in fp32), built
    inside the compiled graph so the small ops fuse; dropout as peft (one mask per group).
    Where the output is wider than the input the up-projection is folded into the base product
    (`_Folded`): the [tokens, out] LoRA term is never written and read back, and the backward
    gets g @ B from the same product as g @ W."""
    import torch
    import torch.nn.functional as F

    w, parts, outs = group
    if parts is None:
        return x @ w.T
    dt = x.dtype
    a = torch.cat([lo[0].to(dt) for lo in parts if lo is not None])
    b = torch.block_diag(*[(lo[1] * lo[2]).to(dt) if lo is not None
                           else torch.zeros(n, 0, dtype=dt, device=x.device) for lo, n in zip(parts, outs)])
    if OPTIONS["fold"] and w.shape[0] > w.shape[1]:  # xd None: no dropout, the LoRA reads x itself
        return _COMPILED["folded"].apply(x, F.dropout(x, p) if p > 0 else None, w, a, b)
    xd = F.dropout(x, p) if p > 0 else x
    return x @ w.T + (xd @ a.T) @ b.T


def _define_folded() -> None:
    """The folded product as an autograd.Function, defined before torch.compile traces a layer
    (a class made inside traced code breaks the graph). x is passed once; xd only when dropout
    makes it another tensor. A first version that passed x twice (x and xd, the same tensor at
    p = 0) and made the class inside the traced layer gave wrong LoRA gradients on the device;
    which of the two caused it was not separated."""
    if "folded" in _COMPILED:
        return
    import torch

    class _Folded(torch.autograd.Function):
        """y = [x, xd A^T] @ [W, B]^T (xd = x when None); W frozen; grads for x, xd, A, B."""

        @staticmethod
        def forward(ctx, x, xd, w, a, b):
            src = x if xd is None else xd
            u = src @ a.T
            y = torch.cat([x, u], dim=-1) @ torch.cat([w, b], dim=1).T
            ctx.save_for_backward(src, w, a, b, u)
            ctx.same = xd is None
            return y

        @staticmethod
        def backward(ctx, g):
            src, w, a, b, u = ctx.saved_tensors
            gxu = g @ torch.cat([w, b], dim=1)
            gx, gu = gxu[..., :w.shape[1]], gxu[..., w.shape[1]:]
            gsrc = gu @ a
            gu2, g2 = gu.reshape(-1, gu.shape[-1]), g.reshape(-1, g.shape[-1])
            ga = gu2.T @ src.reshape(-1, src.shape[-1])
            gb = g2.T @ u.reshape(-1, u.shape[-1])
            if ctx.same:
                return gx + gsrc, None, None, ga, gb
            return gx, gsrc, None, ga, gb

    _COMPILED["folded"] = _Folded


def _rope(x, cos, sin):
    import torch

    half = x.shape[-1] // 2
    rot = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos + rot * sin


def _layer(x, cos, sin, mask, ln1, ln2, qkv, o, gate_up, down, dims):
    """One Llama decoder layer on [1, S, hidden], the same arithmetic as transformers' own."""
    import torch.nn.functional as F
    from torch.nn.attention.flex_attention import flex_attention

    n_heads, n_kv, hd, eps, p = dims
    bsz, s, _ = x.shape
    q, k, v = _lin(_rms(x, ln1, eps), qkv, p).split([n_heads * hd, n_kv * hd, n_kv * hd], dim=-1)
    q = _rope(q.view(bsz, s, n_heads, hd).transpose(1, 2), cos[:, None], sin[:, None])
    k = _rope(k.view(bsz, s, n_kv, hd).transpose(1, 2), cos[:, None], sin[:, None])
    v = v.view(bsz, s, n_kv, hd).transpose(1, 2)
    att = flex_attention(q, k, v, block_mask=mask, enable_gqa=n_kv != n_heads)
    x = x + _lin(att.transpose(1, 2).reshape(bsz, s, n_heads * hd), o, p)
    gate, up = _lin(_rms(x, ln2, eps), gate_up, p).chunk(2, dim=-1)
    return x + _lin(F.silu(gate) * up, down, p)


_COMPILED: dict = {}


def _compiled_layer():
    import torch

    _define_folded()

    if "layer" not in _COMPILED:
        _COMPILED["layer"] = torch.compile(_layer, dynamic=False, mode=OPTIONS["mode"])
    return _COMPILED["layer"]


def _compiled_norm():
    import torch

    if "norm" not in _COMPILED:
        _COMPILED["norm"] = torch.compile(_rms, dynamic=False)
    return _COMPILED["norm"]


def attach(model, device: str, micro_batch: int, max_len: int, compile: bool = True,
           loss_backend: str = "auto") -> str | None:
    """Hang a FastLlama on the peft model; forward_loss then uses it for training steps (the
    plain path still evaluates). Returns why not, or None when attached."""
    why = unsupported(model, device)
    if why is None:
        fast = FastLlama(model, compile=compile, loss_backend=loss_backend)
        fast.length = micro_length(micro_batch, max_len)
        model._brain_fast = fast
    return why


def train_loss(model, rows: list[PackedRow], n_items: int, device: str) -> float:
    """forward_loss's fast twin: the micro-batch's loss, backpropagated; returns its value."""
    fast: FastLlama = model._brain_fast
    loss = fast.loss(make_batch(rows, fast.length, n_items, device))
    loss.backward()
    return float(loss.detach())

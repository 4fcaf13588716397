"""The CUDA fast path computes the same step as the plain peft path: same loss and same LoRA
gradients (to bf16 rounding) on fixed packed rows, with each loss backend. Runs only where CUDA
is present (the device machine; see notes/gpu-speed.md)."""

from __future__ import annotations

import random

import pytest

torch = pytest.importorskip("torch")
pytestmark = [pytest.mark.cuda, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]


def packed_rows(seed: int, n_rows: int, max_len: int, vocab: int):
    """Rows of several examples each (positions restart), prompt halves without loss."""
    from trainer.data.tokenize import PackedRow

    rng = random.Random(seed)
    rows = []
    for _ in range(n_rows):
        ids, labels, pos, lens = [], [], [], []
        while len(ids) < max_len - rng.randint(0, 40):
            n = min(rng.randint(20, 300), max_len - len(ids))
            toks = [rng.randrange(vocab) for _ in range(n)]
            ids += toks
            labels += [-100] * (n // 2) + toks[n // 2:]
            pos += list(range(n))
            lens.append(n)
        rows.append(PackedRow(ids, labels, pos, lens))
    return rows


def small_lora_llama(seed: int):
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    cfg = LlamaConfig(hidden_size=256, intermediate_size=704, num_hidden_layers=3, num_attention_heads=8,
                      num_key_value_heads=2, vocab_size=5000, tie_word_embeddings=True)
    model = LlamaForCausalLM(cfg).to("cuda", torch.bfloat16)
    model.config.use_cache = False
    model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules="all-linear"))
    for name, p in model.named_parameters():
        if "lora_B" in name:  # B starts at zero in peft: make the adapter matter
            torch.nn.init.normal_(p, std=0.02)
    return model


def step(model, rows, n_items):
    from trainer.engines.peft_engine import forward_loss

    model.zero_grad(set_to_none=True)
    loss = sum(forward_loss(model, [r], n_items, "cuda", True, backward=True) for r in rows)
    return loss, {n: p.grad.float().clone() for n, p in model.named_parameters() if p.requires_grad}


@pytest.mark.parametrize("backend", ["chunked", "compiled", "liger"])
def test_fast_step_has_the_plain_steps_loss_and_gradients(backend):
    from trainer.engines import fastpath
    from trainer.engines.data import n_targets
    from trainer.engines.loss import liger_available

    if backend == "liger" and not liger_available():
        pytest.skip("liger-kernel is not installed (the optional cuda extra)")
    seed = random.randrange(1000)  # fresh inputs each run: the same function on any valid input
    model = small_lora_llama(seed)
    rows = packed_rows(seed, 4, 1024, 5000)
    n_items = sum(n_targets(r) for r in rows)
    plain_loss, plain_grads = step(model, rows, n_items)
    assert fastpath.attach(model, "cuda", 2, 1024, loss_backend=backend) is None
    from trainer.engines.peft_engine import forward_loss

    model.zero_grad(set_to_none=True)  # micro-batches of 2 rows, laid end to end
    fast_loss = sum(forward_loss(model, mb, n_items, "cuda", True, backward=True) for mb in (rows[:2], rows[2:]))
    fast_grads = {n: p.grad.float().clone() for n, p in model.named_parameters() if p.requires_grad}
    assert abs(fast_loss - plain_loss) / plain_loss < 5e-3, (seed, fast_loss, plain_loss)
    assert fast_grads.keys() == plain_grads.keys() and len(fast_grads) == 3 * 7 * 2
    for name, g in plain_grads.items():
        rel = ((fast_grads[name] - g).norm() / g.norm()).item()
        assert rel < 3e-2, (seed, name, rel)


def test_fast_path_keeps_examples_apart():
    """Changing one example of a packed row changes no other example's loss."""
    from trainer.engines import fastpath

    model = small_lora_llama(1)
    assert fastpath.attach(model, "cuda", 1, 1024) is None
    fast = model._brain_fast
    row = packed_rows(1, 1, 1024, 5000)[0]
    first = row.seq_lens[0]
    with torch.no_grad():
        base = fast.loss(fastpath.make_batch([row], 1024, 1, "cuda"))
        changed = type(row)([7] * first + row.input_ids[first:], [-100] * first + row.labels[first:],
                            row.position_ids, row.seq_lens)
        again = fast.loss(fastpath.make_batch([changed], 1024, 1, "cuda"))
        row_wo_first = type(row)(row.input_ids, [-100] * first + row.labels[first:], row.position_ids, row.seq_lens)
        ref = fast.loss(fastpath.make_batch([row_wo_first], 1024, 1, "cuda"))
    assert torch.allclose(again, ref, rtol=1e-3), (again, ref)
    assert not torch.allclose(base, ref, rtol=1e-3)


def test_micro_batch_is_sized_from_free_memory():
    from trainer.engines import fastpath

    model = small_lora_llama(2)
    per_token = fastpath.activation_bytes_per_token(model.get_base_model().config)
    assert fastpath.auto_micro_batch(model, 8, 2048, 8 * 2048 * per_token * 4) == 8
    assert fastpath.auto_micro_batch(model, 8, 2048, 2 * 2048 * per_token * 2) == 2
    assert fastpath.auto_micro_batch(model, 8, 2048, 10) == 1


def test_brain_eval_runs_on_the_gpu_with_the_cpus_figures(tmp_path):
    """`brain eval` loads on CUDA when there is one; fp32 there too, so the perplexities are the
    CPU's to rounding."""
    import json

    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
    from tokenizers import Tokenizer, models, pre_tokenizers

    from trainer.adapters.evaluate import eval_device, evaluate_adapter
    from trainer.engines import TrainJob, TrainSettings, get_engine

    words = [f"w{i}" for i in range(200)] + ["user", "assistant", "topic", "decided", "keep", "simple"]
    tk = Tokenizer(models.WordLevel({w: i for i, w in enumerate(["<unk>", "<s>", "</s>", *words])}, unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, unk_token="<unk>", bos_token="<s>", eos_token="</s>")
    tok.chat_template = "{% for m in messages %}{{ m.role }} {{ m.content }} </s> {% endfor %}" \
                        "{% if add_generation_prompt %}assistant {% endif %}"
    folder = tmp_path / "model"
    torch.manual_seed(0)
    LlamaForCausalLM(LlamaConfig(hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
                                 num_key_value_heads=2, vocab_size=len(tok), eos_token_id=2, bos_token_id=1)
                     ).save_pretrained(folder)
    tok.save_pretrained(folder)
    data = tmp_path / "data"
    data.mkdir()
    rows = [{"messages": [{"role": "user", "content": f"topic w{i}"},
                          {"role": "assistant", "content": f"decided keep w{i} simple"}]} for i in range(40)]
    (data / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[:32]))
    (data / "eval.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[32:]))
    settings = TrainSettings(max_steps=10, max_len=64, rows_per_step=4, learning_rate=3e-3,
                             precision="fp32")  # no bf16 autocast in the CPU evaluation either
    get_engine("peft").train(TrainJob(str(folder), data, tmp_path / "v1", settings), lambda e: None)
    assert eval_device() == "cuda"
    gpu = evaluate_adapter(str(folder), tmp_path / "v1", data, settings, samples=1)
    cpu = evaluate_adapter(str(folder), tmp_path / "v1", data, settings, samples=0, device="cpu")
    assert gpu.device == "cuda" and cpu.device == "cpu"
    for split, fig in cpu.figures().items():
        assert gpu.figures()[split]["base_ppl"] == pytest.approx(fig["base_ppl"], rel=1e-3)
        assert gpu.figures()[split]["adapter_ppl"] == pytest.approx(fig["adapter_ppl"], rel=1e-3)
    held = gpu.figures()["held-out notes"]
    assert held["adapter_ppl"] < held["base_ppl"]

"""`brain eval`: held-out perplexity, base model vs adapter, plus a few sample answers."""

from __future__ import annotations

from tui.commands import add_command, fail, resolve_config

HELP = """\
Perplexity of the base model and of an adapter (default: the active one) on the data it was
trained with: held-out notes (never trained on), held-out chat messages (if chats were
imported) and a sample of training notes. Figures are stored in the adapter's manifest.

  brain eval                      the active adapter
  brain eval --version v0002      another version
  brain eval --questions FILE     score grounded answers instead (same as `brain eval-questions`)
  brain eval --membership NOTE    did the adapter learn NOTE? (after `brain forget`: it should not)
"""


def register(sub) -> None:
    p = add_command(sub, "eval", "perplexity of base vs adapter on held-out notes", run, description=HELP)
    p.add_argument("--version", help="adapter version (default: the active one)")
    p.add_argument("--max-rows", type=int, default=48, help="rows per split at most (default 48)")
    p.add_argument("--questions", metavar="FILE.jsonl", help="run the question evaluation instead")
    p.add_argument("--membership", metavar="NOTE", action="append",
                   help="membership test: NOTE's score under the adapter against never-seen and trained notes "
                        "(a vault path; repeatable; works for forgotten notes still on disk)")


def run(args) -> int:
    if args.questions:
        return _questions(args)
    if args.membership:
        from tui.commands.eval_membership import run_membership

        return run_membership(args)
    from trainer.adapters.evaluate import eval_device, evaluate_adapter
    from trainer.paths import adapters_dir, vault_data_dir
    from trainer.adapters.registry import AdapterRegistry, RegistryError

    cfg = resolve_config(args)
    reg = AdapterRegistry(adapters_dir(cfg.vault_path))
    try:
        version = reg.get(args.version) if args.version else reg.get(reg.active_name() or "")
    except RegistryError:
        return fail("no adapter to evaluate: run `brain train` first (or pass --version)")
    m = version.manifest
    data_dir = vault_data_dir(cfg.vault_path) / "runs" / str(m.get("run")) / "data"
    if not (data_dir / "eval.jsonl").is_file():
        return fail(f"the training data of {version.name} is gone ({data_dir}); retrain to evaluate")
    device = eval_device()
    print(f"evaluating {version.name} against {m['base_model']['name']} (this loads the model on the {device.upper()})…")
    report = evaluate_adapter(m["base_model"]["spec"], version.path, data_dir, cfg.train, args.max_rows, device=device)
    print(f"\n{'split':<18}{'rows':>6}{'base ppl':>11}{'adapter ppl':>13}{'change':>9}")
    for name, fig in report.figures().items():
        base, tuned = fig["base_ppl"], fig["adapter_ppl"]
        print(f"{name:<18}{fig['rows']:>6}{base:>11.2f}{tuned:>13.2f}{(tuned / base - 1) * 100:>8.1f}%")
    for question, base, tuned in report.samples:
        print(f"\nQ: {question}\n  base:    {base[:300]}\n  adapter: {tuned[:300]}")
    reg.update_manifest(version.name, evaluation=report.figures())
    return 0


def _questions(args) -> int:
    from pathlib import Path

    from tui.commands import eval_questions

    args.questions = Path(args.questions)
    for name, default in [("dense", "auto"), ("max_tokens", 160), ("no_model", False), ("out", None)]:
        setattr(args, name, getattr(args, name, default))
    return eval_questions.run(args)

"""`brain adapters list | use V | rollback | rm V`: the vault's adapter versions."""

from __future__ import annotations

from tui.commands import add_command, fail, resolve_config


def register(sub) -> None:
    p = add_command(sub, "adapters", "list, activate, roll back or remove adapter versions", run,
                    description="Adapter versions of the vault (newest last).\n\n"
                    "  brain adapters list\n  brain adapters use v0003\n  brain adapters use base\n"
                    "  brain adapters rollback\n  brain adapters rm v0001")
    p.add_argument("action", choices=["list", "use", "rollback", "rm"], nargs="?", default="list")
    p.add_argument("version", nargs="?", help="version name (vNNNN), or 'base' with use")


def run(args) -> int:
    from trainer.paths import adapters_dir
    from trainer.adapters.registry import AdapterRegistry, RegistryError

    reg = AdapterRegistry(adapters_dir(resolve_config(args).vault_path))
    try:
        if args.action == "list":
            return list_versions(reg)
        if args.action == "rollback":
            print(f"active: {reg.rollback() or 'base'}")
            return 0
        if not args.version:
            return fail(f"`brain adapters {args.action}` needs a version name", 2)
        if args.action == "use":
            reg.activate(None if args.version == "base" else args.version)
            print(f"active: {args.version}")
        else:
            reg.remove(args.version)
            print(f"removed {args.version}")
    except RegistryError as exc:
        return fail(str(exc))
    return 0


def list_versions(reg) -> int:
    versions = reg.versions()
    active = reg.active_name()
    if not versions:
        print("no adapters yet: run `brain train`")
        return 0
    print(f"{'':2}{'version':<9}{'created':<26}{'engine':<7}{'eval loss':>10}{'base':>8}{'ppl drop':>10}  notes")
    for v in versions:
        m = v.manifest
        ev, base = m.get("eval_loss"), m.get("base_eval_loss")
        drop = f"{(1 - 2.718281828 ** (ev - base)) * 100:.0f}%" if ev is not None and base is not None else "?"
        print(f"{'*' if v.name == active else ' ':2}{v.name:<9}{m.get('created', '?'):<26}{m.get('engine', '?'):<7}"
              f"{_num(ev):>10}{_num(base):>8}{drop:>10}  {m.get('dataset', {}).get('notes', '?')}")
    print(f"active: {active or 'base'}")
    return 0


def _num(x) -> str:
    return "?" if x is None else f"{x:.3f}"

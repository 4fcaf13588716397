"""`brain export`: an adapter version as a llama.cpp GGUF LoRA, or as a folder Ollama imports."""

from __future__ import annotations

import sys
from pathlib import Path

from tui.commands import add_command, fail, resolve_config

HELP = """\
Convert an adapter version's peft weights into a llama.cpp GGUF LoRA (kept in the version as
lora.gguf, which the llamacpp backend loads), copy it elsewhere, or write a folder for Ollama.
The base model is the .gguf the adapter was trained on (its manifest says), or --model.

examples:
  brain export                            give the active adapter its lora.gguf (if it lacks one)
  brain export --gguf my-lora.gguf        write the active adapter as a GGUF LoRA file
  brain export --ollama ./brain-ollama    Modelfile + base.gguf + lora.gguf; then
                                          ollama create brain -f ./brain-ollama/Modelfile
  brain export --version v0002 --check    compare llama.cpp + GGUF LoRA with transformers + peft
"""


def register(sub) -> None:
    p = add_command(sub, "export", "export an adapter as a GGUF LoRA (llama.cpp) or for Ollama", run,
                    description=HELP)
    p.add_argument("--version", help="adapter version, e.g. v0003 (default: the active one)")
    p.add_argument("--gguf", type=Path, metavar="OUT", help="write the GGUF LoRA to this file")
    p.add_argument("--ollama", type=Path, metavar="DIR", help="write Modelfile, base.gguf and lora.gguf into DIR")
    p.add_argument("--force", action="store_true", help="convert again even if the version has a lora.gguf")
    p.add_argument("--check", action="store_true",
                   help="measure llama.cpp's agreement with transformers+peft and store it in the manifest")


def run(args) -> int:
    from backends.base import BackendError
    from trainer.adapters.export_gguf import ExportError
    from trainer.paths import adapters_dir
    from trainer.adapters.registry import AdapterRegistry, RegistryError

    cfg = resolve_config(args)
    reg = AdapterRegistry(adapters_dir(cfg.vault_path))
    try:
        version = pick_version(reg, args.version)
        base = base_gguf(version.manifest, getattr(args, "model", None))
        lora = ensure_gguf(version, base, args.force)
        if args.check:
            check(reg, version, base, cfg.backend.n_threads)
        if args.gguf:
            write_copy(lora, args.gguf)
        if args.ollama:
            write_ollama(version, base, lora, args.ollama, cfg.chat.system_prompt)
    except (RegistryError, ExportError, BackendError) as exc:
        return fail(str(exc))
    return 0


def pick_version(reg, name: str | None):
    from trainer.adapters.registry import RegistryError

    name = name or reg.active_name()
    if name is None:
        raise RegistryError("No active adapter: train one with `brain train`, or name one with --version "
                            "(see `brain adapters list`).")
    return reg.get(name)


def base_gguf(manifest: dict, model_flag: str | None) -> Path:
    """The base model file: --model, else the one the manifest names; it must be a .gguf."""
    from backends.models import file_sha256, resolve_model
    from trainer.adapters.export_gguf import ExportError

    recorded = manifest.get("base_model") or {}
    ref = resolve_model(model_flag or recorded.get("spec") or "default")
    if ref.kind != "gguf":
        raise ExportError(f"llama.cpp needs the base model as a .gguf file; {ref.spec!r} is a {ref.kind} model. "
                          "Pass --model PATH.gguf (the same model converted to GGUF).")
    if recorded.get("sha256") and file_sha256(ref.path) != recorded["sha256"]:
        print(f"warning: {ref.path.name} is not the exact file this adapter was trained on "
              "(another build or quantization?); check the output.", file=sys.stderr)
    return ref.path


def ensure_gguf(version, base: Path, force: bool) -> Path:
    """The version's lora.gguf, converted from its peft weights when missing (or --force)."""
    from trainer.adapters.export_gguf import ExportError, export_gguf_lora

    lora, peft = version.path / "lora.gguf", version.path / "peft"
    if lora.is_file() and not force:
        return lora
    if not peft.is_dir():
        if lora.is_file():
            return lora
        raise ExportError(f"Adapter {version.name} has no peft weights to convert (an mlx adapter?); "
                          "GGUF export needs a peft adapter.")
    export_gguf_lora(peft, base, lora)
    print(f"{version.name}: wrote {lora} ({lora.stat().st_size / 1e6:.1f} MB)")
    return lora


def check(reg, version, base: Path, n_threads: int) -> None:
    from backends.hf_folder import hf_folder_from_gguf
    from trainer.adapters.lora_agreement import measure_agreement, sample_ids

    if not (version.path / "peft").is_dir():
        print(f"{version.name}: no peft weights, nothing to compare with", file=sys.stderr)
        return
    hf_dir = hf_folder_from_gguf(base)
    result = measure_agreement(hf_dir, base, version.path, sample_ids(hf_dir), n_threads=n_threads)
    print(result.report())
    reg.update_manifest(version.name, gguf_agreement=result.as_dict())


def write_copy(lora: Path, out: Path) -> None:
    from trainer.atomic import atomic_copy

    out = out / "lora.gguf" if out.is_dir() else out
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_copy(lora, out)
    print(f"wrote {out}")


def write_ollama(version, base: Path, lora: Path, out_dir: Path, system: str) -> None:
    from trainer.adapters.ollama_export import write_ollama_dir

    name = f"brain-{version.name}"
    modelfile = write_ollama_dir(base, lora, out_dir, system=system,
                                 note=f"brain adapter {version.name} on {base.name}\n"
                                      f"create it with: ollama create {name} -f Modelfile")
    print(f"wrote {modelfile}, base.gguf and lora.gguf\nnext: cd {out_dir} && ollama create {name} -f Modelfile "
          f"&& ollama run {name}")

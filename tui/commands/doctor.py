"""`brain doctor`: what works on this machine and what to do about what doesn't."""

from __future__ import annotations

import importlib.util
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from backends.offline import describe
from tui.commands import add_command, resolve_config

PACKAGES = [
    ("textual", "the TUI"), ("llama-cpp-python", "llamacpp backend"), ("watchdog", "vault sync"),
    ("torch", "transformers backend, training"), ("transformers", "transformers backend, training"),
    ("peft", "LoRA training"), ("mlx", "MLX training (Apple silicon)"), ("mlx-lm", "MLX backend"),
    ("openai", "openai backend"), ("gguf", "adapter export"), ("fastapi", "API server"),
]


def register(sub) -> None:
    add_command(sub, "doctor", "check Python, packages, model, GPU and data folders", run)


def run(args) -> int:
    cfg = resolve_config(args)
    ok = True
    print(f"Python      {platform.python_version()} ({sys.executable})")
    for dist, purpose in PACKAGES:
        print(f"{dist:<19} {_version(dist):<12} {purpose}")
    ok &= _check_model(cfg.chat.model)
    print(f"backend     {cfg.chat.backend}")
    print(f"accelerator {_accelerator()}")
    _print_llamacpp()
    print(f"network     {describe()}")
    ok &= _check_vault(cfg)
    _print_paths(cfg)
    return 0 if ok else 1


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "missing"


def _check_model(spec: str) -> bool:
    from backends import BackendError, resolve_model

    try:
        ref = resolve_model(spec)
    except BackendError as exc:
        print(f"model       MISSING: {exc}")
        return False
    where = ref.path or "(hub id; loaded by transformers)"
    print(f"model       {ref.name}: {where}")
    return True


def _print_llamacpp() -> None:
    """What llama.cpp reports about this CPU, and whether brain lets it repack weights (the AMX
    crash guard, backends/llamacpp_cpu.py)."""
    if not importlib.util.find_spec("llama_cpp"):
        return
    from backends.llamacpp_cpu import repack_mode, system_info

    print(f"llama.cpp   {system_info()}")
    try:
        print(f"repack      {repack_mode().label()}")
    except ValueError as exc:  # a bad BRAIN_LLAMACPP_REPACK value
        print(f"repack      {exc}")


def _accelerator() -> str:
    found = []
    if importlib.util.find_spec("torch"):
        import torch

        if torch.cuda.is_available():
            found.append(f"CUDA {torch.cuda.get_device_name(0)}")
    if platform.system() == "Darwin" and platform.machine() == "arm64":
        found.append("Apple silicon (MLX)")
    elif importlib.util.find_spec("mlx"):
        found.append("MLX on CPU (slow; for tests)")
    return ", ".join(found) or "none: CPU only (chat works; training is slow but runs)"


def _check_vault(cfg) -> bool:
    vault = cfg.vault_path
    if not vault.is_dir():
        print(f"vault       MISSING: {vault} is not a folder")
        return False
    notes = sum(1 for p in vault.rglob("*.md") if not any(part.startswith(".") for part in p.parts))
    print(f"vault       {vault} ({notes} markdown files)")
    return True


def _print_paths(cfg) -> None:
    from backends.paths import cache_home
    from trainer.paths import vault_data_dir
    from tui.config import config_path

    print(f"config      {config_path()}{'' if config_path().is_file() else ' (not created; defaults in use)'}")
    print(f"data        {vault_data_dir(cfg.vault_path)}")
    print(f"cache       {cache_home()}")

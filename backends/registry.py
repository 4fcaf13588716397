"""Backends are plugins: found by entry point (group `brain.backends`), imported only when chosen.

The built-in backends are registered in pyproject.toml the same way a third-party package
would register its own, so listing names never imports torch, llama.cpp or mlx.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Any

from backends.base import BackendError, ChatBackend

GROUP = "brain.backends"
DEFAULT_BACKEND = "llamacpp"


def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def backend_names() -> list[str]:
    """Names of every registered backend, without importing any of them."""
    return sorted(_entry_points())


def get_backend(name: str, **options: Any) -> ChatBackend:
    """Instantiate backend `name` with its options (threads, URL, API key, device...)."""
    eps = _entry_points()
    if name not in eps:
        known = ", ".join(sorted(eps)) or "none (is brain installed? run `pip install -e .`)"
        raise BackendError(f"Unknown backend {name!r}. Known backends: {known}.")
    try:
        cls = eps[name].load()
    except ImportError as exc:
        raise BackendError(
            f"The {name} backend needs a package that is not installed ({exc.name or exc}). "
            "Run `brain doctor` to see what is missing."
        ) from exc
    return cls(**options)

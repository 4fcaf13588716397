"""brain makes no network call unless the user allowed one: the Hugging Face hub is offline by default.

transformers, peft, sentence-transformers and mlx-lm all go through huggingface_hub, which tries
the network (with retries: tens of seconds without one) for anything it does not find in its
cache, unless `HF_HUB_OFFLINE` is set. huggingface_hub reads that variable once, at import, so
`hub_offline()` sets the variables and, where the hub is already imported, its constant too.
Call it before importing transformers / huggingface_hub (the backends and the training child do).

The opt-in is `[backend] allow_network = true` in the config, `--allow-network`, or
`BRAIN_ALLOW_NETWORK=1`; the CLI turns the first two into the third, which child processes
(the training run) inherit.
"""

from __future__ import annotations

import os
import sys

ALLOW_ENV = "BRAIN_ALLOW_NETWORK"
HUB_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def network_allowed() -> bool:
    """True only when the user opted in (BRAIN_ALLOW_NETWORK=1/true/yes)."""
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def allow_network(allowed: bool) -> None:
    """Record the user's choice for this process and its children (the CLI calls this once)."""
    if allowed:
        os.environ[ALLOW_ENV] = "1"
        for var in HUB_VARS:
            os.environ.pop(var, None)
        _set_hub_constant(False)
    else:
        os.environ.pop(ALLOW_ENV, None)
        hub_offline()


def hub_offline() -> bool:
    """Put the Hugging Face hub offline unless the user allowed the network; True if offline."""
    if network_allowed():
        return False
    for var in HUB_VARS:
        os.environ[var] = "1"
    _set_hub_constant(True)
    return True


def _set_hub_constant(offline: bool) -> None:
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # imported before us: its import-time reading is stale
        constants.HF_HUB_OFFLINE = offline


def describe() -> str:
    """One line for `brain doctor`."""
    if network_allowed():
        return f"allowed ({ALLOW_ENV}=1 or [backend] allow_network): hub models may download"
    return "offline (default): Hugging Face hub off; enable with [backend] allow_network = true"

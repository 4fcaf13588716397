"""Where brain keeps its own files. Never inside the vault.

Defaults follow the platform's conventions (XDG on Linux) through platformdirs; BRAIN_HOME
moves everything under one folder (tests and portable installs use it).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def _home_override() -> Path | None:
    home = os.environ.get("BRAIN_HOME")
    return Path(home).expanduser() if home else None


def data_home() -> Path:
    """Per-user data: per-vault indexes, chat history, adapters."""
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir("brain"))


def cache_home() -> Path:
    """Rebuildable files (dequantized model copies). Safe to delete. BRAIN_CACHE moves it alone."""
    if os.environ.get("BRAIN_CACHE"):
        return Path(os.environ["BRAIN_CACHE"]).expanduser()
    home = _home_override()
    return home / "cache" if home else Path(platformdirs.user_cache_dir("brain"))


def config_home() -> Path:
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir("brain"))

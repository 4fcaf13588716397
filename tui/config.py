"""User settings: one TOML file in the config directory, environment overrides, dataclasses.

Library code never reads this file: the CLI and the TUI read it once and pass plain values down.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tomli_w

from backends import DEFAULT_BACKEND, DEFAULT_MODEL, GenOpts
from backends.paths import config_home
from trainer.engines.base import TrainSettings
from trainer.data.mix import ChatMix
from trainer.sync.settings import SyncSettings
from trainer.data.scrub_settings import ScrubSettings
from tui.config_check import merge
from trainer.atomic import atomic_write_bytes

DEMO_VAULT = Path(__file__).parent / "demo-vault"
DEFAULT_SYSTEM_PROMPT = (
    "You are the user's second brain. Answer briefly, in the first person, the way the user "
    "writes in their notes."
)


@dataclass
class ChatSettings:
    backend: str = DEFAULT_BACKEND
    """Which backend answers: llamacpp (default), transformers, openai, or a plugin's name."""
    model: str = DEFAULT_MODEL
    """'default' (bundled SmolLM2-135M), a .gguf file, a Hugging Face folder or a hub id."""
    temperature: float = 0.7
    top_p: float = 0.9
    max_tokens: int = 512
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    answer_style: str = "words"
    """Grounded answers: 'words' (composed from your own note sentences; right for the bundled
    135M model) or 'prose' (a capable model writes over them; unsupported sentences are removed)."""

    def gen_opts(self) -> GenOpts:
        return GenOpts(self.temperature, self.top_p, self.max_tokens, self.system_prompt)


@dataclass
class BackendSettings:
    n_threads: int = 0
    """CPU threads for llama.cpp; 0 = all cores."""
    n_ctx: int = 4096
    """Context window in tokens."""
    device: str = "auto"
    """transformers: 'auto', 'cpu' or 'cuda'."""
    base_url: str = "http://127.0.0.1:8080/v1"
    """openai backend: the server's OpenAI-compatible base URL."""
    api_key: str = ""
    """openai backend: key sent as a bearer token; empty for local servers without auth."""
    allow_network: bool = False
    """Let Hugging Face hub models download; off, brain makes no network call of its own."""


@dataclass
class Config:
    vault: str = ""
    """Default vault folder; empty = the bundled demo vault."""
    chat: ChatSettings = field(default_factory=ChatSettings)
    backend: BackendSettings = field(default_factory=BackendSettings)
    train: TrainSettings = field(default_factory=TrainSettings)
    chats: ChatMix = field(default_factory=ChatMix)
    keep_adapters: int = 5
    """Adapter versions kept on disk (the active one and its rollback target are always kept)."""
    sync: SyncSettings = field(default_factory=SyncSettings)
    """Watching the vault and refreshing the adapter as notes change (`brain sync`, the sync panel)."""
    scrub: ScrubSettings = field(default_factory=ScrubSettings)
    """Private data removed before training and import: deny/allow lists, phone regions, pseudonyms."""

    @property
    def vault_path(self) -> Path:
        return Path(self.vault).expanduser() if self.vault else DEMO_VAULT

    def backend_options(self) -> dict:
        """Options for `backends.get_backend`, only those the chosen backend takes."""
        b = self.backend
        return {
            "llamacpp": {"n_threads": b.n_threads, "n_ctx": b.n_ctx},
            "transformers": {"device": b.device},
            "openai": {"base_url": b.base_url, "api_key": b.api_key},
        }.get(self.chat.backend, {})


def config_path() -> Path:
    env = os.environ.get("BRAIN_CONFIG")
    return Path(env).expanduser() if env else config_home() / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config file if there is one. A broken file raises ValueError naming it."""
    path = path or config_path()
    cfg = Config()
    if path.is_file():
        try:
            merge(cfg, tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, TypeError, ValueError) as exc:
            raise ValueError(f"Cannot read config {path}: {exc}") from exc
        problems = cfg.scrub.problems()
        if problems:
            raise ValueError(f"Cannot read config {path}: {problems[0]}")
    return cfg


def save_config(cfg: Config, path: Path | None = None) -> Path:
    path = path or config_path()
    atomic_write_bytes(path, tomli_w.dumps(asdict(cfg)).encode())
    return path

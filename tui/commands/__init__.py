"""Shared plumbing for subcommands: common options and the config they resolve to."""

from __future__ import annotations

import argparse
import sys

from backends.offline import allow_network, network_allowed
from tui.config import Config, load_config


def common_options() -> argparse.ArgumentParser:
    """A parent parser so `brain index --vault X` works as well as `brain --vault X index`."""
    from tui.cli import add_common

    parent = argparse.ArgumentParser(add_help=False)
    add_common(parent)
    return parent


def add_command(sub, name: str, help: str, func, description: str = "") -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help, description=description or help, parents=[common_options()],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=func)
    return parser


def resolve_config(args: argparse.Namespace) -> Config:
    """Config file, then flags. Exits with a clear message if the config file is broken."""
    try:
        cfg = load_config()
    except ValueError as exc:
        sys.exit(f"brain: {exc}")
    if getattr(args, "vault", None):
        cfg.vault = str(args.vault)
    if getattr(args, "backend", None):
        cfg.chat.backend = args.backend
    if getattr(args, "model", None):
        cfg.chat.model = args.model
    if getattr(args, "allow_network", False):
        cfg.backend.allow_network = True
    cfg.backend.allow_network = cfg.backend.allow_network or network_allowed()
    allow_network(cfg.backend.allow_network)  # offline hub unless opted in; children inherit it
    remember_index_scrub(cfg)
    return cfg


def remember_index_scrub(cfg: Config) -> None:
    """Whoever indexes the vault next (this command, the TUI, sync, forget, the server) scrubs its
    notes with these [scrub] deny/allow values: they are kept beside the index."""
    from trainer.data.scrub_settings import record_for_index

    if cfg.vault_path.is_dir():
        try:
            record_for_index(cfg.vault_path, cfg.scrub)
        except OSError as exc:
            print(f"brain: could not record the [scrub] settings for the index ({exc})", file=sys.stderr)


def fail(message: str, code: int = 1) -> int:
    print(f"brain: {message}", file=sys.stderr)
    return code

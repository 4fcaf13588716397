"""`brain serve`: an OpenAI-compatible API for chat bots (AstrBot, anything OpenAI-compatible)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from tui.commands import add_command, fail, resolve_config

DEFAULT_PORT = 8765
DESCRIPTION = f"""\
Serve the model, with the vault's active adapter, at http://HOST:PORT/v1 (chat completions,
streaming or not, and the model list). A newly trained adapter is picked up between requests.

  brain serve                                   loopback only, no key needed
  BRAIN_API_KEY="$(openssl rand -hex 24)" brain serve
  BRAIN_API_KEY=... brain serve --host 0.0.0.0  other machines: a key is required
  brain serve --api-key-file ~/.config/brain/api-key   the key from a file only you can read

Listening on anything but loopback without a key is refused. Clients send the key as
'Authorization: Bearer KEY' (the api_key of an OpenAI client). Default port: {DEFAULT_PORT}.
"""


def register(sub) -> None:
    p = add_command(sub, "serve", "serve an OpenAI-compatible API for chat bots", run, DESCRIPTION)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--api-key", metavar="KEY",
                   help="require this bearer token (visible to other users in `ps`: prefer $BRAIN_API_KEY "
                        "or --api-key-file)")
    p.add_argument("--api-key-file", type=Path, metavar="FILE",
                   help="read the key from FILE, which only you may read (chmod 600)")
    p.add_argument("--trust-proxy", metavar="IPS", default="",
                   help="honour X-Forwarded-For/-Proto from these proxy addresses (comma-separated, as "
                        "uvicorn's forwarded_allow_ips); default: none, so a client cannot pick its own "
                        "address for the rate limit")
    p.add_argument("--max-in-flight", type=int, default=8, metavar="N",
                   help="requests answered or waiting at once; more get 503 (default 8)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="also accept this Host header, e.g. host.docker.internal (repeatable)")
    p.add_argument("--cors-origin", action="append", default=[], metavar="URL",
                   help="let this browser origin call the API, e.g. http://localhost:3000 (repeatable)")
    p.add_argument("--rate", type=int, default=60, metavar="N",
                   help="requests per minute per client address (default 60; 0 = no limit)")
    p.add_argument("--no-memory", action="store_true",
                   help="keep no memory per contact (default: remember what each contact, named by the "
                        "request's `user` field or an X-Brain-Contact header, said; see `brain memory`)")


def run(args) -> int:
    try:
        import uvicorn

        from tui.api.server import BindRefused, ServerSettings, check_settings, create_app
    except ImportError as exc:
        return fail(f"the API server needs FastAPI and uvicorn ({exc.name} is missing): "
                    "pip install 'second-brain[serve]'")
    from trainer.paths import index_db, memory_db

    cfg = resolve_config(args)
    try:
        key = api_key(args)
        check_numbers(args)
    except ValueError as exc:
        return fail(str(exc), 2)
    settings = ServerSettings(args.host, key, tuple(args.allow_host), tuple(args.cors_origin),
                              requests_per_minute=args.rate, max_in_flight=args.max_in_flight,
                              defaults=cfg.chat.gen_opts(),
                              index_db=index_db(cfg.vault_path), vault=cfg.vault_path,
                              answer_style=cfg.chat.answer_style,
                              memory_db=None if args.no_memory else memory_db(cfg.vault_path))
    try:
        check_settings(settings)
    except BindRefused as exc:
        return fail(str(exc), 2)
    session = _load(cfg)
    if session is None:
        return 1
    print(f"brain serves {session.info().model} ({session.info().adapter_label}) at "
          f"http://{_url_host(args.host)}:{args.port}/v1 as model {settings.model_id!r}"
          f"{'; API key required' if settings.api_key else ''}")
    uvicorn.run(create_app(session, settings), **uvicorn_options(args))
    return 0


def uvicorn_options(args) -> dict:
    """uvicorn trusts X-Forwarded-For from loopback by default, which would let any local
    client pick a fresh rate-limit address per request: proxy headers only from --trust-proxy."""
    return {"host": args.host, "port": args.port, "log_level": "info", "server_header": False,
            "proxy_headers": bool(args.trust_proxy), "forwarded_allow_ips": args.trust_proxy or None}


def api_key(args) -> str:
    """--api-key-file, else --api-key (with a warning), else $BRAIN_API_KEY, else none."""
    if args.api_key_file and args.api_key:
        raise ValueError("give the key once: --api-key or --api-key-file, not both")
    if args.api_key_file:
        return read_key_file(args.api_key_file)
    if args.api_key:
        print("brain: warning: --api-key is visible to every user of this machine (ps, /proc); "
              "prefer BRAIN_API_KEY=... or --api-key-file FILE", file=sys.stderr)
        return args.api_key
    return os.environ.get("BRAIN_API_KEY", "")


def read_key_file(path: Path) -> str:
    """The key in FILE, refused when others may read the file or it holds no key."""
    try:
        mode = path.stat().st_mode
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the API key file {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    if mode & 0o044:
        raise ValueError(f"the API key file {path} can be read by other users (mode {stat.filemode(mode)}); "
                         f"run: chmod 600 {path}")
    if not key or len(key.split()) != 1:
        raise ValueError(f"the API key file {path} must hold one key on one line, e.g. from `openssl rand -hex 24`")
    return key


def check_numbers(args) -> None:
    if not 0 < args.port < 65536:
        raise ValueError(f"--port {args.port} is not a TCP port (1-65535)")
    if args.rate < 0:
        raise ValueError(f"--rate {args.rate}: requests per minute must be 0 (no limit) or more")
    if args.max_in_flight < 1:
        raise ValueError(f"--max-in-flight {args.max_in_flight}: at least 1 request must be allowed")


def _load(cfg):
    from backends import BackendError
    from tui.session import ChatSession

    session = ChatSession(cfg)
    print("loading the model…", flush=True)
    try:
        session.load()
    except BackendError as exc:
        fail(str(exc))
        return None
    return session


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host

"""`brain serve`: an OpenAI-compatible API for chat bots (AstrBot, anything OpenAI-compatible)."""

from __future__ import annotations

import os

from tui.commands import add_command, fail, resolve_config

DEFAULT_PORT = 8765
DESCRIPTION = f"""\
Serve the model, with the vault's active adapter, at http://HOST:PORT/v1 (chat completions,
streaming or not, and the model list). A newly trained adapter is picked up between requests.

  brain serve                                   loopback only, no key needed
  brain serve --api-key "$(openssl rand -hex 24)"
  BRAIN_API_KEY=... brain serve --host 0.0.0.0  other machines: a key is required

Listening on anything but loopback without a key is refused. Clients send the key as
'Authorization: Bearer KEY' (the api_key of an OpenAI client). Default port: {DEFAULT_PORT}.
"""


def register(sub) -> None:
    p = add_command(sub, "serve", "serve an OpenAI-compatible API for chat bots", run, DESCRIPTION)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--api-key", metavar="KEY", help="require this bearer token (default: $BRAIN_API_KEY)")
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
    settings = ServerSettings(args.host, args.api_key or os.environ.get("BRAIN_API_KEY", ""),
                              tuple(args.allow_host), tuple(args.cors_origin),
                              requests_per_minute=args.rate, defaults=cfg.chat.gen_opts(),
                              index_db=index_db(cfg.vault_path),
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
    uvicorn.run(create_app(session, settings), host=args.host, port=args.port, log_level="info",
                server_header=False)
    return 0


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

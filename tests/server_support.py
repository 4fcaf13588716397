"""A real uvicorn server on a free loopback port, for the API tests (one copy, three users)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app, **config) -> Iterator[int]:
    """uvicorn in a background thread; `config` overrides uvicorn.Config's options. Yields the port."""
    port = free_port()
    opts = {"host": "127.0.0.1", "log_level": "warning", **config, "port": port}
    server = uvicorn.Server(uvicorn.Config(app, **opts))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(30)

"""The test suite's socket guard: brain makes no network call of its own, and the tests prove it.

`NetGuard.install()` patches `socket.socket.connect` / `connect_ex` and `socket.getaddrinfo`
for the whole pytest process. Unix sockets and loopback addresses (127.0.0.0/8, ::1, and the
names `localhost` and this machine's host name) pass; anything else is refused with
`NetworkBlocked` and recorded, and the autouse fixture in conftest.py fails the test that tried,
even when the code under test swallowed the error (as the hub client's retry loop does).
Child processes are not covered: they get HF_HUB_OFFLINE from the environment instead.
"""

from __future__ import annotations

import ipaddress
import socket
import threading


class NetworkBlocked(OSError):
    """A test tried to reach a non-loopback address."""


def _is_local_host(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%", 1)[0]
    if host in ("", "localhost", "localhost.localdomain", "ip6-localhost", socket.gethostname()):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: resolving it would ask a DNS server
    return ip.is_loopback or ip.is_unspecified


class NetGuard:
    """Records and refuses non-loopback connections while installed."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._lock = threading.Lock()
        self._saved: dict = {}

    def _refuse(self, what: str) -> NetworkBlocked:
        with self._lock:
            self.attempts.append(what)
        return NetworkBlocked(f"tests run offline: {what} was blocked (only loopback and Unix sockets are allowed)")

    def _allowed(self, sock: socket.socket, address) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return True  # AF_UNIX, socketpair, netlink...
        return _is_local_host(address[0] if isinstance(address, tuple) else address)

    def install(self) -> NetGuard:
        guard = self
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
        real_getaddrinfo = socket.getaddrinfo
        self._saved = {"connect": real_connect, "connect_ex": real_connect_ex, "getaddrinfo": real_getaddrinfo}

        def connect(sock, address):
            if not guard._allowed(sock, address):
                raise guard._refuse(f"connect to {address!r}")
            return real_connect(sock, address)

        def connect_ex(sock, address):
            if not guard._allowed(sock, address):
                raise guard._refuse(f"connect_ex to {address!r}")
            return real_connect_ex(sock, address)

        def getaddrinfo(host, *args, **kwargs):
            if not _is_local_host(host):
                raise guard._refuse(f"name lookup of {host!r}")
            return real_getaddrinfo(host, *args, **kwargs)

        socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
        socket.getaddrinfo = getaddrinfo
        return self

    def uninstall(self) -> None:
        if self._saved:
            socket.socket.connect = self._saved["connect"]
            socket.socket.connect_ex = self._saved["connect_ex"]
            socket.getaddrinfo = self._saved["getaddrinfo"]
            self._saved = {}

    def take(self) -> list[str]:
        """The attempts since the last call (one test's worth)."""
        with self._lock:
            found, self.attempts = self.attempts, []
        return found

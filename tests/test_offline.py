"""Offline by default: the hub is off unless the user opted in, and the suite's socket guard
(tests/net_guard.py) refuses and reports any connection beyond loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from backends.offline import ALLOW_ENV, HUB_VARS, allow_network, hub_offline
from net_guard import NetworkBlocked

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def restore_env(monkeypatch):
    """allow_network() edits os.environ directly; put every variable it touches back afterwards."""
    for var in (ALLOW_ENV, *HUB_VARS):
        monkeypatch.setenv(var, os.environ.get(var, ""))
    yield
    hub_offline()


def test_a_connection_beyond_loopback_is_refused_and_recorded(net_guard):
    with pytest.raises(NetworkBlocked, match="tests run offline"):
        socket.create_connection(("198.51.100.7", 443), timeout=1)
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("huggingface.co", 443)
    assert len(net_guard.take()) == 2  # consumed here, so this test itself passes


def test_loopback_and_unix_sockets_still_work():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        accepted = threading.Thread(target=lambda: server.accept()[0].close())
        accepted.start()
        with socket.create_connection(("localhost", port), timeout=5):
            pass
        accepted.join(5)
    left, right = socket.socketpair(socket.AF_UNIX)
    left.sendall(b"ok")
    assert right.recv(2) == b"ok"
    left.close()
    right.close()


def test_a_test_that_swallows_the_refusal_still_fails(tmp_path):
    """The hub client retries and hides errors; the guard must fail such a test anyway."""
    (tmp_path / "conftest.py").write_text(textwrap.dedent(f"""
        import importlib.util, sys
        sys.path.insert(0, {str(TESTS)!r})
        spec = importlib.util.spec_from_file_location("brain_conftest", {str(TESTS / "conftest.py")!r})
        brain = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(brain)
        pytest_configure, net_guard, no_network = brain.pytest_configure, brain.net_guard, brain.no_network
    """))
    (tmp_path / "test_sneaky.py").write_text(textwrap.dedent("""
        import socket

        def test_sneaky():
            try:
                socket.create_connection(("203.0.113.9", 80), timeout=1)
            except OSError:
                pass
    """))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "tried to reach the network" in proc.stdout and "203.0.113.9" in proc.stdout


def test_hub_is_offline_by_default_even_if_imported_before(restore_env):
    import huggingface_hub.constants as hub

    hub.HF_HUB_OFFLINE = False  # as if imported before anyone set the variable
    os.environ.pop(ALLOW_ENV, None)
    assert hub_offline() is True
    assert hub.HF_HUB_OFFLINE is True and os.environ["HF_HUB_OFFLINE"] == "1"


def test_config_opt_in_turns_the_hub_on_and_doctor_says_so(restore_env, monkeypatch, tmp_path, capsys):
    import huggingface_hub.constants as hub

    from tui.cli import main

    main(["doctor"])
    assert "network     offline (default)" in capsys.readouterr().out
    config = tmp_path / "config.toml"
    config.write_text("[backend]\nallow_network = true\n")
    monkeypatch.setenv("BRAIN_CONFIG", str(config))
    main(["doctor"])
    assert "network     allowed" in capsys.readouterr().out
    assert os.environ[ALLOW_ENV] == "1" and "HF_HUB_OFFLINE" not in os.environ and hub.HF_HUB_OFFLINE is False


def test_allow_network_flag_is_per_run(restore_env, capsys):
    from tui.cli import main

    main(["doctor", "--allow-network"])
    assert "network     allowed" in capsys.readouterr().out
    allow_network(False)
    main(["doctor"])
    assert "network     offline" in capsys.readouterr().out


def test_doctor_prints_llamacpp_cpu_features_and_the_repack_mode(capsys):
    pytest.importorskip("llama_cpp")
    from tui.cli import main

    main(["doctor"])
    out = capsys.readouterr().out
    assert "llama.cpp   CPU :" in out
    assert "repack      on (" in out or "repack      off (" in out

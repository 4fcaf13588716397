"""Shared fixtures: every test gets its own state folder; the real sample vault when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from backends.offline import hub_offline
from net_guard import NetGuard

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config) -> None:
    """Offline before collection imports anything that reads HF_HUB_OFFLINE at import time."""
    hub_offline()


@pytest.fixture(scope="session", autouse=True)
def net_guard():
    """No test may reach beyond this machine (tests/net_guard.py): loopback and Unix sockets only."""
    guard = NetGuard().install()
    yield guard
    guard.uninstall()


@pytest.fixture(autouse=True)
def no_network(net_guard):
    """Fails the test that tried a non-loopback connection, even if the code swallowed the error."""
    net_guard.take()
    yield
    if attempts := net_guard.take():
        pytest.fail(f"this test tried to reach the network ({len(attempts)}x): {attempts[:3]}")


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """One rebuildable model cache (dequantized copies) for the whole run: building it takes ~15 s."""
    return tmp_path_factory.mktemp("brain-cache")


@pytest.fixture(autouse=True)
def brain_home(tmp_path_factory, monkeypatch, model_cache) -> Path:
    """Isolate config and data: tests never touch the user's real state."""
    home = tmp_path_factory.mktemp("brain-home")
    monkeypatch.setenv("BRAIN_HOME", str(home))
    monkeypatch.setenv("BRAIN_CACHE", str(model_cache))
    monkeypatch.delenv("BRAIN_CONFIG", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    return home


@pytest.fixture
def sample_vault() -> Path:
    """The shared realistic vault (English + Chinese, with traps). Skips where ../shared is absent."""
    vault = SHARED / "sample-vault"
    if not vault.is_dir():
        pytest.skip("../shared/sample-vault is not present on this machine")
    return vault

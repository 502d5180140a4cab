"""Delivery fixtures: an isolated TIT_HOME, a clean environment, a file keyring, a loopback sink."""

from __future__ import annotations

import os

import pytest

from .sink import Sink

_KEEP = {"TIT_TELEMETRY_STRICT"}


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No TIT_/OTEL_/DO_NOT_TRACK variable from the machine leaks in; TIT_HOME is private."""
    for name in list(os.environ):
        if (name.startswith(("TIT_", "OTEL_")) or name == "DO_NOT_TRACK") and name not in _KEEP:
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("TIT_HOME", str(home))
    monkeypatch.setenv("TIT_POLICY_FILE", str(home / "policy.toml"))
    return home


@pytest.fixture(autouse=True)
def file_keyring(tmp_path, monkeypatch):
    """A real keyring backend (keyring_backend.SuiteKeyring) storing under tmp_path, for this test only."""
    import keyring

    from tit_app.telemetry.destinations import secrets

    from .keyring_backend import SuiteKeyring

    monkeypatch.setattr(secrets, "last_hint", None)
    previous = keyring.get_keyring()
    backend = SuiteKeyring(tmp_path / "keyring" / "keyring.json")
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def fail_keyring():
    """The backend keyring uses when the system has none."""
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # file_keyring restores the previous one afterwards
    return keyring.get_keyring()


@pytest.fixture
def sink():
    server = Sink().start()
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path):
    from tit_app.telemetry.store import Store

    db = Store(tmp_path / "events.db")
    yield db
    db.close()


@pytest.fixture
def closing():
    """Register exporters here; they are closed after the test (no socket left open)."""
    opened = []

    def register(exporter):
        opened.append(exporter)
        return exporter

    yield register
    for exporter in opened:
        exporter.close()

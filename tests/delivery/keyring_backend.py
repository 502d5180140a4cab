"""The test suite's keyring: a real `keyring` backend, set only by conftest inside tests.

It keeps entries in one JSON file under the test's tmp_path (the "keyring's own file" the
canary tests exclude) and declares priority 1, the lowest the app accepts. It is not
registered through an entry point or a keyringrc, so nothing outside the tests selects it.
"""

from __future__ import annotations

import json
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class SuiteKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]  # what a real OS keyring declares at the least
    # Never chosen by keyring's own detection (defining a backend class registers it): only set_keyring uses it.
    viable = False  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, entries: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(entries), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._save({**self._load(), f"{service}/{username}": password})

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("no such entry")
        self._save(entries)


class BrokenKeyring(SuiteKeyring):
    """A keyring that fails the way some do: with the value it was given in its message."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError(f"vault locked while reading {service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"vault refused to store {password!r} for {username}")

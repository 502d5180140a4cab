"""Where tit_app keeps its files: platformdirs, or `$TIT_HOME` for tests and portable installs."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "tit-app"


def _home_override() -> Path | None:
    home = os.environ.get("TIT_HOME", "").strip()
    return Path(home).expanduser() if home else None


def config_dir() -> Path:
    home = _home_override()
    if home is not None:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    home = _home_override()
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def destinations_file() -> Path:
    """The user's destination settings (no secrets), written by `tit-app telemetry destination add`."""
    return config_dir() / "destinations.json"


def policy_file() -> Path:
    """The administrator's policy file: `TIT_POLICY_FILE`, else the site config dir."""
    explicit = os.environ.get("TIT_POLICY_FILE", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "policy.toml"

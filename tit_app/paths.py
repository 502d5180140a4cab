"""Where tit_app keeps its files: platformdirs, or `$TIT_HOME` for tests and portable installs.

The folders tit_app creates are owner-only (0700) whatever the umask: `private_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "tit-app"
DIR_MODE = 0o700


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


def is_app_dir(path: Path) -> bool:
    """True for the folders that hold only tit_app's own files (config/, data/)."""
    return Path(path) in (config_dir(), data_dir())


def private_dir(path: Path) -> Path:
    """Create `path` and any missing parent as 0700; tighten it too when it is one of our own folders.

    mkdir's mode is masked by the umask (under umask 000 a plain mkdir is world-writable),
    so every folder made here is chmod-ed afterwards. A folder that already existed is
    left alone unless it is config/ or data/, which hold nothing but our private files.
    """
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # another process made it meanwhile (with the same mode), or a file is in the way
            if not folder.is_dir():
                raise
            continue
        os.chmod(folder, DIR_MODE)
    if not missing and is_app_dir(path):
        _tighten(path)
    return path


def _tighten(folder: Path) -> None:
    """Make an existing folder of ours 0700 (older versions left it to the umask)."""
    try:
        info = folder.stat()
        owner = os.geteuid() if hasattr(os, "geteuid") else info.st_uid  # Windows: no owners to compare
        if info.st_mode & 0o777 != DIR_MODE and info.st_uid == owner:
            os.chmod(folder, DIR_MODE)
    except OSError:  # a read-only home: the files are still readable, and nothing new is written
        pass

"""Remembered window geometry, in an INI file inside the config dir (so tests stay in TIT_HOME)."""

from __future__ import annotations

import logging

from PyQt5.QtCore import QSettings

from tit_app import paths

log = logging.getLogger(__name__)


def window_settings() -> QSettings:
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.IniFormat)


def restore(window, key: str = "main") -> bool:
    """Restore geometry and state; False when nothing was saved yet (or it was unreadable)."""
    settings = window_settings()
    geometry = settings.value(f"{key}/geometry")
    if geometry is None:
        return False
    restored = bool(window.restoreGeometry(geometry))
    state = settings.value(f"{key}/state")
    if state is not None and hasattr(window, "restoreState"):
        window.restoreState(state)
    return restored


def save(window, key: str = "main") -> None:
    settings = window_settings()
    settings.setValue(f"{key}/geometry", window.saveGeometry())
    if hasattr(window, "saveState"):
        settings.setValue(f"{key}/state", window.saveState())
    settings.sync()
    if settings.status() != QSettings.NoError:
        log.warning("window geometry could not be saved")

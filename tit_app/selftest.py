"""`tit-app --self-test`: prove an installation works, from source, a wheel or the bundle.

Each step exercises one layer the way the app does (the telemetry store and catalog,
a real main window, a real simulation), so a missing resource file, Qt plugin or
compiled extension shows up here rather than in front of a user. Everything happens in
a throwaway TIT_HOME with telemetry switched off, so the check leaves no trace and
records nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

from tit_app import __version__

SIM_GRID = 32  # big enough to touch every code path, small enough to take milliseconds


@contextlib.contextmanager
def _throwaway_home() -> Iterator[Path]:
    """Point telemetry at a temporary home and turn it off; put everything back afterwards."""
    with tempfile.TemporaryDirectory(prefix="tit-app-selftest-", ignore_cleanup_errors=True) as tmp:
        overrides = {"TIT_HOME": tmp, "TIT_NO_TELEMETRY": "1"}
        if not os.environ.get("QT_QPA_PLATFORM"):
            overrides["QT_QPA_PLATFORM"] = "offscreen"  # no display needed, even on a desktop
        saved = {name: os.environ.get(name) for name in overrides}
        os.environ.update(overrides)
        try:
            yield Path(tmp)
        finally:
            _forget_engine()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _forget_engine() -> None:
    """Drop the engine bound to the throwaway home, closing its database before the folder goes."""
    try:
        from tit_app.telemetry import api

        api.reset_engine()  # shuts the old engine down and closes its store
    except Exception:  # cleaning up must not turn a verdict into a traceback
        pass


def _check_store(home: Path) -> str:
    # The engine caches paths from the environment it was built in: start a fresh one.
    from tit_app import telemetry
    from tit_app.telemetry import api

    api.reset_engine()
    path, problem = telemetry.store_location(create=True)
    # The store falls back to memory rather than fail; here that fallback is the failure.
    if problem:
        raise RuntimeError(problem)
    if path is None or home.resolve() not in path.resolve().parents:
        raise RuntimeError(f"the store opened at {path}, not in the temporary home")
    return ""


def _check_catalog(home: Path) -> str:
    from tit_app import telemetry

    events = telemetry.event_catalog().events
    if not events:
        raise RuntimeError("the event catalog is empty")
    return f"{len(events)} events"


def _check_window(home: Path) -> str:
    # The same start-up path as the app (style sheet, icons, the telemetry thread, the
    # main window), minus the modal consent question.
    from PyQt5.QtGui import QIcon

    from tit_app.ui import assets
    from tit_app.ui.qt_app import application
    from tit_app.ui.shell import DesktopShell

    app = application()
    # Rendering the SVG proves the bundle carries Qt's SVG plugins, not just the file.
    if QIcon(str(assets.ICONS / "tit-app.svg")).pixmap(64, 64).isNull():
        raise RuntimeError(f"the app icon {assets.ICONS / 'tit-app.svg'} does not render")
    shell = DesktopShell()
    try:
        shell.start()
        window = shell.show_window()
        app.processEvents()
        window.close()
    finally:
        shell.shutdown()  # ends the telemetry thread even if the window failed
    window.deleteLater()
    app.processEvents()
    return ""


def _check_simulation(home: Path) -> str:
    import numpy as np

    from tit_app.ops import SimTIParams, SliceSpec, sim_ti

    started = time.perf_counter()
    result = sim_ti(SimTIParams(slice=SliceSpec(size=SIM_GRID)))
    elapsed_ms = (time.perf_counter() - started) * 1000
    if result.envelope.shape != (SIM_GRID, SIM_GRID):
        raise RuntimeError(f"the envelope has shape {result.envelope.shape}")
    if not (np.isfinite(result.target_value) and result.target_value > 0):
        raise RuntimeError(f"the envelope at the target is {result.target_value!r}")
    return f"{SIM_GRID}x{SIM_GRID}, {elapsed_ms:.0f} ms"


STEPS: tuple[tuple[str, Callable[[Path], str]], ...] = (
    ("store", _check_store),
    ("catalog", _check_catalog),
    ("window", _check_window),
    ("simulation", _check_simulation),
)


def run_self_test() -> int:
    """Run every step in order; print one summary line and return 0, or name the failure and return 1."""
    done = []
    with _throwaway_home() as home:
        for name, step in STEPS:
            try:
                detail = step(home)
            except Exception as exc:  # any failure is the answer we are looking for
                print(f"tit-app self-test failed at {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                return 1
            done.append(f"{name} ({detail})" if detail else name)
    print(f"tit-app {__version__} self-test passed: {', '.join(done)}")
    return 0

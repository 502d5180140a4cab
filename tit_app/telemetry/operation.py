"""`track_operation`: start, then success, error or cancelled, with a duration and a run id.

Errors carry a fingerprint that is the same for the same bug on any machine: a hash of
the exception type and the app's own frames as module:function, never paths or the line
numbers of user files.
"""

from __future__ import annotations

import hashlib
import os
import time
import traceback
from contextlib import ContextDecorator
from typing import Any

from .api import _record_event

APP_PACKAGES = ("tit_app",)
MAX_FRAMES = 50  # Sentry keeps about 50 frames (SE-L2)


class Cancelled(Exception):
    """Raise inside `track_operation` (or let KeyboardInterrupt through) to record `cancelled`."""


def _in_app(module: str) -> bool:
    return any(module == pkg or module.startswith(pkg + ".") for pkg in APP_PACKAGES)


def app_frames(exc: BaseException) -> list[dict[str, Any]]:
    """The app's own frames of the traceback, caller first, as module/function/line."""
    frames = []
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        module = frame.f_globals.get("__name__", "")
        if _in_app(module) and module != __name__:
            frames.append({"module": module, "function": frame.f_code.co_name, "lineno": lineno, "in_app": True})
    return frames[-MAX_FRAMES:]


def fingerprint(exc: BaseException, frames: list[dict[str, Any]]) -> str:
    exc_type = type(exc)
    return fingerprint_of(f"{exc_type.__module__}.{exc_type.__qualname__}", frames)


def fingerprint_of(type_name: str, frames: list[dict[str, Any]]) -> str:
    """The fingerprint of an error named `type_name` (a native crash has no exception class)."""
    parts = [type_name] + [f"{f['module']}:{f['function']}" for f in frames]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def error_detail(exc: BaseException, frames: list[dict[str, Any]]) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if message:
        return message  # scrubbed and cut to 100 characters by the pipeline
    where = frames[-1] if frames else None
    place = f" in {where['module']}:{where['function']}" if where else ""
    return f"{type(exc).__name__}{place}"


class track_operation(ContextDecorator):
    """Context manager and decorator recording one run of an operation."""

    def __init__(self, op_name: str, **params: Any) -> None:
        self.op_name = op_name
        self.params = params
        self.run_id = ""
        self._started = 0.0
        self.duration_s: float | None = None  # once the run ended: the duration its outcome event carries

    def _recreate_cm(self):
        # Each decorated call is its own run with its own run id.
        return type(self)(self.op_name, **self.params)

    def _emit(self, status: str, blocking: bool, frames: tuple = (), **extra: Any) -> None:
        # Like track_event, this never raises into the operation (except in strict mode).
        params = {**self.params, "status": status, "run_id": self.run_id, **extra}
        _record_event(self.op_name, params, blocking=blocking, frames=frames)

    def __enter__(self) -> "track_operation":
        self.run_id = os.urandom(8).hex()
        self._started = time.perf_counter()
        self._emit("start", blocking=False)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        duration = self.duration_s = round(time.perf_counter() - self._started, 3)
        if exc is None:
            self._emit("success", True, duration_s=duration)
        elif isinstance(exc, (Cancelled, KeyboardInterrupt)) or not isinstance(exc, Exception):
            self._emit("cancelled", True, duration_s=duration)
        else:
            self._emit_error(exc, duration)
        return False  # always re-raise

    def _emit_error(self, exc: BaseException, duration: float) -> None:
        try:
            frames = app_frames(exc)
            details = {
                "error_type": type(exc).__name__,
                "error_detail": error_detail(exc, frames),
                "error_fingerprint": fingerprint(exc, frames),
            }
        except Exception:
            frames, details = [], {"error_type": type(exc).__name__}
        self._emit("error", True, tuple(frames), duration_s=duration, **details)

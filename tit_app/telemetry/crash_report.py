"""An unhandled exception, or a native crash trace, as the params and frames of an `app_crash` event.

The fingerprint and the message follow the rules of failed operations (`operation.py`):
a hash of the error's type and the app's own frames as module:function, and the first
line of the message (scrubbed later, by the pipeline, like every string param). The
stack keeps the app's own frames only, as module, function and line: never a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .operation import MAX_FRAMES, app_frames, error_detail, fingerprint, fingerprint_of

EVENT = "app_crash"
WHERE = ("gui", "cli", "thread", "native")


@dataclass(frozen=True)
class CrashReport:
    params: dict[str, Any]
    frames: tuple[dict[str, Any], ...]

    @property
    def fingerprint(self) -> str:
        return str(self.params.get("error_fingerprint", ""))

    def with_repeats(self, repeats: int) -> "CrashReport":
        return CrashReport({**self.params, "repeats": repeats}, self.frames)


def from_exception(exc: BaseException, where: str) -> CrashReport:
    frames = app_frames(exc)
    params = {"where": where, "error_type": type(exc).__name__, "error_detail": error_detail(exc, frames),
              "error_fingerprint": fingerprint(exc, frames)}
    return CrashReport(params, tuple(frames))


# -- native crashes: faulthandler's text (docs/architecture.md, "Crash reporting") ----------------

# faulthandler names the fatal signal in words; reports use the signal's name.
_SIGNALS = {"Segmentation fault": "SIGSEGV", "Floating point exception": "SIGFPE", "Aborted": "SIGABRT",
            "Bus error": "SIGBUS", "Illegal instruction": "SIGILL"}
_FATAL = re.compile(r"^(?:Fatal Python error|Windows fatal exception): (.+)$", re.MULTILINE)
_FRAME = re.compile(r'^\s+File "(.+)", line (\d+) in (\S+)\s*$')


def from_native_trace(text: str) -> CrashReport:
    """The report of a faulthandler trace: the crashing thread's frames in the app's own code."""
    fatal = _FATAL.search(text)
    what = fatal.group(1).strip() if fatal else "fatal error"
    error_type = _SIGNALS.get(what, "FatalError")
    frames = _native_frames(text)
    params = {"where": "native", "error_type": error_type, "error_detail": what,
              "error_fingerprint": fingerprint_of(f"native.{error_type}", frames)}
    return CrashReport(params, tuple(frames))


def _native_frames(text: str) -> list[dict[str, Any]]:
    """The first thread block (the crashing one), the app's frames only, caller first."""
    frames, in_block = [], False
    for line in text.splitlines():
        if line.startswith(("Current thread", "Thread ", "Stack ")):
            if in_block:
                break
            in_block = True
            continue
        match = _FRAME.match(line) if in_block else None
        module = _app_module(match.group(1)) if match else None
        if module:
            frames.append({"module": module, "function": match.group(3), "lineno": int(match.group(2)), "in_app": True})
    frames.reverse()  # faulthandler lists the most recent call first
    return frames[-MAX_FRAMES:]


def _app_module(filename: str) -> str | None:
    """`.../tit_app/ui/app.py` -> `tit_app.ui.app`; None for anything outside the app's package."""
    import tit_app

    root = Path(tit_app.__file__).resolve().parent
    try:
        relative = Path(filename).resolve().relative_to(root)
    except (ValueError, OSError):
        return None
    parts = [root.name, *relative.with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)

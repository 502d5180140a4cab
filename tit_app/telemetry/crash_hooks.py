"""The crash handler: `sys.excepthook`, `threading.excepthook` and native traces, installed once.

Each unhandled exception is recorded first (`crash_record`), then the hook that was there
before runs (it prints the traceback), then the front end's `on_crash` is told (the
desktop app shows its dialog). PyQt5 calls `sys.excepthook` for an exception escaping a
slot, a `QThread.run` or a timer callback when the hook is not Python's default, and
then carries on instead of aborting; so the desktop app only adds its dialog on top.

A failure inside any of this is printed with Python's own hook and goes no further:
a crash in telemetry never becomes a failure of the app, and a crash while handling a
crash is never handled again (docs/architecture.md, "Crash reporting").
"""

from __future__ import annotations

import sys
import threading
from typing import Callable

from .crash_record import CrashRecord, record_crash
from .crash_report import WHERE, from_exception, from_native_trace

_state: dict = {"installed": False, "interface": "cli", "on_crash": None, "previous": None, "thread_previous": None}
_busy = threading.local()  # set while this thread handles a crash


def install_crash_handler(interface: str = "cli", on_crash: Callable[[CrashRecord], None] | None = None) -> list:
    """Record every unhandled exception as `app_crash`; returns the records of native crashes found from before.

    `interface` is "gui" or "cli" (the `where` of a crash on the main thread; other threads
    give "thread"). `on_crash(record)` is called after recording, on the crashing thread.
    Calling it again changes both and turns native traces on if sharing has been turned on since.
    """
    if interface not in ("gui", "cli"):
        raise ValueError(f"interface must be 'gui' or 'cli', not {interface!r}")
    _state.update(interface=interface, on_crash=on_crash)
    if not _state["installed"]:
        _state.update(installed=True, previous=sys.excepthook, thread_previous=threading.excepthook)
        sys.excepthook = _excepthook
        threading.excepthook = _thread_excepthook
    return _guarded(_native_start, [])


def uninstall_crash_handler() -> None:
    """Put back the hooks that were there before, and stop native traces (tests; an embedding app leaving)."""
    from . import crash_native

    if _state["installed"]:
        sys.excepthook, threading.excepthook = _state["previous"], _state["thread_previous"]
    _state.update(installed=False, interface="cli", on_crash=None, previous=None, thread_previous=None)
    crash_native.disable()


def report_crash(exc: BaseException, where: str | None = None) -> CrashRecord | None:
    """Record `exc` as an unhandled exception (front ends that catch it at the top); None if that failed."""
    if where is not None and where not in WHERE:
        raise ValueError(f"where must be one of {', '.join(WHERE)}, not {where!r}")
    return _guarded(lambda: record_crash(from_exception(exc, where or _where())), None)


def _where() -> str:
    return _state["interface"] if threading.current_thread() is threading.main_thread() else "thread"


def _excepthook(exc_type, exc, tb) -> None:
    previous = _state["previous"] or sys.__excepthook__
    if not isinstance(exc, Exception) or getattr(_busy, "active", False):
        previous(exc_type, exc, tb)  # KeyboardInterrupt, SystemExit: not crashes; and never twice
        return
    _handle(exc if exc.__traceback__ is not None else exc.with_traceback(tb), _where())
    _guarded(lambda: previous(exc_type, exc, tb), None)


def _thread_excepthook(args) -> None:
    previous = _state["thread_previous"] or threading.__excepthook__
    exc = args.exc_value
    if isinstance(exc, Exception) and not getattr(_busy, "active", False):
        _handle(exc, "thread")
    _guarded(lambda: previous(args), None)


def _handle(exc: BaseException, where: str) -> None:
    _busy.active = True
    try:
        record = _guarded(lambda: record_crash(from_exception(exc, where)), None)
        on_crash = _state["on_crash"]
        if record is not None and on_crash is not None:
            _guarded(lambda: on_crash(record), None)
    finally:
        _busy.active = False


def _native_start() -> list:
    """Report the native crashes left from earlier runs; keep this run's trace file while sharing is on."""
    from . import api, crash_native

    records = [record_crash(from_native_trace(text)) for text in crash_native.collect()]
    if api.engine().decision().enabled:
        crash_native.enable()
    return records


def _guarded(action: Callable, fallback):
    """Run `action`; on any failure print it with Python's own hook and return `fallback`."""
    try:
        return action()
    except Exception:
        try:
            sys.__excepthook__(*sys.exc_info())
        except Exception:
            pass
        return fallback

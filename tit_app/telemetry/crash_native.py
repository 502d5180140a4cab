"""Native crashes: faulthandler writes the trace to a file in the data folder; the next start reads it.

A segfault or an abort kills the process before any Python code can record an event,
so each process keeps one owner-only file, `native-crash-<pid>.txt`, open for
faulthandler. It stays empty unless the process dies of a fatal signal; a clean exit
deletes it. The next process to install the crash handler turns every non-empty file
left behind into an `app_crash` report (`where` = native) and deletes it.

The file is created only while sharing is on: before consent nothing is created
(docs/architecture.md, "Before consent nothing is created"); and not when faulthandler is
already enabled by someone else, whose traces are left where they asked.
"""

from __future__ import annotations

import atexit
import faulthandler
import logging
import os
from pathlib import Path

from tit_app import paths

log = logging.getLogger(__name__)

PREFIX = "native-crash-"
MAX_TRACE = 64_000  # characters read from one trace; faulthandler's are a few KB

_open: dict[str, object] = {}  # "file": the file faulthandler writes to, kept open for the process; "path": its path


def trace_path(pid: int | None = None) -> Path:
    return paths.data_dir() / f"{PREFIX}{os.getpid() if pid is None else pid}.txt"


def enable() -> Path | None:
    """Send this process's native crash traces to its file; returns the path (None if it could not)."""
    if "file" in _open:
        return _open["path"]
    if faulthandler.is_enabled():
        return None  # someone else (python -X faulthandler, a test runner) already takes the traces: theirs stay
    path = trace_path()
    try:
        paths.private_dir(path.parent)
        handle = open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8")
        faulthandler.enable(file=handle, all_threads=True)
    except (OSError, ValueError, RuntimeError) as exc:
        log.debug("native crash traces stay off: %s", exc)
        return None
    _open.update(file=handle, path=path)
    atexit.register(disable)
    return path


def disable() -> None:
    """Stop writing traces (a normal exit, or the handler uninstalled); an empty file goes."""
    handle, path = _open.pop("file", None), _open.pop("path", None)
    if handle is None:
        return
    try:
        faulthandler.disable()
        handle.close()
        if path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass


def collect() -> list[str]:
    """The traces other processes left behind, each file deleted once read (empty ones of dead processes too)."""
    folder = paths.data_dir()
    if not folder.is_dir():
        return []
    traces = []
    for path in sorted(folder.glob(f"{PREFIX}*.txt")):
        if path == trace_path():
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")[:MAX_TRACE]
            if text.strip():
                traces.append(text)
            elif _alive(path):
                continue  # a running process's empty file
            path.unlink()
        except OSError as exc:
            log.debug("native crash trace %s not read: %s", path.name, exc)
    return traces


def _alive(path: Path) -> bool:
    if os.name == "nt":
        return True  # os.kill(pid, 0) would end the process there: empty files stay (they are tiny)
    try:
        pid = int(path.stem[len(PREFIX):])
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (ValueError, OSError):
        return True  # not ours to judge (another user's, or no such check here): leave it
    return True

"""QThreads that did not stop in time at quit: left running until the process exits."""

from __future__ import annotations

from PyQt5 import sip
from PyQt5.QtCore import QObject, QThread

_abandoned: list = []  # kept referenced until the process ends


def abandon(thread: QThread, worker: QObject) -> None:
    """Hand `thread` and its `worker` to C++, so no Python garbage collection destroys the running thread."""
    sip.transferto(thread, None)
    sip.transferto(worker, None)
    _abandoned.append((thread, worker))

"""Progress for a text stream: a redrawn bar on a terminal, else a few lines.

A callable that fits the progress contract, so headless callers (the CLI,
scripts) can pass it straight to an operation.
"""

from __future__ import annotations

import sys


class TerminalProgress:
    """Writes progress to ``stream`` (stderr by default).

    On a terminal the bar is redrawn in place with a carriage return; in a
    log or a pipe that would be noise, so only 0, 25, 50, 75 and 100 %
    (or the first percent past each) get a line.
    """

    WIDTH = 30
    MILESTONES = (0, 25, 50, 75, 100)

    def __init__(self, label: str, stream=None) -> None:
        self._label = label
        self._stream = stream if stream is not None else sys.stderr
        self._tty = bool(getattr(self._stream, "isatty", lambda: False)())
        self._next_milestone = 0
        self._drawn = False

    def __call__(self, percent: int) -> None:
        if self._tty:
            filled = self.WIDTH * percent // 100
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self._stream.write(f"\r{self._label} [{bar}] {percent:3d}%")
            self._drawn = True
        elif percent >= self._next_milestone:
            self._stream.write(f"{self._label}: {percent}%\n")
            self._next_milestone = min([m for m in self.MILESTONES
                                        if m > percent], default=101)
        else:
            return
        self._stream.flush()

    def close(self) -> None:
        """End the bar's line (a no-op when no bar was drawn)."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()

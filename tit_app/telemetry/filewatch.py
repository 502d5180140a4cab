"""Noticing that another process changed a settings file, for the price of one stat() per file.

Writes are atomic renames (`tit_app.atomicfile`), so a change shows as a new inode even
when the size and the modification time (to the file system's granularity) are equal.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Mapping

Signature = tuple[int, int, int, int] | None


def signature(path: Path) -> Signature:
    try:
        st = os.stat(path)
    except OSError:  # missing or unreadable: the readers handle that case themselves
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class FileWatch:
    """Which of a few named files changed since the last look (the first look reports all)."""

    def __init__(self, files: Mapping[str, Callable[[], Path]]) -> None:
        self._files = dict(files)  # name -> where the file is now (TIT_HOME may differ per engine)
        self._seen: dict[str, Signature | str] = {name: "never looked" for name in self._files}

    def changed(self) -> set[str]:
        found = set()
        for name, where in self._files.items():
            current = signature(where())
            if current != self._seen[name]:
                self._seen[name] = current
                found.add(name)
        return found

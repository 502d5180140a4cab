"""Atomic, owner-only file writes, and size-limited reads of small settings files.

A crash leaves the old file or the new one, never half. A settings file is read with a
size limit, so a huge file (a runaway script, a mistaken copy) costs at most that much
memory; what is over the limit, not UTF-8 or not parseable counts as damaged.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tit_app.paths import private_dir

FILE_MODE = 0o600
MAX_SETTINGS_BYTES = 1_000_000  # far above any real settings file; bounds the memory a bad one costs


class FileDamaged(ValueError):
    """A settings file that cannot be understood; the message says why, without its content."""


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` via a temp file and `os.replace`; the file is 0600 and its new folders 0700."""
    private_dir(path.parent)
    # mkstemp creates the file readable and writable by the owner only, whatever the umask.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_settings_text(path: Path, limit: int = MAX_SETTINGS_BYTES) -> str:
    """The file's text; FileDamaged when it is larger than `limit` bytes or not UTF-8.

    Never reads more than `limit` + 1 bytes. FileNotFoundError and other OSErrors pass through.
    """
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileDamaged(f"is larger than {limit // 1_000_000} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileDamaged(f"is not UTF-8 text (byte {exc.start})") from None


def too_deep(value: object, limit: int = 64) -> bool:
    """True when lists and dicts nest more than `limit` levels (walked without recursion).

    A file that parses but nests deeply would still break whatever later copies or
    re-encodes it recursively (json.dumps, dataclasses.asdict).
    """
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False

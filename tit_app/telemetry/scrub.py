"""Privacy scrubbing: small pure steps applied to every string that could leave the machine.

Each step replaces one kind of personal or secret data with a placeholder. The order
matters: URLs before paths (so a URL keeps its host), e-mail addresses before user names,
the machine's own names last. A step that raises makes the whole event drop (fail closed).
"""

from __future__ import annotations

import getpass
import os
import re
import socket
from dataclasses import dataclass
from typing import Callable, Iterable

Step = Callable[[str], str]

_URL = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*)://(?:[^\s/@]*@)?([^\s/:?#]+)(?::\d+)?[^\s'\"<>]*")
_FILE_URL = re.compile(r"\bfile:/{1,3}[^\s'\"<>]*", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_BEARER = re.compile(r"\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_KEY_VALUE = re.compile(
    r"\b(password|passwd|pwd|secret|api[_-]?secret|token|access[_-]?token|api[_-]?key|apikey|"
    r"access[_-]?key|auth|authorization|sig|signature|sentry_key|dsn)(\s*[=:]\s*)(?!<|(?:Bearer|Basic|Token)\s)[^\s&,;'\"]+",
    re.IGNORECASE,
)
_LONG_TOKEN = re.compile(r"(?<![A-Za-z0-9+/_-])(?=[A-Za-z0-9+/_-]*\d)[A-Za-z0-9+/_-]{32,}={0,2}")
_WINDOWS_PATH = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]:[\\/][^\s'\"<>|*?]*|\\\\[^\s\\'\"]+\\[^\s'\"<>|]*")
_POSIX_PATH = re.compile(
    r"(?<![\w.<>/-])(?:~[\w.-]*|\.{1,2})?/(?:[\w.@%+=~-]+/?)+"  # absolute, ~ and ./ ../ paths
    r"|(?<![\w./<-])[\w.@%+=~-]+/(?:[\w.@%+=~-]+/)*[\w@%+=~-]+\.[A-Za-z][A-Za-z0-9]{0,5}\b"  # relative to a file
    r"|(?<![\w./<-])[\w.@%+=~-]+(?:/[\w.@%+=~-]+){2,}/?"  # relative with two or more slashes
)
_TILDE_HOME = re.compile(r"(?<![\w])~(?=[\s'\"]|$)")
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.]*\d)")
_HEX4 = r"[0-9A-Fa-f]{1,4}"
_IPV6 = re.compile(
    rf"(?<![\w:.])(?:(?:{_HEX4}:){{7}}{_HEX4}"
    rf"|(?:{_HEX4}(?::{_HEX4})*)?::(?:{_HEX4}(?::{_HEX4})*)?(?:%\w+)?)(?![\w:])"
)
_BIDS = re.compile(r"(?<![A-Za-z0-9])(?:sub|ses)-[A-Za-z0-9]+")


def urls(text: str) -> str:
    """file:// URLs are paths; other URLs keep only scheme and host."""
    text = _FILE_URL.sub("<path>", text)
    return _URL.sub(lambda m: f"{m.group(1)}://{m.group(2)}", text)


def emails(text: str) -> str:
    return _EMAIL.sub("<email>", text)


def secrets(text: str) -> str:
    text = _BEARER.sub(lambda m: f"{m.group(1)} <secret>", text)
    text = _KEY_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}<secret>", text)
    return _LONG_TOKEN.sub("<secret>", text)


def paths(text: str) -> str:
    text = _WINDOWS_PATH.sub("<path>", text)
    text = _POSIX_PATH.sub("<path>", text)
    return _TILDE_HOME.sub("<path>", text)


def ip_addresses(text: str) -> str:
    # The look-behind of _IPV6 keeps C++-style scopes ("Class::method") out of it.
    return _IPV6.sub("<ip>", _IPV4.sub("<ip>", text))


def subjects(text: str) -> str:
    return _BIDS.sub("<subject>", text)


def names(user: str | None, host: str | None) -> Step:
    """A step replacing the current user name and host name wherever they appear."""
    patterns = []
    for value, placeholder in ((host, "<host>"), (user, "<user>")):
        if value and len(value) >= 2:
            word = re.compile(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", re.IGNORECASE)
            patterns.append((word, placeholder))

    def replace_names(text: str) -> str:
        for word, placeholder in patterns:
            text = word.sub(placeholder, text)
        return text

    return replace_names


@dataclass(frozen=True)
class Scrubber:
    steps: tuple[Step, ...]

    def __call__(self, text: str) -> str:
        for step in self.steps:
            text = step(text)
        return text

    def with_steps(self, extra: Iterable[Step]) -> "Scrubber":
        return Scrubber(self.steps + tuple(extra))


def machine_names() -> tuple[str | None, str | None]:
    try:
        user = getpass.getuser()
    except Exception:  # no user database entry (containers): nothing to scrub by name
        user = os.environ.get("USER") or os.environ.get("USERNAME")
    try:
        host = socket.gethostname().split(".")[0]
    except OSError:
        host = None
    return user, host


def default_scrubber() -> Scrubber:
    user, host = machine_names()
    # Names last: by then paths and URLs are placeholders, so only free-standing names remain.
    return Scrubber((urls, emails, secrets, paths, ip_addresses, subjects, names(user, host)))

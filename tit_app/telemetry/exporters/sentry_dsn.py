"""Sentry/GlitchTip DSN -> envelope URL and auth header (protocols.md SE-D1..D3, SE-A1)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..transport import ConfigError, check_url

_UUID_HEX = re.compile(r"[0-9a-fA-F]{32}")


@dataclass(frozen=True)
class Dsn:
    envelope_url: str
    public_key: str = field(repr=False)
    secret_key: str | None = field(default=None, repr=False)

    def auth_header(self, client: str) -> str:
        value = f"Sentry sentry_version=7, sentry_client={client}, sentry_key={self.public_key}"
        return value + (f", sentry_secret={self.secret_key}" if self.secret_key else "")


def parse_dsn(dsn: str, setting: str) -> Dsn:
    """Parse `{scheme}://{key}[:{secret}]@{host}{path}/{project}`; ConfigError names `setting`."""
    try:
        parts = urlsplit(dsn.strip())
        key, secret, netloc = parts.username, parts.password, parts.netloc.rsplit("@", 1)[-1]
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"{setting}: not a valid DSN") from None
    if not key:
        raise ConfigError(f"{setting}: the DSN has no public key (expected https://KEY@host/PROJECT)")
    if not _UUID_HEX.fullmatch(key.replace("-", "")):
        raise ConfigError(f"{setting}: the public key must be a UUID (32 hex characters) (SE-D3)")
    path, _, project = parts.path.rstrip("/").rpartition("/")
    if not project:
        raise ConfigError(f"{setting}: the DSN has no project id at the end of its path")
    check_url(setting, f"{parts.scheme}://{netloc}/")
    return Dsn(f"{parts.scheme}://{netloc}{path}/api/{project}/envelope/", key, secret or None)


def display_url(dsn: str) -> str:
    """The DSN without its key, safe to show and to write in destinations.json."""
    try:
        parts = urlsplit(dsn.strip())
        return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{parts.path}"
    except ValueError:
        return "(invalid DSN)"

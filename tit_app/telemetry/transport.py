"""One HTTP POST and what its result means for the queue.

`requests` is imported on first use, so importing the telemetry core stays cheap. Error
texts never include URLs or exception messages from the HTTP stack, because those carry
query strings (GA4's api_secret) and end up in the store and the UI.
"""

from __future__ import annotations

import ipaddress
import json
import time
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from .backoff import parse_retry_after
from .outcome import Outcome

DEFAULT_TIMEOUT = (3.0, 10.0)  # (connect, read) seconds
# Transient answers worth another try; OTLP narrows this to OT-R3's list (destinations/otlp.py).
RETRY_STATUSES = frozenset({408, 429} | set(range(500, 600)))
_EXCERPT = 160
MAX_REPLY_BYTES = 1 << 20
_CHUNK = 4096


class ConfigError(ValueError):
    """A destination setting is unusable; the message starts with the setting's name."""


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(setting: str, url: str) -> str:
    """Return `url` if it may carry telemetry; raise ConfigError naming `setting` otherwise.

    Plain http:// is allowed only to this machine (a local collector); anything that
    leaves the machine must use https, and certificate checks are never turned off.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        raise ConfigError(f"{setting}: {url!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(f"{setting}: expected an http(s):// URL with a host, got {_masked_url(url)!r}")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise ConfigError(
            f"{setting}: plain http:// is only allowed for this machine (localhost, 127.0.0.1, ::1); "
            f"use https:// for {host}"
        )
    return url.strip()


def _masked_url(url: str) -> str:
    # Never echo credentials or query strings back in an error message.
    return url.split("?", 1)[0].split("@")[-1][:80]


def user_agent() -> str:
    from tit_app import __version__

    return f"tit-app/{__version__}"


def new_session(url: str, verify: str | None = None) -> Any:
    """A keep-alive session for one destination. `verify` may name a CA bundle, never disable checks."""
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = user_agent()
    if verify:
        session.verify = verify
    # A local collector must not be routed through a proxy from the environment.
    session.trust_env = not is_loopback_host(urlsplit(url).hostname)
    return session


def capped_timeout(default: tuple[float, float], limit: float | None) -> tuple[float, float]:
    """Split an overall limit between connect and read so the two together stay within it."""
    if limit is None:
        return default
    half = max(limit, 0.01) / 2
    return (min(default[0], half), min(default[1], half))


@dataclass(frozen=True)
class Reply:
    """What the server answered, already read (at most MAX_REPLY_BYTES) and its socket released."""

    status_code: int
    reason: str
    headers: Mapping[str, str]  # case-insensitive, as requests gives them
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


def post(
    session: Any,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    *,
    retry_statuses: frozenset[int] = RETRY_STATUSES,
) -> tuple[Outcome, Reply | None]:
    """POST `body`; return (outcome, the reply or None when there was none)."""
    import requests

    deadline = time.monotonic() + sum(timeout)
    try:
        response = session.post(url, data=body, headers=dict(headers), timeout=timeout, allow_redirects=False,
                                stream=True)
        with response:
            reply = _read(response, deadline)
    except requests.exceptions.Timeout as exc:
        kind = "connecting timed out" if isinstance(exc, requests.exceptions.ConnectTimeout) else "no answer in time"
        return Outcome.retry(f"{kind} (limit {timeout[1]:g} s)"), None
    except requests.exceptions.RequestException as exc:
        # Refused, unreachable, TLS trouble, reset mid-response: all transient from here.
        return Outcome.retry(describe_exception(exc)), None
    return classify(reply, retry_statuses, time.time()), reply


def _read(response: Any, deadline: float) -> Reply:
    """Read the body in small pieces, stopping at the size cap or the deadline.

    OT-T4: a client need not read huge replies; we only ever use a short error text or a
    partial-success count, and a server trickling bytes must not hold the app at exit.
    """
    chunks, size = [], 0
    for chunk in response.iter_content(_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_REPLY_BYTES or time.monotonic() > deadline:
            break
    return Reply(response.status_code, response.reason or "", response.headers, b"".join(chunks)[:MAX_REPLY_BYTES])


def classify(response: Reply, retry_statuses: frozenset[int], now: float) -> Outcome:
    status = response.status_code
    if 200 <= status < 300:
        return Outcome.sent()
    reason = f"HTTP {status} {response.reason or ''}".rstrip() + _excerpt(response)
    if status in retry_statuses:
        return Outcome.retry(reason, parse_retry_after(response.headers.get("Retry-After"), now))
    if 400 <= status < 600:
        return Outcome.drop(reason, "rejected")
    # 1xx/3xx: most likely a wrong URL (a redirect); keep the events and show the error.
    return Outcome.retry(f"{reason} (unexpected answer; check the destination URL)")


def _excerpt(response: Reply) -> str:
    text = " ".join(response.text.split())[:_EXCERPT]
    if not text:
        return ""
    from .scrub import emails, ip_addresses, secrets

    return ": " + ip_addresses(emails(secrets(text)))


def describe_exception(exc: BaseException) -> str:
    """A short, URL-free description: the class name and the operating system's reason."""
    return f"connection failed ({type(exc).__name__}: {_os_reason(exc)})"


def _os_reason(exc: BaseException) -> str:
    seen: set[int] = set()
    pending: list[Any] = [exc]
    while pending:
        item = pending.pop(0)
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, OSError) and item.strerror:
            return item.strerror
        pending += [*item.args, item.__cause__, item.__context__, getattr(item, "reason", None)]
    return "no details"

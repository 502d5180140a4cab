"""One HTTP POST and what its result means for the queue.

`requests` is imported on first use, so importing the telemetry core stays cheap. Error
texts never include URLs or exception messages from the HTTP stack, because those carry
query strings (GA4's api_secret) and end up in the store and the UI.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
import time
import unicodedata
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


# Query keys that carry credentials; such a URL would put the secret in files and output.
SECRET_QUERY_KEYS = frozenset({
    "api_secret", "api_key", "apikey", "key", "token", "access_token", "auth", "password", "passwd", "pwd",
    "secret", "client_secret", "sentry_key", "sentry_secret", "glitchtip_key", "signature", "sig",
})
_SECRET_KEY_RE = re.compile(r"(?i)(^|[?&;])((?:%s)=)[^&;#\s]*" % "|".join(sorted(SECRET_QUERY_KEYS, key=len, reverse=True)))


def is_loopback_host(host: str | None) -> bool:
    """Only literal loopback addresses and exactly `localhost` count: a name like
    `x.localhost` may resolve anywhere, and then secrets would cross the network in clear text."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _unsafe_character(text: str) -> bool:
    # Backslashes, spaces and control or format characters are read differently by different
    # URL parsers (the check could see one host while the connection goes to another).
    return any(c == "\\" or c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in text)


def parse_url(setting: str, url: str, allow_userinfo: bool = False, request: bool = False) -> Any:
    """Parse `url` exactly as requests does (urllib3's parse_url); ConfigError naming `setting` when
    it is not a plain http(s) URL. Error texts never repeat the URL: it may hold a secret.

    `request=True` checks a URL we built for a request, whose query may carry a secret (GA-T5).
    """
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url as urllib3_parse

    text = str(url).strip()
    if _unsafe_character(text):
        raise ConfigError(f"{setting}: the URL contains a backslash, a space or a control character; write it plainly")
    try:
        parsed = urllib3_parse(text)
        other = urlsplit(text)
        other_port = other.port
    except (LocationParseError, ValueError):
        raise ConfigError(f"{setting}: not a valid URL") from None
    if (parsed.scheme or "").lower() not in ("http", "https") or not parsed.host:
        raise ConfigError(f"{setting}: expected an http:// or https:// URL with a host")
    if parsed.auth is not None and not allow_userinfo:
        raise ConfigError(f"{setting}: {_CREDENTIALS}")
    _check_unambiguous(setting, parsed, other.hostname, other_port)
    if not request and parsed.query and _SECRET_KEY_RE.search("?" + parsed.query):
        raise ConfigError(f"{setting}: {_CREDENTIALS}")
    return parsed


_CREDENTIALS = ("the URL holds credentials (user:password@ or a token in the query); they are never kept in "
                "settings: give the secret with `tit-app telemetry set-secret NAME` or its environment variable")


def _check_unambiguous(setting: str, parsed: Any, hostname: str | None, port: int | None) -> None:
    """Two parsers must agree on the host and port, and nothing may hide in the host."""
    host = parsed.host.strip("[]").lower()
    if host != (hostname or "").lower() or parsed.port != port or "%" in host or "@" in host:
        raise ConfigError(f"{setting}: the URL is ambiguous (its host reads differently to different programs)")
    if parsed.fragment is not None:
        raise ConfigError(f"{setting}: the URL has a #fragment, which is never sent; remove it")


def check_url(setting: str, url: str) -> str:
    """Return `url` if it may carry telemetry; raise ConfigError naming `setting` otherwise.

    Plain http:// is allowed only to this machine (a local collector); anything that
    leaves the machine must use https, and certificate checks are never turned off.
    """
    parsed = parse_url(setting, url)
    if parsed.scheme.lower() == "http" and not is_loopback_host(parsed.host):
        raise ConfigError(
            f"{setting}: plain http:// is only allowed for this machine (localhost, 127.0.0.1, ::1); "
            f"use https:// for {parsed.host}"
        )
    return str(url).strip()


def clear_text_refusal(url: str) -> str | None:
    """Why this request URL must not be used (plain http to another machine, or unparsable), or None.

    Checked again before every request, whatever the settings said: secrets travel in
    headers and query strings, and must never cross the network unencrypted.
    """
    try:
        parsed = parse_url("URL", url, request=True)
    except ConfigError:
        return "the destination URL is not usable; check its setting"
    if parsed.scheme.lower() == "http" and not is_loopback_host(parsed.host):
        return "plain http:// to another machine is refused; use https://"
    return None


def shown_url(url: str) -> str:
    """`url` safe to show: no user:password@, secret query values hidden, control characters escaped."""
    text = str(url or "")
    try:
        parts = urlsplit(text)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        text = parts._replace(netloc=netloc).geturl()
    except ValueError:
        text = text.rsplit("@", 1)[-1]
    return escape_controls(_SECRET_KEY_RE.sub(lambda m: m.group(1) + m.group(2) + "<hidden>", text))


def redact_query_secrets(text: str) -> str:
    """Any `api_secret=...`-style value in free text (log lines, URLs) replaced by <hidden>."""
    return _SECRET_KEY_RE.sub(lambda m: m.group(1) + m.group(2) + "<hidden>", text)


def escape_controls(text: str, keep: str = "") -> str:
    """Control and format characters (escape sequences, bells, bidi overrides) as visible \\x.. escapes."""
    return "".join(c if c in keep or not _is_control(c) else _escape(c) for c in text)


def _is_control(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Cf") or c in "\u2028\u2029"


def _escape(c: str) -> str:
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def user_agent() -> str:
    from tit_app import __version__

    return f"tit-app/{__version__}"


def load_http_stack() -> None:
    """Import requests ahead of the first send (a driver does so once something is queued)."""
    import requests  # noqa: F401


def new_session(url: str, verify: str | None = None) -> Any:
    """A keep-alive session for one destination. `verify` may name a CA bundle, never disable checks."""
    import requests

    _guard_http_logs()
    session = requests.Session()
    session.headers["User-Agent"] = user_agent()
    if verify:
        session.verify = verify
    # A local collector must not be routed through a proxy from the environment.
    session.trust_env = not is_loopback_host(_host_of(url))
    return session


def _host_of(url: str) -> str | None:
    try:
        from urllib3.util import parse_url as urllib3_parse

        return urllib3_parse(str(url).strip()).host
    except ValueError:
        return None


class _RedactSecrets(logging.Filter):
    """urllib3 logs every request line at DEBUG, GA4's api_secret included (GA-T5): hide it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format is left to logging's own error report
            return True
        cleaned = redact_query_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_LOG_FILTER = _RedactSecrets()
_HTTP_LOGGERS = ("urllib3.connectionpool", "urllib3.connection", "urllib3.poolmanager", "urllib3.util.retry",
                 "urllib3.response", "requests")


def _guard_http_logs() -> None:
    for name in _HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _LOG_FILTER not in logger.filters:
            logger.addFilter(_LOG_FILTER)


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
    """POST `body`; return (outcome, the reply or None when there was none).

    `timeout` is (connect, read); their sum is also a hard limit on the whole request. A
    read timeout alone restarts with every byte, so a server trickling its headers or body
    could hold the caller (and the app's exit) for minutes. The request therefore runs on
    a helper thread that the caller stops waiting for when the time is up.
    """
    refusal = clear_text_refusal(url)
    if refusal is not None:
        return Outcome.retry(refusal), None
    budget = max(0.01, sum(timeout))
    request = _Request(session, url, body, dict(headers), timeout, time.monotonic() + budget)
    worker = threading.Thread(target=request.run, name="tit-telemetry-request", daemon=True)
    worker.start()
    worker.join(budget)
    if worker.is_alive():
        request.abandon()
        return Outcome.retry(f"no complete answer in time (limit {budget:g} s)"), None
    if request.reply is None:
        return request.failure, None
    return classify(request.reply, retry_statuses, time.time()), request.reply


class _Request:
    """One POST run on a helper thread; its result is read only after the thread ended."""

    def __init__(self, session: Any, url: str, body: bytes, headers: dict[str, str],
                 timeout: tuple[float, float], deadline: float) -> None:
        self.args = (session, url, body, headers, timeout)
        self.deadline = deadline
        self.reply: Reply | None = None
        self.failure = Outcome.retry("no answer")
        self._response: Any = None
        self._abandoned = False

    def run(self) -> None:
        # Catches everything: an exception escaping here would print a traceback holding the URL.
        try:
            self._run()
        except BaseException as exc:  # noqa: BLE001 - see above
            self.failure = _failure(exc, self.args[4])

    def _run(self) -> None:
        session, url, body, headers, timeout = self.args
        response = session.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True)
        self._response = response
        with response:
            reply = _read(response, self.deadline)
        if not self._abandoned:
            self.reply = reply

    def abandon(self) -> None:
        """The caller gave up: close the reply (if any) so the helper thread ends soon too."""
        self._abandoned = True
        response = self._response
        if response is not None:
            try:
                response.close()
            except Exception:  # closing from another thread may race with the read; either way it ends
                pass


def _failure(exc: BaseException, timeout: tuple[float, float]) -> Outcome:
    import requests
    import urllib3

    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Outcome.retry(f"connecting timed out (limit {timeout[0]:g} s)")
    if isinstance(exc, (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)):
        return Outcome.retry(f"no answer in time (limit {timeout[1]:g} s)")
    # Refused, unreachable, TLS trouble, reset mid-response: all transient from here.
    return Outcome.retry(describe_exception(exc))


def _read(response: Any, deadline: float) -> Reply:
    """Read the body as it arrives, stopping at the size cap or the deadline.

    OT-T4: a client need not read huge replies; we only ever use a short error text or a
    partial-success count. `read1` returns whatever one receive brought, so the deadline is
    looked at after every receive, not only after a full chunk.
    """
    chunks, size = [], 0
    raw = response.raw
    while size <= MAX_REPLY_BYTES and time.monotonic() < deadline:
        chunk = raw.read1(_CHUNK, decode_content=True)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return Reply(response.status_code, response.reason or "", response.headers, b"".join(chunks)[:MAX_REPLY_BYTES])


# 401/403: the credentials or the URL are wrong. The events are kept (the user can fix the
# settings), but asking again soon only repeats the refusal: wait an hour, unless flushed.
AUTH_STATUSES = frozenset({401, 403})
AUTH_WAIT_S = 3600.0
TOO_LARGE = 413


def classify(response: Reply, retry_statuses: frozenset[int], now: float) -> Outcome:
    status = response.status_code
    if 200 <= status < 300:
        return Outcome.sent()
    reason = f"HTTP {status} {response.reason or ''}".rstrip() + _excerpt(response)
    if status in AUTH_STATUSES:
        return Outcome.retry(f"configuration problem: {reason}; check this destination's URL and secret",
                             min_wait=AUTH_WAIT_S, status=status)
    if status in retry_statuses:
        return Outcome.retry(reason, parse_retry_after(response.headers.get("Retry-After"), now), status=status)
    if 400 <= status < 600:
        return Outcome.drop(reason, "rejected", status=status)
    # 1xx/3xx: most likely a wrong URL (a redirect); keep the events and show the error.
    return Outcome.retry(f"{reason} (unexpected answer; check the destination URL)", status=status)


def _excerpt(response: Reply) -> str:
    text = " ".join(response.text.split())[:_EXCERPT]
    if not text:
        return ""
    from .scrub import emails, ip_addresses, secrets

    return ": " + escape_controls(ip_addresses(emails(secrets(redact_query_secrets(text)))))


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

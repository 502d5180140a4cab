"""A plain JSON endpoint: `{"events": [...]}` with the stored events as they are.

For teams that run their own small collector. Frames go only with error-level events,
the same rule the other destinations follow. An optional bearer token is its secret.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ..model import DELETION, StoredEvent
from ..transport import ConfigError, check_url, shown_url
from . import secrets
from .exporter import HttpExporter, compact_json
from .kind import DestinationKind, Problems, Settings, first_variable, label, no_extra_options, value

TOKEN = secrets.Secret("json_token", "TIT_JSON_TOKEN", "bearer token for the JSON endpoint")

_FIELDS = tuple(f.name for f in fields(StoredEvent) if f.name != "frames")
_DELETION_FIELDS = ("event_id", "name", "level", "time_us", "client_id")


def event_dict(event: StoredEvent) -> dict[str, Any]:
    # A plain comprehension: dataclasses.asdict deep-copies and costs ~10x more per event.
    data = {name: getattr(event, name) for name in (_DELETION_FIELDS if event.is_deletion_request else _FIELDS)}
    if event.level == "errors" and event.frames:
        data["frames"] = list(event.frames)
    return data


def encode_json(events: list[StoredEvent]) -> bytes:
    return compact_json({"events": [event_dict(e) for e in events]})


class JsonExporter(HttpExporter):
    name = "json"
    levels = frozenset({"errors", "usage", DELETION})
    max_events = 500
    max_bytes = 2_000_000

    def __init__(self, url: str, token: str | None = None, verify: str | None = None) -> None:
        super().__init__(url, verify)
        self._token = token

    def encode(self, events: list[StoredEvent], now: float) -> bytes:
        return encode_json(events)

    def secret_values(self) -> tuple[str, ...]:
        return (self._token,) if self._token else ()

    def request_headers(self) -> dict[str, str]:
        headers = super().request_headers()
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers


# -- settings ---------------------------------------------------------------------------------


def environment(problems: Problems) -> Settings:
    url = first_variable("TIT_JSON_ENDPOINT")
    return {"url": url, "enabled": (True, url[1])} if url else {}


def build(settings: Settings, problems: Problems) -> JsonExporter:
    url = str(value(settings, "url", "")).strip()
    setting = label(settings, "url", "TIT_JSON_ENDPOINT")
    if not url:
        raise ConfigError(f"{setting}: the JSON endpoint URL is not set")
    return JsonExporter(check_url(setting, url), token=secrets.get_secret(TOKEN))


def entry(url: str, options: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    secret = options.pop("token", None)
    if not url:
        raise ConfigError("URL: the JSON endpoint needs a URL")
    url = check_url("URL", url)
    no_extra_options(options)
    return {"enabled": True, "url": url}, secret


KIND = DestinationKind(
    name="json",
    user_keys=("enabled", "url"),
    secret=TOKEN,
    environment=environment,
    build=build,
    entry=entry,
    display_url=lambda settings: shown_url(str(value(settings, "url", ""))),
    variables=("TIT_JSON_ENDPOINT",),
    fields={
        "events": "the list of events in this request",
        "event_id": "a random id of this event, the same on every retry so the receiver can remove duplicates",
        "name": "the event's name from the catalog",
        "level": "usage, errors, or deletion (a request to delete an old anonymous id's data)",
        "time_us": "when the event happened, in microseconds since 1970",
        "client_id": "the anonymous installation id: random; deleted at opt-out, replaced at a reset",
        "session_id": "a random number for this run of the app, renewed with the anonymous id",
        "seq": "the event's position in its session",
        "params": "the event's parameters",
        "system": "the parameters added to every event",
        "frames": "error-level events only: the app's own functions on the stack",
        "module": "a stack frame's Python module (tit_app code only, no paths)",
        "function": "a stack frame's function name",
        "lineno": "a stack frame's line number",
        "in_app": "always true: only the app's own frames are kept",
    },
)

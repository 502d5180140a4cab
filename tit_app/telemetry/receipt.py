"""The consent receipt: what the user agreed to, when, at which level, and how.

Saved in `telemetry.json` with every answer, shown on the Privacy page and by
`tit-app telemetry status`, and included in `export`. Its `scope` is the list of items
(`scope.scope_items`) the notice described at the time, so a later version can tell
exactly what is new since then.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from typing import Any

# Raised whenever the wording or the structure of the notice changes in substance.
NOTICE_VERSION = 2
WAYS = ("dialog", "cli", "privacy page", "api")
MAX_ONCE = 20  # one-time consents kept in the receipt, newest last


@dataclass(frozen=True)
class Receipt:
    notice_version: int
    scope_hash: str
    scope: tuple[str, ...]
    level: str  # the level agreed to ("usage" or "errors", after any policy cap), or "off" for a no
    at: float  # epoch seconds
    via: str  # one of WAYS
    # "Send this report once" answers, each {"event": name, "event_id", "at", "via"}: a consent for
    # that one report only, which leaves the answer above as it was (docs/architecture.md, "Crash reporting").
    once: tuple[dict[str, Any], ...] = ()

    def to_mapping(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope"] = list(self.scope)
        data["once"] = [dict(entry) for entry in self.once]
        return data

    def with_once(self, event: str, event_id: str, via: str) -> "Receipt":
        """This receipt plus a one-time consent to send the report `event_id` now."""
        entry = {"event": event, "event_id": event_id, "at": time.time(), "via": via}
        return replace(self, once=(*self.once, entry)[-MAX_ONCE:])

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(self.at))

    def summary(self) -> str:
        """One line, as the Privacy page and `status` show it."""
        if self.level == "off":
            line = f"no, to notice v{self.notice_version}, {self.when} via {self.via}"
        else:
            line = (f"yes ({self.level}) to notice v{self.notice_version}, scope {self.scope_hash} "
                    f"({len(self.scope)} items), {self.when} via {self.via}")
        if self.once:
            last = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(self.once[-1]["at"]))
            line += f"; {len(self.once)} crash report(s) sent once with your consent, the last {last}"
        return line


def from_mapping(raw: Any) -> Receipt | None:
    """The receipt stored in the settings, or None when there is none or it is damaged."""
    if not isinstance(raw, dict):
        return None
    try:
        receipt = Receipt(int(raw["notice_version"]), str(raw["scope_hash"]), tuple(str(i) for i in raw["scope"]),
                          str(raw["level"]), float(raw["at"]), str(raw["via"]), _once(raw.get("once")))
    except (KeyError, TypeError, ValueError):
        return None
    return receipt if receipt.level in ("usage", "errors", "off") and receipt.via in WAYS else None


def _once(raw: Any) -> tuple[dict[str, Any], ...]:
    """The one-time consents as stored; an entry that is not well-formed is left out."""
    entries = []
    for entry in raw if isinstance(raw, list) else ():
        if not (isinstance(entry, dict) and entry.get("via") in WAYS and isinstance(entry.get("event_id"), str)):
            continue
        try:
            at = float(entry.get("at", 0))
        except (TypeError, ValueError):
            continue
        entries.append({"event": str(entry.get("event", "")), "event_id": entry["event_id"], "at": at, "via": entry["via"]})
    return tuple(entries[-MAX_ONCE:])

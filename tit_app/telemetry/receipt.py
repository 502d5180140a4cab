"""The consent receipt: what the user agreed to, when, at which level, and how.

Saved in `telemetry.json` with every answer, shown on the Privacy page and by
`tit-app telemetry status`, and included in `export`. Its `scope` is the list of items
(`scope.scope_items`) the notice described at the time, so a later version can tell
exactly what is new since then.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

# Raised whenever the wording or the structure of the notice changes in substance.
NOTICE_VERSION = 2
WAYS = ("dialog", "cli", "privacy page", "api")


@dataclass(frozen=True)
class Receipt:
    notice_version: int
    scope_hash: str
    scope: tuple[str, ...]
    level: str  # the level agreed to ("usage" or "errors", after any policy cap), or "off" for a no
    at: float  # epoch seconds
    via: str  # one of WAYS

    def to_mapping(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope"] = list(self.scope)
        return data

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(self.at))

    def summary(self) -> str:
        """One line, as the Privacy page and `status` show it."""
        if self.level == "off":
            return f"no, to notice v{self.notice_version}, {self.when} via {self.via}"
        return (f"yes ({self.level}) to notice v{self.notice_version}, scope {self.scope_hash} "
                f"({len(self.scope)} items), {self.when} via {self.via}")


def from_mapping(raw: Any) -> Receipt | None:
    """The receipt stored in the settings, or None when there is none or it is damaged."""
    if not isinstance(raw, dict):
        return None
    try:
        receipt = Receipt(int(raw["notice_version"]), str(raw["scope_hash"]), tuple(str(i) for i in raw["scope"]),
                          str(raw["level"]), float(raw["at"]), str(raw["via"]))
    except (KeyError, TypeError, ValueError):
        return None
    return receipt if receipt.level in ("usage", "errors", "off") and receipt.via in WAYS else None

"""Values shared by the store, the exporters and the UI."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

# The two telemetry levels: a setting's value, and each event's level in the catalog.
LEVELS = ("usage", "errors")
# The level of the one event sent after consent ends: a request to delete an old id's data.
DELETION = "deletion"

# Why an event was dropped; each cause is a counter in the store and a telemetry_health param.
DROP_CAUSES = (
    "invalid",
    "scrub_failed",
    "over_capacity",
    "too_old",
    "rejected",
    "rate_limited",
    "buffer_full",
    "store_unavailable",
    "level_lowered",
)


class RawEvent(NamedTuple):
    """What `track_event` buffers, nothing validated yet.

    A NamedTuple, not a dataclass: it is built on the caller's thread, where every µs counts.
    """

    time: float
    name: str
    params: dict | None
    interface: str
    frames: tuple = ()
    handled: Any = None  # a threading.Event a caller waits on (`Engine.record(blocking=True)`), else None


@dataclass(frozen=True)
class StoredEvent:
    """One enriched event as persisted; exporters encode these."""

    event_id: str  # 32 lowercase hex, stable across retries so receivers can de-duplicate
    name: str
    level: str  # "errors" | "usage" for this occurrence
    time_us: int  # when it happened, microseconds since the epoch
    client_id: str
    session_id: str  # ten random decimal digits, new with every anonymous id and app session (GA-P2)
    seq: int  # per-session sequence number
    params: dict[str, Any] = field(default_factory=dict)
    system: dict[str, Any] = field(default_factory=dict)
    # Only for events from track_operation(..., error): module:function frames, callee last.
    frames: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        # By hand rather than dataclasses.asdict, which deep-copies every value (10x slower).
        return {
            "event_id": self.event_id, "name": self.name, "level": self.level, "time_us": self.time_us,
            "client_id": self.client_id, "session_id": self.session_id, "seq": self.seq,
            "params": self.params, "system": self.system, "frames": list(self.frames),
        }

    @property
    def is_deletion_request(self) -> bool:
        return self.level == DELETION

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "StoredEvent":
        data = json.loads(text)
        data["frames"] = tuple(data.get("frames") or ())
        return cls(**data)


@dataclass(frozen=True)
class Delivery:
    """Where one pending event stands with one destination."""

    destination: str
    state: str  # "pending" | "done"
    attempts: int
    next_attempt: float  # epoch seconds; 0 = as soon as possible
    last_error: str | None


@dataclass(frozen=True)
class PendingEvent:
    event: StoredEvent
    deliveries: tuple[Delivery, ...]

    def to_dict(self) -> dict[str, Any]:
        """The event and where it stands with each destination, as `show --json` and exports print it."""
        return {"event": self.event.to_dict(), "deliveries": [asdict(d) for d in self.deliveries]}


@dataclass(frozen=True)
class HistoryEntry:
    event_id: str
    name: str
    destination: str
    outcome: str  # "sent" | "dropped"
    detail: str
    at: float  # epoch seconds
    time_us: int


def deletion_request(old_client_id: str, event_id: str, now: float) -> StoredEvent:
    """The request to delete everything received under `old_client_id`; it carries nothing else."""
    return StoredEvent(event_id=event_id, name="deletion_request", level=DELETION, time_us=int(now * 1e6),
                       client_id=old_client_id, session_id="", seq=0)

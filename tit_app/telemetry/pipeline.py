"""Step 2 of an event's life: validate against the catalog, scrub, enrich.

Runs on the telemetry driver's thread, never on the caller's (a blocking track hands its event over and waits).
"""

from __future__ import annotations

import itertools
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from .catalog import Catalog
from .model import RawEvent, StoredEvent


@dataclass
class Batch:
    events: list[StoredEvent] = field(default_factory=list)
    drops: Counter = field(default_factory=Counter)  # cause -> count


def new_session_id() -> str:
    """Ten random decimal digits (GA-P2 allows any value). Random, not the start time, so two
    sessions on either side of an id reset cannot be joined by their session ids."""
    return str(1_000_000_000 + secrets.randbelow(9_000_000_000))


class Enricher:
    """Turns raw events into stored ones for one session of one client (a new id means a new Enricher)."""

    def __init__(self, catalog: Catalog, scrub: Callable[[str], str], system: Callable[[str], dict]) -> None:
        self.catalog = catalog
        self.scrub = scrub
        self.system = system
        self.session_id = new_session_id()
        self._seq = itertools.count(1)

    def build(self, raws: list[RawEvent], client_id: str, level: str) -> Batch:
        batch = Batch()
        for raw in raws:
            try:
                params = self._scrubbed(raw.params)
            except Exception:  # fail closed: an event we could not clean never leaves
                batch.drops["scrub_failed"] += 1
                continue
            try:
                clean, event_level = self.catalog.validate(raw.name, params)
                if level == "errors" and event_level != "errors":
                    continue  # not a drop: the user chose not to share usage events
                event = self._stored(raw, clean, event_level, client_id)
                event.to_json()  # one value that cannot be encoded costs its own event, not the batch
            except Exception:  # InvalidEvent, or a value whose __eq__, __repr__ or encoding fails
                batch.drops["invalid"] += 1
                continue
            batch.events.append(event)
        return batch

    def _scrubbed(self, params: dict[str, Any] | None) -> dict[str, Any]:
        return {k: self.scrub(v) if isinstance(v, str) else v for k, v in (params or {}).items()}

    def _stored(self, raw: RawEvent, params: dict, level: str, client_id: str) -> StoredEvent:
        return StoredEvent(
            event_id=uuid.uuid4().hex,
            name=raw.name,
            level=level,
            time_us=int(raw.time * 1_000_000),
            client_id=client_id,
            session_id=self.session_id,
            seq=next(self._seq),
            params=params,
            system=self.system(raw.interface),
            frames=raw.frames,
        )
